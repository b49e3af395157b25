package provider

// The kinds every passcode-lifecycle scenario runs over (passcodeKinds: a new passcode factor
// type adds a row there) and the scenario runner, which runs every kind's steps of a scenario
// together, in one TestCase (passcode_kinds_together_test.go). The scenarios sit beside the code they test:
// passcode_factor_create_test.go, _update_test.go (and _decision_test.go, without a server),
// _plan_test.go, _takeover_test.go, _lost_answer_test.go, _imported_test.go, _messages_test.go.
// What only one kind has (the SMS factor's number) is tested beside that kind's resource.

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// passcodeKindCase is one kind of passcode factor as the shared scenarios see it. The texts
// are written out, not taken from the provider's registry, so that a wrong label fails.
type passcodeKindCase struct {
	typeName string // the resource type
	label    string // in the provider's messages: "Could not enroll the <label> factor"
	aLabel   string // with its article: "is not <aLabel> factor"
	method   string // the /mfa/v1 method, in the methods attribute
	// resource is the kind's resource block for one fixed device; extra goes inside it.
	resource func(name, userID, extra string) string
	// displayName is what the service shows for that device once enrolled.
	displayName func(t *testing.T, env *testEnv, userID string) string
	// enrollRequest enrolls the same device outside Terraform.
	enrollRequest client.EnrollRequest
	// The service's refusals that name the kind.
	alreadyEnrolled string // "HTTP 400 AUTH-1031"
	disabled        string // "AUTH-1125: The SMS factor has been disabled."
	// importVerifyIgnore are the attributes an import cannot read back.
	importVerifyIgnore []string
	// device names what the factor sends passcodes to, in the provider's messages.
	device string
}

// passcodeKinds are the factor kinds with the passcode lifecycle; the rows are defined beside
// each kind's own tests.
var passcodeKinds = []passcodeKindCase{smsCase, emailCase}

func (k passcodeKindCase) addr() string { return k.typeName + ".test" }

// config is the environment's provider block, the passcode variables (otpVariables) and the
// kind's resource "test" for userID; extra goes inside the resource.
func (k passcodeKindCase) config(env *testEnv, userID, extra string) string {
	return k.configWith(env.providerConfig(), userID, extra)
}

// configWith is config with another provider block.
func (k passcodeKindCase) configWith(provider, userID, extra string) string {
	return provider + otpVariables + k.resource("test", userID, extra)
}

// other is another passcode kind, for cases that need a factor of the wrong kind.
func (k passcodeKindCase) other() passcodeKindCase {
	for _, o := range passcodeKinds {
		if o.typeName != k.typeName {
			return o
		}
	}
	panic("passcodeKinds needs two kinds")
}

// forEachPasscodeKind runs test once per passcode kind, the kinds in parallel.
func forEachPasscodeKind(t *testing.T, test func(t *testing.T, k passcodeKindCase)) {
	for _, k := range passcodeKinds {
		t.Run(k.label, func(t *testing.T) {
			t.Parallel()
			test(t, k)
		})
	}
}

// passcodeScenario runs a scenario for every passcode kind in one TestCase, each kind on a
// user of its own, against one emulator (or the real domain, unless why says what needs the
// emulator), with Terraform 1.11+ (write-only attributes) and destroy checked on the server.
// Each step of the TestCase is every kind's step (passcodeKindsTogether).
func passcodeScenario(t *testing.T, why string, steps func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep) {
	t.Parallel()
	env := newTestEnv(t)
	if why != "" {
		env.requireEmulator(t, why)
	}
	passcodeKindsTogether(t, env, func(k passcodeKindCase, userID string) ([]resource.TestStep, resource.TestCheckFunc) {
		return steps(t, k, env, userID), env.checkDestroy(k.typeName)
	})
}

// stateIs checks the value of a top-level attribute in state.
func stateIs(addr, attr string, want knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), want)
}

// An OAuth client with the MFA Client role only, beside the environment's usual one.
const mfaOnlyID, mfaOnlySecret = "mfa-only", "mfa-only-secret"
