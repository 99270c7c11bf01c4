package store_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// TestAssignPairings: a student with no pairing teacher gets the one
// assigned, a student who has one keeps them, and only the assignments
// that took effect are recorded, in the order given, on both engines: not
// one to the teacher the student already has.
func TestAssignPairings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		base := store.Student{Name: "张三", BirthDate: "2011-05-01", SchoolID: "S", Grade: 9, Status: "enrolled", Poverty: "none"}
		var all []store.Student
		for i, id := range []string{"L1", "L2", "L3", "L4", "L5"} {
			s := base
			s.Key, s.ID = "k"+id, id
			switch i {
			case 1:
				s.PairingTeacherID = "T0"
			case 4:
				s.PairingTeacherID = "T5"
			}
			all = append(all, s)
		}
		inTx(t, st, func(tx *store.Tx) error {
			_, err := tx.WriteStudents(ctx, all, nil, now)
			return err
		})
		idx, err := st.LoadStudentIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sid := func(id string) int64 { return idx.Aliases[id] }
		var runID int64
		inTx(t, st, func(tx *store.Tx) error {
			runID, err = tx.InsertRun(ctx, &store.Run{Kind: "eval", StartedAt: "2026-03-02T08:00:00Z", At: "2026-03-02"})
			if err != nil {
				return err
			}
			// Not in sid order: the record keeps the order given.
			n, err := tx.AssignPairings(ctx, runID, []store.PairingAssignment{
				{SID: sid("L4"), Teacher: "T4", Reason: "r4"},
				{SID: sid("L2"), Teacher: "T2", Reason: "r2"},
				{SID: sid("L5"), Teacher: "T5", Reason: "r5"},
				{SID: sid("L1"), Teacher: "T1", Reason: "r1"},
			}, "2026-03-02T08:00:00Z")
			if n != 2 {
				t.Errorf("%d assignments took effect, want 2", n)
			}
			return err
		})
		if got, want := rows(t, st, `SELECT id, pairing_teacher_id FROM students ORDER BY id`), "L1|T1\nL2|T0\nL3|\nL4|T4\nL5|T5"; got != want {
			t.Errorf("pairing teachers:\n%s\nwant:\n%s", got, want)
		}
		got := rows(t, st, `SELECT s.id, p.teacher_id, p.reason, p.run_id FROM pairings p JOIN students s ON s.sid = p.sid
			WHERE p.reason <> 'import' ORDER BY p.id`)
		if want := strings.ReplaceAll("L4|T4|r4|R\nL1|T1|r1|R", "R", strconv.FormatInt(runID, 10)); got != want {
			t.Errorf("pairings:\n%s\nwant:\n%s", got, want)
		}
		inTx(t, st, func(tx *store.Tx) error {
			_, err := tx.AssignPairings(ctx, runID, []store.PairingAssignment{
				{SID: sid("L3"), Teacher: "T3"}, {SID: sid("L3"), Teacher: "T5"},
			}, "2026-03-02T08:00:00Z")
			if err == nil || !strings.Contains(err.Error(), "twice") {
				t.Errorf("a student assigned twice: %v", err)
			}
			return nil
		})
	})
}

// TestStudentsLeaveRoomForUpdates: on PostgreSQL, students' pages keep
// room for a row's new version (migration 0016), so that a run's pairing
// assignments update no index of students.
func TestStudentsLeaveRoomForUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if st.Dialect != store.Postgres {
			t.Skip("a PostgreSQL storage setting")
		}
		if got := rows(t, st, `SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = 'students'::regclass`); got != "fillfactor=85" {
			t.Errorf("students' storage options: %q, want fillfactor=85", got)
		}
	})
}

// TestAssignPairingsKeepOrder: with enough students that PostgreSQL hashes
// the stage and scans students, the pairings are still numbered in the
// order given (here the reverse of the students'), as SQLite numbers them.
func TestAssignPairingsKeepOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
		const n = 3000
		all := make([]store.Student, n)
		for i := range all {
			id := fmt.Sprintf("L%05d", i)
			all[i] = store.Student{Key: "k" + id, ID: id, Name: "张三", BirthDate: "2011-05-01", SchoolID: "S", Grade: 9,
				Status: "enrolled", Poverty: "none"}
		}
		inTx(t, st, func(tx *store.Tx) error {
			_, err := tx.WriteStudents(ctx, all, nil, now)
			return err
		})
		if err := st.RawExec(ctx, "ANALYZE students"); err != nil {
			t.Fatal(err)
		}
		idx, err := st.LoadStudentIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		as := make([]store.PairingAssignment, n)
		for i := range as {
			as[i] = store.PairingAssignment{SID: idx.Aliases[fmt.Sprintf("L%05d", n-1-i)], Teacher: "T", Reason: "r"}
		}
		inTx(t, st, func(tx *store.Tx) error {
			runID, err := tx.InsertRun(ctx, &store.Run{Kind: "eval", StartedAt: "2026-03-02T08:00:00Z", At: "2026-03-02"})
			if err != nil {
				return err
			}
			if got, err := tx.AssignPairings(ctx, runID, as, "2026-03-02T08:00:00Z"); got != n {
				t.Errorf("%d assignments took effect, want %d", got, n)
				return err
			}
			return nil
		})
		got := strings.Split(rows(t, st, `SELECT sid FROM pairings ORDER BY id`), "\n")
		if len(got) != n {
			t.Fatalf("%d pairings, want %d", len(got), n)
		}
		for i, s := range got {
			if want := strconv.FormatInt(as[i].SID, 10); s != want {
				t.Fatalf("pairing %d is of student %s, want %s (the order given)", i, s, want)
			}
		}
	})
}

