package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

func scimList(h *harness, query url.Values) map[string]any {
	h.t.Helper()
	return h.mustDo(http.StatusOK, http.MethodGet, "/admin/v1/Users?"+query.Encode(), nil)
}

func userNames(m map[string]any) []string { return stringsOf(m, "Resources", "userName") }

func TestSCIMPagingCoversEveryUserOnce(t *testing.T) {
	h := newHarness(t, Config{})
	for i := 0; i < 23; i++ {
		h.newUser(fmt.Sprintf("load%02d", i))
	}
	seen := map[string]int{}
	total := -1
	for start := 1; ; start += 5 {
		m := scimList(h, url.Values{"filter": {`userName sw "load"`}, "startIndex": {fmt.Sprint(start)}, "count": {"5"}})
		total = int(m["totalResults"].(float64))
		if int(m["startIndex"].(float64)) != start {
			t.Fatalf("startIndex %v, want %d", m["startIndex"], start)
		}
		names := userNames(m)
		// itemsPerPage is the page size asked for, as in Oracle's samples (issue #18).
		if int(m["itemsPerPage"].(float64)) != 5 {
			t.Fatalf("itemsPerPage %v, want the count 5", m["itemsPerPage"])
		}
		for _, n := range names {
			seen[n]++
		}
		if len(names) < 5 {
			break
		}
	}
	if total != 23 || len(seen) != 23 {
		t.Fatalf("totalResults %d, distinct users seen %d, want 23", total, len(seen))
	}
	for n, c := range seen {
		if c != 1 {
			t.Fatalf("%s seen %d times", n, c)
		}
	}
	// count is capped at 1000 like Oracle; count=0 returns only the total.
	big := scimList(h, url.Values{"count": {"5000"}})
	if len(userNames(big)) != 26 {
		t.Fatalf("count=5000 returned %d users, want all 26", len(userNames(big)))
	}
	zero := scimList(h, url.Values{"count": {"0"}})
	if zero["totalResults"].(float64) != 26 || len(zero["Resources"].([]any)) != 0 {
		t.Fatalf("count=0: %v", zero)
	}
}

func TestSCIMFilters(t *testing.T) {
	h := newHarness(t, Config{})
	h.newUser("bobby")
	for _, tc := range []struct {
		filter string
		want   int
	}{
		{`userName eq "alice"`, 1},
		{`userName eq "ALICE"`, 1}, // userName is case-insensitive
		{`userName sw "bo"`, 2},
		{`userName co "o"`, 3},
		{`userName ew "ol"`, 1},
		{`id eq "` + AliceID + `"`, 1},
		{`userName eq "alice" or userName eq "carol"`, 2},
		{`userName sw "b" and emails.value co "bobby"`, 1},
		{`(userName eq "alice") or not (userName sw "b")`, 2},
		{`emails.value eq "carol@example.com"`, 1},
		{`urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User:mfaStatus eq "UN_ENROLLED"`, 4},
	} {
		if got := len(userNames(scimList(h, url.Values{"filter": {tc.filter}}))); got != tc.want {
			t.Errorf("filter %s: %d users, want %d", tc.filter, got, tc.want)
		}
	}
	for _, bad := range []string{`userName`, `userName eq`, `userName xx "a"`, `nosuch eq "a"`, `(userName eq "a"`, `userName eq "a" and`, `userName eq unquoted`} {
		st, m, raw := h.do(http.MethodGet, "/admin/v1/Users?filter="+url.QueryEscape(bad), nil)
		if st != 400 || m["status"] != "400" || m["scimType"] != "invalidFilter" {
			t.Errorf("filter %q: %d %s", bad, st, raw)
		}
	}
}

func TestSCIMMFAExtensionFollowsMFAAPI(t *testing.T) {
	h := newHarness(t, Config{})
	u := h.newUser("cleo")
	pending, _ := h.enrollSMS(u, "7700900300")
	email := h.emailSkip(u)
	get := func() map[string]any {
		m := scimList(h, url.Values{"filter": {`id eq "` + u + `"`}, "attributes": {"userName," + scimMFAExtension}})
		r := m["Resources"].([]any)[0].(map[string]any)
		if r["emails"] != nil {
			t.Fatalf("attributes did not restrict the answer: %v", r)
		}
		return r[scimMFAExtension].(map[string]any)
	}
	mfa := get()
	if mfa["mfaStatus"] != "ENROLLED" || mfa["preferredAuthenticationFactor"] != "EMAIL" || mfa["preferredDevice"].(map[string]any)["value"] != email {
		t.Fatalf("MFA extension: %v", mfa)
	}
	devices := mfa["devices"].([]any)
	if len(devices) != 2 || devices[0].(map[string]any)["value"] != pending || devices[0].(map[string]any)["status"] != "INITIATED" || devices[1].(map[string]any)["factorStatus"] != StatusEnrolled {
		t.Fatalf("devices: %v", devices)
	}
	h.mustDo(http.StatusNoContent, http.MethodDelete, factorsPath(u)+"/"+email, nil)
	mfa = get()
	if mfa["mfaStatus"] != "UN_ENROLLED" || mfa["preferredDevice"] != nil || len(mfa["devices"].([]any)) != 1 {
		t.Fatalf("after deleting the only enrolled factor: %v", mfa)
	}
	// A sub-attribute of the extension.
	m := scimList(h, url.Values{"filter": {`id eq "` + u + `"`}, "attributes": {scimMFAExtension + ":mfaStatus"}})
	ext := m["Resources"].([]any)[0].(map[string]any)[scimMFAExtension].(map[string]any)
	if len(ext) != 1 || ext["mfaStatus"] != "UN_ENROLLED" {
		t.Fatalf("sub-attribute projection: %v", ext)
	}
}

