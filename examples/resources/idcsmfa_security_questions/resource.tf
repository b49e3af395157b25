terraform {
  required_version = ">= 1.11" # write-only answers_wo
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# A user's security questions, a backup factor. The question ids come from the domain's list
# (data.idcsmfa_security_question_settings); the answers are write-only: never in the plan,
# the state or a log line. Pass them through the environment, never with -var:
#
#   export TF_VAR_security_answers='{FirstCar="…", FirstPet="…", DreamJob="…"}'
#
# To verify the answers in this configuration, give idcsmfa_factor_verification
# factor_id = idcsmfa_security_questions.backup.factor_id (see the guide "CI test users"): it
# then verifies during the apply, after the answers are sent. A literal "SecurityQuestions"
# verifies at plan time against the answers the domain holds then.
resource "idcsmfa_security_questions" "backup" {
  user_id   = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
  questions = ["DreamJob", "FirstCar", "FirstPet"]

  answers_wo         = var.security_answers
  answers_wo_version = var.security_answers_version # raise with new answers to replace them
}

variable "security_answers" {
  type        = map(string)
  description = "The answers, by question id: exactly the ids of questions."
  sensitive   = true
  ephemeral   = true
  default     = null # needed to set the questions up, not to plan or destroy them afterwards
}

variable "security_answers_version" {
  type    = number
  default = 1
}
