package main

import (
	"flag"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// policyFlags are the flags of the domain's MFA policy beyond passcodes and TOTP codes:
// what GET /admin/v1/AuthenticationFactorSettings and SecurityQuestionSettings show and the
// emulator enforces. Their defaults are the emulator's (EMULATOR.md, Flags).
type policyFlags struct {
	totpTolerance          int
	maxEnrolledDevices     int
	userEnrollmentDisabled string
	mfaEnrollmentType      string
	bypassCodeLength       int
	bypassCodeMaxActive    int
	passwordMaxIncorrect   int
	questionsToSetUp       int
	questionsToAnswer      int
	answerMinLength        int
	answerMaxLength        int
}

func (p *policyFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&p.totpTolerance, "totp-tolerance", 1, "TOTP steps either side of now a code may come from (totpSettings.timeStepTolerance, 1-3)")
	fs.IntVar(&p.maxEnrolledDevices, "max-enrolled-devices", 20, "enrolled devices a user may have; one more is refused (endpointRestrictions.maxEnrolledDevices, 1-20)")
	fs.StringVar(&p.userEnrollmentDisabled, "user-enrollment-disabled-factors", "", "comma-separated factors users may not enroll themselves (userEnrollmentDisabledFactors): SMS, EMAIL, TOTP, OFFLINETOTP, PUSH, PHONE_CALL")
	fs.StringVar(&p.mfaEnrollmentType, "mfa-enrollment-type", "Optional", "mfaEnrollmentType shown in the settings: Optional or Required")
	fs.IntVar(&p.bypassCodeLength, "bypass-code-length", 12, "digits of a bypass code (bypassCodeSettings.length, 8-20)")
	fs.IntVar(&p.bypassCodeMaxActive, "bypass-code-max-active", 5, "unused bypass codes a user may hold (bypassCodeSettings.maxActive, 1-6)")
	fs.IntVar(&p.passwordMaxIncorrect, "password-max-incorrect-attempts", 5, "wrong passwords in a row on the password grant before the user is locked (-1: never)")
	fs.IntVar(&p.questionsToSetUp, "security-questions-to-set-up", 3, "security questions a user sets up (numQuestionsToSetup)")
	fs.IntVar(&p.questionsToAnswer, "security-questions-to-answer", 1, "security questions asked at verification (numQuestionsToAns)")
	fs.IntVar(&p.answerMinLength, "security-answer-min-length", 6, "shortest security answer (minAnswerLength)")
	fs.IntVar(&p.answerMaxLength, "security-answer-max-length", 100, "longest security answer and hint (maxFieldLength, at most 100)")
}

// apply copies the flags into cfg and checks them with emulator.Config.Validate, one at a
// time, so that the message names the flag.
func (p *policyFlags) apply(cfg *emulator.Config) error {
	var disabled []string
	for _, f := range strings.Split(p.userEnrollmentDisabled, ",") {
		if f = strings.TrimSpace(f); f != "" {
			disabled = append(disabled, strings.ToUpper(f))
		}
	}
	checks := []struct {
		flag string
		zero bool
		cfg  emulator.Config
	}{
		{"-totp-tolerance", p.totpTolerance == 0, emulator.Config{TOTPTolerance: p.totpTolerance}},
		{"-max-enrolled-devices", p.maxEnrolledDevices == 0, emulator.Config{MaxEnrolledDevices: p.maxEnrolledDevices}},
		{"-user-enrollment-disabled-factors", false, emulator.Config{UserEnrollmentDisabledFactors: disabled}},
		{"-mfa-enrollment-type", p.mfaEnrollmentType == "", emulator.Config{MFAEnrollmentType: p.mfaEnrollmentType}},
		{"-bypass-code-length", p.bypassCodeLength == 0, emulator.Config{BypassCodeLength: p.bypassCodeLength}},
		{"-bypass-code-max-active", p.bypassCodeMaxActive == 0, emulator.Config{BypassCodeMaxActive: p.bypassCodeMaxActive}},
		{"-password-max-incorrect-attempts", p.passwordMaxIncorrect == 0, emulator.Config{}},
		{"-security-questions-to-set-up", p.questionsToSetUp == 0, emulator.Config{SecurityQuestionsToSetUp: p.questionsToSetUp}},
		{"-security-questions-to-answer", p.questionsToAnswer == 0, emulator.Config{SecurityQuestionsToSetUp: p.questionsToSetUp, SecurityQuestionsToAnswer: p.questionsToAnswer}},
		{"-security-answer-max-length", p.answerMaxLength == 0, emulator.Config{SecurityAnswerMaxLength: p.answerMaxLength}},
		{"-security-answer-min-length", p.answerMinLength == 0, emulator.Config{SecurityAnswerMinLength: p.answerMinLength, SecurityAnswerMaxLength: p.answerMaxLength}},
	}
	for _, c := range checks {
		err := c.cfg.Validate()
		if err == nil && c.zero {
			err = fmt.Errorf("must not be zero or empty")
		}
		if err != nil {
			return fmt.Errorf("%s: %w", c.flag, err)
		}
	}
	cfg.TOTPTolerance = p.totpTolerance
	cfg.MaxEnrolledDevices = p.maxEnrolledDevices
	cfg.UserEnrollmentDisabledFactors = disabled
	cfg.MFAEnrollmentType = p.mfaEnrollmentType
	cfg.BypassCodeLength = p.bypassCodeLength
	cfg.BypassCodeMaxActive = p.bypassCodeMaxActive
	cfg.PasswordMaxIncorrectAttempts = p.passwordMaxIncorrect
	cfg.SecurityQuestionsToSetUp = p.questionsToSetUp
	cfg.SecurityQuestionsToAnswer = p.questionsToAnswer
	cfg.SecurityAnswerMinLength = p.answerMinLength
	cfg.SecurityAnswerMaxLength = p.answerMaxLength
	return nil
}

// maxHeaderBytes caps a request's header block: a larger one is answered 431 by net/http
// before any handler runs, and each connection's read buffer stays small (Go's default, 1 MB,
// let 200 concurrent large-header requests grow the process by 150 MB; issue 27 item 8). 32 KB
// leaves room for a long bearer token.
const maxHeaderBytes = 32 << 10

// newHTTPServer is the command's server for the emulator's handler.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: maxHeaderBytes}
}
