package examplescheck

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
)

// providerVersion is the version the locally built provider has in the filesystem mirror: a
// plain one, which Terraform selects without naming it (as make install does).
const providerVersion = "0.1.0"

// harness is what the tests share: the repository, the terraform CLI, and a provider and an
// emulator built once from this checkout.
type harness struct {
	root      string // repository root
	terraform string // terraform CLI
	bin       string // directory holding idcs-emulator, put first on PATH for snippets
	emulator  string // idcs-emulator binary
	cliConfig string // Terraform CLI configuration that installs the provider from the mirror
	users     string // examples/emulator-users.json
	provider  string // the provider binary built here, in the mirror
}

var (
	buildOnce sync.Once
	built     *harness
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func terraformCLI(t *testing.T) string {
	t.Helper()
	if tf := os.Getenv("TF_ACC_TERRAFORM_PATH"); tf != "" {
		return tf
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("terraform CLI not found: set TF_ACC_TERRAFORM_PATH or put terraform 1.11+ on PATH")
	}
	return tf
}

// requireRun skips the slow tests unless the make targets asked for them.
func requireRun(t *testing.T) {
	t.Helper()
	if os.Getenv("IDCSMFA_RUN_DOCS") != "1" {
		t.Skip("runs terraform against the emulator: `make examples` / `make snippets` (IDCSMFA_RUN_DOCS=1)")
	}
}

// getHarness builds the provider into a filesystem mirror and the emulator, once per run; it
// skips the test unless such runs were asked for (requireRun).
func getHarness(t *testing.T) *harness {
	t.Helper()
	requireRun(t)
	tf := terraformCLI(t)
	buildOnce.Do(func() {
		root, err := filepath.Abs("../..")
		if err != nil {
			buildErr = err
			return
		}
		if buildDir, err = os.MkdirTemp("", "idcsmfa-docs-"); err != nil {
			buildErr = err
			return
		}
		h := &harness{root: root, terraform: tf, bin: filepath.Join(buildDir, "bin"),
			users: filepath.Join(root, "examples", "emulator-users.json")}
		mirror := filepath.Join(buildDir, "mirror")
		plugin := filepath.Join(mirror, "registry.terraform.io", "idcsmfa", "idcsmfa", providerVersion,
			runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-idcsmfa_v"+providerVersion)
		h.emulator, h.provider = filepath.Join(h.bin, "idcs-emulator"), plugin
		for _, b := range [][]string{
			// The emulator's clock tag (internal/provider/emulator_clock.go): a TOTP verification
			// moves the emulator's clock to the next time step instead of waiting for it.
			{"-tags", "idcsmfa_emulator_clock", "-ldflags", "-X main.version=" + providerVersion, "-o", plugin, "."},
			{"-o", h.emulator, "./internal/cmd/idcs-emulator"},
		} {
			cmd := exec.Command("go", append([]string{"build"}, b...)...)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build %s: %v\n%s", strings.Join(b, " "), err, out)
				return
			}
		}
		h.cliConfig = filepath.Join(buildDir, "terraformrc")
		rc := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/idcsmfa/idcsmfa"]
  }
  direct {
    exclude = ["registry.terraform.io/idcsmfa/idcsmfa"]
  }
}
`, mirror)
		if buildErr = os.WriteFile(h.cliConfig, []byte(rc), 0o600); buildErr == nil {
			built = h
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}

// env is the environment of terraform and of snippets: the CLI configuration of the mirror,
// no checkpoint calls, and extra (KEY=value) on top.
func (h *harness) env(extra ...string) []string {
	env := make([]string, 0, len(os.Environ())+8)
	for _, kv := range os.Environ() {
		// The caller's Terraform and emulator settings must not leak into a run.
		if strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") || strings.HasPrefix(kv, "IDCS_") || strings.HasPrefix(kv, "TF_VAR_") ||
			strings.HasPrefix(kv, "TF_LOG") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, append([]string{"TF_CLI_CONFIG_FILE=" + h.cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}, extra...)...)
}

// emulatorURLRegexp finds the address in the line idcs-emulator prints when it is ready.
var emulatorURLRegexp = regexp.MustCompile(`http://[0-9.:]+`)

// startEmulator runs a fresh idcs-emulator on a free loopback port with the given extra
// flags, stopped when the test ends, and returns its URL.
func (h *harness) startEmulator(t *testing.T, flags ...string) string {
	t.Helper()
	cmd := exec.Command(h.emulator, append([]string{"-listen", "127.0.0.1:0", "-quiet"}, flags...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- emulatorURLRegexp.FindString(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case url := <-ready:
		if url == "" {
			t.Fatalf("idcs-emulator did not print its address: %s", stderr.String())
		}
		return url
	case <-time.After(30 * time.Second):
		t.Fatalf("idcs-emulator did not start within 30s: %s", stderr.String())
	}
	return ""
}

// run runs a command in dir with env, within timeout, and returns its combined output.
func run(dir string, env []string, timeout time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %s", timeout)
	}
	return string(out), err
}

// getJSON reads an /emulator/v1 document.
func getJSON(url string) (string, error) {
	resp, err := http.Get(url) //nolint:gosec // the test's own emulator on loopback
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s: %s", url, resp.Status, b)
	}
	return string(b), err
}

// lockedBuffer collects the output of a process and of the processes it starts.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// hasActions reports whether the CLI runs actions: Terraform 1.14 or later. OpenTofu, told
// by its binary's name (its version numbers overlap Terraform's), has none.
func (h *harness) hasActions(t *testing.T) bool {
	t.Helper()
	out, err := run(h.root, h.env(), time.Minute, h.terraform, "version", "-json")
	if err != nil {
		t.Fatalf("%s version -json: %v\n%s", h.terraform, err, out)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	// OpenTofu may print a warning before the JSON.
	if err := json.Unmarshal([]byte(out[max(strings.Index(out, "{"), 0):]), &v); err != nil {
		t.Fatalf("reading %s version -json: %v\n%s", h.terraform, err, out)
	}
	if strings.Contains(filepath.Base(h.terraform), "tofu") {
		return false
	}
	got, err := version.NewVersion(v.Version)
	return err == nil && !got.LessThan(version.Must(version.NewVersion("1.14.0")))
}
