package main

import (
	"math"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"baoxue/store"
)

// evalDistrict imports a school, a teacher and a grade-9 student absent
// on 03-09 and 03-10 (grade9-absence fires at 03-10) into dir's t.db.
func evalDistrict(t *testing.T, dir string) string {
	t.Helper()
	db := "file:" + filepath.Join(dir, "t.db")
	write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\n")
	write(t, filepath.Join(dir, "teachers.csv"), "id,name,school_id,role\nT1,王老师,SCH01,teacher\n")
	write(t, filepath.Join(dir, "students.csv"), "id,name,birth_date,school_id,grade,class,homeroom_teacher_id\nS1,张一,2011-05-01,SCH01,9,1班,T1\n")
	write(t, filepath.Join(dir, "attendance.csv"), "student_id,date,status\nS1,2026-03-09,absent\nS1,2026-03-10,absent\n")
	for _, kind := range []string{"schools", "teachers", "students", "attendance"} {
		if code, _, errs := cli(t, dir, "--db", db, "import", kind, kind+".csv"); code != 0 {
			t.Fatalf("import %s: %s", kind, errs)
		}
	}
	return db
}

// TestEvalAtAsPeopleWriteIt: --at takes a date as people write it, in
// half-width or full-width digits; anything else is bad input that says how
// to write it.
func TestEvalAtAsPeopleWriteIt(t *testing.T) {
	dir := t.TempDir()
	db := evalDistrict(t, dir)
	for _, at := range []string{"2026-03-10", "2026/3/10", "2026.3.10", "2026年3月10日", "２０２６年３月１０日", "２０２６－０３－１０", "20260310"} {
		code, out, errs := cli(t, dir, "--db", db, "eval", "--at", at, "--dry-run")
		if code != 0 || !strings.HasPrefix(out, "评估日期 2026-03-10（试运行，未写入任何数据）") {
			t.Errorf("--at %s: exit %d\n%s%s", at, code, out, errs)
		}
	}
	for _, at := range []string{"2026/13/1", "2026年2月30日", "3/10/2026", "昨天"} {
		code, out, errs := cli(t, dir, "--db", db, "eval", "--at", at, "--dry-run")
		if code != 1 || !strings.Contains(errs, "eval：--at：") || !strings.Contains(errs, "不是有效日期（可写作 2026-03-09、2026/3/9、2026.3.9 或 2026年3月9日）") {
			t.Errorf("--at %s: exit %d\n%s%s", at, code, out, errs)
		}
	}
}

// TestEvalSummaryAndJSON: the summary names the school with its code, the
// grade as every summary does and the student masked; each JSON line
// carries the rule's message, a writing run's as a dry run's.
func TestEvalSummaryAndJSON(t *testing.T) {
	dir := t.TempDir()
	db := evalDistrict(t, dir)
	code, out, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-10", "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"一中（SCH01）", "张*  九年级 1班  一中（SCH01）  高风险，连续缺勤 2 个上学日", "初三学生近两周缺勤两天以上"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	for _, args := range [][]string{{"--dry-run", "--json"}, {"--json"}} {
		code, out, errs := cli(t, dir, append([]string{"--db", db, "eval", "--at", "2026-03-10"}, args...)...)
		if code != 0 || !strings.Contains(out, `"message":"张一是初三学生，近14天缺勤2天（其中旷课2天）。\n初三是辍学高发期`) {
			t.Errorf("eval %v: exit %d\n%s%s", args, code, out, errs)
		}
	}
}

// TestEvalRefusesAFutureWritingRun: a writing run after today would resolve
// alerts on days that have not come and then refuse every real run before
// it; a dry run may look ahead.
func TestEvalRefusesAFutureWritingRun(t *testing.T) {
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	if code, out, errs := cli(t, dir, "--db", db, "migrate"); code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, errs)
	}
	future := time.Now().AddDate(0, 0, 3).Format("2006-01-02")
	code, out, errs := cli(t, dir, "--db", db, "eval", "--at", future)
	if code != 1 || !strings.Contains(errs, "晚于今天") || !strings.Contains(errs, "--force") {
		t.Fatalf("a writing run at %s: exit %d\n%s%s", future, code, out, errs)
	}
	if _, out, errs = cli(t, dir, "--db", db, "runs", "--json"); out != "" {
		t.Fatalf("a run was recorded: %s%s", out, errs)
	}
	if code, _, errs = cli(t, dir, "--db", db, "eval", "--at", future, "--dry-run"); strings.Contains(errs, "晚于今天") {
		t.Fatalf("a dry run at %s was refused as in the future: exit %d\n%s", future, code, errs)
	}
}

// TestEvalMemoryLimit: an evaluation sets its soft memory limit, lower on
// SQLite than on PostgreSQL, unless GOMEMLIMIT names one, which a province
// sets higher (docs/scale.md).
func TestEvalMemoryLimit(t *testing.T) {
	dir := t.TempDir()
	db := evalDistrict(t, dir)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, env := range []string{"", "3GiB"} {
		t.Setenv("GOMEMLIMIT", env)
		debug.SetMemoryLimit(math.MaxInt64)
		if code, out, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-10", "--dry-run"); code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		want := evalMemoryLimit(store.SQLite) // evalDistrict's is a SQLite file
		if env != "" {
			want = math.MaxInt64 // the runtime's, as GOMEMLIMIT set it at start
		}
		if got := debug.SetMemoryLimit(-1); got != want {
			t.Errorf("GOMEMLIMIT=%q: limit %d, want %d", env, got, want)
		}
	}
}
