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

// BenchmarkEvaluateWrite is a writing run of the default rules over a
// generated district on each engine: "first" opens every alert, task,
// pairing and notification (the district is put back before each
// iteration, untimed), "again" is the daily run that finds nothing new.
// ns/student is the figure to compare; scripts/bench-ratio.sh compares the
// real command with PostgreSQL's own read of a city.
func BenchmarkEvaluateWrite(b *testing.B) {
	set, err := rules.Defaults()
	if err != nil {
		b.Fatal(err)
	}
	at := civil.DayOf(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))
	ctx := context.Background()
	for _, eng := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(eng.name, func(b *testing.B) {
			st := eng.open(b)
			loadDistrict(b, st)
			exec := func(q string) {
				if err := st.RawExec(ctx, q); err != nil {
					b.Fatalf("%s: %v", q, err)
				}
			}
			// What a writing run writes, and the pairing teachers it
			// assigns, to put back before each first run.
			exec(`CREATE TABLE bench_pairing AS SELECT sid, pairing_teacher_id FROM students`)
			reset := func() {
				for _, t := range []string{"outbox", "escalations", "task_reasons", "tasks", "pairings", "alerts", "runs"} {
					exec(`DELETE FROM ` + t)
				}
				exec(`UPDATE students SET pairing_teacher_id = (SELECT p.pairing_teacher_id FROM bench_pairing p WHERE p.sid = students.sid)`)
			}
			run := func(b *testing.B) int {
				res, err := engine.Evaluate(ctx, st, set, engine.Options{At: at})
				if err != nil {
					b.Fatal(err)
				}
				return res.Students
			}
			b.Run("first", func(b *testing.B) {
				var n int
				for b.Loop() {
					b.StopTimer()
					reset()
					b.StartTimer()
					n = run(b)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/student")
			})
			b.Run("again", func(b *testing.B) {
				reset()
				run(b)
				var n int
				for b.Loop() {
					n = run(b)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/student")
			})
		})
	}
}
