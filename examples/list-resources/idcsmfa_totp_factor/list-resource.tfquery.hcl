# terraform query lists the enrolled TOTP factors of one user, by the user's GUID, with the
# resource each would be imported as (include_resource).
list "idcsmfa_totp_factor" "alice" {
  provider         = idcsmfa
  include_resource = true
  config {
    user_id = "7b3d902ab05b4214bae6b2924ca6be21"
  }
}
