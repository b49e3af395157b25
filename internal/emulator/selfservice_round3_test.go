package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// Issue 27 item 1: after a self-service enrollment the device just validated is the
// preferred one (Oracle's SMS Step 3, Offline OTP Step 2, PUSH Step 2), also when the user
// already had a device; /mfa/v1 and Me agree.
func TestMyValidatedDeviceBecomesPreferred(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("pia")
	first := h.mySMS(tok, uid, "7700900101")
	second := h.mySMS(tok, uid, "7700900102")
	e1 := h.mustDo(200, http.MethodGet, factorsPath(uid), nil)
	if e1["preferredFactorId"] != second || e1["preferredMethod"] != "SMS" {
		t.Fatalf("E1 after the second self-service SMS: preferred %v (first %s, second %s)", e1["preferredFactorId"], first, second)
	}
	m := h.my(tok, 201, http.MethodPost, pathEnroller, enrollerBody(uid, "PUSH"))
	dev, rid := m["deviceId"].(string), m["requestId"].(string)
	if err := h.s.CompleteEnrollment(uid, dev); err != nil {
		t.Fatal(err)
	}
	v := h.my(tok, 201, http.MethodPost, pathValidator, validatorBody(dev, rid, "PUSH", ""))
	if v["mfaPreferredDevice"] != dev || v["mfaPreferredAuthenticationFactor"] != "PUSH" {
		t.Fatalf("PUSH poll: preferred %v %v, want %s PUSH", v["mfaPreferredDevice"], v["mfaPreferredAuthenticationFactor"], dev)
	}
}

// Items 2, 3 and 7: MyDevices honours attributes, attributeSets, sortBy and sortOrder (400
// for values it cannot honour), masks an EMAIL device's name and shows a PUSH device's PUSH
// factor INPROGRESS, as Oracle's "Search for devices" sample.
func TestMyDevicesQueryAndSampleValues(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("joe.bloggs")
	sms := h.mySMS(tok, uid, "7700900201")
	m := h.my(tok, 201, http.MethodPost, pathEnroller, enrollerBody(uid, "PUSH"))
	push := m["deviceId"].(string)
	if err := h.s.CompleteEnrollment(uid, push); err != nil {
		t.Fatal(err)
	}
	m = h.my(tok, 201, http.MethodPost, pathEnroller, enrollerBody(uid, "EMAIL"))
	email, rid := m["deviceId"].(string), m["requestId"].(string)
	h.my(tok, 201, http.MethodPost, pathInitiator, initiatorBody(email, rid, "EMAIL"))
	h.my(tok, 201, http.MethodPost, pathValidator, validatorBody(email, rid, "EMAIL", h.otp(uid, email)))

	d := h.my(tok, 200, http.MethodGet, pathMyDevices+"/"+email, nil)
	if d["displayName"] != "joeXXXXX@example.com" {
		t.Errorf("EMAIL device name %v, want joeXXXXX@example.com", d["displayName"])
	}
	p := h.my(tok, 200, http.MethodGet, pathMyDevices+"/"+push, nil)
	statuses := map[string]any{}
	for _, f := range p["authenticationFactors"].([]any) {
		statuses[f.(map[string]any)["type"].(string)] = f.(map[string]any)["status"]
	}
	if statuses["PUSH"] != "INPROGRESS" || statuses["TOTP"] != "ENROLLED" || p["status"] != "ENROLLED" {
		t.Errorf("PUSH device: status %v, factors %v", p["status"], statuses)
	}

	only := h.my(tok, 200, http.MethodGet, pathMyDevices+"/"+sms+"?attributes=displayName", nil)
	if len(only) != 3 || only["id"] != sms || only["displayName"] == nil || only["schemas"] == nil {
		t.Errorf("attributes=displayName: %v", only)
	}
	always := h.my(tok, 200, http.MethodGet, pathMyDevices+"?attributeSets=always", nil)
	for _, r := range always["Resources"].([]any) {
		if len(r.(map[string]any)) != 2 {
			t.Errorf("attributeSets=always: %v", r)
		}
	}
	sorted := h.my(tok, 200, http.MethodGet, pathMyDevices+"?sortBy=displayName&sortOrder=descending&attributes=displayName", nil)
	var names []string
	for _, r := range sorted["Resources"].([]any) {
		names = append(names, r.(map[string]any)["displayName"].(string))
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] < names[i] {
			t.Errorf("sortBy displayName descending: %v", names)
		}
	}
	for _, q := range []string{"sortBy=colour", "sortOrder=sideways", "attributeSets=most"} {
		h.wantMyError(tok, 400, "error.common.validation.invalidValue", http.MethodGet, pathMyDevices+"?"+q, nil)
	}
}

// Item 8: an echoed input is cut: a 200 KB phone number gives a short error, in /mfa/v1 and
// in self-service.
func TestEchoedInputIsTruncated(t *testing.T) {
	h := newHarness(t, Config{})
	uid, tok := h.selfUser("hugo")
	huge := strings.Repeat("9", 200<<10)
	_, _, raw := h.do(http.MethodPost, factorsPath(uid), map[string]any{"method": "SMS", "countryCode": "+44", "mobileNumber": huge})
	if len(raw) > 2048 || !strings.Contains(string(raw), "AUTH-1030") {
		t.Errorf("/mfa/v1 answer to a 200 KB number: %d bytes: %.200s", len(raw), raw)
	}
	_, _, raw = h.doWith(tok, http.MethodPost, pathEnroller, enrollerBody(uid, "SMS", "countryCode", "+44", "phoneNumber", huge))
	if len(raw) > 2048 || !strings.Contains(string(raw), msgInvalidPhoneNumber) {
		t.Errorf("self-service answer to a 200 KB number: %d bytes: %.200s", len(raw), raw)
	}
	_, _, raw = h.do(http.MethodGet, factorsPath(uid)+"/"+strings.Repeat("f", 50<<10), nil)
	if len(raw) > 2048 {
		t.Errorf("answer to a 50 KB factor id: %d bytes", len(raw))
	}
}
