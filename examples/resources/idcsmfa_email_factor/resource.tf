terraform {
  required_version = ">= 1.11" # write-only otp_code_wo
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# Enrolls the user's primary email address (shown in display_name). The service emails a
# passcode; submit it with the write-only otp_code_wo by raising otp_code_wo_version (pass
# both as TF_VAR_email_otp and TF_VAR_email_otp_version), or wait for it to be submitted
# elsewhere with an idcsmfa_factor_activation resource.
resource "idcsmfa_email_factor" "mail" {
  user_id = "7b3d902ab05b4214bae6b2924ca6be21"

  otp_code_wo         = var.email_otp
  otp_code_wo_version = var.email_otp_version
}

variable "email_otp" {
  type      = string
  default   = null
  sensitive = true
  ephemeral = true
}

variable "email_otp_version" {
  type    = number
  default = null
}

# A test user's factor, enrolled at once without a passcode (skipFactorVerification).
resource "idcsmfa_email_factor" "test_user" {
  user_id           = "b0b00000000000000000000000000002"
  skip_verification = true
}
