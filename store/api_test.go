package store_test

import (
	"context"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// TestTokenState: a token is active until it expires, and revoked from its
// revocation on, whether or not it has expired since; it is revoked once.
func TestTokenState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC)
		id, err := st.InsertToken(ctx, store.Token{Hash: "h1", TeacherID: "T1", CreatedAt: store.FormatTime(now),
			ExpiresAt: store.FormatTime(now.Add(time.Hour)), CreatedBy: "cli:test"})
		if err != nil {
			t.Fatal(err)
		}
		tok, ok, err := st.TokenByHash(ctx, "h1")
		if err != nil || !ok || tok.ID != id || tok.TeacherID != "T1" || tok.Admin || tok.CreatedBy != "cli:test" {
			t.Fatalf("TokenByHash: %+v %v %v", tok, ok, err)
		}
		if _, ok, _ := st.TokenByHash(ctx, "h2"); ok {
			t.Errorf("found a token of another hash")
		}
		for at, want := range map[time.Duration]string{0: store.TokenActive, time.Hour: store.TokenExpired, 2 * time.Hour: store.TokenExpired} {
			if got := tok.State(now.Add(at)); got != want {
				t.Errorf("state at +%v: %s, want %s", at, got, want)
			}
		}
		if ok, err := st.RevokeToken(ctx, id, now); !ok || err != nil {
			t.Fatalf("revoke: %v %v", ok, err)
		}
		if ok, _ := st.RevokeToken(ctx, id, now.Add(time.Minute)); ok {
			t.Errorf("revoked twice")
		}
		tok, _, _ = st.TokenByID(ctx, id)
		if tok.State(now) != store.TokenRevoked || tok.RevokedAt != store.FormatTime(now) {
			t.Errorf("after revoking: %+v", tok)
		}
	})
}

// TestEscalateClosedTask: a run does not escalate a task closed after it
// read it as overdue.
func TestEscalateClosedTask(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.RawExec(ctx, `INSERT INTO tasks (school_id, kind, assignee, due, created_at) VALUES ('SCH01', 'home_visit', 'T1', '2026-03-10', '2026-03-09'), ('SCH01', 'home_visit', 'T1', '2026-03-10', '2026-03-09')`); err != nil {
			t.Fatal(err)
		}
		if ok, err := st.CloseTask(ctx, 2, store.TaskClosing{Outcome: "home_visited", By: "T1", At: "2026-03-11T02:00:00.000000Z"}); !ok || err != nil {
			t.Fatalf("close: %v %v", ok, err)
		}
		err := st.InTx(ctx, func(tx *store.Tx) error {
			for id, want := range map[int64]bool{1: true, 2: false} {
				got, err := tx.EscalateTask(ctx, 1, id, 1, "2026-03-11")
				if err != nil {
					return err
				}
				if got != want {
					t.Errorf("escalate task %d: %v, want %v", id, got, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
