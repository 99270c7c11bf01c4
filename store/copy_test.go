package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// copyValues are values that COPY's text format must escape or spell out.
var copyValues = [][]any{
	{int64(1), "", nil, true, 1.5, []byte{}},
	{int64(2), "a\tb", sql.NullInt64{}, false, -0.25, []byte{0, '\\', 0xff}},
	{int64(3), `back\slash`, sql.NullInt64{Int64: 7, Valid: true}, true, 1e20, []byte("x")},
	{int64(4), "line\nbreak\r\n", int64(math.MaxInt64), false, 0.0, nil},
	{int64(5), `张三\N`, int64(math.MinInt64), true, 3.0, []byte(`\x00`)},
	{6, `\N`, 0, false, 2.5, []byte{'\t', '\n'}},
	{int64(7), "end\\", int64(-1), true, -1.0, []byte{0x7f}},
}

// TestCopyRowsReadBack: rows with tabs, newlines, backslashes, NULLs,
// extreme integers and bytes read back as they were written, both in a
// bulk write's transaction (on PostgreSQL, COPY text encoded by the store
// and fed to the driver) and in an ordinary one (each row through
// database/sql), on both engines.
func TestCopyRowsReadBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		blob := "BYTEA"
		if st.Dialect == store.SQLite {
			blob = "BLOB"
		}
		if err := st.RawExec(ctx, `CREATE TABLE copied (k BIGINT, t TEXT NOT NULL, n BIGINT, b BOOLEAN, f DOUBLE PRECISION, y `+blob+`)`); err != nil {
			t.Fatal(err)
		}
		cols := []string{"k", "t", "n", "b", "f", "y"}
		// want is what each row reads back as, by rows().
		want := func(base int64) string {
			var out []string
			for _, r := range copyValues {
				k := r[0]
				if i, ok := k.(int); ok {
					k = int64(i)
				}
				n := r[2]
				switch v := n.(type) {
				case sql.NullInt64:
					n = nil
					if v.Valid {
						n = v.Int64
					}
				case int:
					n = int64(v)
				}
				b := r[3]
				if st.Dialect == store.SQLite {
					b = map[bool]int64{false: 0, true: 1}[b.(bool)]
				}
				y := "<nil>"
				if r[5] != nil {
					y = string(r[5].([]byte))
				}
				out = append(out, fmt.Sprintf("%d|%s|%v|%v|%v|%s", k.(int64)+base, r[1], n, b, r[4], y))
			}
			return strings.Join(out, "\n")
		}
		row := func(base int64) func(i int) []any {
			return func(i int) []any {
				r := append([]any(nil), copyValues[i]...)
				switch k := r[0].(type) {
				case int:
					r[0] = int64(k) + base
				case int64:
					r[0] = k + base
				}
				return r
			}
		}
		// A bulk write's transaction.
		inTx(t, st, func(tx *store.Tx) error {
			return tx.InsertRows(ctx, "copied", cols, len(copyValues), row(0))
		})
		// An ordinary one.
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			return tx.InsertRows(ctx, "copied", cols, len(copyValues), row(100))
		}); err != nil {
			t.Fatal(err)
		}
		got := rows(t, st, `SELECT k, t, n, b, f, y FROM copied ORDER BY k`)
		if w := want(0) + "\n" + want(100); got != w {
			t.Errorf("read back:\n%s\nwant:\n%s", got, w)
		}
	})
}

// TestCopyRowsManyChunks: 30,000 rows, several times the chunk the store
// hands the driver at once, all arrive, in a bulk write's transaction.
func TestCopyRowsManyChunks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		copiedTable(t, st)
		const n = 30000
		inTx(t, st, func(tx *store.Tx) error {
			return tx.InsertRows(ctx, "copied", []string{"k", "t"}, n, func(i int) []any {
				return []any{int64(i), fmt.Sprintf("第%d行\t%s", i, strings.Repeat("字", i%7))}
			})
		})
		if got, want := rows(t, st, `SELECT COUNT(*), SUM(k), SUM(LENGTH(t)) FROM copied`), fmt.Sprintf("%d|%d|", n, n*(n-1)/2); !strings.HasPrefix(got, want) {
			t.Errorf("copied: %s, want %s…", got, want)
		}
		if got, want := rows(t, st, `SELECT t FROM copied WHERE k = 29999`), "第29999行\t字字字字"; got != want {
			t.Errorf("row 29999: %q, want %q", got, want)
		}
	})
}

