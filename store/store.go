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

// ErrUnreachable wraps failures to open or reach the database, so that main can
// map them to exit status 2 (a runtime failure, not bad input).
var ErrUnreachable = errors.New("database unreachable")

// Store is the database of one baoxue installation. It is safe for concurrent
// use; SQLite serialises writers itself (WAL, busy timeout, immediate
// transactions).
//
// The methods that read, and those that write with a single statement, run
// on the connection pool; a Tx has the same methods, run in its
// transaction. The writes of more than one statement (every bulk write, and
// each that must be all or nothing) are methods of Tx only: begin one with
// InTx or BeginBulk.
type Store struct {
	queries
	Dialect Dialect
	pool    *sqlx.DB
	// location is where the database is, fit to print (Location).
	location string
	conns    int
	// path is the SQLite file; "" for PostgreSQL.
	path string
	// lock says how BeginBulk waits for the data lock (SetLockWait).
	lock lockState
	// readOnly: opened with OpenOptions.ReadOnly.
	readOnly bool
}

// Location returns where the database is, fit to print in a message: the
// SQLite file's path, or the PostgreSQL DSN with every secret removed
// (RedactDSN).
func (s *Store) Location() string { return s.location }

// ErrNoDatabase is returned by OpenWith, when not asked to create, for a
// database that is not there: no SQLite file at the path, or a database of
// either engine without baoxue's schema. Nothing has been created. The
// error is a *NoDatabaseError saying which.
var ErrNoDatabase = errors.New("no baoxue database")

// NoDatabaseError says which database OpenWith did not find. It matches
// ErrNoDatabase.
type NoDatabaseError struct {
	// Where is the SQLite path or the DSN with any password removed.
	Where string
	// Path is the SQLite file; "" for PostgreSQL.
	Path string
	// NoSchema: the database is there but holds no baoxue schema (an empty
	// PostgreSQL database, an empty or foreign SQLite file).
	NoSchema bool
}

func (e *NoDatabaseError) Error() string {
	if e.NoSchema {
		return fmt.Sprintf("no baoxue schema in %s", e.Where)
	}
	return fmt.Sprintf("no database at %s", e.Where)
}

// Is makes errors.Is(err, ErrNoDatabase) hold.
func (e *NoDatabaseError) Is(target error) bool { return target == ErrNoDatabase }

// BadInput reports true (inputerr.BadInput, which store need not import):
// the database named, with --db or in the configuration, is not there,
// which is the user's to fix.
func (*NoDatabaseError) BadInput() bool { return true }

// OpenOptions says what OpenWith may do to the database it opens.
type OpenOptions struct {
	// Create makes a SQLite file that does not exist and accepts a database
	// without baoxue's schema (Migrate lays it). Without Create, such a
	// database is ErrNoDatabase and nothing is created.
	Create bool
	// ReadOnly opens the database so that nothing can be written (a dry
	// run): on SQLite every write fails, and no file is left behind that was
	// not there before (the -wal and -shm files SQLite makes while a WAL
	// database is open are removed when the Store is closed, as after any
	// other use). It implies !Create. On PostgreSQL it changes nothing; the
	// caller writes nothing.
	ReadOnly bool
}

// Open connects to the database named by dsn, creating a SQLite file that
// does not exist: OpenWith with Create. It is for the commands that create a
// database (migrate, import, demo) and for tests.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenWith(ctx, dsn, OpenOptions{Create: true})
}