// TestAssignPairingsSpliceFacts: the teachers a run assigns are written
// into the students' stored facts and their marks removed, and the facts
// are those a rebuild from the records makes; a student stale before (a
// contact recorded meanwhile) or without stored facts (transferred) keeps
// its mark and is rebuilt, on both engines.
func TestAssignPairingsSpliceFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		exec := factsFixture(t, st)
		exec(`UPDATE students SET pairing_teacher_id = 'T0' WHERE sid = 2`)
		if _, err := st.RebuildFacts(ctx, false); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO contacts (sid, date, teacher_id, channel, outcome, note, source, created_at)
			VALUES (3, '2026-03-02', 'T1', 'phone', '', '', 'api', '')`)
		inTx(t, st, func(tx *store.Tx) error {
			runID, err := tx.InsertRun(ctx, &store.Run{Kind: "eval", StartedAt: "2026-03-02T08:00:00Z", At: "2026-03-02"})
			if err != nil {
				return err
			}
			var as []store.PairingAssignment
			for _, sid := range []int64{4, 2, 3, 7, 1} {
				as = append(as, store.PairingAssignment{SID: sid, Teacher: fmt.Sprint("T", sid), Reason: "r"})
			}
			if n, err := tx.AssignPairings(ctx, runID, as, "2026-03-02T08:00:00Z"); n != 4 || err != nil {
				t.Errorf("AssignPairings = %d, %v; want 4", n, err)
			}
			if marked := markedIn(t, tx); !slices.Equal(marked, []int64{3, 7}) {
				t.Errorf("marked after the assignments: %v, want [3 7]", marked)
			}
			_, err = tx.RefreshFacts(ctx)
			return err
		})
		got, err := st.FactsDump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`\x1fT1\x1f`, `\x1fT4\x1f`, `\x1fT0\x1f`, `\x1fT3\x1f`} {
			if !strings.Contains(got, want) { // (FactsDump quotes the separator)
				t.Errorf("no stored facts hold %s", want)
			}
		}
		if want := rebuiltFacts(t, st); got != want {
			t.Errorf("the facts after the assignments:\n%q\ndiffer from a rebuild's:\n%q", got, want)
		}
	})
}

// TestAssignPairingsKeepOthersMarks: on PostgreSQL, a contact recorded
// through another connection while a run writes the teachers into the
// facts marks its student, and the mark stays (only the run's own marks
// go): the student is rebuilt with the contact. (SQLite's writers never
// overlap.)
func TestAssignPairingsKeepOthersMarks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if st.Dialect != store.Postgres {
			t.Skip("SQLite's writers never overlap")
		}
		ctx := context.Background()
		exec := factsFixture(t, st)
		defer store.SetAfterSplice(func() {
			exec(`INSERT INTO contacts (sid, date, teacher_id, channel, outcome, note, source, created_at)
				VALUES (1, '2026-03-03', 'T1', 'phone', '', '', 'api', '')`)
		})()
		inTx(t, st, func(tx *store.Tx) error {
			runID, err := tx.InsertRun(ctx, &store.Run{Kind: "eval", StartedAt: "2026-03-03T08:00:00Z", At: "2026-03-03"})
			if err != nil {
				return err
			}
			as := []store.PairingAssignment{{SID: 1, Teacher: "T1", Reason: "r"}, {SID: 4, Teacher: "T4", Reason: "r"}}
			if n, err := tx.AssignPairings(ctx, runID, as, "2026-03-03T08:00:00Z"); n != 2 || err != nil {
				t.Errorf("AssignPairings = %d, %v; want 2", n, err)
			}
			if marked := markedIn(t, tx); !slices.Equal(marked, []int64{1}) {
				t.Errorf("marked after the assignments: %v, want [1] (the contact's)", marked)
			}
			_, err = tx.RefreshFacts(ctx)
			return err
		})
		got, err := st.FactsDump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := rebuiltFacts(t, st); got != want {
			t.Errorf("the facts after the assignments differ from a rebuild's")
		}
	})
}

// markedIn returns the students marked stale, as tx sees them.
func markedIn(t *testing.T, tx *store.Tx) []int64 {
	t.Helper()
	var marked []int64
	if err := tx.RawSelect(context.Background(), &marked, `SELECT DISTINCT sid FROM student_facts_stale ORDER BY sid`); err != nil {
		t.Fatal(err)
	}
	return marked
}

// rebuiltFacts rebuilds every student's facts from the records and
// returns them (FactsDump).
func rebuiltFacts(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	if _, err := st.RebuildFacts(ctx, true); err != nil {
		t.Fatal(err)
	}
	facts, err := st.FactsDump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return facts
}
