# An activation is imported by <user_id>/<factor_id>; the factor must be ENROLLED.
terraform import idcsmfa_factor_activation.mail 7b3d902ab05b4214bae6b2924ca6be21/b3e04149d958437b9b801fa70c33ca70
