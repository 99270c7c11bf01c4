package notifier_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/config"
	"baoxue/notifier"
	"baoxue/store"
	"baoxue/store/storetest"
)

// onSQLite skips a test that makes the database fail with a SQLite trigger.
func onSQLite(t *testing.T, st *store.Store) {
	t.Helper()
	if st.Dialect != store.SQLite {
		t.Skip("the failure is made with a SQLite trigger")
	}
}

// TestRunBacksOffWhenTheDatabaseFails: a row whose send cannot be recorded
// is released and due at once; Run must not resend it in a tight loop
// (it sent one row 438 times in half a second) but wait its poll.
func TestRunBacksOffWhenTheDatabaseFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		onSQLite(t, st)
		teachers(t, st, teacher("T1"))
		queue(t, st, fixture(t), nil, "T1")
		ctx := context.Background()
		if err := st.RawExec(ctx, `CREATE TRIGGER no_sent BEFORE UPDATE OF status ON outbox WHEN NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, 'cannot record'); END`); err != nil {
			t.Fatal(err)
		}
		clock := notifier.SystemClock{}
		r := &robot{name: "r", clock: clock}
		cfg := config.Notifier{Default: "r", Retry: policy}
		cfg.Channels = append(cfg.Channels, config.Channel{Name: "r", Type: "test", Timeout: config.Duration(5 * time.Second)})
		d, err := notifier.NewDispatcher(st, cfg, map[string]notifier.Channel{"r": r}, notifier.Options{Clock: clock, Owner: "a", Poll: 15 * time.Second, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		rctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		d.Run(rctx)
		if n := len(r.calls()); n != 1 {
			t.Errorf("one row whose send could not be recorded was sent %d times in half a second, want 1", n)
		}
	})
}

// slow records a message and answers only after 300ms, or when its call
// is cancelled.
type slow struct {
	mu   sync.Mutex
	n    int
	name string
}

func (s *slow) Name() string                      { return s.name }
func (s *slow) Limits() notifier.Limits           { return notifier.Limits{} }
func (s *slow) Pace() (string, int)               { return "slow:" + s.name, 0 }
func (s *slow) Address(notifier.Recipient) string { return "" }
func (s *slow) Notify(ctx context.Context, m *notifier.Message) error {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(300 * time.Millisecond):
		return nil
	}
}

// TestOneFailureDoesNotCancelOtherDestinations: a failure to record one
// teacher's row must not cancel the send in flight to another destination
// (released unrecorded, it was sent again by the next flush).
func TestOneFailureDoesNotCancelOtherDestinations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		onSQLite(t, st)
		t2 := teacher("T2")
		t2.SchoolID = "SCH02"
		teachers(t, st, teacher("T1"), t2)
		queue(t, st, fixture(t), nil, "T1", "T2")
		ctx := context.Background()
		if err := st.RawExec(ctx, `CREATE TABLE once (x INTEGER)`); err != nil {
			t.Fatal(err)
		}
		if err := st.RawExec(ctx, `CREATE TRIGGER t1fail BEFORE UPDATE OF status ON outbox WHEN NEW.recipient = 'T1' AND NEW.status = 'sent' AND (SELECT COUNT(*) FROM once) = 0 BEGIN SELECT RAISE(ABORT, 'hiccup'); END`); err != nil {
			t.Fatal(err)
		}
		fast := &robot{name: "fast", clock: notifier.SystemClock{}}
		sl := &slow{name: "slow"}
		cfg := config.Notifier{Default: "fast", Retry: policy,
			Routes: []config.Route{{Match: config.Match{School: config.StringList{"SCH02"}}, Channel: "slow"}}}
		cfg.Channels = []config.Channel{{Name: "fast", Type: "test", Timeout: config.Duration(5 * time.Second)},
			{Name: "slow", Type: "test", Timeout: config.Duration(5 * time.Second)}}
		d, err := notifier.NewDispatcher(st, cfg, map[string]notifier.Channel{"fast": fast, "slow": sl},
			notifier.Options{Clock: notifier.SystemClock{}, Owner: "a", Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Flush(ctx, 0); err == nil || !strings.Contains(err.Error(), "hiccup") {
			t.Fatalf("flush 1: err = %v, want the hiccup", err)
		}
		if err := st.RawExec(ctx, `INSERT INTO once VALUES (1)`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Flush(ctx, 0); err != nil {
			t.Fatalf("flush 2: %v", err)
		}
		if sl.n != 1 {
			t.Errorf("T2's message went to its channel %d times, want 1", sl.n)
		}
	})
}
