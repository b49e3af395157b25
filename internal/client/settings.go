package client

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// The domain's MFA settings: Oracle's SCIM singleton AuthenticationFactorSettings (OCI Go SDK
// AuthenticationFactorSetting), read with an application token whose app role reads it
// (Oracle's AppRole table: Security Administrator). Other tokens get a SCIM 403 (ErrForbidden).
const authnSettingsPath = "/admin/v1/AuthenticationFactorSettings"

// AuthenticationFactorSettings are the settings of the domain's MFA policy that decide what
// users' factors may be and how their codes look. Numbers the answer leaves out are 0.
type AuthenticationFactorSettings struct {
	SMSEnabled               bool
	EmailEnabled             bool
	TOTPEnabled              bool
	PushEnabled              bool
	PhoneCallEnabled         bool
	SecurityQuestionsEnabled bool
	BypassCodeEnabled        bool
	FIDOAuthenticatorEnabled bool
	YubicoOTPEnabled         bool
	// MFAEnrollmentType is "Optional" or "Required" (mfaEnrollmentType).
	MFAEnrollmentType string
	// UserEnrollmentDisabledFactors are the factors users may not enroll themselves
	// (userEnrollmentDisabledFactors: SMS, EMAIL, TOTP, OFFLINETOTP, PUSH, VOICE, …).
	UserEnrollmentDisabledFactors []string
	TOTP                          TOTPSettings
	// MaxIncorrectAttempts is endpointRestrictions.maxIncorrectAttempts: wrong codes in a row
	// before the user is locked.
	MaxIncorrectAttempts int
	// MaxEnrolledDevices is endpointRestrictions.maxEnrolledDevices.
	MaxEnrolledDevices int
	BypassCode         BypassCodeSettings
}

// TOTPSettings are the domain's totpSettings: the TOTP code parameters and the lengths and
// validities of SMS and e-mail passcodes.
type TOTPSettings struct {
	HashingAlgorithm  string // SHA1, SHA256, SHA384, SHA512, MD5
	PasscodeLength    int    // digits of a TOTP code
	TimeStepSeconds   int    // timeStepInSecs
	TimeStepTolerance int    // steps either side of now a code may come from
	SMSPasscodeLength int
	// SMSOTPValidityMinutes is smsOtpValidityDurationInMins.
	SMSOTPValidityMinutes int
	EmailPasscodeLength   int
	// EmailOTPValidityMinutes is emailOtpValidityDurationInMins.
	EmailOTPValidityMinutes int
}

// BypassCodeSettings are the domain's bypassCodeSettings.
type BypassCodeSettings struct {
	Length    int // digits of a bypass code
	MaxActive int // unused codes a user may hold
}

// EnabledFactors are the methods the domain has enabled, in the /mfa/v1 names (SMS, EMAIL,
// TOTP, PUSH, PHONE_CALL, SECURITY_QUESTIONS, BYPASSCODE), then FIDO_AUTHENTICATOR and
// YUBICO_OTP (Oracle's names in userEnrollmentDisabledFactors).
func (s *AuthenticationFactorSettings) EnabledFactors() []string {
	all := []struct {
		on     bool
		method string
	}{
		{s.SMSEnabled, MethodSMS}, {s.EmailEnabled, MethodEmail}, {s.TOTPEnabled, MethodTOTP},
		{s.PushEnabled, MethodPush}, {s.PhoneCallEnabled, MethodPhoneCall},
		{s.SecurityQuestionsEnabled, MethodSecurityQuestions}, {s.BypassCodeEnabled, MethodBypassCode},
		{s.FIDOAuthenticatorEnabled, "FIDO_AUTHENTICATOR"}, {s.YubicoOTPEnabled, "YUBICO_OTP"},
	}
	out := []string{}
	for _, f := range all {
		if f.on {
			out = append(out, f.method)
		}
	}
	return out
}

// UserEnrollmentDisabled reports whether users may not enroll a factor of this /mfa/v1
// method themselves; an offline TOTP app is OFFLINETOTP there, PHONE_CALL is VOICE in
// Oracle's enum (the emulator says PHONE_CALL: both are matched).
func (s *AuthenticationFactorSettings) UserEnrollmentDisabled(method string, offlineTOTP bool) bool {
	names := []string{method}
	switch {
	case method == MethodTOTP && offlineTOTP:
		names = []string{"OFFLINETOTP"}
	case method == MethodPhoneCall:
		names = append(names, "VOICE")
	}
	for _, f := range s.UserEnrollmentDisabledFactors {
		for _, n := range names {
			if strings.EqualFold(f, n) {
				return true
			}
		}
	}
	return false
}

