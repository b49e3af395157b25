package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The conformance test replays every /mfa/v1 example of Oracle's Postman samples against
// the emulator: it builds the state the example needs, sends the example's request (with
// the placeholders replaced by live values) and checks the HTTP status and the shape of the
// answer (the same JSON keys, recursively, with the same value types).

type confEntry struct {
	Name     string        `json:"name"`
	Method   string        `json:"method"`
	URL      string        `json:"url"`
	Examples []confExample `json:"examples"`
}

type confExample struct {
	Name string `json:"name"`
	Code int    `json:"code"`
	// Bodies are JSON text in strings; form bodies (token requests) are objects.
	RequestBody  json.RawMessage `json:"request_body"`
	ResponseBody string          `json:"response_body"`
}

// confSetup builds the state for one example and returns the request to send. req is the
// example's request body parsed as JSON (nil when it has none).
type confSetup func(h *harness, user string, req map[string]any) (method, path string, body any)

type confCase struct {
	entry, example string // a substring of the entry's name, a prefix of the example's
	setup          confSetup
}

const examplesFile = "../testdata/conformance/mfa_examples.json"

func TestConformanceWithOracleExamples(t *testing.T) {
	data, err := os.ReadFile(examplesFile)
	if err != nil {
		t.Fatalf("read examples: %v", err)
	}
	var entries []confEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatalf("parse examples: %v", err)
	}
	total, covered, outside := 0, 0, 0
	var uncovered []string
	for _, e := range entries {
		if !strings.Contains(e.URL, "/mfa/v1") {
			outside += len(e.Examples)
			continue
		}
		for _, ex := range e.Examples {
			total++
			c := findCase(e.Name, ex.Name)
			if c == nil {
				uncovered = append(uncovered, fmt.Sprintf("%s / %s: no setup written", e.Name, ex.Name))
				continue
			}
			covered++
			t.Run(shortName(e.Name+" - "+ex.Name), func(t *testing.T) {
				runExample(t, c, ex)
			})
		}
	}
	for _, u := range uncovered {
		t.Logf("not covered: %s", u)
	}
	t.Logf("conformance: %d of %d /mfa/v1 examples covered", covered, total)
	t.Logf("not counted here: %d examples outside /mfa/v1 (self-service /admin/v1/Me, My* and the token grants: TestConformanceSelfServiceWithOracleExamples; /sso/v1, not emulated)", outside)
	if total == 0 {
		t.Fatal("no /mfa/v1 examples found")
	}
	if covered != total {
		t.Errorf("%d examples are not covered", total-covered)
	}
}

func shortName(s string) string {
	s = strings.NewReplacer("Authentication Factor ", "", " / ", "/").Replace(s)
	return s
}

func findCase(entry, example string) *confCase {
	return findNamed(confCases, func(c *confCase) (string, string) { return c.entry, c.example }, entry, example)
}

// findNamed is the first case whose entry part is in the entry's name and whose example
// part begins the example's name.
func findNamed[C any](cases []C, names func(*C) (string, string), entry, example string) *C {
	for i := range cases {
		e, x := names(&cases[i])
		if strings.Contains(entry, e) && strings.HasPrefix(example, x) {
			return &cases[i]
		}
	}
	return nil
}

func runExample(t *testing.T, c *confCase, ex confExample) {
	h := newHarness(t, Config{})
	user := h.newUser("joe.bloggs")
	var req map[string]any
	var reqText string
	_ = json.Unmarshal(ex.RequestBody, &reqText)
	if strings.TrimSpace(reqText) != "" {
		if err := json.Unmarshal([]byte(reqText), &req); err != nil {
			t.Fatalf("example request body is not JSON: %v", err)
		}
	}
	method, path, body := c.setup(h, user, req)
	status, _, raw := h.do(method, path, body)
	checkExampleAnswer(t, method+" "+path, ex, status, raw, nil)
}

