package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

func TestAccPasscodeFactor_pendingThenActivateWithWriteOnlyPasscode(t *testing.T) {
	passcodeScenario(t, "reading the passcode from the outbox", func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep {
		addr := k.addr()
		var factorID, otp string
		otpVar := config.Variables{"otp": lazyVariable(func() string { return otp })}

		return []resource.TestStep{
			{
				Config: k.config(env, userID, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					stateIs(addr, "status", knownvalue.StringExact("ENROLLMENT_INITIATED")),
					stateIs(addr, "display_name", knownvalue.StringExact(k.displayName(t, env, userID))),
					stateIs(addr, "methods", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(k.method)})),
					stateIs(addr, "id", knownvalue.StringRegexp(regexp.MustCompile("^"+userID+"/[0-9a-f]{32}$"))),
				},
				Check: resource.ComposeTestCheckFunc(
					captureAttr(addr, "factor_id", &factorID),
					checkRecordedSecrets(env),
					env.checkNoSecretsInState(),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusInitiated),
				),
			},
			{
				// Changing the version without a passcode is refused at plan time.
				Config:      k.config(env, userID, "  otp_code_wo_version = 1"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Missing passcode.*otp_code_wo_version changed from null to 1.*otp_code_wo is\s+not set`),
			},
			{
				PreConfig:       func() { otp = env.otp(t, userID, factorID) },
				Config:          k.config(env, userID, otpV1),
				ConfigVariables: otpVar,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("status")),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					stateIs(addr, "status", knownvalue.StringExact("ENROLLED")),
					stateIs(addr, "otp_code_wo", knownvalue.Null()),
					stateIs(addr, "otp_code_wo_version", knownvalue.Int64Exact(1)),
				},
				Check: resource.ComposeTestCheckFunc(
					env.checkNoSecretsInState(&otp),
					checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
				),
				// Its post-apply plans, without and with refresh, must be empty: refresh finds
				// the factor enrolled and nothing is left to do, with the used passcode still
				// in the configuration.
			},
			{
				// The passcode is used up: keeping the version without it plans no change.
				Config:   k.config(env, userID, "  otp_code_wo_version = 1"),
				PlanOnly: true,
			},
			{
				// An enrolled factor is never asked to verify again, even with a new version.
				Config:            k.config(env, userID, "  otp_code_wo         = var.otp\n  otp_code_wo_version = 2"),
				ConfigVariables:   config.Variables{"otp": config.StringVariable("000000")},
				ConfigStateChecks: []statecheck.StateCheck{stateIs(addr, "status", knownvalue.StringExact("ENROLLED"))},
				Check:             checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
			},
		}
	})
}

func TestAccPasscodeFactor_skipVerification(t *testing.T) {
	passcodeScenario(t, "", func(t *testing.T, k passcodeKindCase, env *testEnv, userID string) []resource.TestStep {
		var factorID string
		return []resource.TestStep{{
			Config: k.config(env, userID, "  skip_verification = true"),
			ConfigStateChecks: []statecheck.StateCheck{
				stateIs(k.addr(), "status", knownvalue.StringExact("ENROLLED")),
				stateIs(k.addr(), "skip_verification", knownvalue.Bool(true)),
			},
			Check: resource.ComposeTestCheckFunc(
				captureAttr(k.addr(), "factor_id", &factorID),
				checkEmulatorFactor(env, userID, &factorID, emulator.StatusEnrolled),
				checkMessages(env, userID, 0),
			),
		}}
	})
}

// TestAccPasscodeFactor_deviceLimitCountsThisApply (issue 28): three new SMS factors of one
// user in a domain that allows two enrolled devices. The plan checks each against the user's
// devices then (none), so it passes; the apply's creates take turns over one read of the
// user's devices, which holds what the earlier creates enrolled, so the third is refused
// before it is sent, saying that this apply's creates reached the limit. With -parallelism=1
// Terraform plans the third again during the apply after the first two were enrolled: the
// same refusal, not the plan-time one that says nothing of this apply (a loaded machine gave
// that order at the default parallelism too).
func TestAccPasscodeFactor_deviceLimitCountsThisApply(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*testEnv, string) {
		env, userID := newEmulatorUser(t, "a domain with a device limit", withSettingsReader, func(c *emulator.Config) { c.MaxEnrolledDevices = 2 })
		cfg := env.providerConfig()
		for i, number := range []string{"7700900101", "7700900102", "7700900103"} {
			cfg += smsResource(fmt.Sprintf("n%d", i), userID, "+44", number, "  skip_verification = true")
		}
		return env, cfg
	}
	refusal := diagRE("The user has the domain's maximum of enrolled devices", "has 2 enrolled devices",
		"counting those this apply enrolled", "at most 2", "nothing was sent")
	checkTwoSent := func(t *testing.T, env *testEnv) {
		if n := env.Emulator.Stats().Requests[keyEnroll]; n != 2 {
			t.Errorf("%d enrollments sent, want 2: the third must be refused before it is sent", n)
		}
	}
	t.Run("parallelism 10", func(t *testing.T) {
		t.Parallel()
		env, cfg := setup(t)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{PreConfig: env.Emulator.ResetStats, Config: cfg, ExpectError: refusal}},
		})
		checkTwoSent(t, env)
	})
	t.Run("parallelism 1", func(t *testing.T) {
		t.Parallel()
		requireTFAcc(t)
		env, cfg := setup(t)
		cli := newCLIRun(t)
		cli.writeProviderConfig(cfg)
		env.Emulator.ResetStats()
		out := cli.mustRun(1, nil, "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1")
		if !refusal.MatchString(out) {
			t.Errorf("the apply's error does not match %s:\n%s", refusal, lastBytes(out, 3000))
		}
		checkTwoSent(t, env)
	})
}
