package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// credential is one credential attribute of the provider block and its environment variable.
type credential struct {
	attr, env string
	field     func(*providerModel) *types.String
	got       func(providerSettings) string
}

var credentials = []credential{
	{attrClientID, envClientID, func(m *providerModel) *types.String { return &m.ClientID }, func(s providerSettings) string { return s.ClientID }},
	{attrClientSecret, envClientSecret, func(m *providerModel) *types.String { return &m.ClientSecret }, func(s providerSettings) string { return s.ClientSecret }},
	{attrAccessToken, envAccessToken, func(m *providerModel) *types.String { return &m.AccessToken }, func(s providerSettings) string { return s.AccessToken }},
	{attrUsername, envUsername, func(m *providerModel) *types.String { return &m.Username }, func(s providerSettings) string { return s.Username }},
	{attrPassword, envPassword, func(m *providerModel) *types.String { return &m.Password }, func(s providerSettings) string { return s.Password }},
}

// Where a credential is set in one point of the matrix.
const (
	nowhere = iota
	inBlockOnly
	inEnvOnly
	inBoth
)

// matrixPoint is one combination: where each credential is set, and self_service.
type matrixPoint struct {
	where []int  // by credentials index
	mode  string // "", "block=true", "block=false", "env=true", "env=false"
}

