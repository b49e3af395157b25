package emulator

import (
	"cmp"
	"fmt"
	"strings"
	"time"
)

// Limits of Oracle's totpSettings (OCI Go SDK AuthenticationFactorSettingsTotpSettings,
// idcsMinValue / idcsMaxValue).
const (
	minTOTPPeriod  = 30 * time.Second
	maxTOTPPeriod  = 300 * time.Second
	minPasscodeLen = 4
	maxPasscodeLen = 10
)

// Validate checks the domain settings against Oracle's limits. Zero values stand for the
// defaults and are valid. The error names the field and the allowed range.
func (c Config) Validate() error {
	switch {
	case c.TOTPPeriod != 0 && (c.TOTPPeriod < minTOTPPeriod || c.TOTPPeriod > maxTOTPPeriod || c.TOTPPeriod%time.Second != 0):
		return fmt.Errorf("TOTP period %s: Oracle's timeStepInSecs is whole seconds from %d to %d", c.TOTPPeriod, minTOTPPeriod/time.Second, maxTOTPPeriod/time.Second)
	case c.TOTPDigits != 0 && (c.TOTPDigits < minPasscodeLen || c.TOTPDigits > maxPasscodeLen):
		return fmt.Errorf("TOTP digits %d: Oracle's passcodeLength is %d to %d", c.TOTPDigits, minPasscodeLen, maxPasscodeLen)
	case c.TOTPAlgorithm != "" && !validTOTPAlgorithm(c.TOTPAlgorithm):
		return fmt.Errorf("TOTP algorithm %q: the emulator implements %s of Oracle's hashingAlgorithm values (not MD5: RFC 4226 truncation needs a 20-byte HMAC)", c.TOTPAlgorithm, strings.Join(TOTPAlgorithms, ", "))
	case c.OTPLength != 0 && (c.OTPLength < minPasscodeLen || c.OTPLength > maxPasscodeLen):
		return fmt.Errorf("OTP length %d: Oracle's smsPasscodeLength and emailPasscodeLength are %d to %d", c.OTPLength, minPasscodeLen, maxPasscodeLen)
	}
	if err := c.validatePolicy(); err != nil {
		return err
	}
	return checkRateLimits(c.RateLimits)
}

// validatePolicy checks the settings of the domain's MFA policy beyond the passcodes.
func (c Config) validatePolicy() error {
	ranges := []struct {
		name     string
		v        int
		min, max int
	}{
		{"TOTP tolerance (timeStepTolerance, in steps either side)", c.TOTPTolerance, 1, 3},
		{"max enrolled devices (endpointRestrictions.maxEnrolledDevices)", c.MaxEnrolledDevices, 1, 20},
		{"bypass code length (bypassCodeSettings.length)", c.BypassCodeLength, 8, 20},
		{"bypass codes active (bypassCodeSettings.maxActive)", c.BypassCodeMaxActive, 1, 6},
		{"security questions to set up (numQuestionsToSetup)", c.SecurityQuestionsToSetUp, 1, len(securityQuestionCatalog)},
		{"security answer minimum length (minAnswerLength)", c.SecurityAnswerMinLength, 1, 100},
		{"security answer maximum length (maxFieldLength)", c.SecurityAnswerMaxLength, 1, 100},
	}
	for _, r := range ranges {
		if r.v != 0 && (r.v < r.min || r.v > r.max) {
			return fmt.Errorf("%s %d: allowed %d to %d", r.name, r.v, r.min, r.max)
		}
	}
	toSetUp := cmp.Or(c.SecurityQuestionsToSetUp, defaultQuestionsToSetUp)
	if c.SecurityQuestionsToAnswer < 0 || c.SecurityQuestionsToAnswer > toSetUp {
		return fmt.Errorf("security questions to answer (numQuestionsToAns) %d: allowed 1 to the number set up, %d", c.SecurityQuestionsToAnswer, toSetUp)
	}
	minLen, maxLen := cmp.Or(c.SecurityAnswerMinLength, defaultAnswerMinLength), cmp.Or(c.SecurityAnswerMaxLength, defaultAnswerMaxLength)
	if minLen > maxLen {
		return fmt.Errorf("security answer length: the minimum %d is above the maximum %d", minLen, maxLen)
	}
	switch strings.ToLower(c.MFAEnrollmentType) {
	case "", "optional", "required":
	default:
		return fmt.Errorf("MFA enrollment type %q: Oracle's mfaEnrollmentType is Optional or Required", c.MFAEnrollmentType)
	}
	for _, f := range c.UserEnrollmentDisabledFactors {
		if !contains(userEnrollableFactors, strings.ToUpper(f)) {
			return fmt.Errorf("user enrollment disabled factor %q: one of %s", f, strings.Join(userEnrollableFactors, ", "))
		}
	}
	return nil
}

