package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// factorAPI is every call the factor resources (and idcsmfa_factor_activation,
// idcsmfa_user_factors) make to the identity domain: the consumer's view of the client, so
// that the resources do not care which API carries it. The administrator's /mfa/v1 API
// (*client.Client) implements it; the self-service /admin/v1/Me and My* API
// (selfServiceAPI, selfservice_api.go) implements the same calls for the provider's
// self-service mode. Configure picks one.
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
}

var _ factorAPI = (*client.Client)(nil)

// providerFactors is providerDataFrom for objects that need only the factor API.
func providerFactors(data any, diags *diag.Diagnostics) factorAPI {
	if d := providerDataFrom(data, diags); d != nil {
		return d.factors
	}
	return nil
}
