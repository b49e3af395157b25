package emulator

import (
	"strings"
	"testing"
	"time"
)

// TestTOTPMatchesEveryRFC6238Vector checks totpParams against all of RFC 6238 Appendix B:
// the three hashes with their seeds (20, 32 and 64 ASCII bytes), 8 digits, X = 30 s, T0 = 0.
func TestTOTPMatchesEveryRFC6238Vector(t *testing.T) {
	seeds := map[string]string{
		"SHA1":   "12345678901234567890",
		"SHA256": "12345678901234567890123456789012",
		"SHA512": "1234567890123456789012345678901234567890123456789012345678901234",
	}
	vectors := []struct {
		unix               int64
		sha1, sha256, s512 string
	}{
		{59, "94287082", "46119246", "90693936"},
		{1111111109, "07081804", "68084774", "25091201"},
		{1111111111, "14050471", "67062674", "99943326"},
		{1234567890, "89005924", "91819424", "93441116"},
		{2000000000, "69279037", "90698825", "38618901"},
		{20000000000, "65353130", "77737706", "47863826"},
	}
	for _, v := range vectors {
		for alg, want := range map[string]string{"SHA1": v.sha1, "SHA256": v.sha256, "SHA512": v.s512} {
			p := newTOTPParams(30*time.Second, 8, alg)
			if got := p.code([]byte(seeds[alg]), p.step(time.Unix(v.unix, 0))); got != want {
				t.Errorf("%s at %d: %s, RFC 6238 says %s", alg, v.unix, got, want)
			}
			// The same seed read from base32, as sharedSecret carries it, gives the same code.
			key, err := decodeBase32(strings.ToLower(base32Std.EncodeToString([]byte(seeds[alg]))))
			if err != nil || string(key) != seeds[alg] {
				t.Fatalf("base32 round trip of the %s seed: %v", alg, err)
			}
		}
	}
}

// The digits setting reduces the same HOTP value (RFC 4226 §5.3): a shorter code is the
// tail of a longer one, and 10 digits keep the whole 31-bit value.
func TestTOTPDigitsAreTheTailOfTheTruncatedValue(t *testing.T) {
	key := []byte("12345678901234567890")
	// RFC 4226 Appendix D, counter 1: truncated decimal 1094287082.
	ten := newTOTPParams(30*time.Second, 10, "SHA1").code(key, 1)
	if ten != "1094287082" {
		t.Fatalf("10-digit code %q, RFC 4226 says 1094287082", ten)
	}
	for d := minPasscodeLen; d < maxPasscodeLen; d++ {
		if got := newTOTPParams(30*time.Second, d, "SHA1").code(key, 1); got != ten[10-d:] {
			t.Errorf("%d digits: %s, want the tail of %s", d, got, ten)
		}
	}
	// RFC 4226 Appendix D, counter 1, 6 digits.
	if got := newTOTPParams(30*time.Second, 6, "SHA1").code(key, 1); got != "287082" {
		t.Errorf("HOTP(counter 1) = %s, RFC 4226 says 287082", got)
	}
}

func TestTOTPWindowAcceptsOneStepEitherSideAndNotASpentOne(t *testing.T) {
	p := newTOTPParams(30*time.Second, 6, "SHA1")
	key := []byte("12345678901234567890")
	now := time.Unix(1111111111, 0)
	cur := p.step(now)
	for d := int64(-3); d <= 3; d++ {
		_, ok := p.match(key, p.code(key, cur+d), now, 0)
		if want := d >= -1 && d <= 1; ok != want {
			t.Errorf("code of step now%+d accepted=%v, want %v", d, ok, want)
		}
	}
	if _, ok := p.match(key, p.code(key, cur), now, cur); ok {
		t.Error("the code of a spent step was accepted again")
	}
	if _, ok := p.match(key, p.code(key, cur-1), now, cur); ok {
		t.Error("an earlier step's code was accepted after a later one was spent")
	}
	if st, ok := p.match(key, p.code(key, cur+1), now, cur); !ok || st != cur+1 {
		t.Errorf("the next step's code after the current one was spent: step %d, %v", st, ok)
	}
}