// Defaults of the domain's MFA policy; the security-question ones are Oracle's settings
// sample (PM-REST "Get the Security Questions Settings").
const (
	defaultTOTPTolerance        = 1
	defaultMaxEnrolledDevices   = 20
	defaultBypassCodeLength     = 12
	defaultBypassCodeMaxActive  = 5
	defaultPasswordMaxIncorrect = 5
	defaultQuestionsToSetUp     = 3
	defaultQuestionsToAnswer    = 1
	defaultAnswerMinLength      = 6
	defaultAnswerMaxLength      = 100
)

// userEnrollableFactors are the values of UserEnrollmentDisabledFactors the emulator knows
// (Oracle's enum also has VOICE, THIRDPARTY, FIDO_AUTHENTICATOR and YUBICO_OTP).
var userEnrollableFactors = []string{MethodSMS, MethodEmail, MethodTOTP, "OFFLINETOTP", MethodPush, MethodPhoneCall}

func policyDefaults(cfg Config) Config {
	cfg.TOTPTolerance = cmp.Or(cfg.TOTPTolerance, defaultTOTPTolerance)
	cfg.MaxEnrolledDevices = cmp.Or(cfg.MaxEnrolledDevices, defaultMaxEnrolledDevices)
	cfg.BypassCodeLength = cmp.Or(cfg.BypassCodeLength, defaultBypassCodeLength)
	cfg.BypassCodeMaxActive = cmp.Or(cfg.BypassCodeMaxActive, defaultBypassCodeMaxActive)
	cfg.PasswordMaxIncorrectAttempts = cmp.Or(cfg.PasswordMaxIncorrectAttempts, defaultPasswordMaxIncorrect)
	cfg.SecurityQuestionsToSetUp = cmp.Or(cfg.SecurityQuestionsToSetUp, defaultQuestionsToSetUp)
	cfg.SecurityQuestionsToAnswer = cmp.Or(cfg.SecurityQuestionsToAnswer, defaultQuestionsToAnswer)
	cfg.SecurityAnswerMinLength = cmp.Or(cfg.SecurityAnswerMinLength, defaultAnswerMinLength)
	cfg.SecurityAnswerMaxLength = cmp.Or(cfg.SecurityAnswerMaxLength, defaultAnswerMaxLength)
	switch strings.ToLower(cfg.MFAEnrollmentType) {
	case "required":
		cfg.MFAEnrollmentType = "Required"
	default:
		cfg.MFAEnrollmentType = "Optional"
	}
	disabled := make([]string, 0, len(cfg.UserEnrollmentDisabledFactors))
	for _, f := range cfg.UserEnrollmentDisabledFactors {
		disabled = append(disabled, strings.ToUpper(f))
	}
	cfg.UserEnrollmentDisabledFactors = disabled
	return cfg
}

func withDefaults(cfg Config) Config {
	if len(cfg.Clients) == 0 {
		cfg.Clients = []Client{
			{ID: DefaultClientID, Secret: DefaultClientSecret, Roles: []string{RoleMFAClient, RoleUserAdmin}},
			{ID: DefaultAuthenticatorClientID, Secret: DefaultAuthenticatorClientSecret, Roles: []string{RoleAuthenticatorClient}},
			{ID: DefaultSelfServiceClientID, Secret: DefaultSelfServiceClientSecret, Roles: []string{RoleMe}},
		}
	}
	if len(cfg.Users) == 0 {
		cfg.Users = DemoUsers()
	}
	if len(cfg.EnabledFactors) == 0 {
		cfg.EnabledFactors = append([]string(nil), DefaultEnabledFactors...)
	}
	if cfg.OTPLength <= 0 {
		cfg.OTPLength = 6
	}
	if cfg.TOTPPeriod == 0 {
		cfg.TOTPPeriod = 30 * time.Second
	}
	if cfg.TOTPDigits == 0 {
		cfg.TOTPDigits = 6
	}
	if cfg.TOTPAlgorithm == "" {
		cfg.TOTPAlgorithm = TOTPAlgorithms[0]
	}
	if cfg.OTPValidity <= 0 {
		cfg.OTPValidity = 5 * time.Minute
	}
	if cfg.RequestStateTTL <= 0 {
		cfg.RequestStateTTL = 10 * time.Minute
	}
	if cfg.MaxFailedAttempts <= 0 {
		cfg.MaxFailedAttempts = 5
	}
	if cfg.TokenLifetime <= 0 {
		cfg.TokenLifetime = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "idcsmfa-emulator"
	}
	return policyDefaults(cfg)
}
