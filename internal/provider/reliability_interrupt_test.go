package provider

// Interrupted applies (issue 16, item 1): terraform, run as a subprocess against an emulator
// whose answers come back late (the work is done first), is interrupted in the middle of an
// apply of 40 factors. With SIGINT (Ctrl-C, a CI job cancelled), Terraform stops the provider,
// which cancels the calls in flight: every enrollment that was sent must still be finished and
// written to state, and a plain apply must then converge. With SIGKILL nothing can be saved:
// the next apply must name, for every factor the killed run left on the service, the exact
// import {} block that adopts it, and applying those blocks must converge.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// interruptShape: 8 users, each with 4 pending SMS factors and an email factor enrolled in
// one step: 40 factors, both outcomes of an enrollment.
var interruptShape = bulkShape{users: 8, smsPerUser: 4}

// interruptConfig is the fleet with pending SMS factors (a passcode is sent, the requestState
// goes to private state) and one-step email factors.
func interruptConfig(provider string, userIDs []string) string {
	return provider + strings.Replace(bulkFactorsConfig(userIDs, interruptShape.smsPerUser),
		"  mobile_number     = local.bulk_sms[count.index].mobile_number\n  skip_verification = true\n",
		"  mobile_number     = local.bulk_sms[count.index].mobile_number\n", 1)
}

// interruptedRun starts `terraform apply` in its own process group and, once the emulator has
// received at least `after` enrollments, sends sig to the whole group, as a terminal's Ctrl-C
// (or a CI runner's kill) reaches terraform and its provider alike. It returns what terraform
// printed and how many enrollments had been received when the signal went.
func interruptedRun(t *testing.T, cli *cliRun, env *testEnv, sig syscall.Signal, after int) (string, int) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(cli.bin, "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = cli.dir, cli.env
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting terraform: %s", err)
	}
	enrollments := func() int { return env.Emulator.Stats().Requests[keyEnroll] }
	deadline := time.Now().Add(time.Minute)
	for enrollments() < after && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	sent := enrollments()
	if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil {
		t.Fatalf("signalling terraform: %s", err)
	}
	err := cmd.Wait()
	cli.output.Write(out.Bytes())
	if err == nil {
		t.Fatalf("terraform finished the apply despite the %s after %d enrollments: the test interrupted nothing; output:\n%s",
			sig, sent, lastBytes(out.String(), 3000))
	}
	return out.String(), sent
}

// serverFactors lists the SMS and email factors the users have on the emulator.
func serverFactors(env *testEnv, userIDs []string) map[factorKey]emulator.FactorInfo {
	out := map[factorKey]emulator.FactorInfo{}
	for _, uid := range userIDs {
		for _, f := range env.Emulator.Factors(uid) {
			out[factorKey{uid, f.ID}] = f
		}
	}
	return out
}

// stateFactors lists the factors in the state file, by user and factor id.
func stateFactors(t *testing.T, cli *cliRun) map[factorKey]bool {
	t.Helper()
	out := map[factorKey]bool{}
	path := filepath.Join(cli.dir, "terraform.tfstate")
	// A killed terraform may leave no state file, or an empty one.
	if fi, err := os.Stat(path); os.IsNotExist(err) || (err == nil && fi.Size() == 0) {
		return out
	}
	for _, r := range readStateFile(t, path).resources {
		for _, inst := range r.Instances {
			uid, _ := inst.Attributes["user_id"].(string)
			fid, _ := inst.Attributes["factor_id"].(string)
			out[factorKey{uid, fid}] = true
		}
	}
	return out
}

// checkStateHoldsServer fails for each factor on the service that the state does not hold
// (lost) or holds twice for one device (duplicate), and when the counts differ from want
// (want < 0: any number).
func checkStateHoldsServer(t *testing.T, when string, cli *cliRun, env *testEnv, userIDs []string, want int) {
	t.Helper()
	onServer, inState := serverFactors(env, userIDs), stateFactors(t, cli)
	var problems []string
	devices := map[string]int{}
	for k, f := range onServer {
		devices[k.user+" "+f.Method+" "+f.CountryCode+f.MobileNumber]++
		if !inState[k] {
			problems = append(problems, fmt.Sprintf("factor %s of user %s (%s, %s) is on the service but not in state", k.factor, k.user, f.Method, f.Status))
		}
	}
	for k := range inState {
		if _, ok := onServer[k]; !ok {
			problems = append(problems, fmt.Sprintf("factor %s of user %s is in state but not on the service", k.factor, k.user))
		}
	}
	for d, n := range devices {
		if n > 1 {
			problems = append(problems, fmt.Sprintf("device %s is enrolled %d times", d, n))
		}
	}
	if want >= 0 && (len(onServer) != want || len(inState) != want) {
		problems = append(problems, fmt.Sprintf("%d factors on the service and %d in state, want %d", len(onServer), len(inState), want))
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		t.Fatalf("%s:\n  %s", when, strings.Join(problems, "\n  "))
	}
}

