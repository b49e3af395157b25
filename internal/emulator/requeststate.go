package emulator

import (
	"crypto/aes"
	"crypto/cipher"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/json"
	"time"
)

// stateClaims is what a requestState carries. Oracle's requestState is an opaque encrypted
// blob; sealing the claims with AES-GCM gives the same properties: clients cannot read or
// forge it, and the server needs no lookup table to check it.
type stateClaims struct {
	Kind      string `json:"k"` // "enroll" or "verify"
	UserID    string `json:"u"`
	FactorID  string `json:"f"`
	RequestID string `json:"r,omitempty"` // verification requests only
	Nonce     string `json:"n"`           // must equal the factor's / request's current nonce
	Expires   int64  `json:"x"`           // unix milliseconds
}

const (
	stateKindEnroll = "enroll"
	stateKindVerify = "verify"
)

type stateSealer struct{ aead cipher.AEAD }

func newStateSealer() *stateSealer {
	key := make([]byte, 32)
	_, _ = crand.Read(key) // never fails since Go 1.24
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err) // unreachable: the key length is fixed and valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err) // unreachable: AES always supports GCM
	}
	return &stateSealer{aead: aead}
}

func (s *stateSealer) seal(c stateClaims) string {
	plain, _ := json.Marshal(c) // plain struct of strings and ints: cannot fail
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = crand.Read(nonce)
	out := s.aead.Seal(nonce, nonce, plain, nil)
	return base64.StdEncoding.EncodeToString(out)
}

// open returns the claims of a requestState sealed by this server, or false when it was
// tampered with, truncated, or sealed by another server instance.
func (s *stateSealer) open(state string) (stateClaims, bool) {
	var c stateClaims
	raw, err := base64.StdEncoding.DecodeString(state)
	if err != nil || len(raw) < s.aead.NonceSize()+s.aead.Overhead() {
		return c, false
	}
	ns := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:ns], raw[ns:], nil)
	if err != nil {
		return c, false
	}
	if json.Unmarshal(plain, &c) != nil {
		return c, false
	}
	return c, true
}

// checkState validates a requestState for the given binding. It answers AUTH-1117 when the
// state is genuine and bound here but expired, and AUTH-1120 for anything else.
func (s *Server) checkState(state, kind, userID, factorID, requestID, currentNonce string) *apiError {
	if state == "" {
		return errMissing("requestState")
	}
	c, ok := s.sealer.open(state)
	if !ok || c.Kind != kind || c.UserID != userID || c.FactorID != factorID || c.RequestID != requestID {
		return errInvalidState()
	}
	if s.now().After(time.UnixMilli(c.Expires)) {
		return errExpiredState()
	}
	if currentNonce == "" || c.Nonce != currentNonce {
		return errInvalidState()
	}
	return nil
}

func (s *Server) newState(kind, userID, factorID, requestID, nonce string) string {
	return s.sealer.seal(stateClaims{
		Kind: kind, UserID: userID, FactorID: factorID, RequestID: requestID, Nonce: nonce,
		Expires: s.now().Add(s.cfg.RequestStateTTL).UnixMilli(),
	})
}
