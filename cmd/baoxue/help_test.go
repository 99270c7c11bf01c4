package main

import (
	"errors"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"unicode"

	"baoxue/i18n"
	"baoxue/importer"
)

// TestHelpEveryCommand: `baoxue help CMD`, `baoxue CMD --help` and `-h`
// print the command's help on standard output and exit 0, in Chinese by
// default and in English with --lang en; so do subcommands.
func TestHelpEveryCommand(t *testing.T) {
	dir := t.TempDir()
	type topic struct {
		path []string
		c    command
	}
	var topics []topic
	for _, c := range commands() {
		topics = append(topics, topic{[]string{c.name}, c})
		for _, s := range c.subs {
			topics = append(topics, topic{[]string{c.name, s.name}, s})
		}
	}
	for _, tc := range topics {
		name := strings.Join(tc.path, " ")
		for _, args := range [][]string{
			append([]string{"help"}, tc.path...),
			append(slices.Clone(tc.path), "--help"),
			append(slices.Clone(tc.path), "-h"),
			append([]string{"--help"}, tc.path...),
		} {
			for _, lang := range []struct {
				flags                []string
				title, usage, global string
			}{
				{nil, "baoxue " + name + "：", "用法：", "全局选项（"},
				{[]string{"--lang", "en"}, "baoxue " + name + ": ", "Usage:", "Global flags ("},
			} {
				code, out, errs := cli(t, dir, append(slices.Clone(args), lang.flags...)...)
				if code != 0 || errs != "" || !strings.HasPrefix(out, lang.title) || !strings.Contains(out, lang.usage) ||
					!strings.Contains(out, "baoxue "+name) || !strings.Contains(out, lang.global) {
					t.Errorf("%v %v: exit %d\nstdout: %s\nstderr: %s", args, lang.flags, code, out, errs)
				}
			}
		}
	}
	if names := files(t, dir); len(names) > 0 {
		t.Errorf("help left %v behind", names)
	}
}

// TestHelpSaysFlags: a command's help lists its flags with their
// descriptions from the catalog, the placeholders of their values and
// their defaults.
func TestHelpSaysFlags(t *testing.T) {
	dir := t.TempDir()
	_, out, _ := cli(t, dir, "gen", "--help")
	for _, want := range []string{"用法：\n  baoxue gen [选项]\n", "--students N", "学生人数（必填）", "--seed S", "（默认 1）", "--out DIR", "--force "} {
		if !strings.Contains(out, want) {
			t.Errorf("gen --help lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = cli(t, dir, "--lang", "en", "help", "gen")
	for _, want := range []string{"Usage:\n  baoxue gen [flags]\n", "--students N", "number of students (required)", " (default 1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("help gen --lang en lacks %q:\n%s", want, out)
		}
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"help", "eval"}, []string{"--at DATE ", "评估日期：", "--dry-run ", "不写入数据库", "--campaign march|may|september ", "--json ", "--force ", "--retire "}},
		{[]string{"demo", "-h"}, []string{"--students N ", "模拟区县的学生人数（默认 5000）", "--seed S "}},
		{[]string{"help", "import"}, []string{"--snapshot ", "完整的学籍名册", "--allow-mass-update ", "10% 的姓名", "--reported ", "--reported-dates FROM..TO "}},
		{[]string{"alerts", "--help"}, []string{"--open ", "--resolved ", "--retired ", "--school S ", "--center C ", "--rule R ", "--since DATE ", "--json "}},
		{[]string{"help", "tasks"}, []string{"--open ", "--overdue ", "--closed ", "--teacher T ", "--school S ", "--at DATE ", "--json "}},
		{[]string{"help", "runs"}, []string{"--limit N ", "0 表示全部（默认 20）", "--json "}},
		{[]string{"help", "rules", "test"}, []string{"baoxue rules test [选项] FILE...", "  -v  打印每个预期触发的 message"}},
		{[]string{"--lang", "en", "help", "runs"}, []string{"--limit N  list at most this many of the latest runs (0: all) (default 20)"}},
	} {
		_, out, _ = cli(t, dir, tc.args...)
		for _, want := range tc.want {
			if !strings.Contains(out, want) {
				t.Errorf("%v lacks %q:\n%s", tc.args, want, out)
			}
		}
	}
	_, out, _ = cli(t, dir, "rules", "--help")
	for _, want := range []string{"baoxue rules check [PATH...]", "baoxue rules test [选项] FILE...", "baoxue rules show-defaults", "子命令："} {
		if !strings.Contains(out, want) {
			t.Errorf("rules --help lacks %q:\n%s", want, out)
		}
	}
	// The overview lists every command and global flag.
	_, out, _ = cli(t, dir)
	for _, c := range commands() {
		if !strings.Contains(out, "\n  "+c.name+" ") {
			t.Errorf("the overview lacks %s:\n%s", c.name, out)
		}
	}
	for _, f := range globalFlags {
		if !strings.Contains(out, "--"+f.name+" "+f.arg) {
			t.Errorf("the overview lacks --%s:\n%s", f.name, out)
		}
	}
}

