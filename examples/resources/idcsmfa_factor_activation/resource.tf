terraform {
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# Enroll the user's email factor; the service emails the user a passcode and the factor
# stays ENROLLMENT_INITIATED.
resource "idcsmfa_email_factor" "mail" {
  user_id = "7b3d902ab05b4214bae6b2924ca6be21"
}

# Wait, during the same apply, until someone else submits the passcode: another pipeline
# stage or workspace with otp_code_wo, another tool, or the emulator's out-of-band actor in
# tests. Oracle does not document that the user can finish it in the identity domain's own
# pages. Apply fails after timeouts.create with what is still pending and how to send a new
# passcode.
resource "idcsmfa_factor_activation" "mail" {
  user_id   = idcsmfa_email_factor.mail.user_id
  factor_id = idcsmfa_email_factor.mail.factor_id

  timeouts {
    create = "30m"
  }
}

# What must only happen once the factor works (group membership, application access)
# refers to the activation, so Terraform runs it after the wait.
resource "terraform_data" "grant_app_access" {
  input = idcsmfa_factor_activation.mail.id
}
