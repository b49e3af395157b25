terraform {
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# The identity domain's MFA policy. Reading it needs the Security Administrator app role
# (or Identity Domain Administrator) on the provider's confidential application; with that
# role the factor resources also check new factors against it at plan time.
data "idcsmfa_mfa_settings" "domain" {}

# What an authenticator app must be set up with for this domain: idcsmfa_totp_factor takes
# these values when period, digits and algorithm are left out.
output "totp_settings" {
  value = data.idcsmfa_mfa_settings.domain.totp
}

output "sms_enabled" {
  value = contains(data.idcsmfa_mfa_settings.domain.enabled_factors, "SMS")
}

# Validity is in minutes, as the domain keeps it.
output "email_passcode_validity_minutes" {
  value = data.idcsmfa_mfa_settings.domain.email_passcode_validity_minutes
}

output "attempts_before_lockout" {
  value = data.idcsmfa_mfa_settings.domain.max_incorrect_attempts
}
