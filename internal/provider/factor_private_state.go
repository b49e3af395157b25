package provider

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Private state keys of the factor resources. Private state is written to the state file
// (base64, outside the attributes), so it is still a secret: it holds only what the next
// operation needs and is cleared as soon as the factor is enrolled.
const (
	privateKeyEnrollment = "enrollment"
	// privateKeyImported marks a factor that came in through import: its creation-time
	// inputs (skip_verification, the phone number) cannot be read back from the service.
	privateKeyImported = "imported"
)

// requestStateMaxAge is the service's default requestState lifetime. Older ones are treated
// as probably expired when planning.
const requestStateMaxAge = 10 * time.Minute

// enrollmentPrivate is what a pending factor needs to finish or resend: the latest
// requestState the service returned.
type enrollmentPrivate struct {
	RequestState string    `json:"requestState"`
	IssuedAt     time.Time `json:"issuedAt"`
}

func (e enrollmentPrivate) usable() bool { return e.RequestState != "" }

func (e enrollmentPrivate) olderThan(now time.Time, d time.Duration) bool {
	return e.IssuedAt.IsZero() || now.Sub(e.IssuedAt) > d
}

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

type privateStore interface {
	privateGetter
	privateSetter
}

// readEnrollment returns the stored enrollment, or a zero value when there is none or it
// cannot be decoded (treated like a missing one: the enrollment is restarted).
func readEnrollment(ctx context.Context, p privateGetter) (enrollmentPrivate, diag.Diagnostics) {
	var e enrollmentPrivate
	if p == nil {
		return e, nil
	}
	raw, diags := p.GetKey(ctx, privateKeyEnrollment)
	if diags.HasError() || len(raw) == 0 {
		return enrollmentPrivate{}, diags
	}
	if json.Unmarshal(raw, &e) != nil {
		return enrollmentPrivate{}, diags
	}
	return e, diags
}

func writeEnrollment(ctx context.Context, p privateSetter, requestState string, now time.Time) diag.Diagnostics {
	if requestState == "" {
		return clearEnrollment(ctx, p)
	}
	raw, err := json.Marshal(enrollmentPrivate{RequestState: requestState, IssuedAt: now.UTC()})
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Could not save the enrollment's private state", "Encoding failed: "+err.Error())
		return diags
	}
	return p.SetKey(ctx, privateKeyEnrollment, raw)
}

// clearEnrollment drops the requestState: a setter given an empty value removes the key.
func clearEnrollment(ctx context.Context, p privateSetter) diag.Diagnostics {
	return p.SetKey(ctx, privateKeyEnrollment, nil)
}

func markImported(ctx context.Context, p privateSetter) diag.Diagnostics {
	return p.SetKey(ctx, privateKeyImported, []byte(`true`))
}

func isImported(ctx context.Context, p privateGetter) bool {
	if p == nil {
		return false
	}
	raw, diags := p.GetKey(ctx, privateKeyImported)
	return !diags.HasError() && string(raw) == "true"
}

// hasEnrollment reports whether a pending enrollment's requestState is stored.
func hasEnrollment(ctx context.Context, p privateGetter) bool {
	e, _ := readEnrollment(ctx, p)
	return e.usable()
}
