terraform {
  required_version = ">= 1.14" # actions
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# A test user's TOTP factor, proved to work as soon as it is created: the action runs one
# verification with a code computed from the same secret. Invoke it again at any time with
#   terraform apply -invoke=action.idcsmfa_verify_factor.ci
resource "idcsmfa_totp_factor" "ci" {
  user_id      = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
  display_name = "CI pipeline"

  shared_secret_wo         = var.totp_secret
  shared_secret_wo_version = 1

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.idcsmfa_verify_factor.ci]
    }
  }
}

action "idcsmfa_verify_factor" "ci" {
  config {
    user_id     = idcsmfa_totp_factor.ci.user_id
    factor_id   = idcsmfa_totp_factor.ci.factor_id
    method      = "TOTP"
    totp_secret = var.totp_secret
  }
}

# Pass it as TF_VAR_totp_secret, to `terraform plan -out` and again to `terraform apply` of the
# saved plan. Ephemeral: Terraform keeps an ephemeral value out of saved plan files and the
# state (totp_secret of the action and shared_secret_wo of the factor are write-only, so they
# take it). A sensitive variable that is not ephemeral would be stored in clear in a saved plan
# file, as every variable is, and `terraform show -json` would print it.
variable "totp_secret" {
  type        = string
  description = "Base32 TOTP secret of the test user's factor, e.g. from a secret store."
  sensitive   = true
  ephemeral   = true
}
