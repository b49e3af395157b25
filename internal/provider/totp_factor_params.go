package provider

// The code parameters of a TOTP factor (period, digits, algorithm: RFC 6238's X, Digit and
// hash) against the domain's TOTP settings: taken from them at plan time, and named when the
// domain refuses a code Terraform computed.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// totpParam is one code parameter: its attribute, the domain's setting, and the values the
// configuration, the domain (nil when not read) and the default give.
type totpParam struct {
	attr, setting      string
	configured, domain attr.Value
	fallback           attr.Value
}

// planTOTPParams gives a new factor the domain's period, digits and algorithm where the
// configuration leaves them out, and refuses a configured value that differs from the
// domain's: the code the provider computes with it would be refused at apply, and that
// refusal counts towards locking the user. Only a new factor or a changed value asks for
// the domain's settings, so a plan of unchanged factors sends nothing.
func (r *TOTPFactorResource) planTOTPParams(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, creating bool) diag.Diagnostics {
	var diags diag.Diagnostics
	var cfg, prior totpFactorModel
	for _, name := range []string{attrPeriod, attrDigits, attrAlgorithm} {
		diags.Append(req.Config.GetAttribute(ctx, path.Root(name), paramField(&cfg, name))...)
		if !creating {
			diags.Append(req.State.GetAttribute(ctx, path.Root(name), paramField(&prior, name))...)
		}
	}
	changed := creating || (!cfg.Period.IsNull() && !cfg.Period.Equal(prior.Period)) ||
		(!cfg.Digits.IsNull() && !cfg.Digits.Equal(prior.Digits)) || (!cfg.Algorithm.IsNull() && !cfg.Algorithm.Equal(prior.Algorithm))
	if diags.HasError() || !changed {
		return diags
	}
	var s *client.AuthenticationFactorSettings
	if r.policy != nil {
		var d diag.Diagnostics
		s, d = r.policy.forPlan(ctx)
		diags.Append(d...)
	}
	params := []totpParam{
		{attrPeriod, "timeStepInSecs", cfg.Period, nil, types.Int64Value(defaultTOTPPeriod)},
		{attrDigits, "passcodeLength", cfg.Digits, nil, types.Int64Value(int64(defaultTOTPDigits))},
		{attrAlgorithm, "hashingAlgorithm", cfg.Algorithm, nil, types.StringValue(defaultTOTPAlgorithm)},
	}
	if s != nil {
		if s.TOTP.TimeStepSeconds > 0 {
			params[0].domain = types.Int64Value(int64(s.TOTP.TimeStepSeconds))
		}
		if s.TOTP.PasscodeLength > 0 {
			params[1].domain = types.Int64Value(int64(s.TOTP.PasscodeLength))
		}
		if s.TOTP.HashingAlgorithm != "" {
			params[2].domain = types.StringValue(s.TOTP.HashingAlgorithm)
		}
	}
	for _, p := range params {
		switch {
		case p.configured.IsUnknown():
		case p.configured.IsNull() && creating:
			v := p.fallback
			if p.domain != nil {
				v = p.domain
				diags.Append(supportedDomainParam(p)...)
			}
			diags.Append(resp.Plan.SetAttribute(ctx, path.Root(p.attr), v)...)
		case !p.configured.IsNull() && p.domain != nil && !p.configured.Equal(p.domain):
			diags.AddAttributeError(path.Root(p.attr), fmt.Sprintf("%s differs from the domain's TOTP settings", p.attr),
				fmt.Sprintf("The configuration sets %s = %s, and the identity domain's TOTP settings have %s = %s "+
					"(AuthenticationFactorSettings totpSettings; the totp block of the idcsmfa_mfa_settings data source). "+
					"The code Terraform computes with %s = %s would be refused, and the refusal would count towards "+
					"locking the user. Leave %s out to take the domain's value, or set it to %s.",
					p.attr, p.configured, p.setting, p.domain, p.attr, p.configured, p.attr, p.domain))
		}
	}
	return diags
}

// supportedDomainParam refuses a domain value the provider cannot compute codes with
// (client.TOTPCode: 6 to 10 digits; SHA1, SHA256 or SHA512).
func supportedDomainParam(p totpParam) diag.Diagnostics {
	var diags diag.Diagnostics
	ok := true
	switch v := p.domain.(type) {
	case types.Int64:
		ok = p.attr != attrDigits || (v.ValueInt64() >= 6 && v.ValueInt64() <= 10)
	case types.String:
		ok = slices.Contains([]string{client.TOTPAlgorithmSHA1, client.TOTPAlgorithmSHA256, client.TOTPAlgorithmSHA512}, v.ValueString())
	}
	if !ok {
		diags.AddAttributeError(path.Root(p.attr), "The domain's TOTP settings are beyond what the provider computes",
			fmt.Sprintf("The identity domain's TOTP settings have %s = %s; the provider computes codes of 6 to 10 digits with "+
				"SHA1, SHA256 or SHA512 (RFC 6238). Change the domain's TOTP settings (Security > MFA) to enroll this factor.",
				p.setting, p.domain))
	}
	return diags
}

// paramField is the model field of a code parameter, for GetAttribute.
func paramField(m *totpFactorModel, name string) any {
	switch name {
	case attrPeriod:
		return &m.Period
	case attrDigits:
		return &m.Digits
	}
	return &m.Algorithm
}

// codeRefusedDetail explains a refused enrollment code. Nobody received it: Terraform
// computed it from shared_secret_wo with period, digits and algorithm, and the domain's TOTP
// settings decide which code it accepts. The refusal counted towards locking the user.
func (r *TOTPFactorResource) codeRefusedDetail(ctx context.Context, m *totpFactorModel, err error) string {
	used := fmt.Sprintf("period = %d (seconds), digits = %d, algorithm = %s", m.Period.ValueInt64(), m.Digits.ValueInt64(), m.Algorithm.ValueString())
	var s *client.AuthenticationFactorSettings
	if r.policy != nil {
		s, _ = r.policy.read(ctx)
	}
	var why, lockout string
	switch {
	case s == nil:
		why = "Terraform could not read the domain's TOTP settings (that needs the " + settingsReaderRole + " app role), so " +
			"these may not be the domain's timeStepInSecs, passcodeLength and hashingAlgorithm. Set period, digits and " +
			"algorithm to the domain's values (Security > MFA > Mobile app passcode settings), or grant the application " +
			"the " + settingsReaderRole + " app role: Terraform then takes them from the domain and checks them at plan time."
	case s.TOTP.TimeStepSeconds == int(m.Period.ValueInt64()) && s.TOTP.PasscodeLength == int(m.Digits.ValueInt64()) &&
		strings.EqualFold(s.TOTP.HashingAlgorithm, m.Algorithm.ValueString()):
		why = "These are the domain's TOTP settings, so the code depends on the time: check the clock of the machine running Terraform."
	default:
		why = fmt.Sprintf("The domain's TOTP settings are period = %d, digits = %d, algorithm = %s: set period, digits and "+
			"algorithm to them, or leave them out to take them.", s.TOTP.TimeStepSeconds, s.TOTP.PasscodeLength, s.TOTP.HashingAlgorithm)
	}
	if s != nil && s.MaxIncorrectAttempts > 0 {
		lockout = fmt.Sprintf(" (the domain locks a user after %d wrong codes in a row)", s.MaxIncorrectAttempts)
	}
	return fmt.Sprintf("The identity domain answered %s: it refused the code Terraform computed from shared_secret_wo "+
		"with %s. %s The refused attempt counted towards locking the user%s; nothing was enrolled.",
		serviceErrorText(err), used, why, lockout)
}
