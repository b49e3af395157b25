package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
)

// scimUsers serves n users, honouring startIndex and count (capped at 1000, as Oracle does).
func scimUsers(n int, requests *atomic.Int32, counts *[]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		q := r.URL.Query()
		*counts = append(*counts, q.Get("startIndex")+"/"+q.Get("count"))
		start, _ := strconv.Atoi(q.Get("startIndex"))
		if start < 1 {
			start = 1
		}
		count, _ := strconv.Atoi(q.Get("count"))
		if count <= 0 || count > 1000 {
			count = 1000
		}
		var res []map[string]any
		for i := start; i <= n && len(res) < count; i++ {
			res = append(res, map[string]any{"id": fmt.Sprintf("id%d", i), "userName": fmt.Sprintf("user%d", i)})
		}
		b, _ := json.Marshal(map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:ListResponse"},
			"totalResults": n, "startIndex": start, "itemsPerPage": len(res), "Resources": res})
		writeJSON(w, 200, string(b))
	})
}

func TestListAllUsersPages(t *testing.T) {
	for _, tc := range []struct{ users, wantRequests int }{{0, 1}, {1, 1}, {999, 1}, {1000, 1}, {1001, 2}, {2500, 3}, {3000, 3}} {
		t.Run(strconv.Itoa(tc.users), func(t *testing.T) {
			var requests atomic.Int32
			var counts []string
			c, _ := newTestClient(t, scimUsers(tc.users, &requests, &counts))
			seen := map[string]bool{}
			err := c.ListAllUsers(context.Background(), `userName sw "user"`, []string{"userName"}, func(us []SCIMUser) error {
				for _, u := range us {
					seen[u.ID] = true
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != tc.users {
				t.Errorf("read %d distinct users, want %d", len(seen), tc.users)
			}
			if int(requests.Load()) != tc.wantRequests {
				t.Errorf("requests = %d (%v), want %d", requests.Load(), counts, tc.wantRequests)
			}
			if len(counts) > 0 && counts[0] != "/1000" {
				t.Errorf("first page asked %q, want count=1000 from the start", counts[0])
			}
		})
	}
}

func TestListAllUsersStopsOnCallbackError(t *testing.T) {
	var requests atomic.Int32
	var counts []string
	c, _ := newTestClient(t, scimUsers(5000, &requests, &counts))
	stop := errors.New("stop")
	err := c.ListAllUsers(context.Background(), "", nil, func([]SCIMUser) error { return stop })
	if !errors.Is(err, stop) || requests.Load() != 1 {
		t.Fatalf("err %v after %d requests", err, requests.Load())
	}
}

func TestListAllUsersShrinkingDirectory(t *testing.T) {
	// totalResults promises more than the pages hold: the empty page ends the listing.
	var calls atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			writeJSON(w, 200, `{"totalResults":5000,"Resources":[{"id":"a","userName":"a"}]}`)
			return
		}
		writeJSON(w, 200, `{"totalResults":5000,"Resources":[]}`)
	}))
	n := 0
	if err := c.ListAllUsers(context.Background(), "", nil, func(us []SCIMUser) error { n += len(us); return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 1 || calls.Load() != 2 {
		t.Errorf("%d users in %d requests", n, calls.Load())
	}
}

func TestListUsersParsesMFAExtension(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("filter") != `userName eq "alice"` || q.Get("attributes") != "userName,emails" || q.Get("startIndex") != "3" || q.Get("count") != "2" {
			t.Errorf("query %v", q)
		}
		writeJSON(w, 200, `{"totalResults":1,"startIndex":3,"itemsPerPage":1,"Resources":[{"id":"u1","userName":"alice","active":true,
			"emails":[{"value":"alice@example.com","type":"work","primary":true}],
			"urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User":{"mfaStatus":"ENROLLED","loginAttempts":2,"preferredAuthenticationFactor":"SMS",
			"preferredDevice":{"value":"d1","$ref":"https://x/admin/v1/Devices/d1"},
			"devices":[{"value":"d1","display":"+44XXXXX123","factorType":"SMS","factorStatus":"ENROLLED","status":"ENROLLED"}]}}]}`)
	}))
	page, err := c.ListUsers(context.Background(), ListUsersRequest{Filter: `userName eq "alice"`, Attributes: []string{"userName", "emails"}, StartIndex: 3, Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalResults != 1 || page.StartIndex != 3 || page.ItemsPerPage != 1 || len(page.Resources) != 1 {
		t.Fatalf("page %+v", page)
	}
	u := page.Resources[0]
	if u.ID != "u1" || u.UserName != "alice" || u.Active == nil || !*u.Active || len(u.Emails) != 1 || !u.Emails[0].Primary {
		t.Errorf("user %+v", u)
	}
	m := u.MFA
	if m == nil || m.MFAStatus != "ENROLLED" || m.LoginAttempts != 2 || m.PreferredAuthenticationFactor != "SMS" ||
		m.PreferredDevice == nil || m.PreferredDevice.Value != "d1" || len(m.Devices) != 1 || m.Devices[0].FactorType != "SMS" {
		t.Errorf("mfa %+v", m)
	}
}

func TestCreateUser(t *testing.T) {
	var posts atomic.Int32
	var drop atomic.Bool
	drop.Store(true)
	mux := http.NewServeMux()
	created := map[string]bool{}
	mux.HandleFunc("POST /admin/v1/Users", func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		b, _ := json.Marshal(body)
		want := `{"emails":[{"primary":true,"type":"work","value":"bob@example.com"}],"name":{"familyName":"Builder","givenName":"Bob"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob"}`
		if string(b) != want {
			t.Errorf("body %s", b)
		}
		if created["bob"] {
			writeJSON(w, 409, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"User already exists","status":"409"}`)
			return
		}
		created["bob"] = true
		if drop.Swap(false) {
			dropConnection(t, w)
			return
		}
		writeJSON(w, 201, `{"id":"new-id","userName":"bob"}`)
	})
	mux.HandleFunc("GET /admin/v1/Users", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("filter") != `userName eq "bob"` {
			t.Errorf("filter %q", r.URL.Query().Get("filter"))
		}
		if created["bob"] {
			writeJSON(w, 200, `{"totalResults":1,"Resources":[{"id":"new-id","userName":"bob"}]}`)
			return
		}
		writeJSON(w, 200, `{"totalResults":0,"Resources":[]}`)
	})
	c, _ := newTestClient(t, mux)
	u, err := c.CreateUser(context.Background(), SCIMUserCreate{UserName: "bob", GivenName: "Bob", FamilyName: "Builder", Email: "bob@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "new-id" || posts.Load() != 1 {
		t.Errorf("user %+v after %d POSTs", u, posts.Load())
	}
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	var got string
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		writeJSON(w, 200, `{"status":"success","factorId":"x","factorStatus":"ENROLLED"}`)
	}))
	if _, err := c.GetFactor(context.Background(), "a/b", "c?d"); err != nil {
		t.Fatal(err)
	}
	if got != "/mfa/v1/users/a%2Fb/factors/c%3Fd" {
		t.Errorf("path %q", got)
	}
	for _, bad := range []string{"", ".", ".."} {
		if _, err := c.GetFactor(context.Background(), bad, "f"); err == nil {
			t.Errorf("user id %q accepted", bad)
		}
	}
}

func TestSuccessStatusWithFailedBody(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"status":"failed","cause":[{"code":"AUTH-1112","message":"Unexpected error"}]}`)
	}))
	_, err := c.ListFactors(context.Background(), "u1")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "AUTH-1112" {
		t.Fatalf("err = %v", err)
	}
}

