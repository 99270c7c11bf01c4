package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// leaderKey is the first half of the PostgreSQL advisory lock the
// scheduler holds; the second is a hash of the current schema, so that
// installations in two schemas of one database do not exclude each other.
const leaderKey = 7421531

// ErrLeaderHeld matches a *LeaderHeldError.
var ErrLeaderHeld = errors.New("another baoxue daemon schedules on this database")

// LeaderHeldError is TakeLeader on SQLite finding another daemon on the
// same database file.
type LeaderHeldError struct {
	// Where is the SQLite path.
	Where string
	// Holder is what the other daemon wrote of itself ("host pid"), "" when
	// unknown.
	Holder string
}

func (e *LeaderHeldError) Error() string {
	if e.Holder == "" {
		return fmt.Sprintf("%s: another baoxue daemon runs on this database", e.Where)
	}
	return fmt.Sprintf("%s: another baoxue daemon runs on this database (%s)", e.Where, e.Holder)
}

// Is makes errors.Is(err, ErrLeaderHeld) hold.
func (e *LeaderHeldError) Is(target error) bool { return target == ErrLeaderHeld }

// BadInput reports true: a second daemon on one SQLite file is the user's
// to stop.
func (*LeaderHeldError) BadInput() bool { return true }

// Leader is the scheduler's lock on a database, held by one process at a
// time: on PostgreSQL a session advisory lock on a connection of its own,
// on SQLite an exclusive lock on a file beside the database.
type Leader struct {
	once sync.Once
	// conn holds the advisory lock (PostgreSQL); key2 is its second key.
	conn *sql.Conn
	key2 int32
	// file holds the file lock (SQLite).
	file *os.File
}

// TakeLeader tries once to take the scheduler's lock. On PostgreSQL it
// returns (nil, nil) when another session holds it. On SQLite another
// daemon holding it is a *LeaderHeldError (ErrLeaderHeld): SQLite has one
// daemon per file. Release gives the lock back.
func (s *Store) TakeLeader(ctx context.Context, name string) (*Leader, error) {
	if s.Dialect != Postgres {
		return s.takeFileLeader(name)
	}
	conn, err := s.pool.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("take the scheduler lock: %w", err)
	}
	var key2 int32
	var got bool
	err = conn.QueryRowContext(ctx, `SELECT hashtext(current_schema())`).Scan(&key2)
	if err == nil {
		err = conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`, leaderKey, key2).Scan(&got)
	}
	if err != nil || !got {
		conn.Close()
		if err != nil {
			return nil, fmt.Errorf("take the scheduler lock: %w", err)
		}
		return nil, nil
	}
	return &Leader{conn: conn, key2: key2}, nil
}

// Check returns nil while the lock is held, and an error when it is lost:
// the connection that holds it broke, or the lock is gone from it.
func (l *Leader) Check(ctx context.Context) error {
	if l.conn == nil {
		return nil // a file lock lasts as long as the process
	}
	var held bool
	err := l.conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
		AND pid = pg_backend_pid() AND granted AND objsubid = 2 AND classid = $1 AND objid = $2)`,
		leaderKey, int64(uint32(l.key2))).Scan(&held)
	switch {
	case err != nil:
		return fmt.Errorf("check the scheduler lock: %w", err)
	case !held:
		return errors.New("check the scheduler lock: the lock is gone")
	}
	return nil
}

// LeaderHeld reports whether some session, this one's or another's,
// holds the scheduler's lock on PostgreSQL: a daemon that does not
// schedule itself knows then that another does. On SQLite only the
// daemon holding the file lock can tell, so it reports false.
func (s *Store) LeaderHeld(ctx context.Context) (bool, error) {
	if s.Dialect != Postgres {
		return false, nil
	}
	var held bool
	err := s.pool.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
		AND granted AND objsubid = 2 AND classid = $1
		AND objid = (hashtext(current_schema())::bigint & 4294967295)::oid)`, leaderKey).Scan(&held)
	if err != nil {
		return false, fmt.Errorf("look for the scheduler lock: %w", err)
	}
	return held, nil
}

// Release gives the lock back; a second call does nothing. On PostgreSQL
// closing the connection ends the session, which releases the lock even
// when the unlock cannot be sent.
func (l *Leader) Release() {
	l.once.Do(func() {
		if l.conn != nil {
			l.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1, $2)`, leaderKey, l.key2)
			// Discard the connection rather than pool it: should the unlock
			// have failed, a pooled session would keep the lock.
			l.conn.Raw(func(any) error { return driver.ErrBadConn })
			l.conn.Close()
		}
		if l.file != nil {
			unlockFile(l.file)
			l.file.Close()
		}
	})
}

// leaderFile is the file whose lock a SQLite daemon holds.
func (s *Store) leaderFile() string { return s.path + "-daemon" }

func (s *Store) takeFileLeader(name string) (*Leader, error) {
	f, err := os.OpenFile(s.leaderFile(), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("take the scheduler lock: %w", err)
	}
	if err := lockFile(f); err != nil {
		b, _ := os.ReadFile(s.leaderFile())
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, &LeaderHeldError{Where: s.location, Holder: strings.TrimSpace(string(b))}
		}
		return nil, fmt.Errorf("take the scheduler lock: %w", err)
	}
	f.Truncate(0)
	f.WriteAt([]byte(name+" "+strconv.Itoa(os.Getpid())+"\n"), 0)
	return &Leader{file: f}, nil
}
