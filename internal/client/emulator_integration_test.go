package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

type captureLog struct {
	mu sync.Mutex
	b  strings.Builder
	n  int
}

func (l *captureLog) Debug(_ context.Context, msg string, fields map[string]any) {
	b, _ := json.Marshal(fields)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	l.b.WriteString(msg + " " + string(b) + "\n")
}

func (l *captureLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startEmulator(t *testing.T, cfg emulator.Config) (*emulator.Server, string) {
	t.Helper()
	emu := emulator.New(cfg)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return emu, srv.URL
}

// startEmulatorClient starts an emulator with cfg and returns it with a client of it (see
// newClient; mod changes the client's configuration).
func startEmulatorClient(t *testing.T, cfg emulator.Config, mod ...func(*client.Config)) (*emulator.Server, *client.Client) {
	t.Helper()
	emu, host := startEmulator(t, cfg)
	return emu, newClient(t, host, mod...)
}

func newClient(t *testing.T, host string, mod ...func(*client.Config)) *client.Client {
	t.Helper()
	cfg := client.Config{
		Host:         host,
		ClientID:     emulator.DefaultClientID,
		ClientSecret: emulator.DefaultClientSecret,
		UserAgent:    "terraform-provider-idcsmfa/test",
		RetryWaitMin: 5 * time.Millisecond,
		RetryWaitMax: 50 * time.Millisecond,
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEmulatorAuth(t *testing.T) {
	emu, host := startEmulator(t, emulator.Config{})
	ctx := context.Background()

	bad := newClient(t, host, func(c *client.Config) { c.ClientSecret = "wrong-secret" })
	_, err := bad.ListFactors(ctx, emulator.AliceID)
	if !errors.Is(err, client.ErrTokenRefused) || !errors.Is(err, client.ErrTokenRequest) ||
		!strings.HasPrefix(err.Error(), "POST /oauth2/v1/token: HTTP 401") || strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("wrong secret: %v", err)
	}

	auth := newClient(t, host, func(c *client.Config) {
		c.ClientID, c.ClientSecret = emulator.DefaultAuthenticatorClientID, emulator.DefaultAuthenticatorClientSecret
	})
	if _, err := auth.ListFactors(ctx, emulator.AliceID); err != nil {
		t.Errorf("Authenticator Client may list factors: %v", err)
	}
	if _, err := auth.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodEmail}); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("Authenticator Client enrolling: %v", err)
	}
	if _, err := auth.ListUsers(ctx, client.ListUsersRequest{}); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("Authenticator Client listing SCIM users: %v", err)
	}

	static := newClient(t, host, func(c *client.Config) { c.ClientID, c.ClientSecret, c.AccessToken = "", "", "not-a-token" })
	if _, err := static.ListFactors(ctx, emulator.AliceID); !errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("bad static token: %v", err)
	}

	emu.ResetStats()
	good := newClient(t, host)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := good.ListFactors(ctx, emulator.BobID); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := emu.Stats().TokenRequests; n != 1 {
		t.Errorf("token requests for 20 concurrent calls = %d, want 1", n)
	}
}

