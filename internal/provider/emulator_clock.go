//go:build idcsmfa_emulator_clock

package provider

// Only in builds with the idcsmfa_emulator_clock tag, which the tests that run the provider as
// a plugin binary against the emulator make (the examples, and the acceptance tests that drive
// the terraform CLI themselves): TOTP codes are computed at the emulator's time, read from
// GET /emulator/v1/clock, and the wait for a fresh time step moves that clock forward (POST
// /emulator/v1/clock) instead of waiting (issue 26: no test waits for the wall clock). The
// in-process acceptance tests set testClockFor themselves. A release build (make build,
// make install, goreleaser) has no tag, so nothing a user configures can shift the codes the
// provider computes.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

func init() {
	if testClockFor == nil {
		testClockFor = func(host string) client.Clock { return emulatorClock{base: strings.TrimRight(host, "/")} }
	}
}

// emulatorClock is the clock of the emulator at base.
type emulatorClock struct{ base string }

var emulatorClockHTTP = &http.Client{Timeout: 10 * time.Second}

// Now is the emulator's time. A host that does not answer /emulator/v1/clock is no emulator
// of ours: the real clock then, so that the build still verifies against anything else.
func (c emulatorClock) Now() time.Time {
	var body struct {
		Now time.Time `json:"now"`
	}
	if err := c.call(context.Background(), http.MethodGet, nil, &body); err != nil || body.Now.IsZero() {
		return time.Now()
	}
	return body.Now
}

// Sleep moves the emulator's clock forward by d at once; against anything else it waits.
func (c emulatorClock) Sleep(ctx context.Context, d time.Duration) error {
	in, _ := json.Marshal(map[string]string{"advance": d.String()})
	if err := c.call(ctx, http.MethodPost, in, nil); err != nil {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
	return ctx.Err()
}

func (c emulatorClock) call(ctx context.Context, method string, in []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/emulator/v1/clock", bytes.NewReader(in))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := emulatorClockHTTP.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s /emulator/v1/clock: HTTP %d", method, resp.StatusCode)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
