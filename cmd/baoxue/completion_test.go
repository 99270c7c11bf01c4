package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"baoxue/importer"
)

// TestCompletionScripts: each shell's script names every command and
// subcommand, the flags of a command that declares them and of one that
// does not yet, the KINDs, the global flags; and is valid for its shell
// (when the shell is installed: bash here, zsh and fish where they are).
func TestCompletionScripts(t *testing.T) {
	dir := t.TempDir()
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, errs := cli(t, dir, "completion", shell)
		if code != 0 || errs != "" {
			t.Fatalf("completion %s: exit %d: %s", shell, code, errs)
		}
		var want []string
		for _, c := range commands() {
			want = append(want, c.name)
			for _, s := range c.subs {
				want = append(want, s.name)
			}
		}
		want = append(want, importer.Kinds...)
		want = append(want, "students", "seed", "out", "force", "snapshot", "reported-dates", "dry-run", "campaign")
		for _, f := range globalFlags {
			want = append(want, f.name)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("completion %s does not mention %q", shell, w)
			}
		}
		if shell != "bash" && !strings.Contains(out, "学生人数（必填）") {
			t.Errorf("completion %s: the descriptions are not the catalog's", shell)
		}
		path := filepath.Join(dir, "baoxue."+shell)
		write(t, path, out)
		check := map[string][]string{"bash": {"-n", path}, "zsh": {"-n", path}, "fish": {"--no-execute", path}}[shell]
		if _, err := exec.LookPath(shell); err != nil {
			t.Logf("%s is not installed: its script's syntax is not checked", shell)
			continue
		}
		if b, err := exec.Command(shell, check...).CombinedOutput(); err != nil {
			t.Errorf("%s %v: %v\n%s", shell, check, err, b)
		}
	}
	if code, _, errs := cli(t, dir, "completion", "tcsh"); code != 1 || !strings.Contains(errs, `completion：不支持 "tcsh"（可用 bash、zsh 或 fish）`) {
		t.Errorf("completion tcsh: exit %d, %s", code, errs)
	}
}

// TestBashCompletion completes command lines with the bash script as bash
// would, through COMP_WORDS.
func TestBashCompletion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	_, script, _ := cli(t, dir, "completion", "bash")
	path := filepath.Join(dir, "baoxue.bash")
	write(t, path, script)
	if err := os.Mkdir(filepath.Join(dir, "city"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		line string // the words; the last is being completed
		want []string
		not  []string
	}{
		{"baoxue ", []string{"demo", "gen", "import", "rules", "eval", "migrate", "version", "help", "completion"}, nil},
		{"baoxue im", []string{"import"}, []string{"eval"}},
		{"baoxue --db file:x.db ev", []string{"eval"}, nil},
		{"baoxue import ", importer.Kinds, nil},
		{"baoxue import st", []string{"students"}, []string{"schools"}},
		{"baoxue gen --", []string{"--students", "--seed", "--out", "--force", "--db", "--lang", "--help"}, []string{"--snapshot"}},
		{"baoxue import --", []string{"--snapshot", "--allow-mass-update", "--reported", "--reported-dates"}, nil},
		{"baoxue gen --out ", []string{"city"}, nil},
		{"baoxue --lang ", []string{"zh", "en"}, nil},
		{"baoxue rules ", []string{"check", "test", "show-defaults"}, nil},
		{"baoxue rules --lang en ", []string{"check", "test", "show-defaults"}, nil},
		{"baoxue completion ", []string{"bash", "zsh", "fish"}, nil},
		{"baoxue help ", []string{"import", "rules"}, nil},
	} {
		words := strings.Split(tc.line, " ")
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, shellQuote(w))
		}
		prog := "cd " + shellQuote(dir) + " && source " + shellQuote(path) + " && COMP_WORDS=(" + strings.Join(quoted, " ") + ") && COMP_CWORD=" +
			itoa(len(words)-1) + " && _baoxue 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\""
		b, err := exec.Command("bash", "-c", prog).CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", tc.line, err, b)
		}
		got := strings.Fields(string(b))
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: %q not offered: %v", tc.line, w, got)
			}
		}
		for _, w := range tc.not {
			if slices.Contains(got, w) {
				t.Errorf("%q: %q offered: %v", tc.line, w, got)
			}
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestFishCompletion completes command lines with the fish script, through
// fish's complete -C, when fish is installed.
func TestFishCompletion(t *testing.T) {
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("fish is not installed")
	}
	dir := t.TempDir()
	_, script, _ := cli(t, dir, "completion", "fish")
	path := filepath.Join(dir, "baoxue.fish")
	write(t, path, script)
	for _, tc := range []struct {
		line string
		want []string
		not  []string
	}{
		{"baoxue ", []string{"demo", "gen", "import", "rules", "eval", "migrate", "version", "help", "completion"}, nil},
		{"baoxue --db x.db ev", []string{"eval"}, nil},
		{"baoxue import ", importer.Kinds, nil},
		{"baoxue import students baoxue.f", []string{"baoxue.fish"}, nil},
		{"baoxue gen --", []string{"--students", "--out", "--lang"}, []string{"--snapshot"}},
		{"baoxue rules ", []string{"check", "test", "show-defaults"}, []string{"eval"}},
		{"baoxue --lang ", []string{"zh", "en"}, nil},
		{"baoxue completion ", []string{"bash", "zsh", "fish"}, nil},
	} {
		cmd := exec.Command("fish", "--no-config", "-c", "source "+fishQuote(path)+"; complete -C "+fishQuote(tc.line))
		cmd.Dir = dir
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", tc.line, err, b)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			w, _, _ := strings.Cut(l, "\t")
			got = append(got, w)
		}
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: %q not offered: %v", tc.line, w, got)
			}
		}
		for _, w := range tc.not {
			if slices.Contains(got, w) {
				t.Errorf("%q: %q offered: %v", tc.line, w, got)
			}
		}
	}
}

// TestZshCompletionLoads: sourced after compinit, the zsh script registers
// its function for baoxue, when zsh is installed.
func TestZshCompletionLoads(t *testing.T) {
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Skip("zsh is not installed")
	}
	dir := t.TempDir()
	_, script, _ := cli(t, dir, "completion", "zsh")
	path := filepath.Join(dir, "baoxue.zsh")
	write(t, path, script)
	prog := "autoload -U compinit && compinit -u -d " + shellQuote(filepath.Join(dir, "zcompdump")) + " && source " + shellQuote(path) + " && print -r -- ${_comps[baoxue]}"
	b, err := exec.Command("zsh", "-f", "-c", prog).CombinedOutput()
	if err != nil || strings.TrimSpace(string(b)) != "_baoxue" {
		t.Errorf("zsh: %v\n%s", err, b)
	}
}
