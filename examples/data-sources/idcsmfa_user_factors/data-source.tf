terraform {
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# Look a user up by login name (or set user_id to the user's GUID instead). Reading factors
# needs only the Authenticator Client app role.
data "idcsmfa_user_factors" "alice" {
  user_name = "alice@example.com"
}

output "alice_user_id" {
  description = "The user's GUID: the user_id the factor resources take (not the OCID the OCI Console shows)."
  value       = data.idcsmfa_user_factors.alice.user_id
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
