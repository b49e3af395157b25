terraform {
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# The configuration that waits. The factor belongs to another configuration (another
# workspace or pipeline stage), which enrolled it and submits the user's passcode with
# otp_code_wo (flow 2 of the guide "Activation flows") while this apply waits: that
# configuration's state holds the enrollment's requestState, and its apply is not blocked
# by this one's state lock. Pass its factor_id in, e.g. from its outputs.
variable "user_id" {
  type = string
}

variable "factor_id" {
  type        = string
  description = "factor_id of the pending factor, from the configuration that enrolled it."
}

# Waits until the factor is ENROLLED; fails after timeouts.create with what is still pending
# and how to send a new passcode (in the enrolling configuration: raise otp_resend_version).
resource "idcsmfa_factor_activation" "mail" {
  user_id   = var.user_id
  factor_id = var.factor_id

  timeouts {
    create = "30m"
  }
}

# What must only happen once the factor works (group membership, application access)
# refers to the activation, so Terraform runs it after the wait.
resource "terraform_data" "grant_app_access" {
  input = idcsmfa_factor_activation.mail.id
}
