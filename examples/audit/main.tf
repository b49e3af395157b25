# MFA audit: who has no enrolled factor, domain-wide and for the users that must have one.
# Reads only; plan or apply it on a schedule. The OAuth client needs the Authenticator
# Client role to read factors and User Administrator to list users; never MFA Client.
#
#   terraform apply -var='required_user=alice@example.com' -var='user_filter=userName sw "ci-"'
#
# "Without MFA" means no enrolled device (enrolled_devices == 0): nothing the user could
# sign in with. mfa_status is the domain's label and says something else: a user exempted
# from MFA (IGNORED) or whose MFA was turned off (DISABLED) may hold devices or none.

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

variable "user_filter" {
  description = "SCIM filter for the users to audit; null audits every user."
  type        = string
  default     = null
}

variable "required_user" {
  description = "A user (login name) who must have an enrolled factor; the check below warns if not."
  type        = string
  default     = "alice@example.com"
}

data "idcsmfa_users" "audited" {
  filter = var.user_filter
}

locals {
  without_mfa = [for u in data.idcsmfa_users.audited.users : u if u.enrolled_devices == 0]
}

output "users_without_mfa" {
  description = "Login names of the users with no enrolled MFA device."
  value       = [for u in local.without_mfa : u.user_name]
}

output "mfa_summary" {
  value = {
    users       = length(data.idcsmfa_users.audited.users)
    without_mfa = length(local.without_mfa)
    by_status = {
      for s in distinct([for u in data.idcsmfa_users.audited.users : coalesce(u.mfa_status, "NONE")]) :
      s => length([for u in data.idcsmfa_users.audited.users : u if coalesce(u.mfa_status, "NONE") == s])
    }
  }
}

# A check block reports a warning and lets the run succeed: the audit never blocks an apply.
# Its scoped data source is read on every plan; an unknown user is a warning too.
check "required_user_has_mfa" {
  data "idcsmfa_user_factors" "required" {
    user_name = var.required_user
  }

  assert {
    condition     = length(data.idcsmfa_user_factors.required.factors) > 0
    error_message = "User ${var.required_user} has no enrolled MFA factor: enroll one (idcsmfa_email_factor or idcsmfa_sms_factor) or ask the user to."
  }
}
