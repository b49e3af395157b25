package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// attrTakeOverPending opts a create in to restarting a pending enrollment of the same device.
const attrTakeOverPending = "take_over_pending_enrollment"

// roleUserAdministrator is the app role that reads users' SCIM records, where pending
// factors are seen with their method and device (the MFA API lists enrolled factors only).
const roleUserAdministrator = "User Administrator"

// pendingCheck is what a create learnt about pending enrollments of its device before sending
// anything: the service restarts such an enrollment under the same factor id, a new passcode
// and a new requestState (ARCHITECTURE.md decision 3), which voids the passcode its owner
// (another workspace, a person) holds and makes two owners of one factor.
type pendingCheck struct {
	// found are the user's pending factors of this kind that can be this device.
	found []client.MFADevice
	// unchecked says why the user's devices could not be read ("" when they were).
	unchecked string
	// before are the ids of all the user's devices seen, pending and enrolled (nil when they
	// could not be read): a look-up after a lost answer never takes one as the create's factor.
	before []string
}

// sharedDevices is the user's devices for a create's check, from the read the user's creates
// share (factor_device_reads.go), with the user's turn: release it with what the create
// enrolled.
func (r *passcodeFactorResource) sharedDevices(ctx context.Context, userID string) ([]client.MFADevice, deviceRelease, error) {
	if r.listings == nil || r.listings.devices == nil {
		devices, err := r.api.UserDevices(ctx, userID)
		return devices, func(*client.MFADevice, bool) {}, err
	}
	return r.listings.devices.take(ctx, userID, r.api.UserDevices)
}

// checkPendingDevice looks at the user's SCIM devices before an enrollment and refuses, unless
// take_over_pending_enrollment is set, to restart a pending enrollment of the same device.
// When the devices cannot be read for want of the role, the create goes on with a warning
// naming the role: refusing every create of a least-privilege setup (MFA Client only) would
// break it, while a warning leaves the choice, and the way to make the check work, with the
// user. Any other failure of the lookup stops the create before anything is sent. It
// reports whether the create may go on.
func (r *passcodeFactorResource) checkPendingDevice(ctx context.Context, userID string, m passcodeFactorModel,
	takeOver bool, devices []client.MFADevice, err error, diags *diag.Diagnostics) (pendingCheck, bool) {
	var pc pendingCheck
	switch {
	case errors.Is(err, client.ErrForbidden) || errors.Is(err, client.ErrUnauthorized):
		pc.unchecked = "reading the user's devices (GET /admin/v1/Users/" + userID + ") was refused (" + serviceErrorText(err) + ")"
		if !takeOver {
			diags.AddWarning("Could not check for a pending enrollment of this "+r.deviceWord(),
				fmt.Sprintf("Before enrolling the %s factor of user %s, Terraform looks for a pending enrollment of the "+
					"same %s (another workspace's, or one the person started), which the enrollment would restart, "+
					"voiding the passcode sent for it. The MFA API does not list pending factors, and %s. Grant the "+
					"confidential application the %s app role so that the check can run; until then, enrolling a "+
					"device someone else is enrolling restarts their enrollment unnoticed.",
					r.kind.label, userID, r.deviceWord(), pc.unchecked, roleUserAdministrator))
		}
		return pc, true
	case errors.Is(err, client.ErrNotFound):
		// No such user: the enrollment's own answer (AUTH-3018) says so, with its hint.
		return pc, true
	case err != nil && ctx.Err() != nil:
		// Terraform is stopping (Ctrl-C, a cancelled job): the enrollment was never sent.
		diags.AddError(fmt.Sprintf("Interrupted: the %s factor of user %s was not enrolled", r.kind.label, userID),
			"Terraform was stopping before the enrollment request was sent, so nothing was created on the identity "+
				"domain and nothing needs cleaning up. Apply again to enroll it.")
		return pc, false
	case err != nil:
		diags.Append(apiErrorDiagnostic(fmt.Sprintf("Could not check for a pending enrollment of the %s factor of user %s",
			r.kind.label, userID), err))
		return pc, false
	}
	pc.before = make([]string, 0, len(devices))
	for _, d := range devices {
		pc.before = append(pc.before, d.Value)
		if strings.EqualFold(d.FactorType, r.kind.method) && devicePending(d) && m.identifies(d.Display) {
			pc.found = append(pc.found, d)
		}
	}
	if len(pc.found) == 0 || takeOver {
		return pc, true
	}
	diags.AddAttributeError(path.Root(attrTakeOverPending), "A pending enrollment of this device already exists",
		r.pendingExistsDetail(userID, pc.found))
	return pc, false
}

