package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The terraform CLI the acceptance tests run, behind a recorded answer to `version -json` (issue 26).
//
// terraform-plugin-testing v1.16.0 runs `terraform version -json` twice for every TestCase: once
// for its helper (plugintest.InitHelper) and once for terraform-exec's compatibility check in
// the case's working directory, with no option to reuse the answer. That is over 330 launches
// of a 90-120 MB binary per CLI, a tenth of the suite's terraform processes, each costing about
// 0.1 CPU-s to start (BENCHMARKS.md, issue 26), to print the same bytes every time.
//
// withRecordedVersion asks the CLI once, then points TF_ACC_TERRAFORM_PATH at a /bin/sh
// script of the same name (OpenTofu is recognised by its binary's name) that prints the
// recorded answer to exactly `version -json` and execs the real binary, same arguments,
// environment, standard streams and process, for anything else: every plan, apply, show,
// init and destroy is still the real CLI's, and so is the version the tests see.

// versionAnswerScript is the script: the recorded JSON and the real binary, shell-quoted.
func versionAnswerScript(answer []byte, realBin string) string {
	return "#!/bin/sh\n" +
		"# Written by the acceptance tests' TestMain (internal/provider/cli_version_answer_test.go).\n" +
		`if [ "$#" -eq 2 ] && [ "$1" = version ] && [ "$2" = -json ]; then` + "\n" +
		"  printf '%s\\n' " + shellQuote(string(bytes.TrimSpace(answer))) + "\n" +
		"  exit 0\n" +
		"fi\n" +
		"exec " + shellQuote(realBin) + ` "$@"` + "\n"
}

// shellQuote quotes s for /bin/sh: in single quotes, each single quote of s closed, escaped and reopened.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// withRecordedVersion installs the script when the acceptance tests run (TF_ACC set) and the
// CLI answers `version -json` with a terraform_version; otherwise it leaves the environment
// alone and the tests run the CLI as they find it. It returns what removes the script.
func withRecordedVersion() (cleanup func(), err error) {
	nothing := func() {}
	if os.Getenv("TF_ACC") == "" {
		return nothing, nil
	}
	realBin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if realBin == "" {
		// terraform-plugin-testing looks on PATH then; so does checkTerraformCLI.
		found, err := exec.LookPath("terraform")
		if err != nil {
			return nothing, nil
		}
		realBin = found
	}
	if realBin, err = filepath.Abs(realBin); err != nil {
		return nothing, fmt.Errorf("the terraform CLI's path: %w", err)
	}
	answer, err := exec.Command(realBin, "version", "-json").Output()
	if err != nil {
		// The tests' own precheck reports a CLI that does not run, with its version rule.
		return nothing, nil
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if json.Unmarshal(answer, &v) != nil || v.TerraformVersion == "" {
		return nothing, nil
	}
	dir, err := os.MkdirTemp("", "idcsmfa-cli-")
	if err != nil {
		return nothing, fmt.Errorf("a directory for the terraform CLI script: %w", err)
	}
	script := filepath.Join(dir, filepath.Base(realBin))
	if err := os.WriteFile(script, []byte(versionAnswerScript(answer, realBin)), 0o755); err != nil {
		_ = os.RemoveAll(dir)
		return nothing, fmt.Errorf("writing the terraform CLI script: %w", err)
	}
	if err := os.Setenv("TF_ACC_TERRAFORM_PATH", script); err != nil {
		_ = os.RemoveAll(dir)
		return nothing, err
	}
	return func() { _ = os.RemoveAll(dir) }, nil
}

// TestVersionAnswerScript: the script prints the recorded answer to exactly `version -json`,
// quotes survive, and every other command line reaches the real binary unchanged.
func TestVersionAnswerScript(t *testing.T) {
	echo, err := exec.LookPath("echo")
	if err != nil {
		t.Skip("no echo binary to stand for the CLI")
	}
	answer := `{"terraform_version":"1.15.9","platform":"it's linux_amd64"}`
	script := filepath.Join(t.TempDir(), "terraform")
	if err := os.WriteFile(script, []byte(versionAnswerScript([]byte(answer+"\n"), echo)), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"version", "-json"}, answer + "\n"},
		{[]string{"version"}, "version\n"},
		{[]string{"version", "-json", "extra"}, "version -json extra\n"},
		{[]string{"plan", "-out", "a plan with spaces", "-var=x='y'"}, "plan -out a plan with spaces -var=x='y'\n"},
	} {
		out, err := exec.Command(script, tc.args...).Output()
		if err != nil {
			t.Fatalf("%q: %s", tc.args, err)
		}
		if string(out) != tc.want {
			t.Errorf("%q printed %q, want %q", tc.args, out, tc.want)
		}
	}
}
