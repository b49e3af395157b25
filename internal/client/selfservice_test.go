package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// selfServiceCall runs the client call that issues a self-service sample's request.
func selfServiceCall(ctx context.Context, c *Client, r exampleRequest, req map[string]any) (any, error) {
	path, _, _ := strings.Cut(strings.TrimPrefix(r.URL, "{{HOST}}"), "?")
	path = strings.TrimSuffix(path, "/")
	factor := func() string {
		if a, ok := req["authnFactors"].([]any); ok && len(a) > 0 {
			return a[0].(string)
		}
		return ""
	}
	switch {
	case r.Method == "GET" && path == mePath:
		return c.Me(ctx)
	case r.Method == "PATCH" && path == mePath && strings.Contains(string(r.RequestBody), "preferredDevice"):
		ops, _ := req["Operations"].([]any)
		method := ops[0].(map[string]any)["value"].(string)
		dev := ops[1].(map[string]any)["value"].(map[string]any)["value"].(string)
		return c.SetMyPreferredFactor(ctx, dev, method)
	case path == myEnrollerPath:
		u := req["user"].(map[string]any)
		return c.EnrollMyFactor(ctx, MyEnrollRequest{UserID: u["value"].(string), Method: factor(),
			DisplayName: str(req, "displayName"), CountryCode: str(req, "countryCode"), PhoneNumber: str(req, "phoneNumber"),
			DeviceOffline: req["isDeviceOffline"] == true})
	case path == myInitiatePath:
		return c.InitiateMyFactor(ctx, MyInitiateRequest{DeviceID: str(req, "deviceId"), RequestID: str(req, "requestId"),
			UserName: str(req, "userName"), Method: str(req, "authFactor")})
	case path == myValidatePath && req["otpCode"] != nil:
		return c.ValidateMyFactor(ctx, MyValidateRequest{DeviceID: str(req, "deviceId"), RequestID: str(req, "requestId"),
			OTPCode: str(req, "otpCode"), Method: str(req, "authFactor")})
	case r.Method == "GET" && path == myDevicesPath:
		return c.ListMyDevices(ctx)
	case r.Method == "GET" && strings.HasPrefix(path, myDevicesPath+"/"):
		return c.GetMyDevice(ctx, "2b27b8c072d64b899d41c8470acea32a")
	case r.Method == "DELETE" && strings.HasPrefix(path, myDevicesPath+"/"):
		return nil, c.DeleteMyDevice(ctx, "2b27b8c072d64b899d41c8470acea32a", false)
	case path == myRemoverPath:
		u := req["user"].(map[string]any)
		return nil, c.RemoveMyFactors(ctx, u["value"].(string))
	}
	return nil, errNoCall
}

var errNoCall = errors.New("no client call for this sample")

// TestSelfServiceConformanceExamples replays Oracle's self-service samples (Postman "REST API
// for Oracle Identity Cloud Service", MFA folders): the client must send the sample's method,
// path and body, and read the sample's answer, or its SCIM error with the status, messageId
// and detail.
func TestSelfServiceConformanceExamples(t *testing.T) {
	var (
		mu       sync.Mutex
		gotPath  string
		gotQuery string
		gotBody  map[string]any
		respCode int
		respBody string
	)
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		gotPath, gotQuery, gotBody = r.Method+" "+r.URL.Path, r.URL.RawQuery, nil
		_ = json.Unmarshal(b, &gotBody)
		writeJSON(w, respCode, respBody)
	}))
	ran := map[string]int{}
	for _, r := range loadExamples(t) {
		if !strings.Contains(r.URL, "/admin/v1/M") {
			continue
		}
		for _, ex := range r.Examples {
			reqBody := exampleBody(t, firstNonEmpty(string(ex.RequestBody), string(r.RequestBody)))
			mu.Lock()
			respCode, respBody = ex.Code, ex.ResponseBody
			mu.Unlock()
			out, err := selfServiceCall(context.Background(), c, r, reqBody)
			if errors.Is(err, errNoCall) {
				continue // security questions, device rename by hand, account updates
			}
			t.Run(r.Name+"/"+ex.Name, func(t *testing.T) {
				ran[strings.SplitN(strings.TrimPrefix(r.URL, "{{HOST}}"), "/", 4)[3]]++
				mu.Lock()
				path, query, body := gotPath, gotQuery, gotBody
				mu.Unlock()
				wantPath := r.Method + " " + strings.TrimSuffix(strings.TrimPrefix(r.URL, "{{HOST}}"), "/")
				if strings.Contains(wantPath, "{{") {
					wantPath = r.Method + " " + myDevicesPath + "/2b27b8c072d64b899d41c8470acea32a"
				}
				if path != wantPath || query != "" {
					t.Errorf("request %s ?%s, sample %s", path, query, wantPath)
				}
				// What the samples send that the client leaves out on purpose: the optional
				// user.$ref and isDeviceOffline false.
				if u, ok := reqBody["user"].(map[string]any); ok {
					delete(u, "$ref")
				}
				if reqBody["isDeviceOffline"] == false {
					delete(reqBody, "isDeviceOffline")
				}
				if reqBody != nil && !reflect.DeepEqual(normalize(body), normalize(reqBody)) {
					t.Errorf("request body\n got  %v\n want %v", body, reqBody)
				}
				if ex.Code >= 400 {
					var ae *APIError
					if !errors.As(err, &ae) || ae.StatusCode != ex.Code || !strings.HasPrefix(ae.Code, "error.") || ae.Message == "" {
						t.Fatalf("SCIM error sample read as %T %v", err, err)
					}
					return
				}
				if err != nil {
					t.Fatalf("success sample failed: %v", err)
				}
				compareSelfServiceAnswer(t, ex.ResponseBody, out)
			})
		}
	}
	for _, p := range []string{"Me", "MyAuthenticationFactorEnroller", "MyAuthenticationFactorInitiator",
		"MyAuthenticationFactorValidator", "MyDevices", "MyAuthenticationFactorsRemover"} {
		if ran[p] == 0 {
			t.Errorf("no sample of %s was replayed (ran %v)", p, ran)
		}
	}
}

