// Helpers every SCIM endpoint shares: reading a request body, paging parameters, the answer.

package emulator

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

func scimOK(status int, body any) (reply, error) {
	return reply{status: status, body: body, contentType: scimContentType}, nil
}

// pageParams reads startIndex (default 1) and count (default 50) of a SCIM list.
func pageParams(q url.Values) (int, int, *scimError) {
	start, err := intParam(q.Get("startIndex"), 1)
	if err != nil {
		return 0, 0, errSCIMNotInteger("startIndex")
	}
	count, err := intParam(q.Get("count"), scimDefaultCount)
	if err != nil {
		return 0, 0, errSCIMNotInteger("count")
	}
	return start, count, nil
}

func intParam(v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	return strconv.Atoi(v)
}

func splitAttrs(v string) []string {
	var out []string
	for _, a := range strings.Split(v, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

func hasSchema(schemas []string, want string) bool {
	for _, s := range schemas {
		if strings.EqualFold(s, want) {
			return true
		}
	}
	return false
}

// errSCIMSchemas is a body whose schemas is missing or lacks the schema of the request.
func errSCIMSchemas(want string) *scimError {
	return errSCIMInvalidValue("schemas must include " + want + ".")
}

// decodeSCIMBody reads a SCIM request body: JSON (application/scim+json or application/json;
// a request without a Content-Type is read as JSON too), at most MaxBodyBytes, one object.
func decodeSCIMBody(r *http.Request, v any) *scimError {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		// The media type before any parameters, read leniently ("application/json;" too).
		mt, _, _ := strings.Cut(ct, ";")
		if mt = strings.ToLower(strings.TrimSpace(mt)); mt != "application/json" && mt != "application/scim+json" {
			return errSCIMUnsupportedMediaType(ct)
		}
	}
	if r.Body == nil {
		return errSCIMEmptyBody()
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return errSCIMInvalidJSON()
	}
	if len(data) > MaxBodyBytes {
		return errSCIMPayloadTooLarge()
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errSCIMEmptyBody()
	}
	if decodeJSON(data, v) != nil {
		return errSCIMInvalidJSON()
	}
	return nil
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
