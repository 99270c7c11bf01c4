package store_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/store"
)

// TestLockWaitIsReportedAndBounded: while one Store holds the data lock
// (BeginBulk, in another goroutine), a second waiting for it is told after
// a second who holds it (kind, process, start), gives up after its timeout
// with ErrLockTimeout naming the holder, and, without a timeout, gets the
// lock once the holder ends. On SQLite no holder record outlives the runs.
func TestLockWaitIsReportedAndBounded(t *testing.T) {
	dsnEach(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		open := func() *store.Store {
			st, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			return st
		}
		holder, waiter := open(), open()
		defer holder.Close()
		host, _ := os.Hostname()
		holder.SetLockWait(store.LockWait{Kind: "import students"})

		// hold takes the lock now and, in another goroutine, releases it
		// after d or when release is called, which returns once it has.
		hold := func(d time.Duration) (release func()) {
			tx, err := holder.BeginBulk(ctx, store.DataLock)
			if err != nil {
				t.Fatal(err)
			}
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				select {
				case <-time.After(d):
				case <-stop:
				}
				tx.Rollback()
			}()
			var once sync.Once
			return func() {
				once.Do(func() { close(stop) })
				<-done
			}
		}
		var mu sync.Mutex
		var seen []store.Holder
		waiter.SetLockWait(store.LockWait{Kind: "eval", Timeout: 2 * time.Second, Waiting: func(h store.Holder) {
			mu.Lock()
			seen = append(seen, h)
			mu.Unlock()
		}})

		release := hold(time.Minute)
		record := strings.TrimPrefix(dsn, "file:") + "-writer"
		if _, err := os.Stat(record); holder.Dialect == store.SQLite && err != nil {
			t.Errorf("no holder record while the lock is held: %v", err)
		}
		start := time.Now()
		_, err := waiter.BeginBulk(ctx, store.DataLock)
		took := time.Since(start)
		var te *store.LockTimeoutError
		if !errors.As(err, &te) || !errors.Is(err, store.ErrLockTimeout) {
			t.Fatalf("BeginBulk while held = %v, want a lock timeout", err)
		}
		// The upper bound leaves room for a loaded machine.
		if took < 2*time.Second || took > 5*time.Second {
			t.Errorf("gave up after %s, want 2s (a little more)", took)
		}
		mu.Lock()
		if len(seen) != 1 || seen[0].Kind != "import students" || seen[0].PID != os.Getpid() || seen[0].Host != host ||
			time.Since(seen[0].Since) > time.Minute {
			t.Errorf("reported holders %+v, want one: import students, this process", seen)
		}
		mu.Unlock()
		if te.Holder.Kind != "import students" || !strings.Contains(err.Error(), "gave up after 2s waiting for import students (process ") {
			t.Errorf("timeout error %q, holder %+v", err, te.Holder)
		}
		release()

		// Without a timeout the waiter gets the lock once the holder ends.
		seen = nil
		waiter.SetLockWait(store.LockWait{Kind: "eval", Waiting: func(h store.Holder) {
			mu.Lock()
			seen = append(seen, h)
			mu.Unlock()
		}})
		release = hold(2 * time.Second)
		start = time.Now()
		tx, err := waiter.BeginBulk(ctx, store.DataLock)
		took = time.Since(start)
		if err != nil {
			t.Fatalf("BeginBulk after the holder ended: %v", err)
		}
		tx.Rollback()
		release()
		// On PostgreSQL the data lock is the whole database's: another test
		// package may take it between our holder and our waiter, and is
		// then reported too. Ours must be the first.
		if took < 1900*time.Millisecond || len(seen) < 1 || seen[0].Kind != "import students" {
			t.Errorf("waited %s, reported %+v; want about 2s and the holder first", took, seen)
		}
		// Our holder is gone: it is never reported again.
		seen = nil
		tx, err = waiter.BeginBulk(ctx, store.DataLock)
		if err != nil {
			t.Fatalf("BeginBulk after the holder ended: %v", err)
		}
		for _, h := range seen {
			if h.Kind == "import students" && h.PID == os.Getpid() {
				t.Errorf("a released holder was reported: %+v", h)
			}
		}
		tx.Commit()
		// The record went with the transaction, before its lock.
		if _, err := os.Stat(record); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the holder record outlived the transaction (%v)", err)
		}
		waiter.Close()
		if waiter.Dialect == store.SQLite {
			holder.Close()
			if _, err := os.Stat(record); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a holder record is left beside the database (%v)", err)
			}
		}
	})
}
