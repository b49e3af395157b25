package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Tests for issue #18: the differences from Oracle's documented behaviour that Oracle's own Go
// SDK (github.com/oracle/oci-go-sdk/v65/identitydomains) and Postman samples showed.

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// wantSCIMError checks a SCIM error's status (a string in the body) and scimType.
func wantSCIMError(t *testing.T, what string, status int, m map[string]any, raw []byte, gotStatus int, scimType string) {
	t.Helper()
	if gotStatus != status || m["status"] != fmt.Sprint(status) || (scimType != "" && m["scimType"] != scimType) {
		t.Errorf("%s: %d %s, want %d scimType %q", what, gotStatus, raw, status, scimType)
	}
}

func firstResource(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	res, _ := m["Resources"].([]any)
	if len(res) == 0 {
		t.Fatalf("no resources: %v", m)
	}
	return res[0].(map[string]any)
}

// Item 1: userName and id are returned always (SDK user.go), whatever attributes asks for, on
// the list and on GET by id; schemas too (RFC 7643 §3).
func TestSCIMReturnedAlwaysAttributes(t *testing.T) {
	h := newHarness(t, Config{})
	for _, attrs := range []string{
		"emails",
		"name.givenName",
		scimMFAExtension + ":mfaStatus",
		scimMFAExtension,
		scimUserStateExt,
		"urn:ietf:params:scim:schemas:core:2.0:User:emails",
	} {
		list := scimList(h, url.Values{"filter": {`userName eq "alice"`}, "attributes": {attrs}})
		get := h.mustDo(http.StatusOK, http.MethodGet, "/admin/v1/Users/"+AliceID+"?attributes="+url.QueryEscape(attrs), nil)
		for what, u := range map[string]map[string]any{"list": firstResource(t, list), "get": get} {
			if u["userName"] != "alice" || u["id"] != AliceID || u["schemas"] == nil {
				t.Errorf("%s attributes=%s: userName/id/schemas missing: %v", what, attrs, keysOf(u))
			}
			if _, ok := u["meta"]; ok {
				t.Errorf("%s attributes=%s: meta was not asked for: %v", what, attrs, keysOf(u))
			}
		}
	}
	// excludedAttributes cannot remove a returned-always attribute (RFC 7644 §3.4.2.5).
	get := h.mustDo(http.StatusOK, http.MethodGet, "/admin/v1/Users/"+AliceID+"?excludedAttributes=userName,emails", nil)
	if get["userName"] != "alice" || get["emails"] != nil || get["name"] == nil {
		t.Errorf("excludedAttributes=userName,emails: %v", keysOf(get))
	}
}

// Item 2: itemsPerPage is the page size asked for (count) or the default 50, as in 52 of the
// 53 list answers of Oracle's Postman samples (e.g. count=48 with 15 results: itemsPerPage 48).
func TestSCIMItemsPerPageIsThePageSize(t *testing.T) {
	h := newHarness(t, Config{})
	for i := 0; i < 12; i++ {
		h.newUser(fmt.Sprintf("page%02d", i))
	}
	for _, tc := range []struct {
		query url.Values
		items int
		want  float64
	}{
		{url.Values{"count": {"48"}, "startIndex": {"1"}}, 15, 48},
		{url.Values{}, 15, 50},
		{url.Values{"count": {"5"}, "startIndex": {"14"}}, 2, 5},
		{url.Values{"count": {"5000"}}, 15, 1000},
		{url.Values{"count": {"0"}}, 0, 0},
	} {
		m := scimList(h, tc.query)
		if len(m["Resources"].([]any)) != tc.items || m["itemsPerPage"] != tc.want || m["totalResults"] != float64(15) {
			t.Errorf("%s: %d resources, itemsPerPage %v, total %v; want %d, %v, 15", tc.query.Encode(), len(m["Resources"].([]any)), m["itemsPerPage"], m["totalResults"], tc.items, tc.want)
		}
	}
	s := h.mustDo(http.StatusOK, http.MethodPost, "/admin/v1/Users/.search", map[string]any{"schemas": []string{scimSearchSchema}, "count": 48})
	if s["itemsPerPage"] != float64(48) {
		t.Errorf(".search count=48: itemsPerPage %v", s["itemsPerPage"])
	}
}

