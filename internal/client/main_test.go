package client

import (
	"os"
	"testing"
)

// TestMain turns the pace cache off for the package's tests: a test that meets 429s must not
// leave what it learned in the user's cache, nor a later test on a reused port start paced.
// Tests of the cache give it a directory of their own.
func TestMain(m *testing.M) {
	if err := os.Setenv(PaceCacheEnv, "off"); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}
