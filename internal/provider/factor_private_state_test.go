package provider

import (
	"context"
	"encoding/json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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

func TestFactorPrivateState_roundTrip(t *testing.T) {
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

// TestAccFactorPrivateState_privateStateOnlyWhilePending drives the email factor through the provider's
// gRPC surface against the emulator and inspects what Terraform would write: the requestState
// is in private state only while the factor is pending, and never in the state attributes.
func TestAccFactorPrivateState_privateStateOnlyWhilePending(t *testing.T) {
	// Create: pending, requestState in private state only.
	h, env, userID, state, private := newPendingEmailFactor(t, nil)
	rs := privateRequestState(t, private)
	if rs == "" {
		t.Fatalf("no requestState in private state after create: %s", private)
	}
	assertNotInState(t, state, rs)
	attrs := mustAttrs(t, state)
	var factorID string
	_ = attrs["factor_id"].As(&factorID)
	h.assertReadKeeps(t, state, private) // pending: read with its own request (E4)

	// Update with the passcode: enrolled, private state cleared.
	otp := env.otp(t, userID, factorID)
	activateCfg := h.object(map[string]tftypes.Value{
		"user_id":             tftypes.NewValue(tftypes.String, userID),
		"otp_code_wo":         tftypes.NewValue(tftypes.String, otp),
		"otp_code_wo_version": tftypes.NewValue(tftypes.Number, 1),
	})
	state, private = h.mustApply(h.dv(state), private, activateCfg, withAttr(attrs, "otp_code_wo_version", tftypes.NewValue(tftypes.Number, 1)))
	var status string
	_ = mustAttrs(t, state)["status"].As(&status)
	if status != "ENROLLED" {
		t.Fatalf("status after activation = %q", status)
	}
	if got := privateRequestState(t, private); got != "" {
		t.Fatalf("private state still holds a requestState after enrollment")
	}
	assertNotInState(t, state, rs, otp)
	// Nothing private is left, so the enrolled factor is refreshed from its user's listing.
	if len(private) != 0 {
		t.Fatalf("private state after activation = %q, want none", private)
	}
	h.assertReadKeeps(t, state, private)
}

// TestAccFactorPrivateState_planWarnsWhenEnrollmentWillRestart checks the plan-time warning for a
// missing or old requestState, and its absence for a fresh one.
func TestAccFactorPrivateState_planWarnsWhenEnrollmentWillRestart(t *testing.T) {
	h, env, userID, state, private := newPendingEmailFactor(t, nil)

	resendCfg := h.object(map[string]tftypes.Value{
		"user_id":            tftypes.NewValue(tftypes.String, userID),
		"otp_resend_version": tftypes.NewValue(tftypes.Number, 1),
	})
	proposed := withAttr(mustAttrs(t, state), "otp_resend_version", tftypes.NewValue(tftypes.Number, 1))
	old, _ := json.Marshal(map[string][]byte{privateKeyEnrollment: mustJSON(t, enrollmentPrivate{
		RequestState: "whatever", IssuedAt: time.Now().Add(-time.Hour),
	})})
	for _, tc := range []struct {
		name    string
		private []byte
		warn    string
	}{
		{"fresh requestState", private, ""},
		{"no requestState", nil, "No enrollment request is stored"},
		{"old requestState", old, "more than 10m0s ago"},
	} {
		resp := h.plan(h.dv(state), tc.private, resendCfg, proposed)
		if hasErrors(resp.Diagnostics) {
			t.Fatalf("%s: plan failed: %v", tc.name, resp.Diagnostics)
		}
		got := warningDetail(resp.Diagnostics, "The enrollment will be restarted")
		checkWarning(t, tc.name, got, tc.warn)
	}

	// A replacement enrolls a new factor: no warning about the old enrollment.
	other := tftypes.NewValue(tftypes.String, env.newUser(t))
	replaceCfg := h.object(map[string]tftypes.Value{"user_id": other, "otp_resend_version": tftypes.NewValue(tftypes.Number, 1)})
	resp := h.plan(h.dv(state), nil, replaceCfg, withAttr(mustAttrs(t, proposed), "user_id", other))
	for _, d := range resp.Diagnostics {
		if d.Summary == "The enrollment will be restarted" {
			t.Errorf("a replacement warns that the old enrollment restarts")
		}
	}
	if len(resp.RequiresReplace) == 0 {
		t.Errorf("changing user_id does not plan a replacement")
	}
}

// TestAccFactorPrivateState_planWarnsPasscodeNotSubmitted plans through the provider's gRPC surface:
// a passcode with an unchanged otp_code_wo_version warns for a pending factor only, and a
// changed version (which submits it) does not warn.
func TestAccFactorPrivateState_planWarnsPasscodeNotSubmitted(t *testing.T) {
	const summary = "Passcode not submitted: otp_code_wo_version unchanged"
	version := func(v int) tftypes.Value { return tftypes.NewValue(tftypes.Number, v) }
	h, _, userID, pending, private := newPendingEmailFactor(t, map[string]tftypes.Value{"otp_code_wo_version": version(1)})
	enrolled := withAttr(mustAttrs(t, pending), "status", tftypes.NewValue(tftypes.String, "ENROLLED"))
	withCode := func(v int) tftypes.Value {
		return h.object(map[string]tftypes.Value{"user_id": tftypes.NewValue(tftypes.String, userID),
			"otp_code_wo": tftypes.NewValue(tftypes.String, "123456"), "otp_code_wo_version": version(v)})
	}
	for _, tc := range []struct {
		name     string
		prior    tftypes.Value
		cfg      tftypes.Value
		proposed tftypes.Value
		detail   string // "" when no warning is wanted
	}{
		{"pending, version unchanged", pending, withCode(1), pending,
			"otp_code_wo_version is 1, as in the state, so this apply does not submit the passcode"},
		{"pending, version changed", pending, withCode(2), withAttr(mustAttrs(t, pending), "otp_code_wo_version", version(2)), ""},
		{"enrolled, version unchanged", enrolled, withCode(1), enrolled, ""},
	} {
		resp := h.plan(h.dv(tc.prior), private, tc.cfg, tc.proposed)
		if hasErrors(resp.Diagnostics) {
			t.Fatalf("%s: plan failed: %v", tc.name, diagText(resp.Diagnostics))
		}
		checkWarning(t, tc.name, warningDetail(resp.Diagnostics, summary), tc.detail)
	}
}

// TestAccFactorPrivateState_restartWithDifferentFactorIDFails makes the service answer a restarted
// enrollment with another factor id: the apply must fail rather than let the state point at
// a factor it did not create.
func TestAccFactorPrivateState_restartWithDifferentFactorIDFails(t *testing.T) {
	env, userID := newEmulatorUser(t, "rewriting the emulator's answers")
	var enrolls atomic.Int32
	rewriting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/factors") || enrolls.Add(1) == 1 {
			env.Emulator.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		env.Emulator.ServeHTTP(rec, r)
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err == nil {
			body["factorId"] = "ffffffffffffffffffffffffffffffff"
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_ = json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(rewriting.Close)
	h := newProtoHarness(t, rewriting.URL, env, "idcsmfa_email_factor")
	createCfg := h.object(map[string]tftypes.Value{"user_id": tftypes.NewValue(tftypes.String, userID)})
	state, _ := h.mustApply(h.null(), nil, createCfg, createCfg)

	resendCfg := h.object(map[string]tftypes.Value{
		"user_id":            tftypes.NewValue(tftypes.String, userID),
		"otp_resend_version": tftypes.NewValue(tftypes.Number, 1),
	})
	proposed := withAttr(mustAttrs(t, state), "otp_resend_version", tftypes.NewValue(tftypes.Number, 1))
	// No private state: the resend has to restart the enrollment.
	newState, _, diags := h.apply(h.dv(state), nil, resendCfg, proposed)
	var summary string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			summary = d.Summary + ": " + d.Detail
		}
	}
	if !strings.Contains(summary, "Enrollment restarted under a different factor") || !strings.Contains(summary, "run terraform apply again") {
		t.Fatalf("want the different-factor error, got %q", summary)
	}
	var factorID string
	_ = mustAttrs(t, newState)["factor_id"].As(&factorID)
	var before string
	_ = mustAttrs(t, state)["factor_id"].As(&before)
	if factorID != before {
		t.Fatalf("state moved from factor %s to %s", before, factorID)
	}
}

// newPendingEmailFactor creates a pending email factor through the gRPC surface, configured
// with attrs besides user_id, for a new user of a new emulator.
func newPendingEmailFactor(t *testing.T, attrs map[string]tftypes.Value) (h *protoHarness, env *testEnv, userID string, state tftypes.Value, private []byte) {
	t.Helper()
	env = newTestEnv(t)
	env.requireEmulator(t, "a pending factor and its passcode")
	userID = env.newUser(t)
	h = newProtoHarness(t, env.Host, env, "idcsmfa_email_factor")
	set := map[string]tftypes.Value{"user_id": tftypes.NewValue(tftypes.String, userID)}
	for name, v := range attrs {
		set[name] = v
	}
	createCfg := h.object(set)
	state, private = h.mustApply(h.null(), nil, createCfg, createCfg)
	return h, env, userID, state, private
}

// protoHarness talks to the provider the way Terraform does, for checks the CLI hides
// (private state, plan warnings).
type protoHarness struct {
	t        *testing.T
	srv      tfprotov6.ProviderServer
	typeName string
	resType  tftypes.Type
	objType  tftypes.Object
}

func newProtoHarness(t *testing.T, host string, env *testEnv, typeName string) *protoHarness {
	t.Helper()
	ctx := context.Background()
	srv, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasErrors(schemas.Diagnostics) {
		t.Fatalf("schema: %v %v", err, schemas.Diagnostics)
	}
	providerType := schemas.Provider.ValueType()
	cfg, _ := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, map[string]tftypes.Value{
		"host":          tftypes.NewValue(tftypes.String, host),
		"client_id":     tftypes.NewValue(tftypes.String, env.ClientID),
		"client_secret": tftypes.NewValue(tftypes.String, env.ClientSecret),
		"access_token":  tftypes.NewValue(tftypes.String, nil),
		"username":      tftypes.NewValue(tftypes.String, nil),
		"password":      tftypes.NewValue(tftypes.String, nil),
		"self_service":  tftypes.NewValue(tftypes.Bool, nil),
		"domain_type":   tftypes.NewValue(tftypes.String, nil),
		"api_capacity":  tftypes.NewValue(tftypes.Number, nil),
	}))
	if resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg}); err != nil || hasErrors(resp.Diagnostics) {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	resType := schemas.ResourceSchemas[typeName].ValueType()
	objType, ok := resType.(tftypes.Object)
	if !ok {
		t.Fatalf("resource type is %T", resType)
	}
	return &protoHarness{t: t, srv: srv, typeName: typeName, resType: resType, objType: objType}
}

