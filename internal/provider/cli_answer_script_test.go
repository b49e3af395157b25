package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The terraform CLI the acceptance tests run, behind a script that answers three questions
// terraform-plugin-testing keeps asking from what the CLI already said (issue 26).
//
// Each terraform process costs about 0.1 CPU-s just to start (BENCHMARKS.md, issue 26), and
// terraform-plugin-testing v1.16.0 starts some only to print what is already known:
//   - `terraform version -json`, twice for every TestCase (its helper, plugintest.InitHelper,
//     and terraform-exec's compatibility check), with no option to reuse the answer: a tenth
//     of the suite's terraform processes;
//   - `terraform show -no-color <dir>/tfplan` after every plan that has changes, only to put the
//     human-readable plan in a trace log line (plugintest.WorkingDir.CreatePlan), and in the
//     error when a plan that must be empty is not: another tenth of the suite's CLI CPU;
//   - `terraform show -json` of a state it has already shown: a step with both Check and
//     ConfigStateChecks reads the state twice, and every TestCase reads it once more before
//     its destroy, mostly unchanged since the last step: 6% of the suite's terraform processes.
//
// withCLIAnswerScript asks the CLI `version -json` once, then points TF_ACC_TERRAFORM_PATH at
// a /bin/sh script of the same name (OpenTofu is recognised by its binary's name) that
//   - prints the recorded answer to exactly `version -json`;
//   - for a plan that terraform-plugin-testing runs (TF_REATTACH_PROVIDERS set, -out=tfplan),
//     keeps what the plan printed beside the plan file (tfplan.stdout; removed before the plan
//     runs, kept only when it succeeds) and prints it as the plan prints it;
//   - answers `show -no-color <dir>/tfplan` of such a plan with what that plan printed: the same
//     rendering of the same plan by the same CLI, with the plan's refresh lines before it and
//     its "Saved the plan" lines after;
//   - answers `show -json -no-color` (the state: read after each apply for Check, again for
//     ConfigStateChecks, and before the destroy that ends each TestCase) with what the real CLI
//     printed for a byte-identical terraform.tfstate in the same working directory: the same
//     state rendered by the same CLI with the same provider. The state it rendered is kept
//     beside its output (tfstate.shown, tfstate.shown.out: no .json, a name that
//     terraform-plugin-testing removes with each step's configuration), both only when the show
//     succeeded and the state did not change meanwhile; without `cmp`, every show is the real
//     CLI's;
//   - execs the real binary, same arguments, environment, standard streams and process, for
//     anything else: every apply, every `show -json` of a plan the plan checks read, init,
//     import and destroy is the real CLI's, and so is every command a CLI-driven test (cliRun,
//     dev_overrides, no TF_REATTACH_PROVIDERS) runs, its `show` of a saved plan included.

// cliAnswerScript is the script: the recorded JSON and the real binary, shell-quoted.
func cliAnswerScript(answer []byte, realBin string) string {
	return "#!/bin/sh\n" +
		"# Written by the acceptance tests' TestMain (internal/provider/cli_answer_script_test.go).\n" +
		"real=" + shellQuote(realBin) + "\n" +
		`if [ "$#" -eq 2 ] && [ "$1" = version ] && [ "$2" = -json ]; then` + "\n" +
		"  printf '%s\\n' " + shellQuote(string(bytes.TrimSpace(answer))) + "\n" +
		"  exit 0\n" +
		"fi\n" +
		`if [ -n "$TF_REATTACH_PROVIDERS" ] && [ "$1" = plan ]; then` + "\n" +
		`  for arg in "$@"; do` + "\n" +
		`    if [ "$arg" = -out=tfplan ]; then` + "\n" +
		`      rm -f tfplan.stdout tfplan.stdout.part` + "\n" +
		`      "$real" "$@" >tfplan.stdout.part` + "\n" +
		`      rc=$?` + "\n" +
		`      cat tfplan.stdout.part` + "\n" +
		`      # -detailed-exitcode: 0 no changes, 2 changes, 1 failed.` + "\n" +
		`      if [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ]; then mv tfplan.stdout.part tfplan.stdout; else rm -f tfplan.stdout.part; fi` + "\n" +
		`      exit "$rc"` + "\n" +
		`    fi` + "\n" +
		`  done` + "\n" +
		"fi\n" +
		`if [ -n "$TF_REATTACH_PROVIDERS" ] && [ "$#" -eq 3 ] && [ "$1" = show ] && [ "$2" = -json ] && [ "$3" = -no-color ] &&` + "\n" +
		`  [ -f terraform.tfstate ]; then` + "\n" +
		`  if [ -f tfstate.shown ] && [ -f tfstate.shown.out ] && cmp -s terraform.tfstate tfstate.shown; then` + "\n" +
		`    cat tfstate.shown.out` + "\n" +
		`    exit 0` + "\n" +
		`  fi` + "\n" +
		`  rm -f tfstate.shown tfstate.shown.out` + "\n" +
		`  cp terraform.tfstate tfstate.seen` + "\n" +
		`  "$real" "$@" >tfstate.show.part` + "\n" +
		`  rc=$?` + "\n" +
		`  cat tfstate.show.part` + "\n" +
		`  if [ "$rc" -eq 0 ] && cmp -s terraform.tfstate tfstate.seen; then` + "\n" +
		`    mv tfstate.show.part tfstate.shown.out && mv tfstate.seen tfstate.shown` + "\n" +
		`  else` + "\n" +
		`    rm -f tfstate.show.part tfstate.seen` + "\n" +
		`  fi` + "\n" +
		`  exit "$rc"` + "\n" +
		"fi\n" +
		`if [ -n "$TF_REATTACH_PROVIDERS" ] && [ "$#" -eq 3 ] && [ "$1" = show ] && [ "$2" = -no-color ] &&` + "\n" +
		`  [ "${3##*/}" = tfplan ] && [ -f "$3.stdout" ] && [ ! "$3" -nt "$3.stdout" ]; then` + "\n" +
		`  cat "$3.stdout"` + "\n" +
		"  exit 0\n" +
		"fi\n" +
		`exec "$real" "$@"` + "\n"
}

