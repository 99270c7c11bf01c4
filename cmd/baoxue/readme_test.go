package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
)

// README.md's ```console blocks are transcripts: a line "$ COMMAND" is run
// (a line ending in \ continues it, a here-document runs to its delimiter)
// and the lines after it, up to the next "$ ", are its output, standard
// output and standard error together as a terminal shows them. In the
// output a line "…" stands for any number of lines and "…" within a line
// for any text (a path, a duration, a random key). A console block right
// after a line "<!-- not run: REASON -->" is not run (PostgreSQL, network).
// Other blocks (```sh, ```yaml, ```text) are not run.

// TestREADMEWalkthrough runs README.md's console blocks in order, as a
// reader would, in a directory holding the repository's files (the README
// is run from the checkout): the first builds ./baoxue with go build, and
// every command must exit 0 and print what the README shows. What they
// create must be covered by .gitignore, so that a walkthrough in the
// checkout leaves `git status` clean.
func TestREADMEWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the README's walkthrough builds baoxue and imports a district")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to run the README's commands")
	}
	root := readmeRoot(t)
	ignore := readmeGitignore(t, root)
	dir := t.TempDir()
	linked := map[string]bool{}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		// Not the checkout's own walkthrough leftovers, nor a local
		// configuration that would change what the commands do.
		if strings.HasPrefix(name, ".") || name == "baoxue.yaml" || readmeIgnored(ignore, name, e.IsDir()) {
			continue
		}
		if err := os.Symlink(filepath.Join(root, name), filepath.Join(dir, name)); err != nil {
			t.Skipf("no symlink to the repository: %v", err)
		}
		linked[name] = true
	}
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BAOXUE_") {
			env = append(env, kv)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	var ran []string
	reported := map[string]bool{}
	for _, b := range readmeBlocks(t, readmeText(t, root, "README.md")) {
		if b.info != "console" || b.skip != "" {
			continue
		}
		for _, c := range readmeCommands(t, b) {
			cmd := exec.CommandContext(ctx, bash, "-c", c.cmd)
			cmd.Dir = dir
			cmd.Env = env
			var out bytes.Buffer
			cmd.Stdout = &out
			cmd.Stderr = &out
			start := time.Now()
			err := cmd.Run()
			t.Logf("README.md:%d: %s (%.1fs)", c.line, strings.SplitN(c.cmd, "\n", 2)[0], time.Since(start).Seconds())
			got := out.String()
			if err != nil {
				t.Fatalf("README.md:%d: $ %s\n%v\n%s", c.line, c.cmd, err, readmeHead(got))
			}
			if !readmeMatch(c.want, readmeLines(got)) {
				t.Errorf("README.md:%d: $ %s\nthe README shows:\n%s\nthe command printed:\n%s",
					c.line, c.cmd, strings.Join(c.want, "\n"), readmeHead(got))
			}
			ran = append(ran, c.cmd)
			now, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range now {
				if name := e.Name(); !linked[name] && !reported[name] && !readmeIgnored(ignore, name, e.IsDir()) {
					reported[name] = true
					t.Errorf("README.md:%d: $ %s\nmade %s, which .gitignore does not cover", c.line, strings.SplitN(c.cmd, "\n", 2)[0], name)
				}
			}
		}
	}
	// The walkthrough shows every command a newcomer needs.
	all := strings.Join(ran, "\n")
	for _, want := range []string{
		"go build -o baoxue ./cmd/baoxue", "./baoxue demo", " eval --at ", "--dry-run", "--json",
		" alerts ", " tasks ", " runs", "rules show-defaults", "rules check", "rules test -v",
		"gen --students", " import ", " migrate", "./baoxue help", "./baoxue version",
		"completion bash", "--lang en", "BAOXUE_LANG=en",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no console block of the README runs %q", want)
		}
	}
}

