package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/importer"
	"baoxue/rules"
	"baoxue/store"
	"baoxue/store/storetest"
	"baoxue/synth"
)

// benchStudents is the size of the generated district, BAOXUE_BENCH_STUDENTS
// to change it (the city figures in BENCHMARKS.md come from
// scripts/bench-city.sh, which runs the real command).
func benchStudents() int {
	if n, err := strconv.Atoi(os.Getenv("BAOXUE_BENCH_STUDENTS")); err == nil && n > 0 {
		return n
	}
	return 20000
}

// loadDistrict generates a district and imports it, once per benchmark.
func loadDistrict(b *testing.B, st *store.Store) {
	b.Helper()
	dir := b.TempDir()
	ctx := context.Background()
	if _, err := synth.Generate(ctx, dir, synth.Options{Students: benchStudents(), Seed: 1}); err != nil {
		b.Fatal(err)
	}
	for _, kind := range importer.Kinds {
		if _, err := importer.ImportFile(ctx, st, kind, filepath.Join(dir, kind+".csv"), importer.Options{Actor: "bench"}); err != nil {
			b.Fatalf("import %s: %v", kind, err)
		}
	}
}

// BenchmarkEvaluate is a dry run of the default rules over a generated
// district on each engine; ns/student is the figure to compare.
func BenchmarkEvaluate(b *testing.B) {
	set, err := rules.Defaults()
	if err != nil {
		b.Fatal(err)
	}
	at := civil.DayOf(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	for _, eng := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(eng.name, func(b *testing.B) {
			st := eng.open(b)
			loadDistrict(b, st)
			var n int
			for b.Loop() {
				res, err := engine.Evaluate(context.Background(), st, set, engine.Options{At: at, DryRun: true})
				if err != nil {
					b.Fatal(err)
				}
				n = res.Students
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/student")
		})
	}
}
