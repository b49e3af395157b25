package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// A delete the identity domain answers 500 every time: after the client's retries the error
// says how many times the request was sent over how long, what to do, and that the factor
// stays in state; once the domain works again, destroy deletes it.
func TestAccDeleteRetries_givesUpAfterRetries(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "a domain that fails every delete")
	var failDeletes atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failDeletes.Load() && r.Method == http.MethodDelete {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"status":"failed","ecId":"delete-test","cause":[{"code":"AUTH-1112","message":"Unexpected error."}]}`))
			return
		}
		env.Emulator.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	env.Host = srv.URL
	// Every delete fails: the test counts the attempts, and need not wait for the real backoff.
	shortRetryWaits(t, env.Host)
	userID := env.newUser(t)
	enrolled := env.providerConfig() + emailResource("test", userID, "  skip_verification = true")
	accTest(t, env.checkDestroy("idcsmfa_email_factor"),
		resource.TestStep{Config: enrolled},
		resource.TestStep{
			PreConfig: func() { failDeletes.Store(true) },
			Config:    enrolled,
			Destroy:   true,
			// The attempts took seconds (under 10), not the client's ~50 s of backoff: the short
			// waits were used (shortRetryWaits).
			ExpectError: regexp.MustCompile(diagRE("Could not delete email factor", "HTTP 500 AUTH-1112",
				fmt.Sprintf("Terraform sent the request %d times over", client.DefaultRetryMax+1)).String() +
				`[\s│]+([0-9]+ms|[0-9](\.[0-9])?s),[\s│]+` + strings.TrimPrefix(diagRE("retrying, and gave up on this answer",
				"failed on its side on every attempt", "Apply again later", "ecId",
				"The factor stays in the state", "run terraform destroy (or apply) again to retry the delete").String(), "(?s)")),
		},
		resource.TestStep{
			PreConfig: func() { failDeletes.Store(false) },
			Config:    enrolled,
			Check:     resource.TestCheckResourceAttr("idcsmfa_email_factor.test", "status", "ENROLLED"),
		},
	)
}
