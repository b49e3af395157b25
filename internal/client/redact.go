package client

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces every secret in log entries and error texts.
const Redacted = "***REDACTED***"

const maxLoggedBody = 8 << 10

// sensitiveKeys are JSON or form keys (lower case, without '_', '-' and '.') whose values are secrets.
var sensitiveKeys = map[string]bool{
	"authorization":    true,
	"clientsecret":     true,
	"accesstoken":      true,
	"refreshtoken":     true,
	"idtoken":          true,
	"assertion":        true,
	"clientassertion":  true,
	"otpcode":          true,
	"otp":              true,
	"passcode":         true,
	"requeststate":     true,
	"sharedsecret":     true,
	"bypasscode":       true,
	"answer":           true,
	"code":             true,
	"password":         true,
	"qrcodecontent":    true,
	"qrcodeimgcontent": true,
}

// Parent keys whose listed children are secrets: the encrypted OTP, and the TOTP QR code,
// which carries the shared secret in its content and image.
var sensitiveChildren = map[string]map[string]bool{
	"otp":    {"value": true},
	"qrcode": {"content": true, "imagedata": true},
}

// An error code looks like AUTH-1105; it is kept in logs under the key "code".
var errorCodeRe = regexp.MustCompile(`^[A-Z]{2,12}-[0-9]{1,6}$`)

// keySeparators is built once: normKey runs for every key of every logged body.
var keySeparators = strings.NewReplacer("_", "", "-", "", ".", "")

func normKey(k string) string {
	return keySeparators.Replace(strings.ToLower(k))
}

func isSensitiveKey(k string) bool {
	n := normKey(k)
	if sensitiveKeys[n] {
		return true
	}
	return strings.Contains(n, "secret") || strings.Contains(n, "password") ||
		(strings.Contains(n, "token") && n != "tokentype")
}

// redactValue walks a decoded JSON value and replaces secrets in place.
func redactValue(v any, parent string) any {
	switch t := v.(type) {
	case map[string]any:
		children := sensitiveChildren[normKey(parent)]
		for k, child := range t {
			switch {
			case children[normKey(k)]:
				t[k] = Redacted
			case isSensitiveKey(k):
				if s, ok := child.(string); ok && normKey(k) == "code" && errorCodeRe.MatchString(s) {
					continue
				}
				if _, isObj := child.(map[string]any); isObj && sensitiveChildren[normKey(k)] != nil {
					t[k] = redactValue(child, k)
					continue
				}
				t[k] = Redacted
			default:
				t[k] = redactValue(child, k)
			}
		}
		return t
	case []any:
		for i := range t {
			t[i] = redactValue(t[i], parent)
		}
		return t
	}
	return v
}

// RedactBody returns a loggable form of an HTTP body: JSON and form bodies with their secrets
// replaced, anything else reduced to its size (it cannot be inspected, so it is not shown).
func RedactBody(contentType string, body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/x-www-form-urlencoded" {
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return fmt.Sprintf("<%d bytes of unreadable form data omitted>", len(body))
		}
		for k := range vals {
			if isSensitiveKey(k) {
				vals[k] = []string{Redacted}
			}
		}
		return vals.Encode()
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return fmt.Sprintf("<%d bytes of non-JSON body omitted>", len(body))
	}
	out, err := json.Marshal(redactValue(v, ""))
	if err != nil {
		return fmt.Sprintf("<%d bytes omitted>", len(body))
	}
	if len(out) > maxLoggedBody {
		return strings.ToValidUTF8(string(out[:maxLoggedBody]), "") + "…(truncated)"
	}
	return string(out)
}

var sensitiveHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
}

// RedactHeaders returns a loggable copy of h.
func RedactHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		ck := http.CanonicalHeaderKey(k)
		if sensitiveHeaders[ck] || isSensitiveKey(ck) {
			out[ck] = Redacted
			continue
		}
		out[ck] = strings.Join(v, ", ")
	}
	return out
}

// requestSecrets collects the secrets a request carries: the bearer token or Basic password,
// and the sensitive values of its JSON or form body.
func requestSecrets(h http.Header, body []byte) []string {
	var out []string
	auth := h.Get("Authorization")
	if scheme, cred, ok := strings.Cut(auth, " "); ok {
		out = append(out, cred)
		if strings.EqualFold(scheme, "Basic") {
			if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
				if _, pass, ok := strings.Cut(string(dec), ":"); ok {
					out = append(out, pass)
					if p, err := url.QueryUnescape(pass); err == nil && p != pass {
						out = append(out, p)
					}
				}
			}
		}
	}
	if mt, _, _ := mime.ParseMediaType(h.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		if vals, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range vals {
				if isSensitiveKey(k) {
					out = append(out, v...)
				}
			}
		}
		return out
	}
	return append(out, secretValues(body)...)
}

// secretValues collects the secret values in a JSON request body, so that an error text that
// echoes one of them can be scrubbed.
func secretValues(body []byte) []string {
	if len(body) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(v any, sensitive bool)
	walk = func(v any, sensitive bool) {
		switch t := v.(type) {
		case map[string]any:
			for k, c := range t {
				walk(c, sensitive || isSensitiveKey(k))
			}
		case []any:
			for _, c := range t {
				walk(c, sensitive)
			}
		case string:
			if sensitive && t != "" {
				out = append(out, t)
			}
		}
	}
	walk(v, false)
	return out
}
