terraform {
  required_version = ">= 1.11" # write-only shared_secret_wo
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# A test user's offline TOTP factor, enrolled at once from a secret the pipeline holds
# (base32, at least 128 bits): the pipeline later computes codes from the same secret, like
# an authenticator app. Pass it as TF_VAR_totp_secret, never with -var (Terraform logs its
# own arguments at DEBUG). The secret is write-only: never in the plan or the state.
resource "idcsmfa_totp_factor" "ci" {
  user_id      = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
  display_name = "CI pipeline"

  shared_secret_wo         = var.totp_secret
  shared_secret_wo_version = var.totp_secret_version # raise with a new secret: replaces the factor

  # The domain's TOTP settings (Security > MFA > Mobile app passcode); these are the defaults.
  period    = 30
  digits    = 6
  algorithm = "SHA1"
}

variable "totp_secret" {
  type        = string
  description = "Base32 TOTP secret of the test user's factor, e.g. from a secret store."
  sensitive   = true
  ephemeral   = true
  default     = null # required to create the factor; an imported factor does without
}

variable "totp_secret_version" {
  type    = number
  default = 1
}
