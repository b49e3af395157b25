package examplescheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestRelativeLinks checks every relative link of README.md, EMULATOR.md and docs/ as a
// repository host renders them (README sends readers to docs/ there): the file or directory
// must exist, a link to a page must name its .md file (guides/activation-flows, which the
// Terraform Registry would resolve, is a 404 on the repository host), and an #anchor must be a
// heading (or an explicit anchor) of the page it points to. It reads files only: make test runs it.
func TestRelativeLinks(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(root, "README.md"), filepath.Join(root, "EMULATOR.md")}
	err = filepath.WalkDir(filepath.Join(root, "docs"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, file := range files {
		rel, _ := filepath.Rel(root, file)
		for _, l := range markdownLinks(t, file) {
			checked++
			if msg := checkLink(root, file, l.target); msg != "" {
				t.Errorf("%s:%d: link %q: %s", rel, l.line, l.target, msg)
			}
		}
	}
	if checked < 50 {
		t.Fatalf("found only %d relative links in %d files: is the link parser broken?", checked, len(files))
	}
	t.Logf("%d relative links in %d files", checked, len(files))
}

type mdLink struct {
	line   int
	target string
}

var (
	inlineLinkRegexp = regexp.MustCompile(`\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	refLinkRegexp    = regexp.MustCompile(`^\s*\[[^\]]+\]:\s*(\S+)`)
	inlineCodeRegexp = regexp.MustCompile("`[^`]*`")
	schemeRegexp     = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// markdownLinks lists the relative link targets of a Markdown file, outside code blocks and
// inline code.
func markdownLinks(t *testing.T, file string) []mdLink {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var links []mdLink
	for i, line := range proseLines(string(b)) {
		if line == "" {
			continue
		}
		line = inlineCodeRegexp.ReplaceAllString(line, "")
		var targets []string
		for _, m := range inlineLinkRegexp.FindAllStringSubmatch(line, -1) {
			targets = append(targets, m[1])
		}
		if m := refLinkRegexp.FindStringSubmatch(line); m != nil {
			targets = append(targets, m[1])
		}
		for _, target := range targets {
			if !schemeRegexp.MatchString(target) && !strings.HasPrefix(target, "//") {
				links = append(links, mdLink{line: i + 1, target: target})
			}
		}
	}
	return links
}

// checkLink returns what is wrong with a relative link of file, or "".
func checkLink(root, file, target string) string {
	pathPart, anchor, _ := strings.Cut(target, "#")
	dest := file
	if pathPart != "" {
		if strings.HasPrefix(pathPart, "/") {
			return "an absolute path: it resolves against the host, not the repository; use a relative one"
		}
		dest = filepath.Join(filepath.Dir(file), filepath.FromSlash(pathPart))
		if rel, err := filepath.Rel(root, dest); err != nil || strings.HasPrefix(rel, "..") {
			return "points outside the repository"
		}
		info, err := os.Stat(dest)
		if err != nil {
			if _, err := os.Stat(dest + ".md"); err == nil {
				return fmt.Sprintf("no such file; write %s.md (the repository host does not add .md)", pathPart)
			}
			return "no such file or directory"
		}
		if info.IsDir() {
			if anchor != "" {
				return "an anchor on a directory"
			}
			return ""
		}
	}
	if anchor == "" || !strings.HasSuffix(dest, ".md") {
		return ""
	}
	anchors, err := markdownAnchors(dest)
	if err != nil {
		return err.Error()
	}
	if !anchors[anchor] {
		return fmt.Sprintf("no heading or anchor #%s in %s", anchor, filepath.Base(dest))
	}
	return ""
}

var (
	headingRegexp    = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)
	htmlAnchorRegexp = regexp.MustCompile(`<a\s+(?:name|id)="([^"]+)"`)
	mdLinkTextRegexp = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

// markdownAnchors are the anchors a repository host gives a page: one per heading (GitHub's
// slugs: lower case, punctuation dropped, spaces as hyphens, -1, -2... for repeats) and
// explicit <a name> or <a id> anchors.
func markdownAnchors(file string) (map[string]bool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	anchors := map[string]bool{}
	seen := map[string]int{}
	for _, line := range proseLines(string(b)) {
		for _, m := range htmlAnchorRegexp.FindAllStringSubmatch(line, -1) {
			anchors[m[1]] = true
		}
		m := headingRegexp.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		slug := headingSlug(m[1])
		if n := seen[slug]; n > 0 {
			anchors[fmt.Sprintf("%s-%d", slug, n)] = true
		} else {
			anchors[slug] = true
		}
		seen[slug]++
	}
	return anchors, nil
}

// headingSlug is GitHub's anchor for a heading's text.
func headingSlug(text string) string {
	text = mdLinkTextRegexp.ReplaceAllString(text, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}

// proseLines is the file's lines with those of fenced code blocks (and their fences) blanked,
// so that line numbers stay those of the file.
func proseLines(text string) []string {
	lines := strings.Split(text, "\n")
	fence := ""
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		switch {
		case fence != "":
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			lines[i] = ""
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			fence = trimmed[:3]
			lines[i] = ""
		}
	}
	return lines
}
