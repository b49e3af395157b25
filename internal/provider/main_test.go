package provider

import (
	"os"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// TestMain turns the client's pace cache off for the package's tests: an emulator's port is
// reused by later tests, which must not start paced by what an earlier one's 429s taught, and
// no test writes to the user's cache. The tests of the cache give it a directory of their own.
func TestMain(m *testing.M) {
	if err := os.Setenv(client.PaceCacheEnv, "off"); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}
