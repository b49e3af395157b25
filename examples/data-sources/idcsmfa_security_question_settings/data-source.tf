terraform {
  required_providers {
    idcsmfa = {
      source = "idcsmfa/idcsmfa"
    }
  }
}

# The domain's security questions and the rules for answering them. An application needs the
# Security Administrator app role (or Identity Domain Administrator) to read them; in
# self-service mode the signed-in user reads them.
data "idcsmfa_security_question_settings" "domain" {}

# The ids idcsmfa_security_questions takes in questions.
output "question_ids" {
  value = [for q in data.idcsmfa_security_question_settings.domain.questions : q.id if q.active]
}

output "rules" {
  value = {
    questions_to_set_up = data.idcsmfa_security_question_settings.domain.num_questions_to_set_up
    answer_length       = "${data.idcsmfa_security_question_settings.domain.min_answer_length} to ${data.idcsmfa_security_question_settings.domain.max_field_length} characters"
  }
}
