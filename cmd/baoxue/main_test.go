package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// cli runs baoxue with args in dir and returns the exit status and output.
// The test stays in dir until it ends, so it must not be parallel.
func cli(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
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
// and every bad input says where and what to do. The command line's own
// messages are pinned in Chinese, the default; the other areas' in English
// (--lang en), whose texts stay as they were.
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
		{"help", []string{"help"}, 0, "用法：baoxue", ""},
		{"help en", []string{"help", "--lang", "en"}, 0, "Usage: baoxue", ""},
		{"unknown command", []string{"frobnicate"}, 1, "", `baoxue：没有 "frobnicate" 这个命令`},
		{"unknown command en", []string{"--lang", "en", "frobnicate"}, 1, "", `unknown command "frobnicate"`},
		{"later command", []string{"ledger"}, 1, "", "baoxue ledger：这个版本还没有这个命令"},
		{"later command en", []string{"ledger", "--lang=en"}, 1, "", "not available in this version yet"},
		{"import good", []string{"--lang", "en", "--db", db, "import", "schools", "schools.csv"}, 0, "schools: 1 row", ""},
		{"import bad rows", []string{"--lang", "en", "--db", db, "import", "students", "students.csv"}, 1, "", "students.csv:3: birth_date:"},
		{"import unknown kind", []string{"--lang", "en", "--db", db, "import", "pupils", "students.csv"}, 1, "", `unknown KIND "pupils"`},
		{"import missing file", []string{"--db", db, "import", "schools", "nope.csv"}, 1, "", "nope.csv"},
		{"eval bad date", []string{"--db", db, "eval", "--at", "2026-13-01"}, 1, "", "不是有效日期"},
		{"eval bad campaign", []string{"--db", db, "eval", "--campaign", "june"}, 1, "", "只能是 march、may 或 september"},
		{"eval unknown flag", []string{"--db", db, "eval", "--jsn"}, 1, "", "baoxue eval：没有 --jsn 这个选项（baoxue help eval 列出全部选项）"},
		{"eval unknown flag en", []string{"--lang", "en", "--db", db, "eval", "--jsn"}, 1, "", "flag provided but not defined: --jsn"},
		{"gen bad value", []string{"gen", "--students", "many", "--out", "x"}, 1, "", `baoxue gen：选项 --students 的值 "many" 无效`},
		{"gen no value", []string{"gen", "--out"}, 1, "", "baoxue gen：选项 --out 需要一个值"},
		{"global no value", []string{"eval", "--db"}, 1, "", "baoxue：选项 --db 需要一个值"},
		{"eval help", []string{"eval", "--help"}, 0, "--dry-run", ""},
		{"rules check bad", []string{"rules", "check", "bad.yaml"}, 1, "", "bad.yaml:4:15: 规则 x：severity"},
		{"rules check missing", []string{"rules", "check", "nothere"}, 1, "", "nothere 不存在"},
		{"rules check defaults", []string{"rules", "check"}, 0, "检查通过：", ""},
		{"rules test missing file", []string{"rules", "test", "nope.test.yaml"}, 1, "", "nope.test.yaml: 文件不存在"},
		{"demo in a missing directory", []string{"--db", "file:" + filepath.Join(dir, "nodir", "demo.db"), "demo", "--students", "10"}, 1, "", "no such file or directory"},
		{"config unknown key", []string{"--config", "broken.yaml", "eval"}, 1, "", "broken.yaml:2:1"},
		{"config missing", []string{"--config", "missing.yaml", "eval"}, 1, "", "配置文件 missing.yaml 不存在"},
		{"config missing en", []string{"--lang", "en", "--config", "missing.yaml", "eval"}, 1, "", "config missing.yaml: no such file"},
		{"database unreachable", []string{"--db", "postgres://u:secret@127.0.0.1:1/x?connect_timeout=2", "migrate"}, 2, "",
			"baoxue migrate：无法连接数据库 postgres://u:xxxxx@127.0.0.1:1/x?connect_timeout=2："},
		{"database unreachable en", []string{"--lang", "en", "--db", "postgres://u:secret@127.0.0.1:1/x?connect_timeout=2", "migrate"}, 2, "",
			"baoxue migrate: connect to postgres://u:xxxxx@127.0.0.1:1/x?connect_timeout=2: database unreachable: "},
		{"database directory missing", []string{"--db", "file:" + filepath.Join("nodir", "x.db"), "migrate"}, 2, "", "baoxue migrate：数据库 nodir/x.db：目录 nodir 不存在"},
		{"bad dsn", []string{"--lang", "en", "--db", "mysql://x", "migrate"}, 1, "", "want file:PATH"},
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
			want := "没有找到数据库 " + tc.path + "；请检查 --db 是否写错；要新建数据库，请运行 `baoxue migrate --db file:" + tc.path + "`"
			if code != 1 || !strings.Contains(errs, want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q\nstdout: %s", code, errs, want, out)
			}
			code, _, errs = cli(t, dir, append([]string{"--lang", "en"}, tc.args...)...)
			want = "no database at " + tc.path + "; check --db for a typo, or `baoxue migrate --db file:" + tc.path + "` creates one"
			if code != 1 || !strings.Contains(errs, want) {
				t.Errorf("--lang en: exit %d, stderr %q; want 1 and %q", code, errs, want)
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
		if code != 1 || !strings.Contains(errs, "中没有 baoxue 的数据库结构") || !strings.Contains(errs, "`baoxue migrate`（使用相同的 --db 或配置）") {
			t.Errorf("%v: exit %d, stderr %q; want 1 and 没有 baoxue 的数据库结构 … baoxue migrate", args, code, errs)
		}
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.RawGet(context.Background(), &n, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`); err != nil || n != 0 {
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
	if err := st.RawExec(context.Background(), `PRAGMA journal_mode = DELETE`); err != nil {
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
	if err := st.RawExec(context.Background(), `DELETE FROM schema_migrations WHERE version = ?`, ms[len(ms)-1].Version); err != nil {
		t.Fatal(err)
	}
	st.Close()
	unchanged(t, path, func() {
		code, _, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-10", "--dry-run")
		if code != 1 || !strings.Contains(errs, "这个数据库的结构比这个 baoxue 旧（版本 ") ||
			!strings.Contains(errs, "）：请运行 `baoxue migrate --db file:"+path+"`") {
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
	_, steps, ok := strings.Cut(out, "接下来可以试试：\n")
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
	for i, kind := range []string{"schools", "teachers", "students", "attendance", "reports"} {
		code, _, errs := cli(t, dir, "--db", db, "import", kind, kind+".csv")
		if code != 0 {
			t.Fatalf("import %s: %s", kind, errs)
		}
		// The first import makes the database and says so (a mistyped
		// --db shows at once); later ones do not.
		if created := strings.Contains(errs, "新建 baoxue 数据库"); created != (i == 0) {
			t.Errorf("import %s: stderr %q", kind, errs)
		}
	}
	if code, out, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-10"); code != 0 || !strings.Contains(out, "新增 1") {
		t.Fatalf("eval at a reported date: exit %d\n%s%s", code, out, errs)
	}
	// 03-11 is reported by nobody.
	code, _, errs := cli(t, dir, "--lang", "en", "--db", db, "eval", "--at", "2026-03-11")
	if code != 1 || !strings.Contains(errs, "baoxue import reports") || !strings.Contains(errs, "--force") {
		t.Fatalf("eval at an unreported date: exit %d, %s", code, errs)
	}
	code, out, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-11", "--dry-run")
	if code != 0 || !strings.Contains(out, "考勤最近上报至 2026-03-10，此后未报：按该日评估") ||
		!strings.Contains(out, "写入运行会被拒绝") {
		t.Fatalf("dry run at an unreported date: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs = cli(t, dir, "--db", db, "eval", "--at", "2026-03-11", "--force", "--json"); code != 0 ||
		strings.Contains(out, `"type":"resolved"`) || !strings.Contains(out, `"type":"unreported","school":"SCH01"`) {
		t.Fatalf("forced run: exit %d\n%s%s", code, out, errs)
	}
	// A rule file without grade9-absence: refused, then retired.
	code, _, errs = cli(t, dir, "--db", db, "--rules", "other.yaml", "eval", "--at", "2026-03-11", "--force")
	if code != 1 || !strings.Contains(errs, "grade9-absence（已不在规则文件中；1 条未结预警）") || !strings.Contains(errs, "--retire") {
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
		if code, _, errs := cli(t, dir, append([]string{"--lang", "en", "--db", empty}, args...)...); code != 1 || !strings.Contains(errs, "import students") {
			t.Errorf("%v on a database without students: exit %d, %s", args, code, errs)
		}
	}
}

// TestNoCommandPrintsAPassword runs every command with a DSN that carries a
// password (in each place a DSN can carry one, and in broken DSNs) for a
// database that does not answer, the DSN given with --db, in
// BAOXUE_DATABASE_URL and in the config file through ${VAR}, with debug
// logging on: no output and no log line shows the password.
func TestNoCommandPrintsAPassword(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\n")
	write(t, filepath.Join(dir, "with-env.yaml"), "database: {dsn: \"${BAOXUE_TEST_SECRET_DSN}\"}\n")
	runs := map[string][][]string{
		"demo":       {{"demo", "--students", "20"}},
		"gen":        {{"gen", "--students", "20", "--out", "gen"}},
		"import":     {{"import", "schools", "schools.csv"}},
		"rules":      {{"rules", "check"}, {"rules", "test", "missing-test.yaml"}, {"rules", "show-defaults"}},
		"eval":       {{"eval", "--at", "2026-03-10"}, {"eval", "--at", "2026-03-10", "--dry-run", "--json"}},
		"migrate":    {{"migrate"}},
		"version":    {{"version"}},
		"help":       {{"help"}, {"help", "eval"}, {"import", "--help"}},
		"completion": {{"completion", "bash"}, {"completion", "zsh"}, {"completion", "fish"}},
		"alerts":     {{"alerts", "--open"}},
		"tasks":      {{"tasks", "--overdue", "--json"}},
		"runs":       {{"runs"}},
		"serve":      {{"serve"}},
		"outbox":     {{"outbox", "list"}, {"outbox", "flush"}, {"outbox", "retry", "--failed"}},
		"token":      {{"token", "list"}, {"token", "create", "--teacher", "T1"}, {"token", "revoke", "1"}},
		"audit":      {{"audit", "list"}},
	}
	for name := range later {
		runs[name] = [][]string{{name}}
	}
	for _, c := range commands() {
		if runs[c.name] == nil {
			t.Fatalf("command %s is not run by this test: add it", c.name)
		}
	}
	for _, tc := range []struct {
		name, dsn string
		secrets   []string
		code      int // of migrate
	}{
		{"user info", "postgres://baoxue:Pw-UserInfo-7Qz@127.0.0.1:1/baoxue?sslmode=disable", []string{"Pw-UserInfo-7Qz"}, 2},
		{"escaped user info", "postgresql://baoxue:Pw%40Escaped%3A3Vw@127.0.0.1:1/baoxue", []string{"Pw%40Escaped%3A3Vw", "Pw@Escaped:3Vw"}, 2},
		{"password parameter", "postgres://baoxue@127.0.0.1:1/baoxue?sslmode=disable&password=Pw-Query-8Rk", []string{"Pw-Query-8Rk"}, 2},
		{"sslpassword parameter", "postgres://baoxue@127.0.0.1:1/baoxue?sslmode=disable&sslpassword=Pw-Ssl-9Ts", []string{"Pw-Ssl-9Ts"}, 2},
		{"key=value", "host=127.0.0.1 port=1 user=baoxue password=Pw-KeyValue-4Xy", []string{"Pw-KeyValue-4Xy"}, 1},
		{"broken URL", "postgres://baoxue:Pw Broken-5Zz@127.0.0.1:1/baoxue", []string{"Pw Broken-5Zz", "Broken-5Zz"}, 1},
		{"broken port", "postgres://baoxue:Pw-Port-6Aa@127.0.0.1:x1/baoxue", []string{"Pw-Port-6Aa"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, via := range []string{"--db", "env", "config"} {
				t.Setenv("BAOXUE_TEST_SECRET_DSN", tc.dsn)
				t.Setenv("BAOXUE_DATABASE_URL", "")
				var global []string
				switch via {
				case "--db":
					global = []string{"--db", tc.dsn}
				case "env":
					t.Setenv("BAOXUE_DATABASE_URL", tc.dsn)
				case "config":
					global = []string{"--config", "with-env.yaml"}
				}
				var logs bytes.Buffer
				restore := captureDebugLog(t, &logs)
				for name, argsList := range runs {
					for _, args := range argsList {
						code, out, errs := cli(t, dir, append(slices.Clone(global), args...)...)
						for _, s := range tc.secrets {
							if strings.Contains(out+errs, s) {
								t.Errorf("%s %v: exit %d, the password is shown:\nstdout: %s\nstderr: %s", via, args, code, out, errs)
							}
						}
						if name == "migrate" && (code != tc.code || errs == "") {
							t.Errorf("%s migrate: exit %d (want %d): %s", via, code, tc.code, errs)
						}
					}
				}
				restore()
				for _, s := range tc.secrets {
					if strings.Contains(logs.String(), s) {
						t.Errorf("%s: the password is in the debug log:\n%s", via, logs.String())
					}
				}
				if tc.code == 2 && !strings.Contains(logs.String(), "open database") {
					t.Errorf("%s: no debug log was captured:\n%s", via, logs.String())
				}
			}
		})
	}
}

// captureDebugLog turns debug logging on (BAOXUE_LOG=debug) into w, as
// main does into standard error; the returned function turns it off.
func captureDebugLog(t *testing.T, w io.Writer) func() {
	t.Helper()
	t.Setenv("BAOXUE_LOG", "debug")
	prev, out, flags := slog.Default(), log.Writer(), log.Flags()
	debugLog(w)
	return func() {
		slog.SetDefault(prev)
		log.SetOutput(out)
		log.SetFlags(flags)
	}
}

// secretDB returns the DSN of a new database of the engine named: a SQLite
// file in dir, or a schema of its own in the test PostgreSQL.
func secretDB(t *testing.T, engine, dir string) string {
	if engine == "sqlite" {
		return "file:" + filepath.Join(dir, "t.db")
	}
	return storetest.PostgresDSN(t)
}

// TestSchemaIsTheProgramsOwn: a database migrated by a newer baoxue is
// refused by every command that opens it (exit 2) and left as it was; an
// older schema is refused by eval and import (exit 1, with the migrate to
// run), and only migrate upgrades it, after which they work.
func TestSchemaIsTheProgramsOwn(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			dsn := secretDB(t, engine, dir)
			write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\n")
			ctx := context.Background()
			st, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ms, _ := store.Migrations()
			older, last := ms[len(ms)-2].Version, ms[len(ms)-1].Version
			if _, err := st.MigrateTo(ctx, older); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("这个数据库的结构比这个 baoxue 旧（版本 %d，需要 %d）：请运行 `baoxue migrate", older, last)
			for _, args := range [][]string{
				{"eval", "--at", "2026-03-10"}, {"eval", "--at", "2026-03-10", "--dry-run"}, {"import", "schools", "schools.csv"},
			} {
				code, _, errs := cli(t, dir, append([]string{"--db", dsn}, args...)...)
				if code != 1 || !strings.Contains(errs, want) {
					t.Errorf("%v on an older schema: exit %d, %s; want 1 and %q", args, code, errs, want)
				}
			}
			if v, _ := st.SchemaVersion(ctx); v != older {
				t.Fatalf("schema at version %d after the refused commands, want %d", v, older)
			}
			if code, out, errs := cli(t, dir, "--db", dsn, "migrate"); code != 0 || !strings.Contains(out, fmt.Sprintf("：数据库结构为版本 %d", last)) {
				t.Fatalf("migrate: exit %d\n%s%s", code, out, errs)
			}
			if code, _, errs := cli(t, dir, "--db", dsn, "import", "schools", "schools.csv"); code != 0 {
				t.Fatalf("import after migrate: exit %d, %s", code, errs)
			}

			newer := last + 1
			if err := st.RawExec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from-the-future', 'x')`, newer); err != nil {
				t.Fatal(err)
			}
			want = fmt.Sprintf("这个数据库已由更新版本的 baoxue 升级（版本 %d）；请使用那个版本或更新的版本", newer)
			cmds := [][]string{{"eval", "--at", "2026-03-10"}, {"eval", "--at", "2026-03-10", "--dry-run"},
				{"import", "schools", "schools.csv"}, {"migrate"}}
			if engine == "sqlite" {
				cmds = append(cmds, []string{"demo", "--students", "20"})
			}
			for _, args := range cmds {
				code, _, errs := cli(t, dir, append([]string{"--db", dsn}, args...)...)
				if code != 2 || !strings.Contains(errs, want) {
					t.Errorf("%v on a newer schema: exit %d, %s; want 2 and %q", args, code, errs, want)
				}
			}
			var versions, audits int
			st.RawGet(ctx, &versions, `SELECT COUNT(*) FROM schema_migrations`)
			st.RawGet(ctx, &audits, `SELECT COUNT(*) FROM audit`)
			if versions != len(ms)+1 || audits != 1 {
				t.Errorf("%d migrations and %d audit rows after the refused commands, want %d and 1", versions, audits, len(ms)+1)
			}
		})
	}
}

