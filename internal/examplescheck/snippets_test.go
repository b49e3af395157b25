package examplescheck

import (
	"bufio"
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
)

// The documents whose snippets must work as written.
var snippetDocs = []string{"README.md", "EMULATOR.md", "docs/guides/activation-flows.md", "docs/guides/testing-with-the-emulator.md",
	"docs/guides/self-service-enrollment.md", "docs/guides/existing-factors.md"}

// Markers are HTML comments, which GitHub and the Terraform Registry do not render, on the
// line right before a fenced block:
//
//	<!-- runnable: SESSION [file=NAME] [emulator] -->   the block is run (or, with file=, written to NAME)
//	<!-- not run: REASON -->                          the block is shown only (REASON says why)
//
// and, to check what a block did without showing the check, a comment of its own:
//
//	<!-- runnable: SESSION check
//	shell lines
//	-->
//
// The blocks of one session (per document) run in document order as one bash script
// (set -euo pipefail) in a fresh directory, with idcs-emulator first on PATH and Terraform
// installing the provider built here from a filesystem mirror. `emulator` on any block of a
// session starts a fresh emulator first, seeded with examples/emulator-users.json, and exports
// IDCS_HOST, IDCS_CLIENT_ID and IDCS_CLIENT_SECRET. Every shell, Terraform and Go block of the
// documents must carry one of the two markers, so that a new block is never left unchecked.
var (
	markerRegexp = regexp.MustCompile(`^<!-- (runnable|not run): ?(.*?)\s*(-->)?$`)
	fenceRegexp  = regexp.MustCompile("^(```+|~~~+)\\s*([A-Za-z0-9_+-]*)")
)

// markedLanguages must carry a marker; output and data blocks (json, text) need none.
var markedLanguages = map[string]bool{"sh": true, "bash": true, "shell": true, "console": true, "terraform": true, "hcl": true, "go": true}

type snippetSession struct {
	doc, name string
	emulator  bool
	script    strings.Builder
	blocks    int
}

func TestDocSnippets(t *testing.T) {
	h := getHarness(t)
	var sessions []*snippetSession
	for _, doc := range snippetDocs {
		found := parseSnippets(t, filepath.Join(h.root, doc), doc)
		if len(found) == 0 {
			t.Errorf("%s has no runnable block: mark its commands <!-- runnable: SESSION -->", doc)
		}
		sessions = append(sessions, found...)
	}
	for _, s := range sessions {
		t.Run(s.doc+"#"+s.name, func(t *testing.T) {
			t.Parallel()
			h.runSession(t, s)
		})
	}
}

