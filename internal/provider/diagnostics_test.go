package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

func TestDiagnostics_apiErrorDiagnostic(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"user not found", &client.APIError{StatusCode: 404, Code: "AUTH-3018", Message: "User not found.", ECID: "ec1"},
			[]string{"HTTP 404 AUTH-3018: User not found. (ecId ec1).", "Check user_id", "not the OCID"}},
		{"locked", &client.APIError{StatusCode: 401, Code: "AUTH-1010", Message: "Your account is locked."},
			[]string{"AUTH-1010", "Unlock the user", "POST /emulator/v1/users/<user_id>/unlock"}},
		{"too many attempts", &client.APIError{StatusCode: 401, Code: "AUTH-1027", Message: "Too many attempts."},
			[]string{"AUTH-1027", "the user is now locked", "Users > the user > Unlock", "otp_resend_version", "/unlock"}},
		{"factor disabled", &client.APIError{StatusCode: 401, Code: "AUTH-1125", Message: "The SMS factor has been disabled."},
			[]string{"AUTH-1125", "Security > MFA > Factors", "AuthenticationFactorSettings"}},
		{"phone invalid", &client.APIError{StatusCode: 400, Code: "AUTH-1030", Message: "Phone number +1 is invalid."},
			[]string{"AUTH-1030", "Check country_code"}},
		{"phone already enrolled", &client.APIError{StatusCode: 400, Code: "AUTH-1031", Message: "already enrolled"},
			[]string{"AUTH-1031", "import it", "<user_id>/<factor_id>"}},
		{"wrong passcode", &client.APIError{StatusCode: 401, Code: "AUTH-1105", Message: "Invalid passcode."},
			[]string{"AUTH-1105: Invalid passcode.\n", "passcode was wrong"}},
		{"expired request", &client.APIError{StatusCode: 401, Code: "AUTH-1117", Message: "expired"},
			[]string{"AUTH-1117", "new passcode"}},
		{"no role", &client.APIError{StatusCode: 401, Code: "AUTH-1034", Message: "You are not authorized to perform this action."},
			[]string{"AUTH-1034", `"MFA Client" app role`}},
		{"wrapped", fmt.Errorf("enrolling: %w", &client.APIError{StatusCode: 429, Code: "AUTH-429", Message: "Too many requests"}),
			[]string{"HTTP 429", "parallelism"}},
		{"network", errors.New("dial tcp: connection refused"), []string{"connection refused", "reachable"}},
		{"cancelled", context.Canceled, []string{"interrupted"}},
		// Issue 16: an answer lost after a request that changes the service says it may have
		// been carried out, never that host is wrong; a read's does; a call not sent says so.
		{"lost answer", &client.NoAnswerError{Operation: "POST /mfa/v1/users/u/factors", Err: errors.New("connection reset")},
			[]string{"may have been carried out", "not a problem of the configuration or of host"}},
		{"lost 5xx", &client.APIError{StatusCode: 502, Operation: "PATCH /mfa/v1/users/u/factors/f"},
			[]string{"HTTP 502", "may have been carried out"}},
		{"lost read", &client.NoAnswerError{Operation: "GET /mfa/v1/users/u/factors", Err: errors.New("connection reset")},
			[]string{"connection reset", "A read changes nothing"}},
		{"not sent", fmt.Errorf("POST /mfa/v1/users/u/factors: %w (%w)", client.ErrNotSent, context.Canceled),
			[]string{"Not sent", "nothing was changed"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := apiErrorDiagnostic("Summary", tc.err)
			if strings.Contains(d.Detail(), "may have been carried out") && strings.Contains(d.Detail(), "reachable") {
				t.Errorf("detail both says the request may have been carried out and blames host:\n%s", d.Detail())
			}
			if strings.Contains(d.Detail(), "..") {
				t.Errorf("detail has a doubled full stop:\n%s", d.Detail())
			}
			if d.Summary() != "Summary" {
				t.Errorf("summary = %q", d.Summary())
			}
			for _, w := range tc.want {
				if !strings.Contains(d.Detail(), w) {
					t.Errorf("detail lacks %q:\n%s", w, d.Detail())
				}
			}
		})
	}
}

