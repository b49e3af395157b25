terraform {
  required_version = ">= 1.14" # actions
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# The user's email factor, enrolled here and finished out of band: the user submits the
# passcode without the API (or a later pipeline stage waits for it with an
# idcsmfa_factor_activation in its own configuration; see the guide "Activation flows").
resource "idcsmfa_email_factor" "mail" {
  user_id = "7b3d902ab05b4214bae6b2924ca6be21"
}

# When the passcode did not arrive or expired, send a new one without changing anything else,
# once the apply that enrolled the factor has finished:
#   terraform apply -invoke=action.idcsmfa_resend_passcode.mail
# -invoke takes the state lock like any apply, so it cannot run while an apply of this
# configuration is still running (for example one whose idcsmfa_factor_activation is waiting);
# that is why the activation belongs to another configuration or stage. Before the factor
# exists, its factor_id is unknown and Terraform refuses the invocation.
# For an SMS factor, also give country_code and mobile_number (e.g. from the
# idcsmfa_sms_factor resource). The action restarts the enrollment: a passcode submitted
# through the API (otp_code_wo) needs otp_resend_version instead.
action "idcsmfa_resend_passcode" "mail" {
  config {
    user_id   = idcsmfa_email_factor.mail.user_id
    factor_id = idcsmfa_email_factor.mail.factor_id
  }
}