// Item 3: the MFA extension's devices and bypassCodes are returned only on request (SDK
// extension_mfa_user.go: returned request); Oracle's samples of a user with devices leave
// them out.
func TestSCIMDevicesAndBypassCodesOnRequest(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("devi")
	h.enrolledSMS(u, "7700900555")
	code, err := h.s.AddBypassCode(u)
	if err != nil {
		t.Fatal(err)
	}
	ext := func(query string) map[string]any {
		t.Helper()
		m := h.mustDo(http.StatusOK, http.MethodGet, "/admin/v1/Users/"+u+query, nil)
		e, _ := m[scimMFAExtension].(map[string]any)
		return e
	}
	def := ext("")
	if def == nil || def["mfaStatus"] != "ENROLLED" || def["preferredAuthenticationFactor"] != "SMS" {
		t.Fatalf("default MFA extension: %v", def)
	}
	if _, ok := def["devices"]; ok {
		t.Errorf("devices returned without being asked for: %v", def)
	}
	if _, ok := def["bypassCodes"]; ok {
		t.Errorf("bypassCodes returned without being asked for: %v", def)
	}
	for _, q := range []string{
		"?attributes=" + url.QueryEscape(scimMFAExtension+":devices,"+scimMFAExtension+":bypassCodes"),
		"?attributes=" + url.QueryEscape(scimMFAExtension),
		"?attributeSets=request",
		"?attributeSets=all",
	} {
		e := ext(q)
		devices, _ := e["devices"].([]any)
		codes, _ := e["bypassCodes"].([]any)
		if len(devices) != 1 || devices[0].(map[string]any)["value"] == nil || len(codes) != 1 {
			t.Errorf("%s: devices %v, bypassCodes %v", q, e["devices"], e["bypassCodes"])
			continue
		}
		c := codes[0].(map[string]any)
		if id, _ := c["value"].(string); !hex32.MatchString(id) || strings.Contains(fmt.Sprint(c), code) || !strings.HasSuffix(fmt.Sprint(c["$ref"]), "/admin/v1/BypassCodes/"+id) {
			t.Errorf("%s: bypass code reference %v (the code itself must not appear)", q, c)
		}
	}
}

// Item 4: attributeSets (SDK AttributeSetsEnum: all, always, default, never, request; any
// case; repeated or comma-separated), united with attributes; any other value is a 400.
func TestSCIMAttributeSets(t *testing.T) {
	h := newHarness(t, Config{})
	get := func(q string) map[string]any {
		t.Helper()
		return h.mustDo(http.StatusOK, http.MethodGet, "/admin/v1/Users/"+AliceID+q, nil)
	}
	always := []string{"id", "schemas", "userName"}
	full := []string{"active", "emails", "id", "meta", "name", "schemas", scimMFAExtension, scimUserStateExt, "userName"}
	for q, want := range map[string][]string{
		"?attributeSets=always":                       always,
		"?attributeSets=never":                        always,
		"?attributeSets=ALWAYS&attributes=emails":     {"emails", "id", "schemas", "userName"},
		"?attributeSets=request":                      {"id", "schemas", scimMFAExtension, "userName"},
		"?attributeSets=default":                      full,
		"?attributeSets=default&attributeSets=always": full,
		"?attributeSets=all":                          full,
		"?attributeSets=Always,Default":               full,
		"":                                            full,
	} {
		if got := keysOf(get(q)); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: attributes %v, want %v", q, got, want)
		}
	}
	if e := get("?attributeSets=request")[scimMFAExtension].(map[string]any); keysOf(e)[0] != "bypassCodes" || len(e) != 2 {
		t.Errorf("attributeSets=request: MFA extension %v, want bypassCodes and devices only", keysOf(e))
	}
	if e := get("?attributeSets=default")[scimMFAExtension].(map[string]any); e["devices"] != nil || e["mfaStatus"] == nil {
		t.Errorf("attributeSets=default: MFA extension %v", keysOf(e))
	}
	for _, path := range []string{"/admin/v1/Users?attributeSets=bogus", "/admin/v1/Users/" + AliceID + "?attributeSets=always,bogus"} {
		st, m, raw := h.do(http.MethodGet, path, nil)
		wantSCIMError(t, path, 400, m, raw, st, "invalidValue")
	}
}

