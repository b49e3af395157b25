// Command terraform-provider-idcsmfa serves the idcsmfa Terraform provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/provider"
)

// version is set by goreleaser through ldflags.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/idcsmfa/idcsmfa",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
