package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cli runs baoxue with args in dir and returns the exit status and output.
func cli(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestExitStatuses: 0 success, 1 bad input, 2 runtime failure (SPEC §3),
// and every bad input says where and what to do.
func TestExitStatuses(t *testing.T) {
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\n")
	write(t, filepath.Join(dir, "students.csv"), "id,name,birth_date,school_id,grade\nS1,张一,2011-05-01,SCH01,9\nS2,张二,2011-13-01,SCH09,10\n")
	write(t, filepath.Join(dir, "bad.yaml"), "rules:\n  - id: x\n    name: x\n    severity: hgh\n    when: student.grde == 9\n")
	write(t, filepath.Join(dir, "broken.yaml"), "timezone: Asia/Shanghai\ndatabse: {dsn: x}\n")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help", []string{"help"}, 0, "Usage: baoxue", ""},
		{"unknown command", []string{"frobnicate"}, 1, "", `unknown command "frobnicate"`},
		{"later command", []string{"serve"}, 1, "", "not available in this version yet"},
		{"import good", []string{"--db", db, "import", "schools", "schools.csv"}, 0, "schools: 1 row", ""},
		{"import bad rows", []string{"--db", db, "import", "students", "students.csv"}, 1, "", "students.csv:3: birth_date:"},
		{"import unknown kind", []string{"--db", db, "import", "pupils", "students.csv"}, 1, "", `unknown KIND "pupils"`},
		{"import missing file", []string{"--db", db, "import", "schools", "nope.csv"}, 1, "", "nope.csv"},
		{"eval bad date", []string{"--db", db, "eval", "--at", "2026-13-01"}, 1, "", "not a valid date"},
		{"eval bad campaign", []string{"--db", db, "eval", "--campaign", "june"}, 1, "", "want march, may or september"},
		{"eval unknown flag", []string{"--db", db, "eval", "--jsn"}, 1, "", "flag provided but not defined: -jsn"},
		{"eval help", []string{"eval", "--help"}, 0, "", "-dry-run"},
		{"rules check bad", []string{"rules", "check", "bad.yaml"}, 1, "", "bad.yaml:4:15: rule x: severity"},
		{"rules check missing", []string{"rules", "check", "nothere"}, 1, "", "nothere does not exist"},
		{"rules check defaults", []string{"rules", "check"}, 0, "OK: ", ""},
		{"config unknown key", []string{"--config", "broken.yaml", "eval"}, 1, "", "broken.yaml:2:1"},
		{"config missing", []string{"--config", "missing.yaml", "eval"}, 1, "", "missing.yaml"},
		{"database unreachable", []string{"--db", "postgres://u:secret@127.0.0.1:1/x?connect_timeout=2", "migrate"}, 2, "", "xxxxx"},
		{"bad dsn", []string{"--db", "mysql://x", "migrate"}, 1, "", "want file:PATH"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := cli(t, dir, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errs, tc.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stdout ~ %q, stderr ~ %q", code, tc.code, out, errs, tc.stdout, tc.stderr)
			}
			if strings.Contains(errs, "secret") {
				t.Errorf("a password was printed: %s", errs)
			}
		})
	}
}

// TestShowDefaultsChecks: what show-defaults prints is a rule file that
// rules check accepts, as an admin would use it.
func TestShowDefaultsChecks(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := cli(t, dir, "rules", "show-defaults")
	if code != 0 {
		t.Fatalf("show-defaults: exit %d: %s", code, errs)
	}
	write(t, filepath.Join(dir, "mine.yaml"), out)
	if code, out, errs := cli(t, dir, "rules", "check", "mine.yaml"); code != 0 {
		t.Fatalf("check of show-defaults output: exit %d\n%s%s", code, out, errs)
	}
}

// TestEvalFlow imports a tiny district and evaluates it, as a user would.
func TestEvalFlow(t *testing.T) {
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\n")
	write(t, filepath.Join(dir, "teachers.csv"), "id,name,school_id,role\nT1,王老师,SCH01,teacher\n")
	write(t, filepath.Join(dir, "students.csv"), "id,name,birth_date,school_id,grade,homeroom_teacher_id,national_id\nG500234201105010015,张一,2011-05-01,SCH01,9,T1,500234201105010015\n")
	write(t, filepath.Join(dir, "attendance.csv"), "student_id,date,status\nG500234201105010015,2026-03-09,absent\nG500234201105010015,2026-03-10,absent\n")
	for _, kind := range []string{"schools", "teachers", "students", "attendance"} {
		if code, _, errs := cli(t, dir, "--db", db, "import", kind, kind+".csv"); code != 0 {
			t.Fatalf("import %s: %s", kind, errs)
		}
	}
	code, out, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-10", "--dry-run")
	if code != 0 || !strings.Contains(out, "grade9-absence") || !strings.Contains(out, "张*") {
		t.Fatalf("summary: exit %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out, "500234201105010015") || strings.Contains(out, "张一") {
		t.Errorf("the summary shows an identity number or a full name:\n%s", out)
	}
	code, out, _ = cli(t, dir, "--db", db, "eval", "--at", "2026-03-10", "--json")
	if code != 0 || !strings.HasPrefix(out, `{"type":"alert","rule":"grade9-absence","student":"G500234201105010015"`) {
		t.Fatalf("json: exit %d\n%s", code, out)
	}
	if code, _, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-09"); code != 1 || !strings.Contains(errs, "--force") {
		t.Fatalf("an earlier run: exit %d, %s", code, errs)
	}
}