func TestEmulatorSMSLifecycle(t *testing.T) {
	emu, host := startEmulator(t, emulator.Config{Seed: 7})
	log := &captureLog{}
	c := newClient(t, host, func(c *client.Config) { c.Logger = log })
	ctx := context.Background()
	var secrets []string

	e, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodSMS, CountryCode: "+44", MobileNumber: "7700900123"})
	if err != nil {
		t.Fatal(err)
	}
	if e.FactorStatus != client.FactorStatusInitiated || e.RequestState == "" || !client.MaskedNumberMatches(e.DisplayName, "+44", "7700900123") {
		t.Fatalf("enrollment %+v", e)
	}
	secrets = append(secrets, e.RequestState)
	st, err := c.GetFactor(ctx, emulator.AliceID, e.FactorID)
	if err != nil || st.FactorStatus != client.FactorStatusInitiated {
		t.Fatalf("pending state %+v %v", st, err)
	}

	// Pending factors are not listed (decision 1).
	uf, err := c.ListFactors(ctx, emulator.AliceID)
	if err != nil || len(uf.Factors) != 0 {
		t.Fatalf("list while pending: %+v %v", uf, err)
	}

	again, err := c.ResendOTP(ctx, emulator.AliceID, e.FactorID, e.RequestState)
	if err != nil || again.RequestState == "" || again.RequestState == e.RequestState || again.FactorID != e.FactorID {
		t.Fatalf("resend %+v %v", again, err)
	}
	secrets = append(secrets, again.RequestState)
	otp, ok := emu.LastOTP(emulator.AliceID, e.FactorID)
	if !ok {
		t.Fatal("no OTP in the emulator's outbox")
	}
	secrets = append(secrets, otp)

	if err := c.ActivateFactor(ctx, emulator.AliceID, e.FactorID, otp, e.RequestState); !errors.Is(err, client.ErrRequestState) {
		t.Errorf("stale requestState: %v", err)
	}
	wrong := "000000"
	if otp == wrong {
		wrong = "111111"
	}
	if err := c.ActivateFactor(ctx, emulator.AliceID, e.FactorID, wrong, again.RequestState); !errors.Is(err, client.ErrInvalidPasscode) {
		t.Errorf("wrong passcode: %v", err)
	}
	if err := c.ActivateFactor(ctx, emulator.AliceID, e.FactorID, otp, again.RequestState); err != nil {
		t.Fatalf("activation: %v", err)
	}
	if err := c.ActivateFactor(ctx, emulator.AliceID, e.FactorID, otp, again.RequestState); !errors.Is(err, client.ErrAlreadyEnrolled) {
		t.Errorf("passcode for an enrolled factor: %v", err)
	}

	uf, err = c.FindUserFactors(ctx, "alice", client.UserIDTypeName)
	if err != nil || uf.UserGUID != emulator.AliceID || len(uf.Factors) != 1 || uf.Factors[0].FactorID != e.FactorID {
		t.Fatalf("find by name: %+v %v", uf, err)
	}
	if byGUID, err := c.FindUserFactors(ctx, emulator.AliceID, client.UserIDTypeGUID); err != nil || byGUID.UserGUID != emulator.AliceID || len(byGUID.Factors) != 1 {
		t.Errorf("find by GUID: %+v %v", byGUID, err)
	}
	if _, err := c.FindUserFactors(ctx, "nobody", client.UserIDTypeName); !errors.Is(err, client.ErrUserNotFound) {
		t.Errorf("find unknown name: %v", err)
	}
	if !client.MaskedNumberMatches(uf.Factors[0].DisplayName, "+44", "7700900123") || client.MaskedNumberMatches(uf.Factors[0].DisplayName, "+44", "7700900124") {
		t.Errorf("masked display %q", uf.Factors[0].DisplayName)
	}

	em, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodEmail, SkipVerification: true})
	if err != nil || em.FactorStatus != client.FactorStatusEnrolled {
		t.Fatalf("email skip: %+v %v", em, err)
	}
	if _, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodEmail, SkipVerification: true}); !errors.Is(err, client.ErrAlreadyEnrolled) {
		t.Errorf("second email: %v", err)
	}
	if _, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodSMS, CountryCode: "+44", MobileNumber: "7700900123"}); !errors.Is(err, client.ErrAlreadyEnrolled) {
		t.Errorf("second sms of an enrolled number: %v", err)
	}

	if err := c.SetPreferredFactor(ctx, emulator.AliceID, em.FactorID, client.MethodEmail); err != nil {
		t.Fatal(err)
	}
	uf, _ = c.ListFactors(ctx, emulator.AliceID)
	if uf.PreferredFactorID != em.FactorID || uf.PreferredMethod != client.MethodEmail {
		t.Errorf("preferred %q %q", uf.PreferredFactorID, uf.PreferredMethod)
	}

	if err := c.DeleteFactor(ctx, emulator.AliceID, e.FactorID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteFactor(ctx, emulator.AliceID, e.FactorID); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if _, err := c.GetFactor(ctx, emulator.AliceID, e.FactorID); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("get deleted: %v", err)
	}
	if err := c.DisableMFA(ctx, emulator.AliceID); err != nil {
		t.Fatal(err)
	}
	if uf, _ := c.ListFactors(ctx, emulator.AliceID); len(uf.Factors) != 0 {
		t.Errorf("factors after DisableMFA: %+v", uf.Factors)
	}

	text := log.String()
	secrets = append(secrets, emulator.DefaultClientSecret)
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("log holds a secret %q", s)
		}
	}
	if !strings.Contains(text, client.Redacted) || !strings.Contains(text, `"path":"/oauth2/v1/token"`) || !strings.Contains(text, "AUTH-1105") {
		t.Errorf("log lacks the expected entries:\n%s", text)
	}
}