type wireAuthnSettings struct {
	SMSEnabled                    bool     `json:"smsEnabled"`
	EmailEnabled                  bool     `json:"emailEnabled"`
	TOTPEnabled                   bool     `json:"totpEnabled"`
	PushEnabled                   bool     `json:"pushEnabled"`
	PhoneCallEnabled              bool     `json:"phoneCallEnabled"`
	SecurityQuestionsEnabled      bool     `json:"securityQuestionsEnabled"`
	BypassCodeEnabled             bool     `json:"bypassCodeEnabled"`
	FIDOAuthenticatorEnabled      bool     `json:"fidoAuthenticatorEnabled"`
	YubicoOTPEnabled              bool     `json:"yubicoOtpEnabled"`
	MFAEnrollmentType             string   `json:"mfaEnrollmentType"`
	UserEnrollmentDisabledFactors []string `json:"userEnrollmentDisabledFactors"`
	TOTPSettings                  struct {
		HashingAlgorithm               string `json:"hashingAlgorithm"`
		PasscodeLength                 int    `json:"passcodeLength"`
		TimeStepInSecs                 int    `json:"timeStepInSecs"`
		TimeStepTolerance              int    `json:"timeStepTolerance"`
		SMSPasscodeLength              int    `json:"smsPasscodeLength"`
		SMSOTPValidityDurationInMins   int    `json:"smsOtpValidityDurationInMins"`
		EmailPasscodeLength            int    `json:"emailPasscodeLength"`
		EmailOTPValidityDurationInMins int    `json:"emailOtpValidityDurationInMins"`
	} `json:"totpSettings"`
	EndpointRestrictions struct {
		MaxIncorrectAttempts int `json:"maxIncorrectAttempts"`
		MaxEnrolledDevices   int `json:"maxEnrolledDevices"`
	} `json:"endpointRestrictions"`
	BypassCodeSettings struct {
		Length    int `json:"length"`
		MaxActive int `json:"maxActive"`
	} `json:"bypassCodeSettings"`
}

func (w wireAuthnSettings) settings() *AuthenticationFactorSettings {
	t := w.TOTPSettings
	return &AuthenticationFactorSettings{
		SMSEnabled: w.SMSEnabled, EmailEnabled: w.EmailEnabled, TOTPEnabled: w.TOTPEnabled, PushEnabled: w.PushEnabled,
		PhoneCallEnabled: w.PhoneCallEnabled, SecurityQuestionsEnabled: w.SecurityQuestionsEnabled,
		BypassCodeEnabled: w.BypassCodeEnabled, FIDOAuthenticatorEnabled: w.FIDOAuthenticatorEnabled,
		YubicoOTPEnabled: w.YubicoOTPEnabled, MFAEnrollmentType: w.MFAEnrollmentType,
		UserEnrollmentDisabledFactors: append([]string{}, w.UserEnrollmentDisabledFactors...),
		TOTP: TOTPSettings{
			HashingAlgorithm: strings.ToUpper(t.HashingAlgorithm), PasscodeLength: t.PasscodeLength,
			TimeStepSeconds: t.TimeStepInSecs, TimeStepTolerance: t.TimeStepTolerance,
			SMSPasscodeLength: t.SMSPasscodeLength, SMSOTPValidityMinutes: t.SMSOTPValidityDurationInMins,
			EmailPasscodeLength: t.EmailPasscodeLength, EmailOTPValidityMinutes: t.EmailOTPValidityDurationInMins,
		},
		MaxIncorrectAttempts: w.EndpointRestrictions.MaxIncorrectAttempts,
		MaxEnrolledDevices:   w.EndpointRestrictions.MaxEnrolledDevices,
		BypassCode:           BypassCodeSettings{Length: w.BypassCodeSettings.Length, MaxActive: w.BypassCodeSettings.MaxActive},
	}
}

// GetAuthenticationFactorSettings reads the domain's MFA settings (SCIM GET
// /admin/v1/AuthenticationFactorSettings, a list of the one resource; the SDK's
// ListAuthenticationFactorSettings). A token without the role that reads them gets an
// *APIError matching ErrForbidden.
func (c *Client) GetAuthenticationFactorSettings(ctx context.Context) (*AuthenticationFactorSettings, error) {
	var out struct {
		Resources []wireAuthnSettings `json:"Resources"`
	}
	r := request{method: http.MethodGet, path: authnSettingsPath, out: &out}
	if err := c.do(ctx, r); err != nil {
		return nil, err
	}
	if len(out.Resources) == 0 {
		return nil, fmt.Errorf("%s: the answer holds no AuthenticationFactorSettings resource", r.op())
	}
	return out.Resources[0].settings(), nil
}