func (p matrixPoint) String() string {
	var parts []string
	for i, c := range credentials {
		switch p.where[i] {
		case inBlockOnly:
			parts = append(parts, c.attr)
		case inEnvOnly:
			parts = append(parts, c.env)
		case inBoth:
			parts = append(parts, c.attr+"+"+c.env)
		}
	}
	if p.mode != "" {
		parts = append(parts, "self_service "+p.mode)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// blockValue and envValue tell apart where a resolved value came from.
func blockValue(c credential) string { return "block-" + c.attr }
func envValue(c credential) string   { return "env-" + c.attr }

func (p matrixPoint) inputs() (providerModel, map[string]string) {
	cfg := providerModel{Host: types.StringValue("https://idcs.example.com"), ClientID: types.StringNull(),
		ClientSecret: types.StringNull(), AccessToken: types.StringNull(), Username: types.StringNull(),
		Password: types.StringNull(), SelfService: types.BoolNull()}
	env := map[string]string{}
	for i, c := range credentials {
		if p.where[i] == inBlockOnly || p.where[i] == inBoth {
			*c.field(&cfg) = types.StringValue(blockValue(c))
		}
		if p.where[i] == inEnvOnly || p.where[i] == inBoth {
			env[c.env] = envValue(c)
		}
	}
	switch p.mode {
	case "block=true", "block=false":
		cfg.SelfService = types.BoolValue(p.mode == "block=true")
	case "env=true", "env=false":
		env[envSelfService] = strings.TrimPrefix(p.mode, "env=")
	}
	return cfg, env
}

// resolve runs what the provider runs on a configuration: the static check, then Configure's.
func resolve(cfg providerModel, env map[string]string) (providerSettings, diag.Diagnostics) {
	diags := validateStaticProviderConfig(cfg)
	s, d := resolveProviderConfig(cfg, func(k string) string { return env[k] })
	diags.Append(d...)
	return s, diags
}

func allMatrixPoints() []matrixPoint {
	var out []matrixPoint
	n := len(credentials)
	total := 1
	for range n {
		total *= 4
	}
	for code := range total {
		where := make([]int, n)
		for i, c := 0, code; i < n; i, c = i+1, c/4 {
			where[i] = c % 4
		}
		for _, mode := range []string{"", "block=true", "block=false", "env=true", "env=false"} {
			out = append(out, matrixPoint{where: where, mode: mode})
		}
	}
	return out
}

// remedies are the environment variables each "missing" error tells the user to set.
var remedies = map[string][]string{
	"Missing client_secret": {envClientSecret},
	"Missing client_id":     {envClientID},
	"Missing password":      {envPassword},
	"Missing username":      {envUsername},
	"Missing client credentials for the password grant":  {envClientID, envClientSecret},
	"Missing the user's credentials":                     {envUsername, envPassword},
	"Missing provider credentials":                       {envClientID, envClientSecret},
	"Missing provider credentials (the token it offers)": {envAccessToken},
}

// TestProvider_credentialsMatrix runs every combination of the five credentials (absent, in
// the block, in the environment, in both) and self_service (absent, true or false, in the
// block or the environment): 5,120 configurations. In each:
//   - a value in the block wins, and an environment value is used only where the block does
//     not set the attribute;
//   - a configuration without error is one the client accepts, in the mode its credentials
//     mean (a username is self-service; self-service has a user's credentials);
//   - every "Missing ..." error is repaired by the environment variables it names: the
//     message never points at a variable the provider would ignore (issue 25, item 4b).
func TestProvider_credentialsMatrix(t *testing.T) {
	points := allMatrixPoints()
	for _, p := range points {
		cfg, env := p.inputs()
		s, diags := resolve(cfg, env)
		for i, c := range credentials {
			got := c.got(s)
			switch {
			case (p.where[i] == inBlockOnly || p.where[i] == inBoth) && got != blockValue(c):
				t.Errorf("%s: %s = %q, want the block's value", p, c.attr, got)
			case p.where[i] == nowhere && got != "":
				t.Errorf("%s: %s = %q though set nowhere", p, c.attr, got)
			}
		}
		if !diags.HasError() {
			if _, err := client.New(client.Config{Host: s.Host, ClientID: s.ClientID, ClientSecret: s.ClientSecret,
				AccessToken: s.AccessToken, Username: s.Username, Password: s.Password}); err != nil {
				t.Errorf("%s: resolved without error, but the client refuses it: %s", p, err)
			}
			if s.Username != "" && !s.SelfService {
				t.Errorf("%s: a username in the administrator's mode", p)
			}
			if s.SelfService && s.Username == "" && s.AccessToken == "" {
				t.Errorf("%s: self-service without a user's credentials", p)
			}
			continue
		}
		for _, d := range diags.Errors() {
			fix, ok := remedies[d.Summary()]
			if !ok {
				continue
			}
			if d.Summary() == "Missing provider credentials" {
				// It offers two ways; check both.
				checkRemedy(t, p, cfg, env, d, fix)
				checkRemedy(t, p, cfg, env, d, remedies["Missing provider credentials (the token it offers)"])
				continue
			}
			checkRemedy(t, p, cfg, env, d, fix)
		}
	}
	t.Logf("%d configurations", len(points))
}

// checkRemedy sets the environment variables a "missing" error names and checks that the
// error is gone.
func checkRemedy(t *testing.T, p matrixPoint, cfg providerModel, env map[string]string, d diag.Diagnostic, vars []string) {
	t.Helper()
	for _, v := range vars {
		if !strings.Contains(d.Detail(), v) {
			t.Errorf("%s: %q does not name %s", p, d.Summary(), v)
		}
	}
	fixed := map[string]string{}
	for k, v := range env {
		fixed[k] = v
	}
	for _, v := range vars {
		if fixed[v] == "" {
			fixed[v] = "fixed-" + v
		}
	}
	_, after := resolve(cfg, fixed)
	for _, e := range after.Errors() {
		if e.Summary() == d.Summary() {
			t.Errorf("%s: %q says to set %s, but with it set the error stays:\n%s", p, d.Summary(),
				strings.Join(vars, " and "), fmt.Sprint(after))
			return
		}
	}
}

// TestProvider_credentialsFromBothPlaces: the combinations people use, with their outcome.
func TestProvider_credentialsFromBothPlaces(t *testing.T) {
	str, null := types.StringValue, types.StringNull()
	host := str("https://idcs.example.com")
	base := func() providerModel {
		return providerModel{Host: host, ClientID: null, ClientSecret: null, AccessToken: null, Username: null, Password: null}
	}
	with := func(mod func(*providerModel)) providerModel { m := base(); mod(&m); return m }
	cases := []struct {
		name string
		cfg  providerModel
		env  map[string]string
		want providerSettings
	}{
		{
			// Issue 25, item 4b: the common setup, no password in a file.
			name: "username and password in the block, the Me-role application in the environment",
			cfg:  with(func(m *providerModel) { m.Username, m.Password = str("alice"), str("pw") }),
			env:  map[string]string{envClientID: "me-app", envClientSecret: "s"},
			want: providerSettings{Host: "https://idcs.example.com", ClientID: "me-app", ClientSecret: "s", Username: "alice", Password: "pw", SelfService: true},
		},
		{
			name: "username in the block, everything else in the environment",
			cfg:  with(func(m *providerModel) { m.Username = str("alice") }),
			env:  map[string]string{envClientID: "me-app", envClientSecret: "s", envPassword: "pw", envAccessToken: "stray"},
			want: providerSettings{Host: "https://idcs.example.com", ClientID: "me-app", ClientSecret: "s", Username: "alice", Password: "pw", SelfService: true},
		},
		{
			name: "client_id in the block, its secret in the environment",
			cfg:  with(func(m *providerModel) { m.ClientID = str("app") }),
			env:  map[string]string{envClientSecret: "s"},
			want: providerSettings{Host: "https://idcs.example.com", ClientID: "app", ClientSecret: "s"},
		},
		{
			name: "an access token in the block shadows every other credential of the environment",
			cfg:  with(func(m *providerModel) { m.AccessToken = str("tok") }),
			env:  map[string]string{envClientID: "app", envClientSecret: "s", envUsername: "alice", envPassword: "pw"},
			want: providerSettings{Host: "https://idcs.example.com", AccessToken: "tok"},
		},
		{
			name: "self_service = false ignores a user's credentials in the environment",
			cfg:  with(func(m *providerModel) { m.SelfService = types.BoolValue(false) }),
			env:  map[string]string{envClientID: "app", envClientSecret: "s", envUsername: "alice", envPassword: "pw"},
			want: providerSettings{Host: "https://idcs.example.com", ClientID: "app", ClientSecret: "s"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, diags := resolve(tc.cfg, tc.env)
			if diags.HasError() {
				t.Fatalf("unexpected error: %v", diags)
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// resolveCase is one case of resolveProviderConfig: a provider block and its environment, and
// the settings they resolve to or the error they report.
type resolveCase struct {
	name    string
	cfg     providerModel
	env     map[string]string
	want    providerSettings
	wantErr string
}

// run resolves the case and fails the test unless it reports an error containing wantErr
// (when set) or resolves to want without an error. It returns the diagnostics, for the
// checks a test adds.
func (tc resolveCase) run(t *testing.T) diag.Diagnostics {
	t.Helper()
	got, diags := resolveProviderConfig(tc.cfg, func(k string) string { return tc.env[k] })
	if tc.wantErr != "" {
		if !diags.HasError() || !strings.Contains(fmt.Sprint(diags), tc.wantErr) {
			t.Fatalf("want an error containing %q, got %v", tc.wantErr, diags)
		}
		return diags
	}
	if diags.HasError() {
		t.Fatalf("unexpected error: %v", diags)
	}
	if got != tc.want {
		t.Fatalf("got %+v, want %+v", got, tc.want)
	}
	return diags
}