// TestImportHelpListsKinds: import --help lists every KIND with its
// required columns.
func TestImportHelpListsKinds(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"import", "--help"}, {"help", "import"}, {"import", "students", "-h", "--lang", "en"}} {
		code, out, _ := cli(t, dir, args...)
		if code != 0 || !strings.Contains(out, "baoxue import [") || !strings.Contains(out, "KIND FILE...") {
			t.Fatalf("%v: exit %d\n%s", args, code, out)
		}
		for _, k := range importer.Kinds {
			req, _, err := importer.Columns(k)
			if err != nil {
				t.Fatal(err)
			}
			line := k + strings.Repeat(" ", len("home-teaching")-len(k)) + "  " + strings.Join(req, ", ") + "\n"
			if !strings.Contains(out, "\n  "+line) {
				t.Errorf("%v: no line %q:\n%s", args, line, out)
			}
		}
	}
}

// TestHelpErrors: help of what is not there is bad input, in Chinese.
func TestHelpErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"help", "frobnicate"}, `baoxue：没有 "frobnicate" 这个命令`},
		{[]string{"help", "ledger"}, "baoxue ledger：这个版本还没有这个命令"},
		{[]string{"help", "rules", "lint"}, `baoxue rules：没有 "lint" 这个子命令（可用：check test show-defaults）`},
	} {
		if code, out, errs := cli(t, dir, tc.args...); code != 1 || out != "" || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 1 and %q", tc.args, code, out, errs, tc.want)
		}
	}
}

// TestErrorsAreChinese: the command line's failures say so in Chinese by
// default: an unknown command, a missing database, a bad flag, a bad
// language, a missing configuration.
func TestErrorsAreChinese(t *testing.T) {
	dir := t.TempDir()
	english := []string{" the ", "unknown", "not ", "want", "flag", "database", "no such", "usage", "provided"}
	for _, args := range [][]string{
		{"frobnicate"},
		{"serve"},
		{"eval", "--at", "2026-03-10"},
		{"--db", "file:none.db", "eval", "--dry-run"},
		{"eval", "--jsn"},
		{"gen", "--students", "x"},
		{"gen", "--students", "5"},
		{"gen", "extra"},
		{"migrate", "now"},
		{"--lang", "fr", "help"},
		{"--lock-timeout", "soon", "eval"},
		{"--config", "missing.yaml", "eval"},
		{"completion"},
		{"completion", "tcsh"},
		{"import", "--snapshot", "attendance", "a.csv"},
		{"alerts", "--open", "--retired"},
		{"tasks", "--at", "tomorrow"},
		{"runs", "--limit", "-1"},
		{"rules", "check", "--strict"},
		{"rules", "test", "--verbose"},
		{"rules", "show-defaults", "extra"},
		{"demo", "--students", "many"},
	} {
		code, out, errs := cli(t, dir, args...)
		if code != 1 || out != "" || !strings.ContainsFunc(errs, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 1 and Chinese", args, code, out, errs)
		}
		for _, w := range english {
			if strings.Contains(strings.ToLower(errs), w) {
				t.Errorf("%v: %q in %q", args, w, errs)
			}
		}
	}
}

// TestChooseLang: --lang before BAOXUE_LANG before lang: in baoxue.yaml
// before Chinese; a value that is not a language is an error, said in the
// language of the sources after it.
func TestChooseLang(t *testing.T) {
	for _, tc := range []struct {
		flag, env, cfg string
		want           i18n.Lang
		err            bool
	}{
		{"", "", "", i18n.Chinese, false},
		{"", "", "en", i18n.English, false},
		{"", "en", "zh", i18n.English, false},
		{"zh", "en", "en", i18n.Chinese, false},
		{"en", "", "", i18n.English, false},
		{"", "en_US.UTF-8", "", i18n.English, false},
		{"fr", "", "", i18n.Chinese, true},
		{"fr", "en", "", i18n.English, true},
		{"", "fr", "en", i18n.English, true},
		{"en", "fr", "", i18n.English, false},
	} {
		got, err := chooseLang(tc.flag, tc.env, tc.cfg)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("chooseLang(%q, %q, %q) = %q, %v; want %q, error %v", tc.flag, tc.env, tc.cfg, got, err, tc.want, tc.err)
		}
	}
}

