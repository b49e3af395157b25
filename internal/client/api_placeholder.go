package client

// PLACEHOLDER: the client helper replaces this file with the real implementation
// (config.go, client.go, factors.go, verification.go, users.go, errors.go, ...).
// Signatures here are the contract the provider codes against; keep them.

import (
	"context"
	"errors"
	"net/http"
	"time"
)

var errPlaceholder = errors.New("client: not implemented yet")

// Logger receives one line per HTTP exchange, already redacted.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

// Config configures a Client.
type Config struct {
	Host         string // https://idcs-xxx.identity.oraclecloud.com; http only for loopback
	ClientID     string
	ClientSecret string
	AccessToken  string // alternative to client credentials
	Scope        string // default urn:opc:idm:__myscopes__
	UserAgent    string
	Logger       Logger
	HTTPClient   *http.Client
	RetryMax     int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
}

// Client talks to one identity domain.
type Client struct{ cfg Config }

func New(cfg Config) (*Client, error) { return &Client{cfg: cfg}, nil }

func (c *Client) ListFactors(ctx context.Context, userGUID string) (*UserFactors, error) {
	return nil, errPlaceholder
}
func (c *Client) FindUserFactors(ctx context.Context, userID string, idType UserIDType) (*UserFactors, error) {
	return nil, errPlaceholder
}
func (c *Client) Enroll(ctx context.Context, userGUID string, req EnrollRequest) (*Enrollment, error) {
	return nil, errPlaceholder
}
func (c *Client) GetFactor(ctx context.Context, userGUID, factorID string) (*FactorState, error) {
	return nil, errPlaceholder
}
func (c *Client) ActivateFactor(ctx context.Context, userGUID, factorID, otpCode, requestState string) error {
	return errPlaceholder
}
func (c *Client) ResendOTP(ctx context.Context, userGUID, factorID, requestState string) (*Enrollment, error) {
	return nil, errPlaceholder
}
func (c *Client) DeleteFactor(ctx context.Context, userGUID, factorID string) error {
	return errPlaceholder
}
func (c *Client) ListUsers(ctx context.Context, req ListUsersRequest) (*UserPage, error) {
	return nil, errPlaceholder
}
func (c *Client) ListAllUsers(ctx context.Context, filter string, attributes []string, fn func([]SCIMUser) error) error {
	return errPlaceholder
}
func (c *Client) CreateUser(ctx context.Context, u SCIMUserCreate) (*SCIMUser, error) {
	return nil, errPlaceholder
}

// APIError is every error the service answers with.
type APIError struct {
	StatusCode int
	Code       string // AUTH-xxxx or SCIM messageId
	Message    string
	ECID       string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Sentinels for errors.Is.
var (
	ErrNotFound         = errors.New("not found")
	ErrUnauthorized     = errors.New("unauthorized")
	ErrForbidden        = errors.New("forbidden")
	ErrRateLimited      = errors.New("rate limited")
	ErrInvalidPasscode  = errors.New("invalid passcode")
	ErrRequestState     = errors.New("requestState expired or invalid")
	ErrAlreadyEnrolled  = errors.New("already enrolled")
	ErrFactorDisabled   = errors.New("factor not enabled")
	ErrUserLocked       = errors.New("user locked")
	ErrTooManyAttempts  = errors.New("too many attempts")
	ErrTokenRefused     = errors.New("token request refused")
)
