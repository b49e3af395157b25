package emulator

import (
	"net/http"
	"testing"
	"time"
)

// TestClockAdvanceOverHTTP: POST /emulator/v1/clock moves the time everything time-bound
// reads (here a passcode's expiry), GET reads it, and the clock never moves back.
func TestClockAdvanceOverHTTP(t *testing.T) {
	h := newHarness(t, Config{OTPValidity: time.Minute})
	start := h.s.Now()
	got := h.mustDo(http.StatusOK, http.MethodGet, "/emulator/v1/clock", nil)
	if got["ahead"] != "0s" || got["now"] != start.UTC().Format(time.RFC3339Nano) {
		t.Fatalf("GET clock before any move = %v, want now %s and ahead 0s", got, start.UTC().Format(time.RFC3339Nano))
	}

	u := h.newUser("clock")
	fid, rs := h.enrollSMS(u, "7700900131")
	got = h.mustDo(http.StatusOK, http.MethodPost, "/emulator/v1/clock", map[string]any{"advance": "2m"})
	if got["ahead"] != "2m0s" || got["now"] != start.Add(2*time.Minute).UTC().Format(time.RFC3339Nano) {
		t.Fatalf("POST clock 2m = %v, want 2 minutes ahead of %s", got, start)
	}
	// The passcode lived a minute: two later it is refused, as TestExpiredOTPIsRejected's
	// own clock shows.
	h.expectError(401, "AUTH-1105", http.MethodPatch, factorsPath(u)+"/"+fid, map[string]any{"otpCode": h.otp(u, fid), "requestState": rs})

	// Milliseconds as a number, as the faults' latency.
	if got = h.mustDo(http.StatusOK, http.MethodPost, "/emulator/v1/clock", map[string]any{"advance": 1500}); got["ahead"] != "2m1.5s" {
		t.Fatalf("POST clock 1500 (ms) = %v, want ahead 2m1.5s", got)
	}
	for _, body := range []map[string]any{{"advance": "-1s"}, {"advance": "soon"}, {}} {
		if status, m, raw := h.do(http.MethodPost, "/emulator/v1/clock", body); status != http.StatusBadRequest || m["error"] == nil {
			t.Errorf("POST clock %v: %d %s, want 400 with an error", body, status, raw)
		}
	}
	if ahead := h.mustDo(http.StatusOK, http.MethodGet, "/emulator/v1/clock", nil)["ahead"]; ahead != "2m1.5s" {
		t.Errorf("refused moves changed the clock: ahead %v, want 2m1.5s", ahead)
	}
}

// TestClockAdvanceMovesTOTP: a TOTP code is checked at the emulator's time, so after a move
// the code of the moved time verifies and the code of the real time no longer does.
func TestClockAdvanceMovesTOTP(t *testing.T) {
	h := newHarness(t, Config{})
	before := h.s.Now()
	if _, err := h.s.AdvanceClock(10 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := h.s.Now().Sub(before); got != 10*time.Minute {
		t.Fatalf("Now moved %s, want 10m", got)
	}
	if _, err := h.s.AdvanceClock(-time.Second); err == nil {
		t.Error("AdvanceClock(-1s) succeeded: the clock must only move forward")
	}
	secret := "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if h.totpAt(secret, before) == h.totpAt(secret, h.s.Now()) {
		t.Fatal("the codes 10 minutes apart are equal; the test proves nothing")
	}
	key, err := decodeBase32(secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := h.s.totp.match(key, h.totpAt(secret, h.s.Now()), h.s.now(), 0); !ok {
		t.Error("the code of the emulator's time is refused")
	}
	if _, ok := h.s.totp.match(key, h.totpAt(secret, before), h.s.now(), 0); ok {
		t.Error("the code of 10 minutes before the emulator's time is accepted")
	}
}