func TestEmulatorUserErrors(t *testing.T) {
	emu, c := startEmulatorClient(t, emulator.Config{MaxFailedAttempts: 3})
	ctx := context.Background()

	if _, err := c.ListFactors(ctx, "00000000000000000000000000000000"); !errors.Is(err, client.ErrUserNotFound) || !errors.Is(err, client.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := c.Enroll(ctx, emulator.BobID, client.EnrollRequest{Method: client.MethodSMS, CountryCode: "+44", MobileNumber: "12"}); err == nil {
		t.Error("malformed number accepted")
	}

	e, err := c.Enroll(ctx, emulator.BobID, client.EnrollRequest{Method: client.MethodEmail})
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	for i := 0; i < 4; i++ {
		errs = append(errs, c.ActivateFactor(ctx, emulator.BobID, e.FactorID, "999999x", e.RequestState))
	}
	if !errors.Is(errs[0], client.ErrInvalidPasscode) || !errors.Is(errs[2], client.ErrTooManyAttempts) || !errors.Is(errs[3], client.ErrUserLocked) {
		t.Errorf("attempt errors: %v", errs)
	}

	if err := emu.SetLocked(emulator.CarolID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Enroll(ctx, emulator.CarolID, client.EnrollRequest{Method: client.MethodEmail}); !errors.Is(err, client.ErrUserLocked) {
		t.Errorf("locked user: %v", err)
	}

	emu.SetEnabledFactors([]string{client.MethodSMS})
	if _, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodEmail}); !errors.Is(err, client.ErrFactorDisabled) {
		t.Errorf("disabled factor: %v", err)
	}
}