// TestCopyRowsFails: a row the table refuses fails the copy with the
// server's error, the transaction rolls back, nothing stays, and its
// connection goes back to the pool (with one connection, the next
// transaction begins); a value of a type COPY cannot spell is refused;
// a cancelled context stops the copy.
func TestCopyRowsFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		copiedTable(t, st)
		st.Pool().SetMaxOpenConns(1)
		try := func(ctx context.Context, n int, row func(i int) []any) error {
			tx, err := st.BeginBulk(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			return tx.InsertRows(ctx, "copied", []string{"k", "t"}, n, row)
		}
		err := try(ctx, 20000, func(i int) []any {
			if i == 15000 {
				return []any{int64(i), nil}
			}
			return []any{int64(i), "x"}
		})
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "null") {
			t.Errorf("a NULL in a NOT NULL column: %v", err)
		}
		if err := try(ctx, 1, func(int) []any { return []any{int64(1), struct{}{}} }); err == nil {
			t.Error("a struct was copied")
		}
		cctx, cancel := context.WithCancel(ctx)
		err = try(cctx, 200000, func(i int) []any {
			if i == 100000 {
				cancel()
			}
			return []any{int64(i), "取消"}
		})
		if !errors.Is(err, context.Canceled) && (err == nil || !strings.Contains(err.Error(), "cancel")) {
			t.Errorf("a cancelled copy: %v", err)
		}
		if got := rows(t, st, `SELECT COUNT(*) FROM copied`); got != "0" {
			t.Errorf("%s rows stayed", got)
		}
	})
}

// TestCopyRowsConnectionDies: when the server ends the connection in the
// middle of a bulk write's COPY, or a row's values panic, the copy
// returns (the panic goes on) and the transaction rolls back, instead of
// waiting for a connection that only the transaction's own goroutine
// could give back.
func TestCopyRowsConnectionDies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		copiedTable(t, st)
		within := func(what string, fn func()) {
			t.Helper()
			done := make(chan struct{})
			go func() {
				defer close(done)
				fn()
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatalf("%s: still waiting after 20 s", what)
			}
		}
		within("a panic in a row's values", func() {
			tx, err := st.BeginBulk(ctx, 1)
			if err != nil {
				t.Error(err)
				return
			}
			defer func() {
				if p := recover(); p != "row 50" {
					t.Errorf("recovered %v, want the row's panic", p)
				}
				if err := tx.Rollback(); err != nil {
					t.Errorf("rollback after the panic: %v", err)
				}
			}()
			tx.InsertRows(ctx, "copied", []string{"k", "t"}, 100, func(i int) []any {
				if i == 50 {
					panic("row 50")
				}
				return []any{int64(i), "x"}
			})
		})
		if st.Dialect != store.Postgres {
			return
		}
		within("the server ends the connection", func() {
			tx, err := st.BeginBulk(ctx, 1)
			if err != nil {
				t.Error(err)
				return
			}
			defer tx.Rollback()
			var pid int64
			if err := tx.RawGet(ctx, &pid, `SELECT pg_backend_pid()`); err != nil {
				t.Error(err)
				return
			}
			err = tx.InsertRows(ctx, "copied", []string{"k", "t"}, 400000, func(i int) []any {
				if i == 100000 {
					if err := st.RawExec(ctx, `SELECT pg_terminate_backend(?)`, pid); err != nil {
						t.Error(err)
					}
					time.Sleep(100 * time.Millisecond)
				}
				return []any{int64(i), "终止"}
			})
			if err == nil {
				t.Error("a copy whose connection the server ended succeeded")
			}
		})
		if got := rows(t, st, `SELECT COUNT(*) FROM copied`); got != "0" {
			t.Errorf("%s rows stayed", got)
		}
		// The pool still works.
		inTx(t, st, func(tx *store.Tx) error {
			return tx.InsertRows(ctx, "copied", []string{"k", "t"}, 3, func(i int) []any { return []any{int64(i), "x"} })
		})
	})
}

// copiedTable creates the table the copy tests copy into: a number and a
// text that must not be NULL.
func copiedTable(t *testing.T, st *store.Store) {
	t.Helper()
	if err := st.RawExec(context.Background(), `CREATE TABLE copied (k BIGINT, t TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
}
