package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
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

// files lists the names in dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestEvalNeedsADatabase: eval, writing or not, on a SQLite file that is not
// there says how to make one, exits 1 and creates nothing; migrate then
// creates it.
func TestEvalNeedsADatabase(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		path string
	}{
		{"default", []string{"eval", "--at", "2026-03-10"}, "baoxue.db"},
		{"default dry run", []string{"eval", "--at", "2026-03-10", "--dry-run"}, "baoxue.db"},
		{"--db", []string{"--db", "file:dist.db", "eval", "--at", "2026-03-10"}, "dist.db"},
		{"--db dry run", []string{"--db", "file:dist.db", "eval", "--dry-run", "--json"}, "dist.db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			code, out, errs := cli(t, dir, tc.args...)
			want := "no database at " + tc.path + "; `baoxue migrate --db file:" + tc.path + "` creates one"
			if code != 1 || !strings.Contains(errs, want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q\nstdout: %s", code, errs, want, out)
			}
			if names := files(t, dir); len(names) > 0 {
				t.Fatalf("eval left %v in an empty directory", names)
			}
			if code, _, errs := cli(t, dir, "--db", "file:"+tc.path, "migrate"); code != 0 {
				t.Fatalf("the migrate the message names: exit %d: %s", code, errs)
			}
			if _, _, errs := cli(t, dir, tc.args...); strings.Contains(errs, "no database") {
				t.Errorf("eval after migrate: %s", errs)
			}
		})
	}
}

