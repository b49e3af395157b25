package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Errors returned by the out-of-band Go API (and mapped to HTTP by /emulator/v1).
var (
	ErrUserNotFound    = errors.New("emulator: user not found")
	ErrFactorNotFound  = errors.New("emulator: factor not found")
	ErrAlreadyEnrolled = errors.New("emulator: factor is already enrolled")
	ErrUserLocked      = errors.New("emulator: user is locked")
	ErrInvalidUser     = errors.New("emulator: invalid user")
	ErrDuplicateUser   = errors.New("emulator: a user with this id or userName already exists")
	ErrRequestNotFound = errors.New("emulator: verification request not found")
	ErrNotPushRequest  = errors.New("emulator: verification request is not a PUSH request")
	ErrRequestDecided  = errors.New("emulator: the PUSH request was already answered the other way")
	// ErrNoPasscodeSent: an SMS or e-mail enrollment whose passcode was not sent yet (the
	// self-service MyAuthenticationFactorEnroller registers the device, and only
	// MyAuthenticationFactorInitiator sends the passcode): the user has nothing to enter.
	ErrNoPasscodeSent = errors.New("emulator: no passcode was sent for this enrollment yet")
)

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

type userState struct {
	User
	created        time.Time
	modified       time.Time
	failedAttempts int
	// passwordFailures counts wrong passwords in a row on the password grant (the password
	// policy's lockout, apart from the MFA one).
	passwordFailures int
	factors          map[string]*factor
	factorOrder      []string // factor ids in creation order
	preferredID      string
	preferredMeth    string
	answers          map[string]securityAnswer // question id -> answer; set once SQ is enrolled
	bypassCodes      []bypassCode              // unused bypass codes
	emails           []userEmail               // SCIM emails, as created; User.Email is the primary one
}

// userEmail is one of a user's SCIM e-mail addresses.
type userEmail struct {
	Value   string
	Type    string // work, home, other, recovery, or "" when none was given
	Primary bool
}

// bypassCode is an unused bypass code and the id of its SCIM BypassCode resource.
type bypassCode struct {
	ID      string
	Code    string
	created time.Time
}

type securityAnswer struct {
	Answer string
	Hint   string
}

type factor struct {
	ID           string
	Methods      []string
	Status       string
	DisplayName  string
	CountryCode  string
	MobileNumber string
	OfflineTOTP  bool
	SharedSecret string // base32, TOTP only
	created      time.Time
	modified     time.Time // last rename or restart of its enrollment; zero: never changed since created
	totpSpent    int64     // the last TOTP step whose code was accepted; 0 = none

	// Pending OTP enrollment.
	otp        string
	otpExpires time.Time
	nonce      string // the only requestState nonce currently accepted
	// requestID is the self-service requestId of the enrollment (MyAuthenticationFactorEnroller),
	// which the initiator and validator may send back; "" until one is needed.
	requestID string
}

func (f *factor) method() string { return f.Methods[0] }

func (f *factor) hasMethod(m string) bool {
	for _, x := range f.Methods {
		if x == m {
			return true
		}
	}
	return false
}

// AddUser adds a user; an empty id gets a fresh 32-hex id.
func (s *Server) AddUser(u User) (User, error) {
	return s.addUser(u, nil)
}