// object builds a resource value; attributes not given are null.
func (h *protoHarness) object(set map[string]tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for name, typ := range h.objType.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(typ, nil)
		}
	}
	return tftypes.NewValue(h.objType, vals)
}

func (h *protoHarness) dv(v tftypes.Value) *tfprotov6.DynamicValue {
	d, err := tfprotov6.NewDynamicValue(h.resType, v)
	if err != nil {
		h.t.Fatal(err)
	}
	return &d
}

func (h *protoHarness) null() *tfprotov6.DynamicValue { return h.dv(tftypes.NewValue(h.resType, nil)) }

func (h *protoHarness) plan(prior *tfprotov6.DynamicValue, priorPrivate []byte, config, proposed tftypes.Value) *tfprotov6.PlanResourceChangeResponse {
	h.t.Helper()
	resp, err := h.srv.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: h.typeName, PriorState: prior, ProposedNewState: h.dv(proposed), Config: h.dv(config), PriorPrivate: priorPrivate,
	})
	if err != nil {
		h.t.Fatalf("plan: %v", err)
	}
	return resp
}

func (h *protoHarness) apply(prior *tfprotov6.DynamicValue, priorPrivate []byte, config, proposed tftypes.Value) (tftypes.Value, []byte, []*tfprotov6.Diagnostic) {
	h.t.Helper()
	plan := h.plan(prior, priorPrivate, config, proposed)
	if hasErrors(plan.Diagnostics) {
		h.t.Fatalf("plan: %v", plan.Diagnostics)
	}
	res, err := h.srv.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: h.typeName, PriorState: prior, PlannedState: plan.PlannedState, Config: h.dv(config), PlannedPrivate: plan.PlannedPrivate,
	})
	if err != nil {
		h.t.Fatalf("apply: %v", err)
	}
	state, err := res.NewState.Unmarshal(h.resType)
	if err != nil {
		h.t.Fatal(err)
	}
	return state, res.Private, res.Diagnostics
}

