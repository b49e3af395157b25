package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// flexBool accepts what Oracle's samples send for boolean flags: JSON booleans and the
// strings "true"/"false" (the documentation types them as strings, the samples mix both).
type flexBool struct {
	Set   bool
	Value bool
}

func (b *flexBool) UnmarshalJSON(data []byte) error {
	s := strings.TrimSpace(string(data))
	switch strings.ToLower(s) {
	case "null":
		*b = flexBool{}
		return nil
	case "true", `"true"`:
		*b = flexBool{Set: true, Value: true}
		return nil
	case "false", `"false"`:
		*b = flexBool{Set: true, Value: false}
		return nil
	}
	return errNotAFlag
}

func (b flexBool) True() bool { return b.Set && b.Value }

// flexString accepts a string or a bare JSON number, because passcodes are sometimes sent
// as numbers by hand-written clients; a number keeps its literal digits.
type flexString string

func (f *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if string(data) == "null" {
		*f = ""
		return nil
	}
	if _, err := strconv.ParseUint(string(data), 10, 64); err == nil {
		*f = flexString(data)
		return nil
	}
	return errNotAString
}

var (
	errNotAFlag   = errors.New("not a boolean or \"true\"/\"false\"")
	errNotAString = errors.New("not a string or an unsigned integer")
)

type securityQuestionItem struct {
	ID       string `json:"id"`
	Answer   string `json:"answer"`
	HintText string `json:"hintText"`
	Op       string `json:"op"`
}

// enrollRequest is E3's InitiateEnrollment.
type enrollRequest struct {
	Method                 string     `json:"method"`
	CountryCode            string     `json:"countryCode"`
	MobileNumber           string     `json:"mobileNumber"`
	OfflineTOTP            flexBool   `json:"offlineTOTP"`
	SkipFactorVerification flexBool   `json:"skipFactorVerification"`
	SharedSecret           string     `json:"sharedSecret"`
	OTPCode                flexString `json:"otpCode"`
	externalClient
}

// externalClient are the fields asking for the OTP to be returned encrypted.
type externalClient struct {
	UserFlowControlledByExternalClient flexBool `json:"userFlowControlledByExternalClient"`
	X5T                                string   `json:"x5t"`
}

// completeEnrollmentRequest is E5's CompleteEnrollment.
type completeEnrollmentRequest struct {
	DisplayName       string                 `json:"displayName"`
	OTPCode           flexString             `json:"otpCode"`
	RequestState      string                 `json:"requestState"`
	ResendOtp         flexBool               `json:"resendOtp"`
	SecurityQuestions []securityQuestionItem `json:"securityQuestions"`
	externalClient
}

// changeDefaultFactorRequest is E7's ChangeDefaultFactor.
type changeDefaultFactorRequest struct {
	PreferredFactorID string   `json:"preferredFactorId"`
	PreferredMethod   string   `json:"preferredMethod"`
	DisableMFA        flexBool `json:"disableMFA"`
}

// initiateVerificationRequest is V1's InitiateFactorVerification.
type initiateVerificationRequest struct {
	UserID          string `json:"userId"`
	UserIDType      string `json:"userIdType"`
	FactorID        string `json:"factorId"`
	Method          string `json:"method"`
	ApplicationName string `json:"applicationName"`
	IPAddress       string `json:"ipAddress"`
	UserAgent       string `json:"userAgent"`
	externalClient
}

// completeVerificationRequest is V2's CompleteFactorVerification.
type completeVerificationRequest struct {
	OTPCode           flexString             `json:"otpCode"`
	BypassCode        flexString             `json:"bypassCode"`
	RequestState      string                 `json:"requestState"`
	ResendOtp         flexBool               `json:"resendOtp"`
	SecurityQuestions []securityQuestionItem `json:"securityQuestions"`
	externalClient
}

// readBody reads at most MaxBodyBytes; a larger body is a payload error.
func readBody(r *http.Request) ([]byte, *apiError) {
	if r.Body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, errPayload()
	}
	if len(data) > MaxBodyBytes {
		return nil, errPayload()
	}
	return data, nil
}

// decodeJSON decodes an /mfa/v1 request body into v. An empty body is AUTH-1033; anything
// that is not a single JSON object with correctly typed known fields is AUTH-1121. Unknown
// fields are ignored, as a tolerant server does.
func decodeJSON(data []byte, v any) *apiError {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return errPayload()
	}
	if trimmed[0] != '{' {
		return errInvalidJSON()
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(v); err != nil {
		return errInvalidJSON()
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errInvalidJSON()
	}
	return nil
}

// decodeRequest reads and decodes the body of r into v.
func decodeRequest(r *http.Request, v any) *apiError {
	data, e := readBody(r)
	if e != nil {
		return e
	}
	return decodeJSON(data, v)
}

// truncate shortens an echoed input to at most n bytes (and "..."), cut at a character
// boundary, so that no answer grows with what the client sent.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// maxEchoed is the most of one input value an error message quotes; maxMessage bounds a
// whole message or detail, whatever it quotes (see writeMFAError and scimError.write).
const (
	maxEchoed  = 100
	maxMessage = 1000
)
