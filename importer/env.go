package importer

import (
	"context"
	"sort"
	"time"

	"baoxue/store"
)

// kindSpec is one import KIND: its columns and how to import its rows.
type kindSpec struct {
	name    string
	columns []column
	// begin loads what the rows are checked against, inside the import's
	// transaction, and returns the batch that collects them.
	begin func(ctx context.Context, e *env) (batch, error)
}

// batch checks rows one at a time (recording problems on the row) and
// writes the good ones when the file had no problem.
type batch interface {
	add(r *row)
	write(ctx context.Context) (result, error)
}

// result is what a batch wrote.
type result struct {
	store.Counts
	missing int
	// reported is the range of days an attendance import with --reported
	// marked as reported by every school, of reportedSchools schools.
	reported        [2]string
	reportedSchools int
}

// env is the state of one import: its transaction, options and the
// references rows are checked against, loaded once.
type env struct {
	tx    *store.Tx
	opt   Options
	now   time.Time
	today string
	h     *header

	schools  map[string]string // school id -> center
	teachers map[string]store.TeacherRef
	// Schools and teachers created for ImplicitRefs, in first-seen order.
	newSchools  []string
	newTeachers []store.Teacher
}

func (e *env) loadSchools(ctx context.Context) error {
	m, err := e.tx.SchoolCenters(ctx)
	e.schools = m
	return err
}

func (e *env) loadTeachers(ctx context.Context) error {
	m, err := e.tx.TeacherRefs(ctx)
	e.teachers = m
	return err
}

// school checks a school reference in column col ("" is no reference). With
// ImplicitRefs an unknown school is created; otherwise it is a bad row.
func (e *env) school(r *row, col, id string) bool {
	if id == "" {
		return true
	}
	if _, ok := e.schools[id]; ok {
		return true
	}
	if e.opt.ImplicitRefs {
		e.schools[id] = ""
		e.newSchools = append(e.newSchools, id)
		return true
	}
	r.fail(col, "import.school.unknown", id)
	return false
}

// teacher checks a teacher reference in column col ("" is no reference).
// With ImplicitRefs an unknown teacher is created as a teacher of school.
func (e *env) teacher(r *row, col, id, school string) bool {
	if id == "" {
		return true
	}
	if _, ok := e.teachers[id]; ok {
		return true
	}
	if e.opt.ImplicitRefs {
		center := e.schools[school]
		e.teachers[id] = store.TeacherRef{SchoolID: school, Center: center, Role: "teacher"}
		e.newTeachers = append(e.newTeachers, store.Teacher{ID: id, Name: id, SchoolID: school, Center: center, Role: "teacher"})
		return true
	}
	r.fail(col, "import.teacher.unknown", id)
	return false
}

// writeImplicit creates the schools and teachers ImplicitRefs asked for.
func (e *env) writeImplicit(ctx context.Context) error {
	if err := e.tx.EnsureSchools(ctx, e.newSchools, e.now); err != nil {
		return err
	}
	return e.tx.EnsureTeachers(ctx, e.newTeachers, e.now)
}

// firstByRole returns, for each value of key (a school or a center), the
// smallest id of a teacher with the role: a stable choice of the principal
// or center admin who takes over a moved student's tasks.
func firstByRole(teachers map[string]store.TeacherRef, role string, key func(store.TeacherRef) string) map[string]string {
	ids := make([]string, 0)
	for id, t := range teachers {
		if t.Role == role && key(t) != "" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	out := make(map[string]string)
	for _, id := range ids {
		k := key(teachers[id])
		if _, ok := out[k]; !ok {
			out[k] = id
		}
	}
	return out
}

// push appends v, doubling the capacity when full: append grows large
// slices by a quarter, which for a million rows of a few hundred bytes
// copies the rows a dozen times over.
func push[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		n := make([]T, len(s), 2*len(s)+256)
		copy(n, s)
		s = n
	}
	return append(s, v)
}
