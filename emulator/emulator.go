// Package emulator lets Go tests in other modules run the identity domain emulator
// (idcs-emulator) in-process: an in-memory stand-in for an Oracle identity domain's
// /oauth2/v1/token, /mfa/v1 and SCIM /admin/v1/Users endpoints, with an outbox of the
// passcodes it "sends" instead of SMS and email.
//
// A *Server is an http.Handler: give each test its own with httptest.NewServer, point the
// provider (or any client) at the server's URL with the credentials DefaultClientID and
// DefaultClientSecret, and drive the parts that happen outside the API (the user reading a
// passcode, finishing an enrollment, an administrator removing a factor) with the methods of
// Server: Messages, LastOTP, CompleteEnrollment, RemoveFactor, Factors, AddUser, SetLocked,
// SetFaults and the others.
//
// This package is a thin public name for the provider's internal emulator: every type here is
// an alias of the internal one, so values pass freely between the two and nothing is copied.
// EMULATOR.md in the repository documents the behaviour, the flags of the idcs-emulator
// command and what the emulator infers where Oracle's documentation is silent. The emulator
// is a test tool: never expose it on a network.
package emulator

import (
	"crypto/x509"

	impl "github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// Types of the emulated identity domain; see each type's documentation.
type (
	// Server is the emulated identity domain, an http.Handler safe for concurrent use.
	Server = impl.Server
	// Config describes the emulated identity domain; zero fields take the defaults of the
	// idcs-emulator command.
	Config = impl.Config
	// Client is an OAuth confidential application allowed to call the API, with its app roles.
	Client = impl.Client
	// User is a user of the domain, also the format of idcs-emulator's -users file.
	User = impl.User
	// Faults are injected into Oracle's paths (rate limit, errors, dropped connections, latency).
	Faults = impl.Faults
	// FaultCounts says how many faults were injected.
	FaultCounts = impl.FaultCounts
	// Message is one passcode the emulator "sent", kept in the outbox.
	Message = impl.Message
	// FactorInfo is a factor as the emulator knows it, pending ones included.
	FactorInfo = impl.FactorInfo
	// Stats counts requests per endpoint and injected faults.
	Stats = impl.Stats
)

// New builds a Server from cfg, filling in defaults.
func New(cfg Config) *Server { return impl.New(cfg) }

// DemoUsers are the users seeded when Config.Users is empty: alice, bob and carol.
func DemoUsers() []User { return impl.DemoUsers() }

// ValidateUsers checks a users list the way AddUser would.
func ValidateUsers(users []User) error { return impl.ValidateUsers(users) }

// ParseCertificatesPEM reads the certificates of a PEM text (for Config.TrustedCerts and
// Server.SetTrustedCerts); other blocks, such as keys, are skipped.
func ParseCertificatesPEM(pemText []byte) ([]*x509.Certificate, error) {
	return impl.ParseCertificatesPEM(pemText)
}

// X5T returns the thumbprint a client sends for a trusted certificate (Config.TrustedCerts).
func X5T(cert *x509.Certificate) string { return impl.X5T(cert) }

// App roles a confidential application can hold.
const (
	RoleMFAClient           = impl.RoleMFAClient
	RoleAuthenticatorClient = impl.RoleAuthenticatorClient
	RoleUserAdmin           = impl.RoleUserAdmin
	RoleIdentityDomainAdmin = impl.RoleIdentityDomainAdmin
	// RoleSecurityAdmin reads the domain's MFA and security-question settings.
	RoleSecurityAdmin = impl.RoleSecurityAdmin
	// RoleMe lets an application get user tokens with the password grant (self-service).
	RoleMe = impl.RoleMe
)

// Factor methods of /mfa/v1.
const (
	MethodSMS               = impl.MethodSMS
	MethodEmail             = impl.MethodEmail
	MethodTOTP              = impl.MethodTOTP
	MethodPush              = impl.MethodPush
	MethodPhoneCall         = impl.MethodPhoneCall
	MethodSecurityQuestions = impl.MethodSecurityQuestions
	MethodBypassCode        = impl.MethodBypassCode
)

// Factor statuses as /mfa/v1 reports them.
const (
	StatusInitiated = impl.StatusInitiated
	StatusEnrolled  = impl.StatusEnrolled
)

// Fixed factor ids of the two per-user pseudo factors.
const (
	SecurityQuestionsFactorID = impl.SecurityQuestionsFactorID
	BypassCodeFactorID        = impl.BypassCodeFactorID
)

// GUIDs of the demo users seeded when Config.Users is empty.
const (
	AliceID = impl.AliceID
	BobID   = impl.BobID
	CarolID = impl.CarolID
)

// Credentials of the three OAuth clients seeded when Config.Clients is empty: one with the
// MFA Client and User Administrator roles, one with the Authenticator Client role only, one
// with the Me role (user tokens for the self-service /admin/v1/Me and My* endpoints).
const (
	DefaultClientID                  = impl.DefaultClientID
	DefaultClientSecret              = impl.DefaultClientSecret
	DefaultAuthenticatorClientID     = impl.DefaultAuthenticatorClientID
	DefaultAuthenticatorClientSecret = impl.DefaultAuthenticatorClientSecret
	// The seeded application with the Me app role, for user tokens (password grant).
	DefaultSelfServiceClientID     = impl.DefaultSelfServiceClientID
	DefaultSelfServiceClientSecret = impl.DefaultSelfServiceClientSecret
)

// DemoPassword is the password of each demo user (alice, bob, carol), for the password grant.
const DemoPassword = impl.DemoPassword

// MaxBodyBytes bounds every request body; larger bodies are refused with AUTH-1033.
const MaxBodyBytes = impl.MaxBodyBytes

// DefaultEnabledFactors are the factors enabled in a fresh emulated domain.
var DefaultEnabledFactors = impl.DefaultEnabledFactors

// Errors of the out-of-band methods of Server (the same values as the internal package's, so
// errors.Is works on either).
var (
	ErrUserNotFound    = impl.ErrUserNotFound
	ErrFactorNotFound  = impl.ErrFactorNotFound
	ErrAlreadyEnrolled = impl.ErrAlreadyEnrolled
	ErrUserLocked      = impl.ErrUserLocked
	ErrInvalidUser     = impl.ErrInvalidUser
	ErrDuplicateUser   = impl.ErrDuplicateUser
	ErrRequestNotFound = impl.ErrRequestNotFound
	ErrNotPushRequest  = impl.ErrNotPushRequest
	ErrRequestDecided  = impl.ErrRequestDecided
	ErrNoPasscodeSent  = impl.ErrNoPasscodeSent
)

// TOTPAlgorithms are the hashes Config.TOTPAlgorithm accepts (Oracle's hashingAlgorithm).
var TOTPAlgorithms = impl.TOTPAlgorithms

// Oracle's rate-limit groups (API reference 7.4), the keys of Stats.RateLimitedByGroup, and
// the domain types Config.RateLimits accepts.
const (
	GroupAuthN  = impl.GroupAuthN
	GroupToken  = impl.GroupToken
	GroupOthers = impl.GroupOthers
)

// RateLimitTypes are the domain types Config.RateLimits accepts.
func RateLimitTypes() []string { return impl.RateLimitTypes() }

// GroupRate is one group's limit in Oracle's table: requests per second and per minute.
type GroupRate = impl.GroupRate

// RateLimitsOf is Oracle's table for one domain type, by group; nil for an unknown type.
func RateLimitsOf(domainType string) map[string]GroupRate { return impl.RateLimitsOf(domainType) }

// RateLimitGroupOf is the group Oracle's table charges a request to path to.
func RateLimitGroupOf(path string) string { return impl.RateLimitGroupOf(path) }