// compareSelfServiceAnswer checks that the fields the client reads came out as the sample has them.
func compareSelfServiceAnswer(t *testing.T, sample string, out any) {
	t.Helper()
	if out == nil || reflect.ValueOf(out).IsNil() {
		return
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(sample), &want); err != nil {
		t.Fatalf("sample answer: %v", err)
	}
	if res, ok := want["Resources"].([]any); ok {
		devs := out.([]MyDevice)
		if len(devs) != len(res) {
			t.Fatalf("%d devices parsed, sample has %d", len(devs), len(res))
		}
		want = res[0].(map[string]any)
		out = &devs[0]
	}
	if fs, ok := want["authenticationFactors"].([]any); ok {
		for _, f := range fs {
			delete(f.(map[string]any), "publicKey") // PUSH only; not read
		}
	}
	b, _ := json.Marshal(out)
	var have map[string]any
	_ = json.Unmarshal(b, &have)
	if len(have) == 0 {
		t.Fatal("nothing parsed")
	}
	for k, v := range have {
		if k == "urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User" {
			continue // compared below through the typed value
		}
		if !reflect.DeepEqual(normalize(v), normalize(want[k])) && (k != "user" || want[k] == nil) {
			t.Errorf("field %q: parsed %v, sample %v", k, v, want[k])
		}
	}
	if me, ok := out.(*Me); ok {
		ext, _ := want[SCIMMFAExtension].(map[string]any)
		if ext != nil && (me.MFA == nil || me.MFA.PreferredAuthenticationFactor != ext["preferredAuthenticationFactor"]) {
			t.Errorf("MFA extension parsed %+v, sample %v", me.MFA, ext)
		}
	}
}

func TestSelfServiceSecretsStayOutOfLogsAndErrors(t *testing.T) {
	const reqID, otp = "f8ee0085-1091-4eb3-b1d4-657ea6e1f3b7o-o1541112590", "720335"
	logger := &recordingLogger{}
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case myEnrollerPath:
			writeJSON(w, 201, `{"deviceId":"d1","requestId":"`+reqID+`","authnFactors":["EMAIL"]}`)
		default: // a server that echoes the request id and passcode in its error text
			writeJSON(w, 401, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401",`+
				`"detail":"Invalid passcode `+otp+` for `+reqID+`",`+
				`"urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error":{"messageId":"error.ssocommon.auth.invalidPasscode"}}`)
		}
	}), func(cfg *Config) { cfg.Logger = logger })
	e, err := c.EnrollMyFactor(context.Background(), MyEnrollRequest{UserID: "u1", Method: MethodEmail})
	if err != nil || e.RequestID != reqID {
		t.Fatalf("enroll: %+v, %v", e, err)
	}
	_, err = c.ValidateMyFactor(context.Background(), MyValidateRequest{DeviceID: "d1", RequestID: reqID, OTPCode: otp, Method: MethodEmail})
	if !errors.Is(err, ErrInvalidPasscode) {
		t.Fatalf("wrong passcode: %v", err)
	}
	for what, text := range map[string]string{"log": logger.text(), "error": err.Error()} {
		if strings.Contains(text, reqID) || strings.Contains(text, otp) {
			t.Errorf("%s shows the requestId or passcode: %s", what, text)
		}
	}
	if !strings.Contains(logger.text(), Redacted) {
		t.Errorf("log has no redaction marker: %s", logger.text())
	}
}

