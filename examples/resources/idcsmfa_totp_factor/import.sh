# A TOTP factor is imported by <user_id>/<factor_id> (the idcsmfa_user_factors data source
# lists a user's factor ids). The service never shows a secret: leave shared_secret_wo and
# shared_secret_wo_version out of the imported factor's configuration, and it plans no change.
terraform import idcsmfa_totp_factor.ci 0f1e2d3c4b5a69788796a5b4c3d2e1f0/06f15b2c8a7e4d3f9b1a0c5e7d9f2a41
