# A backup factor for the CI test user: security questions, which a pipeline can answer too
# (idcsmfa_factor_verification with security_answers, below). TOTP stays the preferred factor; the
# questions are asked only when the sign-in offers a backup factor and the test picks it.
#
#   export TF_VAR_security_answers='{FirstCar="…", FirstPet="…", DreamJob="…"}'
variable "security_answers" {
  type        = map(string)
  description = "Answers to the test user's security questions, by question id, from the secret store."
  sensitive   = true
  ephemeral   = true # never in the plan or the state
  default     = null # needed to set the questions up, not to plan or destroy them afterwards
}

variable "security_answers_version" {
  type        = number
  description = "Raise together with new security_answers to replace the answers."
  default     = 1
}

resource "idcsmfa_security_questions" "ci" {
  user_id            = var.user_id
  questions          = ["DreamJob", "FirstCar", "FirstPet"]
  answers_wo         = var.security_answers
  answers_wo_version = var.security_answers_version
}

variable "verify_security_answers" {
  type        = bool
  description = "Verify the answers on every plan and apply. Set to false to plan or destroy without security_answers."
  default     = true
}

# Proves that the answers work, in the same configuration. factor_id comes from the resource,
# not the literal "SecurityQuestions": it is unknown in the plan whenever the apply sends
# answers (set-up, a raised version), so Terraform verifies during the apply, after the
# answers are sent. The literal would verify at plan time against the answers the domain holds
# then: none on the first apply (AUTH-1014), the old ones on a rotation (AUTH-1026, a wrong
# answer counted towards locking the user). A failed verification fails the plan or apply.
ephemeral "idcsmfa_factor_verification" "backup" {
  count            = var.verify_security_answers ? 1 : 0
  user_id          = idcsmfa_security_questions.ci.user_id
  factor_id        = idcsmfa_security_questions.ci.factor_id
  method           = "SECURITY_QUESTIONS"
  security_answers = var.security_answers
}