func (h *protoHarness) mustApply(prior *tfprotov6.DynamicValue, priorPrivate []byte, config, proposed tftypes.Value) (tftypes.Value, []byte) {
	h.t.Helper()
	state, private, diags := h.apply(prior, priorPrivate, config, proposed)
	if hasErrors(diags) {
		h.t.Fatalf("apply: %v", diagText(diags))
	}
	return state, private
}

func diagText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}

func withAttr(attrs map[string]tftypes.Value, name string, v tftypes.Value) tftypes.Value {
	copied := map[string]tftypes.Value{}
	attrTypes := map[string]tftypes.Type{}
	for k, val := range attrs {
		copied[k] = val
		attrTypes[k] = val.Type()
	}
	copied[name] = v
	return tftypes.NewValue(tftypes.Object{AttributeTypes: attrTypes}, copied)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// warningDetail is the detail of the warning with this summary, or "" when there is none.
func warningDetail(diags []*tfprotov6.Diagnostic, summary string) string {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning && d.Summary == summary {
			return d.Detail
		}
	}
	return ""
}

// checkWarning checks a warning's detail: absent when want is "", else containing want.
func checkWarning(t *testing.T, name, got, want string) {
	t.Helper()
	switch {
	case want == "" && got != "":
		t.Errorf("%s: unexpected warning %q", name, got)
	case want != "" && !strings.Contains(got, want):
		t.Errorf("%s: warning %q does not contain %q", name, got, want)
	}
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

// assertReadKeeps checks that refreshing an unchanged factor answers its state and private
// state as they were.
func (h *protoHarness) assertReadKeeps(t *testing.T, state tftypes.Value, private []byte) {
	t.Helper()
	resp, err := h.srv.ReadResource(context.Background(),
		&tfprotov6.ReadResourceRequest{TypeName: h.typeName, CurrentState: h.dv(state), Private: private})
	if err != nil || hasErrors(resp.Diagnostics) {
		t.Fatalf("read: %v %v", err, resp.Diagnostics)
	}
	got, err := resp.NewState.Unmarshal(h.resType)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(state) {
		t.Fatalf("read changed an unchanged factor:\n got %v\nwant %v", got, state)
	}
	if string(resp.Private) != string(private) {
		t.Fatalf("read changed the private state: %q, was %q", resp.Private, private)
	}
}
