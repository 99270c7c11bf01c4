package metrics_test

import (
	"context"
	"os"
	"testing"
	"time"

	"baoxue/metrics"
	"baoxue/store"
)

// BenchmarkScrape measures what a scrape costs the database: each query
// of the counts, and a whole scrape reading them all, on the database
// BAOXUE_BENCH_DATABASE_URL names (a generated city, BENCHMARKS.md). It
// skips without one.
func BenchmarkScrape(b *testing.B) {
	dsn := os.Getenv("BAOXUE_BENCH_DATABASE_URL")
	if dsn == "" {
		b.Skip("BAOXUE_BENCH_DATABASE_URL not set")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for _, q := range []struct {
		name string
		fn   func() error
	}{
		{"OpenAlertsBySeverity", func() error { _, err := st.OpenAlertsBySeverity(ctx); return err }},
		{"TaskCounts", func() error { _, _, err := st.TaskCounts(ctx, "2026-11-30"); return err }},
		{"OutboxCounts", func() error { _, err := st.OutboxCounts(ctx); return err }},
		{"LatestRun", func() error { return st.StreamRuns(ctx, 1, func(*store.Run) error { return nil }) }},
		{"LastJobsDone", func() error { _, err := st.LastJobsDone(ctx); return err }},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if err := q.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("Scrape", func(b *testing.B) {
		m := metrics.New(metrics.Options{Store: st, Timeout: time.Minute})
		for b.Loop() {
			m.Refresh()
			mfs, err := m.Registry().Gather()
			if err != nil {
				b.Fatal(err)
			}
			for _, mf := range mfs {
				if mf.GetName() == "baoxue_metrics_store_up" && mf.GetMetric()[0].GetGauge().GetValue() != 1 {
					b.Fatal("the database's counts were not read")
				}
			}
		}
	})
}
