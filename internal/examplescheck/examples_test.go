package examplescheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamplesValidate builds the provider, points terraform at it with dev_overrides (no
// registry access), and runs `terraform validate` in every directory of examples/ that holds
// .tf files. Docs are generated from these files, so a broken example is a broken doc page.
func TestExamplesValidate(t *testing.T) {
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("terraform CLI not found: set TF_ACC_TERRAFORM_PATH or put terraform 1.11+ on PATH")
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	plugins := filepath.Join(work, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-idcsmfa"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(work, "terraformrc")
	rc := "provider_installation {\n  dev_overrides {\n    \"idcsmfa/idcsmfa\" = \"" + plugins + "\"\n  }\n  direct {}\n}\n"
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}

	dirs := exampleDirs(t, filepath.Join(root, "examples"))
	if len(dirs) < 5 {
		t.Fatalf("found only %d example directories under examples/: %v", len(dirs), dirs)
	}
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			copyDir := filepath.Join(work, strings.ReplaceAll(rel, string(filepath.Separator), "_"))
			copyTF(t, dir, copyDir)
			if !declaresProvider(t, copyDir) {
				// Resource and data-source snippets rely on the provider's implied source;
				// give them the required_providers block a real configuration has.
				block := "terraform {\n  required_providers {\n    idcsmfa = { source = \"idcsmfa/idcsmfa\" }\n  }\n}\n"
				if err := os.WriteFile(filepath.Join(copyDir, "zz_providers.tf"), []byte(block), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(tf, "validate", "-no-color")
			cmd.Dir = copyDir
			cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "The configuration is valid") {
				t.Fatalf("terraform validate in %s failed: %v\n%s", rel, err, out)
			}
		})
	}
}

func exampleDirs(t *testing.T, base string) []string {
	t.Helper()
	seen := map[string]bool{}
	var dirs []string
	err := filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".tf") && !seen[filepath.Dir(path)] {
			seen[filepath.Dir(path)] = true
			dirs = append(dirs, filepath.Dir(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

func copyTF(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func declaresProvider(t *testing.T, dir string) bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "required_providers") {
			return true
		}
	}
	return false
}
