package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// The self-service SCIM endpoints (API doc section 6): a user manages their own factors with
// their own token (a "Me" token: the password grant, Config.Username, or a user's access
// token). Every call here acts on the caller; an administrator's client-credentials token is
// refused by the identity domain (ErrUnauthorized or ErrForbidden). Errors are SCIM error
// bodies, read into *APIError like the /mfa/v1 ones: Code is the messageId (for example
// "error.ssocommon.auth.invalidPasscode"), Message the detail.

const (
	scimEnrollerSchema  = "urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorEnroller"
	scimInitiatorSchema = "urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorInitiator"
	scimValidatorSchema = "urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorValidator"
	scimRemoverSchema   = "urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorsRemover"
	scimPatchOpSchema   = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	scimDeviceSchema    = "urn:ietf:params:scim:schemas:oracle:idcs:Device"

	mePath         = "/admin/v1/Me"
	myDevicesPath  = "/admin/v1/MyDevices"
	myEnrollerPath = "/admin/v1/MyAuthenticationFactorEnroller"
	myInitiatePath = "/admin/v1/MyAuthenticationFactorInitiator"
	myValidatePath = "/admin/v1/MyAuthenticationFactorValidator"
	myRemoverPath  = "/admin/v1/MyAuthenticationFactorsRemover"
	selfServiceDir = "/admin/v1/My"

	// ScenarioEnrollment is the validator's scenario for a new factor (API doc 6.5).
	ScenarioEnrollment = "ENROLLMENT"
	// ValidationSuccess is the validator's status when the passcode was accepted.
	ValidationSuccess = "SUCCESS"
)

// Device statuses of a MyDevices resource (API doc 6.6). A factor enrolled through the
// enroller is INITIATED until its passcode is validated.
const (
	DeviceStatusInitiated  = "INITIATED"
	DeviceStatusInProgress = "INPROGRESS"
	DeviceStatusEnrolled   = "ENROLLED"
)

// isSelfServicePath reports whether path is a /admin/v1/My* endpoint, where requestId is a
// secret: with the deviceId and a passcode it completes an enrollment.
func isSelfServicePath(path string) bool { return strings.HasPrefix(path, selfServiceDir) }

// IsSelfServiceCall reports whether err is the failure of a self-service call (/admin/v1/Me
// or /admin/v1/My*), which only a user's token makes: what to do about it is not what an
// application's /mfa/v1 call needs.
func IsSelfServiceCall(err error) bool {
	var op string
	var apiErr *APIError
	var na *NoAnswerError
	switch {
	case errors.As(err, &apiErr):
		op = apiErr.Operation
	case errors.As(err, &na):
		op = na.Operation
	}
	_, path, _ := strings.Cut(op, " ")
	return path == mePath || strings.HasPrefix(path, mePath+"/") || isSelfServicePath(path)
}

// Me is the caller as GET /admin/v1/Me returns them (API doc 6.2): the user's GUID, user
// name and the MFA extension (preferred factor, devices).
type Me struct {
	ID       string        `json:"id"`
	UserName string        `json:"userName"`
	Emails   []MeEmail     `json:"emails,omitempty"`
	MFA      *MFAExtension `json:"urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User,omitempty"`
}

// MeEmail is one of the caller's addresses, as Oracle's Me samples show them. The provider
// reads them to undo MyDevices' mask of an EMAIL device's name.
type MeEmail struct {
	Value     string `json:"value"`
	Type      string `json:"type"`
	Primary   bool   `json:"primary"`
	Secondary bool   `json:"secondary"`
	Verified  bool   `json:"verified"`
}

