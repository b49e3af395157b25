package emulator

import (
	crand "crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"sync"
)

// lockedRand is the emulator's single source of ids, passcodes and fault decisions.
// ChaCha8 is a cryptographic generator, so unseeded passcodes are unguessable; a non-zero
// Config.Seed makes runs reproducible for tests.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newLockedRand(seed int64) *lockedRand {
	var key [32]byte
	if seed != 0 {
		binary.LittleEndian.PutUint64(key[:], uint64(seed))
	} else {
		_, _ = crand.Read(key[:]) // never fails since Go 1.24
	}
	return &lockedRand{r: rand.New(rand.NewChaCha8(key))}
}

func (l *lockedRand) bytes(n int) []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(l.r.Uint32())
	}
	return b
}

func (l *lockedRand) float64() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Float64()
}

// hexID is a 32-hex id like Oracle's user and factor ids.
func (l *lockedRand) hexID() string { return hex.EncodeToString(l.bytes(16)) }

// uuid is a version-4 UUID like Oracle's requestId.
func (l *lockedRand) uuid() string {
	b := l.bytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (l *lockedRand) digits(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + l.r.IntN(10))
	}
	return string(b)
}

// totpSecret is a 160-bit base32 secret, the size RFC 4226 recommends.
func (l *lockedRand) totpSecret() string {
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(l.bytes(20))
}
