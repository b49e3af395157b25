package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// memPrivate is a private-state store for unit tests with the framework's semantics: an
// empty value removes the key.
type memPrivate map[string][]byte

func (m memPrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return m[key], nil
}

func (m memPrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if len(value) == 0 {
		delete(m, key)
		return nil
	}
	m[key] = value
	return nil
}

func TestProvider_factorPrivateStateRoundTrip(t *testing.T) {
	ctx := context.Background()
	store := memPrivate{}
	issued := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if d := writeEnrollment(ctx, store, "opaque-state", issued); d.HasError() {
		t.Fatal(d)
	}
	got, _ := readEnrollment(ctx, store)
	if got.RequestState != "opaque-state" || !got.IssuedAt.Equal(issued) {
		t.Fatalf("read back %+v", got)
	}
	if got.olderThan(issued.Add(9*time.Minute), requestStateMaxAge) {
		t.Error("a 9-minute-old requestState counts as expired")
	}
	if !got.olderThan(issued.Add(11*time.Minute), requestStateMaxAge) {
		t.Error("an 11-minute-old requestState does not count as expired")
	}
	if d := clearEnrollment(ctx, store); d.HasError() {
		t.Fatal(d)
	}
	if got, _ := readEnrollment(ctx, store); got.usable() {
		t.Fatalf("cleared enrollment still usable: %+v", got)
	}
	// Undecodable private state means "no requestState": the enrollment restarts.
	store[privateKeyEnrollment] = []byte(`"not an object"`)
	if got, _ := readEnrollment(ctx, store); got.usable() {
		t.Fatal("garbage private state is usable")
	}
}

// TestAccEmailFactor_privateStateOnlyWhilePending drives the email factor through the provider's
// gRPC surface against the emulator and inspects what Terraform would write: the requestState
// is in private state only while the factor is pending, and never in the state attributes.
func TestAccEmailFactor_privateStateOnlyWhilePending(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	env.requireEmulator(t, "reading the passcode from the outbox")
	userID := env.newUser(t)

	srv := providerserver.NewProtocol6(New("test")())()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("schema: %v %v", err, schemas.Diagnostics)
	}
	providerType := schemas.Provider.ValueType()
	cfg, _ := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, map[string]tftypes.Value{
		"host":          tftypes.NewValue(tftypes.String, env.Host),
		"client_id":     tftypes.NewValue(tftypes.String, env.ClientID),
		"client_secret": tftypes.NewValue(tftypes.String, env.ClientSecret),
		"access_token":  tftypes.NewValue(tftypes.String, nil),
	}))
	if resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg}); err != nil || hasErrors(resp.Diagnostics) {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}

	const typeName = "idcsmfa_email_factor"
	resType := schemas.ResourceSchemas[typeName].ValueType()
	objType, ok := resType.(tftypes.Object)
	if !ok {
		t.Fatalf("resource type is %T", resType)
	}
	object := func(set map[string]tftypes.Value) tftypes.Value {
		vals := map[string]tftypes.Value{}
		for name, typ := range objType.AttributeTypes {
			if v, ok := set[name]; ok {
				vals[name] = v
			} else {
				vals[name] = tftypes.NewValue(typ, nil)
			}
		}
		return tftypes.NewValue(objType, vals)
	}
	dv := func(v tftypes.Value) *tfprotov6.DynamicValue {
		d, err := tfprotov6.NewDynamicValue(resType, v)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	null := dv(tftypes.NewValue(resType, nil))
	apply := func(prior *tfprotov6.DynamicValue, priorPrivate []byte, config tftypes.Value, proposed tftypes.Value) (tftypes.Value, []byte) {
		t.Helper()
		plan, err := srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
			TypeName: typeName, PriorState: prior, ProposedNewState: dv(proposed), Config: dv(config), PriorPrivate: priorPrivate,
		})
		if err != nil || hasErrors(plan.Diagnostics) {
			t.Fatalf("plan: %v %v", err, plan.Diagnostics)
		}
		res, err := srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
			TypeName: typeName, PriorState: prior, PlannedState: plan.PlannedState, Config: dv(config), PlannedPrivate: plan.PlannedPrivate,
		})
		if err != nil || hasErrors(res.Diagnostics) {
			t.Fatalf("apply: %v %v", err, res.Diagnostics)
		}
		state, err := res.NewState.Unmarshal(resType)
		if err != nil {
			t.Fatal(err)
		}
		return state, res.Private
	}

	// Create: pending, requestState in private state only.
	createCfg := object(map[string]tftypes.Value{"user_id": tftypes.NewValue(tftypes.String, userID)})
	state, private := apply(null, nil, createCfg, createCfg)
	rs := privateRequestState(t, private)
	if rs == "" {
		t.Fatalf("no requestState in private state after create: %s", private)
	}
	assertNotInState(t, state, rs)
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var factorID string
	_ = attrs["factor_id"].As(&factorID)

	// Update with the passcode: enrolled, private state cleared.
	otp := env.otp(t, userID, factorID)
	activateCfg := object(map[string]tftypes.Value{
		"user_id":             tftypes.NewValue(tftypes.String, userID),
		"otp_code_wo":         tftypes.NewValue(tftypes.String, otp),
		"otp_code_wo_version": tftypes.NewValue(tftypes.Number, 1),
	})
	proposed := map[string]tftypes.Value{}
	for k, v := range attrs {
		proposed[k] = v
	}
	proposed["otp_code_wo_version"] = tftypes.NewValue(tftypes.Number, 1)
	state, private = apply(dv(state), private, activateCfg, object(proposed))
	var status string
	_ = mustAttrs(t, state)["status"].As(&status)
	if status != "ENROLLED" {
		t.Fatalf("status after activation = %q", status)
	}
	if got := privateRequestState(t, private); got != "" {
		t.Fatalf("private state still holds a requestState after enrollment")
	}
	assertNotInState(t, state, rs, otp)
}

func hasErrors(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func mustAttrs(t *testing.T, v tftypes.Value) map[string]tftypes.Value {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs
}

// privateRequestState decodes the framework's private-state encoding (a JSON object of
// base64 values) and returns the stored requestState, or "".
func privateRequestState(t *testing.T, private []byte) string {
	t.Helper()
	if len(private) == 0 {
		return ""
	}
	var keys map[string][]byte
	if err := json.Unmarshal(private, &keys); err != nil {
		t.Fatalf("private state is not the framework's encoding: %s", err)
	}
	var e enrollmentPrivate
	if raw, ok := keys[privateKeyEnrollment]; ok {
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("enrollment private state: %s", err)
		}
	}
	return e.RequestState
}

func assertNotInState(t *testing.T, state tftypes.Value, secrets ...string) {
	t.Helper()
	_ = tftypes.Walk(state, func(p *tftypes.AttributePath, v tftypes.Value) (bool, error) {
		if v.Type().Is(tftypes.String) && v.IsKnown() && !v.IsNull() {
			var s string
			_ = v.As(&s)
			for _, secret := range secrets {
				if secret != "" && strings.Contains(s, secret) {
					t.Errorf("state attribute %s holds a secret", p)
				}
			}
		}
		return true, nil
	})
}