// TestLockWaitIsVisible: an import or a writing eval that waits for the
// data lock held by another run says, after a second, on standard error,
// which run holds it (kind, process, start); with --lock-timeout it gives
// up (exit 2) within bounds, without it goes ahead once the lock is free.
func TestLockWaitIsVisible(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			dsn := secretDB(t, engine, dir)
			write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\n")
			if code, _, errs := cli(t, dir, "--db", dsn, "migrate"); code != 0 {
				t.Fatal(errs)
			}
			ctx := context.Background()
			holder, err := store.OpenWith(ctx, dsn, store.OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Close()
			holder.SetLockWait(store.LockWait{Kind: "import students"})
			// hold takes the data lock as another run would and releases it
			// after d, or when the returned function is called.
			hold := func(d time.Duration) func() {
				tx, err := holder.BeginBulk(ctx, store.DataLock)
				if err != nil {
					t.Fatal(err)
				}
				stop, done := make(chan struct{}), make(chan struct{})
				go func() {
					defer close(done)
					select {
					case <-time.After(d):
					case <-stop:
					}
					tx.Rollback()
				}()
				return func() {
					select {
					case <-done:
					default:
						close(stop)
						<-done
					}
				}
			}
			host, _ := os.Hostname()
			waiting := fmt.Sprintf("正在等待另一个运行写完数据库：import students（主机 %s 的进程 %d，开始于 ", host, os.Getpid())
			for _, args := range [][]string{{"import", "schools", "schools.csv"}, {"eval", "--at", "2026-03-10"}} {
				release := hold(time.Minute)
				start := time.Now()
				code, _, errs := cli(t, dir, append([]string{"--db", dsn, "--lock-timeout", "1500ms"}, args...)...)
				took := time.Since(start)
				release()
				if code != 2 || !strings.Contains(errs, waiting) || !strings.Contains(errs, "：等了 1.5s，另一个运行仍在写入数据库，已放弃等待：import students（") {
					t.Errorf("%v while the lock is held, --lock-timeout 1500ms: exit %d\n%s", args, code, errs)
				}
				// The upper bound leaves room for a loaded machine.
				if took < 1500*time.Millisecond || took > 5*time.Second {
					t.Errorf("%v gave up after %s, want 1.5s", args, took)
				}
			}
			// The import opens the database before it waits: hold long
			// enough for it to wait more than a second.
			release := hold(3500 * time.Millisecond)
			start := time.Now()
			code, out, errs := cli(t, dir, "--db", dsn, "import", "schools", "schools.csv")
			took := time.Since(start)
			release()
			if code != 0 || !strings.Contains(errs, waiting) || !strings.Contains(errs, "--lock-timeout") || took < 3400*time.Millisecond {
				t.Errorf("import waiting without a timeout: exit %d after %s\n%s%s", code, took, out, errs)
			}
			if engine == "sqlite" {
				holder.Close()
				if names := files(t, dir); slices.Contains(names, "t.db-writer") {
					t.Errorf("the holder record is left: %v", names)
				}
			}
		})
	}
}