// Item 5: sortBy and sortOrder (RFC 7644 §3.4.2.3): ascending by default, any case
// (the SDK sends ASCENDING/DESCENDING), unassigned values last ascending and first descending;
// the sort comes before paging.
func TestSCIMSortBy(t *testing.T) {
	h := newHarness(t, Config{Users: []User{
		{UserName: "mike", Email: "m@example.com", FamilyName: "Zulu"},
		{UserName: "Bravo", Email: "b@example.com"},
		{UserName: "yankee", Email: "y@example.com", FamilyName: "alpha"},
		{UserName: "delta", Email: "d@example.com", FamilyName: "Mike"},
	}})
	names := func(q url.Values) string { return strings.Join(userNames(scimList(h, q)), ",") }
	for _, tc := range []struct {
		q    url.Values
		want string
	}{
		{url.Values{"sortBy": {"userName"}}, "Bravo,delta,mike,yankee"},
		{url.Values{"sortBy": {"userName"}, "sortOrder": {"descending"}}, "yankee,mike,delta,Bravo"},
		{url.Values{"sortBy": {"userName"}, "sortOrder": {"DESCENDING"}, "count": {"2"}, "startIndex": {"2"}}, "mike,delta"},
		{url.Values{"sortBy": {"name.familyName"}, "sortOrder": {"ASCENDING"}}, "yankee,delta,mike,Bravo"},
		{url.Values{"sortBy": {"name.familyName"}, "sortOrder": {"descending"}}, "Bravo,mike,delta,yankee"},
		{url.Values{"sortBy": {"emails.value"}}, "Bravo,delta,mike,yankee"},
		{url.Values{"sortBy": {"urn:ietf:params:scim:schemas:core:2.0:User:userName"}}, "Bravo,delta,mike,yankee"},
		{url.Values{"sortOrder": {"descending"}}, "mike,Bravo,yankee,delta"}, // no sortBy: creation order
	} {
		if got := names(tc.q); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.q.Encode(), got, tc.want)
		}
	}
	s := h.mustDo(http.StatusOK, http.MethodPost, "/admin/v1/Users/.search", map[string]any{"schemas": []string{scimSearchSchema}, "sortBy": "userName", "sortOrder": "DESCENDING"})
	if got := strings.Join(userNames(s), ","); got != "yankee,mike,delta,Bravo" {
		t.Errorf(".search sorted: %s", got)
	}
	for _, q := range []string{"sortBy=userName&sortOrder=sideways", "sortBy=nosuch"} {
		st, m, raw := h.do(http.MethodGet, "/admin/v1/Users?"+q, nil)
		wantSCIMError(t, q, 400, m, raw, st, "invalidValue")
	}
}

// oracleCreateUserSample is the body of "Create a user" in Oracle's Postman collection
// (REST_API_for_Oracle_Identity_Cloud_Service, Users/Create): a work and a recovery e-mail.
const oracleCreateUserSample = `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "name": {"givenName": "Clarence", "familyName": "Saladna"},
  "userName": "csaladna@example.com",
  "emails": [
    {"value": "csaladna@example.com", "type": "work", "primary": true},
    {"value": "csaladna@example.com", "primary": false, "type": "recovery"}
  ]
}`

// Item 6: every e-mail of a created user is kept.
func TestSCIMCreateKeepsEveryEmail(t *testing.T) {
	h := newHarness(t, Config{})
	st, _, m, raw := h.rawDo(h.token, http.MethodPost, "/admin/v1/Users", "application/json", []byte(oracleCreateUserSample))
	if st != http.StatusCreated {
		t.Fatalf("Oracle's Create a user sample: %d %s", st, raw)
	}
	emails, _ := m["emails"].([]any)
	if len(emails) != 2 {
		t.Fatalf("emails %v, want the work and the recovery address", m["emails"])
	}
	types := []string{}
	for _, e := range emails {
		types = append(types, fmt.Sprint(e.(map[string]any)["type"], "/", e.(map[string]any)["primary"]))
	}
	if strings.Join(types, ",") != "work/true,recovery/false" {
		t.Errorf("emails %v", emails)
	}
	id := m["id"].(string)
	again := h.mustDo(http.StatusOK, http.MethodGet, "/admin/v1/Users/"+id, nil)
	if len(again["emails"].([]any)) != 2 {
		t.Errorf("GET: emails %v", again["emails"])
	}
	if got := scimList(h, url.Values{"filter": {`emails.type eq "recovery"`}}); got["totalResults"] != float64(1) {
		t.Errorf("filter on the recovery address: %v", got["totalResults"])
	}
	if r := h.enroll(id, map[string]any{"method": "EMAIL"}); r["displayName"] != "csaladna@example.com" {
		t.Errorf("EMAIL enrollment uses the primary address: %v", r)
	}
	// A non-primary address first: the primary one is still the one EMAIL uses.
	body := map[string]any{"schemas": []string{scimUserSchema}, "userName": "second",
		"emails": []map[string]any{{"value": "home@example.com", "type": "home"}, {"value": "work@example.com", "type": "work", "primary": true}}}
	id2 := h.mustDo(http.StatusCreated, http.MethodPost, "/admin/v1/Users", body)["id"].(string)
	if r := h.enroll(id2, map[string]any{"method": "EMAIL"}); r["displayName"] != "work@example.com" {
		t.Errorf("EMAIL enrollment uses the primary address: %v", r)
	}
}

