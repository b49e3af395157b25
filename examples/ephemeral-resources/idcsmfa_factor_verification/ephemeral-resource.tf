terraform {
  required_version = ">= 1.11" # ephemeral resources (1.10) and write-only shared_secret_wo (1.11)
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

variable "totp_secret" {
  type        = string
  description = "Base32 TOTP secret of the test user's factor (TF_VAR_totp_secret)."
  sensitive   = true
  ephemeral   = true
}

# A CI test user's TOTP factor...
resource "idcsmfa_totp_factor" "ci" {
  user_id                  = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
  shared_secret_wo         = var.totp_secret
  shared_secret_wo_version = 1
}

# ...proved to work: opening the ephemeral resource runs one verification with a code computed
# from the secret, and the plan or apply fails if the factor does not verify. Nothing of it is
# stored. Terraform opens it in every plan and again in every apply; each TOTP verification
# waits for a fresh time step (up to 30 s), since the service accepts each code once.
ephemeral "idcsmfa_factor_verification" "ci" {
  user_id     = idcsmfa_totp_factor.ci.user_id
  factor_id   = idcsmfa_totp_factor.ci.factor_id
  method      = "TOTP"
  totp_secret = var.totp_secret
}

# The encrypted-passcode path for an SMS or email factor: the service returns the passcode
# encrypted for the application's trusted client certificate, and the user gets nothing.
#
# ephemeral "idcsmfa_factor_verification" "sms" {
#   user_name       = "ci-user-1"
#   factor_id       = idcsmfa_sms_factor.ci.factor_id
#   method          = "SMS"
#   private_key_pem = var.trusted_client_key_pem  # ephemeral variable
#   certificate_pem = file("trusted-client.pem")
# }
