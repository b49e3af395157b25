package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// keyMyInitiator is the self-service initiator (sends the passcode), keyed as in the statistics.
const keyMyInitiator = "POST /admin/v1/MyAuthenticationFactorInitiator"

// TestAccSelfService_lostInitiatorAnswerSaysDeviceRemoved (issue 25, item 4c): a self-service
// create whose initiator answer was lost deletes the device the enroller made. It used to say
// "no such factor was found"; it now says the device was removed and that a passcode the user
// may have received is void, and nothing is left on the identity domain.
func TestAccSelfService_lostInitiatorAnswerSaysDeviceRemoved(t *testing.T) {
	forEachPasscodeKind(t, func(t *testing.T, k passcodeKindCase) {
		u := newSelfServiceUser(t, backupFor(k))
		env := u.env
		ssTest(t, u, env.checkDestroy(k.typeName),
			resource.TestStep{
				PreConfig: dropNext(env, keyMyInitiator),
				Config:    u.config(k, ""),
				ExpectError: diagRE("may have been carried out", "deleted the pending device", "the device was removed",
					"passcode the user may have received for it is void", "Apply again to enroll it"),
			},
			resource.TestStep{
				PreConfig: func() {
					if n := env.Emulator.CurrentFaults().DropNext[keyMyInitiator]; n != 0 {
						t.Errorf("the initiator's answer was not dropped (%d drops left)", n)
					}
					// Only the administrator's backup factor is left.
					if fs := env.emulatorFactors(u.id); len(fs) != 1 {
						t.Errorf("want only the backup factor left, got %+v", fs)
					}
				},
				Config:             u.config(k, ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		)
	})
}

// TestAccSelfService_importPendingSMSWithRealNumber (issue 25, item 4a): a pending SMS factor
// imported in self-service mode with its real number in the configuration plans no replacement,
// as in the administrator's mode: it used to plan one, which would void the passcode the user
// holds. The in-place update records the number (issue 31, item 4) and leaves the factor pending.
func TestAccSelfService_importPendingSMSWithRealNumber(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, backupFor(smsCase))
	env := u.env
	factorID := enrollDirect(t, env, u.id, smsReq("7700900456", false))
	cfg := u.config(smsCase, "")
	imported := importStep(smsAddr, u.id+"/"+factorID, cfg)
	imported.ImportStateCheck = importedAttrs(map[string]string{"status": "ENROLLMENT_INITIATED", "display_name": "+44XXXXXXX456"})
	ssTest(t, u, env.checkDestroy(smsCase.typeName),
		imported,
		resource.TestStep{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionUpdate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				stateIs(smsAddr, "factor_id", knownvalue.StringExact(factorID)),
				stateIs(smsAddr, "status", knownvalue.StringExact("ENROLLMENT_INITIATED")),
				stateIs(smsAddr, "display_name", knownvalue.StringExact("+44XXXXXXX456")),
				stateIs(smsAddr, "mobile_number", knownvalue.StringExact("7700900456")),
			},
			Check: checkMessages(env, u.id, 1), // the enrollment's own passcode only: nothing was sent again
		},
	)
}

// importStep imports id into addr with cfg and keeps the result in state.
func importStep(addr, id, cfg string) resource.TestStep {
	return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStatePersist: true, Config: cfg}
}
