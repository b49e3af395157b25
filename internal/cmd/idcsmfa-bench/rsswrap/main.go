// Command rsswrap stands in for the provider binary during `make bench`: Terraform starts it
// as the plugin, it starts the real provider with the same stdin, stdout, stderr, arguments and
// environment (so go-plugin's handshake passes straight through), and when the provider exits
// it appends the provider's peak resident set size and CPU time to a log. Terraform starts the
// provider several times per command, so the bench takes the maximum over a phase's lines.
//
// Environment: IDCSMFA_BENCH_PROVIDER is the real provider binary; IDCSMFA_BENCH_RSS_LOG is the
// file to append "maxrss_kib user_ms sys_ms" to (nothing is written when it is empty).
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	target := os.Getenv("IDCSMFA_BENCH_PROVIDER")
	if target == "" {
		fmt.Fprintln(os.Stderr, "rsswrap: IDCSMFA_BENCH_PROVIDER is not set")
		os.Exit(2)
	}
	cmd := exec.Command(target, os.Args[1:]...)
	// *os.File values are handed to the child as they are: no copying goroutine sits between
	// Terraform and the provider's gRPC handshake line.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "rsswrap:", err)
		os.Exit(2)
	}

	// go-plugin stops plugins over gRPC and only then signals them; pass signals on so the
	// provider, not just this wrapper, sees them.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()

	err := cmd.Wait()
	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
		if code < 0 {
			code = 1 // killed by a signal
		}
	case err != nil:
		fmt.Fprintln(os.Stderr, "rsswrap:", err)
		code = 2
	}
	record(cmd.ProcessState)
	os.Exit(code)
}

func record(ps *os.ProcessState) {
	path := os.Getenv("IDCSMFA_BENCH_RSS_LOG")
	if path == "" || ps == nil {
		return
	}
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rsswrap:", err)
		return
	}
	defer func() { _ = f.Close() }()
	// Linux reports ru_maxrss in KiB. One short line per write: O_APPEND keeps concurrent
	// provider instances from interleaving.
	_, _ = fmt.Fprintf(f, "%d %d %d\n", ru.Maxrss, ru.Utime.Nano()/1e6, ru.Stime.Nano()/1e6)
}
