package examplescheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReleaseCarriesTheEmulator keeps the promise of README.md and the CI guide: each release
// has idcs-emulator archives named idcs-emulator_<version>_<os>_<arch>, built from the command.
// (goreleaser itself is not installed here; its snapshot build was checked by hand.)
func TestReleaseCarriesTheEmulator(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(b)
	for _, want := range []string{
		"main: ./internal/cmd/idcs-emulator",
		"binary: idcs-emulator",
		`name_template: "idcs-emulator_{{ .Version }}_{{ .Os }}_{{ .Arch }}"`,
		"ids: [idcs-emulator]",
		"ids: [provider]",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf(".goreleaser.yml lacks %q: the docs promise an idcs-emulator archive per platform in each release", want)
		}
	}
}
