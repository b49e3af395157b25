package client

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// settingsAnswer is Oracle's list answer for AuthenticationFactorSettings, shaped as the
// PM-REST sample (a ListResponse of the one resource), with a domain of 8-digit SHA256 codes.
const settingsAnswer = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":[{
 "schemas":["urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorSettings"],"id":"AuthenticationFactorSettings",
 "smsEnabled":false,"emailEnabled":true,"totpEnabled":true,"pushEnabled":false,"phoneCallEnabled":false,
 "securityQuestionsEnabled":true,"bypassCodeEnabled":true,"fidoAuthenticatorEnabled":false,"yubicoOtpEnabled":false,
 "mfaEnrollmentType":"Required","userEnrollmentDisabledFactors":["OFFLINETOTP","VOICE"],
 "totpSettings":{"hashingAlgorithm":"sha256","passcodeLength":8,"timeStepInSecs":60,"timeStepTolerance":2,
  "smsPasscodeLength":7,"smsOtpValidityDurationInMins":4,"emailPasscodeLength":9,"emailOtpValidityDurationInMins":11},
 "endpointRestrictions":{"maxIncorrectAttempts":3,"maxEnrolledDevices":4,"maxTrustedEndpoints":5},
 "bypassCodeSettings":{"length":10,"maxActive":2}}],"startIndex":1,"itemsPerPage":50}`

func TestGetAuthenticationFactorSettingsParses(t *testing.T) {
	var gotPath, gotMethod string
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotMethod, gotPath = r.Method, r.URL.Path
		writeJSON(w, http.StatusOK, settingsAnswer)
	}))
	s, err := c.GetAuthenticationFactorSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if gotMethod != http.MethodGet || gotPath != "/admin/v1/AuthenticationFactorSettings" {
		t.Errorf("request %s %s", gotMethod, gotPath)
	}
	want := TOTPSettings{HashingAlgorithm: "SHA256", PasscodeLength: 8, TimeStepSeconds: 60, TimeStepTolerance: 2,
		SMSPasscodeLength: 7, SMSOTPValidityMinutes: 4, EmailPasscodeLength: 9, EmailOTPValidityMinutes: 11}
	if s.TOTP != want {
		t.Errorf("TOTP %+v, want %+v", s.TOTP, want)
	}
	if s.MaxIncorrectAttempts != 3 || s.MaxEnrolledDevices != 4 || s.BypassCode != (BypassCodeSettings{Length: 10, MaxActive: 2}) || s.MFAEnrollmentType != "Required" {
		t.Errorf("settings %+v", s)
	}
	if got := s.EnabledFactors(); !slices.Equal(got, []string{MethodEmail, MethodTOTP, MethodSecurityQuestions, MethodBypassCode}) {
		t.Errorf("EnabledFactors %v", got)
	}
	if !s.UserEnrollmentDisabled(MethodTOTP, true) || s.UserEnrollmentDisabled(MethodTOTP, false) ||
		!s.UserEnrollmentDisabled(MethodPhoneCall, false) || s.UserEnrollmentDisabled(MethodSMS, false) {
		t.Errorf("UserEnrollmentDisabled wrong for %v", s.UserEnrollmentDisabledFactors)
	}
}

// Without the role, Oracle answers a SCIM 403; the caller gets the APIError as every call
// renders it, matching ErrForbidden.
func TestGetAuthenticationFactorSettingsForbidden(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusForbidden, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"You are not authorized to perform this operation.","status":"403","urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error":{"messageId":"error.common.common.unauthorizedAccess"}}`)
	}))
	_, err := c.GetAuthenticationFactorSettings(context.Background())
	var ae *APIError
	if !errors.As(err, &ae) || !errors.Is(err, ErrForbidden) || ae.StatusCode != 403 {
		t.Fatalf("err %v, want a 403 APIError matching ErrForbidden", err)
	}
	if !strings.HasPrefix(err.Error(), "GET /admin/v1/AuthenticationFactorSettings: HTTP 403") {
		t.Errorf("error text %q", err)
	}
}

func TestGetAuthenticationFactorSettingsEmptyList(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"totalResults":0,"Resources":[]}`)
	}))
	if _, err := c.GetAuthenticationFactorSettings(context.Background()); err == nil || !strings.Contains(err.Error(), "no AuthenticationFactorSettings") {
		t.Fatalf("err %v", err)
	}
}
