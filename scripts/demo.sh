#!/usr/bin/env bash
# make demo: the whole story against the emulator, on a machine with no identity domain and
# no network. Builds the provider and the emulator, starts the emulator on a free loopback
# port with the example users (examples/emulator-users.json), and runs terraform on
# examples/demo with the locally built provider (a filesystem mirror in a generated CLI
# configuration, as a user's CI would; no registry). Cleans up even when a step fails.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/idcsmfa-demo.XXXXXX")
emulator_pid=""

cleanup() {
  status=$?
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  if [ "$status" -ne 0 ]; then
    echo
    echo "DEMO FAILED (exit $status). The emulator was stopped and $work removed."
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Bold headings on a terminal only (not with NO_COLOR or TERM=dumb): a CI log or a file gets plain text.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-}" != dumb ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

command -v terraform >/dev/null || { echo "terraform 1.11+ must be on PATH" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl must be on PATH" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq must be on PATH (the demo reads the emulator's outbox with it)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl must be on PATH (the demo makes a throwaway trusted client certificate)" >&2; exit 1; }

say "1. Build the provider and the emulator"
version=0.1.0
plugin_dir="$work/mirror/registry.terraform.io/idcsmfa/idcsmfa/$version/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$plugin_dir"
(cd "$root" && go build -ldflags "-X main.version=$version" -o "$plugin_dir/terraform-provider-idcsmfa_v$version" . &&
  go build -o "$work/idcs-emulator" ./internal/cmd/idcs-emulator)
echo "built into $work"

say "2. Start the emulator on a free loopback port, trusting a throwaway client certificate"
# The key pair an application registers as a Trusted Client Certificate, so that the domain
# returns passcodes encrypted to it instead of sending them (step 8).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/client-key.pem" -out "$work/client-cert.pem" \
  -days 1 -subj "/CN=idcsmfa demo trusted client" 2>/dev/null
# The demo's application holds the roles the provider page's roles table recommends: MFA Client
# and User Administrator for the factors, Security Administrator for the plan-time checks
# against the domain's MFA policy (without it, each run warns that they were skipped).
"$work/idcs-emulator" -listen 127.0.0.1:0 -users "$root/examples/emulator-users.json" -trusted-cert "$work/client-cert.pem" \
  -app "idcsmfa-demo:demo-secret:MFA Client,User Administrator,Security Administrator" \
  >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://[0-9.:]*' "$work/emulator.out" 2>/dev/null | head -n1 || true)
  [ -n "$url" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; echo "emulator exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "emulator did not print its address" >&2; exit 1; }
echo "emulator ready at $url"

# The locally built provider from a filesystem mirror, with no registry access at all.
cat >"$work/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/idcsmfa/idcsmfa"]
  }
  direct {
    exclude = ["registry.terraform.io/idcsmfa/idcsmfa"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
export IDCS_HOST="$url"
export IDCS_CLIENT_ID="idcsmfa-demo"
export IDCS_CLIENT_SECRET="demo-secret"
cp -r "$root/examples/demo" "$work/config"
cd "$work/config"
tf() { terraform "$@" -no-color; }
# apply prints the outputs at its end; the demo prints the ones it is about afterwards, once.
apply() { tf apply -auto-approve -input=false "$@" | sed '/^Outputs:$/,$d'; }

tf init -input=false >/dev/null

say "3. Enroll alice's SMS and email factors (they stay pending until she enters the passcodes)"
apply
tf output factors

say "4. Read the passcodes from the emulator's outbox, as alice reads her phone and mailbox"
user_id=$(terraform output -raw user_id)
messages=$(curl -fsS "$url/emulator/v1/messages?userId=$user_id")
latest_otp() { # channel -> latest passcode sent on that channel
  printf '%s' "$messages" | jq -er --arg channel "$1" '[.messages[] | select(.channel == $channel)] | last | .otp'
}
sms_otp=$(latest_otp SMS)
email_otp=$(latest_otp EMAIL)
printf '%s' "$messages" | jq -r '.messages[] | "  \(.channel) to \(.recipient) at \(.sentAt): passcode \(.otp)"'

say "5. Finish both enrollments with the write-only passcodes (never stored in plan or state)"
# In the environment, not with -var: Terraform logs its own command line (INFO and above).
export TF_VAR_sms_otp="$sms_otp" TF_VAR_email_otp="$email_otp" TF_VAR_otp_version=1
apply
tf output factors
if grep -q -e "$sms_otp" -e "$email_otp" terraform.tfstate; then
  echo "a passcode was found in the state file" >&2; exit 1
fi
echo "checked: neither passcode appears anywhere in terraform.tfstate"
unset TF_VAR_sms_otp TF_VAR_email_otp # used up; otp_version stays 1

say "6. What the domain reports for alice: her factors and preferred method"
tf output user_factors

say "7. Audit: users of the domain without any enrolled factor"
tf output users_without_mfa

say "8. Prove that alice's SMS factor works, without texting her: the encrypted-passcode verification"
before=$(curl -fsS "$url/emulator/v1/messages?userId=$user_id" | jq '.messages | length')
# A plan opens the ephemeral idcsmfa_factor_verification once: the plan fails if the factor
# does not verify. The private key goes through the environment, never a file Terraform keeps.
TF_VAR_verify=true TF_VAR_private_key_pem="$(cat "$work/client-key.pem")" TF_VAR_certificate_pem="$(cat "$work/client-cert.pem")" \
  tf plan -input=false >/dev/null
after=$(curl -fsS "$url/emulator/v1/messages?userId=$user_id" | jq '.messages | length')
[ "$before" = "$after" ] || { echo "the verification sent alice a message ($before before, $after after)" >&2; exit 1; }
verifications=$(curl -fsS "$url/emulator/v1/stats" | jq '[.requests | to_entries[] | select(.key | startswith("PATCH /mfa/v1/requests")) | .value] | add // 0')
[ "$verifications" -ge 1 ] || { echo "no verification answer reached the emulator" >&2; exit 1; }
echo "verified: the domain returned the passcode encrypted, Terraform decrypted and submitted it;"
echo "messages in alice's outbox: $before before, $after after (none sent)"

say "9. A second plan changes nothing"
tf plan -input=false -detailed-exitcode >/dev/null || { echo "the second plan was not empty" >&2; exit 1; }
echo "no changes"

say "10. Destroy: remove both factors"
tf destroy -auto-approve -input=false | sed '/^Changes to Outputs:$/,/^$/d' 
remaining=$(curl -fsS "$url/emulator/v1/users/$user_id/factors")
echo "factors left on the emulator for alice: $remaining"

say "Demo finished: enrolled, activated, audited, verified and removed, against the emulator at $url"