// TestPasswordGrant checks the request of API doc 6.1: the client's id and secret in HTTP
// Basic, the user's name and password in the form, the self-service scope; and that neither
// password reaches the log or a refusal's error.
func TestPasswordGrant(t *testing.T) {
	const userPass, clientSecret = "Us3r-Pa55word!", "client-secret-xyz"
	var form url.Values
	var basic string
	refuse := false
	logger := &recordingLogger{}
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth2/v1/token" {
			_ = r.ParseForm()
			form, basic = r.PostForm, r.Header.Get("Authorization")
			if refuse {
				writeJSON(w, 400, `{"error":"invalid_grant","error_description":"Tenant is MFA enabled. Use Multi-Factor Authentication for all users in this tenant."}`)
				return
			}
			writeJSON(w, 200, `{"access_token":"user-token-1","token_type":"Bearer","expires_in":3600}`)
			return
		}
		if r.Header.Get("Authorization") != "Bearer user-token-1" {
			t.Errorf("API call with %q", r.Header.Get("Authorization"))
		}
		writeJSON(w, 200, `{"id":"u1","userName":"jbloggs"}`)
	}), func(cfg *Config) {
		cfg.AccessToken, cfg.ClientID, cfg.ClientSecret = "", "me-client", clientSecret
		cfg.Username, cfg.Password, cfg.Logger = "jbloggs", userPass, logger
	})
	me, err := c.Me(context.Background())
	if err != nil || me.ID != "u1" || me.UserName != "jbloggs" {
		t.Fatalf("Me: %+v, %v", me, err)
	}
	if form.Get("grant_type") != "password" || form.Get("scope") != DefaultScope || form.Get("username") != "jbloggs" || form.Get("password") != userPass {
		t.Errorf("token form %v", form)
	}
	if basic != "Basic "+base64.StdEncoding.EncodeToString([]byte("me-client:"+clientSecret)) {
		t.Errorf("token request authorization %q", basic)
	}

	refuse = true
	c2, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, `{"error":"invalid_grant","error_description":"Tenant is MFA enabled. Use Multi-Factor Authentication for all users in this tenant."}`)
	}), func(cfg *Config) {
		cfg.AccessToken, cfg.ClientID, cfg.ClientSecret = "", "me-client", clientSecret
		cfg.Username, cfg.Password, cfg.Logger = "jbloggs", userPass, logger
	})
	_, err = c2.Me(context.Background())
	if !errors.Is(err, ErrTokenRefused) || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("refused password grant: %v", err)
	}
	for what, text := range map[string]string{"log": logger.text(), "error": err.Error()} {
		if strings.Contains(text, userPass) || strings.Contains(text, clientSecret) {
			t.Errorf("%s shows a password: %s", what, text)
		}
	}
}

