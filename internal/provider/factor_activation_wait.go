package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// Poll timing of the activation wait. Package variables, not constants, so that tests can make
// the wait fast; production keeps the gentle defaults: the first look after ~1s (a user who
// already has the passcode is quick), then doubling up to 15s so a long wait costs few calls
// against the domain's rate limit (a 15-minute wait is about 65 GETs).
var (
	activationPollInitial = 1 * time.Second
	activationPollMax     = 15 * time.Second
	// activationProgressEvery is how often a long wait says, at INFO, that it still waits.
	activationProgressEvery = time.Minute
)

// factorStatusGetter is the one client call the wait needs; an interface so the wait can be
// unit-tested without a server.
type factorStatusGetter interface {
	GetFactor(ctx context.Context, userGUID, factorID string) (*client.FactorState, error)
}

// errFactorPending says the factor was still not enrolled when the wait ended.
type errFactorPending struct {
	status  string // last status seen, "" if never seen
	methods []string
	lastErr error // last transient error, if the last poll failed
	cause   error // context.DeadlineExceeded or context.Canceled
}

func (e *errFactorPending) Error() string {
	status := e.status
	if status == "" {
		status = "unknown"
	}
	return fmt.Sprintf("factor still %s: %v", status, e.cause)
}

func (e *errFactorPending) Unwrap() error { return e.cause }

// errFactorGone says the factor (or its user) does not exist; seenBefore tells a factor that
// vanished during the wait from one that never existed.
type errFactorGone struct {
	seenBefore bool
	apiErr     error
}

func (e *errFactorGone) Error() string { return "factor not found: " + e.apiErr.Error() }
func (e *errFactorGone) Unwrap() error { return e.apiErr }

// waitForEnrollment polls the factor until the service reports it ENROLLED. It returns the last
// factor state on success. It fails at once on a definitive error (not found, refused, bad
// request) and keeps polling through transient ones (network, 5xx left after the client's own
// retries), since a single hiccup must not cost the user a 15-minute wait.
func waitForEnrollment(ctx context.Context, c factorStatusGetter, userID, factorID string) (*client.FactorState, error) {
	return waitForEnrollmentReporting(ctx, c, userID, factorID, nil)
}

// waitProgress is told, after the first answer and then about every activationProgressEvery,
// how long the wait has lasted and the factor's last state (nil before any answer).
type waitProgress func(elapsed time.Duration, first bool, last *client.FactorState)

// waitForEnrollmentReporting is waitForEnrollment that reports its progress to report (nil:
// silent), so that a user watching a wait of up to 15 minutes learns that it still waits.
func waitForEnrollmentReporting(ctx context.Context, c factorStatusGetter, userID, factorID string, report waitProgress) (*client.FactorState, error) {
	interval := activationPollInitial
	seen := false
	var last *client.FactorState
	var lastErr error
	start := time.Now()
	var reported time.Time

	for {
		state, err := c.GetFactor(ctx, userID, factorID)
		switch {
		case ctx.Err() != nil:
			return nil, pendingError(last, lastErr, ctx.Err())
		case err == nil && state != nil:
			seen, last, lastErr = true, state, nil
			if state.FactorStatus == client.FactorStatusEnrolled {
				return state, nil
			}
			if now := time.Now(); report != nil && (reported.IsZero() || now.Sub(reported) >= activationProgressEvery) {
				report(now.Sub(start), reported.IsZero(), last)
				reported = now
			}
		case errors.Is(err, client.ErrNotFound):
			return nil, &errFactorGone{seenBefore: seen, apiErr: err}
		case err != nil && !isTransient(err):
			return nil, err
		default:
			lastErr = err
		}

		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, pendingError(last, lastErr, ctx.Err())
		case <-timer.C:
		}
		interval = nextPollInterval(interval)
	}
}

// nextPollInterval doubles the wait between two polls, up to activationPollMax.
func nextPollInterval(interval time.Duration) time.Duration {
	return min(2*interval, activationPollMax)
}

func pendingError(last *client.FactorState, lastErr error, cause error) error {
	e := &errFactorPending{lastErr: lastErr, cause: cause}
	if last != nil {
		e.status, e.methods = last.FactorStatus, last.Methods
	}
	return e
}

// isTransient tells errors worth polling through: anything that is not an answer from the
// service (network trouble), and server-side failures.
func isTransient(err error) bool {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= http.StatusInternalServerError || apiErr.StatusCode == http.StatusTooManyRequests
	}
	return true
}

// passcodeDestination says where the service sent the factor's passcode, as far as the
// factor's methods tell; the exact address is not in the status answer (E4), so it points to
// the factor resource's display_name instead of guessing.
func passcodeDestination(methods []string) string {
	for _, m := range methods {
		switch m {
		case client.MethodSMS:
			return "The passcode was sent by SMS to the factor's mobile number (display_name of the idcsmfa_sms_factor resource)."
		case client.MethodEmail:
			return "The passcode was sent by email to the user's primary email address (display_name of the idcsmfa_email_factor resource)."
		}
	}
	return "The passcode was sent to the factor's device: the number or address shown in display_name of the factor resource that enrolled it."
}

// passcodeValidity says how long the domain keeps the factor's passcodes valid, from its MFA
// settings (smsOtpValidityDurationInMins, emailOtpValidityDurationInMins), or "" when the
// settings were not read. A pending factor's status may not name its method: both are quoted.
func passcodeValidity(s *client.AuthenticationFactorSettings, methods []string) string {
	if s == nil {
		return ""
	}
	sms, email := s.TOTP.SMSOTPValidityMinutes, s.TOTP.EmailOTPValidityMinutes
	for _, m := range methods {
		switch {
		case m == client.MethodSMS && sms > 0:
			return fmt.Sprintf("The identity domain keeps an SMS passcode valid for %d minutes (its SMS passcode validity setting).", sms)
		case m == client.MethodEmail && email > 0:
			return fmt.Sprintf("The identity domain keeps an email passcode valid for %d minutes (its email passcode validity setting).", email)
		}
	}
	if sms > 0 && sms == email {
		return fmt.Sprintf("The identity domain keeps an SMS or email passcode valid for %d minutes (its passcode validity settings).", sms)
	}
	if sms > 0 && email > 0 {
		return fmt.Sprintf("The identity domain keeps an SMS passcode valid for %d minutes and an email passcode for %d minutes (its passcode validity settings).", sms, email)
	}
	return ""
}
