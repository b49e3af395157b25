package client

import (
	"encoding/base32"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestTOTPCodeRFC6238Vectors: every test vector of RFC 6238 Appendix B (8 digits, 30 s, the
// 20-, 32- and 64-byte ASCII seeds of SHA1, SHA256 and SHA512, all six times).
func TestTOTPCodeRFC6238Vectors(t *testing.T) {
	seeds := map[string]string{
		TOTPAlgorithmSHA1:   "12345678901234567890",
		TOTPAlgorithmSHA256: "12345678901234567890123456789012",
		TOTPAlgorithmSHA512: "1234567890123456789012345678901234567890123456789012345678901234",
	}
	vectors := []struct {
		unix int64
		alg  string
		want string
	}{
		{59, TOTPAlgorithmSHA1, "94287082"},
		{59, TOTPAlgorithmSHA256, "46119246"},
		{59, TOTPAlgorithmSHA512, "90693936"},
		{1111111109, TOTPAlgorithmSHA1, "07081804"},
		{1111111109, TOTPAlgorithmSHA256, "68084774"},
		{1111111109, TOTPAlgorithmSHA512, "25091201"},
		{1111111111, TOTPAlgorithmSHA1, "14050471"},
		{1111111111, TOTPAlgorithmSHA256, "67062674"},
		{1111111111, TOTPAlgorithmSHA512, "99943326"},
		{1234567890, TOTPAlgorithmSHA1, "89005924"},
		{1234567890, TOTPAlgorithmSHA256, "91819424"},
		{1234567890, TOTPAlgorithmSHA512, "93441116"},
		{2000000000, TOTPAlgorithmSHA1, "69279037"},
		{2000000000, TOTPAlgorithmSHA256, "90698825"},
		{2000000000, TOTPAlgorithmSHA512, "38618901"},
		{20000000000, TOTPAlgorithmSHA1, "65353130"},
		{20000000000, TOTPAlgorithmSHA256, "77737706"},
		{20000000000, TOTPAlgorithmSHA512, "47863826"},
	}
	for _, v := range vectors {
		secret := base32.StdEncoding.EncodeToString([]byte(seeds[v.alg]))
		got, err := TOTPCode(secret, time.Unix(v.unix, 0).UTC(), TOTPParams{Period: 30 * time.Second, Digits: 8, Algorithm: v.alg})
		if err != nil || got != v.want {
			t.Errorf("T=%d %s: got %q, %v; want %q", v.unix, v.alg, got, err, v.want)
		}
	}
}

func TestTOTPDefaultsAreOracles(t *testing.T) {
	d := DefaultTOTPParams()
	if d.Period != 30*time.Second || d.Digits != 6 || d.Algorithm != "SHA1" {
		t.Fatalf("defaults %+v", d)
	}
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	at := time.Unix(59, 0)
	zero, err := TOTPCode(secret, at, TOTPParams{})
	if err != nil {
		t.Fatal(err)
	}
	// The RFC's 8-digit SHA1 code at T=59 is 94287082; 6 digits keep its last six.
	if zero != "287082" {
		t.Errorf("zero params: %q, want 287082", zero)
	}
	if got, _ := TOTPCode(secret, at, d); got != zero {
		t.Errorf("DefaultTOTPParams gives %q, zero params %q", got, zero)
	}
	// A 60-second step: T=60 and T=119 are in the same step, T=120 is not.
	p60 := TOTPParams{Period: time.Minute}
	a, _ := TOTPCode(secret, time.Unix(60, 0), p60)
	b, _ := TOTPCode(secret, time.Unix(119, 0), p60)
	c, _ := TOTPCode(secret, time.Unix(120, 0), p60)
	if a != b || b == c {
		t.Errorf("60 s steps: %q %q %q", a, b, c)
	}
}

// Secrets are read as authenticator apps read a typed-in key.
func TestTOTPSecretNormalisation(t *testing.T) {
	canonical := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // base32 of "12345678901234567890"
	want, err := TOTPCode(canonical, time.Unix(59, 0), TOTPParams{Digits: 8})
	if err != nil || want != "94287082" {
		t.Fatalf("canonical: %q %v", want, err)
	}
	for _, s := range []string{
		"gezd gnbv gy3t qojq gezd gnbv gy3t qojq",
		" GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n",
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====",
		"MFRGGZDFMZTWQ2LKNNWG23TPOA======", // "abcdefghijklmnop" padded: another valid 16-byte key
	} {
		if err := ValidateTOTPSecret(s); err != nil {
			t.Errorf("ValidateTOTPSecret(%q): %v", s, err)
		}
	}
	for _, s := range []string{"gezd gnbv gy3t qojq gezd gnbv gy3t qojq", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ===="} {
		if got, err := TOTPCode(s, time.Unix(59, 0), TOTPParams{Digits: 8}); err != nil || got != want {
			t.Errorf("TOTPCode(%q) = %q, %v; want %q", s, got, err, want)
		}
	}
	if got := NormalizeTOTPSecret(" ab cd\t=="); got != "ABCD" {
		t.Errorf("NormalizeTOTPSecret = %q", got)
	}
}

// Invalid secrets are refused with a clear error that never holds the secret.
func TestTOTPSecretRefused(t *testing.T) {
	for _, tc := range []struct {
		secret string
		want   error
	}{
		{"not-base32-at-all-1890", ErrTOTPSecretNotBase32},
		{"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQO", ErrTOTPSecretNotBase32}, // 30 characters: a length base32 cannot have
		{"", ErrTOTPSecretTooShort},
		{"GEZDGNBVGY3TQOJQGEZDGNBV", ErrTOTPSecretTooShort}, // 15 bytes: 120 bits
		{"JBSWY3DPEHPK3PXP", ErrTOTPSecretTooShort},         // the 80-bit key of many examples
	} {
		err := ValidateTOTPSecret(tc.secret)
		if !errors.Is(err, tc.want) {
			t.Errorf("ValidateTOTPSecret(%q) = %v, want %v", tc.secret, err, tc.want)
			continue
		}
		if tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
			t.Errorf("error quotes the secret: %v", err)
		}
		if _, cerr := TOTPCode(tc.secret, time.Now(), TOTPParams{}); !errors.Is(cerr, tc.want) {
			t.Errorf("TOTPCode(%q) = %v, want %v", tc.secret, cerr, tc.want)
		}
	}
	if err := ValidateTOTPSecret("JBSWY3DPEHPK3PXP"); !strings.Contains(err.Error(), "80 bits") {
		t.Errorf("the error should say how long the secret is: %v", err)
	}
}

func TestTOTPParamsRefused(t *testing.T) {
	secret := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	for _, p := range []TOTPParams{
		{Period: 1500 * time.Millisecond},
		{Period: -time.Second},
		{Digits: 5},
		{Digits: 11},
		{Algorithm: "MD5"},
	} {
		if _, err := TOTPCode(secret, time.Now(), p); !errors.Is(err, ErrTOTPParams) {
			t.Errorf("%+v: err = %v, want ErrTOTPParams", p, err)
		}
	}
	if _, err := TOTPCode(secret, time.Now(), TOTPParams{Algorithm: "sha256"}); err != nil {
		t.Errorf("lower-case algorithm name: %v", err)
	}
}