// OpenWith connects to the database named by dsn: "file:PATH" (or a bare
// path ending in .db or .sqlite) for SQLite, "postgres://…" or
// "postgresql://…" for PostgreSQL. It checks that the database answers and,
// unless opt.Create, that it holds baoxue's schema (ErrNoDatabase
// otherwise); it does not migrate. Failures to reach the database wrap
// ErrUnreachable.
func OpenWith(ctx context.Context, dsn string, opt OpenOptions) (*Store, error) {
	if opt.ReadOnly {
		opt.Create = false
	}
	d, driver, conn, where, err := parseDSN(dsn, opt)
	if err != nil {
		return nil, err
	}
	if d == SQLite && !opt.Create {
		// The open itself (mode=rw) would fail too, but without saying why.
		if _, err := os.Stat(where); errors.Is(err, os.ErrNotExist) {
			return nil, &NoDatabaseError{Where: where, Path: where}
		}
		if !opt.ReadOnly {
			// A writing connection switches the file to WAL as it opens:
			// look at the schema read-only first, so that a file that is
			// not baoxue's (or is a newer baoxue's) is refused unchanged.
			ro, err := OpenWith(ctx, dsn, OpenOptions{ReadOnly: true})
			if err != nil {
				return nil, err
			}
			ro.Close()
		}
	}
	db, err := sqlx.Open(driver, conn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w: %w", where, ErrUnreachable, scrub(err, dsn))
	}
	// Readers run concurrently (on SQLite under WAL): an evaluation holds
	// one stream open in each of its ranges at once, one range per core
	// (see MaxConns). On SQLite, _txlock=immediate makes every transaction
	// take the write lock up front, so two writers queue on the busy timeout
	// instead of failing with SQLITE_BUSY half-way.
	pool := maxConns()
	db.SetMaxOpenConns(pool)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w: %w", where, ErrUnreachable, scrub(err, dsn))
	}
	st := &Store{queries: queries{db: db, dialect: d}, Dialect: d, pool: db, location: where, conns: pool, readOnly: opt.ReadOnly}
	if d == SQLite {
		st.path = where
	}
	ok, err := st.HasSchema(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("read the schema of %s: %w", where, scrub(err, dsn))
	}
	if !ok && !opt.Create {
		db.Close()
		e := &NoDatabaseError{Where: where, NoSchema: true}
		if d == SQLite {
			e.Path = where
		}
		return nil, e
	}
	if ok {
		// A schema this build does not know is refused before anything
		// reads or writes it: its tables may mean something else now.
		if err := st.refuseNewer(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return st, nil
}

// HasSchema reports whether Migrate has applied at least one migration to
// the database: false for a new or empty one.
func (s *Store) HasSchema(ctx context.Context) (bool, error) {
	var n int
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if s.Dialect == Postgres {
		// The search_path decides, as it does for every other statement.
		q = `SELECT COUNT(to_regclass('schema_migrations'))`
	}
	if err := s.db.GetContext(ctx, &n, q); err != nil || n == 0 {
		return false, err
	}
	err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM schema_migrations`)
	return n > 0, err
}

// CountRows returns how many rows the tables hold together. Each name must
// be a table of the schema, named by the code (it is spliced into the SQL).
func (s *queries) CountRows(ctx context.Context, tables ...string) (int, error) {
	total := 0
	for _, t := range tables {
		if !isName(t) {
			return 0, fmt.Errorf("count rows: %q is not a table name", t)
		}
		var n int
		if err := s.db.GetContext(ctx, &n, "SELECT COUNT(*) FROM "+t); err != nil {
			return 0, fmt.Errorf("count rows of %s: %w", t, err)
		}
		total += n
	}
	return total, nil
}

// isName reports whether s is a plain SQL name: lower-case letters, digits
// and underscores, not starting with a digit.
func isName(s string) bool {
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

func parseDSN(dsn string, opt OpenOptions) (d Dialect, driver, conn, where string, err error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		// url.Parse's errors quote the whole URL, password and all.
		if _, perr := url.Parse(dsn); perr != nil {
			return "", "", "", "", fmt.Errorf("database DSN %s: not a valid URL", RedactDSN(dsn))
		}
		return Postgres, "postgres", dsn, RedactDSN(dsn), nil
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
		params := sqliteParams(opt)
		if query != "" {
			params = append(params, query)
		}
		return SQLite, "sqlite", "file:" + path + "?" + strings.Join(params, "&"), path, nil
	default:
		return "", "", "", "", fmt.Errorf("database DSN %q: want file:PATH for SQLite or postgres://… for PostgreSQL", RedactDSN(dsn))
	}
}

// sqliteParams are the connection parameters of a SQLite Store.
func sqliteParams(opt OpenOptions) []string {
	params := []string{
		// A writer waits this long for another (BeginBulk waits its own way).
		fmt.Sprintf("_pragma=busy_timeout(%d)", sqliteBusyTimeout),
		"_pragma=synchronous(NORMAL)",
		// The rows an INSERT OR REPLACE deletes fire the delete triggers
		// that mark students' facts stale (migration 0015).
		"_pragma=recursive_triggers(1)",
	}
	if opt.ReadOnly {
		// Not mode=ro: a read-only connection cannot remove the -wal and
		// -shm files it makes on a WAL database, and would leave them
		// behind. A read-write connection that refuses every change
		// (query_only) removes them on close, and changes no journal mode
		// and takes no write lock.
		return append(params, "mode=rw", "_query_only=1", "_txlock=deferred")
	}
	params = append(params, "_pragma=journal_mode(WAL)", "_txlock=immediate")
	if !opt.Create {
		// SQLite's own URI parameter: open, never create.
		params = append(params, "mode=rw")
	}
	return params
}

// MaxReadRanges is the most ranges an evaluation reads at once; past four,
// a 2-core database server gains nothing and a big one needs its
// connections for other clients.
const MaxReadRanges = 4

// maxConns is the size of the connection pool, fixed when the Store opens:
// a stream for each range an evaluation reads at once (one per core, at
// most MaxReadRanges), and room for the lifecycle reads, the run's own
// transaction and other users.
func maxConns() int { return min(runtime.GOMAXPROCS(0), MaxReadRanges) + 8 }

// MaxConns returns the size of the connection pool, so that a reader holding
// several streams open at once can stay within it.
func (s *Store) MaxConns() int { return s.conns }

// Close closes the database. A bulk transaction (BeginBulk) still open is
// rolled back, and a record of this Store holding the data lock that a
// transaction left behind is removed.
func (s *Store) Close() error {
	s.endBulk()
	s.forgetHolder()
	return s.pool.Close()
}

// TimeFormat is how instants are stored: UTC, fixed width, sortable as text.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// DateFormat is how dates are stored.
const DateFormat = "2006-01-02"

// FormatTime renders an instant as stored.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ParseTime reads an instant as stored (FormatTime).
func ParseTime(s string) (time.Time, error) { return time.Parse(TimeFormat, s) }
