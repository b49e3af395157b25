# A backup factor for the CI test user: security questions, which a pipeline can answer too
# (idcsmfa_factor_verification with security_answers). TOTP stays the preferred factor; the
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
