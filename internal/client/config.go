package client

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by New when a Config field is left at its zero value.
const (
	DefaultScope          = "urn:opc:idm:__myscopes__"
	DefaultUserAgent      = "terraform-provider-idcsmfa"
	DefaultRetryMax       = 8
	DefaultRetryWaitMin   = 200 * time.Millisecond
	DefaultRetryWaitMax   = 30 * time.Second
	DefaultAttemptTimeout = 60 * time.Second
	// DefaultTokenRenewBefore is how long before its expiry a cached token is replaced;
	// capped at a quarter of the token's lifetime so that short-lived tokens are still reused.
	DefaultTokenRenewBefore = 60 * time.Second
)

// Logger receives one entry per HTTP exchange (attempt), already redacted.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

// Config configures a Client.
type Config struct {
	Host         string // https://idcs-xxx.identity.oraclecloud.com; http only for a loopback host
	ClientID     string
	ClientSecret string
	AccessToken  string // alternative to client credentials
	// Username and Password, with ClientID and ClientSecret, get a user's own token with the
	// password grant instead of the client's (API doc 6.1): the token the self-service calls
	// (/admin/v1/Me, My*) need. The client needs the "Me" app role.
	Username  string
	Password  string
	Scope     string // default urn:opc:idm:__myscopes__
	UserAgent string // default terraform-provider-idcsmfa
	Logger    Logger
	// HTTPClient supplies the base transport (and its per-attempt Timeout, if set).
	// Retries, logging and authentication are layered on top of it.
	HTTPClient *http.Client
	// RetryMax is the number of retries after failures (5xx, a dropped or refused
	// connection), counted from the call's start or from its last 429: 0 means
	// DefaultRetryMax, a negative value disables them. 429 answers do not count: they have
	// their own budget, RateLimitRetryMax.
	RetryMax     int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// AttemptTimeout bounds one HTTP attempt (0: DefaultAttemptTimeout, unless
	// HTTPClient.Timeout is set). The caller's context bounds the whole operation.
	AttemptTimeout time.Duration
	// TokenRenewBefore: see DefaultTokenRenewBefore.
	TokenRenewBefore time.Duration
	// CommitTimeout bounds a call that changes the service, with its retries and
	// reconciliation, once it has started, when the caller's context carries no deadline of
	// its own (0: DefaultCommitTimeout). Cancelling the caller's context does not stop such a
	// call half way; see Client.commit.
	CommitTimeout time.Duration
	// DomainType is the identity domain's type (DomainTypes: free, oracle-apps, ...): every
	// Client of the process on the same host paces each rate-limit group to APICapacity
	// percent of that type's published limits, per second and per minute. Empty: the pace
	// adapts to the domain's 429 answers instead.
	DomainType string
	// APICapacity is the share, in percent (1-100), of each group's limits the Clients use
	// when DomainType is set; 0 means DefaultAPICapacity.
	APICapacity int
}

// CheckHost reports why raw cannot be an identity domain's host for New: not a URL with a
// scheme, user information or a path in it, or http on a host that is not loopback. The
// error says what to write instead.
func CheckHost(raw string) error {
	_, err := normalizeHost(raw)
	return err
}

// normalizeHost checks the rule "https, or http on a loopback host" and returns the base URL
// (scheme and host only). The messages are shown to users as they are, so they say what to do.
func normalizeHost(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("host is empty: set it to the identity domain URL, e.g. https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("host %q is not a URL with a scheme: use the identity domain URL, e.g. https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com", safeURL(raw, u))
	}
	if u.User != nil {
		return nil, fmt.Errorf("host %q must not contain user information: pass credentials as client_id/client_secret or access_token", u.Redacted())
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("host %q must be the identity domain URL without a path, query or fragment, e.g. %s://%s", u.String(), u.Scheme, u.Host)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("host %q uses http: only https is allowed, except for a loopback host (localhost, 127.0.0.0/8, ::1) such as a local emulator", u.String())
		}
	default:
		return nil, fmt.Errorf("host %q has the scheme %q: use https", u.String(), u.Scheme)
	}
	return &url.URL{Scheme: strings.ToLower(u.Scheme), Host: u.Host}, nil
}

func safeURL(raw string, u *url.URL) string {
	if u != nil && u.User != nil {
		return u.Redacted()
	}
	if i := strings.Index(raw, "@"); i >= 0 {
		// An unparsable URL may still carry user:password before the host.
		return "***@" + raw[i+1:]
	}
	return raw
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