// TestEvalLaysNoSchemaInEmptyPostgres: eval on a PostgreSQL database
// without baoxue's schema exits 1 saying migrate makes it, and leaves the
// database without a table.
func TestEvalLaysNoSchemaInEmptyPostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	dir := t.TempDir()
	for _, args := range [][]string{{"eval", "--at", "2026-03-10"}, {"eval", "--at", "2026-03-10", "--dry-run"}} {
		code, _, errs := cli(t, dir, append([]string{"--db", dsn}, args...)...)
		if code != 1 || !strings.Contains(errs, "no baoxue schema in") || !strings.Contains(errs, "`baoxue migrate`") {
			t.Errorf("%v: exit %d, stderr %q; want 1 and no baoxue schema … baoxue migrate", args, code, errs)
		}
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB.Get(&n, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`); err != nil || n != 0 {
		t.Errorf("%d tables after the refused evals (%v), want 0", n, err)
	}
	if names := files(t, dir); len(names) > 0 {
		t.Errorf("eval left %v in the directory", names)
	}
}

// TestDryRunWritesNothing: eval --dry-run leaves the database file byte for
// byte and its directory as they were (no -wal, no -shm), and refuses a
// schema it would have to upgrade.
func TestDryRunWritesNothing(t *testing.T) {
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\n")
	write(t, filepath.Join(dir, "students.csv"), "id,name,birth_date,school_id,grade\nG500234201105010015,张一,2011-05-01,SCH01,9\n")
	write(t, filepath.Join(dir, "attendance.csv"), "student_id,date,status\nG500234201105010015,2026-03-09,absent\nG500234201105010015,2026-03-10,absent\n")
	for _, kind := range []string{"schools", "students", "attendance"} {
		if code, _, errs := cli(t, dir, "--db", db, "import", kind, kind+".csv"); code != 0 {
			t.Fatalf("import %s: %s", kind, errs)
		}
	}
	path := filepath.Join(dir, "t.db")
	dryRuns := func() {
		t.Helper()
		for _, args := range [][]string{{"--dry-run"}, {"--dry-run", "--json"}, {"--dry-run", "--campaign", "march"}} {
			code, out, errs := cli(t, dir, append([]string{"--db", db, "eval", "--at", "2026-03-10"}, args...)...)
			if code != 0 || !strings.Contains(out, "grade9-absence") {
				t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
			}
		}
	}
	unchanged(t, path, dryRuns)
	// A database not in WAL mode (a copy made with VACUUM INTO, say) stays
	// in its mode.
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.Exec(`PRAGMA journal_mode = DELETE`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	unchanged(t, path, dryRuns)
	// A writing run still writes (the dry runs left no lock or mode behind).
	if code, out, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-10"); code != 0 || !strings.Contains(out, "grade9-absence") {
		t.Fatalf("writing eval: exit %d\n%s%s", code, out, errs)
	}

	// A schema older than this baoxue's: a dry run cannot upgrade it.
	st, err = store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := store.Migrations()
	if _, err := st.DB.Exec(st.Rebind(`DELETE FROM schema_migrations WHERE version = ?`), ms[len(ms)-1].Version); err != nil {
		t.Fatal(err)
	}
	st.Close()
	unchanged(t, path, func() {
		code, _, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-10", "--dry-run")
		if code != 1 || !strings.Contains(errs, "a dry run writes nothing; `baoxue migrate --db file:"+path+"` upgrades it") {
			t.Errorf("dry run on an older schema: exit %d, %s", code, errs)
		}
	})
}

// unchanged fails t when fn changes the file path, byte for byte or its
// modification time, or the files beside it (a -wal, a -shm).
func unchanged(t *testing.T, path string, fn func()) {
	t.Helper()
	dir := filepath.Dir(path)
	before := files(t, dir)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	fi, _ := os.Stat(path)
	fn()
	if after := files(t, dir); !slices.Equal(after, before) {
		t.Errorf("files %v afterwards, want %v", after, before)
	}
	b, _ = os.ReadFile(path)
	fi2, _ := os.Stat(path)
	if sha256.Sum256(b) != sum || !fi2.ModTime().Equal(fi.ModTime()) {
		t.Errorf("%s changed", path)
	}
}

// TestDemoThenNextSteps: the demo, run as the README's first command, writes
// its own baoxue-demo.db (not the baoxue.db that import fills), and every
// command it says to try next works as printed, from the directory it ran
// in (where the repository's rules/ is).
func TestDemoThenNextSteps(t *testing.T) {
	dir := t.TempDir()
	rulesDir, err := filepath.Abs(filepath.Join("..", "..", "rules"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(rulesDir, filepath.Join(dir, "rules")); err != nil {
		t.Skipf("no symlink to the rules: %v", err)
	}
	code, out, errs := cli(t, dir, "demo", "--students", "300")
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errs)
	}
	if got := files(t, dir); !slices.Equal(got, []string{"baoxue-demo.db", "rules"}) {
		t.Fatalf("the demo left %v, want baoxue-demo.db only", got)
	}
	_, steps, ok := strings.Cut(out, "What to try next:\n")
	if !ok {
		t.Fatalf("no next steps:\n%s", out)
	}
	ran := 0
	for _, line := range strings.Split(strings.TrimSpace(steps), "\n") {
		cmd, _, _ := strings.Cut(strings.TrimSpace(line), " #")
		args := strings.Fields(cmd)
		if args[0] != "./baoxue" {
			continue // go build
		}
		args, stdout := pasted(t, dir, args[1:])
		code, out, errs := cli(t, dir, args...)
		if code != 0 {
			t.Errorf("%s: exit %d\n%s%s", cmd, code, out, errs)
			continue
		}
		if stdout != "" {
			write(t, filepath.Join(dir, stdout), out)
		}
		ran++
	}
	if ran < 5 {
		t.Errorf("ran %d of the next steps:\n%s", ran, steps)
	}
	if _, err := os.Stat(filepath.Join(dir, "baoxue.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the demo or its next steps made baoxue.db (%v)", err)
	}
}

// pasted does what a shell does to args: a "> FILE" redirect (returned) and
// globs, expanded in dir.
func pasted(t *testing.T, dir string, args []string) ([]string, string) {
	t.Helper()
	var out []string
	stdout := ""
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == ">" && i+1 < len(args):
			stdout = args[i+1]
			i++
		case strings.ContainsAny(a, "*?["):
			m, err := filepath.Glob(filepath.Join(dir, a))
			if err != nil || len(m) == 0 {
				t.Fatalf("%s matches nothing (%v)", a, err)
			}
			for _, p := range m {
				rel, _ := filepath.Rel(dir, p)
				out = append(out, rel)
			}
		default:
			out = append(out, a)
		}
	}
	return out, stdout
}

// TestEvalRefusesWhatItCannotKnow: as an admin would meet them, a date no
// school has reported, a rule file that lost a rule, and a database with no
// roster are each refused with exit 1 and a message saying what to do; the
// flags that mean "yes, really" go ahead.
func TestEvalRefusesWhatItCannotKnow(t *testing.T) {
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\nSCH02,二中,C1\n")
	write(t, filepath.Join(dir, "teachers.csv"), "id,name,school_id,role\nT1,王老师,SCH01,teacher\n")
	write(t, filepath.Join(dir, "students.csv"), "id,name,birth_date,school_id,grade,homeroom_teacher_id\nS1,张一,2011-05-01,SCH01,9,T1\nS2,张二,2011-05-01,SCH02,9,T1\n")
	write(t, filepath.Join(dir, "attendance.csv"), "student_id,date,status\nS1,2026-03-09,absent\nS1,2026-03-10,absent\n")
	write(t, filepath.Join(dir, "reports.csv"), "学校代码,日期,应到人数,实到人数\nSCH02,2026-03-09,1,1\nSCH02,2026-03-10,1,1\n")
	write(t, filepath.Join(dir, "other.yaml"), "rules:\n  - {id: other, name: 其他, severity: low, when: absences(7) >= 5}\n")
	for _, kind := range []string{"schools", "teachers", "students", "attendance", "reports"} {
		if code, _, errs := cli(t, dir, "--db", db, "import", kind, kind+".csv"); code != 0 {
			t.Fatalf("import %s: %s", kind, errs)
		}
	}
	if code, out, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-10"); code != 0 || !strings.Contains(out, "1 new") {
		t.Fatalf("eval at a reported date: exit %d\n%s%s", code, out, errs)
	}
	// 03-11 is reported by nobody.
	code, _, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-11")
	if code != 1 || !strings.Contains(errs, "baoxue import reports") || !strings.Contains(errs, "--force") {
		t.Fatalf("eval at an unreported date: exit %d, %s", code, errs)
	}
	code, out, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-11", "--dry-run")
	if code != 0 || !strings.Contains(out, "attendance not reported since 2026-03-11; evaluated as of 2026-03-10") {
		t.Fatalf("dry run at an unreported date: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs = cli(t, dir, "--db", db, "eval", "--at", "2026-03-11", "--force", "--json"); code != 0 ||
		strings.Contains(out, `"type":"resolved"`) || !strings.Contains(out, `"type":"unreported","school":"SCH01"`) {
		t.Fatalf("forced run: exit %d\n%s%s", code, out, errs)
	}
	// A rule file without grade9-absence: refused, then retired.
	code, _, errs = cli(t, dir, "--db", db, "--rules", "other.yaml", "eval", "--at", "2026-03-11", "--force")
	if code != 1 || !strings.Contains(errs, "grade9-absence (1 open alerts)") || !strings.Contains(errs, "--retire") {
		t.Fatalf("a removed rule: exit %d, %s", code, errs)
	}
	code, out, errs = cli(t, dir, "--db", db, "--rules", "other.yaml", "eval", "--at", "2026-03-11", "--force", "--retire", "--json")
	if code != 0 || !strings.Contains(out, `{"type":"retired","rule":"grade9-absence","student":"S1","school":"SCH01"}`) || strings.Contains(out, `"type":"resolved"`) {
		t.Fatalf("--retire: exit %d\n%s%s", code, out, errs)
	}
	// A database with schools but no roster.
	empty := "file:" + filepath.Join(dir, "empty.db")
	if code, _, errs := cli(t, dir, "--db", empty, "import", "schools", "schools.csv"); code != 0 {
		t.Fatal(errs)
	}
	for _, args := range [][]string{{"eval", "--at", "2026-03-10", "--dry-run"}, {"eval", "--at", "2026-03-10"}} {
		if code, _, errs := cli(t, dir, append([]string{"--db", empty}, args...)...); code != 1 || !strings.Contains(errs, "import students") {
			t.Errorf("%v on a database without students: exit %d, %s", args, code, errs)
		}
	}
}
