# terraform query lists the enrolled SMS factors of every user whose user name ends with
# @example.com (a SCIM filter: needs the User Administrator app role); add
# -generate-config-out=generated.tf to get import blocks and configuration for them.
list "idcsmfa_sms_factor" "staff" {
  provider = idcsmfa
  config {
    filter = "userName ew \"@example.com\""
  }
}
