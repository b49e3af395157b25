terraform {
  required_version = ">= 1.11"
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# An enrolled factor...
resource "idcsmfa_email_factor" "mail" {
  user_id           = "0f1e2d3c4b5a69788796a5b4c3d2e1f1"
  skip_verification = true # a test user: enrolled without a passcode round trip
}

# ...made the factor the identity domain asks the user for first. The method is derived from
# the factor (EMAIL here); set `method` for a factor with several, such as ["TOTP", "PUSH"].
# Destroying this resource leaves the preference as it is: the API cannot unset it.
resource "idcsmfa_preferred_factor" "ci" {
  user_id   = idcsmfa_email_factor.mail.user_id
  factor_id = idcsmfa_email_factor.mail.factor_id
}