// parseSnippets reads the sessions of one document and fails on unmarked blocks.
func parseSnippets(t *testing.T, path, doc string) []*snippetSession {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	byName := map[string]*snippetSession{}
	var order []*snippetSession
	session := func(name string) *snippetSession {
		if s, ok := byName[name]; ok {
			return s
		}
		s := &snippetSession{doc: doc, name: name}
		byName[name] = s
		order = append(order, s)
		return s
	}
	var pending []string // marker of the next block: kind, args
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		if m := markerRegexp.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			fields := strings.Fields(m[2])
			if m[1] == "runnable" && len(fields) >= 2 && fields[1] == "check" && m[3] == "" {
				s := session(fields[0])
				fmt.Fprintf(&s.script, "\n# --- %s:%d (check)\n", doc, i+1)
				for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "-->"; i++ {
					s.script.WriteString(lines[i] + "\n")
				}
				continue
			}
			if m[3] == "" {
				t.Errorf("%s:%d: marker not closed with --> on the same line", doc, i+1)
			}
			if m[1] == "runnable" && len(fields) == 0 {
				t.Errorf("%s:%d: runnable marker without a session name", doc, i+1)
			}
			pending = append([]string{m[1]}, fields...)
			continue
		}
		fence := fenceRegexp.FindStringSubmatch(strings.TrimLeft(line, " "))
		if fence == nil {
			if strings.TrimSpace(line) != "" {
				pending = nil // a marker applies to the block right after it only
			}
			continue
		}
		start, lang, indent := i, fence[2], len(line)-len(strings.TrimLeft(line, " "))
		var body []string
		for i++; i < len(lines); i++ {
			l := strings.TrimRight(lines[i], "\r")
			if strings.HasPrefix(strings.TrimLeft(l, " "), fence[1]) && strings.TrimSpace(strings.TrimLeft(l, " ")[len(fence[1]):]) == "" {
				break
			}
			if len(l) >= indent && strings.TrimSpace(l[:indent]) == "" {
				l = l[indent:]
			}
			body = append(body, l)
		}
		marker := pending
		pending = nil
		switch {
		case marker == nil && markedLanguages[lang]:
			t.Errorf("%s:%d: a %s block without a marker: put <!-- runnable: SESSION --> (or <!-- not run: REASON -->) on the line before it",
				doc, start+1, lang)
		case marker == nil, marker[0] == "not run":
		default:
			s := session(marker[1])
			s.blocks++
			file := ""
			for _, opt := range marker[2:] {
				switch {
				case opt == "emulator":
					s.emulator = true
				case strings.HasPrefix(opt, "file="):
					file = strings.TrimPrefix(opt, "file=")
				default:
					t.Errorf("%s:%d: unknown marker option %q", doc, start, opt)
				}
			}
			text := strings.Join(body, "\n") + "\n"
			switch {
			case file != "":
				fmt.Fprintf(&s.script, "\n# --- %s:%d (%s, written to %s)\ncat > %q <<'__SNIPPET_EOF__'\n%s__SNIPPET_EOF__\n",
					doc, start+1, lang, file, file, text)
			case lang == "sh" || lang == "bash" || lang == "shell":
				fmt.Fprintf(&s.script, "\n# --- %s:%d\n%s", doc, start+1, text)
			default:
				t.Errorf("%s:%d: a runnable %s block needs file=NAME", doc, start+1, lang)
			}
		}
	}
	for _, s := range order {
		if s.blocks == 0 {
			t.Errorf("%s: session %q has checks but no block", doc, s.name)
		}
	}
	return order
}

// runSession runs one session's script in a fresh directory and fails with the script and
// its output when a command fails or the session runs longer than three minutes.
func (h *harness) runSession(t *testing.T, s *snippetSession) {
	work := t.TempDir()
	extra := []string{"PATH=" + h.bin + string(os.PathListSeparator) + os.Getenv("PATH")}
	if s.emulator {
		url := h.startEmulator(t, "-users", h.users)
		extra = append(extra, "IDCS_HOST="+url, "IDCS_CLIENT_ID=idcsmfa-emulator", "IDCS_CLIENT_SECRET=emulator-secret")
	}
	script := "set -Eeuo pipefail\ntrap 'echo \"FAILED at line $LINENO of the script above (exit $?): $BASH_COMMAND\" >&2' ERR\n" + s.script.String()
	scriptFile := filepath.Join(work, ".snippets.sh")
	if err := os.WriteFile(scriptFile, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", scriptFile)
	cmd.Dir = work
	cmd.Env = h.env(extra...)
	// Its own process group, so that whatever the snippets leave running (an emulator they
	// started) is stopped with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killGroup := func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	defer killGroup()
	var err error
	done := make(chan struct{})
	go func() { err = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Minute):
		killGroup()
		<-done
		err = fmt.Errorf("timed out after 3 minutes")
	}
	if err != nil {
		t.Fatalf("the snippets of session %q in %s failed: %v\n\n%s\n--- output ---\n%s", s.name, s.doc, err, numbered(script), out.String())
	}
	if testing.Verbose() {
		t.Logf("%d blocks of %s#%s ran", s.blocks, s.doc, s.name)
	}
	if os.Getenv("IDCSMFA_SNIPPET_OUTPUT") == "1" { // to compare a document's comments with what really happens
		t.Logf("output of %s#%s:\n%s", s.doc, s.name, out.String())
	}
}

func numbered(script string) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(script))
	for n := 1; sc.Scan(); n++ {
		fmt.Fprintf(&b, "%4d  %s\n", n, sc.Text())
	}
	return b.String()
}

// TestDocSnippetMarkers checks the markers of every document without running anything, so
// that `go test ./...` catches an unmarked or mistyped block quickly.
func TestDocSnippetMarkers(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, doc := range snippetDocs {
		for _, s := range parseSnippets(t, filepath.Join(root, doc), doc) {
			names = append(names, s.doc+"#"+s.name)
		}
	}
	sort.Strings(names)
	t.Logf("sessions: %s", strings.Join(names, ", "))
}
