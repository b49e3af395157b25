# terraform query lists the enrolled email factor of one user, found by user name.
list "idcsmfa_email_factor" "alice" {
  provider = idcsmfa
  config {
    user_name = "alice@example.com"
  }
}
