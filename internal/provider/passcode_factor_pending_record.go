package provider

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// The private record of a pending passcode factor (SMS, e-mail): what the next submission or
// resend needs. It is one type, read once (readPendingRecord) and written once
// (writePendingRecord) per operation, and cleared as soon as the factor is enrolled. Private
// state is written to the state file (base64, outside the attributes), so it is still a
// secret: it holds only what the next operation needs.

// privateKeyEnrollment is the record's key.
const privateKeyEnrollment = "enrollment"

// privateKeyResendLost is where releases before the record held ResendLost; it is read once
// for such states and cleared by the next write.
const privateKeyResendLost = "resendLost"

// requestStateMaxAge is the service's default requestState lifetime. Older ones are treated
// as probably expired when planning, and a refusal of one as expiry.
const requestStateMaxAge = 10 * time.Minute

// pendingRecord is what a pending factor needs to finish or resend.
type pendingRecord struct {
	// RequestState is the latest requestState the service returned ("" when none is held:
	// imported, or lost).
	RequestState string    `json:"requestState"`
	IssuedAt     time.Time `json:"issuedAt"`
	// ResendLost marks a record whose own resend lost its answer: the service may have
	// replaced RequestState with one that never arrived, so a refusal of it (AUTH-1120) is
	// then no sign that someone else restarted the enrollment.
	ResendLost bool `json:"resendLost,omitempty"`
}

// enrollmentPrivate is the record under its earlier name, for the tests of private state.
type enrollmentPrivate = pendingRecord

func (e pendingRecord) usable() bool { return e.RequestState != "" }

func (e pendingRecord) olderThan(now time.Time, d time.Duration) bool {
	return e.IssuedAt.IsZero() || now.Sub(e.IssuedAt) > d
}

// newPendingRecord is the record of a requestState just answered.
func newPendingRecord(requestState string, now time.Time) pendingRecord {
	if requestState == "" {
		return pendingRecord{}
	}
	return pendingRecord{RequestState: requestState, IssuedAt: now.UTC()}
}

// readPendingRecord returns the stored record, or a zero one when there is none or it cannot
// be decoded (treated like a missing one: the enrollment is restarted).
func readPendingRecord(ctx context.Context, p privateGetter) (pendingRecord, diag.Diagnostics) {
	var e pendingRecord
	if p == nil {
		return e, nil
	}
	raw, diags := p.GetKey(ctx, privateKeyEnrollment)
	if diags.HasError() || len(raw) == 0 || json.Unmarshal(raw, &e) != nil {
		return pendingRecord{}, diags
	}
	if legacy, d := p.GetKey(ctx, privateKeyResendLost); !d.HasError() && string(legacy) == "true" {
		e.ResendLost = true
	}
	return e, diags
}

// writePendingRecord stores the record; a record without a requestState removes it.
func writePendingRecord(ctx context.Context, p privateSetter, e pendingRecord) diag.Diagnostics {
	diags := p.SetKey(ctx, privateKeyResendLost, nil)
	if !e.usable() {
		return append(diags, p.SetKey(ctx, privateKeyEnrollment, nil)...)
	}
	raw, err := json.Marshal(e)
	if err != nil {
		diags.AddError("Could not save the enrollment's private state", "Encoding failed: "+err.Error())
		return diags
	}
	return append(diags, p.SetKey(ctx, privateKeyEnrollment, raw)...)
}

// readEnrollment is readPendingRecord, for readers of the requestState alone.
func readEnrollment(ctx context.Context, p privateGetter) (pendingRecord, diag.Diagnostics) {
	return readPendingRecord(ctx, p)
}

// writeEnrollment records a requestState just answered.
func writeEnrollment(ctx context.Context, p privateSetter, requestState string, now time.Time) diag.Diagnostics {
	return writePendingRecord(ctx, p, newPendingRecord(requestState, now))
}

// clearEnrollment drops the record: the factor is enrolled (or gone).
func clearEnrollment(ctx context.Context, p privateSetter) diag.Diagnostics {
	return writePendingRecord(ctx, p, pendingRecord{})
}

// hasEnrollment reports whether a pending enrollment's requestState is stored.
func hasEnrollment(ctx context.Context, p privateGetter) bool {
	e, _ := readPendingRecord(ctx, p)
	return e.usable()
}
