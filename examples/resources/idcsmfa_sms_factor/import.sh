# An SMS factor is imported by <user_id>/<factor_id> (the idcsmfa_user_factors data source
# lists a user's factor ids). The service shows the number masked (+44XXXXXXX123), so right
# after import mobile_number holds the masked number and country_code ""; a configuration
# whose number matches the mask plans an in-place update that records the real number (and
# sends nothing). Otherwise country_code and mobile_number are stored in state in clear, as
# configured.
terraform import idcsmfa_sms_factor.phone 7b3d902ab05b4214bae6b2924ca6be21/88178d80636a428393a5674ba46dc867
