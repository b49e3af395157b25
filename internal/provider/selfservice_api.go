package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// selfServiceAPI is the factorAPI of the provider's self-service mode: the signed-in user
// manages their own factors through the identity domain's self-service SCIM endpoints (API
// doc section 6) with their own token, where the administrator's mode uses /mfa/v1. The
// resources see the same calls; the differences stay here:
//
//   - an enrollment is the enroller (creates the device) followed by the initiator (sends the
//     passcode); a resend is the initiator again; the passcode goes to the validator;
//   - the requestState the resources keep in private state is this API's own token:
//     "<method>:<requestId>" (the validator and initiator need both), as secret as /mfa/v1's;
//   - a factor is a MyDevices device (its id is the /mfa/v1 factorId, API doc 6.6);
//   - every call names a user, and that user must be the caller (GET /admin/v1/Me).
type selfServiceAPI struct {
	c *client.Client

	mu sync.Mutex
	me *client.Me // the caller, read once per provider process
}

var _ factorAPI = (*selfServiceAPI)(nil)

func newSelfServiceAPI(c *client.Client) *selfServiceAPI { return &selfServiceAPI{c: c} }

// errWrongTokenKind marks a refusal of GET /admin/v1/Me: the token has no user. The hint in
// diagnostics.go names the grant and role self-service needs.
var errWrongTokenKind = errors.New("self-service mode needs a user's token")

// errNotCallerName is a user_name that is not the signed-in user.
var errNotCallerName = errors.New("not the signed-in user")

// errNotCaller is a user_id that is not the signed-in user.
type errNotCaller struct{ userID, callerID, callerName string }

func (e *errNotCaller) Error() string {
	return fmt.Sprintf("the user_id %q is not the signed-in user: in self-service mode the provider manages only the "+
		"factors of the user whose token it holds, %s (user_id %q). Set user_id to %q (for example from "+
		"data.idcsmfa_user_factors with user_name = %q), or manage other users' factors with an administrator's "+
		"client (without self_service)", e.userID, e.callerName, e.callerID, e.callerID, e.callerName)
}

// isSelfServiceRefusal reports an error of the self-service API's own rules (another user,
// an unsupported input), whose text says all there is to say.
func isSelfServiceRefusal(err error) bool {
	var nc *errNotCaller
	return errors.As(err, &nc) || errors.Is(err, errSelfServiceUnsupported) || errors.Is(err, errNotCallerName)
}

// caller returns the signed-in user (GET /admin/v1/Me), read once. A refusal says that the
// token is not a user's token (errWrongTokenKind, wrapping the service's answer).
func (a *selfServiceAPI) caller(ctx context.Context) (*client.Me, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.me != nil {
		return a.me, nil
	}
	me, err := a.c.Me(ctx)
	if err != nil {
		if errors.Is(err, client.ErrTokenRequest) {
			// No token at all (a refused password, no answer): not a token of the wrong kind.
			return nil, err
		}
		if errors.Is(err, client.ErrUnauthorized) || errors.Is(err, client.ErrForbidden) || errors.Is(err, client.ErrNotFound) {
			return nil, fmt.Errorf("%w: %w", errWrongTokenKind, err)
		}
		return nil, err
	}
	if me.ID == "" {
		return nil, fmt.Errorf("%w: GET /admin/v1/Me answered without the user's id", errWrongTokenKind)
	}
	a.me = me
	return me, nil
}

func (a *selfServiceAPI) mode() apiMode         { return selfServiceMode }
func (a *selfServiceAPI) admin() *client.Client { return nil }

func (a *selfServiceAPI) managesUser(ctx context.Context, userGUID string) error {
	_, err := a.self(ctx, userGUID)
	return err
}

// self checks that userGUID is the caller, and returns the caller.
func (a *selfServiceAPI) self(ctx context.Context, userGUID string) (*client.Me, error) {
	me, err := a.caller(ctx)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(userGUID, me.ID) {
		return nil, &errNotCaller{userID: userGUID, callerID: me.ID, callerName: me.UserName}
	}
	return me, nil
}

// requestToken is the requestState this API hands the resources: the method and the
// self-service requestId, which the initiator and validator both need.
func requestToken(method, requestID string) string { return method + ":" + requestID }

