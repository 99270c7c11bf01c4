package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

// dsnEach runs fn with the DSN of a new, empty database on each engine.
func dsnEach(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "file:"+filepath.Join(t.TempDir(), "t.db")) })
	t.Run("postgres", func(t *testing.T) { fn(t, storetest.PostgresDSN(t)) })
}

// TestSchemaOfANewerBaoxueIsRefused: a database holding a migration this
// build does not know is refused by every open, writable or not, and by
// Migrate, which leaves it as it is.
func TestSchemaOfANewerBaoxueIsRefused(t *testing.T) {
	dsnEach(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		ms, _ := store.Migrations()
		newer := ms[len(ms)-1].Version + 1
		if err := st.RawExec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')`, newer); err != nil {
			t.Fatal(err)
		}
		if err := st.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaNewer) {
			t.Errorf("CheckSchema = %v, want ErrSchemaNewer", err)
		}
		if n, err := st.Migrate(ctx); n != 0 || !errors.Is(err, store.ErrSchemaNewer) {
			t.Errorf("Migrate = %d, %v; want 0, ErrSchemaNewer", n, err)
		}
		st.Close()
		want := "this database was upgraded by a newer baoxue (version " + strconv.Itoa(newer) + "); use that version or newer"
		for _, opt := range []store.OpenOptions{{}, {Create: true}, {ReadOnly: true}} {
			st, err := store.OpenWith(ctx, dsn, opt)
			var se *store.SchemaError
			if !errors.As(err, &se) || !se.Newer || !strings.Contains(err.Error(), want) {
				t.Errorf("OpenWith(%+v) = %v, want %q", opt, err, want)
			}
			if st != nil {
				st.Close()
			}
		}
	})
}

// TestSchemaOlderThanThisBaoxue: a database an older baoxue migrated is
// reported as older, with its version and the one wanted, until Migrate
// brings it up to date.
func TestSchemaOlderThanThisBaoxue(t *testing.T) {
	dsnEach(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOlder) {
			t.Errorf("CheckSchema on an empty database = %v, want ErrSchemaOlder", err)
		}
		ms, _ := store.Migrations()
		old, last := ms[len(ms)-2].Version, ms[len(ms)-1].Version
		if n, err := st.MigrateTo(ctx, old); err != nil || n != len(ms)-1 {
			t.Fatalf("MigrateTo(%d) = %d, %v", old, n, err)
		}
		err = st.CheckSchema(ctx)
		var se *store.SchemaError
		if !errors.As(err, &se) || se.Newer || se.Version != old || se.Want != last ||
			!strings.Contains(err.Error(), "this database's schema is older than this baoxue (version "+strconv.Itoa(old)+", want "+strconv.Itoa(last)+")") {
			t.Errorf("CheckSchema = %v (%+v), want older %d, want %d", err, se, old, last)
		}
		if n, err := st.Migrate(ctx); err != nil || n != 1 {
			t.Fatalf("Migrate = %d, %v; want 1", n, err)
		}
		if err := st.CheckSchema(ctx); err != nil {
			t.Errorf("CheckSchema after Migrate = %v", err)
		}
	})
}
