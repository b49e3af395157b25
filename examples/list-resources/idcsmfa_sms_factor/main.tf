terraform {
  required_version = ">= 1.14" # list resources and terraform query
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# host and credentials from IDCS_HOST, IDCS_CLIENT_ID and IDCS_CLIENT_SECRET.
provider "idcsmfa" {}

# A factor for the query (list-resource.tfquery.hcl) to find; in practice it lists the factors
# users enrolled outside Terraform. Run terraform apply, then terraform query.
resource "idcsmfa_sms_factor" "bob_phone" {
  user_id           = "b0b00000000000000000000000000002"
  country_code      = "+44"
  mobile_number     = "7700900456"
  skip_verification = true
}
