# Security questions are imported by the user's GUID (one set per user). The service never
# shows the answers: leave answers_wo and answers_wo_version out of the imported resource's
# configuration, and it plans no change; set them (version 1) when the answers are to be replaced.
terraform import idcsmfa_security_questions.backup 0f1e2d3c4b5a69788796a5b4c3d2e1f0
