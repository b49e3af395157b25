# An email factor is imported by <user_id>/<factor_id> (the idcsmfa_user_factors data
# source lists a user's factor ids). An import block does the same:
#   import {
#     to = idcsmfa_email_factor.mail
#     id = "7b3d902ab05b4214bae6b2924ca6be21/b3e04149d958437b9b801fa70c33ca70"
#   }
terraform import idcsmfa_email_factor.mail 7b3d902ab05b4214bae6b2924ca6be21/b3e04149d958437b9b801fa70c33ca70
