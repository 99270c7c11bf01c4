package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// inTx runs fn in a bulk transaction and commits it.
func inTx(t *testing.T, st *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	tx, err := st.BeginBulk(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func rows(t *testing.T, st *store.Store, q string) string {
	t.Helper()
	var out []string
	r, err := st.RawQuery(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cols, _ := r.Columns()
	for r.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts = append(parts, fmt.Sprint(v))
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "\n")
}

// TestBulkUpsert: counts of new and updated rows, only the named columns
// overwritten, and unchanged rows left as they were (updated_at too).
func TestBulkUpsert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t1 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		t2 := t1.Add(time.Hour)
		schools := []store.School{{ID: "A", Name: "甲", Center: "C1", Township: "T1"}, {ID: "B", Name: "乙", Center: "C1"}}
		inTx(t, st, func(tx *store.Tx) error {
			c, err := tx.UpsertSchools(ctx, schools, []string{"name", "center", "township"}, t1)
			if c != (store.Counts{New: 2}) {
				t.Errorf("first upsert: %+v", c)
			}
			return err
		})
		// B changes its name; its township is not among the updated columns.
		again := []store.School{{ID: "A", Name: "甲", Center: "C1", Township: "T1"}, {ID: "B", Name: "乙二", Center: "C1", Township: "ignored"}, {ID: "C", Name: "丙", Center: "C2"}}
		inTx(t, st, func(tx *store.Tx) error {
			c, err := tx.UpsertSchools(ctx, again, []string{"name", "center"}, t2)
			if c != (store.Counts{New: 1, Updated: 2}) {
				t.Errorf("second upsert: %+v", c)
			}
			return err
		})
		got := rows(t, st, `SELECT id, name, township, updated_at FROM schools ORDER BY id`)
		want := "A|甲|T1|2026-03-01T08:00:00.000000Z\nB|乙二||2026-03-01T09:00:00.000000Z\nC|丙||2026-03-01T09:00:00.000000Z"
		if got != want {
			t.Errorf("schools:\n%s\nwant:\n%s", got, want)
		}
		// A rolled-back bulk write leaves nothing, staging tables included.
		tx, err := st.BeginBulk(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.UpsertSchools(ctx, []store.School{{ID: "D", Name: "丁", Center: "C"}}, nil, t2); err != nil {
			t.Fatal(err)
		}
		tx.Rollback()
		if got := rows(t, st, `SELECT COUNT(*) FROM schools`); got != "3" {
			t.Errorf("%s schools after a rollback, want 3", got)
		}
		if _, err := new(store.Tx).UpsertSchools(ctx, nil, []string{"id; DROP TABLE schools"}, t2); err == nil {
			t.Error("a column name outside the table's list was accepted")
		}
	})
}

// TestWriteStudents: new students get sids and aliases, stored ones are
// updated by sid (a new number becomes an alias), and missing students are
// marked once.
func TestWriteStudents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		base := store.Student{Name: "张三", BirthDate: "2011-05-01", SchoolID: "S", Grade: 9, Status: "enrolled", Poverty: "none"}
		a, b := base, base
		a.Key, a.ID, a.PairingTeacherID = "k1", "L1", "T1"
		b.Key, b.ID = "k2", "L2"
		inTx(t, st, func(tx *store.Tx) error {
			c, err := tx.WriteStudents(ctx, []store.Student{a, b}, nil, now)
			if c != (store.Counts{New: 2}) {
				t.Errorf("insert: %+v", c)
			}
			return err
		})
		idx, err := st.LoadStudentIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sid := idx.Aliases["L1"]
		if sid == 0 || len(idx.Students) != 2 || idx.Students[sid].PairingTeacherID != "T1" {
			t.Fatalf("index after insert: %+v", idx)
		}
		a.SID, a.ID, a.Grade = sid, "G1", 8
		inTx(t, st, func(tx *store.Tx) error {
			c, err := tx.WriteStudents(ctx, []store.Student{a}, []string{"grade"}, now)
			if c != (store.Counts{Updated: 1}) {
				t.Errorf("update: %+v", c)
			}
			if err != nil {
				return err
			}
			n, err := tx.MarkStudentsMissing(ctx, []int64{idx.Aliases["L2"]}, "2026-03-01")
			if n != 1 {
				t.Errorf("marked %d, want 1", n)
			}
			return err
		})
		got := rows(t, st, `SELECT s.id, s.grade, s.key, s.missing_since, (SELECT COUNT(*) FROM student_ids i WHERE i.sid = s.sid)
			FROM students s ORDER BY s.id`)
		if want := "G1|8|k1||2\nL2|9|k2|2026-03-01|1"; got != want {
			t.Errorf("students:\n%s\nwant:\n%s", got, want)
		}
		if got := rows(t, st, `SELECT teacher_id, reason FROM pairings`); got != "T1|import" {
			t.Errorf("pairings: %q", got)
		}
	})
}