func TestPasswordGrantConfigErrors(t *testing.T) {
	for name, cfg := range map[string]Config{
		"password without username": {Host: "https://x.example.com", ClientID: "a", ClientSecret: "b", Password: "p"},
		"username without client":   {Host: "https://x.example.com", Username: "u", Password: "p", AccessToken: "t"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestOnlyDeviceRefusal(t *testing.T) {
	var query string
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		if query == "" {
			writeJSON(w, 400, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400",`+
				`"detail":"You cannot delete the device. At least one device is required for 2-Step Verification.",`+
				`"urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error":{"messageId":"error.ssocommon.ssoadmin.mfa.cannotDeleteOnlyExistingDevice"}}`)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	err := c.DeleteMyDevice(context.Background(), "d1", false)
	if !errors.Is(err, ErrOnlyDevice) || errors.Is(err, ErrNotFound) {
		t.Fatalf("only device: %v", err)
	}
	if err := c.DeleteMyDevice(context.Background(), "d1", true); err != nil || query != "forceDelete=true" {
		t.Fatalf("forced delete: %v (query %q)", err, query)
	}
}

func TestMyDeviceMethods(t *testing.T) {
	d := MyDevice{AuthenticationFactors: []DeviceFactor{{Type: "PUSH"}, {Type: "TOTP"}, {Type: "OFFLINETOTP"}}}
	if got := d.Methods(); !reflect.DeepEqual(got, []string{"PUSH", "TOTP"}) {
		t.Errorf("Methods() = %v", got)
	}
}

// TestSCIMMessageIDSentinels: the self-service errors match the sentinels the provider
// branches on, and a 401 that judged the user's input is not taken for a rejected token
// (which would renew the token and send the passcode a second time).
func TestSCIMMessageIDSentinels(t *testing.T) {
	for id, want := range map[string]error{
		"error.ssocommon.auth.invalidPasscode":                         ErrInvalidPasscode,
		"error.ssocommon.ssoadmin.mfa.cannotDeleteOnlyExistingDevice":  ErrOnlyDevice,
		"error.ssocommon.auth.invalidRequestId":                        ErrRequestState,
		"error.ssocommon.auth.phoneNumberAlreadyEnrolled":              ErrAlreadyEnrolled,
		"error.ssocommon.ssoadmin.mfa.factorAlreadyEnrolled":           ErrAlreadyEnrolled,
		"error.ssocommon.auth.maxAttemptsExceeded":                     ErrTooManyAttempts,
		"error.ssocommon.auth.userLocked":                              ErrUserLocked,
		"error.ssocommon.auth.factorNotEnabled":                        ErrFactorDisabled,
		"error.ssocommon.ssoadmin.mfa.authenticationstatusnotfound.xx": nil,
	} {
		status := 401
		if want == ErrOnlyDevice || want == ErrAlreadyEnrolled || want == ErrRequestState {
			status = 400
		}
		e := &APIError{StatusCode: status, Code: id}
		if want != nil && !errors.Is(e, want) {
			t.Errorf("%s does not match %v", id, want)
		}
		if want != nil && status == 401 && errors.Is(e, ErrUnauthorized) {
			t.Errorf("%s is taken for a refused token", id)
		}
		body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"x",` +
			`"urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error":{"messageId":"` + id + `"}}`
		if got := tokenRejected(myValidatePath, http.Header{}, []byte(body)); got != (want == nil) {
			t.Errorf("%s: tokenRejected = %v", id, got)
		}
	}
	invalidToken := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"Invalid token",` +
		`"urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error":{"messageId":"error.common.common.invalidToken"}}`
	if !tokenRejected(mePath, http.Header{}, []byte(invalidToken)) {
		t.Error("invalidToken is not taken for a refused token")
	}
}

// TestSelfServiceRetries: after a 500 the enroller is sent again (a repeated enrollment
// restarts the pending one), while the validator never resends a passcode: the device's
// status says whether it was accepted.
func TestSelfServiceRetries(t *testing.T) {
	var mu sync.Mutex
	calls := map[string]int{}
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls[r.Method+" "+r.URL.Path]++
		n := calls[r.Method+" "+r.URL.Path]
		mu.Unlock()
		switch {
		case r.URL.Path == myEnrollerPath && n == 1, r.URL.Path == myValidatePath:
			writeJSON(w, 500, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"500","detail":"boom"}`)
		case r.URL.Path == myEnrollerPath:
			writeJSON(w, 201, `{"deviceId":"d1","requestId":"r-0123456789","authnFactors":["SMS"]}`)
		default:
			writeJSON(w, 200, `{"id":"d1","status":"ENROLLED","authenticationFactors":[{"type":"SMS","status":"ENROLLED"}]}`)
		}
	}))
	e, err := c.EnrollMyFactor(context.Background(), MyEnrollRequest{UserID: "u1", Method: MethodSMS, CountryCode: "+44", PhoneNumber: "7700900123"})
	if err != nil || e.DeviceID != "d1" || calls["POST "+myEnrollerPath] != 2 {
		t.Fatalf("enroll after a 500: %+v, %v, %d calls", e, err, calls["POST "+myEnrollerPath])
	}
	v, err := c.ValidateMyFactor(context.Background(), MyValidateRequest{DeviceID: "d1", RequestID: "r-0123456789", OTPCode: "123456", Method: MethodSMS})
	if err != nil || v.Status != ValidationSuccess || calls["POST "+myValidatePath] != 1 || calls["GET "+myDevicesPath+"/d1"] != 1 {
		t.Fatalf("validate after a 500: %+v, %v, calls %v", v, err, calls)
	}
	mu.Lock()
	calls = map[string]int{}
	mu.Unlock()
	_, err = c.EnrollMyFactor(context.Background(), MyEnrollRequest{UserID: "u1", Method: MethodTOTP, DeviceOffline: true})
	if calls["POST "+myEnrollerPath] != 1 || !IsAmbiguous(err) {
		t.Fatalf("an offline TOTP enrollment was sent %d times (err %v); want once, its ambiguous failure returned", calls["POST "+myEnrollerPath], err)
	}
}