// devicePending reports whether a SCIM device is still being enrolled.
func devicePending(d client.MFADevice) bool {
	return !strings.EqualFold(d.FactorStatus, client.FactorStatusEnrolled) && !strings.EqualFold(d.Status, client.FactorStatusEnrolled)
}

func (r *passcodeFactorResource) deviceWord() string {
	if r.kind.method == client.MethodSMS {
		return "phone number"
	}
	return r.kind.label + " address"
}

// pendingExistsDetail explains the refusal: whose the enrollment may be, who to ask, the
// import block that adopts it, and the opt-in that takes it over.
func (r *passcodeFactorResource) pendingExistsDetail(userID string, found []client.MFADevice) string {
	var b strings.Builder
	fmt.Fprintf(&b, "User %s already has a pending (ENROLLMENT_INITIATED) %s factor for this %s. Enrolling it again "+
		"would restart that enrollment under the same factor id and send a new passcode, so the passcode already sent "+
		"for it would stop working, and two owners would manage one factor (destroying one would delete the other's). "+
		"It may be another Terraform workspace's, an enrollment the person started in the identity domain's pages, or "+
		"one an earlier, interrupted apply of this configuration left behind.\n\n", userID, r.kind.label, r.deviceWord())
	if r.kind.method == client.MethodSMS {
		b.WriteString("(The identity domain shows only a masked number, so it may also be another number with the same " +
			"visible digits; then taking it over, below, enrolls this number as a new factor and leaves the other " +
			"one alone.)\n\n")
	}
	if len(found) == 1 {
		b.WriteString("If it is this configuration's (an interrupted apply's, say), adopt it. ")
		b.WriteString(importBlockText(r.kind, userID, client.Factor{FactorID: found[0].Value, DisplayName: found[0].Display}))
	} else {
		ids := make([]string, 0, len(found))
		for _, d := range found {
			ids = append(ids, d.Value+" ("+d.Display+")")
		}
		fmt.Fprintf(&b, "Several pending factors can be this device: %s. If one is this configuration's, import it with "+
			"an import {} block whose id is \"%s/<factor_id>\".", strings.Join(ids, ", "), userID)
	}
	fmt.Fprintf(&b, "\n\nOtherwise ask whoever started it (the person, or the owners of the other workspace or "+
		"pipeline) to finish or delete it, or, to take it over, set %s = true in this resource and apply again: the "+
		"enrollment restarts, a new passcode is sent to the device, and the passcode its previous owner holds no longer "+
		"works.", attrTakeOverPending)
	return b.String()
}

// takenOverWarning follows a create that restarted pending enrollments on purpose.
func (r *passcodeFactorResource) takenOverWarning(factorID string, found []client.MFADevice, diags *diag.Diagnostics) {
	for _, d := range found {
		if d.Value != factorID {
			continue
		}
		diags.AddWarning("Pending enrollment taken over",
			fmt.Sprintf("%s is true and the user already had a pending enrollment of this %s (factor %s): it was "+
				"restarted, so a new passcode was sent and the passcode sent for it before no longer works. Tell whoever "+
				"started it that Terraform now manages factor %s.", attrTakeOverPending, r.deviceWord(), factorID, factorID))
	}
}