// parseRequestToken splits a requestToken. Anything else (a /mfa/v1 requestState left by the
// administrator's mode) matches client.ErrRequestState, so the resources restart the
// enrollment as they do for an expired request.
func parseRequestToken(tok string) (method, requestID string, err error) {
	method, requestID, ok := strings.Cut(tok, ":")
	if !ok || requestID == "" || (method != client.MethodSMS && method != client.MethodEmail) {
		return "", "", fmt.Errorf("the stored enrollment request is not a self-service one: %w", client.ErrRequestState)
	}
	return method, requestID, nil
}

// factorStatus maps a device's status (API doc 6.6) to the factor statuses of /mfa/v1:
// INITIATED and INPROGRESS wait for a passcode.
func factorStatus(deviceStatus string) string {
	switch strings.ToUpper(deviceStatus) {
	case client.DeviceStatusInitiated, client.DeviceStatusInProgress:
		return client.FactorStatusInitiated
	}
	return strings.ToUpper(deviceStatus)
}

func (a *selfServiceAPI) ListFactors(ctx context.Context, userGUID string) (*client.UserFactors, error) {
	me, err := a.self(ctx, userGUID)
	if err != nil {
		return nil, err
	}
	devices, err := a.c.ListMyDevices(ctx)
	if err != nil {
		return nil, err
	}
	// The preferred factor is in the caller's MFA extension; read it fresh, it changes.
	fresh, meErr := a.c.Me(ctx)
	out := &client.UserFactors{UserGUID: me.ID, Factors: []client.Factor{}}
	for _, d := range devices {
		if factorStatus(d.Status) == client.FactorStatusEnrolled {
			name := d.DisplayName
			if meErr == nil && slices.Contains(d.Methods(), client.MethodEmail) {
				name = unmaskedEmail(name, fresh.Emails)
			}
			out.Factors = append(out.Factors, client.Factor{FactorID: d.ID, Methods: d.Methods(), DisplayName: name})
		}
	}
	if meErr == nil && fresh.MFA != nil {
		out.PreferredMethod = fresh.MFA.PreferredAuthenticationFactor
		if fresh.MFA.PreferredDevice != nil {
			out.PreferredFactorID = fresh.MFA.PreferredDevice.Value
		}
	}
	return out, nil
}

// unmaskedEmail undoes MyDevices' mask of an EMAIL device's name ("joeXXXXX@example.com" in
// Oracle's device sample, while the validator answers the address itself): the caller's
// address it masks, so that a read agrees with what the enrollment recorded. A name that
// masks none of them is kept.
func unmaskedEmail(name string, emails []client.MeEmail) string {
	local, domain, ok := strings.Cut(name, "@")
	if !ok || !strings.Contains(local, "XXX") {
		return name
	}
	prefix := strings.TrimRight(local, "X")
	for _, e := range emails {
		l, d, ok := strings.Cut(e.Value, "@")
		if ok && strings.EqualFold(d, domain) && strings.HasPrefix(l, prefix) {
			return e.Value
		}
	}
	return name
}

// FindUserFactors serves idcsmfa_user_factors by user name or GUID: only the caller's.
func (a *selfServiceAPI) FindUserFactors(ctx context.Context, userID string, idType client.UserIDType) (*client.UserFactors, error) {
	if idType == client.UserIDTypeName {
		me, err := a.caller(ctx)
		if err != nil {
			return nil, err
		}
		if !strings.EqualFold(userID, me.UserName) {
			return nil, fmt.Errorf("%w: user_name %q is not the signed-in user %q, and in self-service mode only the "+
				"caller's own factors can be read", errNotCallerName, userID, me.UserName)
		}
		userID = me.ID
	}
	return a.ListFactors(ctx, userID)
}

func (a *selfServiceAPI) GetFactor(ctx context.Context, userGUID, factorID string) (*client.FactorState, error) {
	if _, err := a.self(ctx, userGUID); err != nil {
		return nil, err
	}
	d, err := a.c.GetMyDevice(ctx, factorID)
	if err != nil {
		return nil, err
	}
	st := factorStatus(d.Status)
	return &client.FactorState{Status: "success", FactorID: d.ID, FactorStatus: st, Methods: d.Methods()}, nil
}

func (a *selfServiceAPI) UserDevices(ctx context.Context, userGUID string) ([]client.MFADevice, error) {
	if _, err := a.self(ctx, userGUID); err != nil {
		return nil, err
	}
	devices, err := a.c.ListMyDevices(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]client.MFADevice, 0, len(devices))
	for _, d := range devices {
		md := client.MFADevice{Value: d.ID, Display: d.DisplayName, Status: d.Status, FactorStatus: factorStatus(d.Status)}
		if m := d.Methods(); len(m) > 0 {
			md.FactorType = m[0]
		}
		out = append(out, md)
	}
	return out, nil
}

