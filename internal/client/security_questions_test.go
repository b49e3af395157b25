package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The wire shapes of the security-question calls: the catalogue's pages and texts, the
// settings, a user's secQuestions, and the PatchOp of /admin/v1/Me for each op.
func TestSecurityQuestionCallsOnTheWire(t *testing.T) {
	var bodies []string
	var queries []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, r.Method+" "+r.URL.Path+" "+string(b))
		queries = append(queries, r.URL.RawQuery)
		switch {
		case r.URL.Path == securityCatalogPath && r.URL.Query().Get("startIndex") == "1":
			writeJSON(w, 200, `{"totalResults":2,"Resources":[{"id":"FirstCar","active":true,"type":"default","questionText":[{"value":"Erste Auto?","locale":"de"},{"value":"First car?","locale":"en","default":true}]}]}`)
		case r.URL.Path == securityCatalogPath:
			writeJSON(w, 200, `{"totalResults":2,"Resources":[{"id":"FavDog","active":false,"type":"custom","questionText":[{"value":"Dog?","locale":"en"}]}]}`)
		case r.URL.Path == securitySettingsPath:
			writeJSON(w, 200, `{"id":"SecurityQuestionSettings","numQuestionsToSetup":2,"numQuestionsToAns":1,"minAnswerLength":8,"maxFieldLength":40}`)
		case r.URL.Path == "/admin/v1/Users/u1":
			writeJSON(w, 200, `{"id":"u1","urn:ietf:params:scim:schemas:oracle:idcs:extension:securityQuestions:User":{"secQuestions":[{"value":"FirstCar","hintText":"red"}]}}`)
		case r.URL.Path == mePath && r.Method == http.MethodGet:
			writeJSON(w, 200, `{"id":"me"}`)
		default:
			writeJSON(w, 200, `{"id":"me"}`)
		}
	})
	c, _ := newTestClient(t, h)
	ctx := context.Background()

	qs, err := c.ListSecurityQuestions(ctx)
	if err != nil || len(qs) != 2 || qs[0] != (CatalogQuestion{ID: "FirstCar", Text: "First car?", Active: true, Type: "default"}) ||
		qs[1] != (CatalogQuestion{ID: "FavDog", Text: "Dog?", Active: false, Type: "custom"}) {
		t.Fatalf("catalogue: %+v, %v", qs, err)
	}
	if !strings.Contains(queries[1], "startIndex=2") {
		t.Errorf("second page asked with %q, want startIndex=2", queries[1])
	}
	s, err := c.GetSecurityQuestionSettings(ctx)
	if err != nil || *s != (SecurityQuestionSettings{NumQuestionsToSetUp: 2, NumQuestionsToAns: 1, MinAnswerLength: 8, MaxFieldLength: 40}) {
		t.Fatalf("settings: %+v, %v", s, err)
	}
	uq, err := c.UserSecurityQuestions(ctx, "u1")
	if err != nil || len(uq) != 1 || uq[0] != (UserSecurityQuestion{ID: "FirstCar", HintText: "red"}) {
		t.Fatalf("user's questions: %+v, %v", uq, err)
	}
	if !strings.Contains(queries[3], "securityQuestions%3AUser%3AsecQuestions") {
		t.Errorf("user read asked %q, want the secQuestions attribute named", queries[3])
	}
	mine, err := c.MySecurityQuestions(ctx)
	if err != nil || mine == nil || len(mine) != 0 {
		t.Fatalf("no questions: %+v, %v (want an empty list)", mine, err)
	}

	bodies = nil
	answers := []SecurityAnswer{{ID: "FirstCar", Answer: "Ford Pinto", HintText: "red"}}
	for _, op := range []string{MyQuestionsAdd, MyQuestionsReplace, MyQuestionsRemove} {
		if err := c.SetMySecurityQuestions(ctx, op, answers); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
	}
	want := []string{
		`PATCH /admin/v1/Me {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"` + secQuestionsPath + `","value":[{"value":"FirstCar","answer":"Ford Pinto","hintText":"red"}]}]}`,
		`PATCH /admin/v1/Me {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"` + secQuestionsPath + `","value":[{"value":"FirstCar","answer":"Ford Pinto","hintText":"red"}]}]}`,
		`PATCH /admin/v1/Me {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"` + secQuestionsPath + `"}]}`,
	}
	if strings.Join(bodies, "\n") != strings.Join(want, "\n") {
		t.Errorf("bodies:\n%s\nwant:\n%s", strings.Join(bodies, "\n"), strings.Join(want, "\n"))
	}
	if err := c.SetMySecurityQuestions(ctx, MyQuestionsAdd, nil); err == nil || len(bodies) != 3 {
		t.Errorf("an add without answers: %v, %d requests (want a refusal before sending)", err, len(bodies)-3)
	}
	if err := c.SetMySecurityQuestions(ctx, "move", answers); err == nil || len(bodies) != 3 {
		t.Errorf("an unknown op: %v (want a refusal before sending)", err)
	}
}

// A refused answer is an *APIError whose text shows the service's rule and never the answer
// sent (the secret scrubbing covers the "answer" key of the PatchOp's values).
func TestSetMySecurityQuestionsRefusalHidesTheAnswer(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var op struct {
			Operations []struct {
				Value []struct{ Answer string } `json:"value"`
			}
		}
		_ = json.Unmarshal(b, &op)
		writeJSON(w, 400, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","detail":"The answer `+
			op.Operations[0].Value[0].Answer+` must have at least 6 characters."}`)
	})
	c, _ := newTestClient(t, h)
	err := c.SetMySecurityQuestions(context.Background(), MyQuestionsAdd, []SecurityAnswer{{ID: "FirstCar", Answer: "Pinto"}})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || !strings.Contains(err.Error(), "at least 6 characters") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "Pinto") {
		t.Errorf("the error shows the answer: %v", err)
	}
}
