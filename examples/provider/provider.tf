terraform {
  required_version = ">= 1.11"
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# Client credentials of a confidential application that allows the client credentials grant
# and has the "MFA Client" app role (see "Roles" below for the smallest role per object).
# Every argument can instead come from the environment: IDCS_HOST, IDCS_CLIENT_ID,
# IDCS_CLIENT_SECRET (or IDCS_ACCESS_TOKEN); a value set here wins.
provider "idcsmfa" {
  host          = var.idcs_host
  client_id     = var.idcs_client_id
  client_secret = var.idcs_client_secret
}

variable "idcs_host" {
  description = "The identity domain URL, e.g. https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com; null takes IDCS_HOST."
  type        = string
  default     = null
}

variable "idcs_client_id" {
  type    = string
  default = null # IDCS_CLIENT_ID
}

variable "idcs_client_secret" {
  type      = string
  default   = null # IDCS_CLIENT_SECRET
  sensitive = true
}

# Reading a user's factors checks the connection and the credentials.
data "idcsmfa_user_factors" "check" {
  user_name = "alice@example.com"
}

# Or with an access token obtained elsewhere (it is not renewed: it must outlive the run):
#
# provider "idcsmfa" {
#   host         = var.idcs_host
#   access_token = var.idcs_access_token
# }