// TestCreateUserConflictAfterAmbiguousAttempt: the first POST created the user but answered
// 500 and the lookup did not see it yet; the repeated POST meets 409 and the user is adopted.
func TestCreateUserConflictAfterAmbiguousAttempt(t *testing.T) {
	var posts, gets atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/v1/Users", func(w http.ResponseWriter, r *http.Request) {
		if posts.Add(1) == 1 {
			writeJSON(w, 500, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Internal error","status":"500"}`)
			return
		}
		writeJSON(w, 409, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"User already exists","status":"409"}`)
	})
	mux.HandleFunc("GET /admin/v1/Users", func(w http.ResponseWriter, r *http.Request) {
		if gets.Add(1) == 1 {
			writeJSON(w, 200, `{"totalResults":0,"Resources":[]}`)
			return
		}
		writeJSON(w, 200, `{"totalResults":1,"Resources":[{"id":"late-id","userName":"eve"}]}`)
	})
	c, _ := newTestClient(t, mux)
	u, err := c.CreateUser(context.Background(), SCIMUserCreate{UserName: "eve"})
	if err != nil || u.ID != "late-id" || posts.Load() != 2 || gets.Load() != 2 {
		t.Fatalf("user %+v err %v after %d POSTs and %d lookups", u, err, posts.Load(), gets.Load())
	}
}

// TestDeleteUser: DELETE on the user's SCIM path with forceDelete=true (a user who still has
// factors goes too); a 404 matches ErrNotFound.
func TestDeleteUser(t *testing.T) {
	var deletes atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("DELETE /admin/v1/Users/{id}", func(w http.ResponseWriter, r *http.Request) {
		deletes.Add(1)
		if r.URL.Query().Get("forceDelete") != "true" {
			t.Errorf("forceDelete = %q", r.URL.Query().Get("forceDelete"))
		}
		if r.PathValue("id") != "gone" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, 404, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Resource gone of type User not found.","status":"404"}`)
	})
	c, _ := newTestClient(t, mux)
	if err := c.DeleteUser(context.Background(), "u1"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := c.DeleteUser(context.Background(), "gone"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete of a missing user: %v, want ErrNotFound", err)
	}
	if err := c.DeleteUser(context.Background(), ".."); err == nil {
		t.Fatal("a dot-dot id was sent")
	}
	if n := deletes.Load(); n != 2 {
		t.Fatalf("%d DELETE requests, want 2", n)
	}
}

func TestUserLoginAttempts(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/admin/v1/Users/u1" || r.URL.Query().Get("attributes") != SCIMMFAExtension+":loginAttempts" {
			t.Errorf("request %s %v", r.URL.Path, r.URL.Query())
		}
		writeJSON(w, 200, `{"id":"u1","urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User":{"loginAttempts":3}}`)
	}))
	n, err := c.UserLoginAttempts(context.Background(), "u1")
	if err != nil || n != 3 {
		t.Fatalf("got %d, %v; want 3", n, err)
	}
}
