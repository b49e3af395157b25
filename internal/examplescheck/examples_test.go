package examplescheck

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExamplesRun runs every example folder as it is, as a user would after copying it:
// terraform init (the provider from a filesystem mirror), apply, a second plan that must be
// empty, destroy; each against its own emulator seeded with examples/emulator-users.json,
// which must hold no factor afterwards. An example that waits for an out-of-band activation
// gets an actor that completes pending enrollments, as the user would.
func TestExamplesRun(t *testing.T) {
	h := getHarness(t)
	dirs := exampleDirs(t, filepath.Join(h.root, "examples"))
	if len(dirs) < 8 {
		t.Fatalf("found only %d example directories under examples/: %v", len(dirs), dirs)
	}
	userIDs := fixtureUserIDs(t, h.users)
	for _, dir := range dirs {
		rel, _ := filepath.Rel(h.root, dir)
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			copyTF(t, dir, work)
			queries, _ := filepath.Glob(filepath.Join(work, "*.tfquery.hcl"))
			if (declares(t, work, `action "`) || len(queries) > 0) && !h.hasActions(t) {
				t.Skipf("%s declares actions or list resources, which this CLI does not have (Terraform 1.14+; not OpenTofu): "+
					"make examples runs it again on a newer Terraform", rel)
			}
			if !declares(t, work, "required_providers") {
				t.Fatalf("%s has no required_providers block: without it terraform init looks for hashicorp/idcsmfa", rel)
			}
			flags, clientID, clientSecret := []string{"-users", h.users}, "idcsmfa-emulator", "emulator-secret"
			if declares(t, work, `"idcsmfa_mfa_settings"`) || declares(t, work, `"idcsmfa_security_question_settings"`) {
				// Reading the domain's MFA settings needs Security Administrator, which the
				// emulator's default application does not hold.
				flags = append(flags, "-app", "settings-reader:settings-secret:MFA Client,User Administrator,Security Administrator")
				clientID, clientSecret = "settings-reader", "settings-secret"
			}
			url := h.startEmulator(t, flags...)
			// Examples of TOTP factors take the secret from TF_VAR_totp_secret, as a pipeline would.
			env := h.env("IDCS_HOST="+url, "IDCS_CLIENT_ID="+clientID, "IDCS_CLIENT_SECRET="+clientSecret,
				"TF_VAR_totp_secret="+randomTOTPSecret(t),
				// and security answers from TF_VAR_security_answers, for the questions they set up.
				`TF_VAR_security_answers={DreamJob="answer one `+randomTOTPSecret(t)[:8]+`", FirstCar="answer two", FirstPet="answer three"}`)
			tf := func(timeout time.Duration, args ...string) string {
				t.Helper()
				out, err := run(work, env, timeout, h.terraform, append(args, "-no-color")...)
				if err != nil {
					t.Fatalf("terraform %s in %s failed: %v\n%s", args[0], rel, err, out)
				}
				return out
			}
			tf(time.Minute, "init", "-input=false")
			stop := func() {}
			var elsewhere *enrollingConfig
			switch {
			case declares(t, work, `"idcsmfa_factor_activation"`) && !declares(t, work, `resource "idcsmfa_email_factor"`) &&
				!declares(t, work, `resource "idcsmfa_sms_factor"`):
				// The activation waits for a factor that another configuration enrolled and
				// finishes with otp_code_wo, as the guide "Activation flows" does it.
				elsewhere = h.enrollElsewhere(t, env, userIDs[0])
				env = append(env, "TF_VAR_user_id="+userIDs[0], "TF_VAR_factor_id="+elsewhere.factorID)
			case declares(t, work, `"idcsmfa_factor_activation"`):
				stop = completePending(t, url, userIDs)
			}
			if elsewhere == nil {
				tf(2*time.Minute, "apply", "-auto-approve", "-input=false")
			} else {
				type result struct {
					out string
					err error
				}
				applied := make(chan result, 1)
				go func() {
					out, err := run(work, env, 2*time.Minute, h.terraform, "apply", "-auto-approve", "-input=false", "-no-color")
					applied <- result{out, err}
				}()
				elsewhere.submitPasscode(t, url)
				if r := <-applied; r.err != nil {
					t.Fatalf("terraform apply in %s (waiting while another configuration submitted the passcode) failed: %v\n%s", rel, r.err, r.out)
				}
				t.Cleanup(func() { elsewhere.destroy(t) })
			}
			stop()
			if len(queries) > 0 {
				// The query lists the factors the example's apply enrolled.
				// A result line names its identity; an empty list only warns "returned 0 results".
				if out := tf(2*time.Minute, "query"); !strings.Contains(out, "factor_id=") {
					t.Fatalf("terraform query in %s listed nothing:\n%s", rel, out)
				}
			}
			// A check block's scoped data source is read on every plan, which -detailed-exitcode
			// counts as a change: what matters is that nothing is added, changed or destroyed.
			if out, err := run(work, env, time.Minute, h.terraform, "plan", "-input=false", "-detailed-exitcode", "-no-color"); err != nil &&
				(!strings.Contains(out, "Plan: 0 to add, 0 to change, 0 to destroy.") || strings.Contains(out, "Changes to Outputs")) {
				t.Fatalf("the plan after apply in %s is not empty (%v):\n%s", rel, err, out)
			}
			tf(2*time.Minute, "destroy", "-auto-approve", "-input=false")
			if elsewhere != nil {
				elsewhere.destroy(t)
			}
			for _, id := range userIDs {
				doc, err := getJSON(url + "/emulator/v1/users/" + id + "/factors")
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(doc, `"factors":[]`) {
					t.Errorf("after destroy, user %s still has factors on the emulator: %s", id, doc)
				}
			}
		})
	}
}

