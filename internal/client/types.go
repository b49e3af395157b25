package client

import "strings"

// Methods accepted by the /mfa/v1 API.
const (
	MethodSMS               = "SMS"
	MethodEmail             = "EMAIL"
	MethodTOTP              = "TOTP"
	MethodPush              = "PUSH"
	MethodPhoneCall         = "PHONE_CALL"
	MethodSecurityQuestions = "SECURITY_QUESTIONS"
	MethodBypassCode        = "BYPASSCODE"
)

// Factor statuses returned by the enrollment endpoints.
const (
	FactorStatusInitiated = "ENROLLMENT_INITIATED"
	FactorStatusEnrolled  = "ENROLLED"
)

// UserIDType says how FindUserFactors and InitiateVerification interpret a user id.
type UserIDType string

const (
	UserIDTypeName UserIDType = "USER_NAME"
	UserIDTypeGUID UserIDType = "USER_GUID"
)

// Factor is one enrolled factor of a user (E1/E2).
type Factor struct {
	FactorID    string   `json:"factorId"`
	Methods     []string `json:"methods"`
	DisplayName string   `json:"displayName,omitempty"`
}

// UserFactors is the answer of E1 and E2.
type UserFactors struct {
	UserGUID          string   `json:"userGUID"`
	PreferredFactorID string   `json:"preferredFactorId,omitempty"`
	PreferredMethod   string   `json:"preferredMethod,omitempty"`
	Factors           []Factor `json:"factors"`
}

// EnrollRequest starts (or, with SkipVerification, completes) an enrollment (E3).
type EnrollRequest struct {
	Method           string
	CountryCode      string // SMS, PHONE_CALL
	MobileNumber     string // SMS, PHONE_CALL
	SkipVerification bool   // SMS, EMAIL, offline TOTP
	OfflineTOTP      *bool  // TOTP
	SharedSecret     string // offline TOTP with skip
	OTPCode          string // offline TOTP with skip
	// Before lists the ids of the user's factors that existed before this request, as the
	// caller read them (for example in its check for pending enrollments); nil when the caller
	// read nothing. A look-up after a lost answer never takes one of them as this request's
	// result. Without it, a one-step SMS or e-mail enrollment lists the user's enrolled
	// factors itself before it is sent.
	Before []string
}

// QRCode is returned by TOTP and PUSH enrollments.
type QRCode struct {
	Content   string `json:"content"`
	ImageData string `json:"imageData"`
	ImageType string `json:"imageType"`
}

// SecurityQuestion is a question offered or asked by the service.
type SecurityQuestion struct {
	ID            string `json:"id"`
	LocalizedText string `json:"localizedText,omitempty"`
	HintText      string `json:"hintText,omitempty"`
}

// SecurityAnswer is an answer sent to the service. Op is "", "add", "replace" or "remove".
type SecurityAnswer struct {
	ID       string `json:"id"`
	Answer   string `json:"answer,omitempty"`
	HintText string `json:"hintText,omitempty"`
	Op       string `json:"op,omitempty"`
}

// Enrollment is the answer of E3 and of an E5 resend. RequestState is a secret.
type Enrollment struct {
	FactorID          string             `json:"factorId"`
	FactorStatus      string             `json:"factorStatus"`
	Methods           []string           `json:"methods"`
	DisplayName       string             `json:"displayName,omitempty"`
	RequestState      string             `json:"requestState,omitempty"`
	QRCode            *QRCode            `json:"qrCode,omitempty"`
	SharedSecret      string             `json:"sharedSecret,omitempty"`
	SecurityQuestions []SecurityQuestion `json:"securityQuestions,omitempty"`
	// Lost says what was checked when the answer to the request was lost on the way to this
	// result (lost_answer.go); nil when the request was answered.
	Lost *LostAnswer `json:"-"`
}

// FactorState is the answer of E4.
type FactorState struct {
	Status       string   `json:"status"`
	FactorID     string   `json:"factorId"`
	FactorStatus string   `json:"factorStatus"`
	Methods      []string `json:"methods,omitempty"`
}

// VerificationRequest initiates a verification (V1).
type VerificationRequest struct {
	UserID     string
	UserIDType UserIDType
	FactorID   string // optional: a backup factor
	Method     string // optional: with FactorID
	// ExternalClientX5T, when set, asks the service to return the OTP encrypted for the
	// certificate with this SHA-1 thumbprint instead of sending it to the user.
	ExternalClientX5T string
}

// EncryptedOTP is the OTP returned to an external client (RSAES-OAEP, SHA-1).
type EncryptedOTP struct {
	Value string `json:"value"`
	Alg   string `json:"alg"`
	X5T   string `json:"x5t"`
}

// Verification is the answer of V1 and of a V2 resend. RequestState is a secret.
type Verification struct {
	RequestID         string             `json:"requestId"`
	UserGUID          string             `json:"userGUID"`
	FactorID          string             `json:"factorId"`
	Method            string             `json:"method"`
	DisplayName       string             `json:"displayName,omitempty"`
	RequestState      string             `json:"requestState,omitempty"`
	SecurityQuestions []SecurityQuestion `json:"securityQuestions,omitempty"`
	OTP               *EncryptedOTP      `json:"otp,omitempty"`
}

// VerificationStatus is the answer of V3: "success" or "pending" (then Code is AUTH-1108).
type VerificationStatus struct {
	Status  string
	Code    string
	Message string
}

// SCIM user list (GET /admin/v1/Users).

// ListUsersRequest asks for one page of users.
type ListUsersRequest struct {
	Filter     string
	Attributes []string
	StartIndex int // 1-based; 0 means 1
	Count      int // 0 means the service default
}

// UserPage is one page of a SCIM ListResponse.
type UserPage struct {
	TotalResults int
	StartIndex   int
	ItemsPerPage int
	Resources    []SCIMUser
}

// SCIMUser is the part of a SCIM user the provider reads.
type SCIMUser struct {
	ID       string
	UserName string
	Emails   []SCIMEmail
	Active   *bool
	MFA      *MFAExtension // urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User
}

// SCIMEmail is one of a user's e-mail addresses.
type SCIMEmail struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// MFAExtension is the user's MFA state in SCIM.
type MFAExtension struct {
	MFAStatus                     string      `json:"mfaStatus,omitempty"`
	PreferredAuthenticationFactor string      `json:"preferredAuthenticationFactor,omitempty"`
	PreferredDevice               *SCIMRef    `json:"preferredDevice,omitempty"`
	Devices                       []MFADevice `json:"devices,omitempty"`
	LoginAttempts                 int         `json:"loginAttempts,omitempty"`
}

// SCIMRef is a SCIM reference.
type SCIMRef struct {
	Value   string `json:"value"`
	Ref     string `json:"$ref,omitempty"`
	Display string `json:"display,omitempty"`
}

// MFADevice is one device in the MFA extension.
type MFADevice struct {
	Value        string `json:"value"`
	Ref          string `json:"$ref,omitempty"`
	Display      string `json:"display,omitempty"`
	Status       string `json:"status,omitempty"`
	FactorType   string `json:"factorType,omitempty"`
	FactorStatus string `json:"factorStatus,omitempty"`
}

// Enrolled reports whether the device is enrolled, rather than still being enrolled.
func (d MFADevice) Enrolled() bool {
	return strings.EqualFold(d.FactorStatus, FactorStatusEnrolled) || strings.EqualFold(d.Status, FactorStatusEnrolled)
}

// SCIMUserCreate creates a user (POST /admin/v1/Users).
type SCIMUserCreate struct {
	UserName   string
	GivenName  string
	FamilyName string
	Email      string
}
