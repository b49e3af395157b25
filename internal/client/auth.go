package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// The grants of the token request, as APIError.Grant names them.
const (
	GrantClientCredentials = "client_credentials"
	GrantPassword          = "password"
)

// tokenSource hands out the bearer token for API calls.
type tokenSource interface {
	token(ctx context.Context) (string, error)
	// invalidate drops tok if it is still the cached one; it reports whether a renewal is
	// possible at all (a static token cannot be renewed).
	invalidate(tok string) bool
}

type staticToken string

func (s staticToken) token(context.Context) (string, error) { return string(s), nil }
func (s staticToken) invalidate(string) bool                { return false }

// ccTokens caches one client-credentials token for all concurrent calls and renews it shortly
// before it expires. It does what oauth2.ReuseTokenSourceWithExpiry does, with two additions
// the API needs: the fetch is bounded by the caller's context (an oauth2.TokenSource has no
// context), and a token the server rejected (AUTH-1110) can be dropped and replaced once.
type ccTokens struct {
	conf *clientcredentials.Config
	// grant fetches a token; conf.Token (client credentials) unless the Config has a user's
	// Username and Password, then the resource owner password grant (passwordGrant).
	grant       func(ctx context.Context) (*oauth2.Token, error)
	httpClient  *http.Client
	renewBefore time.Duration
	secrets     []string
	host        string // the identity domain's host name, for UnreachableError
	now         func() time.Time

	sem       chan struct{} // a mutex callers can stop waiting for
	grantType string        // GrantClientCredentials or GrantPassword, for the errors
	// refused is the identity domain's refusal of these credentials, kept so that they are
	// checked once per run: every later call gets this same error without a token request
	// (credentials do not change within a run, and a wrong password asked again only counts
	// towards locking the user).
	refused   *APIError
	tok       *oauth2.Token
	fetchedAt time.Time
	fetches   atomic.Int64
}

func newCCTokens(tokenURL string, cfg Config, httpClient *http.Client) *ccTokens {
	scope := cfg.Scope
	if scope == "" {
		scope = DefaultScope
	}
	renew := cfg.TokenRenewBefore
	if renew <= 0 {
		renew = DefaultTokenRenewBefore
	}
	s := &ccTokens{
		conf: &clientcredentials.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			TokenURL:     tokenURL,
			Scopes:       []string{scope},
			AuthStyle:    oauth2.AuthStyleInHeader,
		},
		httpClient:  httpClient,
		renewBefore: renew,
		secrets:     []string{cfg.ClientSecret},
		host:        hostOf(tokenURL),
		now:         time.Now,
		sem:         make(chan struct{}, 1),
	}
	s.grant, s.grantType = s.conf.Token, GrantClientCredentials
	if cfg.Username != "" {
		s.grant, s.grantType = passwordGrant(tokenURL, scope, cfg), GrantPassword
		s.secrets = append(s.secrets, cfg.Password)
	}
	return s
}

// passwordGrant is the resource owner password grant of a user's "Me" token (API doc 6.1,
// Oracle's Postman sample "Obtain ME access_token"): POST /oauth2/v1/token with the client's
// id and secret in HTTP Basic (a client with the "Me" app role) and
// grant_type=password&scope=urn:opc:idm:__myscopes__&username=…&password=… in the body. An
// identity domain that makes the user sign in with MFA refuses it with invalid_grant
// ("Tenant is MFA enabled…"), an ErrTokenRefused error. The client-credentials token cache
// (ccTokens) keeps and renews the user's token the same way: no refresh token is asked for.
func passwordGrant(tokenURL, scope string, cfg Config) func(ctx context.Context) (*oauth2.Token, error) {
	conf := &oauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		Endpoint:     oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInHeader},
		Scopes:       []string{scope},
	}
	return func(ctx context.Context) (*oauth2.Token, error) {
		return conf.PasswordCredentialsToken(ctx, cfg.Username, cfg.Password)
	}
}

func (s *ccTokens) fresh() bool {
	if s.tok == nil || s.tok.AccessToken == "" {
		return false
	}
	if s.tok.Expiry.IsZero() {
		return true
	}
	early := s.renewBefore
	if life := s.tok.Expiry.Sub(s.fetchedAt); life > 0 && early > life/4 {
		early = life / 4
	}
	return s.now().Before(s.tok.Expiry.Add(-early))
}

func (s *ccTokens) token(ctx context.Context) (string, error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.sem }()
	if s.refused != nil {
		return "", s.refused
	}
	if s.fresh() {
		return s.tok.AccessToken, nil
	}
	s.fetches.Add(1)
	fetchCtx := withAttempts(context.WithValue(ctx, oauth2.HTTPClient, s.httpClient))
	start := s.now()
	t, err := s.grant(fetchCtx)
	if err != nil {
		return "", s.tokenError(ctx, err)
	}
	if t.AccessToken == "" {
		return "", &APIError{StatusCode: http.StatusOK, Message: "the token answer has no access_token", Operation: tokenOperation, kind: kindTokenFailed}
	}
	s.tok, s.fetchedAt = t, start
	return t.AccessToken, nil
}

func (s *ccTokens) invalidate(tok string) bool {
	s.sem <- struct{}{}
	defer func() { <-s.sem }()
	if s.tok != nil && s.tok.AccessToken == tok {
		s.tok = nil
	}
	return true
}

func (s *ccTokens) tokenError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if isDialError(err) {
		return &UnreachableError{Operation: tokenOperation, Host: s.host,
			Err: fmt.Errorf("%w: %s", ErrTokenRequest, scrub(unwrapURLError(err).Error(), s.secrets))}
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response == nil {
		// A transport failure; scrubbed in case a layer quoted the request.
		return fmt.Errorf("%s: %w: %s", tokenOperation, ErrTokenRequest, scrub(err.Error(), s.secrets))
	}
	e := parseError(re.Response.StatusCode, re.Response.Header, re.Body)
	if re.ErrorCode != "" {
		e.Code = cleanText(re.ErrorCode, 80)
		e.Message = cleanText(re.ErrorDescription, maxMessageLen)
	}
	e.Operation, e.kind, e.Grant = tokenOperation, kindTokenFailed, s.grantType
	switch re.Response.StatusCode {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
		e.kind = kindTokenRefused
		s.refused = e.scrub(s.secrets)
	}
	return e.scrub(s.secrets)
}