// newInterruptRun sets up the emulator (answers 600ms late, after the work), the users and the
// terraform working directory.
func newInterruptRun(t *testing.T) (*cliRun, *testEnv, []string) {
	t.Helper()
	requireTFAcc(t)
	env := newTestEnv(t)
	env.requireEmulator(t, "answer latency and the emulator's records")
	ids := newBulkUsers(t, env, interruptShape.users)
	cli := newCLIRun(t)
	cli.writeProviderConfig(interruptConfig(env.providerConfig(), ids))
	env.Emulator.SetFaults(emulator.Faults{AnswerLatency: 600 * time.Millisecond})
	return cli, env, ids
}

// TestAccReliability_interruptedApplyConverges: SIGINT in the middle of the apply; every
// factor the service holds afterwards is in state (pending ones with their requestState, so
// they can still be activated), and one plain apply converges to a second, empty plan.
func TestAccReliability_interruptedApplyConverges(t *testing.T) {
	cli, env, ids := newInterruptRun(t)
	start := time.Now()
	out, sent := interruptedRun(t, cli, env, syscall.SIGINT, 15)
	checkStateHoldsServer(t, "after the interrupted apply", cli, env, ids, -1)
	left := len(serverFactors(env, ids))
	if left == 0 || left >= interruptShape.factors() {
		t.Fatalf("the interrupted apply left %d of %d factors: it was not interrupted in the middle; output:\n%s",
			left, interruptShape.factors(), lastBytes(out, 3000))
	}
	// A create stopped before its enrollment went out says so, not that a lookup failed.
	if strings.Contains(out, "Could not check for a pending enrollment") && strings.Contains(out, "context canceled") {
		t.Errorf("an interrupted create reports a failed pending-enrollment check instead of the interruption:\n%s", lastBytes(out, 3000))
	}
	st := readStateFile(t, filepath.Join(cli.dir, "terraform.tfstate"))
	if !strings.Contains(st.privateDecoded, "requestState") {
		t.Errorf("no pending factor kept its requestState in private state after the interruption")
	}

	env.Emulator.SetFaults(emulator.Faults{})
	cli.mustRun(0, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	checkStateHoldsServer(t, "after the next apply", cli, env, ids, interruptShape.factors())
	cli.mustRun(0, nil, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	t.Logf("SIGINT after %d enrollments sent: %d factors on the service and in state; one apply converged; %s in all",
		sent, left, time.Since(start).Round(time.Millisecond))
	cli.mustRun(0, nil, "destroy", "-auto-approve", "-input=false", "-no-color")
	checkStateHoldsServer(t, "after destroy", cli, env, ids, 0)
}

// recoverCutState does what a user does when a SIGKILL cut terraform's write of the state
// file (a write a fatal signal interrupts is short, and the file then holds the start of the
// new state over the old one; seen once, on Terraform 1.15.9, in session 14): it puts back
// the backup terraform kept of the state before, or, with none, removes the file, since
// these tests' applies start from no state. The provider's part, what the next apply says
// about the factors the killed one enrolled, is what the test checks, as before.
func recoverCutState(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 || json.Valid(b) {
		return
	}
	if backup, err := os.ReadFile(path + ".backup"); err == nil && json.Valid(backup) {
		t.Logf("the killed terraform cut its write of the state file (%d bytes, not JSON): its backup put back", len(b))
		if err := os.WriteFile(path, backup, 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Logf("the killed terraform cut its write of the state file (%d bytes, not JSON), and kept no backup: removed", len(b))
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// TestRecoverCutState: a state file cut by a kill is replaced by its backup, or removed
// without one; a whole or empty state file, or none, is left as it is.
func TestRecoverCutState(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "terraform.tfstate")
	whole, cut := `{"version": 4, "resources": []}`, `{"version": 4, "resources": [{"mode": nul {"version": 4`
	for _, tc := range []struct {
		name, state, backup string
		want                string // "" : no file afterwards
	}{
		{"whole", whole, "", whole},
		{"empty", "", "", ""},
		{"cut, with a backup", cut, `{"version": 4}`, `{"version": 4}`},
		{"cut, without a backup", cut, "", ""},
	} {
		_ = os.Remove(path)
		_ = os.Remove(path + ".backup")
		if err := os.WriteFile(path, []byte(tc.state), 0o600); err != nil {
			t.Fatal(err)
		}
		if tc.backup != "" {
			if err := os.WriteFile(path+".backup", []byte(tc.backup), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		recoverCutState(t, path)
		got, err := os.ReadFile(path)
		if tc.want == "" && tc.state != "" {
			if err == nil {
				t.Errorf("%s: the state file is still there: %q", tc.name, got)
			}
			continue
		}
		if string(got) != tc.want {
			t.Errorf("%s: the state file holds %q (%v), want %q", tc.name, got, err, tc.want)
		}
	}
}

// importHint is one "with <address> ... id = "<user>/<factor>"" pair of an error.
var importHint = regexp.MustCompile(`(?s)with (idcsmfa_\w+\.bulk\[\d+\]),.*?import \{[\s│]*to = idcsmfa_\w+\.<name>[\s│]*id = "([0-9a-f]{32})/([0-9a-f]{32})"`)

// TestAccReliability_killedApplyNamesImports: SIGKILL in the middle of the apply saves
// nothing. The next apply refuses to enroll each device again and names, in its error, the
// factor and its import {} block (the pending SMS factors: a pending enrollment of the device
// exists; the one-step email factors: already enrolled). Those blocks, written into the
// configuration with the addresses the errors name, make the next apply converge.
func TestAccReliability_killedApplyNamesImports(t *testing.T) {
	cli, env, ids := newInterruptRun(t)
	start := time.Now()
	_, sent := interruptedRun(t, cli, env, syscall.SIGKILL, 15)
	recoverCutState(t, filepath.Join(cli.dir, "terraform.tfstate"))
	// The service finishes the requests a killed client sent; give it the answer latency.
	time.Sleep(time.Second)
	env.Emulator.SetFaults(emulator.Faults{})
	left := serverFactors(env, ids)
	lost := 0
	for k := range left {
		if !stateFactors(t, cli)[k] {
			lost++
		}
	}
	if lost == 0 {
		t.Fatalf("the killed apply left no factor outside the state (%d on the service): the test proves nothing", len(left))
	}

	code, out := cli.run(nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if code == 0 {
		t.Fatalf("the apply after the kill succeeded although %d factors exist outside the state", lost)
	}
	blocks := map[factorKey]string{}
	for _, chunk := range strings.Split(out, "Error: ")[1:] {
		if m := importHint.FindStringSubmatch(chunk); m != nil {
			blocks[factorKey{m[2], m[3]}] = m[1]
		}
	}
	inState := stateFactors(t, cli)
	var imports strings.Builder
	for k, f := range left {
		if inState[k] {
			continue
		}
		addr, ok := blocks[k]
		if !ok {
			t.Errorf("the apply's errors give no import block for factor %s of user %s (%s, %s)", k.factor, k.user, f.Method, f.Status)
			continue
		}
		fmt.Fprintf(&imports, "import {\n  to = %s\n  id = %q\n}\n", addr, k.user+"/"+k.factor)
	}
	if t.Failed() {
		t.Fatalf("output (last 4000 bytes):\n%s", lastBytes(out, 4000))
	}
	if err := os.WriteFile(filepath.Join(cli.dir, "imports.tf"), []byte(imports.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.mustRun(0, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	checkStateHoldsServer(t, "after applying the import blocks", cli, env, ids, interruptShape.factors())
	cli.mustRun(0, nil, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	t.Logf("SIGKILL after %d enrollments sent: %d factors left outside the state, each named with its import block; "+
		"converged with them in %s", sent, lost, time.Since(start).Round(time.Millisecond))
	cli.mustRun(0, nil, "destroy", "-auto-approve", "-input=false", "-no-color")
}
