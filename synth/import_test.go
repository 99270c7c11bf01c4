package synth_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"baoxue/importer"
	"baoxue/store"
	"baoxue/store/storetest"
	"baoxue/synth"
)

// TestFilesImport loads every generated file with the real importer, in
// its dependency order, on each database engine: a bad row anywhere fails
// the whole file (SPEC section 4), so this proves the files import cleanly.
func TestFilesImport(t *testing.T) {
	dir := t.TempDir()
	sum, err := synth.Generate(context.Background(), dir, synth.Options{Students: 2000, Seed: 6})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	rows := map[string]int{}
	for _, f := range sum.Files {
		rows[f.Name] = f.Rows
	}
	now := func() time.Time { return time.Date(2026, 11, 27, 20, 0, 0, 0, time.FixedZone("CST", 8*3600)) }
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, kind := range importer.Kinds {
			name := kind + ".csv"
			got, err := importer.ImportFile(context.Background(), st, kind, filepath.Join(dir, name),
				importer.Options{Now: now, Actor: "test"})
			if err != nil {
				t.Fatalf("import %s: %v", kind, err)
			}
			if got.Rows != rows[name] || got.New != rows[name] {
				t.Errorf("import %s: %s, want %d new rows", kind, got, rows[name])
			}
		}
	})
}