// Item 7: POST /admin/v1/Users/.search, with Oracle's "Search for users via POST" sample.
func TestSCIMSearchViaPOST(t *testing.T) {
	h := newHarness(t, Config{})
	h.newUser("csaladna")
	sample := "{\r\n  \"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"],\r\n  \"attributes\": [\"displayName\", \"userName\"],\r\n  \"filter\":\r\n          \"userName sw \\\"c\\\"\",\r\n  \"startIndex\": 1,\r\n  \"count\": 10\r\n}"
	st, _, m, raw := h.rawDo(h.token, http.MethodPost, "/admin/v1/Users/.search", "application/json", []byte(sample))
	if st != http.StatusOK || m["totalResults"] != float64(2) || m["itemsPerPage"] != float64(10) || m["startIndex"] != float64(1) {
		t.Fatalf("Oracle's Search for users via POST sample: %d %s", st, raw)
	}
	if got := strings.Join(userNames(m), ","); got != "carol,csaladna" {
		t.Errorf("found %s", got)
	}
	if u := firstResource(t, m); fmt.Sprint(keysOf(u)) != "[id schemas userName]" {
		t.Errorf("attributes [displayName userName]: %v", keysOf(u))
	}
	if s := m["schemas"].([]any); s[0] != scimListSchema {
		t.Errorf("schemas %v", s)
	}
	for what, body := range map[string]string{
		"no schemas":     `{"filter":"userName sw \"c\""}`,
		"User schema":    `{"schemas":["` + scimUserSchema + `"]}`,
		"bad filter":     `{"schemas":["` + scimSearchSchema + `"],"filter":"userName xx \"c\""}`,
		"blank filter":   `{"schemas":["` + scimSearchSchema + `"],"filter":"  "}`,
		"count a string": `{"schemas":["` + scimSearchSchema + `"],"count":"ten"}`,
	} {
		st, _, m, raw := h.rawDo(h.token, http.MethodPost, "/admin/v1/Users/.search", "application/scim+json", []byte(body))
		wantSCIMError(t, what, 400, m, raw, st, "")
	}
	if st, _, m, raw := h.rawDo("", http.MethodPost, "/admin/v1/Users/.search", "application/json", []byte(sample)); st != 401 {
		t.Errorf("without a token: %d %v %s", st, m, raw)
	}
}

