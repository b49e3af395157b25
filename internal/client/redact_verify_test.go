package client

import (
	"encoding/json"
	"strings"
	"testing"
)

// The bodies the verification engine and the one-step TOTP enrollment send and receive are
// logged without their secrets: built by the client's own types, not written by hand.
func TestRedactVerificationBodies(t *testing.T) {
	oneStep, err := OfflineTOTPEnrollRequest("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "287082")
	if err != nil {
		t.Fatal(err)
	}
	bodies := []struct {
		name string
		v    any
		gone []string
		kept []string
	}{
		{"one-step enrollment", newEnrollBody(oneStep),
			[]string{"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "287082"}, []string{`"offlineTOTP":"true"`}},
		{"V2 passcode", VerificationAnswer{OTPCode: "482913", RequestState: "STATE-A1"},
			[]string{"482913", "STATE-A1"}, nil},
		{"V2 bypass code", VerificationAnswer{BypassCode: "397541940949", RequestState: "STATE-A2"},
			[]string{"397541940949", "STATE-A2"}, nil},
		{"V2 answers", VerificationAnswer{SecurityQuestions: []SecurityAnswer{{ID: "FirstCar", Answer: "Ford Pinto"}}, RequestState: "STATE-A3"},
			[]string{"Ford Pinto", "STATE-A3"}, []string{`"id":"FirstCar"`}},
		{"V1 answer with the encrypted passcode", Verification{RequestID: "r1", Method: MethodSMS, RequestState: "STATE-A4",
			OTP: &EncryptedOTP{Value: "Q2lwaGVydGV4dA==", Alg: "RSAES-OAEP", X5T: "thumb"}},
			[]string{"Q2lwaGVydGV4dA==", "STATE-A4"}, []string{`"x5t":"thumb"`, `"requestId":"r1"`}},
		{"V1 request for the encrypted passcode", initiateVerificationBody{UserID: "u1", UserIDType: UserIDTypeGUID,
			UserFlowControlledByExternalClient: true, X5T: "thumb"},
			nil, []string{`"x5t":"thumb"`, `"userFlowControlledByExternalClient":true`}},
	}
	for _, b := range bodies {
		raw, err := json.Marshal(b.v)
		if err != nil {
			t.Fatal(err)
		}
		got := RedactBody("application/json", raw)
		for _, g := range b.gone {
			if strings.Contains(got, g) {
				t.Errorf("%s: %q still in %s", b.name, g, got)
			}
		}
		for _, k := range b.kept {
			if !strings.Contains(got, k) {
				t.Errorf("%s: %q missing from %s", b.name, k, got)
			}
		}
	}
}
