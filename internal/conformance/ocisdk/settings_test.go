package ocisdk

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/emulator"
	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/identitydomains"
)

// newEnvWith is newEnv for a domain with its own policy; it adds an application with the
// Security Administrator role, the one Oracle documents for AuthenticationFactorSettings.
func newEnvWith(t *testing.T, cfg emulator.Config) (*env, identitydomains.IdentityDomainsClient) {
	t.Helper()
	cfg.Seed = 27
	cfg.Clients = []emulator.Client{
		{ID: emulator.DefaultClientID, Secret: emulator.DefaultClientSecret, Roles: []string{emulator.RoleMFAClient, emulator.RoleUserAdmin}},
		{ID: emulator.DefaultSelfServiceClientID, Secret: emulator.DefaultSelfServiceClientSecret, Roles: []string{emulator.RoleMe}},
		{ID: "security-admin", Secret: "security-admin-secret", Roles: []string{emulator.RoleSecurityAdmin}},
	}
	emu := emulator.New(cfg)
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	e := &env{t: t, emu: emu, url: ts.URL}
	e.token = e.fetchToken(emulator.DefaultClientID, emulator.DefaultClientSecret)
	e.sdk = e.client(e.token)
	return e, e.client(e.fetchToken("security-admin", "security-admin-secret"))
}

