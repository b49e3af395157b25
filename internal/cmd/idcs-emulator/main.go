// Command idcs-emulator serves an emulated Oracle identity domain (the /mfa/v1 MFA API, the
// OAuth token endpoint and SCIM /admin/v1/Users) on loopback, for tests and demos without a
// tenant. See EMULATOR.md at the repository root.
package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "idcs-emulator:", err)
		os.Exit(1)
	}
}

type options struct {
	listen            string
	clientID          string
	clientSecret      string
	usersFile         string
	enabledFactors    string
	otpLength         int
	totpPeriod        time.Duration
	totpDigits        int
	totpAlgorithm     string
	otpValidity       time.Duration
	requestStateTTL   time.Duration
	maxFailedAttempts int
	countSentOTPs     bool
	resendKeepsState  bool
	tokenLifetime     time.Duration
	rateLimit         float64
	rateLimits        string
	errorRate         float64
	dropRate          float64
	latency           time.Duration
	answerLatency     time.Duration
	seed              int64
	trustedCert       string
	quiet             bool
	showVersion       bool
	apps              []emulator.Client
	policy            policyFlags
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("idcs-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	registerFlags(fs, &o)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return o, nil
}

// registerFlags defines the command's flags on fs, writing into o.
func registerFlags(fs *flag.FlagSet, o *options) {
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8765", "address to listen on (port 0 picks a free port)")
	fs.StringVar(&o.clientID, "client-id", emulator.DefaultClientID, "OAuth client id of the MFA Client + User Administrator application")
	fs.StringVar(&o.clientSecret, "client-secret", emulator.DefaultClientSecret, "OAuth client secret of that application")
	fs.StringVar(&o.usersFile, "users", "", "JSON file with an array of users {id, userName, email, locked, password, mfaRequired}; default: demo users alice, bob, carol")
	fs.StringVar(&o.enabledFactors, "enabled-factors", strings.Join(emulator.DefaultEnabledFactors, ","), "comma-separated factors enabled in the domain")
	fs.IntVar(&o.otpLength, "otp-length", 6, "digits of an SMS, PHONE_CALL or EMAIL passcode (Oracle's smsPasscodeLength/emailPasscodeLength, 4-10)")
	fs.DurationVar(&o.totpPeriod, "totp-period", 30*time.Second, "TOTP time step (Oracle's totpSettings.timeStepInSecs, whole seconds from 30s to 300s)")
	fs.IntVar(&o.totpDigits, "totp-digits", 6, "digits of a TOTP code (Oracle's totpSettings.passcodeLength, 4-10)")
	fs.StringVar(&o.totpAlgorithm, "totp-algorithm", "SHA1", "TOTP HMAC hash (Oracle's totpSettings.hashingAlgorithm): "+strings.Join(emulator.TOTPAlgorithms, ", "))
	fs.DurationVar(&o.otpValidity, "otp-validity", 5*time.Minute, "how long a passcode is valid")
	fs.DurationVar(&o.requestStateTTL, "request-state-ttl", 10*time.Minute, "how long a requestState is valid")
	fs.IntVar(&o.maxFailedAttempts, "max-failed-attempts", 5, "wrong passcodes or answers (and rejected pushes) before the user is locked")
	fs.BoolVar(&o.resendKeepsState, "resend-keeps-request-state", false, "an enrollment's earlier requestStates stay valid after an E5 resend (default: a resend voids them)")
	fs.BoolVar(&o.countSentOTPs, "count-sent-otps", false, "count every verification passcode sent (V1, resend) towards -max-failed-attempts, as Oracle's sample warns")
	fs.DurationVar(&o.tokenLifetime, "token-lifetime", time.Hour, "access token lifetime")
	fs.Float64Var(&o.rateLimit, "rate-limit", 0, "fault injection: requests per second per OAuth client before 429 (0 = unlimited)")
	fs.StringVar(&o.rateLimits, "rate-limits", "", "Oracle's published rate limits of a domain type, per group of endpoints (AuthN, Token Management, Others), per second and per minute, 429 past them: "+strings.Join(emulator.RateLimitTypes(), ", ")+" (default: none)")
	fs.Float64Var(&o.errorRate, "error-rate", 0, "fault injection: share of /mfa/v1 and /admin/v1 requests answered 500")
	fs.Float64Var(&o.dropRate, "drop-rate", 0, "fault injection: share of /mfa/v1 and /admin/v1 requests done and then dropped without an answer")
	fs.DurationVar(&o.latency, "latency", 0, "fault injection: latency added to every API request")
	fs.DurationVar(&o.answerLatency, "answer-latency", 0, "fault injection: latency added after the work of every /mfa/v1 and /admin/v1 request, before its answer")
	fs.Int64Var(&o.seed, "seed", 0, "non-zero: deterministic ids, passcodes and fault decisions")
	fs.StringVar(&o.trustedCert, "trusted-cert", "", "PEM file of trusted client certificates (for userFlowControlledByExternalClient + x5t); more can be added at run time through /emulator/v1/trusted-certs")
	fs.BoolVar(&o.quiet, "quiet", false, "do not log requests to stderr")
	fs.BoolVar(&o.showVersion, "version", false, "print the version and exit")
	fs.Func("app", "another application, `ID:SECRET:ROLE[,ROLE...]` (repeatable), e.g. audit:s3cret:Authenticator Client,User Administrator; roles: "+strings.Join(knownRoles, ", "), func(v string) error {
		app, err := parseApp(v)
		if err == nil {
			o.apps = append(o.apps, app)
		}
		return err
	})
	o.policy.register(fs)
}

func buildConfig(o options, stderr io.Writer) (emulator.Config, error) {
	cfg := emulator.Config{
		Clients: []emulator.Client{
			{ID: o.clientID, Secret: o.clientSecret, Roles: []string{emulator.RoleMFAClient, emulator.RoleUserAdmin}},
			{ID: emulator.DefaultAuthenticatorClientID, Secret: emulator.DefaultAuthenticatorClientSecret, Roles: []string{emulator.RoleAuthenticatorClient}},
			{ID: emulator.DefaultSelfServiceClientID, Secret: emulator.DefaultSelfServiceClientSecret, Roles: []string{emulator.RoleMe}},
		},
		OTPLength:               o.otpLength,
		TOTPPeriod:              o.totpPeriod,
		TOTPDigits:              o.totpDigits,
		TOTPAlgorithm:           o.totpAlgorithm,
		OTPValidity:             o.otpValidity,
		RequestStateTTL:         o.requestStateTTL,
		MaxFailedAttempts:       o.maxFailedAttempts,
		CountSentOTPs:           o.countSentOTPs,
		ResendKeepsRequestState: o.resendKeepsState,
		TokenLifetime:           o.tokenLifetime,
		Faults:                  emulator.Faults{RateLimitPerSecond: o.rateLimit, ErrorRate: o.errorRate, DropRate: o.dropRate, Latency: o.latency, AnswerLatency: o.answerLatency},
		Seed:                    o.seed,
		RateLimits:              o.rateLimits,
	}
	if err := cfg.Faults.Validate(); err != nil {
		return cfg, err
	}
	if o.clientID == "" || o.clientSecret == "" {
		return cfg, errors.New("-client-id and -client-secret must not be empty")
	}
	if err := checkDomainSettings(o); err != nil {
		return cfg, err
	}
	if err := o.policy.apply(&cfg); err != nil {
		return cfg, err
	}
	for _, f := range strings.Split(o.enabledFactors, ",") {
		f = strings.ToUpper(strings.TrimSpace(f))
		switch f {
		case "":
		case emulator.MethodSMS, emulator.MethodEmail, emulator.MethodTOTP, emulator.MethodPush,
			emulator.MethodPhoneCall, emulator.MethodSecurityQuestions, emulator.MethodBypassCode:
			cfg.EnabledFactors = append(cfg.EnabledFactors, f)
		default:
			return cfg, fmt.Errorf("-enabled-factors: unknown factor %q", f)
		}
	}
	if len(cfg.EnabledFactors) == 0 {
		return cfg, errors.New("-enabled-factors: at least one factor must be enabled")
	}
	if o.usersFile != "" {
		users, apps, err := readUsers(o.usersFile)
		if err != nil {
			return cfg, err
		}
		cfg.Users = users
		cfg.Clients = append(cfg.Clients, apps...)
	}
	cfg.Clients = append(cfg.Clients, o.apps...)
	if err := checkApps(cfg.Clients); err != nil {
		return cfg, err
	}
	if o.trustedCert != "" {
		certs, err := readCerts(o.trustedCert)
		if err != nil {
			return cfg, err
		}
		cfg.TrustedCerts = certs
		for _, c := range certs {
			_, _ = fmt.Fprintf(stderr, "trusted certificate %q x5t=%s\n", c.Subject.CommonName, emulator.X5T(c))
		}
	}
	if !o.quiet {
		cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	return cfg, nil
}

// checkDomainSettings checks each passcode and TOTP flag with emulator.Config.Validate,
// so that the message names the flag. Zero is refused here: in a Config it means the
// default, which a flag already shows.
func checkDomainSettings(o options) error {
	for _, c := range []struct {
		flag string
		zero bool
		cfg  emulator.Config
	}{
		{"-otp-length", o.otpLength == 0, emulator.Config{OTPLength: o.otpLength}},
		{"-totp-period", o.totpPeriod == 0, emulator.Config{TOTPPeriod: o.totpPeriod}},
		{"-totp-digits", o.totpDigits == 0, emulator.Config{TOTPDigits: o.totpDigits}},
		{"-totp-algorithm", o.totpAlgorithm == "", emulator.Config{TOTPAlgorithm: o.totpAlgorithm}},
		{"-rate-limits", false, emulator.Config{RateLimits: o.rateLimits}},
	} {
		err := c.cfg.Validate()
		if err == nil && c.zero {
			err = errors.New("must not be zero or empty")
		}
		if err != nil {
			return fmt.Errorf("%s: %w", c.flag, err)
		}
	}
	return nil
}

// readUsers loads the -users file and checks it the way the server will, so that a bad
// entry stops the command instead of being skipped. The file is an array of users, or an
// object {"users": [...], "applications": [{"id", "secret", "roles"}]}.
func readUsers(path string) ([]emulator.User, []emulator.Client, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("-users: %w", err)
	}
	var file struct {
		Users        []emulator.User   `json:"users"`
		Applications []emulator.Client `json:"applications"`
	}
	target := any(&file.Users)
	if trimmed := strings.TrimSpace(string(data)); strings.HasPrefix(trimmed, "{") {
		target = &file
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(target); err != nil {
		return nil, nil, fmt.Errorf("-users %s: want a JSON array of {id, userName, email, locked, password, mfaRequired}, or {\"users\": [...], \"applications\": [{\"id\", \"secret\", \"roles\"}]}: %w", path, err)
	}
	if len(file.Users) == 0 {
		return nil, nil, fmt.Errorf("-users %s: no users", path)
	}
	if err := emulator.ValidateUsers(file.Users); err != nil {
		return nil, nil, fmt.Errorf("-users %s: %w", path, err)
	}
	for i, a := range file.Applications {
		if err := checkApp(a); err != nil {
			return nil, nil, fmt.Errorf("-users %s: application %d: %w", path, i+1, err)
		}
	}
	return file.Users, file.Applications, nil
}

func readCerts(path string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-trusted-cert: %w", err)
	}
	certs, err := emulator.ParseCertificatesPEM(data)
	if err != nil {
		return nil, fmt.Errorf("-trusted-cert %s: %w", path, err)
	}
	return certs, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if o.showVersion {
		_, err := fmt.Fprintln(stdout, "idcs-emulator", buildVersion())
		return err
	}
	cfg, err := buildConfig(o, stderr)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	srv := newHTTPServer(emulator.New(cfg))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// The one line tools wait for: it carries the URL to use.
	if _, err := fmt.Fprintf(stdout, "idcs-emulator listening on http://%s\n", ln.Addr()); err != nil {
		_ = ln.Close()
		return err // nobody can learn the address: do not serve blind
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	_, _ = fmt.Fprintln(stderr, "idcs-emulator stopped")
	return nil
}
