package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"baoxue/i18n"
)

// topic is a command or subcommand as help knows it: its path (["rules",
// "test"]), its registry entry and the entry whose run runs it (the
// parent's, for a subcommand).
type topic struct {
	path   []string
	c, run command
}

// topics lists every command and subcommand of the registry.
func topics() []topic {
	var out []topic
	for _, c := range commands() {
		out = append(out, topic{[]string{c.name}, c, c})
		for _, s := range c.subs {
			out = append(out, topic{[]string{c.name, s.name}, s, c})
		}
	}
	return out
}

// TestFlagsAreInTheCatalog: every command declares its flags in the
// registry, and every flag's usage is a catalog key (optionally followed
// by the placeholder of its value) that has every language.
func TestFlagsAreInTheCatalog(t *testing.T) {
	for _, tc := range topics() {
		name := strings.Join(tc.path, " ")
		if tc.c.flags == nil {
			t.Errorf("%s: the registry declares no flags (noFlags for a command without flags)", name)
			continue
		}
		flagSetOf(tc.c).VisitAll(func(f *flag.Flag) {
			key, arg, _ := strings.Cut(f.Usage, " ")
			for _, lang := range i18n.Langs() {
				if !i18n.Has(lang, key) {
					t.Errorf("%s --%s: usage %q: %q is not a catalog key in %s", name, f.Name, f.Usage, key, lang)
				}
			}
			if strings.Contains(arg, " ") {
				t.Errorf("%s --%s: placeholder %q has a space", name, f.Name, arg)
			}
		})
	}
}

// TestDeclaredFlagsAreParsed: the flags the registry declares, which help
// and completion show, are those the command parses: its run, asked for
// --help, returns the same flags, with the same usage and defaults; a
// command that parses no flags declares none.
func TestDeclaredFlagsAreParsed(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range topics() {
		name := strings.Join(tc.path, " ")
		declared := flagSetOf(tc.c)
		// No configuration and a database that cannot be made: a command
		// that does not stop at --help touches nothing.
		a := &app{global: global{config: filepath.Join(dir, "baoxue.yaml"), db: "file:" + filepath.Join(dir, "none", "x.db")},
			name: tc.run.name, stdout: io.Discard, stderr: io.Discard, p: i18n.Default()}
		err := tc.run.run(context.Background(), a, append(slices.Clone(tc.path[1:]), "--help"))
		a.close()
		var h helpRequested
		if !errors.As(err, &h) {
			declared.VisitAll(func(f *flag.Flag) {
				t.Errorf("%s: declares --%s but parses no flags (%v)", name, f.Name, err)
			})
			continue
		}
		h.fs.VisitAll(func(f *flag.Flag) {
			d := declared.Lookup(f.Name)
			switch {
			case d == nil:
				t.Errorf("%s: parses --%s, which the registry does not declare", name, f.Name)
			case d.Usage != f.Usage || d.DefValue != f.DefValue:
				t.Errorf("%s --%s: declared %q (default %q), parsed %q (default %q)", name, f.Name, d.Usage, d.DefValue, f.Usage, f.DefValue)
			}
		})
		declared.VisitAll(func(f *flag.Flag) {
			if h.fs.Lookup(f.Name) == nil {
				t.Errorf("%s: declares --%s, which it does not parse", name, f.Name)
			}
		})
	}
	if names := files(t, dir); len(names) > 0 {
		t.Errorf("asking for flags left %v behind", names)
	}
}

// englishSentence finds three English words in a row, once help's
// interfaces are taken out of a text (see helpProse).
var englishSentence = regexp.MustCompile(`[A-Za-z']+(?: [A-Za-z']+){2,}`)

// helpProse returns what a person reads as sentences in a help text: its
// lines without the usage lines ("  baoxue …"), commands ("baoxue rules
// check"), flags (--at, -v) and placeholders (DATE, FILE..., FROM..TO,
// KIND, JSON).
func helpProse(out string) string {
	var b strings.Builder
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "  baoxue ") {
			continue
		}
		b.WriteString(line + "\n")
	}
	s := b.String()
	for _, tc := range topics() {
		s = strings.ReplaceAll(s, "baoxue "+strings.Join(tc.path, " "), "")
	}
	s = regexp.MustCompile(`-{1,2}[a-z][a-z-]*`).ReplaceAllString(s, "")
	return regexp.MustCompile(`\b[A-Z][A-Z.|_]*\b`).ReplaceAllString(s, "")
}

// TestHelpIsChinese: help, and the help of every command and subcommand,
// says no English sentence by default; with --lang en, a command's flags
// are described in English.
func TestHelpIsChinese(t *testing.T) {
	dir := t.TempDir()
	if englishSentence.FindString(helpProse("  --at DATE  evaluation date (default: today in the configured timezone)\n")) == "" {
		t.Fatal("helpProse hides English")
	}
	paths := [][]string{nil}
	for _, tc := range topics() {
		paths = append(paths, tc.path)
	}
	for _, path := range paths {
		code, out, errs := cli(t, dir, append([]string{"help"}, path...)...)
		if code != 0 || errs != "" {
			t.Fatalf("help %v: exit %d\n%s", path, code, errs)
		}
		if m := englishSentence.FindAllString(helpProse(out), -1); len(m) > 0 {
			t.Errorf("help %v says English %q:\n%s", path, m, out)
		}
	}
	_, out, _ := cli(t, dir, "help", "eval", "--lang", "en")
	for _, want := range []string{"--at DATE", "evaluation date: 2026-03-09", "--campaign march|may|september", "compute and print, write and send nothing"} {
		if !strings.Contains(out, want) {
			t.Errorf("help eval --lang en lacks %q:\n%s", want, out)
		}
	}
}
