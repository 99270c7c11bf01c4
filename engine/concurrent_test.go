package engine

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// Two writing runs at the same T: the second waits for the first and
// decides from what it wrote, so the reminder goes out once.
func TestConcurrentRunsRemindOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s1 := s.student("S1", "SCH01", 9, "T1")
		s.absent(s1, "absent", "2026-03-09", "2026-03-10", "2026-03-16", "2026-03-17")
		set := compile(t, lifecycleRules)
		evalAt(t, st, lifecycleRules, "2026-03-10", false)

		// A holds the data lock until B is seen waiting for it: the store
		// reports a wait only while BeginBulk is blocked.
		waiting := make(chan struct{})
		var once sync.Once
		st.SetLockWait(store.LockWait{Waiting: func(store.Holder) { once.Do(func() { close(waiting) }) }})
		inTx := make(chan struct{})
		errA, errB := make(chan error, 1), make(chan error, 1)
		go func() {
			_, err := Evaluate(context.Background(), st, set, Options{At: day(t, "2026-03-17"),
				beforeCommit: func() error {
					close(inTx)
					select {
					case <-waiting:
						return nil
					case <-time.After(time.Minute):
						return errors.New("the second run never waited for the first")
					}
				}})
			errA <- err
		}()
		<-inTx
		go func() {
			_, err := Evaluate(context.Background(), st, set, Options{At: day(t, "2026-03-17")})
			errB <- err
		}()
		if err := <-errA; err != nil {
			t.Fatal(err)
		}
		if err := <-errB; err != nil {
			t.Fatal(err)
		}
		if n := s.count("outbox", "payload LIKE '%\"new\":false%'"); n != 1 {
			t.Fatalf("%d reminder digests for one alert at one T, want 1 (alerts.notifications = %d)", n,
				s.count("alerts", "notifications = 3"))
		}
	})
}