// checkExampleAnswer compares the emulator's answer with Oracle's example: the status, and the
// shape of the body (see shapeDiff) but for the differences in allow, written with array
// indexes as [] ("$.Resources[].id: missing").
func checkExampleAnswer(t *testing.T, what string, ex confExample, status int, raw []byte, allow []string) {
	t.Helper()
	if status != ex.Code {
		t.Fatalf("%s: status %d, Oracle's example %d: %s", what, status, ex.Code, raw)
	}
	if strings.TrimSpace(ex.ResponseBody) == "" {
		if len(raw) != 0 {
			t.Fatalf("Oracle's example has no body, the emulator answered %s", raw)
		}
		return
	}
	var want, got any
	if err := json.Unmarshal([]byte(ex.ResponseBody), &want); err != nil {
		t.Fatalf("example response is not JSON: %v", err)
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("emulator response is not JSON: %v: %s", err, raw)
	}
	var diffs []string
	for _, d := range shapeDiff("$", want, got) {
		if !contains(allow, arrayIndex.ReplaceAllString(d, "[]")) {
			diffs = append(diffs, d)
		}
	}
	if len(diffs) > 0 {
		t.Fatalf("shape differs from Oracle's example:\n  %s\nemulator: %s", strings.Join(diffs, "\n  "), raw)
	}
}

var arrayIndex = regexp.MustCompile(`\[\d+\]`)

// shapeDiff compares JSON shapes: objects must have the same keys, values the same JSON
// types; every element of an array must have the shape of some element of the example's.
func shapeDiff(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %s", path, jsonType(got))}
		}
		var diffs []string
		for _, k := range sortedAnyKeys(w) {
			gv, ok := g[k]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			diffs = append(diffs, shapeDiff(path+"."+k, w[k], gv)...)
		}
		for _, k := range sortedAnyKeys(g) {
			if _, ok := w[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: not in Oracle's example", path, k))
			}
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an array, got %s", path, jsonType(got))}
		}
		if len(w) > 0 && len(g) == 0 {
			return []string{fmt.Sprintf("%s: empty, Oracle's example has %d elements", path, len(w))}
		}
		var diffs []string
		for i, ge := range g {
			var best []string
			for _, we := range w {
				d := shapeDiff(fmt.Sprintf("%s[%d]", path, i), we, ge)
				if len(d) == 0 {
					best = nil
					break
				}
				if best == nil || len(d) < len(best) {
					best = d
				}
			}
			diffs = append(diffs, best...)
		}
		return diffs
	default:
		if jsonType(want) != jsonType(got) {
			return []string{fmt.Sprintf("%s: want %s, got %s", path, jsonType(want), jsonType(got))}
		}
		return nil
	}
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func sortedAnyKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// --- state builders used by the setups ---

