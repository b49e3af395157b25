package emulator

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// The domain's MFA settings as Oracle's SCIM resource AuthenticationFactorSettings (OCI Go SDK
// AuthenticationFactorSetting): a singleton with the fixed id below, read with GET on the
// collection, POST .search, or GET of the id. The values come from Config, so that a test can
// start a domain with another policy; the emulator enforces the ones EMULATOR.md lists.
const (
	authnSettingsSchema = "urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorSettings"
	authnSettingsID     = "AuthenticationFactorSettings"
	authnSettingsPath   = "/admin/v1/AuthenticationFactorSettings"
)

// RoleSecurityAdmin may read and change the domain's MFA and security-question settings
// (Oracle's AppRole table: Security Administrator, AuthenticationFactorSettings ALL).
const RoleSecurityAdmin = "Security Administrator"

// settingsReaders are the roles whose application tokens read the settings; see
// EMULATOR.md, Roles (Identity Domain Administrator is the emulator's inference).
var settingsReaders = []string{RoleSecurityAdmin, RoleIdentityDomainAdmin}

// withSettingsAuth authenticates a read of the domain's settings: a token with one of
// settingsReaders (an application's, or a user's who holds the role with its client), or,
// when users may read it too, any user token (Oracle's
// self-service security-question sample reads the questions with the user's token).
func (s *Server) withSettingsAuth(usersMayRead bool, h handler) handler {
	return func(r *http.Request) (reply, error) {
		t := s.bearer(r)
		if t == nil {
			return reply{}, errSCIMInvalidToken()
		}
		if t.isUser() && usersMayRead || t.hasRole(settingsReaders...) {
			return h(r)
		}
		return reply{}, errSCIMForbidden()
	}
}

// enabledMethod reports whether the domain has the factor enabled now.
func (s *Server) enabledMethod(m string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enabled[m]
}

// authnSettings renders the settings resource. Attributes the emulator has no setting for
// hold the values of Oracle's "Replace authentication factor settings" sample (PM-REST), so
// that the SDK finds every attribute it marks mandatory.
func (s *Server) authnSettings(r *http.Request) map[string]any {
	c := s.cfg
	minutes := func(d time.Duration) int { return max(1, int((d+time.Minute-1)/time.Minute)) }
	base := baseURL(r)
	body := map[string]any{
		"schemas":                       []string{authnSettingsSchema},
		"id":                            authnSettingsID,
		"meta":                          s.singletonMeta(base, authnSettingsID, authnSettingsPath),
		"smsEnabled":                    s.enabledMethod(MethodSMS),
		"emailEnabled":                  s.enabledMethod(MethodEmail),
		"totpEnabled":                   s.enabledMethod(MethodTOTP),
		"pushEnabled":                   s.enabledMethod(MethodPush),
		"phoneCallEnabled":              s.enabledMethod(MethodPhoneCall),
		"securityQuestionsEnabled":      s.enabledMethod(MethodSecurityQuestions),
		"bypassCodeEnabled":             s.enabledMethod(MethodBypassCode),
		"fidoAuthenticatorEnabled":      false,
		"yubicoOtpEnabled":              false,
		"mfaEnrollmentType":             c.MFAEnrollmentType,
		"hideBackupFactorEnabled":       false,
		"userEnrollmentDisabledFactors": append([]string{}, c.UserEnrollmentDisabledFactors...),
		"notificationSettings":          map[string]any{"pullEnabled": false},
		"emailSettings":                 map[string]any{"emailLinkEnabled": false},
		"bypassCodeSettings": map[string]any{
			"selfServiceGenerationEnabled": true,
			"helpDeskGenerationEnabled":    true,
			"length":                       c.BypassCodeLength,
			"maxActive":                    c.BypassCodeMaxActive,
			"helpDeskCodeExpiryInMins":     60,
			"helpDeskMaxUsage":             5,
		},
		"endpointRestrictions": map[string]any{
			"maxEnrolledDevices":             c.MaxEnrolledDevices,
			"maxIncorrectAttempts":           c.MaxFailedAttempts,
			"maxTrustedEndpoints":            5,
			"maxEndpointTrustDurationInDays": 15,
			"trustedEndpointsEnabled":        false,
		},
		"totpSettings": map[string]any{
			"hashingAlgorithm":               s.totp.algorithm,
			"passcodeLength":                 c.TOTPDigits,
			"timeStepInSecs":                 int(c.TOTPPeriod / time.Second),
			"timeStepTolerance":              c.TOTPTolerance,
			"keyRefreshIntervalInDays":       60,
			"jwtValidityDurationInSecs":      300,
			"smsPasscodeLength":              c.OTPLength,
			"smsOtpValidityDurationInMins":   minutes(c.OTPValidity),
			"emailPasscodeLength":            c.OTPLength,
			"emailOtpValidityDurationInMins": minutes(c.OTPValidity),
		},
		"clientAppSettings": map[string]any{
			"deviceProtectionPolicy": "NONE", "initialLockoutPeriodInSecs": 30, "keyPairLength": 2048,
			"lockoutEscalationPattern": "Constant", "maxFailuresBeforeLockout": 8, "maxFailuresBeforeWarning": 5,
			"maxLockoutIntervalInSecs": 86400, "minPinLength": 6, "policyUpdateFreqInDays": 7,
			"requestSigningAlgo": "SHA256withRSA", "sharedSecretEncoding": "Base32",
			"unlockAppForEachRequestEnabled": false, "unlockAppIntervalInSecs": 300,
			"unlockOnAppForegroundEnabled": false, "unlockOnAppStartEnabled": false,
		},
		"compliancePolicy": []map[string]any{},
	}
	return withSystemApp(body, base)
}

