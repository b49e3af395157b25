package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// pendingRequest enrolls the kind's device outside Terraform without skipping the passcode:
// the factor stays ENROLLMENT_INITIATED, as another workspace's or the person's would.
func pendingRequest(k passcodeKindCase) client.EnrollRequest {
	r := k.enrollRequest
	r.SkipVerification = false
	return r
}

// TestAccPasscodeFactor_pendingEnrollmentIsNotTakenOver (issue 16, item 5): a create for a
// device someone else is enrolling (a pending factor of the same number or address) used to
// restart that enrollment silently, voiding the other party's passcode. It now fails before
// sending anything, naming the factor and its import {} block; with
// take_over_pending_enrollment = true it takes the enrollment over (same factor id, one new
// passcode); removing or adding the attribute afterwards plans an update that sends nothing.
func TestAccPasscodeFactor_pendingEnrollmentIsNotTakenOver(t *testing.T) {
	t.Parallel()
	env := newEmulatorEnv(t, "the outbox")
	passcodeKindsTogether(t, env, func(k passcodeKindCase, userID string) ([]resource.TestStep, resource.TestCheckFunc) {
		otherID := enrollDirect(t, env, userID, pendingRequest(k))
		otherCode := env.otp(t, userID, otherID)
		takeOver := k.config(env, userID, "  take_over_pending_enrollment = true")
		return []resource.TestStep{
			{
				Config: k.config(env, userID, ""),
				ExpectError: diagRE("A pending enrollment of this device already exists", "ENROLLMENT_INITIATED",
					"would restart that enrollment", "another Terraform workspace's", "import {",
					"to = "+k.typeName+".<name>", `id = "`+userID+"/"+otherID+`"`, "ask whoever started it",
					"take_over_pending_enrollment = true", "no longer works"),
			},
			{
				PreConfig: func() {
					if n := len(env.Emulator.Messages(userID)); n != 1 {
						t.Errorf("the refused create sent %d passcode(s), want none", n-1)
					}
					if code, _ := env.Emulator.LastOTP(userID, otherID); code != otherCode {
						t.Errorf("the refused create changed the other party's passcode")
					}
				},
				Config: takeOver,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(k.addr(), "factor_id", otherID),
					resource.TestCheckResourceAttr(k.addr(), "status", emulator.StatusInitiated),
					resource.TestCheckResourceAttr(k.addr(), "take_over_pending_enrollment", "true"),
					countEmulatorFactors(env, userID, 1),
					checkMessages(env, userID, 2),
				),
			},
			{
				// Updates read it too, so leaving it out plans an update to null, which sends nothing.
				Config: k.config(env, userID, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(k.addr(), tfjsonpath.New("take_over_pending_enrollment"), knownvalue.Null()),
				}},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckNoResourceAttr(k.addr(), "take_over_pending_enrollment"),
					checkMessages(env, userID, 2),
				),
			},
			{
				// Adding it back plans an update too, and sends nothing either.
				Config: takeOver,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(k.addr(), plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(k.addr(), "take_over_pending_enrollment", "true"),
					resource.TestCheckResourceAttr(k.addr(), "status", emulator.StatusInitiated),
					checkMessages(env, userID, 2),
				),
			},
		}, resource.ComposeTestCheckFunc(env.checkDestroy(k.typeName), checkNoFactorsLeft(env, userID))
	})
}

// TestAccPasscodeFactor_pendingCheckWithoutRoleWarns (issue 16, item 5): an OAuth client with
// only the MFA Client role cannot read the user's devices, where pending enrollments show.
// Its creates go on (a least-privilege setup keeps working) but never silently: each warns
// that the check could not run and names the User Administrator role. Run through the CLI,
// which prints warnings.
func TestAccPasscodeFactor_pendingCheckWithoutRoleWarns(t *testing.T) {
	requireTFAcc(t)
	t.Parallel()
	env := newEnvWithMFAOnlyClient(t)
	userID := env.newUser(t)
	cli := newCLIRun(t)
	cfg := providerBlock(env.Host, mfaOnlyID, mfaOnlySecret, "")
	for _, k := range passcodeKinds {
		cfg += k.resource("test", userID, "")
	}
	cli.writeProviderConfig(cfg)
	out := cli.mustRun(0, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	for _, k := range passcodeKinds {
		want := diagRE("Warning: Could not check for a pending enrollment of this "+k.device, "with "+k.addr(),
			"Before enrolling the "+k.label+" factor of user "+userID, "was refused (HTTP 403",
			"Grant the confidential application the User Administrator app role")
		if !want.MatchString(out) {
			t.Errorf("the apply does not warn that the %s factor's pending check could not run; output (last 4000 bytes):\n%s",
				k.label, lastBytes(out, 4000))
		}
	}
	cli.mustRun(0, nil, "destroy", "-auto-approve", "-input=false", "-no-color")
	if err := checkNoFactorsLeft(env, userID)(nil); err != nil {
		t.Error(err)
	}
}

// TestAccPasscodeFactor_twoResourcesOneDeviceInOneApply (issue 25, item 2, within one
// Terraform run): two resources of one configuration enroll the same device of one user. Their
// creates ran in parallel, each read the user's devices before either enrolled, and both
// reported "Creation complete" with the same factor id, one passcode void. The creates of one
// user now take turns over one shared read that records what each enrolled: the second sees
// the first's pending enrollment and fails before sending anything, saying that the other
// resource of the same configuration holds it (not another workspace, with an import block
// that would give one factor two resources).
func TestAccPasscodeFactor_twoResourcesOneDeviceInOneApply(t *testing.T) {
	t.Parallel()
	env := newEmulatorEnv(t, "adding latency and counting passcodes")
	// Latency before each request's work widens the window in which both creates have read
	// the devices and neither has enrolled.
	env.Emulator.SetFaults(emulator.Faults{Latency: 300 * time.Millisecond})
	passcodeKindsTogether(t, env, func(k passcodeKindCase, userID string) ([]resource.TestStep, resource.TestCheckFunc) {
		cfg := env.providerConfig() + k.resource("a", userID, "") + k.resource("b", userID, "")
		return []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: diagRE("Another resource of this configuration enrolls the same", "Remove one of the two resources"),
			},
			{
				PreConfig: func() {
					if fs := env.emulatorFactors(userID); len(fs) != 1 {
						t.Errorf("want one factor, got %+v", fs)
					}
					checkSent(t, env, userID, 1)
					env.Emulator.SetFaults(emulator.Faults{})
				},
				// One of the two is in state; the other is still to create.
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		}, env.checkDestroy(k.typeName)
	})
}