// Item 8: what the emulator does not emulate is never a 404: the token is checked first (401),
// then the answer is 501 with the emulator's own code, in the format of the path's API.
func TestNotEmulatedIsDistinctFromNotFound(t *testing.T) {
	h := newHarness(t, Config{})
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/admin/v1/MyApiKeys"},
		{http.MethodPost, "/admin/v1/AuthenticationFactorsRemover"},
		{http.MethodGet, "/admin/v1/MyTrustedUserAgents"},
		{http.MethodPut, "/admin/v1/Me"},
		{http.MethodGet, "/admin/v1/Groups"},
		{http.MethodPatch, "/admin/v1/Users/" + AliceID},
		{http.MethodPut, "/admin/v1/Users/" + AliceID},
		{http.MethodDelete, "/admin/v1/BypassCodes/0123456789abcdef0123456789abcdef"},
		{http.MethodPost, "/sso/v1/sdk/authenticate"},
	} {
		what := tc.method + " " + tc.path
		st, _, m, raw := h.rawDo("", tc.method, tc.path, "application/json", []byte(`{}`))
		wantSCIMError(t, what+" without a token", 401, m, raw, st, "")
		st, hdr, m, raw := h.rawDo(h.token, tc.method, tc.path, "application/json", []byte(`{}`))
		ext, _ := m[scimOracleErrSchema].(map[string]any)
		if st != http.StatusNotImplemented || m["status"] != "501" || ext["messageId"] != notEmulatedMessageID || m["code"] != "MethodNotImplemented" || hdr.Get(notEmulatedHeader) != "true" {
			t.Errorf("%s: %d %v %s", what, st, hdr, raw)
		}
	}
	for _, tc := range []struct{ method, path string }{
		{http.MethodOptions, "/mfa/v1/users"},
		{http.MethodPut, factorsPath(AliceID) + "/0123456789abcdef0123456789abcdef"},
		{http.MethodDelete, "/mfa/v1/users/" + AliceID},
	} {
		what := tc.method + " " + tc.path
		h.expectErrorWith("", 401, "AUTH-1110", tc.method, tc.path, nil)
		h.expectError(501, notEmulatedCode, tc.method, tc.path, nil)
		if st, hdr, _, _ := h.rawDo(h.token, tc.method, tc.path, "", nil); st != 501 || hdr.Get(notEmulatedHeader) != "true" {
			t.Errorf("%s: %d %v", what, st, hdr)
		}
	}
	st, hdr, m, raw := h.rawDo(h.token, http.MethodPost, "/oauth2/v1/introspect", "application/x-www-form-urlencoded", []byte("token=x"))
	if st != 501 || m["error"] != "not_emulated" || hdr.Get(notEmulatedHeader) != "true" {
		t.Errorf("POST /oauth2/v1/introspect: %d %s", st, raw)
	}
	if st, hdr, _, raw := h.rawDo("", http.MethodGet, "/oauth2/v1/token", "", nil); st != 405 || hdr.Get("Allow") != "POST" {
		t.Errorf("GET /oauth2/v1/token: %d %s", st, raw)
	}
	// A missing user is still 404, with Oracle's messageId.
	st, _, m, raw = h.rawDo(h.token, http.MethodDelete, "/admin/v1/Users/ffffffffffffffffffffffffffffffff", "", nil)
	if ext, _ := m[scimOracleErrSchema].(map[string]any); st != 404 || ext["messageId"] != "error.common.common.resourceNotFound" {
		t.Errorf("DELETE of a missing user: %d %s", st, raw)
	}
}

// Item 9: hostile filters are refused with 400 invalidFilter before they cost memory: longer
// than maxFilterBytes, or nested deeper than maxFilterDepth. Sent concurrently, the heap the
// emulator allocates stays bounded (on the code before the limits, one 1 MB filter of nested
// parentheses took about 200 MB).
func TestSCIMHostileFiltersBoundedMemory(t *testing.T) {
	h := newHarness(t, Config{})
	nested := func(depth int) string {
		return strings.Repeat("(", depth) + `userName eq "alice"` + strings.Repeat(")", depth)
	}
	notNested := strings.Repeat("not (", 40) + `userName eq "alice"` + strings.Repeat(")", 40)
	huge := nested(500000)  // 1 MB: only a POST body carries it
	large := nested(100000) // 200 kB: fits a request line
	deep := nested(40)      // short, but deeper than maxFilterDepth
	deepest := nested(maxFilterDepth)
	// A long but legitimate filter still works.
	var ors []string
	for len(strings.Join(ors, " or ")) < maxFilterBytes-40 {
		ors = append(ors, fmt.Sprintf(`userName eq "u%04d"`, len(ors)))
	}
	long := strings.Join(ors, " or ") + ` or userName eq "alice"`
	if len(long) > maxFilterBytes {
		long = strings.Join(ors[:len(ors)-1], " or ") + ` or userName eq "alice"`
	}
	if got := scimList(h, url.Values{"filter": {long}}); got["totalResults"] != float64(1) {
		t.Fatalf("a %d-byte filter: %v", len(long), got["totalResults"])
	}
	if got := scimList(h, url.Values{"filter": {deepest}}); got["totalResults"] != float64(1) {
		t.Fatalf("a filter nested %d deep: %v", maxFilterDepth, got["totalResults"])
	}
	for _, f := range []string{"", "   ", "\t"} {
		st, m, raw := h.do(http.MethodGet, "/admin/v1/Users?filter="+url.QueryEscape(f), nil)
		wantSCIMError(t, fmt.Sprintf("filter %q", f), 400, m, raw, st, "invalidFilter")
	}

	searchBody := func(filter string) []byte {
		b, _ := json.Marshal(map[string]any{"schemas": []string{scimSearchSchema}, "filter": filter})
		return b
	}
	type call struct {
		what   string
		method string
		path   string
		body   []byte
	}
	calls := []call{
		{"1 MB nested, POST .search", http.MethodPost, "/admin/v1/Users/.search", searchBody(huge)},
		{"200 kB nested, GET", http.MethodGet, "/admin/v1/Users?filter=" + url.QueryEscape(large), nil},
		{"40 deep, GET", http.MethodGet, "/admin/v1/Users?filter=" + url.QueryEscape(deep), nil},
		{"40 not() deep, POST .search", http.MethodPost, "/admin/v1/Users/.search", searchBody(notNested)},
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	for round := 0; round < 2; round++ {
		for _, c := range calls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, _, m, raw := h.rawDo(h.token, c.method, c.path, "application/json", c.body)
				if st != 400 || m["scimType"] != "invalidFilter" {
					t.Errorf("%s: %d %.300s", c.what, st, raw)
				}
			}()
		}
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	// Eight requests carrying about 2.5 MB of filters: reading, decoding and refusing them
	// allocates a few MB each (client side included). The limit leaves room for that and
	// fails by far on the code without limits.
	const bound = 96 << 20
	t.Logf("allocated %d MB, process grew by %d MB", (after.TotalAlloc-before.TotalAlloc)>>20, (int64(after.Sys)-int64(before.Sys))>>20)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > bound {
		t.Errorf("hostile filters allocated %d MB, bound %d MB", alloc>>20, bound>>20)
	}
	if grown := int64(after.Sys) - int64(before.Sys); grown > bound {
		t.Errorf("the process grew by %d MB (stacks included), bound %d MB", grown>>20, bound>>20)
	}
}

