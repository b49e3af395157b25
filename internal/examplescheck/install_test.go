package examplescheck

import (
	"archive/zip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The documented ways of installing the provider before it is in a registry, run as a user
// would, with Terraform and with OpenTofu (IDCSMFA_TOFU, which make snippets sets): make
// install (~/.terraform.d/plugins, in a HOME of the test's own) and the CI guide's filesystem
// mirror recipe, as its blocks are written. OpenTofu resolves idcsmfa/idcsmfa to
// registry.opentofu.org, so both must cover that host too.
func TestInstallRecipes(t *testing.T) {
	h := getHarness(t)
	clis := map[string]string{"terraform": h.terraform}
	if tofu := os.Getenv("IDCSMFA_TOFU"); tofu != "" {
		clis["tofu"] = tofu
	} else {
		t.Log("IDCSMFA_TOFU is not set: the recipes are run with Terraform only (make snippets sets it)")
	}
	goEnv := goEnvironment(t)

	t.Run("make install", func(t *testing.T) {
		home := t.TempDir()
		env := h.env(append(goEnv, "HOME="+home)...)
		if out, err := run(h.root, env, 5*time.Minute, "make", "--no-print-directory", "install"); err != nil {
			t.Fatalf("make install: %v\n%s", err, out)
		}
		emptyRC := filepath.Join(home, "empty.tfrc")
		if err := os.WriteFile(emptyRC, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		for name, cli := range clis {
			_, _ = initAndCheckLock(t, h, name, cli, append(env, "TF_CLI_CONFIG_FILE="+emptyRC))
		}
	})

	t.Run("filesystem mirror", func(t *testing.T) {
		guide := readDoc(t, h, "templates/guides/testing-with-the-emulator.md.tmpl")
		layout := fencedBlock(t, guide, "sh", "unzip")
		rc := fencedBlock(t, guide, "hcl", "filesystem_mirror")
		lock := fencedBlock(t, guide, "sh", "providers lock")
		dir := t.TempDir()
		mirror := filepath.Join(dir, "mirror")
		platform := runtime.GOOS + "_" + runtime.GOARCH
		docPlatform := regexp.MustCompile(`PLATFORM=\S+`)
		if !strings.Contains(layout, "/opt/terraform-plugins") || !docPlatform.MatchString(layout) {
			t.Fatalf("the guide's mirror layout block no longer sets MIRROR=/opt/terraform-plugins and PLATFORM:\n%s", layout)
		}
		layout = docPlatform.ReplaceAllString(strings.ReplaceAll(layout, "/opt/terraform-plugins", mirror), "PLATFORM="+platform)
		zipProvider(t, h.provider, filepath.Join(dir, "terraform-provider-idcsmfa_"+providerVersion+"_"+platform+".zip"))
		if out, err := run(dir, h.env(), time.Minute, "bash", "-euo", "pipefail", "-c", layout); err != nil {
			t.Fatalf("the guide's mirror layout commands: %v\n%s", err, out)
		}
		rcFile := filepath.Join(dir, "mirror.tfrc")
		if err := os.WriteFile(rcFile, []byte(strings.ReplaceAll(rc, "/opt/terraform-plugins", mirror)), 0o600); err != nil {
			t.Fatal(err)
		}
		env := h.env("TF_CLI_CONFIG_FILE=" + rcFile)
		for name, cli := range clis {
			work, out := initAndCheckLock(t, h, name, cli, env)
			// The warning the guide explains, in each CLI's words.
			warning := map[string]string{"terraform": "Incomplete lock file information", "tofu": "calculate lock file checksums locally"}[name]
			if !strings.Contains(out, warning) {
				t.Errorf("%s init from the mirror no longer warns %q, which the CI guide explains:\n%s", name, warning, out)
			}
			// The documented answer to "Incomplete lock file information": the checksums of
			// every platform from the mirror (here the one whose package it holds).
			cmd := strings.Fields(strings.ReplaceAll(lock, "/opt/terraform-plugins", mirror))
			var args []string
			for _, a := range cmd[1:] {
				if strings.HasPrefix(a, "-platform=") {
					a = "-platform=" + platform
				}
				args = append(args, a)
			}
			if out, err := run(work, env, time.Minute, cli, args...); err != nil {
				t.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
			}
			if name == "terraform" { // the guide says the lock command ends the warning
				out, err := run(work, env, time.Minute, cli, "init", "-input=false", "-no-color")
				if err != nil || strings.Contains(out, warning) {
					t.Errorf("terraform init after providers lock (%v) still warns:\n%s", err, out)
				}
			}
		}
	})
}

// initAndCheckLock runs init of a configuration that requires idcsmfa/idcsmfa and checks that
// the lock file names the provider under the CLI's own registry host.
func initAndCheckLock(t *testing.T, h *harness, name, cli string, env []string) (dir, output string) {
	t.Helper()
	work := t.TempDir()
	conf := "terraform {\n  required_providers {\n    idcsmfa = {\n      source = \"idcsmfa/idcsmfa\"\n    }\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := run(work, env, 2*time.Minute, cli, "init", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("%s init: %v\n%s", name, err, out)
	}
	host := "registry.terraform.io"
	if name == "tofu" {
		host = "registry.opentofu.org"
	}
	lock, err := os.ReadFile(filepath.Join(work, ".terraform.lock.hcl"))
	if err != nil || !strings.Contains(string(lock), `provider "`+host+`/idcsmfa/idcsmfa"`) {
		t.Fatalf("%s init wrote no lock entry for %s/idcsmfa/idcsmfa (%v):\n%s\n%s", name, host, err, lock, out)
	}
	return work, out
}

// TestEmulatorFromAnotherModule follows EMULATOR.md's recipe for using the in-process emulator
// from another Go module before the module is published: a new module with a replace to this
// checkout, EMULATOR.md's test in it, go mod tidy and go test, offline (GOFLAGS=-mod=mod; the
// emulator needs only the standard library, so nothing is fetched whatever GOPROXY says).
func TestEmulatorFromAnotherModule(t *testing.T) {
	requireRun(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	doc := readDoc(t, &harness{root: root}, "EMULATOR.md")
	recipe := fencedBlock(t, doc, "sh", "go mod edit -require")
	test := fencedBlock(t, doc, "go", "package mytests")
	dir := filepath.Join(t.TempDir(), "mytests")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "emulator_test.go"), []byte(test), 0o600); err != nil {
		t.Fatal(err)
	}
	// The clone is this checkout; the rest runs as written.
	var lines []string
	for _, l := range strings.Split(recipe, "\n") {
		if !strings.HasPrefix(l, "git clone ") {
			lines = append(lines, l)
		}
	}
	script := strings.ReplaceAll(strings.Join(lines, "\n"), "../terraform-provider-idcsmfa", root)
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := run(dir, env, 5*time.Minute, "bash", "-c", "set -euo pipefail; go mod init example.com/mytests\n"+script); err != nil {
		t.Fatalf("EMULATOR.md's recipe in a new module: %v\n%s", err, out)
	} else if !strings.Contains(out, "ok  \texample.com/mytests") {
		t.Fatalf("go test did not report the module's test as passed:\n%s", out)
	}
}

