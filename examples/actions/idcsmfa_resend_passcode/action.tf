terraform {
  required_version = ">= 1.14" # actions
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# The user's email factor, activated out of band: the user finishes the enrollment without
# the API while the activation waits (see the guide "Activation flows").
resource "idcsmfa_email_factor" "mail" {
  user_id = "7b3d902ab05b4214bae6b2924ca6be21"
}

resource "idcsmfa_factor_activation" "mail" {
  user_id   = idcsmfa_email_factor.mail.user_id
  factor_id = idcsmfa_email_factor.mail.factor_id

  timeouts {
    create = "30m"
  }
}

# When the passcode did not arrive or expired, send a new one without changing anything else:
#   terraform apply -invoke=action.idcsmfa_resend_passcode.mail
# (For an SMS factor, also give country_code and mobile_number, e.g. from the
# idcsmfa_sms_factor resource.) The action restarts the enrollment: a passcode submitted
# through the API (otp_code_wo, another tool) needs otp_resend_version instead.
action "idcsmfa_resend_passcode" "mail" {
  config {
    user_id   = idcsmfa_email_factor.mail.user_id
    factor_id = idcsmfa_email_factor.mail.factor_id
  }
}
