package provider

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// TestZipKindSteps: two kinds' steps become one step with one provider block, the second
// kind's variables renamed, every check of both run and an error required of both.
func TestZipKindSteps(t *testing.T) {
	provider := providerBlock("https://idcs.example.com", "id", `se"c{ret`, "")
	var ran []string
	check := func(name string, err error) resource.TestCheckFunc {
		return func(*terraform.State) error { ran = append(ran, name); return err }
	}
	sms := []resource.TestStep{{
		Config:          smsCase.configWith(provider, "u1", otpFromVariables),
		ConfigVariables: otpVars(config.StringVariable("111111"), 1),
		PreConfig:       func() { ran = append(ran, "sms pre") },
		Check:           check("sms", nil),
		ExpectError:     diagRE("Wrong passcode", "SMS"),
	}}
	email := []resource.TestStep{{
		Config:          emailCase.configWith(provider, "u2", otpFromVariables),
		ConfigVariables: otpVars(config.StringVariable("222222"), 1),
		PreConfig:       func() { ran = append(ran, "email pre") },
		Check:           check("email", errors.New("email check failed")),
		ExpectError:     diagRE("Wrong passcode", "email"),
	}}
	zipped, err := zipKindSteps([]passcodeKindCase{smsCase, emailCase}, [][]resource.TestStep{sms, email})
	if err != nil {
		t.Fatal(err)
	}
	if len(zipped) != 1 {
		t.Fatalf("%d steps, want 1", len(zipped))
	}
	z := zipped[0]
	for _, want := range []string{
		`variable "otp" {`, `variable "email_otp" {`, `variable "email_otp_version" {`,
		"otp_code_wo         = var.otp\n", "otp_code_wo_version = var.otp_version\n",
		"otp_code_wo         = var.email_otp\n", "otp_code_wo_version = var.email_otp_version\n",
		`resource "idcsmfa_sms_factor" "test"`, `resource "idcsmfa_email_factor" "test"`,
	} {
		if strings.Count(z.Config, want) != 1 {
			t.Errorf("the configuration has %q %d times, want once:\n%s", want, strings.Count(z.Config, want), z.Config)
		}
	}
	if n := strings.Count(z.Config, providerBlockStart); n != 1 {
		t.Errorf("%d provider blocks, want 1:\n%s", n, z.Config)
	}
	for _, name := range []string{"otp", "otp_version", "email_otp", "email_otp_version"} {
		if _, ok := z.ConfigVariables[name]; !ok {
			t.Errorf("variable %s missing from %v", name, z.ConfigVariables)
		}
	}
	z.PreConfig()
	if err := z.Check(nil); err == nil || !strings.Contains(err.Error(), "email check failed") {
		t.Errorf("the zipped check returned %v, want the email check's failure", err)
	}
	if got := strings.Join(ran, ", "); got != "sms pre, email pre, sms, email" {
		t.Errorf("ran %s, want both PreConfigs and both checks", got)
	}
	for out, want := range map[string]bool{
		"Error: Wrong passcode (SMS)\nError: Wrong passcode (email)": true,
		"Error: Wrong passcode (email)\nError: Wrong passcode (SMS)": true,
		"Error: Wrong passcode (SMS)":                                false,
		"Error: Wrong passcode (email)":                              false,
	} {
		if got := z.ExpectError.MatchString(out); got != want {
			t.Errorf("ExpectError matches %q: %t, want %t", out, got, want)
		}
	}
}

// TestZipKindSteps_refused: steps that cannot be one are refused with the reason.
func TestZipKindSteps_refused(t *testing.T) {
	cfg := func(k passcodeKindCase, host string) string {
		return k.configWith(providerBlock(host, "id", "secret", ""), "u", "")
	}
	smsCfg, emailCfg := cfg(smsCase, "https://a.example.com"), cfg(emailCase, "https://a.example.com")
	for name, tc := range map[string]struct {
		sms, email []resource.TestStep
		want       string
	}{
		"step counts":      {[]resource.TestStep{{Config: smsCfg}}, nil, "has 1 steps"},
		"plan only in one": {[]resource.TestStep{{Config: smsCfg, PlanOnly: true}}, []resource.TestStep{{Config: emailCfg}}, "PlanOnly differs"},
		"error in one": {
			[]resource.TestStep{{Config: smsCfg, ExpectError: regexp.MustCompile("x")}}, []resource.TestStep{{Config: emailCfg}},
			"ExpectError differs",
		},
		"other provider": {
			[]resource.TestStep{{Config: smsCfg}}, []resource.TestStep{{Config: cfg(emailCase, "https://b.example.com")}},
			"different provider blocks",
		},
		"destroy": {[]resource.TestStep{{Config: smsCfg, Destroy: true}}, []resource.TestStep{{Config: emailCfg, Destroy: true}}, "destroy"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := zipKindSteps([]passcodeKindCase{smsCase, emailCase}, [][]resource.TestStep{tc.sms, tc.email})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// TestZipKindSteps_imports: import steps stay one per kind, each with both configurations.
func TestZipKindSteps_imports(t *testing.T) {
	p := providerBlock("https://a.example.com", "id", "secret", "")
	sms := []resource.TestStep{{Config: smsCase.configWith(p, "u1", ""), ImportState: true, ResourceName: smsCase.addr()}}
	email := []resource.TestStep{{Config: emailCase.configWith(p, "u2", ""), ImportState: true, ResourceName: emailCase.addr()}}
	zipped, err := zipKindSteps([]passcodeKindCase{smsCase, emailCase}, [][]resource.TestStep{sms, email})
	if err != nil {
		t.Fatal(err)
	}
	if len(zipped) != 2 || zipped[0].ResourceName != smsCase.addr() || zipped[1].ResourceName != emailCase.addr() {
		t.Fatalf("want the SMS import, then the email import; got %d steps", len(zipped))
	}
	for _, s := range zipped {
		if !strings.Contains(s.Config, "idcsmfa_sms_factor") || !strings.Contains(s.Config, "idcsmfa_email_factor") {
			t.Errorf("import of %s without both kinds' configuration:\n%s", s.ResourceName, s.Config)
		}
	}
}
