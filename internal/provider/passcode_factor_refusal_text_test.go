package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// After the idcsmfa_resend_passcode action, the passcode in otp_code_wo is most likely the
// fresh one the action sent; the refusal (the resource's request was voided by the action's
// resend) must say it was not submitted because this state lost the current request, and never
// that it "belongs to the voided request" (issue 25, item 5).
func TestPasscodeRefusalAfterResendActionDoesNotBlameThePasscode(t *testing.T) {
	r := NewEmailFactorResource().(*EmailFactorResource)
	var diags diag.Diagnostics
	m := &emailFactorModel{}
	m.factor().UserID, m.factor().FactorID = types.StringValue("u1"), types.StringValue("f1")
	m.factor().DisplayName = types.StringValue("jo@example.com")
	a := &passcodeApply{r: &r.passcodeFactorResource, plan: m, prior: &emailFactorModel{}, cfg: m, code: "123456",
		facts: passcodeFacts{activate: true, passcode: true, refused: refusedVoided},
		rec:   pendingRecord{RequestState: "rs", IssuedAt: time.Now().Add(-time.Minute)}, diags: &diags}
	a.carryOut(context.Background(), passcodeDecision{outcome: outcomeRefuse, refusal: refuseRestartedElsewhere})
	if diags.ErrorsCount() != 1 {
		t.Fatalf("want one error, got %v", diags)
	}
	text := diags[0].Summary() + " " + diags[0].Detail()
	for _, want := range []string{"Enrollment restarted outside this resource: nothing was sent", "idcsmfa_resend_passcode",
		"the passcode in otp_code_wo was not submitted, since this state no longer holds the current request"} {
		if !strings.Contains(text, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "belongs to the voided request") {
		t.Errorf("the refusal blames the passcode, which after the resend action is the fresh one:\n%s", text)
	}
}
