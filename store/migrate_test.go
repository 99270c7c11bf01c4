package store_test

import (
	"context"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

func TestMigrateFromEmptyAndAgain(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{
		{"sqlite", storetest.SQLiteUnmigrated},
		{"postgres", storetest.PostgresUnmigrated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st := tc.open(t)
			ms, err := store.Migrations()
			if err != nil {
				t.Fatal(err)
			}
			n, err := st.Migrate(ctx)
			if err != nil {
				t.Fatalf("first migrate: %v", err)
			}
			if n != len(ms) {
				t.Fatalf("first migrate applied %d, want %d", n, len(ms))
			}
			n, err = st.Migrate(ctx)
			if err != nil || n != 0 {
				t.Fatalf("second migrate: applied %d, err %v; want 0, nil", n, err)
			}
			v, err := st.SchemaVersion(ctx)
			if err != nil || v != ms[len(ms)-1].Version {
				t.Fatalf("schema version %d (%v), want %d", v, err, ms[len(ms)-1].Version)
			}
			// Every table the later features need is there and empty.
			for _, table := range []string{"schools", "teachers", "villages", "students", "student_ids", "attendance",
				"calendar", "contacts", "home_teaching", "registry", "platform", "survey", "runs", "alerts", "tasks",
				"escalations", "pairings", "outbox", "ledger", "tokens", "audit", "job_runs"} {
				var c int
				if err := st.RawGet(ctx, &c, "SELECT COUNT(*) FROM "+table); err != nil {
					t.Errorf("table %s: %v", table, err)
				} else if c != 0 {
					t.Errorf("table %s has %d rows", table, c)
				}
			}
		})
	}
}

func TestOpenRejectsUnknownDSN(t *testing.T) {
	for _, dsn := range []string{"mysql://x", "", "file:"} {
		if _, err := store.Open(context.Background(), dsn); err == nil {
			t.Errorf("Open(%q) succeeded, want an error", dsn)
		}
	}
}
