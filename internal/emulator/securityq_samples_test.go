package emulator

import (
	"net/http"
	"testing"
)

// Oracle's answers to the first two steps of its self-service security-question flow (PM-REST,
// REST_API_for_Oracle_Identity_Cloud_Service.postman_collection.json @ 601100e, "Enrolling in MFA
// Using the Security Questions Factor"): the settings as published, and the list cut to its first
// question with two of its eleven locales. They are not in mfa_examples.json, which keeps the
// requests that touch factors.
const (
	oracleSecQSettingsSample = `{"idcsLastModifiedBy":{"type":"App","value":"d6848464b9aa404b95a30ddba7a5f91a","display":"idcssm","$ref":"https://example.identitycloud.com/admin/v1/Apps/d6848464b9aa404b95a30ddba7a5f91a"},
 "idcsCreatedBy":{"type":"App","display":"idcssm","value":"d6848464b9aa404b95a30ddba7a5f91a","$ref":"https://example.identitycloud.com/admin/v1/Apps/d6848464b9aa404b95a30ddba7a5f91a"},
 "minAnswerLength":6,"id":"SecurityQuestionSettings","maxFieldLength":100,
 "meta":{"created":"2018-11-01T11:13:32.035Z","lastModified":"2018-11-01T11:13:32.035Z","resourceType":"SecurityQuestionSettings","location":"https://example.identitycloud.com/admin/v1/SecurityQuestionSettings/SecurityQuestionSettings"},
 "numQuestionsToAns":1,"numQuestionsToSetup":3,"schemas":["urn:ietf:params:scim:schemas:oracle:idcs:SecurityQuestionSettings"]}`
	oracleSecQListSample = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":15,"Resources":[
 {"idcsLastModifiedBy":{"type":"App","value":"d6848464b9aa404b95a30ddba7a5f91a","display":"idcssm","$ref":"https://example.identitycloud.com/admin/v1/Apps/d6848464b9aa404b95a30ddba7a5f91a"},
  "idcsCreatedBy":{"type":"App","display":"idcssm","value":"d6848464b9aa404b95a30ddba7a5f91a","$ref":"https://example.identitycloud.com/admin/v1/Apps/d6848464b9aa404b95a30ddba7a5f91a"},
  "type":"default","id":"FavoriteBook",
  "meta":{"created":"2018-11-01T11:13:24.604Z","lastModified":"2018-11-01T11:13:24.604Z","resourceType":"SecurityQuestion","location":"https://example.identitycloud.com/admin/v1/SecurityQuestions/FavoriteBook"},
  "active":true,"questionText":[{"value":"Was ist Ihr Lieblingsbuch?","locale":"de"},{"default":true,"value":"What's your favorite book?","locale":"en"}],
  "schemas":["urn:ietf:params:scim:schemas:oracle:idcs:SecurityQuestion"]}],
 "startIndex":1,"itemsPerPage":48}`
)

// Issue 27 item 5: the emulator answers Oracle's first two steps with the samples' shape (a
// user's token, as the samples send), and the values the settings sample publishes.
func TestSecurityQuestionSamplesShape(t *testing.T) {
	h := newHarness(t, Config{})
	_, tok := h.selfUser("jbloggs")
	for _, c := range []struct {
		path   string
		sample string
		allow  []string
	}{
		{secQSettingsPath + "/SecurityQuestionSettings", oracleSecQSettingsSample, nil},
		// The emulator's catalogue is in English only: the sample's German text has no "default".
		{securityQuestionsPath + "?count=48&startIndex=1", oracleSecQListSample, []string{"$.Resources[].questionText[].default: not in Oracle's example"}},
	} {
		st, _, raw := h.doWith(tok, http.MethodGet, c.path, nil)
		checkExampleAnswer(t, "GET "+c.path, confExample{Name: c.path, Code: 200, ResponseBody: c.sample}, st, raw, c.allow)
	}
	set := h.mustDoWith(tok, 200, http.MethodGet, secQSettingsPath+"/SecurityQuestionSettings", nil)
	for k, want := range map[string]float64{"minAnswerLength": 6, "maxFieldLength": 100, "numQuestionsToAns": 1, "numQuestionsToSetup": 3} {
		if set[k] != want {
			t.Errorf("%s = %v, Oracle's sample %v", k, set[k], want)
		}
	}
}
