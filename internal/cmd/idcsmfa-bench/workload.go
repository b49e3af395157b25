package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// workload is N factors over M users: each user has one email factor and perUser-1 SMS
// factors (an identity domain allows one email factor per user, many SMS numbers).
type workload struct {
	factors int
	users   []emulator.User
	sms     map[string]smsFactor
	email   map[string]emailFactor
}

type smsFactor struct {
	UserID       string `json:"user_id"`
	MobileNumber string `json:"mobile_number"`
}

type emailFactor struct {
	UserID string `json:"user_id"`
}

func newWorkload(n, perUser int) workload {
	if perUser < 1 {
		perUser = 1
	}
	w := workload{factors: n, sms: map[string]smsFactor{}, email: map[string]emailFactor{}}
	for i := 0; i < n; i++ {
		u, slot := i/perUser, i%perUser
		if slot == 0 {
			w.users = append(w.users, emulator.User{
				ID:       fmt.Sprintf("be0c%028x", u+1),
				UserName: fmt.Sprintf("bench%05d", u+1),
				Email:    fmt.Sprintf("bench%05d@example.com", u+1),
			})
		}
		uid := w.users[u].ID
		if slot == 0 {
			w.email[fmt.Sprintf("u%05d", u+1)] = emailFactor{UserID: uid}
			continue
		}
		// UK drama numbers (07700 900000-900999) and beyond: valid national numbers
		// that reach nobody.
		w.sms[fmt.Sprintf("u%05d-%d", u+1, slot)] = smsFactor{UserID: uid, MobileNumber: fmt.Sprintf("7700%06d", 900000+i)}
	}
	return w
}

func (w workload) describe() string {
	return fmt.Sprintf("N=%d factors (%d SMS + %d email, skip_verification) over M=%d users",
		w.factors, len(w.sms), len(w.email), len(w.users))
}

// writeUsersFile writes the emulator's -users file.
func (w workload) writeUsersFile(path string) error {
	b, err := json.MarshalIndent(w.users, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// The same for_each maps drive both configurations, so Terraform walks graphs of the same
// shape and size; only the resource types differ.
const providerConfig = `terraform {
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# host and credentials come from IDCS_HOST, IDCS_CLIENT_ID and IDCS_CLIENT_SECRET.
provider "idcsmfa" {}

resource "idcsmfa_sms_factor" "f" {
  for_each          = local.sms
  user_id           = each.value.user_id
  country_code      = "+44"
  mobile_number     = each.value.mobile_number
  skip_verification = true
}

resource "idcsmfa_email_factor" "f" {
  for_each          = local.email
  user_id           = each.value.user_id
  skip_verification = true
}
`

const floorConfig = `# The floor: Terraform's own cost for the same number of resources, with no provider process.
resource "terraform_data" "sms" {
  for_each = local.sms
  input    = each.value
}

resource "terraform_data" "email" {
  for_each = local.email
  input    = each.value
}
`

const noopConfig = `# The framework floor: a plugin-framework provider with the SMS factor's schema that does
# nothing (internal/cmd/idcsmfa-bench/noopprovider); with IDCSMFA_BENCH_ECHO set, the same
# binary refreshes this state as the plugin-protocol floor.
terraform {
  required_providers {
    noop = {
      source = "bench/noop"
    }
  }
}

resource "noop_factor" "sms" {
  for_each          = local.sms
  user_id           = each.value.user_id
  country_code      = "+44"
  mobile_number     = each.value.mobile_number
  skip_verification = true
}

resource "noop_factor" "email" {
  for_each          = local.email
  user_id           = each.value.user_id
  skip_verification = true
}
`

// configDirs are the three configurations of one size.
type configDirs struct{ provider, floor, noop string }

// writeConfigs writes dir/idcsmfa, dir/floor and dir/noop.
func (w workload) writeConfigs(dir string) (configDirs, error) {
	d := configDirs{provider: filepath.Join(dir, "idcsmfa"), floor: filepath.Join(dir, "floor"), noop: filepath.Join(dir, "noop")}
	locals, err := json.MarshalIndent(map[string]any{"locals": map[string]any{"sms": w.sms, "email": w.email}}, "", "  ")
	if err != nil {
		return d, err
	}
	for path, main := range map[string]string{d.provider: providerConfig, d.floor: floorConfig, d.noop: noopConfig} {
		if err := os.MkdirAll(path, 0o700); err != nil {
			return d, err
		}
		if err := os.WriteFile(filepath.Join(path, "main.tf"), []byte(main), 0o600); err != nil {
			return d, err
		}
		if err := os.WriteFile(filepath.Join(path, "factors.tf.json"), locals, 0o600); err != nil {
			return d, err
		}
	}
	return d, nil
}

// cliConfigs are the two CLI configurations of a bench run: timed (the providers started
// directly) and measured (idcsmfa started through the RSS wrapper).
type cliConfigs struct{ timed, measured string }

// writeCLIConfig points Terraform at the locally built providers, with no registry access at all.
func writeCLIConfig(path, pluginDir, noopDir string) error {
	cfg := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "idcsmfa/idcsmfa" = %q
    "bench/noop"      = %q
  }
  direct {}
}
`, pluginDir, noopDir)
	return os.WriteFile(path, []byte(cfg), 0o600)
}

// stateInstances counts the resource instances in a local state file.
func stateInstances(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return 0, nil
		}
		return 0, err
	}
	var st struct {
		Resources []struct {
			Instances []json.RawMessage `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return 0, fmt.Errorf("state %s: %w", path, err)
	}
	n := 0
	for _, r := range st.Resources {
		n += len(r.Instances)
	}
	return n, nil
}