// systemApp is who created and last changed the domain's settings and default questions: in
// Oracle's samples the system application "idcssm".
func systemApp(base string) map[string]any {
	const id = "1dc55000000000000000000000000001"
	return map[string]any{"type": "App", "value": id, "display": "idcssm", "$ref": base + "/admin/v1/Apps/" + id}
}

// withSystemApp adds idcsCreatedBy and idcsLastModifiedBy to a resource the domain made.
func withSystemApp(m map[string]any, base string) map[string]any {
	m["idcsCreatedBy"], m["idcsLastModifiedBy"] = systemApp(base), systemApp(base)
	return m
}

// singletonMeta is the meta of a settings resource, created when the domain was.
func (s *Server) singletonMeta(base, resourceType, path string) map[string]any {
	at := s.started.UTC().Format(scimTimestampLayout)
	return map[string]any{"resourceType": resourceType, "created": at, "lastModified": at, "location": base + path + "/" + resourceType}
}

// projectSettings keeps schemas, id and meta (returned always) and the attributes asked for;
// "a.b" keeps sub-attribute b of a. No attributes means everything.
func projectSettings(body map[string]any, attrs []string) map[string]any {
	if len(attrs) == 0 {
		return body
	}
	out := map[string]any{"schemas": body["schemas"], "id": body["id"], "meta": body["meta"]}
	for _, a := range attrs {
		top, sub, nested := strings.Cut(a, ".")
		for k, v := range body {
			if !strings.EqualFold(k, top) {
				continue
			}
			inner, isMap := v.(map[string]any)
			if !nested || !isMap {
				out[k] = v
				continue
			}
			kept, _ := out[k].(map[string]any)
			if kept == nil {
				kept = map[string]any{}
				out[k] = kept
			}
			for ik, iv := range inner {
				if strings.EqualFold(ik, sub) {
					kept[ik] = iv
				}
			}
		}
	}
	return out
}

// singletonList is a SCIM ListResponse holding one resource.
func singletonList(resource map[string]any) map[string]any {
	return map[string]any{"schemas": []string{scimListSchema}, "totalResults": 1, "Resources": []any{resource}, "startIndex": 1, "itemsPerPage": scimDefaultCount}
}

// handleAuthnSettingsList is GET /admin/v1/AuthenticationFactorSettings (attributes).
func (s *Server) handleAuthnSettingsList(r *http.Request) (reply, error) {
	return scimOK(http.StatusOK, singletonList(projectSettings(s.authnSettings(r), queryValues(r.URL.Query(), "attributes"))))
}

// handleAuthnSettingsSearch is POST /admin/v1/AuthenticationFactorSettings/.search, a
// SearchRequest whose attributes shape the answer (there is one resource to find).
func (s *Server) handleAuthnSettingsSearch(r *http.Request) (reply, error) {
	var req struct {
		Schemas    []string `json:"schemas"`
		Attributes []string `json:"attributes"`
	}
	if e := decodeSCIMBody(r, &req); e != nil {
		return reply{}, e
	}
	if !hasSchema(req.Schemas, scimSearchSchema) {
		return reply{}, errSCIMSchemas(scimSearchSchema)
	}
	return scimOK(http.StatusOK, singletonList(projectSettings(s.authnSettings(r), req.Attributes)))
}

// handleAuthnSettingsGet is GET /admin/v1/AuthenticationFactorSettings/{id}: the id is
// AuthenticationFactorSettings (Oracle's sample), any other is 404.
func (s *Server) handleAuthnSettingsGet(r *http.Request) (reply, error) {
	id := r.PathValue("id")
	if !strings.EqualFold(id, authnSettingsID) {
		return reply{}, errSCIMResourceNotFound(id, "AuthenticationFactorSettings")
	}
	return scimOK(http.StatusOK, projectSettings(s.authnSettings(r), queryValues(r.URL.Query(), "attributes")))
}

// userEnrollmentDisabled says whether users may not enroll the factor themselves
// (userEnrollmentDisabledFactors); an offline TOTP app is OFFLINETOTP there.
func (s *Server) userEnrollmentDisabled(method string, offline bool) (string, bool) {
	name := method
	if method == MethodTOTP && offline {
		name = "OFFLINETOTP"
	}
	return name, slices.Contains(s.cfg.UserEnrollmentDisabledFactors, name)
}

// checkDeviceLimitLocked refuses a new device when the user has the domain's maximum of
// enrolled devices: Oracle's AUTH-1005. It is called where an enrollment would create a
// device, so that restarting a pending enrollment or re-enrolling an enrolled number still
// gets its own answer.
func (s *Server) checkDeviceLimitLocked(u *userState) *apiError {
	if u.enrolledDeviceCount() >= s.cfg.MaxEnrolledDevices {
		return errMaxDevices()
	}
	return nil
}
