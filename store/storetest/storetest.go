// Package storetest gives tests a migrated, isolated Store on each engine:
// SQLite in a temporary file, and PostgreSQL in a fresh schema of the database
// named by BAOXUE_TEST_DATABASE_URL, dropped when the test ends.
//
// Without BAOXUE_TEST_DATABASE_URL the PostgreSQL half skips, except under
// CI=true, where a missing or unreachable PostgreSQL fails the test: CI must
// never pass by testing only one engine.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"baoxue/store"
)

// EnvDSN is the variable naming the PostgreSQL database tests may use.
const EnvDSN = "BAOXUE_TEST_DATABASE_URL"

// Each runs fn once per engine, as subtests named "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated Store in a new file under t.TempDir().
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	return open(t, "file:"+filepath.Join(t.TempDir(), "test.db"), true)
}

// SQLiteUnmigrated returns an empty, unmigrated SQLite Store.
func SQLiteUnmigrated(t testing.TB) *store.Store {
	t.Helper()
	return open(t, "file:"+filepath.Join(t.TempDir(), "test.db"), false)
}

// Postgres returns a migrated Store in a schema of its own, or skips (fails
// under CI=true) when no PostgreSQL is configured or reachable.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	return open(t, PostgresDSN(t), true)
}

// PostgresUnmigrated is Postgres without the migrations.
func PostgresUnmigrated(t testing.TB) *store.Store {
	t.Helper()
	return open(t, PostgresDSN(t), false)
}

// PostgresDSN creates a fresh schema, registers its removal, and returns a
// DSN whose search_path points at it.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvDSN)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: CI must test PostgreSQL", EnvDSN)
		}
		t.Skipf("%s not set: skipping PostgreSQL", EnvDSN)
	}
	ctx := context.Background()
	admin, err := store.Open(ctx, base)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable under CI: %v", err)
		}
		t.Skipf("PostgreSQL unreachable: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if err := admin.RawExec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.RawExec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvDSN, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dsn string, migrate bool) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { st.Close() })
	if migrate {
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	return st
}