// TestSDKAuthenticationFactorSettings (issue 27 item 10): Oracle's SDK parses the settings of
// a domain started with another policy (8-digit SHA256 TOTP, SMS disabled, 3 attempts, two
// devices at most) from List, Get and Search; MFA Client + User Administrator may not read them.
func TestSDKAuthenticationFactorSettings(t *testing.T) {
	e, sec := newEnvWith(t, emulator.Config{
		EnabledFactors: []string{emulator.MethodEmail, emulator.MethodTOTP, emulator.MethodPush, emulator.MethodBypassCode},
		TOTPDigits:     8, TOTPAlgorithm: "SHA256", TOTPPeriod: 60 * time.Second, MaxFailedAttempts: 3, MaxEnrolledDevices: 2,
		OTPValidity: 10 * time.Minute, UserEnrollmentDisabledFactors: []string{"PUSH"},
	})
	check := func(what string, s identitydomains.AuthenticationFactorSetting) {
		t.Helper()
		ts, er, bc := s.TotpSettings, s.EndpointRestrictions, s.BypassCodeSettings
		if ts == nil || er == nil || bc == nil || s.SmsEnabled == nil || *s.SmsEnabled || s.TotpEnabled == nil || !*s.TotpEnabled ||
			s.EmailEnabled == nil || !*s.EmailEnabled || str(s.Id) != "AuthenticationFactorSettings" ||
			ts.HashingAlgorithm != identitydomains.AuthenticationFactorSettingsTotpSettingsHashingAlgorithmSha256 ||
			num(ts.PasscodeLength) != 8 || num(ts.TimeStepInSecs) != 60 || num(ts.TimeStepTolerance) != 1 ||
			num(ts.SmsPasscodeLength) != 6 || num(ts.EmailOtpValidityDurationInMins) != 10 ||
			num(er.MaxIncorrectAttempts) != 3 || num(er.MaxEnrolledDevices) != 2 || num(bc.MaxActive) != 5 || num(bc.Length) != 12 ||
			len(s.UserEnrollmentDisabledFactors) != 1 || s.UserEnrollmentDisabledFactors[0] != identitydomains.AuthenticationFactorSettingUserEnrollmentDisabledFactorsPush ||
			str(s.MfaEnrollmentType) != "Optional" || s.Meta == nil || str(s.Meta.ResourceType) != "AuthenticationFactorSettings" {
			t.Errorf("%s: %s", what, s)
		}
	}
	list, err := sec.ListAuthenticationFactorSettings(ctx, identitydomains.ListAuthenticationFactorSettingsRequest{})
	if err != nil || num(list.TotalResults) != 1 || len(list.Resources) != 1 {
		t.Fatalf("ListAuthenticationFactorSettings: %+v %v", list.AuthenticationFactorSettings, err)
	}
	check("ListAuthenticationFactorSettings", list.Resources[0])
	one, err := sec.GetAuthenticationFactorSetting(ctx, identitydomains.GetAuthenticationFactorSettingRequest{AuthenticationFactorSettingId: common.String("AuthenticationFactorSettings")})
	if err != nil {
		t.Fatalf("GetAuthenticationFactorSetting: %v", err)
	}
	check("GetAuthenticationFactorSetting", one.AuthenticationFactorSetting)
	found, err := sec.SearchAuthenticationFactorSettings(ctx, identitydomains.SearchAuthenticationFactorSettingsRequest{AuthenticationFactorSettingsSearchRequest: identitydomains.AuthenticationFactorSettingsSearchRequest{
		Schemas: []string{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"}}})
	if err != nil || len(found.Resources) != 1 {
		t.Fatalf("SearchAuthenticationFactorSettings: %+v %v", found.AuthenticationFactorSettings, err)
	}
	check("SearchAuthenticationFactorSettings", found.Resources[0])
	part, err := sec.GetAuthenticationFactorSetting(ctx, identitydomains.GetAuthenticationFactorSettingRequest{AuthenticationFactorSettingId: common.String("AuthenticationFactorSettings"),
		Attributes: common.String("emailEnabled,totpSettings.emailPasscodeLength")})
	if err != nil || part.EmailEnabled == nil || part.SmsEnabled != nil || part.TotpSettings == nil || num(part.TotpSettings.EmailPasscodeLength) != 6 || part.TotpSettings.PasscodeLength != nil {
		t.Errorf("GetAuthenticationFactorSetting with attributes: %s %v", part.AuthenticationFactorSetting, err)
	}

	_, err = e.sdk.ListAuthenticationFactorSettings(ctx, identitydomains.ListAuthenticationFactorSettingsRequest{})
	if se := serviceError(t, "ListAuthenticationFactorSettings as MFA Client + User Administrator", err); se.GetHTTPStatusCode() != http.StatusForbidden {
		t.Errorf("ListAuthenticationFactorSettings as MFA Client + User Administrator: %d", se.GetHTTPStatusCode())
	}
	_, err = sec.GetAuthenticationFactorSetting(ctx, identitydomains.GetAuthenticationFactorSettingRequest{AuthenticationFactorSettingId: common.String("Other")})
	if se := serviceError(t, "GetAuthenticationFactorSetting of another id", err); se.GetHTTPStatusCode() != http.StatusNotFound {
		t.Errorf("GetAuthenticationFactorSetting of another id: %d", se.GetHTTPStatusCode())
	}
}

// TestSDKSecurityQuestions (items 5 and 10): Oracle's self-service flow reads the questions and
// their settings with the user's token; the SDK parses both, and the answers follow them.
func TestSDKSecurityQuestions(t *testing.T) {
	e, sec := newEnvWith(t, emulator.Config{})
	me := e.client(e.userToken("alice", emulator.DemoPassword))
	qs, err := me.ListSecurityQuestions(ctx, identitydomains.ListSecurityQuestionsRequest{Count: common.Int(48), StartIndex: common.Int(1)})
	if err != nil || num(qs.TotalResults) != 15 || len(qs.Resources) != 15 {
		t.Fatalf("ListSecurityQuestions: %+v %v", qs.SecurityQuestions, err)
	}
	q := qs.Resources[0]
	if str(q.Id) != "FavoriteBook" || q.Active == nil || !*q.Active || q.Type != identitydomains.SecurityQuestionTypeDefault ||
		len(q.QuestionText) != 1 || str(q.QuestionText[0].Locale) != "en" || str(q.QuestionText[0].Value) == "" {
		t.Errorf("first question: %s", q)
	}
	one, err := me.GetSecurityQuestion(ctx, identitydomains.GetSecurityQuestionRequest{SecurityQuestionId: common.String("DreamJob")})
	if err != nil || str(one.Id) != "DreamJob" {
		t.Errorf("GetSecurityQuestion: %s %v", one.SecurityQuestion, err)
	}
	for _, c := range []identitydomains.IdentityDomainsClient{me, sec} {
		set, err := c.GetSecurityQuestionSetting(ctx, identitydomains.GetSecurityQuestionSettingRequest{SecurityQuestionSettingId: common.String("SecurityQuestionSettings")})
		if err != nil || num(set.NumQuestionsToSetup) != 3 || num(set.NumQuestionsToAns) != 1 || num(set.MinAnswerLength) != 6 || num(set.MaxFieldLength) != 100 {
			t.Errorf("GetSecurityQuestionSetting: %s %v", set.SecurityQuestionSetting, err)
		}
	}
	list, err := me.ListSecurityQuestionSettings(ctx, identitydomains.ListSecurityQuestionSettingsRequest{})
	if err != nil || len(list.Resources) != 1 {
		t.Errorf("ListSecurityQuestionSettings: %+v %v", list.SecurityQuestionSettings, err)
	}
	// An answer shorter than minAnswerLength is refused.
	var short int
	if st := e.mfa(http.MethodPost, "/mfa/v1/users/"+emulator.AliceID+"/factors", map[string]any{"method": "SECURITY_QUESTIONS"}, nil); st != 200 {
		t.Fatalf("E3 security questions: %d", st)
	}
	short = e.mfa(http.MethodPatch, "/mfa/v1/users/"+emulator.AliceID+"/factors/SecurityQuestions", map[string]any{"securityQuestions": []map[string]string{
		{"id": "FavoriteBook", "answer": "dune"}, {"id": "FirstCar", "answer": "ford pinto"}, {"id": "DreamJob", "answer": "astronaut"}}}, nil)
	if short != http.StatusBadRequest {
		t.Errorf("a 4-character answer: %d, want 400", short)
	}
}

// TestSDKMyDevicesQuery (items 1, 2, 3): ListMyDevices and GetMyDevice honour sortBy,
// sortOrder and attributes as the SDK sends them, refuse a sortBy the emulator cannot honour,
// and the device just validated is the preferred one.
func TestSDKMyDevicesQuery(t *testing.T) {
	e := newEnv(t)
	tok := e.userToken("alice", emulator.DemoPassword)
	me := e.client(tok)
	var devs []string
	for _, n := range []string{"7700900301", "7700900302"} {
		dev, rid := e.enrollSMS(tok, emulator.AliceID, n)
		if _, err := me.CreateMyAuthenticationFactorInitiator(ctx, identitydomains.CreateMyAuthenticationFactorInitiatorRequest{MyAuthenticationFactorInitiator: identitydomains.MyAuthenticationFactorInitiator{
			Schemas: []string{"urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorInitiator"}, AuthFactor: identitydomains.MyAuthenticationFactorInitiatorAuthFactorSms,
			DeviceId: common.String(dev), RequestId: common.String(rid)}}); err != nil {
			t.Fatal(err)
		}
		otp, _ := e.emu.LastOTP(emulator.AliceID, dev)
		if _, err := me.CreateMyAuthenticationFactorValidator(ctx, validator(dev, rid, otp)); err != nil {
			t.Fatalf("validator of %s: %v", n, err)
		}
		got, err := me.GetMe(ctx, identitydomains.GetMeRequest{})
		if ext := got.UrnIetfParamsScimSchemasOracleIdcsExtensionMfaUser; err != nil || ext == nil || ext.PreferredDevice == nil || str(ext.PreferredDevice.Value) != dev {
			t.Fatalf("GetMe after validating %s: preferred is not %s: %v", n, dev, err)
		}
		devs = append(devs, dev)
	}
	list, err := me.ListMyDevices(ctx, identitydomains.ListMyDevicesRequest{SortBy: common.String("displayName"), SortOrder: identitydomains.ListMyDevicesSortOrderDescending, Attributes: common.String("displayName")})
	if err != nil || len(list.Resources) != 2 || str(list.Resources[0].DisplayName) != "+44XXXXXXX302" || list.Resources[0].Meta != nil || list.Resources[0].PhoneNumber != nil {
		t.Fatalf("ListMyDevices sorted, displayName only: %+v %v", list.MyDevices, err)
	}
	one, err := me.GetMyDevice(ctx, identitydomains.GetMyDeviceRequest{MyDeviceId: common.String(devs[0]), AttributeSets: []identitydomains.AttributeSetsEnum{identitydomains.AttributeSetsAlways}})
	if err != nil || str(one.Id) != devs[0] || one.DisplayName != nil || one.User != nil {
		t.Errorf("GetMyDevice attributeSets=always: %+v %v", one.MyDevice, err)
	}
	_, err = me.ListMyDevices(ctx, identitydomains.ListMyDevicesRequest{SortBy: common.String("colour")})
	if se := serviceError(t, "ListMyDevices sortBy colour", err); se.GetHTTPStatusCode() != http.StatusBadRequest {
		t.Errorf("ListMyDevices sortBy colour: %d", se.GetHTTPStatusCode())
	}
}
