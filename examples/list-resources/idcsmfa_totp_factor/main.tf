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
resource "idcsmfa_totp_factor" "alice_app" {
  user_id                  = "7b3d902ab05b4214bae6b2924ca6be21"
  display_name             = "Authenticator app"
  shared_secret_wo         = var.totp_secret
  shared_secret_wo_version = 1
}

variable "totp_secret" {
  type        = string
  description = "Base32 TOTP secret (TF_VAR_totp_secret), never stored."
  sensitive   = true
  ephemeral   = true
}