func TestEmulatorSecurityQuestionsAndVerification(t *testing.T) {
	emu, c := startEmulatorClient(t, emulator.Config{})
	ctx := context.Background()

	sq, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodSecurityQuestions})
	if err != nil || sq.FactorID != "SecurityQuestions" || len(sq.SecurityQuestions) < 3 {
		t.Fatalf("security questions enrollment %+v %v", sq, err)
	}
	var answers []client.SecurityAnswer
	for i, q := range sq.SecurityQuestions[:3] {
		answers = append(answers, client.SecurityAnswer{ID: q.ID, Answer: fmt.Sprintf("answer-%d", i), HintText: "hint"})
	}
	if err := c.SetSecurityQuestions(ctx, emulator.AliceID, answers); err != nil {
		t.Fatal(err)
	}

	em, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodEmail, SkipVerification: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetPreferredFactor(ctx, emulator.AliceID, em.FactorID, client.MethodEmail); err != nil {
		t.Fatal(err)
	}
	v, err := c.InitiateVerification(ctx, client.VerificationRequest{UserID: "alice", UserIDType: client.UserIDTypeName})
	if err != nil || v.RequestID == "" || v.RequestState == "" || v.FactorID != em.FactorID || v.Method != client.MethodEmail || v.UserGUID != emulator.AliceID {
		t.Fatalf("initiate %+v %v", v, err)
	}
	v2, err := c.ResendVerification(ctx, v.RequestID, v.RequestState)
	if err != nil || v2.RequestState == "" || v2.RequestState == v.RequestState {
		t.Fatalf("resend %+v %v", v2, err)
	}
	otp, ok := emu.LastOTP(emulator.AliceID, em.FactorID)
	if !ok {
		t.Fatal("no OTP")
	}
	if err := c.CompleteVerification(ctx, v.RequestID, client.VerificationAnswer{OTPCode: "000000x", RequestState: v2.RequestState}); !errors.Is(err, client.ErrInvalidPasscode) {
		t.Errorf("wrong verification passcode: %v", err)
	}
	if err := c.CompleteVerification(ctx, v.RequestID, client.VerificationAnswer{OTPCode: otp, RequestState: v2.RequestState}); err != nil {
		t.Fatalf("complete: %v", err)
	}

	// Security questions as a backup factor.
	vq, err := c.InitiateVerification(ctx, client.VerificationRequest{UserID: emulator.AliceID, FactorID: "SecurityQuestions", Method: client.MethodSecurityQuestions})
	if err != nil || len(vq.SecurityQuestions) == 0 {
		t.Fatalf("initiate questions %+v %v", vq, err)
	}
	byID := map[string]string{}
	for _, a := range answers {
		byID[a.ID] = a.Answer
	}
	var given []client.SecurityAnswer
	for _, q := range vq.SecurityQuestions {
		given = append(given, client.SecurityAnswer{ID: q.ID, Answer: byID[q.ID]})
	}
	if err := c.CompleteVerification(ctx, vq.RequestID, client.VerificationAnswer{SecurityQuestions: given, RequestState: vq.RequestState}); err != nil {
		t.Errorf("questions verification: %v", err)
	}

	// PUSH: enrolled out of band, polled until approved.
	push, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodPush})
	if err != nil || push.QRCode == nil {
		t.Fatalf("push enrollment %+v %v", push, err)
	}
	if err := emu.CompleteEnrollment(emulator.AliceID, push.FactorID); err != nil {
		t.Fatal(err)
	}
	if st, err := c.GetFactor(ctx, emulator.AliceID, push.FactorID); err != nil || st.FactorStatus != client.FactorStatusEnrolled {
		t.Fatalf("push state %+v %v", st, err)
	}
	vp, err := c.InitiateVerification(ctx, client.VerificationRequest{UserID: emulator.AliceID, FactorID: push.FactorID, Method: client.MethodPush})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := c.GetVerification(ctx, vp.RequestID); err != nil || s.Status != "pending" || s.Code != "AUTH-1108" {
		t.Errorf("pending push %+v %v", s, err)
	}
	if err := emu.ApproveRequest(vp.RequestID); err != nil {
		t.Fatal(err)
	}
	if s, err := c.GetVerification(ctx, vp.RequestID); err != nil || s.Status != "success" {
		t.Errorf("approved push %+v %v", s, err)
	}
	if _, err := c.GetVerification(ctx, "no-such-request"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("unknown request: %v", err)
	}
}

