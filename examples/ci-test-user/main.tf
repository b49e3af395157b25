# A CI test user that automation can sign in as behind mandatory MFA: an offline TOTP factor
# from a secret the pipeline holds, made the user's preferred factor. The pipeline computes
# the sign-in code from the same secret (see the guide "CI test users"):
#
#   oathtool --totp --base32 "$TOTP_SECRET"        # Debian/Ubuntu: apt-get install oathtool
#
# Run with the secret in the environment, never with -var (Terraform logs its own arguments
# at DEBUG):
#
#   export TF_VAR_totp_secret="$(cat /run/secrets/ci-user-1-totp)"   # base32, >= 128 bits
#   terraform apply
terraform {
  required_version = ">= 1.11" # write-only shared_secret_wo
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# Host and credentials come from IDCS_HOST, IDCS_CLIENT_ID and IDCS_CLIENT_SECRET.
provider "idcsmfa" {}

variable "user_id" {
  type        = string
  description = "GUID of the test user (the SCIM user id, not the OCID)."
  default     = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
}

variable "totp_secret" {
  type        = string
  description = "Base32 TOTP secret the pipeline keeps in its secret store (at least 128 bits)."
  sensitive   = true
  ephemeral   = true # never in the plan or the state
  default     = null # needed to create the factor, not to plan or destroy it afterwards
}

variable "totp_secret_version" {
  type        = number
  description = "Raise together with a new totp_secret to replace the factor."
  default     = 1
}

resource "idcsmfa_totp_factor" "ci" {
  user_id                  = var.user_id
  display_name             = "CI pipeline"
  shared_secret_wo         = var.totp_secret
  shared_secret_wo_version = var.totp_secret_version
}

# Sign-in asks for this factor first, so the pipeline's login step always gets a TOTP prompt.
resource "idcsmfa_preferred_factor" "ci" {
  user_id   = var.user_id
  factor_id = idcsmfa_totp_factor.ci.factor_id
}

output "factor_id" {
  value = idcsmfa_totp_factor.ci.factor_id
}
