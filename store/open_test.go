package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// TestOpenWithoutCreateMakesNothing: a SQLite path that is not there is
// ErrNoDatabase, and no file appears, writable or read-only.
func TestOpenWithoutCreateMakesNothing(t *testing.T) {
	for _, opt := range []store.OpenOptions{{}, {ReadOnly: true}, {ReadOnly: true, Create: true}} {
		dir := t.TempDir()
		path := filepath.Join(dir, "missing.db")
		st, err := store.OpenWith(context.Background(), "file:"+path, opt)
		var none *store.NoDatabaseError
		if !errors.Is(err, store.ErrNoDatabase) || !errors.As(err, &none) || none.NoSchema || none.Path != path {
			t.Errorf("%+v: err = %v (%#v), want a missing %s", opt, err, none, path)
		}
		if st != nil {
			st.Close()
		}
		if names := list(t, dir); len(names) > 0 {
			t.Errorf("%+v: the directory holds %v, want nothing", opt, names)
		}
	}
}

// TestOpenWithoutCreateLaysNoSchema: a database without baoxue's schema (an
// empty SQLite file, a fresh PostgreSQL schema) is ErrNoDatabase, and is
// still empty afterwards.
func TestOpenWithoutCreateLaysNoSchema(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "empty.db")
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			return "file:" + path
		}},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dsn := tc.dsn(t)
			for _, opt := range []store.OpenOptions{{}, {ReadOnly: true}} {
				_, err := store.OpenWith(ctx, dsn, opt)
				var none *store.NoDatabaseError
				if !errors.As(err, &none) || !none.NoSchema || !errors.Is(err, store.ErrNoDatabase) {
					t.Errorf("%+v: err = %v, want no schema", opt, err)
				}
			}
			st, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if n := tables(t, st); n != 0 {
				t.Errorf("%d tables after the refused opens, want 0", n)
			}
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			st2, err := store.OpenWith(ctx, dsn, store.OpenOptions{})
			if err != nil {
				t.Fatalf("open after migrate: %v", err)
			}
			st2.Close()
		})
	}
}

// TestOpenReadOnlyWritesNothing: a read-only Store reads, refuses writes,
// and leaves the file byte for byte and the directory as they were, with no
// -wal or -shm left behind.
func TestOpenReadOnlyWritesNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	st, err := store.Open(ctx, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.RawExec(ctx, `INSERT INTO schools (id, name, center, updated_at) VALUES ('S1', '一中', 'C', 'x')`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	before, sum, mtime := list(t, dir), checksum(t, path), modTime(t, path)

	ro, err := store.OpenWith(ctx, "file:"+path, store.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := ro.RawGet(ctx, &n, `SELECT COUNT(*) FROM schools`); err != nil || n != 1 {
		t.Errorf("read: %d schools, %v", n, err)
	}
	if err := ro.RawExec(ctx, `INSERT INTO schools (id, name, center, updated_at) VALUES ('S2', '二中', 'C', 'x')`); err == nil {
		t.Error("a read-only Store wrote a row")
	}
	if err := ro.InTx(ctx, func(*store.Tx) error { return nil }); err != nil {
		t.Errorf("an empty transaction: %v", err)
	}
	if pending, err := ro.Pending(ctx); err != nil || len(pending) != 0 {
		t.Errorf("pending after migrate: %v, %v", pending, err)
	}
	ro.Close()
	if after := list(t, dir); !slices.Equal(after, before) {
		t.Errorf("files %v after a read-only use, want %v", after, before)
	}
	if checksum(t, path) != sum || !modTime(t, path).Equal(mtime) {
		t.Error("a read-only use changed the file")
	}
}

// TestPending lists the migrations a database lacks.
func TestPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ms, err := store.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		last := ms[len(ms)-1]
		if err := st.RawExec(ctx, `DELETE FROM schema_migrations WHERE version = ?`, last.Version); err != nil {
			t.Fatal(err)
		}
		pending, err := st.Pending(ctx)
		if err != nil || len(pending) != 1 || pending[0].Version != last.Version {
			t.Fatalf("pending = %v, %v; want %s", pending, err, last.Name)
		}
	})
}

func list(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func checksum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func modTime(t *testing.T, path string) time.Time {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.ModTime()
}

// tables counts the tables in st's own schema.
func tables(t *testing.T, st *store.Store) int {
	t.Helper()
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'`
	if st.Dialect == store.Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	var n int
	if err := st.RawGet(context.Background(), &n, q); err != nil {
		t.Fatal(err)
	}
	return n
}

// A file that is not baoxue's is refused unchanged by a writing open: the
// WAL switch of a writing connection must not happen before the check.
func TestForeignFileRefusedUnchanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	st, err := store.Open(context.Background(), "file:"+path+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RawExec(context.Background(), `PRAGMA journal_mode=DELETE`); err != nil {
		t.Fatal(err)
	}
	if err := st.RawExec(context.Background(), `CREATE TABLE theirs (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.OpenWith(context.Background(), "file:"+path, store.OpenOptions{}); !errors.Is(err, store.ErrNoDatabase) {
		t.Fatalf("open of a foreign file: %v, want ErrNoDatabase", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the refused file changed")
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a -wal file was left: %v", err)
	}
}
