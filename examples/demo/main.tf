# The demo of `make demo`: enroll a user's SMS and email factors, finish both with the
# passcodes the user received, read the user's factors back, audit who has no MFA, and prove
# that the SMS factor works with a verification the user never sees.
# scripts/demo.sh runs it against the emulator; it works the same against a real domain.

terraform {
  required_version = ">= 1.11"
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# host and credentials come from IDCS_HOST, IDCS_CLIENT_ID and IDCS_CLIENT_SECRET.
provider "idcsmfa" {}

variable "user_name" {
  description = "The user whose factors are enrolled."
  type        = string
  default     = "alice@example.com"
}

variable "mobile_number" {
  description = "The user's mobile number: country code and national number."
  type = object({
    country_code = string
    number       = string
  })
  default = {
    country_code = "+44"
    number       = "7700900123"
  }
}

# The passcodes the user received. Ephemeral: Terraform keeps them out of plan and state,
# and they can only flow into write-only attributes.
variable "sms_otp" {
  type      = string
  default   = null
  sensitive = true
  ephemeral = true
}

variable "email_otp" {
  type      = string
  default   = null
  sensitive = true
  ephemeral = true
}

# Raise this number to submit the passcodes above (null until the user has them), and keep
# it afterwards: dropping it plans a change back to null.
variable "otp_version" {
  type    = number
  default = null
}

data "idcsmfa_user_factors" "user" {
  user_name = var.user_name
}

resource "idcsmfa_sms_factor" "phone" {
  user_id       = data.idcsmfa_user_factors.user.user_id
  country_code  = var.mobile_number.country_code
  mobile_number = var.mobile_number.number

  otp_code_wo         = var.sms_otp
  otp_code_wo_version = var.otp_version
}

resource "idcsmfa_email_factor" "mail" {
  user_id = data.idcsmfa_user_factors.user.user_id

  otp_code_wo         = var.email_otp
  otp_code_wo_version = var.otp_version
}

# Read again once the factors have changed, to show what the domain now holds.
data "idcsmfa_user_factors" "after" {
  user_id    = data.idcsmfa_user_factors.user.user_id
  depends_on = [idcsmfa_sms_factor.phone, idcsmfa_email_factor.mail]
}

# Proof that the SMS factor works (set verify = true once it is enrolled): the service returns
# the passcode encrypted for the application's trusted client certificate instead of texting
# it, and the provider decrypts and submits it. Nothing reaches the user; nothing is stored.
variable "verify" {
  type    = bool
  default = false
}

variable "private_key_pem" {
  type      = string
  default   = null
  sensitive = true
  ephemeral = true
}

variable "certificate_pem" {
  type    = string
  default = null
}

ephemeral "idcsmfa_factor_verification" "sms" {
  count           = var.verify ? 1 : 0
  user_name       = var.user_name
  factor_id       = idcsmfa_sms_factor.phone.factor_id
  method          = "SMS"
  private_key_pem = var.private_key_pem
  certificate_pem = var.certificate_pem
}

data "idcsmfa_users" "all" {
  depends_on = [idcsmfa_sms_factor.phone, idcsmfa_email_factor.mail]
}

output "user_id" {
  description = "The user's id (GUID)."
  value       = data.idcsmfa_user_factors.user.user_id
}

output "factors" {
  description = "Status of the factors this configuration manages."
  value = {
    sms   = { id = idcsmfa_sms_factor.phone.factor_id, status = idcsmfa_sms_factor.phone.status, sent_to = idcsmfa_sms_factor.phone.display_name }
    email = { id = idcsmfa_email_factor.mail.factor_id, status = idcsmfa_email_factor.mail.status, sent_to = idcsmfa_email_factor.mail.display_name }
  }
}

output "user_factors" {
  description = "The user's enrolled factors and preferred method, as the domain reports them."
  value = {
    preferred_method = data.idcsmfa_user_factors.after.preferred_method
    factors          = [for f in data.idcsmfa_user_factors.after.factors : "${join("+", f.methods)} ${f.display_name}"]
  }
}

output "users_without_mfa" {
  description = "Audit: users of the domain with no enrolled device (the definition examples/audit explains)."
  value       = sort([for u in data.idcsmfa_users.all.users : u.user_name if u.enrolled_devices == 0])
}
