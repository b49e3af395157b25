package emulator

import (
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
	return checkRateLimits(c.RateLimits)
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
	return cfg
}