func TestEmulatorSCIM(t *testing.T) {
	emu, c := startEmulatorClient(t, emulator.Config{})
	ctx := context.Background()

	u, err := c.CreateUser(ctx, client.SCIMUserCreate{UserName: "dave", GivenName: "Dave", FamilyName: "Doe", Email: "dave@example.com"})
	if err != nil || u.ID == "" || u.UserName != "dave" {
		t.Fatalf("create %+v %v", u, err)
	}
	page, err := c.ListUsers(ctx, client.ListUsersRequest{Filter: `userName eq "dave"`})
	if err != nil || page.TotalResults != 1 || page.Resources[0].ID != u.ID || len(page.Resources[0].Emails) == 0 || page.Resources[0].Emails[0].Value != "dave@example.com" {
		t.Fatalf("list %+v %v", page, err)
	}
	if _, err := c.Enroll(ctx, u.ID, client.EnrollRequest{Method: client.MethodEmail, SkipVerification: true}); err != nil {
		t.Fatal(err)
	}
	page, err = c.ListUsers(ctx, client.ListUsersRequest{Filter: `userName eq "dave"`, Attributes: []string{client.SCIMMFAExtension + ":devices"}})
	if err != nil || page.Resources[0].MFA == nil || len(page.Resources[0].MFA.Devices) != 1 {
		t.Errorf("mfa extension after enrollment: %+v %v", page.Resources[0].MFA, err)
	}

	for i := 0; i < 2100; i++ {
		if _, err := emu.AddUser(emulator.User{ID: fmt.Sprintf("%032x", 0xb0000+i), UserName: fmt.Sprintf("bulk%d", i), Email: fmt.Sprintf("bulk%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
	}
	emu.ResetStats()
	seen := map[string]bool{}
	err = c.ListAllUsers(ctx, "", []string{"userName"}, func(us []client.SCIMUser) error {
		for _, u := range us {
			if seen[u.ID] {
				return fmt.Errorf("user %s twice", u.ID)
			}
			seen[u.ID] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := 2100 + 3 + 1
	if len(seen) != want {
		t.Errorf("listed %d users, want %d", len(seen), want)
	}
	if n := emu.Stats().Requests["GET /admin/v1/Users"]; n != 3 {
		t.Errorf("pages requested = %d (stats %v), want 3", n, emu.Stats().Requests)
	}

	if err := c.DeleteUser(ctx, u.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := c.DeleteUser(ctx, u.ID); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
	if _, err := c.ListFactors(ctx, u.ID); err == nil {
		t.Error("the deleted user's factors are still listed")
	}
}

// TestEmulatorFaults: under 5xx, dropped answers and a rate limit, every enrollment converges
// to exactly one factor per number and every activation succeeds.
func TestEmulatorFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("fault run takes a few seconds")
	}
	emu, c := startEmulatorClient(t, emulator.Config{Seed: 42}, func(c *client.Config) { c.RetryMax = 12 })
	emu.SetFaults(emulator.Faults{ErrorRate: 0.15, DropRate: 0.15, RateLimitPerSecond: 50})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	const n = 24
	type pending struct{ user, factor, state string }
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		unjudged []pending
	)
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			number := fmt.Sprintf("77009%05d", i)
			user := []string{emulator.AliceID, emulator.BobID}[i%2]
			if i%3 == 0 {
				if _, err := c.Enroll(ctx, user, client.EnrollRequest{Method: client.MethodSMS, CountryCode: "+44", MobileNumber: number, SkipVerification: true}); err != nil {
					errs <- fmt.Errorf("skip enroll %s: %w", number, err)
				}
				return
			}
			e, err := c.Enroll(ctx, user, client.EnrollRequest{Method: client.MethodSMS, CountryCode: "+44", MobileNumber: number})
			if err != nil {
				errs <- fmt.Errorf("enroll %s: %w", number, err)
				return
			}
			otp, _ := emu.LastOTP(user, e.FactorID)
			if err := c.ActivateFactor(ctx, user, e.FactorID, otp, e.RequestState); err != nil {
				// A passcode is sent once. A 500 that came before the work leaves the factor
				// pending and is reported; a lost answer after the work is found ENROLLED by
				// the state check and is a success.
				var ae *client.APIError
				if !errors.As(err, &ae) || ae.StatusCode < 500 {
					errs <- fmt.Errorf("activate %s: %w", number, err)
					return
				}
				mu.Lock()
				unjudged = append(unjudged, pending{user, e.FactorID, e.RequestState})
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	emu.SetFaults(emulator.Faults{})
	// What the next apply does for the ones left pending: a new passcode, then activation.
	for _, p := range unjudged {
		if st, err := c.GetFactor(ctx, p.user, p.factor); err != nil || st.FactorStatus != client.FactorStatusInitiated {
			t.Errorf("factor after a 5xx activation: %+v %v", st, err)
		}
		again, err := c.ResendOTP(ctx, p.user, p.factor, p.state)
		if err != nil {
			t.Fatal(err)
		}
		otp, _ := emu.LastOTP(p.user, p.factor)
		if err := c.ActivateFactor(ctx, p.user, p.factor, otp, again.RequestState); err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for _, user := range []string{emulator.AliceID, emulator.BobID} {
		numbers := map[string]int{}
		for _, f := range emu.Factors(user) {
			if f.Method != client.MethodSMS {
				continue
			}
			total++
			numbers[f.MobileNumber]++
			if f.Status != client.FactorStatusEnrolled {
				t.Errorf("factor %s of %s is %s", f.ID, f.MobileNumber, f.Status)
			}
		}
		for num, k := range numbers {
			if k != 1 {
				t.Errorf("number %s has %d factors", num, k)
			}
		}
	}
	if total != n {
		t.Errorf("%d SMS factors on the server, want %d", total, n)
	}
	st := emu.Stats()
	t.Logf("faults injected: %+v; activations left pending by a 5xx: %d; token requests %d; requests %v", st.Faults, len(unjudged), st.TokenRequests, st.Requests)
	if st.Faults.Errors+st.Faults.Dropped == 0 {
		t.Error("no fault was injected; the test proves nothing")
	}
}

func TestEmulatorShortTokenLifetime(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for tokens to expire")
	}
	emu, c := startEmulatorClient(t, emulator.Config{TokenLifetime: 2 * time.Second})
	ctx := context.Background()
	deadline := time.Now().Add(5 * time.Second)
	calls := 0
	for time.Now().Before(deadline) {
		if _, err := c.ListFactors(ctx, emulator.AliceID); err != nil {
			t.Fatalf("call %d: %v", calls, err)
		}
		calls++
		time.Sleep(100 * time.Millisecond)
	}
	tokens := emu.Stats().TokenRequests
	if tokens < 2 || tokens > 5 {
		t.Errorf("%d token requests over 5 s with 2 s tokens (%d calls)", tokens, calls)
	}
}

// TestEmulatorTokenExpiresEarly: the server's clock runs ahead, so the token the client holds
// has expired there; the 401 (AUTH-1110 on /mfa/v1, SCIM 401 on /admin/v1) leads to one new
// token and the call succeeds.
func TestEmulatorTokenExpiresEarly(t *testing.T) {
	var mu sync.Mutex
	offset := time.Duration(0)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return time.Now().Add(offset)
	}
	advance := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		offset += d
	}
	emu, host := startEmulator(t, emulator.Config{Now: clock})
	c := newClient(t, host)
	ctx := context.Background()
	if _, err := c.ListFactors(ctx, emulator.AliceID); err != nil {
		t.Fatal(err)
	}
	advance(2 * time.Hour)
	if _, err := c.ListFactors(ctx, emulator.AliceID); err != nil {
		t.Fatalf("/mfa/v1 after expiry: %v", err)
	}
	advance(2 * time.Hour)
	if _, err := c.ListUsers(ctx, client.ListUsersRequest{Count: 1}); err != nil {
		t.Fatalf("/admin/v1 after expiry: %v", err)
	}
	if n := emu.Stats().TokenRequests; n != 3 {
		t.Errorf("token requests = %d, want 3", n)
	}

	static := newClient(t, host, func(c *client.Config) { c.ClientID, c.ClientSecret, c.AccessToken = "", "", "not-a-token" })
	emu.ResetStats()
	if _, err := static.ListUsers(ctx, client.ListUsersRequest{}); !errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("SCIM with a bad static token: %v", err)
	}
	if n := emu.Stats().Requests["GET /admin/v1/Users"]; n != 1 {
		t.Errorf("SCIM requests with a static token = %d, want 1", n)
	}
}
