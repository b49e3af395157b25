// Package emulator is an independent, in-memory implementation of the server side of an
// Oracle identity domain's MFA API (/oauth2/v1/token, /mfa/v1, and the part of SCIM
// /admin/v1/Users the provider needs). It is written from Oracle's documentation and samples
// only and must never import the provider's API client: a misunderstanding shared by both
// sides would otherwise pass every test.
//
// A *Server is an http.Handler, usable with httptest in Go tests, and is served by the
// idcs-emulator command. EMULATOR.md documents the behaviour and the inferences it makes.
package emulator

import (
	"crypto/x509"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// App roles a confidential application can hold.
const (
	RoleMFAClient           = "MFA Client"
	RoleAuthenticatorClient = "Authenticator Client"
	RoleUserAdmin           = "User Administrator"
	RoleIdentityDomainAdmin = "Identity Domain Administrator"
	// RoleMe lets an application get user tokens with the password grant (reference §6.1);
	// a user token works on /admin/v1/Me and the My* endpoints only.
	RoleMe = "Me"
)

// Factor methods of /mfa/v1.
const (
	MethodSMS               = "SMS"
	MethodEmail             = "EMAIL"
	MethodTOTP              = "TOTP"
	MethodPush              = "PUSH"
	MethodPhoneCall         = "PHONE_CALL"
	MethodSecurityQuestions = "SECURITY_QUESTIONS"
	MethodBypassCode        = "BYPASSCODE"
)

// Factor statuses as /mfa/v1 reports them.
const (
	StatusInitiated = "ENROLLMENT_INITIATED"
	StatusEnrolled  = "ENROLLED"
)

// Fixed factor ids Oracle uses for the two per-user pseudo factors.
const (
	SecurityQuestionsFactorID = "SecurityQuestions"
	BypassCodeFactorID        = "BypassCode"
)

// Ids of the demo users seeded when Config.Users is empty.
const (
	AliceID = "a11ce000000000000000000000000001"
	BobID   = "b0b00000000000000000000000000002"
	CarolID = "ca201000000000000000000000000003"
)

// Default credentials of the seeded OAuth clients.
const (
	DefaultClientID                  = "idcsmfa-emulator"
	DefaultClientSecret              = "emulator-secret"
	DefaultAuthenticatorClientID     = "authenticator-client"
	DefaultAuthenticatorClientSecret = "authenticator-secret"
	// The seeded application with the Me app role, for the password grant (self-service).
	DefaultSelfServiceClientID     = "selfservice-client"
	DefaultSelfServiceClientSecret = "selfservice-secret"
)

// DemoPassword is the password of each demo user (alice, bob, carol), for the password grant.
const DemoPassword = "Emulator-Passw0rd"

// DefaultEnabledFactors are the factors enabled in a fresh emulated domain.
var DefaultEnabledFactors = []string{MethodSMS, MethodEmail, MethodTOTP, MethodPush, MethodSecurityQuestions, MethodBypassCode}

// MaxBodyBytes bounds every request body; larger bodies are refused with AUTH-1033.
const MaxBodyBytes = 1 << 20

// Config describes the emulated identity domain. Zero fields take the documented defaults.
type Config struct {
	Clients        []Client
	Users          []User
	EnabledFactors []string
	// OTPLength is the number of digits of SMS, PHONE_CALL and EMAIL passcodes: Oracle's
	// totpSettings.smsPasscodeLength and emailPasscodeLength, 4 to 10. Default 6.
	OTPLength   int
	OTPValidity time.Duration
	// TOTPPeriod is the TOTP time step, Oracle's totpSettings.timeStepInSecs: whole seconds
	// from 30s to 300s. Default 30s.
	TOTPPeriod time.Duration
	// TOTPDigits is the length of a TOTP code, Oracle's totpSettings.passcodeLength: 4 to 10.
	// Default 6.
	TOTPDigits int
	// TOTPAlgorithm is the TOTP HMAC hash, Oracle's totpSettings.hashingAlgorithm: one of
	// TOTPAlgorithms (SHA1, SHA256, SHA384, SHA512), any case. Default SHA1. Oracle's MD5
	// is refused (see totpHashes).
	TOTPAlgorithm     string
	RequestStateTTL   time.Duration
	MaxFailedAttempts int
	// CountSentOTPs makes every SMS, EMAIL or PHONE_CALL passcode sent count towards
	// MaxFailedAttempts, as Oracle's verification sample warns (PM-VER); a success resets
	// the count. Off by default: see EMULATOR.md.
	CountSentOTPs bool
	// ResendKeepsRequestState keeps an enrollment's earlier requestStates valid across an E5
	// resend (the new passcode is still the only one accepted); off, a resend voids them, as
	// "always send back the latest requestState" suggests. Oracle does not say which: see
	// EMULATOR.md, inferences.
	ResendKeepsRequestState bool
	TokenLifetime           time.Duration

	// The rest of the domain's MFA policy, as Oracle's AuthenticationFactorSettings and
	// SecurityQuestionSettings hold it (GET /admin/v1/AuthenticationFactorSettings and
	// /admin/v1/SecurityQuestionSettings show them, with the fields above). Zero values take
	// the defaults; Validate gives Oracle's ranges.

	// TOTPTolerance is how many TOTP steps either side of now a code may come from, shown as
	// totpSettings.timeStepTolerance: 1 to 3 (Oracle documents 2 to 3; see EMULATOR.md).
	// Default 1, RFC 6238's recommendation.
	TOTPTolerance int
	// MaxEnrolledDevices is endpointRestrictions.maxEnrolledDevices: a user who has this many
	// enrolled devices (SMS, PHONE_CALL, EMAIL, TOTP and PUSH factors) cannot enroll another.
	// 1 to 20; default 20.
	MaxEnrolledDevices int
	// UserEnrollmentDisabledFactors are the factors users may not enroll themselves with
	// MyAuthenticationFactorEnroller (an administrator still can through /mfa/v1): any of
	// SMS, EMAIL, TOTP, OFFLINETOTP, PUSH, PHONE_CALL.
	UserEnrollmentDisabledFactors []string
	// MFAEnrollmentType is mfaEnrollmentType, "Optional" (default) or "Required"; shown only.
	MFAEnrollmentType string
	// BypassCodeLength is bypassCodeSettings.length, the digits of a bypass code: 8 to 20;
	// default 12.
	BypassCodeLength int
	// BypassCodeMaxActive is bypassCodeSettings.maxActive: how many unused bypass codes a user
	// may hold; MyBypassCodes refuses one more. 1 to 6; default 5 (Oracle's sample).
	BypassCodeMaxActive int
	// PasswordMaxIncorrectAttempts is the password policy's maxIncorrectAttempts: that many
	// wrong passwords in a row on the password grant lock the user. Default 5; negative: never.
	PasswordMaxIncorrectAttempts int
	// SecurityQuestionsToSetUp is numQuestionsToSetup (default 3), SecurityQuestionsToAnswer
	// numQuestionsToAns (default 1), SecurityAnswerMinLength minAnswerLength (default 6) and
	// SecurityAnswerMaxLength maxFieldLength (default 100), Oracle's sample values.
	SecurityQuestionsToSetUp  int
	SecurityQuestionsToAnswer int
	SecurityAnswerMinLength   int
	SecurityAnswerMaxLength   int

	Faults Faults
	// RateLimits applies Oracle's rate limits of a domain type (RateLimitTypes: "free",
	// "premium", ...) per group of endpoints, besides Faults.RateLimitPerSecond; see
	// ratelimit_groups.go. Empty: none.
	RateLimits string
	// Seed makes ids, passcodes and fault decisions deterministic when non-zero.
	Seed int64
	// Now is the clock; tests move it to expire tokens, passcodes and requestStates.
	Now func() time.Time
	// TrustedCerts are the "Trusted Client Certificates" of the application: an x5t naming
	// one of them makes userFlowControlledByExternalClient return the OTP encrypted for it.
	// They can be changed later with SetTrustedCerts / AddTrustedCerts or
	// /emulator/v1/trusted-certs.
	TrustedCerts []*x509.Certificate
	// Logger receives one line per request (method, path, status, duration; never bodies,
	// headers or query values). Nil means silent.
	Logger *slog.Logger
	// Issuer is the tenant name shown in TOTP QR codes. Default "idcsmfa-emulator".
	Issuer string
}

// Client is an OAuth confidential application allowed to call the API.
type Client struct {
	ID     string   `json:"id"`
	Secret string   `json:"secret"`
	Roles  []string `json:"roles"`
}

// User is a user of the domain, also the format of the command's -users file.
type User struct {
	ID         string `json:"id"`
	UserName   string `json:"userName"`
	Email      string `json:"email"`
	Locked     bool   `json:"locked"`
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
	// Password lets the user get a user token with the password grant (self-service, reference
	// §6.1); empty means the user cannot sign in with a password. It is never shown by the API.
	Password string `json:"password,omitempty"`
	// MFARequired says that the user must sign in with MFA: the password grant is refused with
	// Oracle's invalid_grant "Tenant is MFA enabled. …" (reference §6.1).
	MFARequired bool `json:"mfaRequired,omitempty"`
	// AdminRoles are the administrator roles the user holds (RoleSecurityAdmin, …). A user
	// token carries one only when its client holds it too (reference §7.4); the emulator
	// honours it for reading the domain's MFA settings, as a security administrator's own
	// token may.
	AdminRoles []string `json:"adminRoles,omitempty"`
}

// Faults are injected into the Oracle API paths (not /emulator/v1) to test clients.
type Faults struct {
	// RateLimitPerSecond limits each OAuth client (token bucket, burst of one second's worth);
	// past it the answer is 429 with Retry-After in whole seconds (>= 1). 0 disables.
	RateLimitPerSecond float64 `json:"rateLimitPerSecond"`
	// ErrorRate is the share of /mfa/v1 and /admin/v1 requests answered 500 before any work.
	ErrorRate float64 `json:"errorRate"`
	// DropRate is the share of /mfa/v1 and /admin/v1 requests whose work is done and whose
	// connection is then closed without an answer.
	DropRate float64 `json:"dropRate"`
	// Latency is added to every request to the Oracle API paths, before the work; a client
	// that hangs up meanwhile leaves nothing done.
	Latency time.Duration `json:"latency"`
	// AnswerLatency is added to every /mfa/v1 and /admin/v1 request after the work is done
	// and before the answer is written: the work stands even if the client hangs up while it
	// waits, as when a service commits and its answer is slow to come back.
	AnswerLatency time.Duration `json:"answerLatency"`
	// DropNext drops the answers of the next N requests of a route, keyed as Stats keys it
	// ("PATCH /mfa/v1/users/{id}/factors/{factorId}"), or of one resource, keyed by the
	// request's own method and path ("POST /mfa/v1/users/<user id>/factors"), after doing
	// their work, like DropRate but aimed: each dropped answer counts N down.
	DropNext map[string]int `json:"dropNext,omitempty"`
}

// FaultCounts says how many faults were injected.
type FaultCounts struct {
	RateLimited int `json:"rateLimited"`
	Errors      int `json:"errors"`
	Dropped     int `json:"dropped"`
}

// Stats counts requests per endpoint, keyed "METHOD /path/{id}/..." with ids templated.
type Stats struct {
	Requests      map[string]int `json:"requests"`
	TokenRequests int            `json:"tokenRequests"`
	Faults        FaultCounts    `json:"faults"`
	// RateLimitedByGroup counts the 429s of Config.RateLimits per group (GroupAuthN, ...);
	// they are in Faults.RateLimited too.
	RateLimitedByGroup map[string]int `json:"rateLimitedByGroup,omitempty"`
}

// Message is one OTP the emulator "sent", kept in the outbox.
type Message struct {
	Channel   string    `json:"channel"`
	Recipient string    `json:"recipient"`
	UserID    string    `json:"userId"`
	FactorID  string    `json:"factorId"`
	OTP       string    `json:"otp"`
	SentAt    time.Time `json:"sentAt"`
}

// FactorInfo is a factor as the emulator knows it, pending ones included.
type FactorInfo struct {
	ID           string   `json:"id"`
	Method       string   `json:"method"`
	Methods      []string `json:"methods"`
	Status       string   `json:"status"`
	DisplayName  string   `json:"displayName,omitempty"`
	CountryCode  string   `json:"countryCode,omitempty"`
	MobileNumber string   `json:"mobileNumber,omitempty"`
}

// Server is the emulated identity domain. It is safe for concurrent use.
type Server struct {
	cfg     Config
	started time.Time // when the domain was created (meta of its settings)
	mux     *http.ServeMux
	rng     *lockedRand
	sealer  *stateSealer
	totp    totpParams
	enabled map[string]bool
	// clockAhead is how far AdvanceClock moved the clock past Config.Now, in nanoseconds.
	clockAhead atomic.Int64

	mu       sync.Mutex // guards everything below
	users    map[string]*userState
	order    []string          // user ids in creation order (SCIM listing order)
	byName   map[string]string // lower-cased userName -> id
	tokens   map[string]*token
	requests map[string]*verification
	outbox   []Message
	trusted  []*x509.Certificate
	lastOTP  map[string]string // userID/factorID -> last passcode issued

	faultMu sync.Mutex // guards faults, buckets and stats
	faults  Faults
	buckets map[string]*bucket
	stats   Stats
	groups  *groupLimiter // Config.RateLimits; nil limits nothing
}

// New builds a Server from cfg, filling in defaults. It panics when cfg.Validate fails: a
// domain configured outside Oracle's limits is a bug in the caller, not a runtime condition.
func New(cfg Config) *Server {
	if err := cfg.Validate(); err != nil {
		panic("emulator.New: " + err.Error())
	}
	cfg = withDefaults(cfg)
	s := &Server{
		cfg:      cfg,
		started:  cfg.Now(),
		totp:     newTOTPParams(cfg.TOTPPeriod, cfg.TOTPDigits, cfg.TOTPAlgorithm),
		rng:      newLockedRand(cfg.Seed),
		sealer:   newStateSealer(),
		enabled:  map[string]bool{},
		users:    map[string]*userState{},
		byName:   map[string]string{},
		tokens:   map[string]*token{},
		requests: map[string]*verification{},
		lastOTP:  map[string]string{},
		trusted:  slices.Clone(cfg.TrustedCerts),
		faults:   cfg.Faults,
		buckets:  map[string]*bucket{},
		stats:    Stats{Requests: map[string]int{}},
	}
	s.totp.tolerance = int64(cfg.TOTPTolerance)
	for _, m := range cfg.EnabledFactors {
		s.enabled[m] = true
	}
	for _, u := range cfg.Users {
		// The command checks its users file with ValidateUsers before New; here a bad entry
		// is skipped (and logged) rather than failing a test's setup with a panic.
		if _, err := s.AddUser(u); err != nil && cfg.Logger != nil {
			cfg.Logger.Warn("user skipped", "userName", u.UserName, "error", err.Error())
		}
	}
	if cfg.RateLimits != "" {
		s.groups = newGroupLimiter(cfg.RateLimits)
	}
	s.routes()
	return s
}

// DemoUsers are the users seeded when no users are configured.
func DemoUsers() []User {
	return []User{
		{ID: AliceID, UserName: "alice", Email: "alice@example.com", GivenName: "Alice", FamilyName: "Archer", Password: DemoPassword},
		{ID: BobID, UserName: "bob", Email: "bob@example.com", GivenName: "Bob", FamilyName: "Baker", Password: DemoPassword},
		{ID: CarolID, UserName: "carol", Email: "carol@example.com", GivenName: "Carol", FamilyName: "Carter", Password: DemoPassword},
	}
}
