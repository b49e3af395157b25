package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Private state of the factor resources. Private state is written to the state file (base64,
// outside the attributes), so it is still a secret. The passcode factors' record of a pending
// enrollment is in passcode_factor_pending_record.go.

// privateKeyImported marks a factor that came in through import: its creation-time inputs
// (skip_verification, the phone number) cannot be read back from the service.
const privateKeyImported = "imported"

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
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
