package engine_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/importer"
	"baoxue/report"
	"baoxue/rules"
	"baoxue/store"
	"baoxue/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// importDistrict loads testdata/district through the real importer.
func importDistrict(t *testing.T, st *store.Store) {
	t.Helper()
	for _, kind := range []string{"schools", "teachers", "calendar", "students", "attendance", "reports", "contacts", "home-teaching"} {
		if _, err := importer.ImportFile(context.Background(), st, kind, filepath.Join("testdata", "district", kind+".csv"), importer.Options{Actor: "test"}); err != nil {
			t.Fatalf("import %s: %v", kind, err)
		}
	}
}

// runJSON evaluates at as `eval --json` does (every message rendered) and
// returns its lines.
func runJSON(t *testing.T, st *store.Store, at, campaign string, dry bool) []byte {
	t.Helper()
	set, err := rules.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	d, _ := civil.ParseDay(at)
	res, err := engine.Evaluate(context.Background(), st, set, engine.Options{At: d, Campaign: campaign, DryRun: dry, Messages: true})
	if err != nil {
		t.Fatalf("eval: %v", err)
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, res); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestEndToEnd imports CSV fixtures, evaluates the default rules on each
// engine and compares the JSON lines with golden files: a dry run, a
// writing run, a second writing run a week later (reminders, resolutions)
// and a March campaign run. Both engines must print the same bytes.
func TestEndToEnd(t *testing.T) {
	steps := []struct {
		golden, at, campaign string
		dry                  bool
	}{
		{"e2e-1-dry.jsonl", "2026-03-10", "", true},
		{"e2e-2-write.jsonl", "2026-03-10", "", false},
		{"e2e-3-week-later.jsonl", "2026-03-17", "", false},
		{"e2e-4-march.jsonl", "2026-03-17", "march", false},
	}
	outputs := map[string][][]byte{}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		importDistrict(t, st)
		for _, s := range steps {
			out := runJSON(t, st, s.at, s.campaign, s.dry)
			golden(t, s.golden, out)
			outputs[t.Name()] = append(outputs[t.Name()], out)
		}
	})
	lite, pg := outputs["TestEndToEnd/sqlite"], outputs["TestEndToEnd/postgres"]
	if lite != nil && pg != nil {
		for i := range lite {
			if !bytes.Equal(lite[i], pg[i]) {
				t.Errorf("step %d: SQLite and PostgreSQL outputs differ", i+1)
			}
		}
	}
}

// TestControlCharacterInACell: a damaged export with a control character in
// a name imports (the character dropped) and evaluates.
func TestControlCharacterInACell(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := importer.ImportRows(ctx, st, "students", "roster.csv",
			[]string{"id", "name", "birth_date", "school_id", "grade", "class"},
			[][]string{{"S2", "张\x1f三", "2011-05-01", "SCH01", "9", "1班"}}, []int{2},
			importer.Options{ImplicitRefs: true, Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		set, err := rules.Defaults()
		if err != nil {
			t.Fatal(err)
		}
		d, _ := civil.ParseDay("2026-03-10")
		res, err := engine.Evaluate(ctx, st, set, engine.Options{At: d, DryRun: true, AllReported: true})
		if err != nil {
			t.Fatalf("evaluate: %v", err)
		}
		if res.Students != 1 {
			t.Fatalf("evaluated %d students, want 1", res.Students)
		}
	})
}
