package store_test

import (
	"context"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

func TestClaimJobRunOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := store.JobRun{Job: "evaluate", Scheduled: "2026-03-10T11:00:00.000000Z", At: "2026-03-10", Owner: "a", StartedAt: "x"}
		for i, want := range []bool{true, false} {
			r.Owner = []string{"a", "b"}[i]
			got, err := st.ClaimJobRun(ctx, r)
			if err != nil || got != want {
				t.Fatalf("claim %d: %v, %v; want %v", i, got, err, want)
			}
		}
		if err := st.FinishJobRun(ctx, r.Job, r.Scheduled, store.JobDone, "", time.Now()); err != nil {
			t.Fatal(err)
		}
		rs, err := st.JobRuns(ctx, "")
		if err != nil || len(rs) != 1 || rs[0].Owner != "a" || rs[0].Status != store.JobDone {
			t.Fatalf("runs %+v, %v", rs, err)
		}
		if has, err := st.HasJobRun(ctx, "evaluate", r.Scheduled); !has || err != nil {
			t.Errorf("HasJobRun: %v, %v", has, err)
		}
	})
}

// TestLeaderOnePostgres: one session holds the scheduler lock; it passes to
// another when released.
func TestLeaderOnePostgres(t *testing.T) {
	ctx := context.Background()
	st := storetest.Postgres(t)
	held := func() bool {
		t.Helper()
		h, err := st.LeaderHeld(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	if held() {
		t.Fatal("LeaderHeld before anyone took the lock")
	}
	a, err := st.TakeLeader(ctx, "a")
	if err != nil || a == nil {
		t.Fatalf("first: %v, %v", a, err)
	}
	if err := a.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if !held() {
		t.Error("LeaderHeld is false while a session holds the lock")
	}
	if b, err := st.TakeLeader(ctx, "b"); b != nil || err != nil {
		t.Fatalf("second while held: %v, %v", b, err)
	}
	a.Release()
	if held() {
		t.Error("LeaderHeld after the lock was released")
	}
	b, err := st.TakeLeader(ctx, "b")
	if err != nil || b == nil {
		t.Fatalf("second after release: %v, %v", b, err)
	}
	b.Release()
}
