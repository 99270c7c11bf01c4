package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"baoxue/i18n"
)

// TestRulesCommand: `rules check` and `rules test` speak Chinese by
// default, `rules test -v` prints the message of each expected firing, and
// the command's own mistakes are bad input.
func TestRulesCommand(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "r.yaml"), `rules:
  - id: grade9-absence
    name: 初三学生缺勤
    severity: high
    when: student.grade == 9 && absences(14) >= 2
    message: "{{.student.name}}近14天缺勤{{absences 14}}天"
  - {id: off, name: 停用, severity: low, when: "false", enabled: false}
`)
	write(t, filepath.Join(dir, "r.test.yaml"), `rule_files: [r.yaml]
tests:
  - name: 两天
    at: 2026-03-10
    students:
      - {id: S1, name: 张一, birth_date: 2011-05-01, school_id: SCH01, grade: 9}
    attendance:
      - {student_id: S1, date: 2026-03-09, status: absent}
      - {student_id: S1, date: 2026-03-10, status: absent}
    expect:
      - {rule: grade9-absence, students: [S1]}
`)
	for _, tc := range []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"check", []string{"rules", "check", "r.yaml"}, 0, "检查通过：2 条规则（启用 1 条），来自 r.yaml；最大窗口 14 天\n", ""},
		{"test", []string{"rules", "test", "r.test.yaml"}, 0, "r.test.yaml\n  通过 两天\n规则测试：1 个通过，0 个未通过\n", ""},
		{"test -v", []string{"rules", "test", "-v", "r.test.yaml"}, 0,
			"r.test.yaml\n  通过 两天\n    grade9-absence S1：\n      张一近14天缺勤2天\n规则测试：1 个通过，0 个未通过\n", ""},
		{"test -v after the file", []string{"rules", "test", "r.test.yaml", "-v"}, 0, "      张一近14天缺勤2天\n", ""},
		{"test without files", []string{"rules", "test", "-v"}, 1, "", "用法：baoxue rules test [-v] FILE..."},
		{"test unknown flag", []string{"rules", "test", "--verbose", "r.test.yaml"}, 1, "", "-verbose"},
		{"no subcommand", []string{"rules"}, 1, "", "用法：baoxue rules check"},
		{"unknown subcommand", []string{"rules", "chek"}, 1, "", `rules：未知的子命令 "chek"`},
		{"show-defaults", []string{"rules", "show-defaults"}, 0, "# baoxue 内置规则。", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := cli(t, dir, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errs, tc.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stdout ~ %q, stderr ~ %q", code, tc.code, out, errs, tc.stdout, tc.stderr)
			}
		})
	}
	// A failing test exits 1 and says how many failed.
	b, err := os.ReadFile(filepath.Join(dir, "r.test.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "fail.test.yaml"), strings.Replace(string(b), "students: [S1]", "students: [S2]", 1))
	code, out, errs := cli(t, dir, "rules", "test", "fail.test.yaml")
	if code != 1 || !strings.Contains(out, "应触发而未触发：grade9-absence S2") || !strings.Contains(errs, "规则测试：共 1 个测试，1 个未通过") {
		t.Errorf("failing test: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
}

// TestRulesCommandEnglish: with an English printer (--lang en) the same
// commands print what they printed before the catalog.
func TestRulesCommandEnglish(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "r.yaml"), "rules:\n  - {id: r, name: r, severity: low, when: absences(14) >= 2, message: \"{{.student.name}}\"}\n")
	write(t, filepath.Join(dir, "r.test.yaml"), "rule_files: [r.yaml]\ntests:\n  - name: x\n    at: 2026-03-10\n    students:\n"+
		"      - {id: S1, name: 张一, birth_date: 2011-05-01, school_id: SCH01, grade: 9}\n    attendance:\n"+
		"      - {student_id: S1, date: 2026-03-09, status: absent}\n      - {student_id: S1, date: 2026-03-10, status: absent}\n"+
		"    expect: [{rule: r, students: [S1]}]\n")
	t.Chdir(dir)
	var out, errb bytes.Buffer
	a := &app{name: "rules", stdout: &out, stderr: &errb, p: i18n.NewPrinter(i18n.English)}
	if err := rulesCheck(a, []string{"r.yaml"}); err != nil {
		t.Fatal(err)
	}
	if err := rulesTest(context.Background(), a, []string{"-v", "r.test.yaml"}); err != nil {
		t.Fatal(err)
	}
	want := "OK: 1 rule (1 enabled) in r.yaml; largest window 14 days\n" +
		"r.test.yaml\n  PASS x\n    r S1:\n      张一\nrules test: 1 passed, 0 failed\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	err := rulesTest(context.Background(), a, nil)
	if err == nil || a.p.Error(errors.Unwrap(err)) != "usage: baoxue rules test [-v] FILE..." {
		t.Errorf("usage: %v", err)
	}
}

// TestRulesCheckInhibits: `rules check` refuses an `inhibits` entry that
// names no rule, and rules inhibiting each other in a cycle, at the entry,
// naming the rule; exit 1. The built-in rules, which inhibit, pass.
func TestRulesCheckInhibits(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "bad.yaml"), `rules:
  - {id: general, name: 一般, severity: low, when: absences(14) >= 2, inhibits: [specific]}
  - {id: specific, name: 具体, severity: high, when: absences(14) >= 3, inhibits: [general, genral]}
`)
	code, out, errs := cli(t, dir, "rules", "check", "bad.yaml")
	want := "bad.yaml:2:80: 规则 general：inhibits：规则互相抑制，形成环（general → specific → general）：它们同时触发时会互相压下，谁也不通知；请删去其中一处\n" +
		"bad.yaml:3:91: 规则 specific：inhibits：没有 id 为 \"genral\" 的规则（是否应为 \"general\"？）\n"
	if code != 1 || out != "" || errs != want {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s\nwant stderr:\n%s", code, out, errs, want)
	}
	if code, out, errs := cli(t, dir, "rules", "show-defaults"); code != 0 {
		t.Fatalf("show-defaults: exit %d: %s", code, errs)
	} else {
		write(t, filepath.Join(dir, "defaults.yaml"), out)
	}
	if code, out, errs := cli(t, dir, "rules", "check", "defaults.yaml"); code != 0 || !strings.Contains(out, "检查通过") {
		t.Errorf("the built-in rules: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
}