// Me reads the caller (GET /admin/v1/Me). A client-credentials token has no user: the
// identity domain refuses it (ErrUnauthorized or ErrForbidden).
func (c *Client) Me(ctx context.Context) (*Me, error) {
	var out Me
	if err := c.do(ctx, request{method: http.MethodGet, path: mePath, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// MyEnrollRequest starts the enrollment of one of the caller's factors (API doc 6.3).
type MyEnrollRequest struct {
	UserID      string // the caller's id (Me.ID); the enroller requires user.value
	Method      string // MethodSMS, MethodEmail or MethodTOTP
	DisplayName string // SMS: the device's name (optional)
	CountryCode string // SMS: "+44"
	PhoneNumber string // SMS: the national number
	// DeviceOffline asks for an offline TOTP device (isDeviceOffline). The identity domain
	// generates the secret and returns it in QRCodeContent; a secret cannot be given.
	DeviceOffline bool
}

type wireRef struct {
	Value string `json:"value"`
	Ref   string `json:"$ref,omitempty"`
}

type wireEnroller struct {
	Schemas         []string `json:"schemas"`
	User            wireRef  `json:"user"`
	AuthnFactors    []string `json:"authnFactors"`
	DisplayName     string   `json:"displayName,omitempty"`
	CountryCode     string   `json:"countryCode,omitempty"`
	PhoneNumber     string   `json:"phoneNumber,omitempty"`
	IsDeviceOffline bool     `json:"isDeviceOffline,omitempty"`
}

// MyEnrollment is the enroller's 201 answer. DeviceID is the new device, the same id as the
// factorId of /mfa/v1 (API doc 6.6). RequestID is a secret: with a passcode it completes the
// enrollment. PhoneNumber comes back masked ("XXXXXXX455"). QRCodeContent (TOTP) is the
// base64 of the otpauth:// URI, which holds the shared secret.
type MyEnrollment struct {
	DeviceID        string   `json:"deviceId"`
	RequestID       string   `json:"requestId"`
	AuthnFactors    []string `json:"authnFactors"`
	DisplayName     string   `json:"displayName,omitempty"`
	CountryCode     string   `json:"countryCode,omitempty"`
	PhoneNumber     string   `json:"phoneNumber,omitempty"`
	IsDeviceOffline bool     `json:"isDeviceOffline,omitempty"`
	QRCodeContent   string   `json:"qrCodeContent,omitempty"`
}

// EnrollMyFactor starts an enrollment (POST /admin/v1/MyAuthenticationFactorEnroller, 201).
// For SMS and EMAIL no passcode is sent yet: InitiateMyFactor sends it. The POST creates a
// device, so it is retried only when the server certainly did not process it (429, a
// connection never opened). After an ambiguous failure (5xx, a lost answer) an SMS or EMAIL
// enrollment is sent again: a new enrollment of the same number, or of EMAIL, restarts the
// pending one under the same device id (ARCHITECTURE.md decision 3, which the emulator
// applies to the self-service enroller too), so nothing is made twice. Offline TOTP is not
// sent again: each enrollment is a new device.
func (c *Client) EnrollMyFactor(ctx context.Context, req MyEnrollRequest) (*MyEnrollment, error) {
	ctx, cancel, err := c.commit(ctx, "POST "+myEnrollerPath)
	if err != nil {
		return nil, err
	}
	defer cancel()
	body := wireEnroller{
		Schemas:         []string{scimEnrollerSchema},
		User:            wireRef{Value: req.UserID},
		AuthnFactors:    []string{req.Method},
		DisplayName:     req.DisplayName,
		CountryCode:     req.CountryCode,
		PhoneNumber:     req.PhoneNumber,
		IsDeviceOffline: req.DeviceOffline,
	}
	restartable := req.Method == MethodSMS || req.Method == MethodEmail
	e, _, err := settle(ctx, c, settler[*MyEnrollment]{
		call:  func() (*MyEnrollment, error) { return postOnce[MyEnrollment](ctx, c, myEnrollerPath, body) },
		look:  func(err error, _ int) bool { return restartable && isAmbiguous(err) },
		again: func(error) bool { return true },
	})
	return e, err
}

// postOnce sends a self-service POST that acts (creates a device, sends a message, judges a
// passcode): retried only when the server certainly did not process it.
func postOnce[T any](ctx context.Context, c *Client, path string, body any) (*T, error) {
	var out T
	if err := c.do(ctx, request{method: http.MethodPost, path: path, body: body, out: &out, retry: retryUnprocessed}); err != nil {
		return nil, err
	}
	return &out, nil
}

// MyInitiateRequest sends a passcode for a device (API doc 6.4).
type MyInitiateRequest struct {
	DeviceID  string
	RequestID string // the enroller's requestId (secret)
	UserName  string // the caller's user name (Me.UserName), as Oracle's samples send it
	Method    string // authFactor: MethodSMS or MethodEmail
}

type wireInitiator struct {
	Schemas    []string `json:"schemas"`
	DeviceID   string   `json:"deviceId"`
	RequestID  string   `json:"requestId,omitempty"`
	UserName   string   `json:"userName,omitempty"`
	AuthFactor string   `json:"authFactor"`
}

// MyInitiation is the initiator's 201 answer; RequestID (secret) is the one to validate with.
type MyInitiation struct {
	DeviceID    string `json:"deviceId"`
	RequestID   string `json:"requestId"`
	AuthFactor  string `json:"authFactor"`
	DisplayName string `json:"displayName,omitempty"`
}

// InitiateMyFactor sends a passcode (POST /admin/v1/MyAuthenticationFactorInitiator, 201).
// Sending it again is how a passcode is resent (API doc 6.4). It sends a message to the user,
// so it is retried only when the server certainly did not process it.
func (c *Client) InitiateMyFactor(ctx context.Context, req MyInitiateRequest) (*MyInitiation, error) {
	body := wireInitiator{Schemas: []string{scimInitiatorSchema}, DeviceID: req.DeviceID, RequestID: req.RequestID,
		UserName: req.UserName, AuthFactor: req.Method}
	out, err := postOnce[MyInitiation](ctx, c, myInitiatePath, body)
	if err != nil {
		return nil, err
	}
	if out.RequestID == "" {
		out.RequestID = req.RequestID
	}
	return out, nil
}

// MyValidateRequest submits the passcode of an enrollment (API doc 6.5).
type MyValidateRequest struct {
	DeviceID  string
	RequestID string // secret
	OTPCode   string // secret
	Method    string // authFactor
}

type wireValidator struct {
	Schemas    []string `json:"schemas"`
	DeviceID   string   `json:"deviceId"`
	RequestID  string   `json:"requestId"`
	OTPCode    string   `json:"otpCode"`
	AuthFactor string   `json:"authFactor"`
	Scenario   string   `json:"scenario"`
}

// MyValidation is the validator's 201 answer: Status "SUCCESS" and the user's MFA state.
type MyValidation struct {
	Status                           string `json:"status"`
	DisplayName                      string `json:"displayName,omitempty"`
	MFAStatus                        string `json:"mfaStatus,omitempty"`
	MFAPreferredAuthenticationFactor string `json:"mfaPreferredAuthenticationFactor,omitempty"`
}

// ValidateMyFactor submits a passcode (POST /admin/v1/MyAuthenticationFactorValidator,
// scenario ENROLLMENT, 201). A wrong passcode is a SCIM 401 matching ErrInvalidPasscode. The
// passcode is sent once: after an ambiguous failure the device's status decides (ENROLLED
// means it was accepted), as ActivateFactor does on /mfa/v1.
func (c *Client) ValidateMyFactor(ctx context.Context, req MyValidateRequest) (*MyValidation, error) {
	ctx, cancel, err := c.commit(ctx, "POST "+myValidatePath)
	if err != nil {
		return nil, err
	}
	defer cancel()
	body := wireValidator{Schemas: []string{scimValidatorSchema}, DeviceID: req.DeviceID, RequestID: req.RequestID,
		OTPCode: req.OTPCode, AuthFactor: req.Method, Scenario: ScenarioEnrollment}
	v, _, err := settle(ctx, c, settler[*MyValidation]{
		call: func() (*MyValidation, error) { return postOnce[MyValidation](ctx, c, myValidatePath, body) },
		look: func(err error, _ int) bool { return isAmbiguous(err) },
		lookup: func() (*MyValidation, LostAnswer) {
			la := LostAnswer{Checked: "the device's status", Found: FoundAmbiguous}
			d, err := c.GetMyDevice(ctx, req.DeviceID)
			switch {
			case err != nil:
				la.LookErr, la.Detail = err, "that failed too ("+err.Error()+")"
			case d.Status == DeviceStatusEnrolled:
				la.Status, la.Found, la.Detail = FactorStatusEnrolled, FoundOwn, "ENROLLED, so the passcode was accepted"
				return &MyValidation{Status: ValidationSuccess, DisplayName: d.DisplayName}, la
			default:
				la.Status, la.Found = FactorStatusInitiated, FoundNothing
				la.Detail = "still " + orNone(d.Status) + ", so the passcode was not accepted"
			}
			return nil, la
		},
		again: func(error) bool { return false },
	})
	return v, err
}

// MyDevice is one of the caller's devices (API doc 6.6). Its ID is the /mfa/v1 factorId.
type MyDevice struct {
	ID                    string         `json:"id"`
	DisplayName           string         `json:"displayName,omitempty"`
	Status                string         `json:"status,omitempty"`
	CountryCode           string         `json:"countryCode,omitempty"`
	PhoneNumber           string         `json:"phoneNumber,omitempty"`
	User                  *SCIMRef       `json:"user,omitempty"`
	AuthenticationFactors []DeviceFactor `json:"authenticationFactors,omitempty"`
}

// DeviceFactor is one factor a device holds: Type EMAIL, SMS, TOTP, PUSH, OFFLINETOTP, ...
type DeviceFactor struct {
	Type   string `json:"type"`
	Status string `json:"status,omitempty"`
}

// Methods returns the device's factor types, OFFLINETOTP as TOTP (the /mfa/v1 method name).
func (d MyDevice) Methods() []string {
	out := make([]string, 0, len(d.AuthenticationFactors))
	for _, f := range d.AuthenticationFactors {
		m := strings.ToUpper(f.Type)
		if m == "OFFLINETOTP" {
			m = MethodTOTP
		}
		if !hasMethod(out, m) {
			out = append(out, m)
		}
	}
	return out
}

type wireDeviceList struct {
	TotalResults int        `json:"totalResults"`
	Resources    []MyDevice `json:"Resources"`
}

// ListMyDevices returns the caller's devices, pending ones included (GET /admin/v1/MyDevices).
func (c *Client) ListMyDevices(ctx context.Context) ([]MyDevice, error) {
	var out wireDeviceList
	if err := c.do(ctx, request{method: http.MethodGet, path: myDevicesPath, out: &out}); err != nil {
		return nil, err
	}
	return out.Resources, nil
}

// GetMyDevice returns one of the caller's devices (GET /admin/v1/MyDevices/{id}); an unknown
// id matches ErrNotFound.
func (c *Client) GetMyDevice(ctx context.Context, id string) (*MyDevice, error) {
	p, err := pathf(myDevicesPath+"/%s", id)
	if err != nil {
		return nil, err
	}
	return getJSON[MyDevice](ctx, c, p, nil)
}

// DeleteMyDevice deletes one of the caller's devices (DELETE /admin/v1/MyDevices/{id}, 204).
// The caller's only device is refused with 400 cannotDeleteOnlyExistingDevice
// (ErrOnlyDevice) unless force is set (the query forceDelete=true of the Go SDK). A device
// already gone matches ErrNotFound.
func (c *Client) DeleteMyDevice(ctx context.Context, id string, force bool) error {
	p, err := pathf(myDevicesPath+"/%s", id)
	if err != nil {
		return err
	}
	var q url.Values
	if force {
		q = url.Values{"forceDelete": {"true"}}
	}
	return c.do(ctx, request{method: http.MethodDelete, path: p, query: q})
}

type wirePatchOp struct {
	Schemas    []string    `json:"schemas"`
	Operations []wirePatch `json:"Operations"`
}

type wirePatch struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// RenameMyDevice sets a device's displayName (PATCH /admin/v1/MyDevices/{id}, API doc 6.6).
// Setting a name is idempotent, so it is retried like a read.
func (c *Client) RenameMyDevice(ctx context.Context, id, displayName string) error {
	p, err := pathf(myDevicesPath+"/%s", id)
	if err != nil {
		return err
	}
	body := wirePatchOp{Schemas: []string{scimPatchOpSchema}, Operations: []wirePatch{
		{Op: "replace", Path: scimDeviceSchema + ":displayName", Value: displayName}}}
	return c.do(ctx, request{method: http.MethodPatch, path: p, body: body})
}

// SetMyPreferredFactor makes deviceID, with method, the caller's preferred factor
// (PATCH /admin/v1/Me with the two PatchOp paths of API doc 6.2; 200 with the Me resource).
func (c *Client) SetMyPreferredFactor(ctx context.Context, deviceID, method string) (*Me, error) {
	body := wirePatchOp{Schemas: []string{scimPatchOpSchema}, Operations: []wirePatch{
		{Op: "replace", Path: SCIMMFAExtension + ":preferredAuthenticationFactor", Value: method},
		{Op: "replace", Path: SCIMMFAExtension + ":preferredDevice", Value: wireRef{Value: deviceID}},
	}}
	var out Me
	if err := c.do(ctx, request{method: http.MethodPatch, path: mePath, body: body, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

type wireRemover struct {
	Schemas []string `json:"schemas"`
	User    wireRef  `json:"user"`
}

// RemoveMyFactors removes all of the caller's factors (POST
// /admin/v1/MyAuthenticationFactorsRemover, 201; API doc 6.7). Removing twice removes
// nothing more, so it is retried like an idempotent call.
func (c *Client) RemoveMyFactors(ctx context.Context, userID string) error {
	body := wireRemover{Schemas: []string{scimRemoverSchema}, User: wireRef{Value: userID}}
	return c.do(ctx, request{method: http.MethodPost, path: myRemoverPath, body: body})
}

// selfServiceSecrets returns the requestId values in a JSON body of a /admin/v1/My* exchange:
// they are scrubbed from logs and error texts like the other secrets.
func selfServiceSecrets(path string, bodies ...[]byte) []string {
	if !isSelfServicePath(path) {
		return nil
	}
	var out []string
	for _, b := range bodies {
		var v struct {
			RequestID string `json:"requestId"`
		}
		if json.Unmarshal(b, &v) == nil && len(v.RequestID) >= 3 {
			out = append(out, v.RequestID)
		}
	}
	return out
}