// TestREADMELinks: the README starts with the two commands that work on a
// fresh machine with Go, its table of contents matches its headings, and
// its links lead to files that exist (and headings in them).
func TestREADMELinks(t *testing.T) {
	root := readmeRoot(t)
	readme := readmeText(t, root, "README.md")
	blocks := readmeBlocks(t, readme)
	if len(blocks) == 0 {
		t.Fatal("README.md has no code blocks")
	}
	var first []string
	for _, l := range blocks[0].lines {
		if cmd, _, _ := strings.Cut(l, "#"); strings.TrimSpace(cmd) != "" {
			first = append(first, strings.Join(strings.Fields(cmd), " "))
		}
	}
	if want := []string{"go run ./cmd/baoxue demo", "go test ./..."}; fmt.Sprint(first) != fmt.Sprint(want) {
		t.Errorf("README.md's first block runs %q, want %q", first, want)
	}
	anchors := readmeAnchors(readme)
	toc := 0
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for i, line := range readmeProse(readme) {
		for _, m := range link.FindAllStringSubmatch(line, -1) {
			target := m[1]
			if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			have := anchors
			if path != "" {
				if _, err := os.Stat(filepath.Join(root, path)); err != nil {
					t.Errorf("README.md:%d: link to %s: %v", i+1, path, err)
					continue
				}
				if anchor == "" || !strings.HasSuffix(path, ".md") {
					continue
				}
				have = readmeAnchors(readmeText(t, root, path))
			} else {
				toc++
			}
			if !have[anchor] {
				t.Errorf("README.md:%d: link to %s: no heading makes the anchor #%s", i+1, target, anchor)
			}
		}
	}
	// Every section is in the table of contents, a list of links.
	var items []string
	for _, line := range readmeProse(readme) {
		if strings.HasPrefix(line, "- [") {
			items = append(items, line)
		}
	}
	contents := strings.Join(items, "\n")
	for _, line := range readmeProse(readme) {
		if h, ok := strings.CutPrefix(line, "## "); ok && !strings.Contains(contents, "](#"+readmeSlug(h)+")") {
			t.Errorf("README.md: the table of contents does not list %q", h)
		}
	}
	if toc == 0 {
		t.Error("README.md has no table of contents")
	}
}

type readmeBlock struct {
	info  string // the fence's info string: console, sh, yaml, …
	skip  string // the reason of a <!-- not run: REASON --> before it
	line  int    // the line of its first line of content
	lines []string
}

type readmeCommand struct {
	line int // of the "$ "
	cmd  string
	want []string
}

func readmeRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func readmeText(t *testing.T, root, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var readmeNotRun = regexp.MustCompile(`^<!--\s*not run:\s*(.*?)\s*-->$`)

// readmeBlocks returns the fenced code blocks of a Markdown text.
func readmeBlocks(t *testing.T, text string) []readmeBlock {
	t.Helper()
	var blocks []readmeBlock
	var cur *readmeBlock
	prev := ""
	for i, line := range strings.Split(text, "\n") {
		if cur != nil {
			if strings.TrimSpace(line) == "```" {
				blocks = append(blocks, *cur)
				cur = nil
				continue
			}
			cur.lines = append(cur.lines, line)
			continue
		}
		if info, ok := strings.CutPrefix(line, "```"); ok {
			cur = &readmeBlock{info: strings.TrimSpace(info), line: i + 2}
			if m := readmeNotRun.FindStringSubmatch(strings.TrimSpace(prev)); m != nil {
				cur.skip = m[1]
			}
			continue
		}
		if strings.TrimSpace(line) != "" {
			prev = line
		}
	}
	if cur != nil {
		t.Fatalf("README.md:%d: a code block that never closes", cur.line-1)
	}
	return blocks
}

var readmeHeredoc = regexp.MustCompile(`<<-?\s*['"]?(\w+)['"]?`)

// readmeCommands splits a console block into its commands and outputs.
func readmeCommands(t *testing.T, b readmeBlock) []readmeCommand {
	t.Helper()
	var cmds []readmeCommand
	for i := 0; i < len(b.lines); i++ {
		line := b.lines[i]
		cmd, ok := strings.CutPrefix(line, "$ ")
		if !ok {
			if len(cmds) == 0 {
				t.Fatalf("README.md:%d: output before any command in a console block", b.line+i)
			}
			c := &cmds[len(cmds)-1]
			c.want = append(c.want, line)
			continue
		}
		c := readmeCommand{line: b.line + i, cmd: cmd}
		for strings.HasSuffix(c.cmd, `\`) && i+1 < len(b.lines) {
			i++
			c.cmd += "\n" + b.lines[i]
		}
		if m := readmeHeredoc.FindStringSubmatch(c.cmd); m != nil {
			for {
				i++
				if i == len(b.lines) {
					t.Fatalf("README.md:%d: here-document without its %s", c.line, m[1])
				}
				c.cmd += "\n" + b.lines[i]
				if b.lines[i] == m[1] {
					break
				}
			}
		}
		cmds = append(cmds, c)
	}
	for i := range cmds {
		cmds[i].want = readmeLines(strings.Join(cmds[i].want, "\n"))
	}
	return cmds
}

// readmeLines splits output into lines without trailing spaces (which an
// editor may drop from the README) or trailing empty lines.
func readmeLines(s string) []string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// readmeMatch reports whether got is what want shows: "…" alone on a line
// is any number of lines, "…" within a line any text.
func readmeMatch(want, got []string) bool {
	memo := map[[2]int]bool{}
	var match func(i, j int) bool
	match = func(i, j int) bool {
		if i == len(want) {
			return j == len(got)
		}
		k := [2]int{i, j}
		if v, ok := memo[k]; ok {
			return v
		}
		var ok bool
		if strings.TrimSpace(want[i]) == "…" {
			ok = match(i+1, j) || (j < len(got) && match(i, j+1))
		} else {
			ok = j < len(got) && readmeLineMatch(want[i], got[j]) && match(i+1, j+1)
		}
		memo[k] = ok
		return ok
	}
	return match(0, 0)
}

func readmeLineMatch(want, got string) bool {
	parts := strings.Split(want, "…")
	if len(parts) == 1 {
		return want == got
	}
	rest, ok := strings.CutPrefix(got, parts[0])
	if !ok {
		return false
	}
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return strings.HasSuffix(rest, parts[len(parts)-1])
}

// readmeHead is s for a failure message: its first and last 30 lines.
func readmeHead(s string) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > 60 {
		return strings.Join(lines[:30], "") + fmt.Sprintf("[%d lines]\n", len(lines)-60) + strings.Join(lines[len(lines)-30:], "")
	}
	return s
}

// readmeGitignore returns the patterns of the repository's .gitignore.
func readmeGitignore(t *testing.T, root string) []string {
	t.Helper()
	var patterns []string
	for _, l := range strings.Split(readmeText(t, root, ".gitignore"), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			if strings.HasPrefix(l, "!") {
				t.Fatalf(".gitignore: %s: negation is beyond this test's reading", l)
			}
			patterns = append(patterns, l)
		}
	}
	return patterns
}

// readmeIgnored reports whether .gitignore's patterns cover name, an entry
// at the top of the checkout.
func readmeIgnored(patterns []string, name string, dir bool) bool {
	for _, p := range patterns {
		dirOnly := strings.HasSuffix(p, "/")
		p = strings.TrimPrefix(strings.TrimSuffix(p, "/"), "/")
		if strings.Contains(p, "/") || (dirOnly && !dir) {
			continue
		}
		if ok, _ := filepath.Match(p, name); ok {
			return true
		}
	}
	return false
}

// readmeProse returns the lines of a Markdown text with the lines of code
// blocks blanked, so that line numbers stay.
func readmeProse(text string) []string {
	lines := strings.Split(text, "\n")
	in := false
	for i, l := range lines {
		if strings.HasPrefix(l, "```") || (in && strings.TrimSpace(l) == "```") {
			in = !in
			lines[i] = ""
			continue
		}
		if in {
			lines[i] = ""
		}
	}
	return lines
}

// readmeAnchors returns the anchors GitHub makes of a Markdown text's
// headings.
func readmeAnchors(text string) map[string]bool {
	anchors := map[string]bool{}
	for _, l := range readmeProse(text) {
		h := strings.TrimLeft(l, "#")
		if h == l || !strings.HasPrefix(h, " ") {
			continue
		}
		a := readmeSlug(strings.TrimSpace(h))
		for n, s := 1, a; ; n++ {
			if !anchors[s] {
				anchors[s] = true
				break
			}
			s = fmt.Sprintf("%s-%d", a, n)
		}
	}
	return anchors
}

// readmeSlug is GitHub's anchor of a heading: lower case, with letters,
// digits, '-' and '_' kept, spaces made '-', everything else dropped.
func readmeSlug(h string) string {
	h = strings.ReplaceAll(h, "`", "")
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
