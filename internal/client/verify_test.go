package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeVerifier answers V1 with a request of the given method, and V2/V3 with answer.
type fakeVerifier struct {
	t      *testing.T
	method string
	answer func(w http.ResponseWriter, r *http.Request)
	mu     sync.Mutex
	calls  map[string]int
}

func (f *fakeVerifier) count(k string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[k]
}

func (f *fakeVerifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[r.Method]++
	f.mu.Unlock()
	if r.Method == http.MethodPost {
		writeJSON(w, 200, `{"status":"success","requestId":"r1","userGUID":"u1","factorId":"f1","method":"`+f.method+`","requestState":"STATE-Q9"}`)
		return
	}
	f.answer(w, r)
}

const totpSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// The answer (V2) is sent once: a failure that may hide its outcome comes back as such.
func TestVerifyAnswerIsSentOnce(t *testing.T) {
	for _, fault := range []string{"drop", "500"} {
		f := &fakeVerifier{t: t, method: MethodTOTP, answer: func(w http.ResponseWriter, r *http.Request) {
			if fault == "drop" {
				dropConnection(t, w)
				return
			}
			writeJSON(w, 500, `{"status":"failed","cause":[{"code":"AUTH-1112","message":"Unexpected error"}]}`)
		}}
		c, _ := newTestClient(t, f)
		_, err := c.Verify(context.Background(), VerifyRequest{UserID: "u1", TOTPSecret: totpSecret})
		if !IsAmbiguous(err) || f.count(http.MethodPatch) != 1 {
			t.Errorf("%s: err %v after %d answers; want an ambiguous error after 1", fault, err, f.count(http.MethodPatch))
		}
		if err != nil && strings.Contains(err.Error(), "STATE-Q9") {
			t.Errorf("%s: the error holds the requestState: %v", fault, err)
		}
	}
}

// What can be checked before V1 is, so that no passcode or notification goes out for a
// verification that cannot be answered.
func TestVerifyChecksBeforeInitiating(t *testing.T) {
	f := &fakeVerifier{t: t, method: MethodSMS, answer: func(w http.ResponseWriter, r *http.Request) { t.Error("answered") }}
	c, _ := newTestClient(t, f)
	for _, tc := range []struct {
		name string
		req  VerifyRequest
		want error
	}{
		{"bad key PEM", VerifyRequest{UserID: "u1", ExternalClientKeyPEM: "junk", ExternalClientCertificatePEM: "junk"}, ErrCertificatePEM},
		{"bad TOTP secret", VerifyRequest{UserID: "u1", TOTPSecret: "JBSWY3DPEHPK3PXP"}, ErrTOTPSecretTooShort},
		{"bad TOTP params", VerifyRequest{UserID: "u1", TOTPSecret: totpSecret, TOTP: TOTPParams{Digits: 4}}, ErrTOTPParams},
		{"SMS without a key", VerifyRequest{UserID: "u1", FactorID: "f1", Method: MethodSMS}, ErrMissingAnswer},
		{"TOTP without a secret", VerifyRequest{UserID: "u1", FactorID: "f1", Method: "totp"}, ErrMissingAnswer},
		{"bypass code without a code", VerifyRequest{UserID: "u1", FactorID: "BypassCode", Method: MethodBypassCode}, ErrMissingAnswer},
		{"questions without answers", VerifyRequest{UserID: "u1", FactorID: "SecurityQuestions", Method: MethodSecurityQuestions}, ErrMissingAnswer},
	} {
		if _, err := c.Verify(context.Background(), tc.req); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := c.Verify(context.Background(), VerifyRequest{UserID: "u1", FactorID: "f1"}); err == nil {
		t.Error("a factor id without a method was accepted")
	}
	if _, err := c.Verify(context.Background(), VerifyRequest{}); err == nil {
		t.Error("an empty user id was accepted")
	}
	if n := f.count(http.MethodPost); n != 0 {
		t.Errorf("%d verifications initiated", n)
	}
}

// A preferred factor that turns out to need a key the request lacks: V1 went out (so a
// passcode may have reached the user), nothing is submitted, and the error says so.
func TestVerifyPreferredFactorWithoutItsAnswer(t *testing.T) {
	f := &fakeVerifier{t: t, method: MethodEmail, answer: func(w http.ResponseWriter, r *http.Request) { t.Error("answered") }}
	c, _ := newTestClient(t, f)
	_, err := c.Verify(context.Background(), VerifyRequest{UserID: "u1", TOTPSecret: totpSecret})
	var miss *MissingAnswerError
	if !errors.As(err, &miss) || miss.Method != MethodEmail || !miss.Initiated || !strings.Contains(err.Error(), "a passcode may have been sent") {
		t.Fatalf("err = %v", err)
	}
	if f.count(http.MethodPost) != 1 || f.count(http.MethodPatch) != 0 {
		t.Errorf("calls %v", f.calls)
	}
}

// V3 answering 401 is the user's rejection (API doc section 4, V3).
func TestVerifyPushRejected(t *testing.T) {
	f := &fakeVerifier{t: t, method: MethodPush, answer: func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			t.Errorf("%s during a PUSH verification", r.Method)
		}
		writeJSON(w, 401, `{"status":"failed","cause":[{"code":"AUTH-1130","message":"scripted rejection"}]}`)
	}}
	c, _ := newTestClient(t, f)
	_, err := c.Verify(context.Background(), VerifyRequest{UserID: "u1", PushPollInterval: time.Millisecond})
	var ae *APIError
	if !errors.Is(err, ErrPushRejected) || !errors.As(err, &ae) || ae.StatusCode != 401 || f.count(http.MethodGet) != 1 {
		t.Fatalf("err %v after %d polls", err, f.count(http.MethodGet))
	}
}

// V1 asks for the passcode encrypted when the method is one whose passcode is sent, or not
// known yet (the preferred factor), and not for a named TOTP factor.
func TestVerifyAsksForEncryptionOnlyWhereItApplies(t *testing.T) {
	var mu sync.Mutex
	var bodies []initiateVerificationBody
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			var b initiateVerificationBody
			if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
				t.Error(err)
			}
			mu.Lock()
			bodies = append(bodies, b)
			mu.Unlock()
			writeJSON(w, 200, `{"status":"success","requestId":"r1","method":"TOTP","requestState":"s"}`)
			return
		}
		writeJSON(w, 200, `{"status":"success"}`)
	}))
	key, err := os.ReadFile(filepath.Join("testdata", "externalclient", "key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := os.ReadFile(filepath.Join("testdata", "externalclient", "cert.pem"))
	if err != nil {
		t.Fatal(err)
	}
	base := VerifyRequest{UserID: "u1", TOTPSecret: totpSecret, ExternalClientKeyPEM: string(key), ExternalClientCertificatePEM: string(cert)}
	named := base
	named.FactorID, named.Method = "f1", MethodTOTP
	for _, r := range []VerifyRequest{base, named} {
		if _, err := c.Verify(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	if len(bodies) != 2 || !bodies[0].UserFlowControlledByExternalClient || bodies[0].X5T == "" ||
		bodies[1].UserFlowControlledByExternalClient || bodies[1].X5T != "" {
		t.Errorf("V1 bodies %+v", bodies)
	}
}
