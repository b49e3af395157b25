terraform {
  required_version = ">= 1.11" # write-only otp_code_wo
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# First apply: enrolls the number; the service texts a passcode to the user and the factor
# stays ENROLLMENT_INITIATED (the apply warns where the passcode went).
# Second apply: the passcode in TF_VAR_sms_otp and TF_VAR_sms_otp_version=1 submit it and
# the factor becomes ENROLLED. The passcode is write-only: never in plan or state. Keep the
# version at 1 afterwards (a later passcode for a new factor needs 2, and so on).
resource "idcsmfa_sms_factor" "phone" {
  user_id       = "7b3d902ab05b4214bae6b2924ca6be21" # the user's GUID, in lower case (not the OCID)
  country_code  = "+44"
  mobile_number = "7700900123" # the national number without its trunk 0 (not 07700900123)

  otp_code_wo         = var.sms_otp
  otp_code_wo_version = var.sms_otp_version

  # Raise to have a new passcode sent while the factor is pending.
  otp_resend_version = var.sms_resend_version
}

variable "sms_otp" {
  type      = string
  default   = null
  sensitive = true
  ephemeral = true
}

variable "sms_otp_version" {
  type    = number
  default = null
}

variable "sms_resend_version" {
  type    = number
  default = null
}

# A test user's factor, enrolled at once without a passcode (skipFactorVerification).
resource "idcsmfa_sms_factor" "test_user" {
  user_id           = "b0b00000000000000000000000000002"
  country_code      = "+1"
  mobile_number     = "5550100"
  skip_verification = true
}
