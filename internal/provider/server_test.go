package provider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// The refresh shortcuts must answer exactly as the framework would. Each test below sends the
// same request to the shortcut server and to the framework server inside it, and compares the
// answers; the cases where the shortcut must not fire are ones where echoing the state would
// give a different answer, so a shortcut that fired wrongly fails the comparison.

func TestReadShortcut_answersAsTheFrameworkWould(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	userID := env.newUser(t)
	enrolled, err := env.Client.Enroll(ctx, userID, client.EnrollRequest{Method: client.MethodEmail, SkipVerification: true})
	if err != nil {
		t.Fatal(err)
	}
	h := newProtoHarness(t, env.Host, env, "idcsmfa_email_factor")

	list, err := env.Client.ListFactors(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	listed := findFactor(list, enrolled.FactorID)
	if listed == nil || listed.DisplayName == "" {
		t.Fatalf("the enrolled factor is not listed with a display name: %+v", list)
	}
	current := map[string]tftypes.Value{
		"id":                  tftypes.NewValue(tftypes.String, userID+"/"+enrolled.FactorID),
		"user_id":             tftypes.NewValue(tftypes.String, userID),
		"factor_id":           tftypes.NewValue(tftypes.String, enrolled.FactorID),
		"status":              tftypes.NewValue(tftypes.String, client.FactorStatusEnrolled),
		"display_name":        tftypes.NewValue(tftypes.String, listed.DisplayName),
		"methods":             stringListValue(listed.Methods...),
		"skip_verification":   tftypes.NewValue(tftypes.Bool, true),
		"otp_code_wo_version": tftypes.NewValue(tftypes.Number, 1),
	}
	with := func(name string, v tftypes.Value) map[string]tftypes.Value {
		out := map[string]tftypes.Value{}
		for k, val := range current {
			out[k] = val
		}
		out[name] = v
		return out
	}
	importedPrivate, _ := json.Marshal(map[string][]byte{privateKeyImported: []byte(`true`)})

	cases := []struct {
		name     string
		state    map[string]tftypes.Value
		private  []byte
		shortcut bool
	}{
		{"enrolled and listed unchanged", current, nil, true},
		{"listing shows other methods", with("methods", stringListValue("EMAIL", "PUSH")), nil, false},
		{"id not user/factor", with("id", tftypes.NewValue(tftypes.String, "x/y")), nil, false},
		{"a passcode in state", with("otp_code_wo", tftypes.NewValue(tftypes.String, "123456")), nil, false},
		{"imported", current, importedPrivate, false},
		{"pending", with("status", tftypes.NewValue(tftypes.String, client.FactorStatusInitiated)), nil, false},
		{"no display name", with("display_name", tftypes.NewValue(tftypes.String, "")), nil, false},
		{"not listed (another id)", with("factor_id", tftypes.NewValue(tftypes.String, "0123456789abcdef0123456789abcdef")), nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.assertReadShortcut(t, h.object(tc.state), tc.private, tc.shortcut)
		})
	}

	t.Run("an identity in the request", func(t *testing.T) {
		id := h.dv(h.object(current))
		req := &tfprotov6.ReadResourceRequest{TypeName: h.typeName, CurrentState: id,
			CurrentIdentity: &tfprotov6.ResourceIdentityData{IdentityData: id}}
		if h.srv.(*server).readsUnchanged(ctx, req) {
			t.Fatal("shortcut taken for a request with an identity")
		}
	})

	t.Run("provider not configured", func(t *testing.T) {
		fresh, err := NewProtocol6Server("test")()
		if err != nil {
			t.Fatal(err)
		}
		req := &tfprotov6.ReadResourceRequest{TypeName: h.typeName, CurrentState: h.dv(h.object(current))}
		if fresh.(*server).readsUnchanged(ctx, req) {
			t.Fatal("shortcut taken before ConfigureProvider")
		}
	})
}

