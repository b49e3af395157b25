package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// createFacts gathers what a create knows before it sends anything, from the user's devices
// (devices, or the error of reading them) and, when this apply already enrolled devices for
// the user, the domain's device limit: the plan-time check saw each new factor alone, and
// only the creates of the same apply can have changed the count since. It reads nothing else.
func (r *passcodeFactorResource) createFacts(ctx context.Context, userID string, m passcodeFactorModel,
	takeOver bool, devices []client.MFADevice, err error) (pendingCheck, createFacts) {
	var pc pendingCheck
	f := createFacts{takeOver: takeOver}
	switch {
	case (errors.Is(err, client.ErrForbidden) || errors.Is(err, client.ErrUnauthorized)) &&
		!errors.Is(err, client.ErrTokenRefused) && !errors.Is(err, client.ErrUnreachable):
		// The role is missing; refused credentials or an unreachable domain stop the create.
		pc.unchecked = "reading the user's devices (GET /admin/v1/Users/" + userID + ") was refused (" + serviceErrorText(err) + ")"
		f.lookup = lookupRefused
		return pc, f
	case errors.Is(err, client.ErrNotFound):
		f.lookup = lookupNoUser
		return pc, f
	case err != nil && ctx.Err() != nil:
		f.lookup = lookupInterrupted
		return pc, f
	case err != nil:
		f.lookup = lookupFailed
		return pc, f
	}
	f.lookup = lookupRead
	pc.before = make([]string, 0, len(devices))
	enrolledHere := 0
	for _, d := range devices {
		pc.before = append(pc.before, d.Value)
		if strings.EqualFold(d.FactorType, r.kind.method) && devicePending(d) && m.identifies(d.Display) {
			pc.found = append(pc.found, d)
		}
		if !devicePending(d) && slices.ContainsFunc(deviceMethods, func(x string) bool { return strings.EqualFold(x, d.FactorType) }) {
			f.enrolled++
			if r.listings != nil && r.listings.devices != nil && r.listings.devices.enrolledHere(userID, d.Value) {
				enrolledHere++
			}
		}
	}
	f.pending, f.pendingHere = len(pc.found), len(pc.found) > 0 && r.allEnrolledHere(userID, pc.found)
	if enrolledHere > 0 {
		// At most one settings read per process (shared with the plan-time checks).
		if s, serr := r.policy.read(ctx); serr == nil && s != nil {
			f.deviceLimit = s.MaxEnrolledDevices
		}
	}
	return pc, f
}

// createRefusalDiagnostic says why a create sent nothing (decidePasscodeCreate's refusal).
func (r *passcodeFactorResource) createRefusalDiagnostic(why createRefusal, userID string, pc pendingCheck, f createFacts, lookErr error) diag.Diagnostic {
	switch why {
	case refuseInterrupted:
		return diag.NewErrorDiagnostic(fmt.Sprintf("Interrupted: the %s factor of user %s was not enrolled", r.kind.label, userID),
			"Terraform was stopping before the enrollment request was sent, so nothing was created on the identity "+
				"domain and nothing needs cleaning up. Apply again to enroll it.")
	case refuseLookupFailed:
		return apiErrorDiagnostic(fmt.Sprintf("Could not check for a pending enrollment of the %s factor of user %s",
			r.kind.label, userID), lookErr)
	case refusePendingHere:
		return diag.NewAttributeErrorDiagnostic(path.Root(attrTakeOverPending), "Another resource of this configuration enrolls the same "+r.deviceWord(),
			fmt.Sprintf("Earlier in this apply, another resource enrolled the %s factor of user %s for this %s (factor %s), "+
				"which is still pending. One device can be managed by one resource only: enrolling it again would restart "+
				"that enrollment and void the passcode just sent for it. Remove one of the two resources from the "+
				"configuration (or give it another %s); nothing was sent for this one.",
				r.kind.label, userID, r.deviceWord(), pc.found[0].Value, r.deviceWord()))
	case refusePendingElsewhere:
		return diag.NewAttributeErrorDiagnostic(path.Root(attrTakeOverPending), "A pending enrollment of this device already exists",
			r.pendingExistsDetail(userID, pc.found))
	case refuseDeviceLimit:
		return diag.NewAttributeErrorDiagnostic(path.Root(attrUserID), "The user has the domain's maximum of enrolled devices",
			fmt.Sprintf("User %s has %d enrolled devices, counting those this apply enrolled a moment ago, and the identity "+
				"domain allows at most %d (maxEnrolledDevices, max_enrolled_devices of the idcsmfa_mfa_settings data source): "+
				"enrolling %s factor would be refused, so nothing was sent. The plan checked each new factor against the "+
				"devices the user had then; together, this configuration's new factors for the user exceed the limit. "+
				"Remove some of them, delete one of the user's devices, or raise the limit in the domain (Security > MFA), "+
				"then apply again.", userID, f.enrolled, f.deviceLimit, r.kind.aLabel()))
	}
	return nil
}

// uncheckedWarning follows a create whose pending check could not read the user's devices.
func (r *passcodeFactorResource) uncheckedWarning(userID string, pc pendingCheck) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Could not check for a pending enrollment of this "+r.deviceWord(),
		fmt.Sprintf("Before enrolling the %s factor of user %s, Terraform looks for a pending enrollment of the "+
			"same %s (another workspace's, or one the person started), which the enrollment would restart, "+
			"voiding the passcode sent for it. The MFA API does not list pending factors, and %s. Grant the "+
			"confidential application the %s app role so that the check can run; until then, enrolling a "+
			"device someone else is enrolling restarts their enrollment unnoticed.",
			r.kind.label, userID, r.deviceWord(), pc.unchecked, roleUserAdministrator))
}

// allEnrolledHere reports whether every pending device found was enrolled by this provider
// process, that is by another resource of the same apply.
func (r *passcodeFactorResource) allEnrolledHere(userID string, found []client.MFADevice) bool {
	if r.listings == nil || r.listings.devices == nil {
		return false
	}
	for _, d := range found {
		if !r.listings.devices.enrolledHere(userID, d.Value) {
			return false
		}
	}
	return true
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