// addUser adds a user with their SCIM e-mails; nil emails means User.Email alone, as the
// primary work address.
func (s *Server) addUser(u User, emails []userEmail) (User, error) {
	u.UserName = strings.TrimSpace(u.UserName)
	if u.UserName == "" {
		return User{}, fmt.Errorf("%w: userName is required", ErrInvalidUser)
	}
	u.ID = strings.ToLower(strings.TrimSpace(u.ID))
	if u.ID != "" && !hex32.MatchString(u.ID) {
		return User{}, fmt.Errorf("%w: id %q is not 32 hexadecimal digits", ErrInvalidUser, u.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.ID == "" {
		u.ID = s.rng.hexID()
	}
	if _, dup := s.users[u.ID]; dup {
		return User{}, fmt.Errorf("%w: id %s", ErrDuplicateUser, u.ID)
	}
	if _, dup := s.byName[strings.ToLower(u.UserName)]; dup {
		return User{}, fmt.Errorf("%w: userName %s", ErrDuplicateUser, u.UserName)
	}
	if emails == nil && u.Email != "" {
		emails = []userEmail{{Value: u.Email, Type: "work", Primary: true}}
	}
	now := s.now()
	s.users[u.ID] = &userState{User: u, created: now, modified: now, factors: map[string]*factor{}, emails: emails}
	s.byName[strings.ToLower(u.UserName)] = u.ID
	s.order = append(s.order, u.ID)
	return u, nil
}

// DeleteUser removes a user with their factors; ErrUserNotFound when there is none.
func (s *Server) DeleteUser(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[strings.ToLower(id)]
	if u == nil {
		return ErrUserNotFound
	}
	delete(s.users, u.ID)
	delete(s.byName, strings.ToLower(u.UserName))
	s.order = slices.DeleteFunc(s.order, func(other string) bool { return other == u.ID })
	return nil
}

// ValidateUsers checks a users list (the command's -users file) the way AddUser would:
// userName required and unique ignoring case, id empty or 32 hex digits and unique.
func ValidateUsers(users []User) error {
	ids, names := map[string]bool{}, map[string]bool{}
	for i, u := range users {
		name := strings.ToLower(strings.TrimSpace(u.UserName))
		id := strings.ToLower(strings.TrimSpace(u.ID))
		switch {
		case name == "":
			return fmt.Errorf("user %d: %w: userName is required", i+1, ErrInvalidUser)
		case id != "" && !hex32.MatchString(id):
			return fmt.Errorf("user %d: %w: id %q is not 32 hexadecimal digits", i+1, ErrInvalidUser, u.ID)
		case names[name] || (id != "" && ids[id]):
			return fmt.Errorf("user %d (%s): %w", i+1, u.UserName, ErrDuplicateUser)
		}
		names[name] = true
		if id != "" {
			ids[id] = true
		}
	}
	return nil
}

// SetLocked locks or unlocks a user as an administrator would; unlocking clears failed attempts.
func (s *Server) SetLocked(userID string, locked bool) error {
	return s.onUser(userID, func(u *userState) error {
		u.Locked = locked
		if !locked {
			u.failedAttempts, u.passwordFailures = 0, 0
		}
		u.modified = s.now()
		return nil
	})
}

// onUser runs do holding s.mu with the user whose id is userID, or answers ErrUserNotFound:
// the preamble of the out-of-band calls a test or an administrator makes on one user.
func (s *Server) onUser(userID string, do func(u *userState) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[userID]
	if u == nil {
		return ErrUserNotFound
	}
	return do(u)
}

// Users returns all users in creation order.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.users[id].User)
	}
	return out
}

// userByNameLocked finds a user by userName, which identity domains compare ignoring case.
func (s *Server) userByNameLocked(name string) *userState {
	if id, ok := s.byName[strings.ToLower(name)]; ok {
		return s.users[id]
	}
	return nil
}

// Factors returns every factor of the user, pending ones included, in creation order.
func (s *Server) Factors(userID string) []FactorInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[userID]
	if u == nil {
		return nil
	}
	out := make([]FactorInfo, 0, len(u.factorOrder))
	for _, id := range u.factorOrder {
		f := u.factors[id]
		out = append(out, FactorInfo{
			ID: f.ID, Method: f.method(), Methods: append([]string(nil), f.Methods...), Status: f.Status,
			DisplayName: f.DisplayName, CountryCode: f.CountryCode, MobileNumber: f.MobileNumber,
		})
	}
	return out
}

// RemoveFactor deletes a factor out of band, as an administrator would in the console.
func (s *Server) RemoveFactor(userID, factorID string) error {
	return s.onUser(userID, func(u *userState) error {
		if !s.deleteFactorLocked(u, factorID) {
			return ErrFactorNotFound
		}
		return nil
	})
}

// CompleteEnrollment finishes a pending enrollment as the user would, with the right
// passcode (SMS, EMAIL, offline TOTP), by scanning the QR code (online TOTP, PUSH), or by
// answering the questions (security questions get fixed demo answers). An SMS or e-mail
// enrollment whose passcode was not sent yet is refused with ErrNoPasscodeSent: the user
// cannot enter a passcode that never arrived, and completing it there would make the
// client's next request (the Initiator that sends it) meet an enrolled device.
func (s *Server) CompleteEnrollment(userID, factorID string) error {
	return s.onUser(userID, func(u *userState) error {
		f := u.factors[factorID]
		if f == nil {
			return ErrFactorNotFound
		}
		if f.Status == StatusEnrolled {
			return ErrAlreadyEnrolled
		}
		if u.Locked {
			return ErrUserLocked
		}
		if isSentOTPMethod(f.method()) && f.otp == "" {
			return ErrNoPasscodeSent
		}
		if f.ID == SecurityQuestionsFactorID {
			u.answers = map[string]securityAnswer{}
			for _, q := range securityQuestionCatalog[:s.cfg.SecurityQuestionsToSetUp] {
				u.answers[q.ID] = securityAnswer{Answer: "answer-" + q.ID}
			}
		}
		s.markEnrolledLocked(u, f)
		return nil
	})
}

// AddBypassCode issues a one-time bypass code for the user, as an administrator would (Oracle
// issues them through /admin/v1/BypassCodes, which the emulator does not implement; the user's
// own /admin/v1/MyBypassCodes is emulated).
func (s *Server) AddBypassCode(userID string) (string, error) {
	var code string
	err := s.onUser(userID, func(u *userState) error {
		code = s.addBypassCodeLocked(u).Code
		return nil
	})
	return code, err
}

