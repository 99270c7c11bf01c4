package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"modernc.org/sqlite"
)

// LockWait says how BeginBulk waits for the data lock and how this process
// is named to those who wait for it. The zero value waits until the
// context ends, silently, as "baoxue".
type LockWait struct {
	// Kind names this process's work for those who wait for it: "eval",
	// "import students". Default "baoxue". On PostgreSQL only printable
	// ASCII of it is kept.
	Kind string
	// Timeout is how long BeginBulk waits for the lock before it gives up
	// with a *LockTimeoutError (ErrLockTimeout); 0 waits until ctx ends.
	Timeout time.Duration
	// Waiting, when not nil, is called when the lock has not been granted
	// within a second, with who holds it, and again each time that
	// changes. Calls never overlap and end before BeginBulk returns.
	Waiting func(Holder)
	// Zone is the time zone of Holder.Since; default time.Local.
	Zone *time.Location
}

// Holder is who holds the data lock, as far as is known.
type Holder struct {
	// Kind is the LockWait.Kind of a baoxue process; "" when the holder is
	// not known to be one.
	Kind string
	// PID and Host are the holder's process id and host name (0, "" when
	// unknown).
	PID  int
	Host string
	// Since is when it took the lock (SQLite) or began its transaction
	// (PostgreSQL); zero when unknown.
	Since time.Time
	// Session and App are, for a PostgreSQL session that is not a baoxue
	// run, its server process id and application_name.
	Session int
	App     string
}

// String describes the holder for a message: "eval (process 4242 on
// edu-srv, started 2026-03-10 19:00:01)".
func (h Holder) String() string {
	var parts []string
	switch {
	case h.Kind != "":
		if h.PID != 0 {
			p := "process " + strconv.Itoa(h.PID)
			if h.Host != "" {
				p += " on " + h.Host
			}
			parts = append(parts, p)
		}
	case h.Session != 0:
		parts = append(parts, "server process "+strconv.Itoa(h.Session))
		if h.App != "" {
			parts = append(parts, strconv.Quote(h.App))
		}
	default:
		return "another writer (unrecorded)"
	}
	if !h.Since.IsZero() {
		parts = append(parts, "started "+h.Since.Format("2006-01-02 15:04:05"))
	}
	name := h.Kind
	if name == "" {
		name = "a PostgreSQL session"
	}
	if len(parts) == 0 {
		return name
	}
	return name + " (" + strings.Join(parts, ", ") + ")"
}

// ErrLockTimeout matches a *LockTimeoutError.
var ErrLockTimeout = errors.New("gave up waiting for the data lock")

// LockTimeoutError is BeginBulk giving up after LockWait.Timeout.
type LockTimeoutError struct {
	// Where is the SQLite path or the redacted DSN.
	Where string
	// Timeout is LockWait.Timeout; Waited how long BeginBulk waited.
	Timeout, Waited time.Duration
	// Holder is who held the lock when BeginBulk gave up.
	Holder Holder
}

func (e *LockTimeoutError) Error() string {
	return fmt.Sprintf("%s: gave up after %s waiting for %s to finish writing", e.Where, e.Timeout, e.Holder)
}

// Is makes errors.Is(err, ErrLockTimeout) hold.
func (e *LockTimeoutError) Is(target error) bool { return target == ErrLockTimeout }

// waitNotice is how long BeginBulk waits before it says for whom.
const waitNotice = time.Second

// sqliteBusyTimeout is how long, in milliseconds, a SQLite connection waits
// for another's write lock (outside BeginBulk, which waits its own way): a
// writing run holds the write lock while it reads a city (about a minute at
// 1M students).
const sqliteBusyTimeout = 600000

// sqliteTry is how long, in milliseconds, one attempt of BeginBulk to take
// SQLite's write lock waits, so that the wait can be reported, bounded and
// cancelled between attempts.
const sqliteTry = 100

// lockState is what a Store knows of the data lock.
type lockState struct {
	mu   sync.Mutex
	wait LockWait
	// token is that of the holder record this Store wrote last (SQLite).
	token string
	// open are the SQLite bulk transactions not yet ended, each on a
	// connection of its own that returns to the pool when it ends; ended
	// counts those returns.
	open  map[*sqlx.Tx]bool
	ended sync.WaitGroup
}

