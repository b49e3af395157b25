package emulator

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// The security-question catalogue and settings as Oracle's SCIM resources SecurityQuestions
// and SecurityQuestionSettings (OCI Go SDK SecurityQuestion, SecurityQuestionSetting; PM-REST
// "Enrolling in MFA Using the Security Questions Factor", which reads both with the user's
// token before setting the answers). Read only: the catalogue is Oracle's default one.
const (
	securityQuestionSchema = "urn:ietf:params:scim:schemas:oracle:idcs:SecurityQuestion"
	secQSettingsSchema     = "urn:ietf:params:scim:schemas:oracle:idcs:SecurityQuestionSettings"
	secQSettingsID         = "SecurityQuestionSettings"
	securityQuestionsPath  = "/admin/v1/SecurityQuestions"
	secQSettingsPath       = "/admin/v1/SecurityQuestionSettings"
)

func (s *Server) securityQuestionResource(base string, q securityQuestion) map[string]any {
	at := s.started.UTC().Format(scimTimestampLayout)
	return withSystemApp(map[string]any{
		"schemas":      []string{securityQuestionSchema},
		"id":           q.ID,
		"type":         "default",
		"active":       true,
		"questionText": []map[string]any{{"value": q.Text, "locale": "en", "default": true}},
		"meta":         map[string]any{"resourceType": "SecurityQuestion", "created": at, "lastModified": at, "location": base + securityQuestionsPath + "/" + q.ID},
	}, base)
}

// securityQuestionValues are a question's values for a filter or sortBy: id, type, active and
// questionText (its text, which "questionText co" matches as in Oracle's sample).
func securityQuestionValues(q securityQuestion) func(string) []string {
	return func(path string) []string {
		switch strings.ToLower(path) {
		case "id":
			return []string{q.ID}
		case "type":
			return []string{"default"}
		case "active":
			return []string{"true"}
		case "questiontext", "questiontext.value":
			return []string{q.Text}
		}
		return nil
	}
}

// handleSecurityQuestionsList is GET /admin/v1/SecurityQuestions: filter (on id, type,
// active, questionText), sortBy (id or type) and sortOrder, startIndex, count, attributes.
func (s *Server) handleSecurityQuestionsList(r *http.Request) (reply, error) {
	q := r.URL.Query()
	start, count, e := pageParams(q)
	if e != nil {
		return reply{}, e
	}
	qs := append([]securityQuestion(nil), securityQuestionCatalog...)
	if q.Has("filter") {
		f, err := parseFilter(q.Get("filter"))
		if err == nil {
			var paths []string
			filterPaths(f, &paths)
			for _, p := range paths {
				if securityQuestionValues(securityQuestion{})(p) == nil {
					err = errBadFilter
				}
			}
		}
		if err != nil {
			return reply{}, errSCIMInvalidFilter(q.Get("filter"), err)
		}
		kept := qs[:0]
		for _, x := range qs {
			if f.match(securityQuestionValues(x)) {
				kept = append(kept, x)
			}
		}
		qs = kept
	}
	if e := sortSecurityQuestions(qs, q.Get("sortBy"), q.Get("sortOrder")); e != nil {
		return reply{}, e
	}
	start, count = max(start, 1), min(max(count, 0), scimMaxCount)
	page := []any{}
	base, attrs := baseURL(r), queryValues(q, "attributes")
	for i := start - 1; i >= 0 && i < len(qs) && len(page) < count; i++ {
		page = append(page, projectSettings(s.securityQuestionResource(base, qs[i]), attrs))
	}
	return scimOK(http.StatusOK, map[string]any{"schemas": []string{scimListSchema}, "totalResults": len(qs), "Resources": page, "startIndex": start, "itemsPerPage": count})
}

func sortSecurityQuestions(qs []securityQuestion, sortBy, sortOrder string) *scimError {
	desc := false
	switch strings.ToLower(strings.TrimSpace(sortOrder)) {
	case "", "ascending":
	case "descending":
		desc = true
	default:
		return errSCIMInvalidValue("sortOrder " + strconv.Quote(truncate(sortOrder, maxEchoed)) + " is not ascending or descending.")
	}
	switch strings.ToLower(strings.TrimSpace(sortBy)) {
	case "", "type": // every question is of type default: the order stays the catalogue's
	case "id":
		sort.SliceStable(qs, func(i, j int) bool { return (qs[i].ID < qs[j].ID) != desc })
	default:
		return errSCIMInvalidValue("sortBy " + strconv.Quote(truncate(sortBy, maxEchoed)) + " is not an attribute the emulator sorts security questions on (id, type).")
	}
	return nil
}

// handleSecurityQuestionGet is GET /admin/v1/SecurityQuestions/{id}.
func (s *Server) handleSecurityQuestionGet(r *http.Request) (reply, error) {
	id := r.PathValue("id")
	for _, q := range securityQuestionCatalog {
		if q.ID == id {
			return scimOK(http.StatusOK, projectSettings(s.securityQuestionResource(baseURL(r), q), queryValues(r.URL.Query(), "attributes")))
		}
	}
	return reply{}, errSCIMResourceNotFound(id, "SecurityQuestion")
}

func (s *Server) secQSettings(r *http.Request) map[string]any {
	return withSystemApp(map[string]any{
		"schemas":             []string{secQSettingsSchema},
		"id":                  secQSettingsID,
		"meta":                s.singletonMeta(baseURL(r), secQSettingsID, secQSettingsPath),
		"numQuestionsToSetup": s.cfg.SecurityQuestionsToSetUp,
		"numQuestionsToAns":   s.cfg.SecurityQuestionsToAnswer,
		"minAnswerLength":     s.cfg.SecurityAnswerMinLength,
		"maxFieldLength":      s.cfg.SecurityAnswerMaxLength,
	}, baseURL(r))
}

// handleSecQSettingsList is GET /admin/v1/SecurityQuestionSettings.
func (s *Server) handleSecQSettingsList(r *http.Request) (reply, error) {
	return scimOK(http.StatusOK, singletonList(projectSettings(s.secQSettings(r), queryValues(r.URL.Query(), "attributes"))))
}

// handleSecQSettingsGet is GET /admin/v1/SecurityQuestionSettings/SecurityQuestionSettings
// (Oracle's sample's id); any other id is 404.
func (s *Server) handleSecQSettingsGet(r *http.Request) (reply, error) {
	id := r.PathValue("id")
	if !strings.EqualFold(id, secQSettingsID) {
		return reply{}, errSCIMResourceNotFound(id, "SecurityQuestionSettings")
	}
	return scimOK(http.StatusOK, projectSettings(s.secQSettings(r), queryValues(r.URL.Query(), "attributes")))
}
