terraform {
  required_version = ">= 1.11"
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# Self-service enrollment: alice enrolls her own phone with her own credentials, through the
# identity domain's /admin/v1/My* endpoints. An administrator's provider (the default one,
# IDCS_HOST / IDCS_CLIENT_ID / IDCS_CLIENT_SECRET with the MFA Client role) gives her a first
# factor, her e-mail, so that her own phone is never her only device: a user may not delete
# their last device themselves.

provider "idcsmfa" {}

# The user's provider: the password grant of an application with the "Me" app role. The
# defaults are the emulator's (its selfservice-client and examples/emulator-users.json); on a
# real domain pass your own, the password through TF_VAR_password (or IDCS_PASSWORD with
# password left out of the block).
provider "idcsmfa" {
  alias         = "me"
  client_id     = var.me_client_id
  client_secret = var.me_client_secret
  username      = var.username
  password      = var.password
}

variable "me_client_id" {
  type    = string
  default = "selfservice-client"
}

variable "me_client_secret" {
  type      = string
  default   = "selfservice-secret"
  sensitive = true
}

variable "username" {
  type    = string
  default = "alice@example.com"
}

variable "password" {
  type      = string
  default   = "Alice-Passw0rd"
  sensitive = true
  ephemeral = true
}

# The signed-in user's GUID, read by name: self-service manages only this user's factors.
data "idcsmfa_user_factors" "me" {
  provider  = idcsmfa.me
  user_name = var.username
}

# The administrator's first factor for alice, enrolled without a passcode.
resource "idcsmfa_email_factor" "first" {
  user_id           = data.idcsmfa_user_factors.me.user_id
  skip_verification = true
}

# Alice's own phone. The identity domain texts her a passcode; she submits it with
# otp_code_wo (TF_VAR_sms_otp and a raised TF_VAR_sms_otp_version) in the next apply, or
# finishes the enrollment on her own while the activation below waits (Oracle does not
# document whether its pages allow that; make examples plays her with the emulator). With
# otp_code_wo, keep the activation in another configuration: an apply that waits here holds
# this state and the only requestState until the wait ends (guide "Activation flows").
resource "idcsmfa_sms_factor" "phone" {
  provider      = idcsmfa.me
  user_id       = data.idcsmfa_user_factors.me.user_id
  country_code  = "+44"
  mobile_number = "7700900123"

  otp_code_wo         = var.sms_otp
  otp_code_wo_version = var.sms_otp_version

  # Destroyed before the administrator's factor, so that alice always keeps a device.
  depends_on = [idcsmfa_email_factor.first]
}

resource "idcsmfa_factor_activation" "phone" {
  provider  = idcsmfa.me
  user_id   = idcsmfa_sms_factor.phone.user_id
  factor_id = idcsmfa_sms_factor.phone.factor_id
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

output "phone_status" {
  value = idcsmfa_factor_activation.phone.status
}