func readDoc(t *testing.T, h *harness, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(h.root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fencedBlock is the body of the one fenced block of language lang that contains marker,
// with the indentation of its fence removed.
func fencedBlock(t *testing.T, doc, lang, marker string) string {
	t.Helper()
	var found []string
	lines := strings.Split(doc, "\n")
	for i := 0; i < len(lines); i++ {
		trimmed := strings.TrimLeft(lines[i], " ")
		if trimmed != "```"+lang {
			continue
		}
		indent := len(lines[i]) - len(trimmed)
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			l := lines[i]
			if len(l) >= indent && strings.TrimSpace(l[:indent]) == "" {
				l = l[indent:]
			}
			body = append(body, l)
		}
		if text := strings.Join(body, "\n") + "\n"; strings.Contains(text, marker) {
			found = append(found, text)
		}
	}
	if len(found) != 1 {
		t.Fatalf("expected one %s block containing %q, found %d", lang, marker, len(found))
	}
	return found[0]
}

// zipProvider packs the provider binary as a release archive holds it.
func zipProvider(t *testing.T, binary, dest string) {
	t.Helper()
	in, err := os.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = in.Close() }()
	out, err := os.Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	hdr := &zip.FileHeader{Name: "terraform-provider-idcsmfa_v" + providerVersion, Method: zip.Deflate}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err == nil {
		_, err = io.Copy(w, in)
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// goEnvironment keeps the Go caches where they are when a test changes HOME, so that make
// install's build reuses them instead of compiling everything again.
func goEnvironment(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatal(err)
	}
	v := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(v) != 3 {
		t.Fatalf("go env: %q", out)
	}
	return []string{"GOCACHE=" + v[0], "GOMODCACHE=" + v[1], "GOPATH=" + v[2]}
}