// errSelfServiceUnsupported is what the self-service API cannot do; the resources refuse
// these at plan time (selfServicePlanCheck), so this is the backstop.
var errSelfServiceUnsupported = errors.New("not possible in self-service mode")

// Enroll enrolls an SMS or e-mail factor: the enroller creates the device, the initiator
// sends the passcode. If the initiator fails, the device just created is deleted again, so
// nothing is left on the server that the state does not know.
func (a *selfServiceAPI) Enroll(ctx context.Context, userGUID string, req client.EnrollRequest) (*client.Enrollment, error) {
	switch {
	case req.SkipVerification:
		return nil, fmt.Errorf("skip_verification: %w (the self-service enroller always verifies with a passcode)", errSelfServiceUnsupported)
	case req.Method != client.MethodSMS && req.Method != client.MethodEmail:
		return nil, fmt.Errorf("enrolling %s: %w", req.Method, errSelfServiceUnsupported)
	}
	me, err := a.self(ctx, userGUID)
	if err != nil {
		return nil, err
	}
	// The enroller, the initiator and the clean-up are one change of the service: once the
	// enroller is sent, Terraform's stop must not leave a device behind between them.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("enrolling %s: %w (%w)", req.Method, client.ErrNotSent, err)
	}
	ctx, cancel := reconcileContext(ctx)
	defer cancel()
	e, err := a.c.EnrollMyFactor(ctx, client.MyEnrollRequest{UserID: me.ID, Method: req.Method,
		CountryCode: req.CountryCode, PhoneNumber: req.MobileNumber})
	if err != nil {
		return nil, err
	}
	init, err := a.c.InitiateMyFactor(ctx, client.MyInitiateRequest{DeviceID: e.DeviceID, RequestID: e.RequestID,
		UserName: me.UserName, Method: req.Method})
	if err != nil {
		if derr := a.c.DeleteMyDevice(ctx, e.DeviceID, true); derr != nil && !errors.Is(derr, client.ErrNotFound) {
			return nil, fmt.Errorf("%w; deleting the pending device %s again failed too (%s): delete it in the "+
				"identity domain console (My Profile > Security)", err, e.DeviceID, serviceErrorText(derr))
		}
		if client.IsAmbiguous(err) {
			// The initiator may have sent a passcode before its answer was lost: say that the
			// device is gone, and with it whatever passcode arrived.
			return nil, &client.LostAnswerError{LostAnswer: client.LostAnswer{Err: err, Found: client.FoundNothing,
				Checked: "nothing more: it deleted the pending device " + e.DeviceID + " that the enroller had made",
				Detail: "the device was removed, so a passcode the user may have received for it is void and nothing " +
					"is left on the identity domain"}}
		}
		return nil, err
	}
	name := firstNonEmptyString(init.DisplayName, e.DisplayName)
	if name == "" && req.Method == client.MethodSMS && e.PhoneNumber != "" {
		name = e.CountryCode + e.PhoneNumber
	}
	return &client.Enrollment{FactorID: e.DeviceID, FactorStatus: client.FactorStatusInitiated,
		Methods: []string{req.Method}, DisplayName: name, RequestState: requestToken(req.Method, init.RequestID)}, nil
}

func (a *selfServiceAPI) ActivateFactor(ctx context.Context, userGUID, factorID, otpCode, requestState string) error {
	method, requestID, err := parseRequestToken(requestState)
	if err != nil {
		return err
	}
	if _, err := a.self(ctx, userGUID); err != nil {
		return err
	}
	v, err := a.c.ValidateMyFactor(ctx, client.MyValidateRequest{DeviceID: factorID, RequestID: requestID, OTPCode: otpCode, Method: method})
	if err != nil {
		return err
	}
	if v.Status != "" && !strings.EqualFold(v.Status, client.ValidationSuccess) {
		return fmt.Errorf("the identity domain did not accept the passcode of factor %s: validator status %q", factorID, v.Status)
	}
	return nil
}

