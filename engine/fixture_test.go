package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"baoxue/rules"
	"baoxue/store"
)

// seed writes rows straight into the tables, so the engine's tests do not
// depend on the importer (the end-to-end tests go through it).
type seed struct {
	t  *testing.T
	st *store.Store
}

func (s seed) exec(q string, args ...any) {
	s.t.Helper()
	if err := s.st.RawExec(context.Background(), q, args...); err != nil {
		s.t.Fatalf("%s: %v", q, err)
	}
}

const now = "2026-01-01T00:00:00.000000Z"

// school inserts a school that has reported its attendance every day of
// March and April 2026, the months the lifecycle tests run in.
func (s seed) school(id, center string) {
	s.unreportedSchool(id, center)
	s.reported(id, "2026-03-01", "2026-04-30")
}

// unreportedSchool inserts a school that has reported nothing.
func (s seed) unreportedSchool(id, center string) {
	s.exec(`INSERT INTO schools (id, name, center, updated_at) VALUES (?, ?, ?, ?)`, id, id+"学校", center, now)
}

// reported records that school reported every day from..to.
func (s seed) reported(school, from, to string) {
	s.t.Helper()
	var values []string
	var args []any
	for d := day(s.t, from); d <= day(s.t, to); d++ {
		values = append(values, "(?, ?, 'reports')")
		args = append(args, school, d.String())
	}
	s.exec(`INSERT INTO attendance_reports (school_id, date, source) VALUES `+strings.Join(values, ", "), args...)
}

func (s seed) teacher(id, school, center, role string) {
	s.exec(`INSERT INTO teachers (id, name, school_id, center, role, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, "教师"+id, school, center, role, now)
}

// student inserts an enrolled student and returns its sid.
func (s seed) student(id, school string, grade int, homeroom string, extra ...string) int64 {
	s.t.Helper()
	s.exec(`INSERT INTO students (key, id, name, birth_date, school_id, grade, class, homeroom_teacher_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, "k"+id, id, "学生"+id, "2011-05-01", school, grade, "1班", homeroom, now, now)
	for i := 0; i+1 < len(extra); i += 2 {
		s.exec(fmt.Sprintf(`UPDATE students SET %s = ? WHERE id = ?`, extra[i]), extra[i+1], id)
	}
	var sid int64
	if err := s.st.RawGet(context.Background(), &sid, `SELECT sid FROM students WHERE id = ?`, id); err != nil {
		s.t.Fatal(err)
	}
	return sid
}

func (s seed) absent(sid int64, status string, dates ...string) {
	for _, d := range dates {
		s.exec(`INSERT INTO attendance (sid, date, status) VALUES (?, ?, ?)`, sid, d, status)
	}
}

func (s seed) count(table, where string, args ...any) int {
	s.t.Helper()
	var n int
	q := "SELECT COUNT(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	if err := s.st.RawGet(context.Background(), &n, q, args...); err != nil {
		s.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func compile(t testing.TB, src string) *rules.Set {
	t.Helper()
	set, err := rules.Compile(rules.File{Name: "test.yaml", Data: []byte(src)})
	if err != nil {
		t.Fatalf("rules: %v", err)
	}
	return set
}

// grade9Absent seeds the fixture most lifecycle tests start from: school
// SCH01 of center C1, homeroom teacher T1, and grade 9 student S1 absent
// without reason on Monday 2026-03-09 and Tuesday 2026-03-10.
func grade9Absent(t *testing.T, st *store.Store) seed {
	t.Helper()
	s := seed{t, st}
	s.school("SCH01", "C1")
	s.teacher("T1", "SCH01", "C1", "teacher")
	s.absent(s.student("S1", "SCH01", 9, "T1"), "absent", "2026-03-09", "2026-03-10")
	return s
}