// TestProvider_selfServiceHintsAdviseNothingInEffect: a 401 or 403 of a self-service call
// (which only the self-service mode makes) is told about the user's token and the Me role,
// never to set self_service = true, which is in effect; the same answers of /mfa/v1 (the
// administrator's mode) keep that advice.
func TestDiagnostics_selfServiceHintsAdviseNothingInEffect(t *testing.T) {
	for _, op := range []string{"GET /admin/v1/MyDevices", "GET /admin/v1/Me", "POST /admin/v1/MyAuthenticationFactorInitiator"} {
		for _, status := range []int{401, 403} {
			d := apiErrorDetail(&client.APIError{StatusCode: status, Operation: op, Message: "Not allowed."})
			if strings.Contains(d, "self_service = true") || !strings.Contains(d, `"Me" app role`) {
				t.Errorf("%s HTTP %d: %s", op, status, d)
			}
		}
	}
	if d := apiErrorDetail(&client.APIError{StatusCode: 401, Operation: "GET /mfa/v1/users/u/factors"}); !strings.Contains(d, "self_service = true") {
		t.Errorf("a 401 of /mfa/v1 lost the advice for a user's token: %s", d)
	}
}

// TestProvider_tokenRefusalReportedOnce: the client hands every call of a run the same
// refusal; the first rendering says it in full, naming the grant and what to check, the
// others say in one sentence that the credentials were not sent again. The password grant's
// text speaks of username and password, not of client credentials and roles.
func TestDiagnostics_tokenRefusalReportedOnce(t *testing.T) {
	refusal := tokenRefusal(t, "alice", 400, `{"error":"invalid_grant","error_description":"Invalid user credentials."}`)
	first, second := apiErrorDetail(refusal), apiErrorDetail(refusal)
	for _, want := range []string{"password grant", "HTTP 400 invalid_grant", "Check username and password", "IDCS_PASSWORD"} {
		if !strings.Contains(first, want) {
			t.Errorf("the first report lacks %q: %s", want, first)
		}
	}
	if strings.Contains(first, "MFA Client") || strings.Contains(first, "client credentials grant") {
		t.Errorf("the password grant's refusal speaks of the client credentials grant: %s", first)
	}
	if !strings.HasPrefix(second, "Not sent: ") || strings.Contains(second, "Check username") {
		t.Errorf("the second report is not the one-line reference: %s", second)
	}
	other := tokenRefusal(t, "", 401, `{"error":"invalid_client","error_description":"Client authentication failed."}`)
	if d := apiErrorDetail(other); !strings.Contains(d, "client credentials grant") || !strings.Contains(d, "Check client_id and client_secret") {
		t.Errorf("another run's refusal is not reported in full: %s", d)
	}
}

// invalid_client in the password grant is the application's secret, not the user's password:
// the hint names client_id and client_secret and leaves the password alone (new-user trial).
func TestDiagnostics_passwordGrantInvalidClientNamesTheApplication(t *testing.T) {
	refusal := tokenRefusal(t, "alice", 401, `{"error":"invalid_client","error_description":"Client authentication failed."}`)
	d := apiErrorDiagnostic("Could not enroll", refusal)
	if !strings.Contains(d.Summary(), "refused the provider's credentials (") {
		t.Errorf("summary %q does not name the refused credentials", d.Summary())
	}
	for _, want := range []string{"invalid_client", "client_id and client_secret", "IDCS_CLIENT_SECRET"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("the detail lacks %q: %s", want, d.Detail())
		}
	}
	if strings.Contains(d.Detail(), "Check username and password") {
		t.Errorf("the application's refusal blames the user's password: %s", d.Detail())
	}
}

// A self-service enrollment the domain's userEnrollmentDisabledFactors refuses is explained by
// that setting, not by the user's token (new-user trial).
func TestDiagnostics_userEnrollmentDisabledIsNotATokenProblem(t *testing.T) {
	err := &client.APIError{StatusCode: 401, Code: "error.ssocommon.auth.factorNotEnabledForUserEnrollment",
		Message: "Users of this domain may not enroll the SMS factor themselves."}
	hint := apiErrorHint(err)
	if !strings.Contains(hint, "userEnrollmentDisabledFactors") || strings.Contains(hint, "token") {
		t.Errorf("hint %q", hint)
	}
}

// tokenRefusal is the error of a client whose token request the service refuses with status
// and body: the password grant for username, else client credentials.
func tokenRefusal(t *testing.T, username string, status int, body string) error {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	cfg := client.Config{Host: srv.URL, ClientID: "app", ClientSecret: "secret", RetryMax: -1}
	if username != "" {
		cfg.Username, cfg.Password = username, "not-the-password"
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Me(t.Context())
	if !errors.Is(err, client.ErrTokenRefused) {
		t.Fatalf("want a token refusal, got %v", err)
	}
	return err
}
