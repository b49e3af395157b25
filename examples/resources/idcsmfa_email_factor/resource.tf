# Enrolls the user's primary e-mail address (shown in display_name). The service e-mails a
# passcode; submit it with the write-only otp_code_wo by raising otp_code_wo_version, or
# let the user finish out of band with an idcsmfa_factor_activation resource.
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

# Can be imported with an import block as well as with terraform import.
import {
  to = idcsmfa_email_factor.existing
  id = "b0b00000000000000000000000000002/b3e04149d958437b9b801fa70c33ca70"
}

resource "idcsmfa_email_factor" "existing" {
  user_id = "b0b00000000000000000000000000002"
}