// Item 9: create refuses what Oracle's schema does not allow, with SCIM errors.
func TestSCIMCreateRefusesBadBodies(t *testing.T) {
	h := newHarness(t, Config{})
	user := func(mod func(map[string]any)) []byte {
		m := map[string]any{"schemas": []string{scimUserSchema}, "userName": "ok.user",
			"emails": []map[string]any{{"value": "ok@example.com", "type": "work", "primary": true}}}
		mod(m)
		b, _ := json.Marshal(m)
		return b
	}
	good := user(func(map[string]any) {})
	for _, tc := range []struct {
		what, contentType string
		body              []byte
		status            int
		scimType          string
	}{
		{"text/plain", "text/plain", good, 415, ""},
		{"form", "application/x-www-form-urlencoded", good, 415, ""},
		{"no schemas", "application/json", user(func(m map[string]any) { delete(m, "schemas") }), 400, "invalidValue"},
		{"Group schema", "application/json", user(func(m map[string]any) { m["schemas"] = []string{"urn:ietf:params:scim:schemas:core:2.0:Group"} }), 400, "invalidValue"},
		{"control character", "application/json", user(func(m map[string]any) { m["userName"] = "bad\x01name" }), 400, "invalidValue"},
		{"newline", "application/json", user(func(m map[string]any) { m["userName"] = "bad\nname" }), 400, "invalidValue"},
		{"20,000 characters", "application/json", user(func(m map[string]any) { m["userName"] = strings.Repeat("u", 20000) }), 400, "invalidValue"},
		{"control character in name", "application/json", user(func(m map[string]any) { m["name"] = map[string]any{"familyName": "a\x7fb"} }), 400, "invalidValue"},
		{"invalid e-mail", "application/json", user(func(m map[string]any) { m["emails"] = []map[string]any{{"value": "not-an-address", "type": "work"}} }), 400, "invalidValue"},
		{"e-mail with a name", "application/json", user(func(m map[string]any) { m["emails"] = []map[string]any{{"value": "Bob <bob@example.com>"}} }), 400, "invalidValue"},
		{"empty e-mail", "application/json", user(func(m map[string]any) { m["emails"] = []map[string]any{{"value": "", "type": "work"}} }), 400, "invalidValue"},
		{"e-mail type", "application/json", user(func(m map[string]any) { m["emails"] = []map[string]any{{"value": "a@example.com", "type": "pager"}} }), 400, "invalidValue"},
		{"two primaries", "application/json", user(func(m map[string]any) {
			m["emails"] = []map[string]any{{"value": "a@example.com", "primary": true}, {"value": "b@example.com", "primary": true}}
		}), 400, "invalidValue"},
		{"over 1 MiB", "application/json", append(append([]byte(`{"schemas":["`+scimUserSchema+`"],"userName":"x","pad":"`), bytes.Repeat([]byte("x"), MaxBodyBytes)...), `"}`...), 413, ""},
		{"empty body", "application/json", nil, 400, "invalidSyntax"},
		{"not JSON", "application/json", []byte(`{"userName":`), 400, "invalidSyntax"},
	} {
		st, _, m, raw := h.rawDo(h.token, http.MethodPost, "/admin/v1/Users", tc.contentType, tc.body)
		wantSCIMError(t, tc.what, tc.status, m, raw, st, tc.scimType)
	}
	if n := len(h.s.Users()); n != 3 {
		t.Fatalf("refused bodies created users: %d users", n)
	}
	for i, ct := range []string{"application/scim+json", "application/json; charset=utf-8", "application/scim+json;charset=UTF-8", "Application/JSON;", ""} {
		body := user(func(m map[string]any) { m["userName"] = fmt.Sprintf("ok.user%d", i) })
		if st, _, _, raw := h.rawDo(h.token, http.MethodPost, "/admin/v1/Users", ct, body); st != 201 {
			t.Errorf("Content-Type %q: %d %s", ct, st, raw)
		}
	}
}

