package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

func TestSelfServiceAPI_resolveSelfServiceConfig(t *testing.T) {
	str := types.StringValue
	host := str("https://idcs.example.com")
	cases := []resolveCase{
		{
			name: "username and password imply self-service",
			cfg:  providerModel{Host: host, ClientID: str("me-app"), ClientSecret: str("s"), Username: str("jbloggs"), Password: str("pw")},
			want: providerSettings{Host: "https://idcs.example.com", ClientID: "me-app", ClientSecret: "s", Username: "jbloggs", Password: "pw", SelfService: true},
		},
		{
			name: "everything from the environment",
			env: map[string]string{envHost: "https://idcs.example.com", envClientID: "me-app", envClientSecret: "s",
				envUsername: "jbloggs", envPassword: "pw"},
			want: providerSettings{Host: "https://idcs.example.com", ClientID: "me-app", ClientSecret: "s", Username: "jbloggs", Password: "pw", SelfService: true},
		},
		{
			name: "the client in the block, the user's credentials from the environment",
			cfg:  providerModel{Host: host, ClientID: str("me-app"), ClientSecret: str("s")},
			env:  map[string]string{envUsername: "jbloggs", envPassword: "pw", envAccessToken: "stray"},
			want: providerSettings{Host: "https://idcs.example.com", ClientID: "me-app", ClientSecret: "s", Username: "jbloggs", Password: "pw", SelfService: true},
		},
		{
			name: "a user's access token with self_service",
			cfg:  providerModel{Host: host, AccessToken: str("user-token"), SelfService: types.BoolValue(true)},
			want: providerSettings{Host: "https://idcs.example.com", AccessToken: "user-token", SelfService: true},
		},
		{
			name: "self_service from the environment",
			env:  map[string]string{envHost: "https://idcs.example.com", envAccessToken: "user-token", envSelfService: "true"},
			want: providerSettings{Host: "https://idcs.example.com", AccessToken: "user-token", SelfService: true},
		},
		{
			name:    "password without username",
			cfg:     providerModel{Host: host, ClientID: str("me-app"), ClientSecret: str("s"), Password: str("pw")},
			wantErr: "Missing username",
		},
		{
			name:    "username without password",
			cfg:     providerModel{Host: host, ClientID: str("me-app"), ClientSecret: str("s"), Username: str("jbloggs")},
			wantErr: "Missing password",
		},
		{
			name:    "username without the client",
			cfg:     providerModel{Host: host, Username: str("jbloggs"), Password: str("pw")},
			wantErr: `"Me" app role`,
		},
		{
			name:    "username with an access token",
			cfg:     providerModel{Host: host, AccessToken: str("t"), Username: str("jbloggs"), Password: str("pw")},
			wantErr: "Conflicting provider credentials",
		},
		{
			name:    "self_service with client credentials alone",
			cfg:     providerModel{Host: host, ClientID: str("id"), ClientSecret: str("s"), SelfService: types.BoolValue(true)},
			wantErr: "client credentials give a token of the application, which has no user",
		},
		{
			name:    "self_service unknown",
			cfg:     providerModel{Host: host, AccessToken: str("t"), SelfService: types.BoolUnknown()},
			wantErr: "self_service is not known until apply",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			diags := tc.run(t)
			if tc.wantErr != "" && strings.Contains(fmt.Sprint(diags), "pw") {
				t.Errorf("a diagnostic shows the password: %v", diags)
			}
		})
	}
}

func TestSelfServiceAPI_selfServiceStaticConflicts(t *testing.T) {
	str := types.StringValue
	for name, tc := range map[string]struct {
		cfg  providerModel
		want string
	}{
		"username and access_token": {providerModel{AccessToken: str("t"), Username: str("u")}, "Conflicting provider credentials"},
		"self_service off with username": {providerModel{Username: str("u"), SelfService: types.BoolValue(false)},
			"self_service is false but username or password is set"},
	} {
		if d := validateStaticProviderConfig(tc.cfg); !strings.Contains(fmt.Sprint(d), tc.want) {
			t.Errorf("%s: %v", name, d)
		}
	}
}