// TestLockTimeoutFlag: --lock-timeout takes a duration anywhere on the
// command line and refuses anything else.
func TestLockTimeoutFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want time.Duration
		err  bool
	}{
		{[]string{"--lock-timeout", "30s", "eval"}, 30 * time.Second, false},
		{[]string{"eval", "--lock-timeout=2m"}, 2 * time.Minute, false},
		{[]string{"import", "-lock-timeout", "1d", "schools", "x.csv"}, 24 * time.Hour, false},
		{[]string{"eval"}, 0, false},
		{[]string{"eval", "--lock-timeout", "soon"}, 0, true},
		{[]string{"eval", "--lock-timeout", "-1s"}, 0, true},
		{[]string{"eval", "--lock-timeout"}, 0, true},
	} {
		g, _, err := parseGlobal(tc.args)
		if (err != nil) != tc.err || g.lockTimeout != tc.want {
			t.Errorf("%v: lock timeout %s, err %v; want %s, error %v", tc.args, g.lockTimeout, err, tc.want, tc.err)
		}
	}
}

// TestImportRefusesMassRename: a roster that would rename most stored
// students (here re-exported through the wrong encoding) exits 1 naming
// --allow-mass-update and changes nothing; with the flag it is imported,
// and the flag is refused on another KIND.
func TestImportRefusesMassRename(t *testing.T) {
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\n")
	var good, wrong strings.Builder
	for _, b := range []*strings.Builder{&good, &wrong} {
		b.WriteString("id,name,birth_date,school_id,grade\n")
	}
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&good, "S%02d,张学生%d,2012-01-01,SCH01,5\n", i, i)
		fmt.Fprintf(&wrong, "S%02d,寮犲鐢%d,2012-01-01,SCH01,5\n", i, i) // 张学生 as its UTF-8 bytes read as GB18030 show it
	}
	write(t, filepath.Join(dir, "students.csv"), good.String())
	write(t, filepath.Join(dir, "wrong.csv"), wrong.String())
	for _, kind := range []string{"schools", "students"} {
		if code, _, errs := cli(t, dir, "--db", db, "import", kind, kind+".csv"); code != 0 {
			t.Fatalf("import %s: %s", kind, errs)
		}
	}
	code, out, errs := cli(t, dir, "--lang", "en", "--db", db, "import", "students", "wrong.csv")
	if code != 1 || !strings.Contains(errs, "wrong.csv: 25 of the 25 stored students") || !strings.Contains(errs, "张* → 寮*") ||
		!strings.Contains(errs, "--allow-mass-update") || out != "" {
		t.Fatalf("mass rename: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs = cli(t, dir, "--lang", "en", "--db", db, "import", "students", "--allow-mass-update", "wrong.csv"); code != 0 ||
		!strings.Contains(out, "25 updated") {
		t.Fatalf("--allow-mass-update: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs = cli(t, dir, "--lang", "en", "--db", db, "import", "attendance", "--allow-mass-update", "students.csv"); code != 1 ||
		!strings.Contains(errs, "--allow-mass-update applies to students only") {
		t.Fatalf("--allow-mass-update on attendance: exit %d, %s", code, errs)
	}
}