// addBypassCodeLocked issues a one-time bypass code of bypassCodeSettings.length digits.
func (s *Server) addBypassCodeLocked(u *userState) bypassCode {
	code := s.rng.digits(s.cfg.BypassCodeLength)
	// The resource id is derived from the code rather than drawn from the seeded generator,
	// so that issuing a code does not change the ids a seeded emulator gives out later.
	sum := sha256.Sum256([]byte(u.ID + "/" + code))
	c := bypassCode{ID: hex.EncodeToString(sum[:16]), Code: code, created: s.now()}
	u.bypassCodes = append(u.bypassCodes, c)
	u.modified = c.created
	return c
}

// LastOTP returns the last passcode issued for the factor (enrollment, verification or
// resend). For a TOTP or PUSH factor it is the code its authenticator app shows now, with
// the domain's TOTP settings; when that code was already accepted, it is the next step's
// code, which the emulator accepts too (one step of tolerance) and which cannot be a replay.
func (s *Server) LastOTP(userID, factorID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[userID]; u != nil {
		if f := u.factors[factorID]; f != nil && f.hasMethod(MethodTOTP) && f.SharedSecret != "" {
			if code, ok := s.appCodeLocked(f); ok {
				return code, true
			}
		}
	}
	otp, ok := s.lastOTP[userID+"/"+factorID]
	return otp, ok
}

// Messages returns the outbox, oldest first; userID "" means every user.
func (s *Server) Messages(userID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Message{}
	for _, m := range s.outbox {
		if userID == "" || m.UserID == userID {
			out = append(out, m)
		}
	}
	return out
}

// markEnrolledLocked enrolls f; the first enrolled device becomes the preferred factor.
func (s *Server) markEnrolledLocked(u *userState, f *factor) {
	f.Status = StatusEnrolled
	f.otp, f.nonce = "", ""
	u.failedAttempts = 0
	u.modified = s.now()
	if u.preferredID == "" {
		u.preferredID, u.preferredMeth = f.ID, f.method()
	}
}

func (s *Server) deleteFactorLocked(u *userState, factorID string) bool {
	switch factorID {
	case BypassCodeFactorID:
		if len(u.bypassCodes) == 0 {
			return false
		}
		u.bypassCodes = nil
		u.modified = s.now()
		return true
	case SecurityQuestionsFactorID:
		u.answers = nil
	}
	if _, ok := u.factors[factorID]; !ok {
		return false
	}
	delete(u.factors, factorID)
	for i, id := range u.factorOrder {
		if id == factorID {
			u.factorOrder = append(u.factorOrder[:i:i], u.factorOrder[i+1:]...)
			break
		}
	}
	// The preferred factor moves to the oldest remaining enrolled factor, or is cleared.
	if u.preferredID == factorID {
		u.preferredID, u.preferredMeth = "", ""
		for _, id := range u.factorOrder {
			if f := u.factors[id]; f.Status == StatusEnrolled {
				u.preferredID, u.preferredMeth = f.ID, f.method()
				break
			}
		}
	}
	u.modified = s.now()
	return true
}

// enrolledFactorsLocked lists the factors E1 shows: enrolled ones, then the bypass-code
// pseudo factor when the user holds unused codes.
func (s *Server) enrolledFactorsLocked(u *userState) []map[string]any {
	out := []map[string]any{}
	for _, id := range u.factorOrder {
		f := u.factors[id]
		if f.Status != StatusEnrolled {
			continue
		}
		item := map[string]any{"factorId": f.ID, "methods": append([]string(nil), f.Methods...)}
		if f.DisplayName != "" {
			item["displayName"] = f.DisplayName
		}
		out = append(out, item)
	}
	if len(u.bypassCodes) > 0 {
		out = append(out, map[string]any{"factorId": BypassCodeFactorID, "methods": []string{MethodBypassCode}})
	}
	return out
}

func (u *userState) hasEnrolledDevice() bool {
	for _, f := range u.factors {
		if f.Status == StatusEnrolled {
			return true
		}
	}
	return false
}

// SetEnabledFactors changes which factors the domain allows, as an administrator would;
// factors already enrolled stay, but cannot be used while their method is disabled.
func (s *Server) SetEnabledFactors(methods []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.enabled = map[string]bool{}
	for _, m := range methods {
		s.enabled[strings.ToUpper(m)] = true
	}
}

// startSMSForTest starts an SMS enrollment without HTTP; tests and fuzzing use it to reach
// states cheaply.
func (s *Server) startSMSForTest(userID, countryCode, number string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[userID]
	if u == nil {
		return "", "", ErrUserNotFound
	}
	body, e := s.enrollLocked(u, enrollRequest{Method: MethodSMS, CountryCode: countryCode, MobileNumber: number})
	if e != nil {
		return "", "", e
	}
	fid, _ := body["factorId"].(string)
	state, _ := body["requestState"].(string)
	return fid, state, nil
}
