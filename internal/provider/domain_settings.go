package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// settingsReaderRole is the app role Oracle documents as reading the domain's MFA settings
// (the AppRole table: Security Administrator, AuthenticationFactorSettings). Identity Domain
// Administrator reads them too.
const settingsReaderRole = "Security Administrator"

// settingsReader is the one client call the settings need (a fake in unit tests).
type settingsReader interface {
	GetAuthenticationFactorSettings(ctx context.Context) (*client.AuthenticationFactorSettings, error)
}

// domainSettings reads the identity domain's MFA settings (AuthenticationFactorSettings) at
// most once per provider process, and only when an object asks: the plan-time checks of a
// new factor and the idcsmfa_mfa_settings data source. A plan of unchanged factors never
// asks. The answer, or the refusal, is kept for the life of the process: the policy does not
// change during a run, and a token that may not read it will not be given the role mid-run.
type domainSettings struct {
	reader settingsReader

	mu       sync.Mutex
	done     bool // settings or err is the answer for the rest of the process
	settings *client.AuthenticationFactorSettings
	err      error

	warnOnce sync.Once
}

func newDomainSettings(r settingsReader) *domainSettings {
	return &domainSettings{reader: r}
}

// read returns the settings or the error of the read. The settings and a refusal of the
// token (401, 403: the role is missing) are kept for the rest of the process; another
// failure (no answer, 5xx after retries) is not, so that the next object asks again.
// Concurrent callers wait for the one read in flight.
func (d *domainSettings) read(ctx context.Context) (*client.AuthenticationFactorSettings, error) {
	if d == nil || d.reader == nil {
		return nil, errors.New("the provider is not configured")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done {
		return d.settings, d.err
	}
	// The answer serves every later caller, so one caller's cancellation must not fail them.
	s, err := d.reader.GetAuthenticationFactorSettings(context.WithoutCancel(ctx))
	if err == nil || errors.Is(err, client.ErrForbidden) || errors.Is(err, client.ErrUnauthorized) {
		d.done, d.settings, d.err = true, s, err
	}
	return s, err
}

// cached returns the settings when this process has already read them, without asking the
// service: for texts that quote them only if they are at hand (nil otherwise).
func (d *domainSettings) cached() *client.AuthenticationFactorSettings {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done && d.err == nil {
		return d.settings
	}
	return nil
}

// forPlan returns the settings for a plan-time check, or nil when they cannot be read: the
// check is then skipped (the provider behaves as before it read settings), and the first
// caller in the process gets the one warning that says why and names the role.
func (d *domainSettings) forPlan(ctx context.Context) (*client.AuthenticationFactorSettings, diag.Diagnostics) {
	s, err := d.read(ctx)
	if err == nil {
		return s, nil
	}
	var diags diag.Diagnostics
	d.warnOnce.Do(func() {
		diags.AddWarning("The identity domain's MFA settings could not be read: plan-time checks skipped",
			fmt.Sprintf("Reading the domain's MFA settings (GET /admin/v1/AuthenticationFactorSettings) failed: %s. %s\n\n"+
				"Without them, Terraform does not check new factors at plan time against the domain's policy (enabled "+
				"factors, the TOTP period, digits and algorithm, the device limit): a factor the policy refuses fails at "+
				"apply instead, and idcsmfa_totp_factor uses the period, digits and algorithm of its configuration (default "+
				"30 seconds, 6 digits, SHA1). This warning is shown once per provider process: a plan and its apply each show it.", serviceErrorText(err), settingsRoleHint(err)))
	})
	return nil, diags
}

// settingsRoleHint says which role reads the settings when the error is the token's lack of it.
func settingsRoleHint(err error) string {
	if errors.Is(err, client.ErrForbidden) || errors.Is(err, client.ErrUnauthorized) {
		return "Reading them needs the " + settingsReaderRole + " app role (or Identity Domain Administrator) on the " +
			"confidential application; in self-service mode the signed-in user must hold that administrator role too."
	}
	return "Reading them needs the " + settingsReaderRole + " app role (or Identity Domain Administrator)."
}