// shellQuote quotes s for /bin/sh: in single quotes, each single quote of s closed, escaped and reopened.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// withCLIAnswerScript installs the script (cliAnswerScript) when the acceptance tests run (TF_ACC set) and the
// CLI answers `version -json` with a terraform_version; otherwise it leaves the environment
// alone and the tests run the CLI as they find it. It returns what removes the script.
func withCLIAnswerScript() (cleanup func(), err error) {
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
	if err := os.WriteFile(script, []byte(cliAnswerScript(answer, realBin)), 0o755); err != nil {
		_ = os.RemoveAll(dir)
		return nothing, fmt.Errorf("writing the terraform CLI script: %w", err)
	}
	if err := os.Setenv("TF_ACC_TERRAFORM_PATH", script); err != nil {
		_ = os.RemoveAll(dir)
		return nothing, err
	}
	return func() { _ = os.RemoveAll(dir) }, nil
}

// TestCLIAnswerScript: the script prints the recorded answer to exactly `version -json`,
// quotes survive, and every other command line reaches the real binary unchanged.
func TestCLIAnswerScript(t *testing.T) {
	echo, err := exec.LookPath("echo")
	if err != nil {
		t.Skip("no echo binary to stand for the CLI")
	}
	answer := `{"terraform_version":"1.15.9","platform":"it's linux_amd64"}`
	script := filepath.Join(t.TempDir(), "terraform")
	if err := os.WriteFile(script, []byte(cliAnswerScript([]byte(answer+"\n"), echo)), 0o755); err != nil {
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
		{[]string{"plan", "-no-color", "-out=tfplan"}, "plan -no-color -out=tfplan\n"}, // no TF_REATTACH_PROVIDERS
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

// TestCLIAnswerScript_savedPlanShow: with terraform-plugin-testing's reattach variable, the
// human-readable show of the plan just made prints what that plan printed; a failed plan, a
// plan file newer than what was kept, a JSON show, another file or no reattach variable reach
// the real CLI.
func TestCLIAnswerScript_savedPlanShow(t *testing.T) {
	// The stand-in CLI: a plan writes the plan file and prints a rendering of it (exit 2, or 1
	// with FAIL set); a show prints that it is the real show.
	run, work := answerScriptFixture(t, `if [ "$1" = plan ]; then echo "plan $FAIL" >tfplan; echo "rendering of plan $FAIL"; [ -n "$FAIL" ] && exit 1; exit 2; fi`+"\n"+
		`echo "real $*"`+"\n")
	plan := filepath.Join(work, "tfplan")
	reattach := "TF_REATTACH_PROVIDERS={}"
	planArgs := []string{"plan", "-no-color", "-detailed-exitcode", "-out=tfplan", "-refresh=true"}
	show := []string{"show", "-no-color", plan}

	if out, code := run([]string{reattach, "FAIL="}, planArgs...); out != "rendering of plan \n" || code != 2 {
		t.Fatalf("the plan printed %q, exit %d; want its own rendering, exit 2", out, code)
	}
	if out, _ := run([]string{reattach}, show...); out != "rendering of plan \n" {
		t.Errorf("the show of the plan just made printed %q, want what the plan printed", out)
	}
	for _, tc := range []struct {
		why  string
		env  []string
		args []string
	}{
		{"no reattach variable (a CLI-driven test)", nil, show},
		{"a JSON show (the plan checks read it)", []string{reattach}, []string{"show", "-json", "-no-color", plan}},
		{"another plan file", []string{reattach}, []string{"show", "-no-color", filepath.Join(work, "other")}},
	} {
		if out, _ := run(tc.env, tc.args...); !strings.HasPrefix(out, "real show") {
			t.Errorf("%s: printed %q, want the real CLI's show", tc.why, out)
		}
	}

	// A plan file newer than what its plan printed is not answered from it.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(plan, later, later); err != nil {
		t.Fatal(err)
	}
	if out, _ := run([]string{reattach}, show...); !strings.HasPrefix(out, "real show") {
		t.Errorf("a plan file newer than the kept output: printed %q, want the real CLI's show", out)
	}

	// A failed plan keeps nothing: the next show is the real CLI's.
	if out, code := run([]string{reattach, "FAIL=x"}, planArgs...); out != "rendering of plan x\n" || code != 1 {
		t.Fatalf("the failed plan printed %q, exit %d; want its rendering, exit 1", out, code)
	}
	if out, _ := run([]string{reattach}, show...); !strings.HasPrefix(out, "real show") {
		t.Errorf("after a failed plan the show printed %q, want the real CLI's", out)
	}
	if _, err := os.Stat(plan + ".stdout.part"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the failed plan left its partial output: %v", err)
	}
}

// TestCLIAnswerScript_stateShow: with terraform-plugin-testing's reattach variable, a JSON show
// of a state the real CLI has shown in the same directory prints what it printed; a changed
// state, a failed show, no state file, a plan's show or no reattach variable reach the real CLI.
func TestCLIAnswerScript_stateShow(t *testing.T) {
	if _, err := exec.LookPath("cmp"); err != nil {
		t.Skip("no cmp: the script passes every show through then")
	}
	// The stand-in CLI: a show counts itself and prints the state it read (exit 1 with FAIL set).
	run, work := answerScriptFixture(t, `n=$(cat count 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" >count`+"\n"+
		`echo "real $* #$n of $(cat terraform.tfstate 2>/dev/null)"`+"\n"+
		`[ -n "$FAIL" ] && exit 1; exit 0`+"\n")
	setState := func(text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(work, "terraform.tfstate"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reattach := "TF_REATTACH_PROVIDERS={}"
	show := []string{"show", "-json", "-no-color"}
	for i, tc := range []struct {
		why   string
		state string // written before the command; "" leaves the file as it is
		env   []string
		args  []string
		want  string
		code  int
	}{
		{"no state file yet", "", []string{reattach}, show, "real show -json -no-color #1 of \n", 0},
		{"a state shown for the first time", "A", []string{reattach}, show, "real show -json -no-color #2 of A\n", 0},
		{"the same state again: answered", "", []string{reattach}, show, "real show -json -no-color #2 of A\n", 0},
		{"the same bytes written again: answered", "A", []string{reattach}, show, "real show -json -no-color #2 of A\n", 0},
		{"no reattach variable (a CLI-driven test)", "", nil, show, "real show -json -no-color #3 of A\n", 0},
		{"a plan's JSON show", "", []string{reattach}, []string{"show", "-json", "-no-color", "tfplan"}, "real show -json -no-color tfplan #4 of A\n", 0},
		{"a changed state", "B", []string{reattach}, show, "real show -json -no-color #5 of B\n", 0},
		{"that state again: answered", "", []string{reattach}, show, "real show -json -no-color #5 of B\n", 0},
		{"a failed show of a new state", "C", []string{reattach, "FAIL=x"}, show, "real show -json -no-color #6 of C\n", 1},
		{"after a failed show: the real CLI", "", []string{reattach}, show, "real show -json -no-color #7 of C\n", 0},
	} {
		if tc.state != "" {
			setState(tc.state)
		}
		out, code := run(tc.env, tc.args...)
		if out != tc.want || code != tc.code {
			t.Errorf("%d, %s: printed %q, exit %d; want %q, exit %d", i+1, tc.why, out, code, tc.want, tc.code)
		}
	}
	for _, left := range []string{"tfstate.seen", "tfstate.show.part"} {
		if _, err := os.Stat(filepath.Join(work, left)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the script left %s: %v", left, err)
		}
	}
	// What it keeps must outlive the next step: terraform-plugin-testing's SetConfig removes
	// the working directory's .tf, .json and .tfquery.hcl files.
	entries, err := os.ReadDir(work)
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "tfstate.") {
			continue
		}
		kept++
		switch filepath.Ext(e.Name()) {
		case ".tf", ".json", ".hcl":
			t.Errorf("the script keeps %s, which the next step's configuration removes", e.Name())
		}
	}
	if kept != 2 {
		t.Errorf("the script keeps %d files, want the state it showed and its output", kept)
	}
}

// answerScriptFixture writes a stand-in CLI (a /bin/sh script with body fakeBody) and the
// answer script in front of it, and returns what runs the answer script in a working
// directory of its own (with env added to the environment), and that directory.
func answerScriptFixture(t *testing.T, fakeBody string) (run func(env []string, args ...string) (string, int), work string) {
	t.Helper()
	dir := t.TempDir()
	fake := filepath.Join(dir, "fake-terraform")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"+fakeBody), 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "terraform")
	if err := os.WriteFile(script, []byte(cliAnswerScript([]byte("{}"), fake)), 0o755); err != nil {
		t.Fatal(err)
	}
	work = filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	return func(env []string, args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(script, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.Output()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("%q: %s", args, err)
		}
		return string(out), cmd.ProcessState.ExitCode()
	}, work
}
