package provider

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// checkEmulatorFactor asks the emulator for the factor's real status, pending ones included.
func checkEmulatorFactor(env *testEnv, userID string, factorID *string, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if env.Emulator == nil {
			return nil
		}
		for _, f := range env.Emulator.Factors(userID) {
			if f.ID == *factorID {
				if f.Status != want {
					return fmt.Errorf("factor %s is %s on the server, want %s", f.ID, f.Status, want)
				}
				return nil
			}
		}
		return fmt.Errorf("factor %s not on the server", *factorID)
	}
}

// countEmulatorFactors checks how many factors the user has on the server.
func countEmulatorFactors(env *testEnv, userID string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if env.Emulator == nil {
			return nil
		}
		if got := len(env.Emulator.Factors(userID)); got != want {
			return fmt.Errorf("user %s has %d factors on the server, want %d", userID, got, want)
		}
		return nil
	}
}

// acctestClock is a clock the tests move to expire requestStates in the emulator.
type acctestClock struct {
	mu  sync.Mutex
	now time.Time
}

func newAcctestClock() *acctestClock { return &acctestClock{now: time.Now()} }

func (c *acctestClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *acctestClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func withClock(c *acctestClock) func(*emulator.Config) {
	return func(cfg *emulator.Config) { cfg.Now = c.Now }
}

// checkMessages checks how many passcodes the emulator sent to the user.
func checkMessages(env *testEnv, userID string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if env.Emulator == nil {
			return nil
		}
		if got := len(env.Emulator.Messages(userID)); got != want {
			return fmt.Errorf("user %s got %d passcodes, want %d", userID, got, want)
		}
		return nil
	}
}

// checkRecordedSecrets makes sure the secret recorder saw something, so that
// checkNoSecretsInState cannot pass vacuously.
func checkRecordedSecrets(env *testEnv) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if env.Emulator != nil && len(env.secrets.values()) == 0 {
			return fmt.Errorf("no requestState was recorded from the emulator's answers")
		}
		return nil
	}
}

// expectErr matches an error whose text contains the parts in order. Terraform wraps long
// diagnostics, so every space in a part matches any run of whitespace.
func expectErr(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(p), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