func withFields(req map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range req {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func (h *harness) enrollEmailPending(user string) (string, string) {
	m := h.enroll(user, map[string]any{"method": "EMAIL"})
	return m["factorId"].(string), m["requestState"].(string)
}

func (h *harness) emailSkip(user string) string {
	return h.enroll(user, map[string]any{"method": "EMAIL", "skipFactorVerification": "true"})["factorId"].(string)
}

func (h *harness) totpSkip(user string) string {
	return h.enroll(user, map[string]any{"method": "TOTP", "offlineTOTP": "true", "skipFactorVerification": "true", "sharedSecret": "JBSWY3DPEHPK3PXP"})["factorId"].(string)
}

func (h *harness) pushEnrolled(user string) string {
	fid := h.enroll(user, map[string]any{"method": "PUSH"})["factorId"].(string)
	if err := h.s.CompleteEnrollment(user, fid); err != nil {
		h.t.Fatalf("CompleteEnrollment: %v", err)
	}
	return fid
}

// securityQuestions enrolls three answers, with hints or without, and returns them.
func (h *harness) securityQuestions(user string, hints bool) map[string]string {
	h.enroll(user, map[string]any{"method": "SECURITY_QUESTIONS"})
	answers := map[string]string{"FirstCar": "Ford Pinto", "MaidenName": "Maddon", "FirstPet": "dogTessy"}
	var items []map[string]any
	for id, a := range answers {
		it := map[string]any{"id": id, "answer": a}
		if hints {
			it["hintText"] = "hint for " + id
		}
		items = append(items, it)
	}
	h.mustDo(http.StatusOK, http.MethodPatch, factorsPath(user)+"/"+SecurityQuestionsFactorID, map[string]any{"securityQuestions": items})
	return answers
}

func (h *harness) initiate(user string, extra ...any) map[string]any {
	body := withFields(map[string]any{"userId": user, "userIdType": "USER_GUID"}, extra...)
	return h.mustDo(http.StatusOK, http.MethodPost, "/mfa/v1/requests", body)
}

func answerAsked(v1 map[string]any, answers map[string]string) []map[string]any {
	qs, _ := v1["securityQuestions"].([]any)
	var out []map[string]any
	for _, q := range qs {
		id := q.(map[string]any)["id"].(string)
		out = append(out, map[string]any{"id": id, "answer": answers[id]})
	}
	return out
}

func requestPath(v1 map[string]any) string { return "/mfa/v1/requests/" + v1["requestId"].(string) }

var confCases = []confCase{
	// Enrollment with verification.
	{"With Factor Verification / SMS Enrollment / Step 1:", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		return http.MethodPost, factorsPath(u), req
	}},
	{"With Factor Verification / SMS Enrollment / Step 1a", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		fid, rs := h.enrollSMS(u, "1122334455")
		return http.MethodPatch, factorsPath(u) + "/" + fid, withFields(req, "requestState", rs)
	}},
	{"With Factor Verification / SMS Enrollment / Step 2", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		fid, rs := h.enrollSMS(u, "1122334455")
		return http.MethodPatch, factorsPath(u) + "/" + fid, withFields(req, "requestState", rs, "otpCode", h.otp(u, fid))
	}},
	{"With Factor Verification / EMAIL Enrollment / Step 1:", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		return http.MethodPost, factorsPath(u), req
	}},
	{"With Factor Verification / EMAIL Enrollment / Step 1a", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		fid, rs := h.enrollEmailPending(u)
		return http.MethodPatch, factorsPath(u) + "/" + fid, withFields(req, "requestState", rs)
	}},
	{"With Factor Verification / EMAIL Enrollment / Step 2", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		fid, rs := h.enrollEmailPending(u)
		return http.MethodPatch, factorsPath(u) + "/" + fid, withFields(req, "requestState", rs, "otpCode", h.otp(u, fid))
	}},
	{"With Factor Verification / Offline TOTP Enrollment / Step 1", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		return http.MethodPost, factorsPath(u), req
	}},
	{"With Factor Verification / Offline TOTP Enrollment / Step 2", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		m := h.enroll(u, map[string]any{"method": "TOTP", "offlineTOTP": true})
		fid := m["factorId"].(string)
		return http.MethodPatch, factorsPath(u) + "/" + fid, withFields(req, "requestState", m["requestState"], "otpCode", h.otp(u, fid))
	}},
	{"Online TOTP Enrollment / Step 1:", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		return http.MethodPost, factorsPath(u), req
	}},
	{"Online TOTP Enrollment / Step 1a", "Pending", func(h *harness, u string, req map[string]any) (string, string, any) {
		fid := h.enroll(u, map[string]any{"method": "TOTP", "offlineTOTP": "false"})["factorId"].(string)
		return http.MethodGet, factorsPath(u) + "/" + fid, nil
	}},
	{"Online TOTP Enrollment / Step 1a", "Enrolled", func(h *harness, u string, req map[string]any) (string, string, any) {
		fid := h.enroll(u, map[string]any{"method": "TOTP", "offlineTOTP": "false"})["factorId"].(string)
		if err := h.s.CompleteEnrollment(u, fid); err != nil {
			h.t.Fatal(err)
		}
		return http.MethodGet, factorsPath(u) + "/" + fid, nil
	}},
	{"PUSH Notification Enrollment / Step 1:", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		return http.MethodPost, factorsPath(u), req
	}},
	{"PUSH Notification Enrollment / Step 1a", "Pending", func(h *harness, u string, req map[string]any) (string, string, any) {
		fid := h.enroll(u, map[string]any{"method": "PUSH"})["factorId"].(string)
		return http.MethodGet, factorsPath(u) + "/" + fid, nil
	}},
	{"PUSH Notification Enrollment / Step 1a", "Enrolled", func(h *harness, u string, req map[string]any) (string, string, any) {
		return http.MethodGet, factorsPath(u) + "/" + h.pushEnrolled(u), nil
	}},
	{"Security Questions Enrollment  / Step 1:", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		return http.MethodPost, factorsPath(u), req
	}},
	{"Security Questions Enrollment  / Step 2:", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		return http.MethodPatch, h.enrollSecurityQuestions(u), req
	}},
	{"Security Questions Enrollment  / Step 2a", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		sq := h.enrollSecurityQuestions(u)
		h.mustDo(http.StatusOK, http.MethodPatch, sq, map[string]any{"securityQuestions": []map[string]any{
			{"id": "FavoriteToy", "answer": "toy123", "hintText": "toyhint"},
			{"id": "FavoriteMovie", "answer": "moviemovie", "hintText": "moviehint"},
			{"id": "FirstPet", "answer": "dogTessy", "hintText": "pethint"},
		}})
		return http.MethodPatch, sq, req
	}},
	// Enrollment without verification.
	{"Without Factor Verification / SMS Enrollment", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		return http.MethodPost, factorsPath(u), req
	}},
	{"Without Factor Verification / EMAIL Enrollment", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		return http.MethodPost, factorsPath(u), req
	}},
	{"Without Factor Verification / Offline TOTP Enrollment", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		return http.MethodPost, factorsPath(u), req
	}},
	// Management.
	{"Management / Change Default Factor", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.emailSkip(u)
		return http.MethodPatch, "/mfa/v1/users/" + u, withFields(req, "preferredFactorId", h.totpSkip(u))
	}},
	{"Management / Remove a Factor", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		return http.MethodDelete, factorsPath(u) + "/" + h.enrolledSMS(u, "1122334455"), nil
	}},
	{"Management / Disable MFA", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.enrolledSMS(u, "1122334455")
		return http.MethodPatch, "/mfa/v1/users/" + u, req
	}},
	// Reading factors.
	{"Get Enrolled Factors for a User by userGUID", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.securityQuestions(u, false)
		h.enrolledSMS(u, "1122334455")
		h.emailSkip(u)
		if _, err := h.s.AddBypassCode(u); err != nil {
			h.t.Fatal(err)
		}
		return http.MethodGet, factorsPath(u), nil
	}},
	{"Get Enrolled Factors for a User by User Name", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.enrolledSMS(u, "1122334455")
		h.emailSkip(u)
		if _, err := h.s.AddBypassCode(u); err != nil {
			h.t.Fatal(err)
		}
		return http.MethodGet, "/mfa/v1/users?userId=" + url.QueryEscape("joe.bloggs") + "&userIdType=USER_NAME&attributes=factors", nil
	}},
	// Verification of the preferred factor.
	{"Initiate Verification of the Preferred Factor", "TOTP", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.totpSkip(u)
		return http.MethodPost, "/mfa/v1/requests", withFields(req, "userId", u)
	}},
	{"Initiate Verification of the Preferred Factor", "SMS", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.enrolledSMS(u, "1122334455")
		return http.MethodPost, "/mfa/v1/requests", withFields(req, "userId", u)
	}},
	{"Initiate Verification of the Preferred Factor", "Security Questions", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.securityQuestions(u, true)
		return http.MethodPost, "/mfa/v1/requests", withFields(req, "userId", u)
	}},
	{"Initiate Verification of the Preferred Factor", "EMAIL", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.emailSkip(u)
		return http.MethodPost, "/mfa/v1/requests", withFields(req, "userId", u)
	}},
	{"Initiate Verification of the Preferred Factor", "PUSH", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.pushEnrolled(u)
		return http.MethodPost, "/mfa/v1/requests", withFields(req, "userId", u)
	}},
	{"Step 1a: Resend TOTP (SMS and EMAIL)", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.emailSkip(u)
		v1 := h.initiate(u)
		return http.MethodPatch, requestPath(v1), withFields(req, "requestState", v1["requestState"])
	}},
	{"Step 2: Verify the SMS/EMAIL/TOTP Factor", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		fid := h.enrolledSMS(u, "1122334455")
		v1 := h.initiate(u)
		return http.MethodPatch, requestPath(v1), withFields(req, "requestState", v1["requestState"], "otpCode", h.otp(u, fid))
	}},
	{"Step 2: Verify the Security Question Factor", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		answers := h.securityQuestions(u, true)
		v1 := h.initiate(u)
		return http.MethodPatch, requestPath(v1), withFields(req, "requestState", v1["requestState"], "securityQuestions", answerAsked(v1, answers))
	}},
	{"Step 2: Verify the PUSH Factor", "Success", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.pushEnrolled(u)
		v1 := h.initiate(u)
		if err := h.s.ApproveRequest(v1["requestId"].(string)); err != nil {
			h.t.Fatal(err)
		}
		return http.MethodGet, requestPath(v1), nil
	}},
	{"Step 2: Verify the PUSH Factor", "Pending", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.pushEnrolled(u)
		return http.MethodGet, requestPath(h.initiate(u)), nil
	}},
	// Verification of a backup factor.
	{"Initiate Verification of Backup Factor (SMS,EMAIL,TOTP)", "SMS", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.emailSkip(u)
		return http.MethodPost, "/mfa/v1/requests", withFields(req, "userId", u, "factorId", h.enrolledSMS(u, "1122334455"))
	}},
	{"Initiate Verification of Backup Factor (SMS,EMAIL,TOTP)", "PUSH", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.emailSkip(u)
		return http.MethodPost, "/mfa/v1/requests", withFields(req, "userId", u, "factorId", h.pushEnrolled(u))
	}},
	{"Step 2: Verify the Backup Factor (SMS,EMAIL,TOTP)", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.emailSkip(u)
		fid := h.enrolledSMS(u, "1122334455")
		v1 := h.initiate(u, "factorId", fid, "method", "SMS")
		return http.MethodPatch, requestPath(v1), withFields(req, "requestState", v1["requestState"], "otpCode", h.otp(u, fid))
	}},
	{"Initiate Verification of Backup Factor (BypassCode)", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.emailSkip(u)
		if _, err := h.s.AddBypassCode(u); err != nil {
			h.t.Fatal(err)
		}
		return http.MethodPost, "/mfa/v1/requests", withFields(req, "userId", u)
	}},
	{"Verify the Backup Factor (BypassCode)", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.emailSkip(u)
		code, err := h.s.AddBypassCode(u)
		if err != nil {
			h.t.Fatal(err)
		}
		v1 := h.initiate(u, "factorId", BypassCodeFactorID, "method", "BYPASSCODE")
		return http.MethodPatch, requestPath(v1), withFields(req, "requestState", v1["requestState"], "bypassCode", code)
	}},
	{"Initiate Verification of Backup Factor (Security Questions)", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.emailSkip(u)
		h.securityQuestions(u, false)
		return http.MethodPost, "/mfa/v1/requests", withFields(req, "userId", u)
	}},
	{"Verify the Backup Factor (Security Questions)", "", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.emailSkip(u)
		answers := h.securityQuestions(u, false)
		v1 := h.initiate(u, "factorId", SecurityQuestionsFactorID, "method", "SECURITY_QUESTIONS")
		return http.MethodPatch, requestPath(v1), withFields(req, "requestState", v1["requestState"], "securityQuestions", answerAsked(v1, answers))
	}},
	{"Verify the Backup Factor (PUSH)", "Pending", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.emailSkip(u)
		return http.MethodGet, requestPath(h.initiate(u, "factorId", h.pushEnrolled(u), "method", "PUSH")), nil
	}},
	{"Verify the Backup Factor (PUSH)", "Success", func(h *harness, u string, req map[string]any) (string, string, any) {
		h.emailSkip(u)
		v1 := h.initiate(u, "factorId", h.pushEnrolled(u), "method", "PUSH")
		if err := h.s.ApproveRequest(v1["requestId"].(string)); err != nil {
			h.t.Fatal(err)
		}
		return http.MethodGet, requestPath(v1), nil
	}},
}
