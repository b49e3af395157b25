package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

const mfaSettingsAddr = "data.idcsmfa_mfa_settings.domain"

// withSettingsReader gives the tests' application the Security Administrator app role, which
// reads the domain's MFA settings, next to the roles it has by default.
func withSettingsReader(c *emulator.Config) {
	c.Clients = []emulator.Client{
		{ID: emulator.DefaultClientID, Secret: emulator.DefaultClientSecret,
			Roles: []string{emulator.RoleMFAClient, emulator.RoleUserAdmin, emulator.RoleSecurityAdmin}},
		{ID: emulator.DefaultAuthenticatorClientID, Secret: emulator.DefaultAuthenticatorClientSecret, Roles: []string{emulator.RoleAuthenticatorClient}},
		{ID: emulator.DefaultSelfServiceClientID, Secret: emulator.DefaultSelfServiceClientSecret, Roles: []string{emulator.RoleMe}},
	}
}

// strictDomain is a domain whose policy differs from every default: SMS disabled, 8-digit
// SHA256 TOTP codes of 60 seconds, 3 attempts, 2 devices, 7-digit passcodes valid 3 minutes.
func strictDomain(c *emulator.Config) {
	c.EnabledFactors = []string{emulator.MethodEmail, emulator.MethodTOTP, emulator.MethodBypassCode}
	c.TOTPPeriod, c.TOTPDigits, c.TOTPAlgorithm, c.TOTPTolerance = 60*time.Second, 8, "SHA256", 2
	c.MaxFailedAttempts, c.MaxEnrolledDevices = 3, 2
	c.OTPLength, c.OTPValidity = 7, 3*time.Minute
	c.BypassCodeLength, c.BypassCodeMaxActive = 10, 2
	c.MFAEnrollmentType = "Required"
	c.UserEnrollmentDisabledFactors = []string{"OFFLINETOTP"}
}

func TestAccMFASettingsDataSource_strictDomain(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, strictDomain, withSettingsReader)
	env.requireEmulator(t, "starting a domain with another MFA policy")
	num := func(attr string, v int64) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(mfaSettingsAddr, tfjsonpath.New(attr), knownvalue.Int64Exact(v))
	}
	accTest(t, nil, resource.TestStep{
		Config: env.providerConfig() + `data "idcsmfa_mfa_settings" "domain" {}`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(mfaSettingsAddr, tfjsonpath.New("enabled_factors"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.StringExact("EMAIL"), knownvalue.StringExact("TOTP"), knownvalue.StringExact("BYPASSCODE")})),
			statecheck.ExpectKnownValue(mfaSettingsAddr, tfjsonpath.New("user_enrollment_disabled_factors"),
				knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("OFFLINETOTP")})),
			statecheck.ExpectKnownValue(mfaSettingsAddr, tfjsonpath.New("mfa_enrollment_type"), knownvalue.StringExact("Required")),
			statecheck.ExpectKnownValue(mfaSettingsAddr, tfjsonpath.New("totp"), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"algorithm": knownvalue.StringExact("SHA256"), "digits": knownvalue.Int64Exact(8),
				"period": knownvalue.Int64Exact(60), "tolerance": knownvalue.Int64Exact(2)})),
			num("sms_passcode_length", 7), num("sms_passcode_validity_minutes", 3),
			num("email_passcode_length", 7), num("email_passcode_validity_minutes", 3),
			num("max_incorrect_attempts", 3), num("max_enrolled_devices", 2),
			statecheck.ExpectKnownValue(mfaSettingsAddr, tfjsonpath.New("bypass_code"), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"length": knownvalue.Int64Exact(10), "max_active": knownvalue.Int64Exact(2)})),
		},
	})
}

// Without the role the data source fails, naming the role Oracle documents.
func TestAccMFASettingsDataSource_withoutRole(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "an application without Security Administrator")
	accTest(t, nil, resource.TestStep{
		Config:      env.providerConfig() + `data "idcsmfa_mfa_settings" "domain" {}`,
		ExpectError: diagRE("Could not read the identity domain's MFA settings", "HTTP 403", "Security Administrator app role"),
	})
}

// In self-service mode the data source is refused at plan time, like idcsmfa_users, and the
// settings are not asked for with the user's token.
func TestAccMFASettingsDataSource_selfServiceRefusedAtPlan(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, nil)
	ssTest(t, u, nil, resource.TestStep{
		Config:      u.provider() + `data "idcsmfa_mfa_settings" "domain" {}`,
		PlanOnly:    true,
		ExpectError: diagRE(adminOnlyRefusal("idcsmfa_mfa_settings", "GET /admin/v1/AuthenticationFactorSettings", "Security Administrator")...),
	})
	if n := u.env.Emulator.Stats().Requests[keyReadSettings]; n != 0 {
		t.Errorf("%d reads of the settings with the user's token, want none", n)
	}
}