// TestLangSelection: the language of what the command line prints, as a
// person chooses it.
func TestLangSelection(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		env    string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"", []string{"help"}, 0, "用法：", ""},
		{"en", []string{"help"}, 0, "Usage:", ""},
		{"en", []string{"--lang", "zh", "help"}, 0, "用法：", ""},
		{"zh", []string{"help", "--lang=en"}, 0, "Usage:", ""},
		{"", []string{"-lang", "en", "frobnicate"}, 1, "", `baoxue: unknown command "frobnicate"`},
		{"en", []string{"frobnicate"}, 1, "", `baoxue: unknown command "frobnicate"`},
		{"", []string{"--lang", "fr", "help"}, 1, "", `baoxue：--lang：不支持的语言 "fr"（可用 zh 或 en）`},
		{"en", []string{"--lang", "fr", "help"}, 1, "", `baoxue: --lang: unknown language "fr" (zh or en)`},
		{"de", []string{"help"}, 1, "", `baoxue：BAOXUE_LANG：不支持的语言 "de"`},
		{"", []string{"--lang"}, 1, "", "baoxue：选项 --lang 需要一个值"},
		// A global flag's error is said in the language chosen after it.
		{"", []string{"eval", "--lock-timeout", "soon", "--lang", "en"}, 1, "", `baoxue: flag --lock-timeout "soon": want a duration`},
	} {
		t.Setenv(langEnv, tc.env)
		code, out, errs := cli(t, dir, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errs, tc.stderr) {
			t.Errorf("%s=%s %v: exit %d\nstdout: %s\nstderr: %s\nwant %d, stdout ~ %q, stderr ~ %q", langEnv, tc.env, tc.args, code, out, errs, tc.code, tc.stdout, tc.stderr)
		}
	}
}

// TestVersion: version and --version print the module version, the VCS
// revision (marked when built with changes not committed), its time and
// the Go version, saying "unknown" in the reader's language for what the
// build does not record.
func TestVersion(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, out, errs := cli(t, dir, args...)
		if code != 0 || errs != "" || !strings.HasPrefix(out, "baoxue ") || !strings.Contains(out, "\n修订：") ||
			!strings.Contains(out, "\n提交时间：") || !strings.Contains(out, "\nGo 版本：go") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "baoxue", Version: "v1.2.3"}, Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-03-10T08:09:10Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	for _, tc := range []struct {
		lang i18n.Lang
		bi   *debug.BuildInfo
		want string
	}{
		{i18n.Chinese, bi, "baoxue v1.2.3\n修订：0123456789abcdef0123456789abcdef01234567（构建时有未提交的修改）\n提交时间：2026-03-10 08:09:10 UTC\nGo 版本：go1.26.8\n"},
		{i18n.English, bi, "baoxue v1.2.3\nrevision: 0123456789abcdef0123456789abcdef01234567 (dirty: built with uncommitted changes)\ncommit time: 2026-03-10 08:09:10 UTC\ngo version: go1.26.8\n"},
		{i18n.Chinese, nil, "baoxue (devel)\n修订：未知\n提交时间：未知\nGo 版本：未知\n"},
		{i18n.English, &debug.BuildInfo{GoVersion: "go1.26.8"}, "baoxue (devel)\nrevision: unknown\ncommit time: unknown\ngo version: go1.26.8\n"},
	} {
		bi := tc.bi
		if bi != nil && len(bi.Settings) > 0 && tc.lang == i18n.English {
			// A clean tree is not marked.
			clean := *bi
			clean.Settings = slices.DeleteFunc(slices.Clone(bi.Settings), func(s debug.BuildSetting) bool { return s.Key == "vcs.modified" })
			got := render1(i18n.NewPrinter(tc.lang), versionLines(&clean))
			if !strings.Contains(got, "revision: 0123456789abcdef0123456789abcdef01234567\n") {
				t.Errorf("clean tree: %q", got)
			}
		}
		if got := render1(i18n.NewPrinter(tc.lang), versionLines(bi)); got != tc.want {
			t.Errorf("%s: %q\nwant %q", tc.lang, got, tc.want)
		}
	}
}

func render1(p *i18n.Printer, lines []i18n.Message) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(p.Text(l) + "\n")
	}
	return b.String()
}

// TestFlagErrorsKeepTheirCause: a flag error is bad input and still
// wraps the flag package's error.
func TestFlagErrorsKeepTheirCause(t *testing.T) {
	fs := newFlags("gen", nil)
	new(genFlags).define(fs)
	_, err := parseFlags(fs, []string{"--students", "x"})
	var fe flagError
	if !errors.As(err, &fe) || !strings.Contains(fe.err.Error(), "invalid value") {
		t.Errorf("err = %v", err)
	}
	if _, err := parseFlags(fs, []string{"-h"}); !errors.As(err, new(helpRequested)) {
		t.Errorf("-h: %v", err)
	}
}
