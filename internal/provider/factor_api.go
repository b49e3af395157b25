package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// factorAPI is the API the provider's Configure chose, once, for every object: the factor
// calls every mode offers (the consumer's view of the client, so that the objects do not
// care which API carries them), and the mode as a property, so that an object that only one
// mode serves refuses at plan time instead of asking which implementation it holds. The
// administrator's /mfa/v1 API (adminAPI) implements it; the self-service /admin/v1/Me and
// My* API (selfServiceAPI, selfservice_api.go) implements the same calls for the provider's
// self-service mode.
type factorAPI interface {
	// ListFactors returns the user's enrolled factors (E1).
	ListFactors(ctx context.Context, userGUID string) (*client.UserFactors, error)
	// FindUserFactors looks a user up by name or GUID and returns the enrolled factors (E2).
	FindUserFactors(ctx context.Context, userID string, idType client.UserIDType) (*client.UserFactors, error)
	// GetFactor returns one factor, pending or enrolled (E4); client.ErrNotFound when gone.
	GetFactor(ctx context.Context, userGUID, factorID string) (*client.FactorState, error)
	// UserDevices returns the user's devices from SCIM, pending ones with their method; it
	// needs a role that reads users, which MFA Client is not.
	UserDevices(ctx context.Context, userGUID string) ([]client.MFADevice, error)
	// Enroll starts, or with SkipVerification completes, an enrollment (E3).
	Enroll(ctx context.Context, userGUID string, req client.EnrollRequest) (*client.Enrollment, error)
	// ActivateFactor submits the passcode of a pending enrollment (E5).
	ActivateFactor(ctx context.Context, userGUID, factorID, otpCode, requestState string) error
	// ResendOTP sends a new passcode for a pending enrollment (E5 resendOtp).
	ResendOTP(ctx context.Context, userGUID, factorID, requestState string) (*client.Enrollment, error)
	// RenameFactor changes the display name of a TOTP or PUSH device (E5 displayName).
	RenameFactor(ctx context.Context, userGUID, factorID, displayName string) error
	// DeleteFactor deletes a factor (E6); client.ErrNotFound when already gone.
	DeleteFactor(ctx context.Context, userGUID, factorID string) error
	// SetPreferredFactor makes an enrolled factor the user's preferred one (E7).
	SetPreferredFactor(ctx context.Context, userGUID, factorID, method string) error

	// The mode, as a property of the API Configure chose, so that no object asks which
	// implementation it holds:

	// mode is the administrator's or the signed-in user's.
	mode() apiMode
	// managesUser says whether this API may manage userGUID's factors: nil in the
	// administrator's mode; in self-service mode, an *errNotCaller unless userGUID is the
	// signed-in user (or the error of reading the signed-in user).
	managesUser(ctx context.Context, userGUID string) error
	// admin is the administrator's client, for the calls no self-service endpoint offers
	// (SCIM user listing, verification); nil in self-service mode, where the objects that
	// need it are refused at plan time (apiMode.requireAdmin).
	admin() *client.Client
	// securityQuestions is this mode's access to users' security questions
	// (security_questions_api.go).
	securityQuestions() securityQuestionsAPI
}

// adminAPI is the factorAPI of the administrator's mode: /mfa/v1 with an application's
// token, and every other call of the client (users, verification).
type adminAPI struct{ *client.Client }

var _ factorAPI = adminAPI{}

func (adminAPI) mode() apiMode                             { return adminMode }
func (adminAPI) managesUser(context.Context, string) error { return nil }
func (a adminAPI) admin() *client.Client                   { return a.Client }

// apiMode is which API Configure chose.
type apiMode int

const (
	adminMode       apiMode = iota // an application's token: /mfa/v1 and SCIM, every user
	selfServiceMode                // a user's token: /admin/v1/Me and My*, that user only
)

// requireAdmin refuses, in self-service mode, an object that only an administrator's
// application can use (objectType, e.g. "idcsmfa_users"): what it needs and why, and the way
// to have both in one configuration. It says nothing in the administrator's mode.
func (m apiMode) requireAdmin(objectType, why string) diag.Diagnostics {
	if m != selfServiceMode {
		return nil
	}
	var diags diag.Diagnostics
	diags.AddError(objectType+" needs administrator credentials",
		fmt.Sprintf("The provider is in self-service mode (username and password, or self_service = true with a user's "+
			"access_token): it holds the signed-in user's token, which reaches only that user's own factors through "+
			"/admin/v1/Me and /admin/v1/My*. %s %s. Use %s with a second provider configuration "+
			"(provider \"idcsmfa\" { alias = \"admin\" ... } and provider = idcsmfa.admin) that has an administrator's "+
			"client_id and client_secret, or remove it from this configuration.", objectType, why, objectType))
	return diags
}

// providerDataFrom is what every object's Configure does with the value the provider's
// Configure handed over: nil before the provider is configured (validation), else the API
// chosen once and what the objects share.
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
	}
	return d
}

// providerAPI is providerDataFrom for objects that need only the API: nil before the
// provider is configured.
func providerAPI(data any, diags *diag.Diagnostics) factorAPI {
	if d := providerDataFrom(data, diags); d != nil {
		return d.api
	}
	return nil
}
