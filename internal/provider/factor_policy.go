package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// policyPlanDiagnostics refuses at plan time a new factor the domain's MFA policy would
// refuse at apply: a kind of factor the domain has disabled, one users may not enroll
// themselves (self-service mode), and a factor for a user who already has the domain's
// maximum of enrolled devices. Only a plan that creates a factor asks for the settings (read
// once per process); without the role that reads them the checks are skipped, with one
// warning per process. The device count costs the user's shared listing (E1), which the
// refresh of the user's other factors reuses.
func (r *factorResource) policyPlanDiagnostics(ctx context.Context, req resource.ModifyPlanRequest) diag.Diagnostics {
	if r.policy == nil || req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return nil
	}
	s, diags := r.policy.forPlan(ctx)
	if s == nil {
		return diags
	}
	diags.Append(factorKindPolicyDiagnostics(s, r.kind, r.api.mode() == selfServiceMode)...)
	if diags.HasError() || s.MaxEnrolledDevices <= 0 || r.listings == nil {
		return diags
	}
	var userID types.String
	diags.Append(req.Plan.GetAttribute(ctx, path.Root(attrUserID), &userID)...)
	if diags.HasError() || userID.IsUnknown() || userID.IsNull() {
		return diags
	}
	list, err := r.listings.get(ctx, userID.ValueString())
	if err != nil {
		// The apply reports what the service says; a plan-time check does not fail on a read.
		return diags
	}
	// Terraform plans each resource again during the apply: by then this process may have
	// enrolled some of the user's devices. Those are the create's to count (it refuses with
	// "counting those this apply enrolled", before sending); a plan-time refusal is for the
	// devices the user had before.
	if n := countDevices(list, r.enrolledHere(userID.ValueString())); n >= s.MaxEnrolledDevices {
		diags.AddAttributeError(path.Root(attrUserID), "The user has the domain's maximum of enrolled devices",
			fmt.Sprintf("User %s has %d enrolled devices, and the identity domain allows at most %d "+
				"(AuthenticationFactorSettings endpointRestrictions.maxEnrolledDevices, max_enrolled_devices of the "+
				"idcsmfa_mfa_settings data source): enrolling %s factor would be refused. Delete one of the user's "+
				"devices (the idcsmfa_user_factors data source lists them), or raise the limit in the domain "+
				"(Security > MFA), then plan again.", userID.ValueString(), n, s.MaxEnrolledDevices, r.kind.aLabel()))
	}
	return diags
}

// factorKindPolicyDiagnostics refuses a kind of factor the domain has disabled, or, in
// self-service mode, disabled for users' own enrollment.
func factorKindPolicyDiagnostics(s *client.AuthenticationFactorSettings, k factorKind, selfService bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if !slices.Contains(s.EnabledFactors(), k.method) {
		diags.AddError(fmt.Sprintf("The %s factor is disabled in the identity domain", k.label),
			fmt.Sprintf("The domain's MFA settings have %s = false (AuthenticationFactorSettings; enabled_factors of the "+
				"idcsmfa_mfa_settings data source lists %s): the service refuses to enroll %s factor. Enable the factor "+
				"in the domain (Security > MFA > Factors), or remove this %s resource.",
				enabledSetting(k.method), listOrNone(s.EnabledFactors()), k.aLabel(), k.typeName))
		return diags
	}
	if selfService && s.UserEnrollmentDisabled(k.method, k.method == client.MethodTOTP) {
		diags.AddError(fmt.Sprintf("Users may not enroll %s factor themselves in this identity domain", k.aLabel()),
			fmt.Sprintf("The domain's MFA settings list %s in userEnrollmentDisabledFactors (user_enrollment_disabled_factors "+
				"of the idcsmfa_mfa_settings data source), and self-service mode enrolls as the signed-in user: the service "+
				"refuses it. Enroll the factor with the administrator's API (an application with the MFA Client app role, "+
				"without self_service), or remove the factor from that list in the domain.", k.method))
	}
	return diags
}

// enabledSetting is the AuthenticationFactorSettings attribute that enables a method.
func enabledSetting(method string) string {
	switch method {
	case client.MethodSMS:
		return "smsEnabled"
	case client.MethodEmail:
		return "emailEnabled"
	case client.MethodTOTP:
		return "totpEnabled"
	}
	return strings.ToLower(method) + "Enabled"
}

// deviceMethods are the methods whose factors count as devices towards maxEnrolledDevices;
// security questions and bypass codes are not devices.
var deviceMethods = []string{client.MethodSMS, client.MethodEmail, client.MethodTOTP, client.MethodPush, client.MethodPhoneCall}

// countDevices counts the user's enrolled factors that are devices, but those skip reports.
func countDevices(list *client.UserFactors, skip func(factorID string) bool) int {
	if list == nil {
		return 0
	}
	n := 0
	for _, f := range list.Factors {
		if !skip(f.FactorID) && slices.ContainsFunc(f.Methods, func(m string) bool { return slices.Contains(deviceMethods, m) }) {
			n++
		}
	}
	return n
}

// enrolledHere reports which of the user's factors this provider process enrolled.
func (r *factorResource) enrolledHere(userID string) func(factorID string) bool {
	return func(factorID string) bool {
		return r.listings != nil && r.listings.devices != nil && r.listings.devices.enrolledHere(userID, factorID)
	}
}

func listOrNone(v []string) string {
	if len(v) == 0 {
		return "none"
	}
	return strings.Join(v, ", ")
}

// domainLockoutText follows a wrong passcode with the domain's number of attempts, when the
// provider may read the domain's MFA settings (maxIncorrectAttempts); otherwise nothing, so
// that no message quotes a number the domain did not give. It is an error path: at most one
// read, which the rest of the process shares.
func (r *factorResource) domainLockoutText(ctx context.Context) string {
	if r.policy == nil {
		return ""
	}
	s, err := r.policy.read(ctx)
	if err != nil || s.MaxIncorrectAttempts <= 0 {
		return ""
	}
	return fmt.Sprintf(" This identity domain locks a user after %d wrong codes in a row (maxIncorrectAttempts of its MFA settings).",
		s.MaxIncorrectAttempts)
}

// planCheckDescription is what a passcode factor's page says about its plan-time checks.
func planCheckDescription(k factorKind) string {
	return "\n\n**Checked at plan time** when the application also holds the **" + settingsReaderRole + "** app role " +
		"(it reads the domain's MFA settings, once per run and only when a factor is created): " + k.label + " disabled in " +
		"the domain (`" + enabledSetting(k.method) + "`); in self-service mode, where the signed-in user must hold the role " +
		"too, " + k.label + " in the domain's `userEnrollmentDisabledFactors`; a user who already has the domain's maximum of enrolled devices " +
		"(`maxEnrolledDevices`, which costs one listing of the user's factors). With that role, a wrong passcode's " +
		"message also gives the domain's number of attempts (`maxIncorrectAttempts`). Without it these are found at " +
		"apply, and the provider warns once per run. The `idcsmfa_mfa_settings` data source shows the settings. " +
		"A refused new factor also stops `terraform destroy` of its configuration, which plans the configuration " +
		"before destroying: remove the refused resource first, or run `terraform destroy -refresh=false`."
}
