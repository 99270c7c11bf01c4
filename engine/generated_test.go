package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/importer"
	"baoxue/report"
	"baoxue/rules"
	"baoxue/store"
	"baoxue/store/storetest"
	"baoxue/synth"
)

// TestDayPastTheDataChangesNothing is the failure that made reporting
// explicit: on a generated district whose data ends on Friday 2026-11-27
// (with a school or two a day behind), a run on the next school day, which
// nobody has reported, must not resolve a single alert as if every child
// had come to school. A writing run there is refused; a forced one, and the
// next week's dry run, change nothing that the data does not say.
func TestDayPastTheDataChangesNothing(t *testing.T) {
	set, importAll := generated(t, 11)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		importAll(t, st)
		eval := func(at string, opt engine.Options) (*engine.Result, error) {
			opt.At, _ = civil.ParseDay(at)
			return engine.Evaluate(ctx, st, set, opt)
		}
		first, err := eval("2026-11-27", engine.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if first.New < 100 || len(first.Unreported) == 0 {
			t.Fatalf("the generated district should fire and have a school behind: %d new, unreported %+v", first.New, first.Unreported)
		}
		for _, u := range first.Unreported {
			if !u.Evaluated || u.ReportedThrough >= "2026-11-27" {
				t.Errorf("school behind at 11-27: %+v", u)
			}
		}
		if _, err := eval("2026-11-30", engine.Options{}); !errors.Is(err, engine.ErrNotReported) {
			t.Fatalf("a writing run on Monday 11-30, which nobody reported: err = %v, want ErrNotReported", err)
		}
		for _, opt := range []engine.Options{{Force: true}, {DryRun: true}} {
			res, err := eval("2026-11-30", opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Resolved) != 0 || res.WouldResolve != 0 || res.New != 0 {
				t.Errorf("%+v at 11-30: %d resolved, %d would resolve, %d new; want none: nothing was reported",
					opt, len(res.Resolved), res.WouldResolve, res.New)
			}
			if len(res.Alerts) != len(first.Alerts) {
				t.Errorf("%+v at 11-30: %d alerts firing, want the %d of 11-27", opt, len(res.Alerts), len(first.Alerts))
			}
		}
	})
}

// TestStoredFactsAgreeWithRecords: on a generated district imported file by
// file, the facts the imports kept evaluate exactly as the facts built
// from the records at once (every student marked stale, as a database
// written by hand would be): the same alerts with the same students,
// streaks and messages, at T and at a T a month before. A rebuild then
// stores the same facts.
func TestStoredFactsAgreeWithRecords(t *testing.T) {
	set, importAll := generated(t, 5)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		importAll(t, st)
		stale, err := st.StaleFacts(ctx, "")
		if err != nil || stale.Len() != 0 {
			t.Fatalf("after the imports %d students' facts are stale (%v), want none", stale.Len(), err)
		}
		dry := func(at string) string {
			t.Helper()
			d, _ := civil.ParseDay(at)
			res, err := engine.Evaluate(ctx, st, set, engine.Options{At: d, DryRun: true, Messages: true, Force: true})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, a := range res.Alerts {
				line, err := json.Marshal(a.Line)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "%s %d %d\n", line, a.Student.AbsentStreak, a.Student.UnexcusedStreak)
			}
			if b.Len() == 0 {
				t.Fatalf("nothing fires at %s", at)
			}
			return b.String()
		}
		stored := []string{dry("2026-11-27"), dry("2026-10-27")}
		snapshot := func() string {
			t.Helper()
			rows, err := st.FactsDump(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		kept := snapshot()
		if err := st.RawExec(ctx, `INSERT INTO student_facts_stale (sid) SELECT sid FROM students`); err != nil {
			t.Fatal(err)
		}
		if err := st.RawExec(ctx, `UPDATE student_facts SET facts = ''`); err != nil {
			t.Fatal(err)
		}
		for i, at := range []string{"2026-11-27", "2026-10-27"} {
			if got := dry(at); got != stored[i] {
				t.Errorf("at %s the facts built from the records evaluate otherwise than the stored ones", at)
			}
		}
		if n, err := st.RebuildFacts(ctx, false); err != nil || n == 0 {
			t.Fatalf("RebuildFacts = %d, %v", n, err)
		}
		if got := snapshot(); got != kept {
			t.Error("the rebuilt facts differ from the ones the imports kept")
		}
	})
}

// generated makes a district of 3,000 students with seed and returns the
// built-in rules and a function that imports every file of it into a store.
func generated(t *testing.T, seed int64) (*rules.Set, func(*testing.T, *store.Store)) {
	t.Helper()
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), dir, synth.Options{Students: 3000, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	set, err := rules.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	return set, func(t *testing.T, st *store.Store) {
		t.Helper()
		for _, kind := range importer.Kinds {
			if _, err := importer.ImportFile(context.Background(), st, kind, filepath.Join(dir, kind+".csv"), importer.Options{Actor: "test"}); err != nil {
				t.Fatalf("import %s: %v", kind, err)
			}
		}
	}
}

// TestFiredStudentsOutliveTheirBatch: the roster text of a student is
// read in the driver's buffer, which the next row overwrites, and kept in
// its batch's room, which is reused (and zeroed) once a worker is done with
// the batch; what a run keeps of a student (what fired, the counts by
// school and by pairing teacher) must be its own copy. The whole output of
// a dry run with batches of 8 students, reused hundreds of times, must be
// that of one batch, and both that of a run whose every student's facts
// are built from the records (strings of their own, no driver buffer).
func TestFiredStudentsOutliveTheirBatch(t *testing.T) {
	set, importAll := generated(t, 7)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		importAll(t, st)
		at, _ := civil.ParseDay("2026-11-27")
		dry := func() string {
			t.Helper()
			res, err := engine.Evaluate(ctx, st, set, engine.Options{At: at, DryRun: true, Messages: true, Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Alerts) == 0 {
				t.Fatal("nothing fires")
			}
			var b strings.Builder
			if err := report.WriteJSON(&b, res); err != nil {
				t.Fatal(err)
			}
			for _, a := range res.Alerts {
				s := a.Student
				fmt.Fprintf(&b, "%q %q %q %q %q %q %q %q\n", s.Key, s.ID, s.Name, s.School, s.Class, s.Homeroom, s.Pairing, s.Poverty)
			}
			return b.String()
		}
		engine.SetBatchSize(t, 4096)
		whole := dry()
		engine.SetBatchSize(t, 8)
		small := dry()
		if strings.Contains(small, `\x00`) {
			t.Error("a fired student's field reads as zeroed room: it was kept in its batch")
		}
		if small != whole {
			t.Error("the output of small, reused batches differs from that of one batch")
		}
		if err := st.RawExec(ctx, `INSERT INTO student_facts_stale (sid) SELECT sid FROM students`); err != nil {
			t.Fatal(err)
		}
		if owned := dry(); owned != whole {
			t.Error("the output read in the driver's buffer differs from that of students built from the records")
		}
	})
}
