// Command terraform-provider-idcsmfa serves the idcsmfa Terraform provider.
package main

import (
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/provider"
)

// version is set by goreleaser through ldflags.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	quietUnreadLogs()

	// What providerserver.Serve does, with the provider's own protocol server
	// (provider.NewProtocol6: the framework's, with write-only action inputs allowed).
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve("registry.terraform.io/idcsmfa/idcsmfa", provider.NewProtocol6(version), opts...); err != nil {
		log.Fatal(err.Error())
	}
}

// quietUnreadLogs turns the SDK and provider log sinks off when no TF_LOG* variable asks for
// logs. terraform-plugin-log defaults to TRACE, so without this every RPC formats JSON log
// lines that Terraform then throws away: make bench measured that as a fifth of the
// provider's CPU during a 500-factor refresh. Any TF_LOG* setting (other than TF_LOG_PATH
// alone) leaves logging exactly as Terraform asked.
func quietUnreadLogs() {
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_LOG") && name != "TF_LOG_PATH" && value != "" {
			return
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		_ = os.Setenv(name, "off")
	}
}
