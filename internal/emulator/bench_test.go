package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The emulator must not be what a benchmark of the provider measures: these give its own
// cost per request, in process (no network).

func benchServer(b *testing.B, users int) (*Server, []string) {
	s := New(Config{Seed: 1})
	s.tokens["bench"] = &token{clientID: DefaultClientID, roles: []string{RoleMFAClient, RoleUserAdmin}, expires: time.Now().Add(time.Hour)}
	ids := make([]string, users)
	for i := range ids {
		u, err := s.AddUser(User{UserName: fmt.Sprintf("bench%05d", i), Email: fmt.Sprintf("bench%05d@example.com", i)})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = u.ID
	}
	return s, ids
}

func serve(b *testing.B, s *Server, method, path, body string) int {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer bench")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Code
}

func BenchmarkEnrollSkipAndList(b *testing.B) {
	s, ids := benchServer(b, 500)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u := ids[i%len(ids)]
		if c := serve(b, s, http.MethodPost, factorsPath(u), fmt.Sprintf(`{"method":"SMS","countryCode":"+44","mobileNumber":"77%08d","skipFactorVerification":"true"}`, i)); c != 200 {
			b.Fatalf("enroll: %d", c)
		}
		if c := serve(b, s, http.MethodGet, factorsPath(u), ""); c != 200 {
			b.Fatalf("list: %d", c)
		}
	}
}

func BenchmarkSCIMFilterByUserName(b *testing.B) {
	s, _ := benchServer(b, 2000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if c := serve(b, s, http.MethodGet, fmt.Sprintf(`/admin/v1/Users?filter=userName+eq+%%22bench%05d%%22`, i%2000), ""); c != 200 {
			b.Fatalf("scim: %d", c)
		}
	}
}
