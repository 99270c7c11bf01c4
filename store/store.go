package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // registers "postgres"
	_ "modernc.org/sqlite" // registers "sqlite"
)

// Dialect names the SQL engine behind a Store.
type Dialect string

// The engines a Store runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned by lookups of a single row that does not exist.
var ErrNotFound = errors.New("not found")

// ErrUnreachable wraps failures to open or reach the database, so that main can
// map them to exit status 2 (a runtime failure, not bad input).
var ErrUnreachable = errors.New("database unreachable")

// Store is the database of one baoxue installation. It is safe for concurrent
// use; SQLite serialises writers itself (WAL, busy timeout, immediate
// transactions).
type Store struct {
	DB      *sqlx.DB
	Dialect Dialect
	// Where is the DSN with any password removed, for messages.
	Where string
	pool  int
}

// Open connects to the database named by dsn: "file:PATH" (or a bare path
// ending in .db) for SQLite, "postgres://…" or "postgresql://…" for
// PostgreSQL. It checks that the database answers but does not migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	d, driver, conn, where, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	db, err := sqlx.Open(driver, conn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w: %w", where, ErrUnreachable, err)
	}
	// Readers run concurrently (on SQLite under WAL): an evaluation holds
	// four streams open in each of its ranges at once, one range per core
	// (see MaxConns). On SQLite, _txlock=immediate makes every transaction
	// take the write lock up front, so two writers queue on the busy timeout
	// instead of failing with SQLITE_BUSY half-way.
	pool := maxConns()
	db.SetMaxOpenConns(pool)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w: %w", where, ErrUnreachable, err)
	}
	return &Store{DB: db, Dialect: d, Where: where, pool: pool}, nil
}

func parseDSN(dsn string) (d Dialect, driver, conn, where string, err error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		u, perr := url.Parse(dsn)
		if perr != nil {
			return "", "", "", "", fmt.Errorf("database DSN: %w", perr)
		}
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		return Postgres, "postgres", dsn, u.Redacted(), nil
	case strings.HasPrefix(dsn, "file:"), strings.HasSuffix(dsn, ".db"), strings.HasSuffix(dsn, ".sqlite"):
		path := strings.TrimPrefix(dsn, "file:")
		query := ""
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path, query = path[:i], path[i+1:]
		}
		if path == "" {
			return "", "", "", "", fmt.Errorf("database DSN %q: name the file, as in file:baoxue.db", dsn)
		}
		if dir := filepath.Dir(path); dir != "." {
			if _, serr := os.Stat(dir); serr != nil {
				return "", "", "", "", fmt.Errorf("database %s: directory %s does not exist: %w", path, dir, ErrUnreachable)
			}
		}
		params := []string{
			// A writer waits this long for another: a writing run holds the
			// write lock while it reads a city (about a minute at 1M students).
			"_pragma=busy_timeout(600000)",
			"_pragma=journal_mode(WAL)",
			"_pragma=synchronous(NORMAL)",
			"_txlock=immediate",
		}
		if query != "" {
			params = append(params, query)
		}
		return SQLite, "sqlite", "file:" + path + "?" + strings.Join(params, "&"), path, nil
	default:
		return "", "", "", "", fmt.Errorf("database DSN %q: want file:PATH for SQLite or postgres://… for PostgreSQL", dsn)
	}
}

// MaxReadRanges is the most ranges an evaluation reads at once; past four,
// a 2-core database server gains nothing and a big one needs its
// connections for other clients.
const MaxReadRanges = 4

// maxConns is the size of the connection pool, fixed when the Store opens:
// four streams for each range an evaluation reads at once (one per core, at
// most MaxReadRanges), and room for the lifecycle reads, the run's own
// transaction and other users.
func maxConns() int { return 4*min(runtime.GOMAXPROCS(0), MaxReadRanges) + 8 }

// MaxConns returns the size of the connection pool, so that a reader holding
// several streams open at once can stay within it.
func (s *Store) MaxConns() int { return s.pool }

// Close closes the database.
func (s *Store) Close() error { return s.DB.Close() }

// Rebind turns a query written with ? placeholders into the engine's form.
func (s *Store) Rebind(q string) string { return s.DB.Rebind(q) }

// InTx runs fn in one transaction, committed when fn returns nil and rolled
// back otherwise.
func (s *Store) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.DB.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// TimeFormat is how instants are stored: UTC, fixed width, sortable as text.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// DateFormat is how dates are stored.
const DateFormat = "2006-01-02"

// FormatTime renders an instant as stored.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }
