package emulator

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

// The self-service conformance test replays Oracle's self-service examples (PM-REST "MFA / Self
// Service", its "Obtain ME access_token" and the "Self Service / Update Account Information"
// folder) against the emulator, with a user token of the password grant: it builds the state the
// example needs, sends its request with live ids and passcodes, and compares the status and the
// shape of the answer as TestConformanceWithOracleExamples does. Where the emulator's answer may
// differ from one sample, the case lists the difference and says why (allowDiff). Examples of
// endpoints the emulator does not serve must get its "not emulated" answer (501).

// ssContext is the user an example runs as: a user with a password, and their token.
type ssContext struct {
	uid, tok string
}

// ssSetup builds the state for one example and returns the request to send: the token, the
// method, the path and the body (url.Values is sent as a form with the self-service client's
// Basic authentication).
type ssSetup func(h *harness, c ssContext, req map[string]any) (tok, method, path string, body any)

type ssCase struct {
	entry, example string // a substring of the entry's name, a prefix of the example's
	setup          ssSetup
	// allowDiff are shape differences accepted for this example ("$.otpCode: missing"), array
	// indexes written []; each with its reason in a comment where the case is written.
	allowDiff []string
	// notEmulated: the endpoint is Oracle's and not emulated; the answer must be 501.
	notEmulated bool
	// unsupportedGrant: a token request with a grant the emulator does not emulate; the answer
	// must be OAuth's 400 unsupported_grant_type.
	unsupportedGrant bool
}

const ssUserName = "jbloggs"

func TestConformanceSelfServiceWithOracleExamples(t *testing.T) {
	data, err := os.ReadFile(examplesFile)
	if err != nil {
		t.Fatal(err)
	}
	var entries []confEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatal(err)
	}
	total, replayed, refused := 0, 0, 0
	for _, e := range entries {
		if !isSelfServiceURL(e.URL) {
			continue
		}
		for _, ex := range e.Examples {
			total++
			c := findSSCase(e.Name, ex.Name)
			if c == nil {
				t.Errorf("%s / %s: no case written", e.Name, ex.Name)
				continue
			}
			if c.notEmulated || c.unsupportedGrant {
				refused++
			} else {
				replayed++
			}
			t.Run(shortName(e.Name+" - "+ex.Name), func(t *testing.T) { runSSExample(t, c, ex) })
		}
	}
	t.Logf("self-service conformance: %d examples, %d replayed, %d of endpoints or grants not emulated (their refusal checked)", total, replayed, refused)
	if replayed < 25 {
		t.Errorf("only %d self-service examples replayed", replayed)
	}
}

// isSelfServiceURL: Oracle's /admin/v1 examples (all self-service in the file) and its token
// examples.
func isSelfServiceURL(u string) bool {
	return strings.HasPrefix(u, "{{HOST}}/admin/v1/") || u == "{{HOST}}/oauth2/v1/token"
}

func findSSCase(entry, example string) *ssCase {
	return findNamed(ssCases, func(c *ssCase) (string, string) { return c.entry, c.example }, entry, example)
}

func runSSExample(t *testing.T, c *ssCase, ex confExample) {
	h := newHarness(t, Config{})
	u, err := h.s.AddUser(User{UserName: ssUserName, Email: "joe.bloggs@example.com", GivenName: "Joe", FamilyName: "Bloggs", Password: "Passw0rd"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ssContext{uid: u.ID, tok: h.userToken(ssUserName, "Passw0rd")}
	var req map[string]any
	if raw := strings.TrimSpace(string(ex.RequestBody)); strings.HasPrefix(raw, "{") {
		_ = json.Unmarshal(ex.RequestBody, &req) // a form, as an object
	} else {
		var text string
		_ = json.Unmarshal(ex.RequestBody, &text)
		_ = json.Unmarshal([]byte(text), &req) // not JSON (a form as text): nil
	}
	tok, method, path, body := c.setup(h, ctx, req)
	var status int
	var raw []byte
	if form, ok := body.(url.Values); ok {
		status, raw = h.postForm(path, form)
	} else {
		status, _, raw = h.doWith(tok, method, path, body)
	}
	if c.unsupportedGrant {
		if status != http.StatusBadRequest || !strings.Contains(string(raw), `"unsupported_grant_type"`) {
			t.Fatalf("%s %s: %d %s, want 400 unsupported_grant_type", method, path, status, raw)
		}
		return
	}
	if c.notEmulated {
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		ext, _ := m[scimOracleErrSchema].(map[string]any)
		if status != http.StatusNotImplemented || ext["messageId"] != notEmulatedMessageID {
			t.Fatalf("%s %s: %d %s, want the 501 of an endpoint not emulated", method, path, status, raw)
		}
		return
	}
	checkExampleAnswer(t, method+" "+path, ex, status, raw, c.allowDiff)
}

// postForm posts a token request with the self-service client's credentials.
func (h *harness) postForm(path string, form url.Values) (int, []byte) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.hs.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(DefaultSelfServiceClientID, DefaultSelfServiceClientSecret)
	resp, err := h.hs.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// --- state builders ---

// ssEnroll enrolls a pending device with the enroller and returns its deviceId and requestId.
func (h *harness) ssEnroll(c ssContext, factor string, kv ...any) (string, string) {
	h.t.Helper()
	m := h.my(c.tok, 201, http.MethodPost, pathEnroller, enrollerBody(c.uid, factor, kv...))
	return m["deviceId"].(string), m["requestId"].(string)
}

// ssSent enrolls an SMS or EMAIL device and sends its passcode.
func (h *harness) ssSent(c ssContext, factor string) (string, string) {
	h.t.Helper()
	kv := []any{}
	if factor == "SMS" {
		kv = []any{"countryCode", "+44", "phoneNumber", "1122334455", "displayName", "Joe's Personal Phone"}
	}
	dev, rid := h.ssEnroll(c, factor, kv...)
	h.my(c.tok, 201, http.MethodPost, pathInitiator, initiatorBody(dev, rid, factor))
	return dev, rid
}

// ssTOTPCode is the current code of an offline TOTP device, read from its QR content.
func (h *harness) ssOfflineTOTP(c ssContext) (string, string, string) {
	h.t.Helper()
	m := h.my(c.tok, 201, http.MethodPost, pathEnroller, enrollerBody(c.uid, "TOTP", "isDeviceOffline", true))
	uri, _ := base64.StdEncoding.DecodeString(m["qrCodeContent"].(string))
	u, err := url.Parse(string(uri))
	if err != nil {
		h.t.Fatal(err)
	}
	return m["deviceId"].(string), m["requestId"].(string), h.totpAt(u.Query().Get("secret"), h.clock.Now())
}

func (h *harness) ssPushEnrolled(c ssContext) (string, string) {
	h.t.Helper()
	dev, rid := h.ssEnroll(c, "PUSH")
	if err := h.s.CompleteEnrollment(c.uid, dev); err != nil {
		h.t.Fatal(err)
	}
	return dev, rid
}

// ssBypassCode creates a bypass code through MyBypassCodes and returns its resource id.
func (h *harness) ssBypassCode(c ssContext) string {
	h.t.Helper()
	m := h.my(c.tok, 201, http.MethodPost, "/admin/v1/MyBypassCodes", map[string]any{"schemas": []string{scimBypassCodeSchema}, "user": userRef(c)})
	return m["id"].(string)
}

func userRef(c ssContext) map[string]any { return map[string]any{"value": c.uid} }

// Differences the emulator's answers may have from one of Oracle's samples, each seen in
// another of Oracle's samples or left out on purpose:
var (
	// Oracle's EMAIL and TOTP validator samples echo the passcode; the emulator never sends a
	// passcode back. Its SMS sample has emailFactorEnrolled and no meta, the others the reverse:
	// the emulator always sends both.
	validatorDiffs = []string{"$.otpCode: missing", "$.emailFactorEnrolled: not in Oracle's example", "$.meta: not in Oracle's example"}
	// The GET Me sample has the user extension's creationMechanism, the PATCH sample does not.
	patchMeDiffs = []string{
		"$.urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User: not in Oracle's example",
	}
	// What the Oracle Mobile Authenticator app reports about its phone; the emulator runs no app.
	appDeviceDiffs = []string{
		"$.appVersion: missing", "$.deviceUUID: missing", "$.deviceType: missing", "$.basePublicKey: missing",
		"$.platform: missing", "$.lastValidatedTime: missing", "$.additionalAttributes: missing",
		"$.nonCompliances: missing", "$.pushNotificationTarget: missing",
	}
)

func emailDevice(h *harness, c ssContext) string {
	dev, rid := h.ssSent(c, "EMAIL")
	h.my(c.tok, 201, http.MethodPost, pathValidator, validatorBody(dev, rid, "EMAIL", h.otp(c.uid, dev)))
	return dev
}

var ssCases = []ssCase{
	// Email: enroller, initiator, validator.
	{entry: "Email Factor / Step 1", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return c.tok, http.MethodPost, pathEnroller, withFields(req, "user", userRef(c))
	}},
	{entry: "Email Factor / Step 2", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		dev, rid := h.ssEnroll(c, "EMAIL")
		return c.tok, http.MethodPost, pathInitiator, withFields(req, "deviceId", dev, "requestId", rid, "userName", ssUserName)
	}},
	{entry: "Email Factor / Step 3", allowDiff: validatorDiffs, setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		dev, rid := h.ssSent(c, "EMAIL")
		return c.tok, http.MethodPost, pathValidator, withFields(req, "deviceId", dev, "requestId", rid, "otpCode", h.otp(c.uid, dev))
	}},
	// SMS.
	{entry: "SMS Factor / Step 1", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return c.tok, http.MethodPost, pathEnroller, withFields(req, "user", userRef(c))
	}},
	{entry: "SMS Factor / Step 2", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		dev, rid := h.ssEnroll(c, "SMS", "countryCode", "+44", "phoneNumber", "1122334455")
		return c.tok, http.MethodPost, pathInitiator, withFields(req, "deviceId", dev, "requestId", rid, "userName", ssUserName)
	}},
	{entry: "SMS Factor / Step 3", example: "Invalid Passcode", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		dev, rid := h.ssSent(c, "SMS")
		wrong := "206101"
		if h.otp(c.uid, dev) == wrong {
			wrong = "206102"
		}
		return c.tok, http.MethodPost, pathValidator, withFields(req, "deviceId", dev, "requestId", rid, "otpCode", wrong)
	}},
	{entry: "SMS Factor / Step 3", example: "Response", allowDiff: validatorDiffs, setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		dev, rid := h.ssSent(c, "SMS")
		return c.tok, http.MethodPost, pathValidator, withFields(req, "deviceId", dev, "requestId", rid, "otpCode", h.otp(c.uid, dev))
	}},
	// Security questions: PATCH Me, then the validator confirms the answers. Oracle's sample
	// user has a preferred device already.
	{entry: "Security Questions Factor / Step 1", allowDiff: patchMeDiffs, setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		h.mySMS(c.tok, c.uid, "1122334455")
		return c.tok, http.MethodPatch, "/admin/v1/Me/", req
	}},
	// Oracle's sample echoes the answers; the emulator sends no answer back (they are secrets).
	{entry: "Security Questions Factor / Step 2", allowDiff: []string{"$.securityQuestions: missing"}, setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		h.mySMS(c.tok, c.uid, "1122334455")
		h.my(c.tok, 200, http.MethodPatch, "/admin/v1/Me", map[string]any{"schemas": []string{scimPatchOpSchema}, "Operations": []any{map[string]any{
			"op": "add", "path": meSecQuestionsPath, "value": []map[string]any{
				{"value": "FavoriteMovie", "answer": "Harry Potter"}, {"value": "FavoriteFood", "answer": "Chinese"}, {"value": "FirstPet", "answer": "Bouncer"}}}}})
		return c.tok, http.MethodPost, pathValidator, req
	}},
	// Offline TOTP.
	{entry: "Offline OTP Factor / Step 1", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return c.tok, http.MethodPost, pathEnroller, withFields(req, "user", userRef(c))
	}},
	{entry: "Offline OTP Factor / Step 2", allowDiff: validatorDiffs, setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		emailDevice(h, c) // Oracle's sample user has an EMAIL device already
		dev, rid, code := h.ssOfflineTOTP(c)
		return c.tok, http.MethodPost, pathValidator, withFields(req, "deviceId", dev, "requestId", rid, "otpCode", code)
	}},
	// PUSH.
	{entry: "PUSH Factor / Step 1", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return c.tok, http.MethodPost, pathEnroller, withFields(req, "user", userRef(c))
	}},
	{entry: "PUSH Factor / Step 2", example: "Success", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		dev, rid := h.ssPushEnrolled(c)
		return c.tok, http.MethodPost, pathValidator, withFields(req, "deviceId", dev, "requestId", rid)
	}},
	{entry: "PUSH Factor / Step 2", example: "Error", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		dev, rid := h.ssEnroll(c, "PUSH")
		return c.tok, http.MethodPost, pathValidator, withFields(req, "deviceId", dev, "requestId", rid)
	}},
	// Self-service bypass codes.
	{entry: "Bypass Codes Self Service / Create", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return c.tok, http.MethodPost, "/admin/v1/MyBypassCodes", withFields(req, "user", userRef(c))
	}},
	{entry: "Bypass Codes Self Service / Get", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return c.tok, http.MethodGet, "/admin/v1/MyBypassCodes/" + h.ssBypassCode(c), nil
	}},
	{entry: "Bypass Codes Self Service / Search for Bypass Codes Using POST", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		h.ssBypassCode(c)
		return c.tok, http.MethodPost, "/admin/v1/MyBypassCodes/.search", req
	}},
	{entry: "Bypass Codes Self Service / Search", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		h.ssBypassCode(c)
		return c.tok, http.MethodGet, "/admin/v1/MyBypassCodes", nil
	}},
	{entry: "Bypass Codes Self Service / Delete", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return c.tok, http.MethodDelete, "/admin/v1/MyBypassCodes/" + h.ssBypassCode(c), nil
	}},
	// Devices.
	{entry: "Devices Self Service / Search for devices", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		h.ssPushEnrolled(c)
		h.mySMS(c.tok, c.uid, "1122334455")
		emailDevice(h, c)
		return c.tok, http.MethodGet, pathMyDevices, nil
	}},
	{entry: "Devices Self Service / Get a device", allowDiff: appDeviceDiffs, setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		dev, _ := h.ssPushEnrolled(c)
		return c.tok, http.MethodGet, pathMyDevices + "/" + dev, nil
	}},
	{entry: "Devices Self Service / Update my device", allowDiff: appDeviceDiffs, setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		dev, _ := h.ssPushEnrolled(c)
		return c.tok, http.MethodPatch, pathMyDevices + "/" + dev, req
	}},
	{entry: "Devices Self Service / Delete a device", example: "Error", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return c.tok, http.MethodDelete, pathMyDevices + "/" + emailDevice(h, c), nil
	}},
	{entry: "Devices Self Service / Delete a device", example: "Success", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		h.mySMS(c.tok, c.uid, "1122334455")
		return c.tok, http.MethodDelete, pathMyDevices + "/" + emailDevice(h, c), nil
	}},
	// Token, Me, preferred method, remover (the "MFA / Self Service" and "MFA" folders hold the
	// same requests).
	{entry: "Obtain ME access_token", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return "", http.MethodPost, "/oauth2/v1/token", ssForm(req)
	}},
	{entry: "MFA / Self Service / Get my information", setup: getMe},
	{entry: "MFA / Get my information", setup: getMe},
	{entry: "Change my default method", allowDiff: patchMeDiffs, setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		h.mySMS(c.tok, c.uid, "1122334455")
		email := emailDevice(h, c)
		ops := req["Operations"].([]any)
		ops[1].(map[string]any)["value"] = map[string]any{"value": email}
		return c.tok, http.MethodPatch, "/admin/v1/Me", req
	}},
	{entry: "Remove all of my authentication factors", setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		h.mySMS(c.tok, c.uid, "1122334455")
		return c.tok, http.MethodPost, pathRemover, withFields(req, "user", userRef(c))
	}},
	// The resource-owner grant with offline_access: the emulator issues no refresh tokens.
	{entry: "Obtain access_token and refresh token (resource owner)", allowDiff: []string{"$.refresh_token: missing"}, setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return "", http.MethodPost, "/oauth2/v1/token", ssForm(req)
	}},
	// The JWT-bearer grant of an Authenticate API authnToken is not emulated: the token
	// endpoint answers unsupported_grant_type; the Me it then reads is replayed with a
	// password-grant token.
	{entry: "Generate Access Token Using Auth API / Step 3", unsupportedGrant: true, setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return "", http.MethodPost, "/oauth2/v1/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "scope": {scopeMyScopes}, "assertion": {"authnToken"}}
	}},
	{entry: "Generate Access Token Using Auth API / Step 4", allowDiff: []string{
		// Oracle's admin user of that sample has a nickName and is a federation candidate; the
		// emulator's users have neither attribute.
		"$.nickName: missing",
		"$.urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User.isFederatedUser: missing",
		"$.urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User.creationMechanism: not in Oracle's example",
		// That user has no MFA attributes at all; the emulator shows mfaStatus and
		// loginAttempts for every user, as its /admin/v1/Users does.
		"$.urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User: not in Oracle's example",
	}, setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return c.tok, http.MethodGet, "/admin/v1/Me", nil
	}},
	{entry: "Update Account Information / Update Me (add a single attribute)", notEmulated: true, setup: func(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
		return c.tok, http.MethodPatch, "/admin/v1/Me", req
	}},
}

func getMe(h *harness, c ssContext, req map[string]any) (string, string, string, any) {
	h.mySMS(c.tok, c.uid, "1122334455") // Oracle's sample user has a preferred device
	return c.tok, http.MethodGet, "/admin/v1/Me", nil
}

// ssForm is the example's token form, with the emulator user's credentials.
func ssForm(req map[string]any) url.Values {
	form := url.Values{}
	for k, v := range req {
		form.Set(k, v.(string))
	}
	form.Set("username", ssUserName)
	form.Set("password", "Passw0rd")
	return form
}
