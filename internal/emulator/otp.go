package emulator

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // SHA-1 is RFC 6238's default and Oracle's default TOTP hash.
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strings"
	"time"
)

// totpHashes are the HMAC hashes of Oracle's totpSettings.hashingAlgorithm values (OCI Go
// SDK AuthenticationFactorSettingsTotpSettingsHashingAlgorithmEnum) that the emulator
// implements. Oracle also lists MD5, but RFC 4226's dynamic truncation (§5.3) reads four
// bytes at an offset of up to 15, which a 16-byte MD5 HMAC does not have: how Oracle
// truncates it is not documented, so the emulator refuses MD5 rather than guess.
var totpHashes = map[string]func() hash.Hash{
	"SHA1":   sha1.New,
	"SHA256": sha256.New,
	"SHA384": sha512.New384,
	"SHA512": sha512.New,
}

// TOTPAlgorithms lists the accepted Config.TOTPAlgorithm values, default first.
var TOTPAlgorithms = []string{"SHA1", "SHA256", "SHA384", "SHA512"}

// totpParams are the domain's TOTP settings in the form RFC 6238 uses them.
type totpParams struct {
	period    int64 // X, seconds; T0 is 0
	digits    int
	algorithm string
	newHash   func() hash.Hash
	tolerance int64 // steps either side of now that match accepts (Config.TOTPTolerance)
}

func newTOTPParams(period time.Duration, digits int, algorithm string) totpParams {
	name := strings.ToUpper(algorithm)
	return totpParams{period: int64(period / time.Second), digits: digits, algorithm: name, newHash: totpHashes[name], tolerance: totpTolerance}
}

// step is RFC 6238's T = floor((unix time - T0) / X).
func (p totpParams) step(t time.Time) int64 {
	return t.Unix() / p.period
}

// code is RFC 4226's HOTP(K, C) with dynamic truncation (§5.3), computed with p's HMAC hash
// (RFC 6238 §1.2 allows SHA-256 and SHA-512) and reduced to p.digits digits.
func (p totpParams) code(key []byte, step int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	mac := hmac.New(p.newHash, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := uint64(binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff)
	mod := uint64(1)
	for range p.digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", p.digits, bin%mod)
}

// totpTolerance is how many steps either side of now a code may come from unless the domain
// says otherwise: RFC 6238 §5.2 recommends at most one step of allowance for network delay
// and clock drift.
const totpTolerance = 1

// match says which step in now's window (previous, current, next) has code as its code,
// skipping the steps up to and including spent (RFC 6238 §5.2: a code accepted once must
// not be accepted again). spent 0 means none was accepted yet.
func (p totpParams) match(key []byte, code string, now time.Time, spent int64) (int64, bool) {
	cur := p.step(now)
	for st := cur - p.tolerance; st <= cur+p.tolerance; st++ {
		if st > spent && otpMatches(code, p.code(key, st)) {
			return st, true
		}
	}
	return 0, false
}

// otpMatches compares in constant time so the emulator does not teach clients bad habits.
func otpMatches(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

var base32Std = base32.StdEncoding.WithPadding(base32.NoPadding)

var errNotBase32 = errors.New("sharedSecret is not base32")

// decodeBase32 reads a TOTP secret the way authenticator apps do: case, spaces and
// padding are ignored.
func decodeBase32(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(secret), " ", ""))
	key, err := base32Std.DecodeString(strings.TrimRight(s, "="))
	if err != nil || len(key) == 0 {
		return nil, errNotBase32
	}
	return key, nil
}

func validTOTPAlgorithm(name string) bool {
	return slices.Contains(TOTPAlgorithms, strings.ToUpper(name))
}