// SetLockWait sets how BeginBulk waits for the data lock and names this
// process to others. Call it before the transactions it is for.
func (s *Store) SetLockWait(w LockWait) {
	s.lock.mu.Lock()
	defer s.lock.mu.Unlock()
	s.lock.wait = w
}

func (s *Store) lockWait() LockWait {
	s.lock.mu.Lock()
	defer s.lock.mu.Unlock()
	w := s.lock.wait
	if w.Kind == "" {
		w.Kind = "baoxue"
	}
	if w.Zone == nil {
		w.Zone = time.Local
	}
	return w
}

// waiter reports a wait to LockWait.Waiting, once per holder.
type waiter struct {
	w     LockWait
	start time.Time
	last  *Holder
}

func (wt *waiter) saw(h Holder) {
	if wt.last != nil && wt.last.String() == h.String() {
		return
	}
	wt.last = &h
	if wt.w.Waiting != nil {
		wt.w.Waiting(h)
	}
}

func (wt *waiter) timeout(where string, h Holder) error {
	return &LockTimeoutError{Where: where, Timeout: wt.w.Timeout, Waited: time.Since(wt.start), Holder: h}
}

// beginSQLite begins an immediate transaction, that is takes SQLite's write
// lock, on a connection of its own: it tries for sqliteTry milliseconds at
// a time, says after a second who holds the lock, and gives up after
// w.Timeout. Once it holds the lock, it records itself as the holder in a
// file beside the database, removed when the transaction ends.
func (s *Store) beginSQLite(ctx context.Context, w LockWait) (*sqlx.Tx, error) {
	conn, err := s.pool.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	restore := func() {
		conn.ExecContext(context.Background(), fmt.Sprintf("PRAGMA busy_timeout = %d", sqliteBusyTimeout))
	}
	giveUp := func(err error) (*sqlx.Tx, error) {
		restore()
		conn.Close()
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", sqliteTry)); err != nil {
		return giveUp(fmt.Errorf("begin: %w", err))
	}
	wt := &waiter{w: w, start: time.Now()}
	var tx *sqlx.Tx
	for {
		tx, err = conn.BeginTxx(ctx, nil)
		if err == nil {
			break
		}
		if !isBusy(err) || ctx.Err() != nil {
			return giveUp(fmt.Errorf("begin: %w", err))
		}
		waited := time.Since(wt.start)
		if w.Timeout > 0 && waited >= w.Timeout {
			return giveUp(wt.timeout(s.location, s.sqliteHolder(w.Zone)))
		}
		if waited >= waitNotice {
			wt.saw(s.sqliteHolder(w.Zone))
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", sqliteBusyTimeout)); err != nil {
		tx.Rollback()
		return giveUp(fmt.Errorf("begin: %w", err))
	}
	// The record goes when the transaction ends, while it still holds the
	// lock (SQLite's commit and rollback hooks), so that it can never
	// remove the record of the next holder.
	token := s.recordHolder(w)
	var ended atomic.Bool
	release := func() {
		if ended.CompareAndSwap(false, true) {
			s.releaseHolder(token)
		}
	}
	conn.Raw(func(dc any) error {
		if hr, ok := dc.(sqlite.HookRegisterer); ok {
			hr.RegisterCommitHook(func() int32 { release(); return 0 })
			hr.RegisterRollbackHook(release)
		}
		return nil
	})
	s.lock.mu.Lock()
	if s.lock.open == nil {
		s.lock.open = map[*sqlx.Tx]bool{}
	}
	s.lock.open[tx] = true
	s.lock.ended.Add(1)
	s.lock.mu.Unlock()
	// Conn.Close blocks until the transaction has ended, then returns the
	// connection to the pool.
	go func() {
		defer s.lock.ended.Done()
		conn.Close()
		release()
		s.lock.mu.Lock()
		delete(s.lock.open, tx)
		s.lock.mu.Unlock()
	}()
	return tx, nil
}

// endBulk rolls back the SQLite bulk transactions still open (a caller
// that never ended one) and waits until their connections are back in the
// pool, so that closing the database closes every connection: SQLite
// removes the -wal and -shm files when the last one closes.
func (s *Store) endBulk() {
	s.lock.mu.Lock()
	var open []*sqlx.Tx
	for tx := range s.lock.open {
		open = append(open, tx)
	}
	s.lock.mu.Unlock()
	for _, tx := range open {
		tx.Rollback()
	}
	s.lock.ended.Wait()
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == 5
}

// holderRecord is the file beside a SQLite database naming the process
// that holds its write lock for a bulk write.
type holderRecord struct {
	Kind  string    `json:"kind"`
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Since time.Time `json:"since"`
	Token string    `json:"token"`
}

// holderFile is the record of the SQLite database's holder.
func (s *Store) holderFile() string { return s.path + "-writer" }

// recordHolder writes the holder record of this process and returns its
// token ("" when it could not be written: waiters then say the holder is
// unrecorded). Only the holder of the write lock writes it, so the record
// names the current holder whenever a baoxue run holds the lock; a record
// left by a killed run is overwritten by the next.
func (s *Store) recordHolder(w LockWait) string {
	var b [8]byte
	rand.Read(b[:])
	host, _ := os.Hostname()
	r := holderRecord{Kind: w.Kind, PID: os.Getpid(), Host: host, Since: time.Now().UTC(), Token: hex.EncodeToString(b[:])}
	data, _ := json.Marshal(r)
	if err := os.WriteFile(s.holderFile(), data, 0o644); err != nil {
		return ""
	}
	s.lock.mu.Lock()
	s.lock.token = r.Token
	s.lock.mu.Unlock()
	return r.Token
}

// releaseHolder removes the holder record if it is still the one with
// token.
func (s *Store) releaseHolder(token string) {
	if token == "" {
		return
	}
	s.lock.mu.Lock()
	if s.lock.token == token {
		s.lock.token = ""
	}
	s.lock.mu.Unlock()
	if r, ok := s.readHolder(); ok && r.Token == token {
		os.Remove(s.holderFile())
	}
}

// forgetHolder removes the last holder record this Store wrote, if it is
// still there: Close calls it, so that no record outlives the process.
func (s *Store) forgetHolder() {
	if s.path == "" {
		return
	}
	s.lock.mu.Lock()
	token := s.lock.token
	s.lock.mu.Unlock()
	s.releaseHolder(token)
}

func (s *Store) readHolder() (holderRecord, bool) {
	var r holderRecord
	data, err := os.ReadFile(s.holderFile())
	if err != nil || json.Unmarshal(data, &r) != nil || r.Token == "" {
		return r, false
	}
	return r, true
}

// sqliteHolder says who holds the SQLite database's write lock, as its
// record says.
func (s *Store) sqliteHolder(zone *time.Location) Holder {
	r, ok := s.readHolder()
	if !ok {
		return Holder{}
	}
	return Holder{Kind: r.Kind, PID: r.PID, Host: r.Host, Since: r.Since.In(zone)}
}

// beginPostgres begins a transaction on conn and takes the transaction-scoped
// advisory lock lock in it (when not 0). It names the session after this
// process (application_name, for the transaction only) so that a waiter can
// say who holds the lock; says after a second who holds it; and gives up
// after w.Timeout (lock_timeout, for the wait only).
func (s *Store) beginPostgres(ctx context.Context, conn *sqlx.Conn, lock int64, w LockWait) (*sqlx.Tx, error) {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	fail := func(err error) (*sqlx.Tx, error) {
		tx.Rollback()
		return nil, err
	}
	// A writing run keeps its transaction open, idle, while it reads the
	// city on other connections: a server-wide idle timeout must not end it.
	if _, err := tx.ExecContext(ctx, "SET LOCAL idle_in_transaction_session_timeout = 0"); err != nil {
		return fail(fmt.Errorf("begin bulk write: %w", err))
	}
	// What TOAST compresses (a digest's payload: 2.7 KB on average in a
	// city) is compressed with lz4 where the server has it (PostgreSQL 14
	// on, built with lz4): pglz took 0.5-0.8 s more of a first writing
	// run's 55,659 digests. Either reads back the same.
	if _, err := tx.ExecContext(ctx, `SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings
		WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`); err != nil {
		return fail(fmt.Errorf("begin bulk write: %w", err))
	}
	if lock == 0 {
		return tx, nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT set_config('application_name', $1, true)`, appName(w.Kind)); err != nil {
		return fail(fmt.Errorf("begin bulk write: %w", err))
	}
	var before string
	if w.Timeout > 0 {
		if err := tx.GetContext(ctx, &before, `SELECT current_setting('lock_timeout')`); err != nil {
			return fail(fmt.Errorf("begin bulk write: %w", err))
		}
		ms := max(w.Timeout.Milliseconds(), 1)
		if _, err := tx.ExecContext(ctx, `SELECT set_config('lock_timeout', $1, true)`, strconv.FormatInt(ms, 10)); err != nil {
			return fail(fmt.Errorf("begin bulk write: %w", err))
		}
	}
	wt := &waiter{w: w, start: time.Now()}
	stop := s.watchPostgres(ctx, lock, wt)
	_, err = tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, lock)
	stop()
	if err != nil {
		var pe *pq.Error
		if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available: lock_timeout
			tx.Rollback()
			// Back to the pool, for postgresHolder to take if it must.
			conn.Close()
			h := wt.last
			if h == nil {
				if found, ok, _ := s.postgresHolder(ctx, lock, w.Zone); ok {
					h = &found
				}
			}
			if h == nil {
				h = &Holder{}
			}
			return nil, wt.timeout(s.location, *h)
		}
		return fail(fmt.Errorf("begin bulk write: %w", err))
	}
	if w.Timeout > 0 {
		if _, err := tx.ExecContext(ctx, `SELECT set_config('lock_timeout', $1, true)`, before); err != nil {
			return fail(fmt.Errorf("begin bulk write: %w", err))
		}
	}
	return tx, nil
}

// watchPostgres reports, from a second on, who holds lock to wt, on
// another connection, until the returned function is called.
func (s *Store) watchPostgres(ctx context.Context, lock int64, wt *waiter) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTimer(waitNotice)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if h, ok, err := s.postgresHolder(ctx, lock, wt.w.Zone); err == nil && ok {
				select {
				case <-done: // granted meanwhile: no news
					return
				default:
				}
				wt.saw(h)
			}
			t.Reset(time.Second)
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// postgresHolder finds the session holding the advisory lock lock in this
// database, and reads who it is from its application_name.
func (s *Store) postgresHolder(ctx context.Context, lock int64, zone *time.Location) (Holder, bool, error) {
	var row struct {
		PID   int          `db:"pid"`
		App   string       `db:"app"`
		Since sql.NullTime `db:"since"`
	}
	// A bigint key is held as classid (high half) and objid (low half).
	err := s.db.GetContext(ctx, &row, `SELECT a.pid, COALESCE(a.application_name, '') AS app, a.xact_start AS since
		FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
		  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid
		LIMIT 1`, uint64(lock)>>32, uint64(lock)&0xffffffff)
	if errors.Is(err, sql.ErrNoRows) {
		return Holder{}, false, nil
	}
	if err != nil {
		return Holder{}, false, err
	}
	var h Holder
	if row.Since.Valid {
		h.Since = row.Since.Time.In(zone)
	}
	if kind, pid, host, ok := parseAppName(row.App); ok {
		h.Kind, h.PID, h.Host = kind, pid, host
	} else {
		h.Session, h.App = row.PID, row.App
	}
	return h, true, nil
}

// appName is the application_name a bulk writer sets on its transaction:
// "baoxue;PID;KIND;HOST", within PostgreSQL's 63 bytes.
func appName(kind string) string {
	host, _ := os.Hostname()
	n := fmt.Sprintf("baoxue;%d;%s;%s", os.Getpid(), asciiName(kind), asciiName(host))
	if len(n) > 63 {
		n = n[:63]
	}
	return n
}

// asciiName keeps the printable ASCII of s, without ";".
func asciiName(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' || r == ';' {
			return -1
		}
		return r
	}, s)
}

// parseAppName reads an application_name written by appName.
func parseAppName(n string) (kind string, pid int, host string, ok bool) {
	f := strings.SplitN(n, ";", 4)
	if len(f) != 4 || f[0] != "baoxue" {
		return "", 0, "", false
	}
	pid, err := strconv.Atoi(f[1])
	if err != nil {
		return "", 0, "", false
	}
	return f[2], pid, f[3], true
}