func TestSCIMCreateUser(t *testing.T) {
	h := newHarness(t, Config{})
	body := map[string]any{
		"schemas":  []string{scimUserSchema},
		"userName": "dave@example.com",
		"name":     map[string]any{"givenName": "Dave", "familyName": "Doe"},
		"emails":   []map[string]any{{"value": "dave.home@example.com", "type": "home"}, {"value": "dave@example.com", "type": "work", "primary": true}},
	}
	m := h.mustDo(http.StatusCreated, http.MethodPost, "/admin/v1/Users", body)
	id, _ := m["id"].(string)
	if !hex32.MatchString(id) || m["userName"] != "dave@example.com" {
		t.Fatalf("created user: %v", m)
	}
	if e := m["emails"].([]any)[0].(map[string]any); e["value"] != "dave@example.com" {
		t.Fatalf("primary email not kept: %v", e)
	}
	// The new user can enroll at once; EMAIL uses the primary address.
	if r := h.enroll(id, map[string]any{"method": "EMAIL"}); r["displayName"] != "dave@example.com" {
		t.Fatalf("EMAIL enrollment of the new user: %v", r)
	}
	if st, m, _ := h.do(http.MethodPost, "/admin/v1/Users", body); st != 409 || m["status"] != "409" {
		t.Fatalf("duplicate userName: %d %v", st, m)
	}
	if st, m, _ := h.do(http.MethodPost, "/admin/v1/Users", map[string]any{"name": map[string]any{"familyName": "X"}}); st != 400 || m["status"] != "400" {
		t.Fatalf("missing userName: %d %v", st, m)
	}
	if st, m, _ := h.do(http.MethodPost, "/admin/v1/Users", `{"userName":`); st != 400 || m["status"] != "400" {
		t.Fatalf("bad JSON: %d %v", st, m)
	}
	g := h.mustDo(http.StatusOK, http.MethodGet, "/admin/v1/Users/"+id, nil)
	if g["userName"] != "dave@example.com" {
		t.Fatalf("GET by id: %v", g)
	}
	if st, m, _ := h.do(http.MethodGet, "/admin/v1/Users/ffffffffffffffffffffffffffffffff", nil); st != 404 || m["status"] != "404" {
		t.Fatalf("GET unknown: %d %v", st, m)
	}
}

// TestSCIMDeleteUser: DELETE answers 204 with no body and takes the user's factors along; the
// id is gone from SCIM and /mfa/v1, and the userName can be taken again.
func TestSCIMDeleteUser(t *testing.T) {
	h := newHarness(t, Config{})
	body := map[string]any{"schemas": []string{scimUserSchema}, "userName": "erin", "emails": []map[string]any{{"value": "erin@example.com", "primary": true}}}
	id, _ := h.mustDo(http.StatusCreated, http.MethodPost, "/admin/v1/Users", body)["id"].(string)
	h.enroll(id, map[string]any{"method": "EMAIL", "skipFactorVerification": true})

	if st, _, raw := h.do(http.MethodDelete, "/admin/v1/Users/"+id+"?forceDelete=true", nil); st != http.StatusNoContent || len(raw) != 0 {
		t.Fatalf("DELETE: %d %q", st, raw)
	}
	if st, m, _ := h.do(http.MethodGet, "/admin/v1/Users/"+id, nil); st != 404 || m["status"] != "404" {
		t.Fatalf("GET after DELETE: %d %v", st, m)
	}
	if st, m, _ := h.do(http.MethodDelete, "/admin/v1/Users/"+id, nil); st != 404 || m["status"] != "404" {
		t.Fatalf("second DELETE: %d %v", st, m)
	}
	if st, m, _ := h.do(http.MethodGet, "/mfa/v1/users/"+id+"/factors", nil); st != 404 {
		t.Fatalf("factors of a deleted user: %d %v", st, m)
	}
	if list := h.mustDo(http.StatusOK, http.MethodGet, "/admin/v1/Users?filter=userName%20eq%20%22erin%22", nil); list["totalResults"] != float64(0) {
		t.Fatalf("deleted user still listed: %v", list)
	}
	h.mustDo(http.StatusCreated, http.MethodPost, "/admin/v1/Users", body)
}
