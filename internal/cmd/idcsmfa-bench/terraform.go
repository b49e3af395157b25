package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// terraformRunner runs the terraform CLI with the bench's CLI configuration and environment.
type terraformRunner struct {
	bin      string
	cliCfg   string
	provider string // the real provider binary, for the RSS wrapper of the measured cycle
	logDir   string
	host     string
	extraEnv []string
}

// paceCacheDir is the provider's pace cache of a workload run in dir (IDCS_PACE_CACHE): its
// own, empty at the start, shared by its commands as a user's are. What one run's pacer
// learned of the emulator's port must not pace the next run, nor land in the user's cache.
func paceCacheDir(logDir string) string { return filepath.Join(filepath.Dir(logDir), "pace-cache") }

// run is one timed terraform command. In the measured cycle the wrapper appends one line per
// provider process to rssLog; wantExit lists the exit codes that mean success for this command.
type run struct {
	wall    time.Duration
	rssLog  string
	outFile string
}

func (t *terraformRunner) env(rssLog string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		// A user's TF_LOG would slow every phase down; their CLI config would bypass dev_overrides.
		if strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "IDCS_") || strings.HasPrefix(k, "IDCSMFA_BENCH_") {
			continue
		}
		env = append(env, kv)
	}
	return append(append(env,
		"TF_CLI_CONFIG_FILE="+t.cliCfg,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"IDCS_HOST="+t.host,
		"IDCS_CLIENT_ID=idcsmfa-emulator",
		"IDCS_CLIENT_SECRET=emulator-secret",
		"IDCSMFA_BENCH_PROVIDER="+t.provider,
		"IDCSMFA_BENCH_RSS_LOG="+rssLog,
		"IDCS_PACE_CACHE="+paceCacheDir(t.logDir),
	), t.extraEnv...)
}

// exec runs terraform in dir; label names its output and RSS files.
func (t *terraformRunner) exec(ctx context.Context, dir, label string, wantExit []int, args ...string) (run, error) {
	r := run{
		rssLog:  filepath.Join(t.logDir, label+".rss"),
		outFile: filepath.Join(t.logDir, label+".out"),
	}
	_ = os.Remove(r.rssLog)
	out, err := os.Create(r.outFile)
	if err != nil {
		return r, err
	}
	defer func() { _ = out.Close() }()
	cmd := exec.CommandContext(ctx, t.bin, args...)
	cmd.Dir = dir
	cmd.Env = t.env(r.rssLog)
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	err = cmd.Run()
	r.wall = time.Since(start)

	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		return r, fmt.Errorf("terraform %s: %w", strings.Join(args, " "), err)
	}
	for _, w := range wantExit {
		if code == w {
			return r, nil
		}
	}
	return r, fmt.Errorf("terraform %s in %s exited %d (want %v); last lines of %s:\n%s",
		strings.Join(args, " "), dir, code, wantExit, r.outFile, tail(r.outFile, 30))
}

// providerUsage is the peak RSS over the provider processes of one command, and their CPU.
type providerUsage struct {
	processes int
	peakKiB   int64
	cpu       time.Duration
}

func readUsage(rssLog string) (providerUsage, error) {
	var u providerUsage
	f, err := os.Open(rssLog)
	if err != nil {
		if os.IsNotExist(err) {
			return u, nil
		}
		return u, err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kib, userMS, sysMS int64
		if _, err := fmt.Sscan(sc.Text(), &kib, &userMS, &sysMS); err != nil {
			return u, fmt.Errorf("%s: %q: %w", rssLog, sc.Text(), err)
		}
		u.processes++
		u.peakKiB = max(u.peakKiB, kib)
		u.cpu += time.Duration(userMS+sysMS) * time.Millisecond
	}
	return u, sc.Err()
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