func (a *selfServiceAPI) ResendOTP(ctx context.Context, userGUID, factorID, requestState string) (*client.Enrollment, error) {
	method, requestID, err := parseRequestToken(requestState)
	if err != nil {
		return nil, err
	}
	me, err := a.self(ctx, userGUID)
	if err != nil {
		return nil, err
	}
	init, err := a.c.InitiateMyFactor(ctx, client.MyInitiateRequest{DeviceID: factorID, RequestID: requestID, UserName: me.UserName, Method: method})
	if err != nil {
		return nil, err
	}
	return &client.Enrollment{FactorID: factorID, FactorStatus: client.FactorStatusInitiated, Methods: []string{method},
		DisplayName: init.DisplayName, RequestState: requestToken(method, init.RequestID)}, nil
}

func (a *selfServiceAPI) RenameFactor(ctx context.Context, userGUID, factorID, displayName string) error {
	if _, err := a.self(ctx, userGUID); err != nil {
		return err
	}
	return a.c.RenameMyDevice(ctx, factorID, displayName)
}

// DeleteFactor deletes the device without forceDelete: the identity domain refuses to delete
// the caller's only device (client.ErrOnlyDevice), and the provider says so rather than
// forcing it (see hintOnlyDevice).
func (a *selfServiceAPI) DeleteFactor(ctx context.Context, userGUID, factorID string) error {
	if _, err := a.self(ctx, userGUID); err != nil {
		return err
	}
	return a.c.DeleteMyDevice(ctx, factorID, false)
}

func (a *selfServiceAPI) SetPreferredFactor(ctx context.Context, userGUID, factorID, method string) error {
	if _, err := a.self(ctx, userGUID); err != nil {
		return err
	}
	_, err := a.c.SetMyPreferredFactor(ctx, factorID, method)
	return err
}

func firstNonEmptyString(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// selfServicePlanDiagnostics refuses at plan time, naming the attribute, what the factor
// resources cannot do in self-service mode: a user_id that is not the signed-in user,
// skip_verification (the self-service enroller always verifies), and a TOTP device enrolled
// from a known secret (the self-service enroller generates the secret itself and takes none,
// API doc 6.3). A token that is not a user's is refused here too, before anything is created.
// In the administrator's mode it says nothing.
func (r *factorResource) selfServicePlanDiagnostics(ctx context.Context, req resource.ModifyPlanRequest) diag.Diagnostics {
	if r.api == nil || r.api.mode() != selfServiceMode || req.Plan.Raw.IsNull() {
		return nil
	}
	var diags diag.Diagnostics
	creating := req.State.Raw.IsNull()
	if creating && r.kind.method == client.MethodTOTP {
		diags.AddAttributeError(path.Root(attrSharedSecretWO), "TOTP enrollment from a known secret is not possible in self-service mode",
			"idcsmfa_totp_factor enrolls a device from the secret in shared_secret_wo, and the self-service enroller "+
				"(POST /admin/v1/MyAuthenticationFactorEnroller) takes no secret: it generates one and shows it as a QR code. "+
				"Enroll the authenticator app in the identity domain's My Profile > Security > 2-Step Verification page "+
				"and import it (terraform import idcsmfa_totp_factor.<name> <user_id>/<factor_id>), or enroll it from a known "+
				"secret with the administrator's mode (without self_service, with the MFA Client role).")
	}
	var skip types.Bool
	if creating && !req.Plan.GetAttribute(ctx, path.Root(attrSkipVerification), &skip).HasError() && skip.ValueBool() {
		diags.AddAttributeError(path.Root(attrSkipVerification), "skip_verification is not possible in self-service mode",
			"The self-service enroller always sends a passcode, which the user submits (otp_code_wo, or "+
				"idcsmfa_factor_activation): there is no way to enroll a factor unverified as the user. Remove "+
				"skip_verification, or enroll without verification in the administrator's mode (without self_service, "+
				"with the MFA Client role).")
	}
	var userID types.String
	diags.Append(req.Plan.GetAttribute(ctx, path.Root(attrUserID), &userID)...)
	if !known(userID) {
		return diags
	}
	if err := r.api.managesUser(ctx, userID.ValueString()); err != nil {
		var nc *errNotCaller
		switch {
		case errors.As(err, &nc):
			diags.AddAttributeError(path.Root(attrUserID), "user_id is not the signed-in user", capitalize(err.Error())+".")
		case errors.Is(err, client.ErrTokenRefused):
			// A refused sign-in is one error for the whole plan, not one per resource: the first
			// resource to meet it reports it in full, and the plan fails with it.
			if firstReport(err) {
				diags.AddError("The identity domain refused the provider's credentials", fullErrorDetail(err))
			}
		default:
			diags.Append(apiErrorDiagnostic("Could not read the signed-in user (GET /admin/v1/Me)", err))
		}
	}
	return diags
}
