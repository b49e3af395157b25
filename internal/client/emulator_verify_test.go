package client_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// The emulator's request counters, by route (its path parameters named as it names them).
const (
	answerRequests = "PATCH /mfa/v1/requests/"
	pollRequests   = "GET /mfa/v1/requests/"
)

// trustedFixture returns the fixture certificate, parsed for the emulator's TrustedCerts.
func trustedFixture(t *testing.T) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode([]byte(fixture(t, "cert.pem")))
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func withKey(t *testing.T, r client.VerifyRequest) client.VerifyRequest {
	r.ExternalClientKeyPEM, r.ExternalClientCertificatePEM = fixture(t, "key.pem"), fixture(t, "cert.pem")
	return r
}

// requests counts the emulator's requests whose route starts with prefix.
func requests(emu *emulator.Server, prefix string) int {
	n := 0
	for route, k := range emu.Stats().Requests {
		if strings.HasPrefix(route, prefix) {
			n += k
		}
	}
	return n
}

func TestEmulatorVerifyTOTP(t *testing.T) {
	// One clock for the emulator and the client, starting 200 ms before a time step ends, so
	// that the step changes during the test at a known moment.
	start := time.Now()
	base := start.Truncate(client.DefaultTOTPPeriod).Add(client.DefaultTOTPPeriod - 200*time.Millisecond)
	clock := func() time.Time { return base.Add(time.Since(start)) }
	emu, host := startEmulator(t, emulator.Config{Now: clock})
	log := &captureLog{}
	c := newClient(t, host, func(c *client.Config) { c.Logger = log })
	ctx := context.Background()
	e := enrollOfflineTOTP(ctx, t, c, emulator.AliceID, "")
	// The first enrolled factor is the preferred one: no factor id needed.
	res, err := c.Verify(ctx, client.VerifyRequest{UserID: "alice", UserIDType: client.UserIDTypeName, TOTPSecret: offlineSecret, Clock: funcClock(clock)})
	if err != nil {
		t.Fatal(err)
	}
	if res.FactorID != e.FactorID || res.Method != client.MethodTOTP || res.UserGUID != emulator.AliceID || res.DisplayName == "" || res.RequestID == "" {
		t.Errorf("result %+v", res)
	}
	// Within the same step the code was used: TOTPFreshStep waits for the next step and
	// answers with its code. Named as a backup factor, with the domain's defaults spelled out.
	backup := client.VerifyRequest{UserID: emulator.AliceID, FactorID: e.FactorID, Method: client.MethodTOTP,
		TOTPSecret: offlineSecret, TOTP: client.DefaultTOTPParams(), Clock: funcClock(clock)}
	fresh := backup
	fresh.TOTPFreshStep = true
	var announced []time.Duration // what the caller is told before the wait (issue 31, item 7)
	fresh.OnTOTPWait = func(d time.Duration) { announced = append(announced, d) }
	if _, err := c.Verify(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if clock().Sub(base) < 200*time.Millisecond {
		t.Errorf("TOTPFreshStep answered before the step ended")
	}
	if len(announced) != 1 || announced[0] <= 0 || announced[0] > 200*time.Millisecond {
		t.Errorf("OnTOTPWait was told %v, want one wait of at most the 200 ms left in the step", announced)
	}
	// Without it, the same step's code again is a replay, refused (RFC 6238 section 5.2).
	if _, err := c.Verify(ctx, backup); !errors.Is(err, client.ErrInvalidPasscode) {
		t.Errorf("a replayed code: %v, want ErrInvalidPasscode", err)
	}
	// A valid secret of another device gives a wrong code, sent once.
	emu.ResetStats()
	_, err = c.Verify(ctx, client.VerifyRequest{UserID: emulator.AliceID, FactorID: e.FactorID, Method: client.MethodTOTP,
		TOTPSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"})
	if !errors.Is(err, client.ErrInvalidPasscode) || requests(emu, answerRequests) != 1 {
		t.Errorf("wrong code: %v after %d answers", err, requests(emu, answerRequests))
	}
	if text := log.String(); strings.Contains(text, mustTOTP(t, offlineSecret)) || strings.Contains(text, client.NormalizeTOTPSecret(offlineSecret)) {
		t.Error("the log holds the TOTP code or secret")
	}
}

// TestEmulatorVerifyEncryptedPasscode: SMS, EMAIL and PHONE_CALL verified through the
// encrypted-passcode path (API doc 4.1): nothing reaches the user.
func TestEmulatorVerifyEncryptedPasscode(t *testing.T) {
	emu, host := startEmulator(t, emulator.Config{TrustedCerts: []*x509.Certificate{trustedFixture(t)}})
	emu.SetEnabledFactors(append(append([]string(nil), emulator.DefaultEnabledFactors...), client.MethodPhoneCall))
	log := &captureLog{}
	c := newClient(t, host, func(c *client.Config) { c.Logger = log })
	ctx := context.Background()

	sms, err := c.Enroll(ctx, emulator.BobID, client.EnrollRequest{Method: client.MethodSMS, CountryCode: "+44", MobileNumber: "7700900123", SkipVerification: true})
	if err != nil {
		t.Fatal(err)
	}
	em, err := c.Enroll(ctx, emulator.BobID, client.EnrollRequest{Method: client.MethodEmail, SkipVerification: true})
	if err != nil {
		t.Fatal(err)
	}
	call, err := c.Enroll(ctx, emulator.BobID, client.EnrollRequest{Method: client.MethodPhoneCall, CountryCode: "+44", MobileNumber: "7700900456"})
	if err != nil {
		t.Fatal(err)
	}
	otp, _ := emu.LastOTP(emulator.BobID, call.FactorID)
	if err := c.ActivateFactor(ctx, emulator.BobID, call.FactorID, otp, call.RequestState); err != nil {
		t.Fatal(err)
	}
	sent := len(emu.Messages(emulator.BobID))

	for _, f := range []struct{ id, method string }{{sms.FactorID, client.MethodSMS}, {em.FactorID, client.MethodEmail}, {call.FactorID, client.MethodPhoneCall}} {
		res, err := c.Verify(ctx, withKey(t, client.VerifyRequest{UserID: emulator.BobID, FactorID: f.id, Method: f.method}))
		if err != nil {
			t.Errorf("%s: %v", f.method, err)
			continue
		}
		if res.FactorID != f.id || res.Method != f.method || res.UserGUID != emulator.BobID {
			t.Errorf("%s: result %+v", f.method, res)
		}
		if p, _ := emu.LastOTP(emulator.BobID, f.id); strings.Contains(log.String(), p) {
			t.Errorf("%s: the log holds the passcode", f.method)
		}
	}
	// The preferred factor (the SMS one, enrolled first), with the key given.
	if res, err := c.Verify(ctx, withKey(t, client.VerifyRequest{UserID: "bob", UserIDType: client.UserIDTypeName})); err != nil || res.FactorID != sms.FactorID {
		t.Errorf("preferred: %+v %v", res, err)
	}
	if n := len(emu.Messages(emulator.BobID)); n != sent {
		t.Errorf("%d passcodes reached the user during verification, want none", n-sent)
	}
}

// An untrusted certificate: V1 answers without otp; Verify stops at once and submits nothing.
func TestEmulatorVerifyUntrustedCertificate(t *testing.T) {
	emu, c := startEmulatorClient(t, emulator.Config{})
	ctx := context.Background()
	em, err := c.Enroll(ctx, emulator.CarolID, client.EnrollRequest{Method: client.MethodEmail, SkipVerification: true})
	if err != nil {
		t.Fatal(err)
	}
	emu.ResetStats()
	start := time.Now()
	_, err = c.Verify(ctx, withKey(t, client.VerifyRequest{UserID: emulator.CarolID, FactorID: em.FactorID, Method: client.MethodEmail}))
	if !errors.Is(err, client.ErrNotTrustedClient) {
		t.Fatalf("err = %v", err)
	}
	if n := requests(emu, answerRequests); n != 0 || time.Since(start) > 2*time.Second {
		t.Errorf("%d answers submitted after %v; want none, at once", n, time.Since(start))
	}
	// What the error warns of: the emulator, like Oracle's sample says, sent it to the user.
	if len(emu.Messages(emulator.CarolID)) != 1 {
		t.Errorf("messages %+v", emu.Messages(emulator.CarolID))
	}
}

func TestEmulatorVerifyBypassCode(t *testing.T) {
	emu, c := startEmulatorClient(t, emulator.Config{})
	ctx := context.Background()
	code, err := emu.AddBypassCode(emulator.AliceID)
	if err != nil {
		t.Fatal(err)
	}
	req := client.VerifyRequest{UserID: emulator.AliceID, FactorID: emulator.BypassCodeFactorID, Method: client.MethodBypassCode, BypassCode: code}
	res, err := c.Verify(ctx, req)
	if err != nil || res.Method != client.MethodBypassCode || res.FactorID != emulator.BypassCodeFactorID {
		t.Fatalf("%+v %v", res, err)
	}
	// One use only: the same code again is refused, and its text does not hold it.
	if _, err := emu.AddBypassCode(emulator.AliceID); err != nil {
		t.Fatal(err)
	}
	_, err = c.Verify(ctx, req)
	if !errors.Is(err, client.ErrInvalidPasscode) || strings.Contains(err.Error(), code) {
		t.Errorf("used code: %v", err)
	}
}

func TestEmulatorVerifySecurityQuestions(t *testing.T) {
	emu, c := startEmulatorClient(t, emulator.Config{})
	ctx := context.Background()
	sq, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodSecurityQuestions})
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{}
	var set []client.SecurityAnswer
	for i, q := range sq.SecurityQuestions[:3] {
		a := "answer number " + string(rune('a'+i)) + "-Zx"
		all[q.ID] = a
		set = append(set, client.SecurityAnswer{ID: q.ID, Answer: a})
	}
	if err := c.SetSecurityQuestions(ctx, emulator.AliceID, set); err != nil {
		t.Fatal(err)
	}
	req := client.VerifyRequest{UserID: emulator.AliceID, FactorID: emulator.SecurityQuestionsFactorID, Method: client.MethodSecurityQuestions}
	req.SecurityAnswers = all
	if res, err := c.Verify(ctx, req); err != nil || res.Method != client.MethodSecurityQuestions {
		t.Fatalf("%+v %v", res, err)
	}

	// One answer only: the service asks one of three questions, so some runs ask another.
	for id, a := range all {
		req.SecurityAnswers = map[string]string{id: a}
		break
	}
	var miss *client.MissingAnswerError
	for i := 0; i < 30 && miss == nil; i++ {
		emu.ResetStats()
		_, err := c.Verify(ctx, req)
		if err == nil {
			continue
		}
		if !errors.As(err, &miss) || !errors.Is(err, client.ErrMissingAnswer) {
			t.Fatalf("err = %v", err)
		}
		if len(miss.QuestionIDs) != 1 || all[miss.QuestionIDs[0]] == "" || !strings.Contains(err.Error(), miss.QuestionIDs[0]) || !miss.Initiated {
			t.Errorf("missing %+v: %v", miss, err)
		}
		for _, a := range all {
			if strings.Contains(err.Error(), a) {
				t.Errorf("the error holds an answer: %v", err)
			}
		}
		if n := requests(emu, answerRequests); n != 0 {
			t.Errorf("%d answers submitted without every question answered", n)
		}
	}
	if miss == nil {
		t.Error("thirty verifications never asked the unanswered questions")
	}
}

// approver is a Logger that approves a PUSH verification as soon as V1's answer is logged,
// as the user would in the app.
type approver struct {
	emu *emulator.Server
	mu  sync.Mutex
	err error
}

func (a *approver) Debug(_ context.Context, _ string, f map[string]any) {
	if f["method"] != "POST" || f["path"] != "/mfa/v1/requests" {
		return
	}
	body, _ := f["response_body"].(string)
	var v struct {
		RequestID string `json:"requestId"`
	}
	_ = json.Unmarshal([]byte(body), &v)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.err = a.emu.ApproveRequest(v.RequestID)
}

func TestEmulatorVerifyPush(t *testing.T) {
	emu, host := startEmulator(t, emulator.Config{})
	ap := &approver{emu: emu}
	c := newClient(t, host, func(c *client.Config) { c.Logger = ap })
	ctx := context.Background()
	push, err := c.Enroll(ctx, emulator.AliceID, client.EnrollRequest{Method: client.MethodPush})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.CompleteEnrollment(emulator.AliceID, push.FactorID); err != nil {
		t.Fatal(err)
	}
	emu.ResetStats()
	res, err := c.Verify(ctx, client.VerifyRequest{UserID: emulator.AliceID, FactorID: push.FactorID, Method: client.MethodPush, PushPollInterval: 10 * time.Millisecond})
	if err != nil || ap.err != nil || res.FactorID != push.FactorID || res.Method != client.MethodPush {
		t.Fatalf("%+v %v (approval: %v)", res, err, ap.err)
	}
	if n := requests(emu, pollRequests); n != 1 {
		t.Errorf("%d polls after an approval before the first poll, want 1", n)
	}

	// Nobody approves: the context's deadline ends it.
	quiet := newClient(t, host)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	emu.ResetStats()
	_, err = quiet.Verify(ctx, client.VerifyRequest{UserID: emulator.AliceID, FactorID: push.FactorID, Method: client.MethodPush, PushPollInterval: 20 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("unapproved: %v", err)
	}
	if n := requests(emu, pollRequests); n < 2 {
		t.Errorf("%d polls in 150 ms at 20 ms intervals", n)
	}
}

// funcClock is a client.Clock reading now and waiting for real.
type funcClock func() time.Time

func (f funcClock) Now() time.Time { return f() }
func (f funcClock) Sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