// completePending plays the users: until stopped, it completes every pending enrollment of the
// given users through the emulator's out-of-band actor.
func completePending(t *testing.T, url string, userIDs []string) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			for _, id := range userIDs {
				doc, err := getJSON(url + "/emulator/v1/users/" + id + "/factors")
				if err != nil {
					continue
				}
				var list struct {
					Factors []struct{ ID, Status string }
				}
				if json.Unmarshal([]byte(doc), &list) != nil {
					continue
				}
				for _, f := range list.Factors {
					if f.Status == "ENROLLMENT_INITIATED" {
						resp, err := http.Post(url+"/emulator/v1/users/"+id+"/factors/"+f.ID+"/complete", "application/json", nil) //nolint:gosec // loopback emulator
						if err == nil {
							_ = resp.Body.Close()
						}
					}
				}
			}
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	return func() { cancel(); <-done }
}

// fixtureUserIDs are the ids given in the emulator's users file.
func fixtureUserIDs(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var users []struct{ ID string }
	if err := json.Unmarshal(b, &users); err != nil {
		t.Fatalf("%s: %s", file, err)
	}
	var ids []string
	for _, u := range users {
		if u.ID != "" {
			ids = append(ids, u.ID)
		}
	}
	return ids
}

func exampleDirs(t *testing.T, base string) []string {
	t.Helper()
	seen := map[string]bool{}
	var dirs []string
	err := filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".tf") && !seen[filepath.Dir(path)] {
			seen[filepath.Dir(path)] = true
			dirs = append(dirs, filepath.Dir(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

func copyTF(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || (!strings.HasSuffix(e.Name(), ".tf") && !strings.HasSuffix(e.Name(), ".tfquery.hcl")) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// declares reports whether any .tf file in dir contains s.
func declares(t *testing.T, dir, s string) bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), s) {
			return true
		}
	}
	return false
}

// randomTOTPSecret is a fresh 160-bit base32 secret, the size RFC 4226 recommends.
func randomTOTPSecret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// enrollingConfig is the configuration that owns a factor for an example that only waits for
// its activation: flow 2 of the guide "Activation flows", in a directory of its own.
type enrollingConfig struct {
	h         *harness
	dir       string
	env       []string
	userID    string
	factorID  string
	destroyed bool
}

const enrollingConfigHCL = `terraform {
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

variable "user_id" {
  type = string
}

variable "email_otp" {
  type      = string
  default   = null
  sensitive = true
  ephemeral = true
}

variable "otp_version" {
  type    = number
  default = null
}

resource "idcsmfa_email_factor" "mail" {
  user_id             = var.user_id
  otp_code_wo         = var.email_otp
  otp_code_wo_version = var.otp_version
}

output "factor_id" {
  value = idcsmfa_email_factor.mail.factor_id
}
`

// enrollElsewhere applies the enrolling configuration once: the factor is pending and the
// passcode is in the emulator's outbox.
func (h *harness) enrollElsewhere(t *testing.T, env []string, userID string) *enrollingConfig {
	t.Helper()
	e := &enrollingConfig{h: h, dir: t.TempDir(), env: append(env[:len(env):len(env)], "TF_VAR_user_id="+userID), userID: userID}
	if err := os.WriteFile(filepath.Join(e.dir, "main.tf"), []byte(enrollingConfigHCL), 0o600); err != nil {
		t.Fatal(err)
	}
	e.tf(t, "init", "-input=false")
	e.tf(t, "apply", "-auto-approve", "-input=false")
	e.factorID = strings.TrimSpace(e.tf(t, "output", "-raw", "factor_id"))
	return e
}

// submitPasscode is the enrolling configuration's second apply, with the passcode the user got.
func (e *enrollingConfig) submitPasscode(t *testing.T, url string) {
	t.Helper()
	doc, err := getJSON(url + "/emulator/v1/messages?userId=" + e.userID)
	if err != nil {
		t.Fatal(err)
	}
	var outbox struct {
		Messages []struct{ Channel, FactorID, OTP string }
	}
	if err := json.Unmarshal([]byte(doc), &outbox); err != nil {
		t.Fatal(err)
	}
	otp := ""
	for _, m := range outbox.Messages {
		if m.Channel == "EMAIL" && m.FactorID == e.factorID {
			otp = m.OTP
		}
	}
	if otp == "" {
		t.Fatalf("no passcode in the outbox for factor %s: %s", e.factorID, doc)
	}
	e.env = append(e.env, "TF_VAR_email_otp="+otp, "TF_VAR_otp_version=1")
	e.tf(t, "apply", "-auto-approve", "-input=false")
}

func (e *enrollingConfig) destroy(t *testing.T) {
	t.Helper()
	if !e.destroyed {
		e.destroyed = true
		e.tf(t, "destroy", "-auto-approve", "-input=false")
	}
}

func (e *enrollingConfig) tf(t *testing.T, args ...string) string {
	t.Helper()
	out, err := run(e.dir, e.env, 2*time.Minute, e.h.terraform, append(args, "-no-color")...)
	if err != nil {
		t.Fatalf("terraform %s in the enrolling configuration failed: %v\n%s", args[0], err, out)
	}
	return out
}