// TestRequestToken: the requestState the resources keep is the method and the requestId;
// a /mfa/v1 requestState left by the administrator's mode is an expired request (the
// resources then restart the enrollment), never sent to the validator.
func TestRequestToken(t *testing.T) {
	m, id, err := parseRequestToken(requestToken(client.MethodSMS, "f8ee0085-1091-4eb3:o-o1541112590"))
	if err != nil || m != client.MethodSMS || id != "f8ee0085-1091-4eb3:o-o1541112590" {
		t.Fatalf("round trip: %q %q %v", m, id, err)
	}
	for _, bad := range []string{"", "QK1-request-state-secret", "TOTP:abc", "SMS:"} {
		if _, _, err := parseRequestToken(bad); !errors.Is(err, client.ErrRequestState) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestSelfServiceDeviceStatus(t *testing.T) {
	for in, want := range map[string]string{"INITIATED": client.FactorStatusInitiated, "INPROGRESS": client.FactorStatusInitiated,
		"ENROLLED": client.FactorStatusEnrolled, "locked": "LOCKED"} {
		if got := factorStatus(in); got != want {
			t.Errorf("factorStatus(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSelfServiceHints: each refusal of the self-service mode gets a hint that says what to
// do, and the mode's own refusals are not taken for network trouble.
func TestSelfServiceHints(t *testing.T) {
	forbidden := &client.APIError{StatusCode: 403, Code: "error.common.common.userTokenRequired", Message: "A user token is required."}
	onlyDevice := &client.APIError{StatusCode: 400, Code: "error.ssocommon.ssoadmin.mfa.cannotDeleteOnlyExistingDevice",
		Message: "You cannot delete the device. At least one device is required for 2-Step Verification."}
	phone := &client.APIError{StatusCode: 400, Code: "error.ssocommon.auth.invalidPhoneNumber", Message: "Invalid phone number."}
	userTokenOnMFA := &client.APIError{StatusCode: 401, Code: "AUTH-1034", Message: "You are not authorized to perform this action."}
	for name, tc := range map[string]struct {
		err  error
		want []string
	}{
		"admin token in self-service": {fmt.Errorf("%w: %w", errWrongTokenKind, forbidden),
			[]string{"HTTP 403 error.common.common.userTokenRequired", `"Me"`, "client-credentials token", "remove self_service"}},
		"user token in admin mode": {userTokenOnMFA, []string{"MFA Client", "set self_service = true"}},
		"only device":              {onlyDevice, []string{"At least one device is required", "Enroll another factor first"}},
		"invalid phone":            {phone, []string{"invalidPhoneNumber", "country_code"}},
		"another user": {&errNotCaller{userID: "aa", callerID: "bb", callerName: "jbloggs"},
			[]string{`user_id "aa" is not the signed-in user`, `Set user_id to "bb"`}},
	} {
		got := apiErrorDetail(tc.err)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q missing from\n%s", name, w, got)
			}
		}
		if strings.Contains(got, hintNetwork) {
			t.Errorf("%s: network hint on a refusal:\n%s", name, got)
		}
	}
}

// MyDevices masks an EMAIL device's name as Oracle's device sample does; a read gives back the
// caller's address it masks, and leaves other names alone.
func TestUnmaskedEmail(t *testing.T) {
	emails := []client.MeEmail{{Value: "joe.bloggs@example.com", Primary: true}, {Value: "jb@home.example"}}
	for _, c := range []struct{ name, want string }{
		{"joeXXXXX@example.com", "joe.bloggs@example.com"},
		{"jbXXXXX@home.example", "jb@home.example"},
		{"joe.bloggs@example.com", "joe.bloggs@example.com"},
		{"annXXXXX@example.com", "annXXXXX@example.com"},
		{"+44XXXXXXX123", "+44XXXXXXX123"},
	} {
		if got := unmaskedEmail(c.name, emails); got != c.want {
			t.Errorf("unmaskedEmail(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}