func TestUpgradeShortcut_answersAsTheFrameworkWould(t *testing.T) {
	ctx := context.Background()
	s, err := NewProtocol6Server("test")()
	if err != nil {
		t.Fatal(err)
	}
	srv := s.(*server)
	info, ok := srv.resourceSchema(ctx, "idcsmfa_sms_factor")
	if !ok || !info.flat {
		t.Fatalf("sms factor schema: %+v %v", info, ok)
	}
	full := `{"id":"u/f","user_id":"u","factor_id":"f","status":"ENROLLED","display_name":"+44XXXXXXX123",` +
		`"methods":["SMS"],"skip_verification":false,"otp_code_wo":null,"otp_code_wo_version":2,` +
		`"otp_resend_version":null,"country_code":"+44","mobile_number":"7700900123"}`

	cases := []struct {
		name        string
		typeName    string
		version     int64
		json        string
		passthrough bool
	}{
		{"current state", "idcsmfa_sms_factor", 0, full, true},
		{"attributes missing (null)", "idcsmfa_sms_factor", 0, `{"id":"u/f","user_id":"u","methods":["SMS"]}`, true},
		{"an attribute the schema does not have", "idcsmfa_sms_factor", 0, `{"id":"u/f","user_id":"u","legacy":"x"}`, false},
		{"a duplicated key", "idcsmfa_sms_factor", 0, `{"id":"a","id":"b"}`, false},
		{"text after the object", "idcsmfa_sms_factor", 0, `{"id":"a"} {}`, false},
		{"not an object", "idcsmfa_sms_factor", 0, `["id"]`, false},
		{"an older schema version", "idcsmfa_sms_factor", 1, full, false},
		{"a nested schema", "idcsmfa_factor_activation", 0, `{"id":"x"}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := &tfprotov6.UpgradeResourceStateRequest{
				TypeName: tc.typeName, Version: tc.version, RawState: &tfprotov6.RawState{JSON: []byte(tc.json)},
			}
			short, err := srv.UpgradeResourceState(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			took := short.UpgradedState != nil && short.UpgradedState.JSON != nil
			if took != tc.passthrough {
				t.Fatalf("passthrough = %v, want %v (diagnostics %v)", took, tc.passthrough, diagText(short.Diagnostics))
			}
			if !tc.passthrough {
				return
			}
			framework, err := srv.frameworkServer.UpgradeResourceState(ctx, req)
			if err != nil || hasErrors(framework.Diagnostics) {
				t.Fatalf("framework: %v %s", err, diagText(framework.Diagnostics))
			}
			want, err := framework.UpgradedState.Unmarshal(info.stateType)
			if err != nil {
				t.Fatal(err)
			}
			// Terraform decodes the JSON against the schema; tftypes does the same here.
			got, err := short.UpgradedState.Unmarshal(info.stateType)
			if err != nil {
				t.Fatalf("the passed-through JSON does not decode against the schema: %v", err)
			}
			if !got.Equal(want) {
				t.Fatalf("passthrough gives %s, the framework %s", got, want)
			}
		})
	}
}

// assertReadShortcut checks whether a refresh of state takes the read shortcut, and that its
// answer is the framework's either way.
func (h *protoHarness) assertReadShortcut(t *testing.T, state tftypes.Value, private []byte, want bool) {
	t.Helper()
	srv := h.srv.(*server)
	req := &tfprotov6.ReadResourceRequest{TypeName: h.typeName, CurrentState: h.dv(state), Private: private}
	if got := srv.readsUnchanged(context.Background(), req); got != want {
		t.Fatalf("read shortcut taken = %v, want %v", got, want)
	}
	short, err := srv.ReadResource(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	framework, err := srv.frameworkServer.ReadResource(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	h.assertSameRead(t, short, framework)
}

func (h *protoHarness) assertSameRead(t *testing.T, short, framework *tfprotov6.ReadResourceResponse) {
	t.Helper()
	if diagText(short.Diagnostics) != diagText(framework.Diagnostics) {
		t.Fatalf("diagnostics differ:\nshortcut:  %s\nframework: %s", diagText(short.Diagnostics), diagText(framework.Diagnostics))
	}
	got, err := short.NewState.Unmarshal(h.resType)
	if err != nil {
		t.Fatal(err)
	}
	want, err := framework.NewState.Unmarshal(h.resType)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(want) {
		t.Fatalf("new state differs:\nshortcut:  %s\nframework: %s", got, want)
	}
	if string(short.Private) != string(framework.Private) {
		t.Fatalf("private state differs: shortcut %q, framework %q", short.Private, framework.Private)
	}
}

func stringListValue(values ...string) tftypes.Value {
	elems := make([]tftypes.Value, len(values))
	for i, v := range values {
		elems[i] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, elems)
}
