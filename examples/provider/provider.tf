# Client credentials of a confidential application that allows the client credentials
# grant and has the "MFA Client" app role. Leave out what comes from the environment:
# IDCS_HOST, IDCS_CLIENT_ID, IDCS_CLIENT_SECRET (or IDCS_ACCESS_TOKEN).
provider "idcsmfa" {
  host          = "https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com"
  client_id     = var.idcs_client_id
  client_secret = var.idcs_client_secret
}

variable "idcs_client_id" {
  type = string
}

variable "idcs_client_secret" {
  type      = string
  sensitive = true
}

# Or with an access token obtained elsewhere (it is not renewed: it must outlive the run):
#
# provider "idcsmfa" {
#   host         = "https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com"
#   access_token = var.idcs_access_token
# }
