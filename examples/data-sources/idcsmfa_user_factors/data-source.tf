# Look a user up by login name (or set user_id to the user's GUID instead).
data "idcsmfa_user_factors" "alice" {
  user_name = "alice@example.com"
}

output "alice_user_id" {
  value = data.idcsmfa_user_factors.alice.user_id
}

output "alice_preferred_method" {
  value = data.idcsmfa_user_factors.alice.preferred_method
}

# The enrolled factors, sorted by methods then factor_id.
output "alice_sms_numbers" {
  value = [for f in data.idcsmfa_user_factors.alice.factors : f.display_name if contains(f.methods, "SMS")]
}

# A check block warns, without failing the run, when a user has no enrolled factor.
check "alice_has_mfa" {
  assert {
    condition     = length(data.idcsmfa_user_factors.alice.factors) > 0
    error_message = "alice@example.com has no enrolled MFA factor."
  }
}
