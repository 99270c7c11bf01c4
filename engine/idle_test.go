package engine

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// slowHandler makes the debug line of a run's scan phase take a while,
// standing in for reading a city while the run's transaction waits.
type slowHandler struct{ slog.Handler }

func (h slowHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h slowHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "eval phase" {
		time.Sleep(600 * time.Millisecond)
	}
	return nil
}

// TestIdleTimeoutDoesNotEndARun: a server whose idle-in-transaction timeout
// is shorter than the read of a city must not abort the writing run that
// holds its transaction open meanwhile.
func TestIdleTimeoutDoesNotEndARun(t *testing.T) {
	dsn := storetest.PostgresDSN(t) + "&idle_in_transaction_session_timeout=200"
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s := seed{t, st}
	s.school("SCH01", "C1")
	s.teacher("T1", "SCH01", "C1", "teacher")
	sid := s.student("S1", "SCH01", 9, "T1")
	s.absent(sid, "absent", "2026-03-09", "2026-03-10")
	_, err = Evaluate(ctx, st, compile(t, lifecycleRules), Options{At: day(t, "2026-03-10"),
		Logger: slog.New(slowHandler{})})
	if err != nil {
		t.Fatalf("a writing run slower than the idle timeout failed: %v", err)
	}
	if n := s.count("alerts", ""); n != 1 {
		t.Fatalf("alerts = %d, want 1", n)
	}
}
