package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// FuzzDecodeRequest feeds arbitrary bodies to the request decoder and to every handler that
// takes a body (the self-service ones with a user token). The decoder must answer nil,
// AUTH-1033 or AUTH-1121; the handlers must never panic, never answer 5xx but the 501 of what
// is not emulated, and always answer JSON.
func FuzzDecodeRequest(f *testing.F) {
	seeds := []string{
		``, `{}`, `null`, `[]`, `{"method":"SMS","countryCode":"+44","mobileNumber":"1122334455"}`,
		`{"method":"EMAIL","skipFactorVerification":"true"}`, `{"method":"TOTP","offlineTOTP":true}`,
		`{"otpCode":123456,"requestState":"abc"}`, `{"resendOtp":"TRUE","requestState":""}`,
		`{"securityQuestions":[{"id":"FirstCar","answer":"car123","op":"add"}]}`,
		`{"disableMFA":true}`, `{"preferredFactorId":"x","preferredMethod":"SMS"}`,
		`{"userId":"alice","userIdType":"USER_NAME","userFlowControlledByExternalClient":true,"x5t":"abc"}`,
		`{"method":`, `{"method":"SMS"} trailing`, "\x00\xff", `{"otpCode":-1}`, `{"otpCode":1e99}`,
		`{"userName":"new","emails":[{"value":"n@example.com","primary":true}]}`,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"new","emails":[{"value":"n@example.com","type":"work","primary":true}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName sw \"a\"","sortBy":"userName","attributeSets":["request"],"count":2}`,
		`{"schemas":["urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorEnroller"],"user":{"value":"a11ce000000000000000000000000001"},"authnFactors":["SMS"],"countryCode":"+44","phoneNumber":"1122334455"}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User:preferredDevice","value":{"value":"x"}}]}`,
	}
	if data, err := os.ReadFile(examplesFile); err == nil {
		var entries []confEntry
		if json.Unmarshal(data, &entries) == nil {
			for _, e := range entries {
				for _, ex := range e.Examples {
					var s string
					if json.Unmarshal(ex.RequestBody, &s) == nil && s != "" {
						seeds = append(seeds, s)
					}
				}
			}
		}
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	const bearer, userBearer = "fuzz-token", "fuzz-user-token"
	// A fresh server per input keeps every failure reproducible from its input alone.
	newServer := func() (*Server, string) {
		s := New(Config{Seed: 7})
		s.tokens[bearer] = &token{clientID: DefaultClientID, roles: []string{RoleMFAClient, RoleUserAdmin}, expires: s.now().Add(time.Hour)}
		s.tokens[userBearer] = &token{clientID: DefaultSelfServiceClientID, roles: []string{RoleMe}, expires: s.now().Add(time.Hour), userID: AliceID}
		fid, _, err := s.startSMSForTest(AliceID, "+44", "1122334455")
		if err != nil {
			f.Fatal(err)
		}
		return s, fid
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range []any{&enrollRequest{}, &completeEnrollmentRequest{}, &changeDefaultFactorRequest{}, &initiateVerificationRequest{}, &completeVerificationRequest{}} {
			if e := decodeJSON(body, v); e != nil && e.Code != "AUTH-1033" && e.Code != "AUTH-1121" {
				t.Fatalf("decode answered %s", e.Code)
			}
		}
		s, fid := newServer()
		for _, tg := range []struct{ method, path, token string }{
			{http.MethodPatch, "/admin/v1/Me", userBearer},
			{http.MethodPost, "/admin/v1/MyAuthenticationFactorEnroller", userBearer},
			{http.MethodPost, "/admin/v1/MyAuthenticationFactorInitiator", userBearer},
			{http.MethodPost, "/admin/v1/MyAuthenticationFactorValidator", userBearer},
			{http.MethodPost, "/admin/v1/MyAuthenticationFactorsRemover", userBearer},
			{http.MethodPost, "/admin/v1/MyBypassCodes", userBearer},
			{http.MethodPost, "/admin/v1/MyBypassCodes/.search", userBearer},
			{http.MethodPatch, "/admin/v1/MyDevices/" + fid, userBearer},
			{http.MethodPost, factorsPath(BobID), ""},
			{http.MethodPatch, factorsPath(AliceID) + "/" + fid, ""},
			{http.MethodPatch, "/mfa/v1/users/" + CarolID, ""},
			{http.MethodPost, "/mfa/v1/requests", ""},
			{http.MethodPatch, "/mfa/v1/requests/00000000-0000-4000-8000-000000000000", ""},
			{http.MethodPost, "/admin/v1/Users", ""},
			{http.MethodPost, "/admin/v1/Users/.search", ""},
			{http.MethodPut, "/emulator/v1/faults", ""},
		} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(tg.method, tg.path, strings.NewReader(string(body)))
			tok := tg.token
			if tok == "" {
				tok = bearer
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			s.ServeHTTP(rec, req)
			// 501 is the emulator's "not emulated" answer (a PATCH Me path it does not serve).
			if rec.Code >= 500 && rec.Header().Get(notEmulatedHeader) != "true" {
				t.Fatalf("%s %s answered %d: %s", tg.method, tg.path, rec.Code, rec.Body)
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s %s answered non-JSON: %q", tg.method, tg.path, rec.Body)
			}
			s.SetFaults(Faults{}) // a fuzzed PUT /emulator/v1/faults must not slow the next input
		}
	})
}
