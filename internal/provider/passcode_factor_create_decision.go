package provider

// The decision of a passcode factor's create (SMS, e-mail): one pure function from what is
// known before anything is sent (the configuration's take-over opt-in, what the user's
// devices showed, the domain's device limit) to one outcome, which passcode_factor_create.go
// carries out. After a pending enrollment, decideSimultaneous (passcode_factor_simultaneous.go)
// decides whether another apply enrolled the same device at the same moment. The rows are in
// ARCHITECTURE.md ("What an apply of a passcode factor does"); each has a case in
// TestDecidePasscodeCreate.

// deviceLookup is what became of the read of the user's devices before the create.
type deviceLookup int

const (
	// lookupRead: the user's devices were read (or shared from this apply's read).
	lookupRead deviceLookup = iota
	// lookupRefused: the token may not read users (the role is missing); nothing was checked.
	lookupRefused
	// lookupNoUser: no such user; the enrollment's own answer (AUTH-3018) says so, with its hint.
	lookupNoUser
	// lookupInterrupted: Terraform was stopping before anything was sent.
	lookupInterrupted
	// lookupFailed: any other failure of the read.
	lookupFailed
)

// createFacts is what a create knows before it sends anything.
type createFacts struct {
	takeOver bool // take_over_pending_enrollment
	lookup   deviceLookup
	// pending is how many of the user's pending factors of this kind can be this device;
	// pendingHere says that every one of them was enrolled earlier in this apply (another
	// resource of the same configuration).
	pending     int
	pendingHere bool
	// deviceLimit is the domain's maxEnrolledDevices (0: none, or not read); enrolled counts
	// the user's enrolled devices, those this apply enrolled before included.
	deviceLimit int
	enrolled    int
}

// createOutcome is what a create does.
type createOutcome int

const (
	// createEnroll: the enrollment is sent (E3); a new factor, or, after a lost answer, the
	// client's own restart.
	createEnroll createOutcome = iota
	// createTakeOver: a pending enrollment of the device is restarted on purpose (warns).
	createTakeOver
	// createRefuse: nothing is sent; the create fails saying why.
	createRefuse
)

// createRefusal is why a create sends nothing.
type createRefusal int

const (
	_ createRefusal = iota // no refusal
	refuseInterrupted
	refuseLookupFailed
	// refusePendingHere: another resource of this apply enrolled the device a moment ago.
	refusePendingHere
	// refusePendingElsewhere: a pending enrollment of the device exists (another workspace's,
	// the person's, or an interrupted apply's).
	refusePendingElsewhere
	// refuseDeviceLimit: the user has the domain's maximum of enrolled devices, counting those
	// this apply enrolled before (the plan-time check saw each new factor alone).
	refuseDeviceLimit
)

// createDecision is the outcome, why it refuses, and whether the create warns that the
// pending check could not run.
type createDecision struct {
	outcome       createOutcome
	refusal       createRefusal
	warnUnchecked bool
}

// decidePasscodeCreate maps what a create knows to one outcome.
func decidePasscodeCreate(f createFacts) createDecision {
	refuse := func(why createRefusal) createDecision { return createDecision{outcome: createRefuse, refusal: why} }
	switch f.lookup {
	case lookupInterrupted:
		return refuse(refuseInterrupted)
	case lookupFailed:
		return refuse(refuseLookupFailed)
	case lookupRefused:
		// Refusing every create of a least-privilege setup would break it; the warning leaves
		// the choice, and the way to make the check work, with the user.
		return createDecision{outcome: createEnroll, warnUnchecked: !f.takeOver}
	case lookupNoUser:
		return createDecision{outcome: createEnroll}
	}
	switch {
	case f.pending > 0 && !f.takeOver && f.pendingHere:
		return refuse(refusePendingHere)
	case f.pending > 0 && !f.takeOver:
		return refuse(refusePendingElsewhere)
	case f.pending > 0:
		// A restart adds no device: the limit does not apply.
		return createDecision{outcome: createTakeOver}
	case f.deviceLimit > 0 && f.enrolled >= f.deviceLimit:
		return refuse(refuseDeviceLimit)
	}
	return createDecision{outcome: createEnroll}
}
