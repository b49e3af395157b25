package provider

import (
	"os"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// cliProcessEnv tunes the Go runtime of the terraform CLI processes that terraform-plugin-testing
// starts (issue 26). A run starts about 2,650 of them per CLI, each living a fraction of a second
// and spending most of its CPU starting: the garbage collector runs during the package inits and
// idle Ps spin, on a 2-core machine already running a dozen tests. Without a collector below
// 512 MiB and with one P, the same tests took 16% less CPU (BENCHMARKS.md, issue 26). Only
// the children read it: the test binary's runtime read its own settings at start, and the
// provider under test runs inside the test binary. A variable set by whoever runs the tests wins.
var cliProcessEnv = [][2]string{{"GOGC", "off"}, {"GOMEMLIMIT", "512MiB"}, {"GOMAXPROCS", "1"}}

// TestMain turns the client's pace cache off for the package's tests: an emulator's port is
// reused by later tests, which must not start paced by what an earlier one's 429s taught, and
// no test writes to the user's cache. The tests of the cache give it a directory of their own.
// It also tunes the CLI processes' runtime (cliProcessEnv), puts the script that answers what
// the CLI already said in front of the CLI (withCLIAnswerScript), and removes the provider
// binary the CLI-driven tests share (buildProviderBinary).
func TestMain(m *testing.M) {
	if err := os.Setenv(client.PaceCacheEnv, "off"); err != nil {
		panic(err)
	}
	for _, kv := range cliProcessEnv {
		if _, set := os.LookupEnv(kv[0]); set {
			continue
		}
		if err := os.Setenv(kv[0], kv[1]); err != nil {
			panic(err)
		}
	}
	cleanup, err := withCLIAnswerScript()
	if err != nil {
		panic(err)
	}
	code := m.Run()
	cleanup()
	removeProviderBinary()
	os.Exit(code)
}
