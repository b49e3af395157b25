package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/idcsmfa/terraform-provider-idcsmfa/emulator"
)

// A Go test in another module starts its own identity domain, enrolls a factor through
// Oracle's API as the provider would, reads the passcode from the outbox and finishes the
// enrollment with it. A Terraform acceptance test does the same with IDCS_HOST set to
// ts.URL (and IDCS_CLIENT_ID / IDCS_CLIENT_SECRET to the default credentials).
func Example() {
	srv := emulator.New(emulator.Config{Seed: 1})
	ts := httptest.NewServer(srv)
	defer ts.Close()

	// The OAuth client credentials grant, as the provider does it.
	token := fetchToken(ts.URL, emulator.DefaultClientID, emulator.DefaultClientSecret,
		url.Values{"grant_type": {"client_credentials"}, "scope": {"urn:opc:idm:__myscopes__"}})

	api := func(method, path, body string, out any) {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		call(req, out)
	}

	// Enroll alice's SMS factor: pending until the passcode comes back.
	var enrolled struct {
		FactorID, FactorStatus, DisplayName, RequestState string
	}
	api(http.MethodPost, "/mfa/v1/users/"+emulator.AliceID+"/factors",
		`{"method":"SMS","countryCode":"+44","mobileNumber":"7700900123"}`, &enrolled)
	fmt.Println(enrolled.FactorStatus, enrolled.DisplayName)

	// The "SMS" is in the outbox, with the full number.
	msg := srv.Messages(emulator.AliceID)[0]
	fmt.Println(msg.Channel, msg.Recipient, msg.FactorID == enrolled.FactorID)

	// Submit the passcode as the user would type it.
	var done struct{ Status string }
	api(http.MethodPatch, "/mfa/v1/users/"+emulator.AliceID+"/factors/"+enrolled.FactorID,
		fmt.Sprintf(`{"otpCode":%q,"requestState":%q}`, msg.OTP, enrolled.RequestState), &done)
	fmt.Println(done.Status, srv.Factors(emulator.AliceID)[0].Status)

	// Output:
	// ENROLLMENT_INITIATED +44XXXXXXX123
	// SMS +447700900123 true
	// success ENROLLED
}

// fetchToken posts a token request with the application's credentials and returns the token.
func fetchToken(base, clientID, secret string, form url.Values) string {
	req, _ := http.NewRequest(http.MethodPost, base+"/oauth2/v1/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret)
	var token struct {
		AccessToken string `json:"access_token"`
	}
	call(req, &token)
	return token.AccessToken
}

func call(req *http.Request, out any) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		panic(err)
	}
}

// Self-service: a user gets their own token with the password grant (the application with the
// Me role) and enrolls their own phone through /admin/v1/My*; the device is the factor /mfa/v1
// lists, and its passcode is in the same outbox.
func Example_selfService() {
	srv := emulator.New(emulator.Config{Seed: 1})
	ts := httptest.NewServer(srv)
	defer ts.Close()

	token := fetchToken(ts.URL, emulator.DefaultSelfServiceClientID, emulator.DefaultSelfServiceClientSecret,
		url.Values{"grant_type": {"password"}, "scope": {"urn:opc:idm:__myscopes__"}, "username": {"alice"}, "password": {emulator.DemoPassword}})

	my := func(path, body string, out any) {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/admin/v1/"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/scim+json")
		call(req, out)
	}
	var device struct{ DeviceID, RequestID, PhoneNumber string }
	my("MyAuthenticationFactorEnroller", `{"schemas":["urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorEnroller"],
		"user":{"value":"`+emulator.AliceID+`"},"authnFactors":["SMS"],"countryCode":"+44","phoneNumber":"7700900123"}`, &device)
	fmt.Println(device.PhoneNumber, srv.Factors(emulator.AliceID)[0].ID == device.DeviceID, len(srv.Messages(emulator.AliceID)))

	var sent struct{ UserName string }
	my("MyAuthenticationFactorInitiator", fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorInitiator"],
		"deviceId":%q,"requestId":%q,"authFactor":"SMS"}`, device.DeviceID, device.RequestID), &sent)
	msg := srv.Messages(emulator.AliceID)[0]
	fmt.Println(sent.UserName, msg.Recipient)

	var valid struct{ Status, MfaStatus string }
	my("MyAuthenticationFactorValidator", fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorValidator"],
		"deviceId":%q,"requestId":%q,"otpCode":%q,"authFactor":"SMS","scenario":"ENROLLMENT"}`, device.DeviceID, device.RequestID, msg.OTP), &valid)
	fmt.Println(valid.Status, valid.MfaStatus, srv.Factors(emulator.AliceID)[0].Status)

	// Output:
	// XXXXXXX123 true 0
	// alice +447700900123
	// SUCCESS ENROLLED ENROLLED
}