// Item 9: PUT, PATCH and DELETE on the Users collection are 405 with Allow (after the token).
func TestSCIMUsersCollectionMethods(t *testing.T) {
	h := newHarness(t, Config{})
	for _, method := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
		st, _, m, raw := h.rawDo("", method, "/admin/v1/Users", "application/json", []byte(`{}`))
		wantSCIMError(t, method+" without a token", 401, m, raw, st, "")
		st, hdr, m, raw := h.rawDo(h.token, method, "/admin/v1/Users", "application/json", []byte(`{}`))
		wantSCIMError(t, method, 405, m, raw, st, "")
		if hdr.Get("Allow") != "GET, POST" {
			t.Errorf("%s: Allow %q", method, hdr.Get("Allow"))
		}
	}
	if len(h.s.Users()) != 3 {
		t.Fatal("a collection DELETE removed users")
	}
}

// Item 10: id is caseExact false in Oracle's User schema (SDK user.go), so GET, DELETE and a
// filter on id all ignore case; the answer carries the id as the domain stores it.
func TestSCIMIDIgnoresCase(t *testing.T) {
	h := newHarness(t, Config{})
	upper := strings.ToUpper(BobID)
	if g := h.mustDo(http.StatusOK, http.MethodGet, "/admin/v1/Users/"+upper, nil); g["id"] != BobID {
		t.Errorf("GET by id in capitals: %v", g["id"])
	}
	if l := scimList(h, url.Values{"filter": {`id eq "` + upper + `"`}}); l["totalResults"] != float64(1) {
		t.Errorf("filter id eq in capitals: %v", l["totalResults"])
	}
	h.mustDo(http.StatusNoContent, http.MethodDelete, "/admin/v1/Users/"+upper+"?forceDelete=true", nil)
	if st, _, _ := h.do(http.MethodGet, "/admin/v1/Users/"+BobID, nil); st != 404 {
		t.Errorf("GET after DELETE in capitals: %d", st)
	}
}

// Item 10: E5's security-question op is read in any case: Oracle's samples send "replace",
// the OCI SDK's PatchOp enums are upper case ("REPLACE").
func TestSecurityQuestionOpsAnyCase(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("quinn")
	sq := h.enrollSecurityQuestions(u)
	h.mustDo(http.StatusOK, http.MethodPatch, sq, map[string]any{"securityQuestions": []map[string]any{
		{"id": "FavoriteBook", "answer": "book-11"}, {"id": "FavoriteFood", "answer": "food-11"}, {"id": "FirstCar", "answer": "car-111"}}})
	for _, op := range []string{"REPLACE", "replace", "Replace"} {
		h.mustDo(http.StatusOK, http.MethodPatch, sq, map[string]any{"securityQuestions": []map[string]any{{"op": op, "id": "FirstCar", "answer": "car-" + op}}})
	}
	h.mustDo(http.StatusOK, http.MethodPatch, sq, map[string]any{"securityQuestions": []map[string]any{{"op": "ADD", "id": "FirstPet", "answer": "pet-111"}}})
	h.mustDo(http.StatusOK, http.MethodPatch, sq, map[string]any{"securityQuestions": []map[string]any{{"op": "REMOVE", "id": "FirstPet"}}})
}
