package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// TestEachRowAfterIdleConnectionsDied: the scan's rows are read past
// database/sql, which tried a query again on another connection when a
// pooled one had died while idle (a restarted server, a timeout); the
// scan does too, or a run after a restart would fail. The pool's idle
// connections are terminated from outside it before the read.
func TestEachRowAfterIdleConnectionsDied(t *testing.T) {
	st := storetest.Postgres(t)
	ctx := context.Background()
	pool := st.Pool()
	var conns []*sql.Conn
	var pids []int
	for range 2 {
		c, err := pool.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var pid int
		if err := c.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		conns, pids = append(conns, c), append(pids, pid)
	}
	for _, c := range conns {
		c.Close() // idle in the pool
	}
	killer, err := sql.Open("postgres", os.Getenv(storetest.EnvDSN))
	if err != nil {
		t.Fatal(err)
	}
	defer killer.Close()
	for _, pid := range pids {
		if _, err := killer.ExecContext(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
			t.Fatal(err)
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		var n int
		if err := killer.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)`, pidArray(pids)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d backends still there", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var got []string
	err = st.EachRow(ctx, `SELECT 7::bigint, textsend('学生')`, nil, func(sid int64, text string) error {
		got = append(got, text)
		return nil
	})
	if err != nil || len(got) != 1 || got[0] != "学生" {
		t.Fatalf("rows %q, error %v", got, err)
	}
	// An error of fn is returned as it is, not tried again.
	calls := 0
	stop := errors.New("stop")
	if err := st.EachRow(ctx, `SELECT 7::bigint, textsend('x')`, nil, func(int64, string) error {
		calls++
		return stop
	}); err != stop || calls != 1 {
		t.Fatalf("error %v after %d calls", err, calls)
	}
}

// pidArray is pids as a PostgreSQL array literal.
func pidArray(pids []int) string {
	s := "{"
	for i, p := range pids {
		if i > 0 {
			s += ","
		}
		s += strconv.Itoa(p)
	}
	return s + "}"
}

// TestEachRowStopsWhenCancelled: a cancelled context stops the rows of
// the scan, on both engines (SQLite's driver does not watch it while it
// steps; database/sql closed the rows when it was done).
func TestEachRowStopsWhenCancelled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		n := 0
		err := st.EachRow(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
			SELECT CAST(i AS BIGINT), 'x' FROM n`, nil, func(int64, string) error {
			if n++; n == 10 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || n > 10+2048 {
			t.Fatalf("%d rows, error %v", n, err)
		}
	})
}
