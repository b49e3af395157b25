package emulator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// notPublic lists the exported names of internal/emulator that this package leaves out on
// purpose (none so far). Every other exported name must be re-exported here, so that what
// EMULATOR.md shows for in-process use works from another module.
var notPublic = map[string]bool{}

// TestEveryExportedNameIsPublic fails when internal/emulator gains an exported name that this
// package neither re-exports nor lists in notPublic. Methods come with the aliased types.
func TestEveryExportedNameIsPublic(t *testing.T) {
	internal := exportedNames(t, filepath.Join("..", "internal", "emulator"))
	public := exportedNames(t, ".")
	if len(internal) < 20 {
		t.Fatalf("found only %d exported names in internal/emulator: %v", len(internal), internal)
	}
	for name := range internal {
		if !public[name] && !notPublic[name] {
			t.Errorf("internal/emulator exports %s, which package emulator does not: re-export it in emulator/emulator.go "+
				"(or list it in notPublic with the reason)", name)
		}
	}
}

// exportedNames are the exported top-level constants, variables, types and functions (not
// methods) of the non-test Go files in dir.
func exportedNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					names[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							names[s.Name.Name] = true
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								names[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	return names
}

// TestImportableFromAnotherModule builds and runs a test in a module of its own that imports
// this package, as a user's CI would: Go refuses internal/emulator there, and this proves
// the public package is the way in.
func TestImportableFromAnotherModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds another module")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/usersci\n\ngo 1.26\n\nrequire github.com/idcsmfa/terraform-provider-idcsmfa v0.0.0\n\n" +
			"replace github.com/idcsmfa/terraform-provider-idcsmfa => " + root + "\n",
		"ci_test.go": `package usersci

import (
	"net/http/httptest"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/emulator"
)

func TestOwnDomain(t *testing.T) {
	srv := emulator.New(emulator.Config{Users: []emulator.User{{UserName: "ci-user-1", Email: "ci-user-1@example.com"}}})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	if got := srv.Users(); len(got) != 1 || got[0].UserName != "ci-user-1" {
		t.Fatalf("users: %+v", got)
	}
}
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-count=1", "./...")
	cmd.Dir = dir
	// Everything comes from this checkout and the local module cache: no network.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("a module outside this repository could not use package emulator: %v\n%s", err, out)
	}
}
