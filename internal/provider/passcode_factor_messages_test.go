package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// applyAfter plans a resend of the pending e-mail factor, runs between (what a person does
// while the plan waits), and applies the plan, returning the apply's diagnostics.
func applyResendAfter(t *testing.T, between func(env *testEnv, userID, factorID, requestState string)) []*tfprotov6.Diagnostic {
	t.Helper()
	h, env, userID, state, private := newPendingEmailFactor(t, nil)
	cfg := h.object(map[string]tftypes.Value{
		"user_id":            tftypes.NewValue(tftypes.String, userID),
		"otp_resend_version": tftypes.NewValue(tftypes.Number, 1),
	})
	attrs := mustAttrs(t, state)
	var factorID string
	if err := attrs["factor_id"].As(&factorID); err != nil {
		t.Fatal(err)
	}
	plan := h.plan(h.dv(state), private, cfg, withAttr(attrs, "otp_resend_version", tftypes.NewValue(tftypes.Number, 1)))
	if hasErrors(plan.Diagnostics) {
		t.Fatalf("plan: %s", diagText(plan.Diagnostics))
	}
	between(env, userID, factorID, privateRequestState(t, private))
	res, err := h.srv.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: h.typeName, PriorState: h.dv(state), PlannedState: plan.PlannedState, Config: h.dv(cfg),
		PlannedPrivate: plan.PlannedPrivate,
	})
	if err != nil {
		t.Fatal(err)
	}
	return res.Diagnostics
}

// TestAccPasscodeFactor_resendAfterEnrolledElsewhereNamesNoUnsetInput (issue 25, item 5): a
// resend-only plan applied after the user finished enrolling elsewhere warns that nothing was
// sent; it used to add that otp_code_wo can be removed, which this configuration never set.
func TestAccPasscodeFactor_resendAfterEnrolledElsewhereNamesNoUnsetInput(t *testing.T) {
	diags := applyResendAfter(t, func(env *testEnv, userID, factorID, rs string) {
		if err := env.Client.ActivateFactor(t.Context(), userID, factorID, env.otp(t, userID, factorID), rs); err != nil {
			t.Fatalf("finishing the enrollment outside Terraform: %s", err)
		}
	})
	got := warningDetail(diags, "Email factor already enrolled: nothing was sent")
	if got == "" {
		t.Fatalf("no warning that nothing was sent: %s", diagText(diags))
	}
	if strings.Contains(got, "otp_code_wo") {
		t.Errorf("the warning names otp_code_wo, which the configuration does not set:\n%s", got)
	}
}

// TestAccPasscodeFactor_resendOfDeletedFactorSaysNextPlanRecreates (issue 25, item 5): a
// resend of a factor deleted after the plan ended with the service's text only; it now says
// that the factor is gone, nothing was sent, and the next plan creates it again.
func TestAccPasscodeFactor_resendOfDeletedFactorSaysNextPlanRecreates(t *testing.T) {
	diags := applyResendAfter(t, func(env *testEnv, userID, factorID, _ string) {
		if err := env.Client.DeleteFactor(t.Context(), userID, factorID); err != nil {
			t.Fatalf("deleting the factor outside Terraform: %s", err)
		}
	})
	text := diagText(diags)
	for _, want := range []string{"it no longer exists", "deleted after the plan was made", "nothing was sent",
		"plans to create it again"} {
		if !strings.Contains(text, want) {
			t.Errorf("the apply's diagnostics lack %q:\n%s", want, text)
		}
	}
}

// unknownMethodDiagnostic names the resource type once, without "as idcsmfa_sms_factor factor"
// (issue 25, item 5).
func TestUnknownMethodDiagnosticNamesTheTypeOnce(t *testing.T) {
	for _, k := range []factorKind{smsKind, emailKind} {
		d := unknownMethodDiagnostic(k, exampleUserID, exampleFactorID, client.FactorStatusInitiated, "why")
		if strings.Contains(d.Detail(), k.typeName+" factor") {
			t.Errorf("%s: %q", k.typeName, d.Detail())
		}
		if !strings.Contains(d.Detail(), k.typeName) {
			t.Errorf("%s: the detail does not name the resource type: %q", k.typeName, d.Detail())
		}
	}
}
