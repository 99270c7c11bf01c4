package engine_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/importer"
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
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), dir, synth.Options{Students: 3000, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	set, err := rules.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for _, kind := range importer.Kinds {
			if _, err := importer.ImportFile(ctx, st, kind, filepath.Join(dir, kind+".csv"), importer.Options{Actor: "test"}); err != nil {
				t.Fatalf("import %s: %v", kind, err)
			}
		}
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
