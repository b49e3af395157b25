package client

import (
	"encoding/json"
	"testing"
)

// The one-step offline TOTP enrollment sends the body of the API doc's last E3 row, flags as
// strings; the two-step one keeps the boolean of the doc's offline TOTP row.
func TestEnrollBodyOfflineTOTP(t *testing.T) {
	oneStep, err := OfflineTOTPEnrollRequest("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", " 287082 ")
	if err != nil {
		t.Fatal(err)
	}
	off := true
	for _, tc := range []struct {
		req  EnrollRequest
		want string
	}{
		{oneStep, `{"method":"TOTP","offlineTOTP":"true","skipFactorVerification":"true","sharedSecret":"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ","otpCode":"287082"}`},
		{EnrollRequest{Method: MethodTOTP, OfflineTOTP: &off}, `{"method":"TOTP","offlineTOTP":true}`},
		{EnrollRequest{Method: MethodEmail, SkipVerification: true}, `{"method":"EMAIL","skipFactorVerification":"true"}`},
	} {
		b, err := json.Marshal(newEnrollBody(tc.req))
		if err != nil || string(b) != tc.want {
			t.Errorf("body %s (%v)\nwant %s", b, err, tc.want)
		}
	}
}
