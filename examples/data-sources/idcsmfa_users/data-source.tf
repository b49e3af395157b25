terraform {
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# Every user whose login name starts with "ci-", with their MFA status. Listing users needs
# the User Administrator app role (see the provider page for the smallest role per object).
data "idcsmfa_users" "ci" {
  filter = "userName sw \"ci-\""
}

# "Without MFA" means no enrolled device (enrolled_devices == 0): nothing the user could
# sign in with. mfa_status is the domain's label, not the same thing: a user exempted
# (IGNORED) or with MFA turned off (DISABLED) may still hold devices, or none.
output "ci_users_without_mfa" {
  value = [for u in data.idcsmfa_users.ci.users : u.user_name if u.enrolled_devices == 0]
}

output "ci_users_by_preferred_factor" {
  value = { for u in data.idcsmfa_users.ci.users : u.user_name => u.preferred_factor if u.preferred_factor != null }
}
