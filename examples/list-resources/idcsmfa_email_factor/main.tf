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
resource "idcsmfa_email_factor" "alice_mail" {
  user_id           = "7b3d902ab05b4214bae6b2924ca6be21"
  skip_verification = true
}
