# Every user whose login name starts with "ci-", with their MFA status.
data "idcsmfa_users" "ci" {
  filter = "userName sw \"ci-\""
}

output "ci_users_without_mfa" {
  value = [for u in data.idcsmfa_users.ci.users : u.user_name if u.enrolled_devices == 0]
}

output "ci_users_by_preferred_factor" {
  value = { for u in data.idcsmfa_users.ci.users : u.user_name => u.preferred_factor if u.preferred_factor != null }
}
