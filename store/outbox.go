package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// OutboxMessage is a notification to deliver. DedupKey makes writing it twice
// a no-op; Channel "" lets the notifier route it by its configuration.
type OutboxMessage struct {
	DedupKey  string
	RunID     int64
	Channel   string
	Recipient string
	Kind      string
	Payload   string
}

// Enqueue writes notifications to the outbox at instant now, due at once.
// Their dedup keys must be new (a run's keys carry its fresh id), so they
// are appended in bulk; a key written twice fails the transaction rather
// than sending twice.
func (tx *Tx) Enqueue(ctx context.Context, now string, ms []OutboxMessage) error {
	err := tx.insertRows(ctx, "outbox", []string{"dedup_key", "run_id", "channel", "recipient", "kind", "payload",
		"created_at", "next_attempt_at"}, len(ms), func(i int, d []any) {
		m := &ms[i]
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = m.DedupKey, m.RunID, m.Channel, m.Recipient, m.Kind, m.Payload, now, now
	})
	if err != nil {
		return fmt.Errorf("queue notifications: %w", err)
	}
	return nil
}

// The statuses of an outbox row. A row is pending until it is sent, ends
// failed (its last attempt failed, or a failure not worth retrying), or is
// undeliverable (the channel cannot address its recipient). Only
// RequeueOutbox makes a failed or undeliverable row pending again.
const (
	OutboxPending       = "pending"
	OutboxSent          = "sent"
	OutboxFailed        = "failed"
	OutboxUndeliverable = "undeliverable"
)

// OutboxStatuses lists the statuses in the order a row goes through them.
func OutboxStatuses() []string {
	return []string{OutboxPending, OutboxSent, OutboxFailed, OutboxUndeliverable}
}

// OutboxRow is one outbox row, as a dispatcher claims it and `outbox list`
// shows it. Instants are in TimeFormat; "" is none.
type OutboxRow struct {
	ID       int64
	DedupKey string
	// RunID is the run that queued the row; 0 when none.
	RunID int64
	// Channel is the channel the writer asked for; "" routes by
	// configuration. Routed is the channel the row was last given to; ""
	// until a dispatcher has routed it.
	Channel, Routed string
	Recipient       string
	Kind            string
	// Payload is read by ClaimOutbox only; ListOutbox leaves it empty, so
	// that listing shows nothing a digest says.
	Payload                  string
	CreatedAt, NextAttemptAt string
	// Attempts counts the deliveries tried.
	Attempts  int
	Status    string
	LastError string
	SentAt    string
	// School and Center are the recipient teacher's, the center being the
	// school's when the teacher's row names none (ListOutbox only; "" for
	// a recipient who is not a teacher of the directory).
	School, Center string
}

// outboxColumns are the columns of an OutboxRow, Payload and the
// recipient's school and center excepted, in scanOutbox's order.
const outboxColumns = `o.id, o.dedup_key, COALESCE(o.run_id, 0), o.channel, o.routed_channel, o.recipient, o.kind,
	o.created_at, o.next_attempt_at, o.attempts, o.status, o.last_error, COALESCE(o.sent_at, '')`

func scanOutbox(sc interface{ Scan(...any) error }, r *OutboxRow, extra ...any) error {
	return sc.Scan(append([]any{&r.ID, &r.DedupKey, &r.RunID, &r.Channel, &r.Routed, &r.Recipient, &r.Kind,
		&r.CreatedAt, &r.NextAttemptAt, &r.Attempts, &r.Status, &r.LastError, &r.SentAt}, extra...)...)
}

// ClaimOutbox claims up to limit pending rows due at now whose earlier
// claim, if any, has lapsed, for owner until the instant until, and
// returns them, payload included, the earliest due first. A claimed row is
// another claimer's again only after until: two live claimers never get
// the same row. On PostgreSQL the rows are picked with FOR UPDATE SKIP
// LOCKED, so concurrent claimers neither wait for nor block each other; on
// SQLite the one statement holds the database's single write lock.
func (s *queries) ClaimOutbox(ctx context.Context, owner string, now, until time.Time, limit int) ([]OutboxRow, error) {
	skip := ""
	if s.dialect == Postgres {
		skip = "FOR UPDATE SKIP LOCKED"
	}
	n := FormatTime(now)
	q := s.rebind(`UPDATE outbox SET claimed_by = ?, claimed_until = ?
		WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND claimed_until <= ?
			ORDER BY next_attempt_at, id LIMIT ? ` + skip + `)
		RETURNING ` + strings.ReplaceAll(outboxColumns, "o.", "") + `, payload`)
	rows, err := s.db.QueryContext(ctx, q, owner, FormatTime(until), n, n, limit)
	if err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		var r OutboxRow
		if err := scanOutbox(rows, &r, &r.Payload); err != nil {
			return nil, fmt.Errorf("claim outbox rows: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim outbox rows: %w", err)
	}
	// RETURNING keeps no order.
	sort.Slice(out, func(i, j int) bool {
		if out[i].NextAttemptAt != out[j].NextAttemptAt {
			return out[i].NextAttemptAt < out[j].NextAttemptAt
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// RenewOutboxClaim extends owner's claim on row id to until, and reports
// whether owner still held it: false when the row was claimed by another
// after owner's lease lapsed, or is no longer pending. A dispatcher renews
// just before it sends, and sends only when this answers true.
func (s *queries) RenewOutboxClaim(ctx context.Context, id int64, owner string, until time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.rebind(`UPDATE outbox SET claimed_until = ?
		WHERE id = ? AND claimed_by = ? AND status = 'pending'`), FormatTime(until), id, owner)
	if err != nil {
		return false, fmt.Errorf("renew the claim on outbox row %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// OutboxResult is what became of one claimed row.
type OutboxResult struct {
	// Status is OutboxSent, OutboxPending (to be tried again at
	// NextAttempt), OutboxFailed or OutboxUndeliverable.
	Status string
	// Channel is the channel the row was given to ("" keeps the one
	// recorded).
	Channel string
	// Attempted counts the result as a delivery tried.
	Attempted bool
	// Error says why the row was not sent ("" when it was).
	Error string
	// NextAttempt is when a pending row is due again; zero keeps the
	// time recorded.
	NextAttempt time.Time
	// SentAt is when a sent row was delivered.
	SentAt time.Time
}

// FinishOutbox records r for row id and ends owner's claim on it. It
// reports whether owner still held the claim; when not (its lease lapsed
// and another took the row), nothing is written.
func (s *queries) FinishOutbox(ctx context.Context, id int64, owner string, r OutboxResult) (bool, error) {
	attempted := 0
	if r.Attempted {
		attempted = 1
	}
	next, sent := "", sql.NullString{}
	if !r.NextAttempt.IsZero() {
		next = FormatTime(r.NextAttempt)
	}
	if r.Status == OutboxSent {
		sent = sql.NullString{String: FormatTime(r.SentAt), Valid: true}
	}
	res, err := s.db.ExecContext(ctx, s.rebind(`UPDATE outbox SET status = ?,
		routed_channel = COALESCE(NULLIF(?, ''), routed_channel), attempts = attempts + ?, last_error = ?,
		next_attempt_at = COALESCE(NULLIF(?, ''), next_attempt_at), sent_at = ?, claimed_by = '', claimed_until = ''
		WHERE id = ? AND claimed_by = ?`), r.Status, r.Channel, attempted, r.Error, next, sent, id, owner)
	if err != nil {
		return false, fmt.Errorf("record outbox row %d as %s: %w", id, r.Status, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseOutbox ends owner's claims on the rows it holds and has not
// finished, so that they are due again at once rather than when the lease
// lapses (a dispatcher shutting down). It returns how many it released.
func (s *queries) ReleaseOutbox(ctx context.Context, owner string) (int, error) {
	res, err := s.db.ExecContext(ctx, s.rebind(`UPDATE outbox SET claimed_by = '', claimed_until = ''
		WHERE claimed_by = ? AND status = 'pending'`), owner)
	if err != nil {
		return 0, fmt.Errorf("release outbox claims: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// NextOutboxAttempt returns when the earliest pending row is next due (the
// end of its claim's lease when that is later), and false when no row is
// pending.
func (s *queries) NextOutboxAttempt(ctx context.Context) (time.Time, bool, error) {
	var next sql.NullString
	err := s.db.GetContext(ctx, &next, `SELECT MIN(CASE WHEN claimed_until > next_attempt_at THEN claimed_until
		ELSE next_attempt_at END) FROM outbox WHERE status = 'pending'`)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read the next outbox attempt: %w", err)
	}
	if !next.Valid {
		return time.Time{}, false, nil
	}
	t, err := ParseTime(next.String)
	return t, err == nil, err
}

// OutboxFilter selects rows for ListOutbox; empty fields select all.
type OutboxFilter struct {
	Statuses []string
	IDs      []int64
}

// ListOutbox calls fn for every row f selects, in id order, without the
// payload, as it reads them: a city's outbox is never held in memory. The
// rows carry their recipient's school and center. An error of fn stops the
// read and is returned.
func (s *queries) ListOutbox(ctx context.Context, f OutboxFilter, fn func(OutboxRow) error) error {
	var where []string
	var args []any
	if len(f.Statuses) > 0 {
		where = append(where, "o.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if len(f.IDs) > 0 {
		where = append(where, "o.id IN ("+placeholders(len(f.IDs))+")")
		args = append(args, int64sToAny(f.IDs)...)
	}
	q := `SELECT ` + outboxColumns + `, COALESCE(t.school_id, ''), COALESCE(NULLIF(t.center, ''), s.center, '')
		FROM outbox o LEFT JOIN teachers t ON t.id = o.recipient LEFT JOIN schools s ON s.id = t.school_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(q+" ORDER BY o.id"), args...)
	if err != nil {
		return fmt.Errorf("list the outbox: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r OutboxRow
		if err := scanOutbox(rows, &r, &r.School, &r.Center); err != nil {
			return fmt.Errorf("list the outbox: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list the outbox: %w", err)
	}
	return nil
}

// RequeueOutbox makes failed and undeliverable rows pending again, due at
// now, with no attempts counted (their last error stays until the next
// attempt) and not reported (a row that ends failed or undeliverable again
// is reported again): the rows named by ids, and with allFailed every
// failed row.
// Sent and pending rows are left as they are: a sent row is never sent
// twice. It returns the ids it requeued, in order.
func (s *queries) RequeueOutbox(ctx context.Context, now time.Time, ids []int64, allFailed bool) ([]int64, error) {
	var which []string
	args := []any{FormatTime(now)}
	if len(ids) > 0 {
		which = append(which, "(id IN ("+placeholders(len(ids))+") AND status IN ('failed', 'undeliverable'))")
		args = append(args, int64sToAny(ids)...)
	}
	if allFailed {
		which = append(which, "status = 'failed'")
	}
	if len(which) == 0 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(`UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?,
		claimed_by = '', claimed_until = '', reported_run = NULL WHERE `+strings.Join(which, " OR ")+` RETURNING id`), args...)
	if err != nil {
		return nil, fmt.Errorf("requeue outbox rows: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("requeue outbox rows: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("requeue outbox rows: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// Undelivered is a notification that ended failed or undeliverable, as a
// run reports it to the center admins (SPEC §8): who it was for, where
// they teach and why it was not delivered; never what it says.
type Undelivered struct {
	ID int64
	// RunID is the run that queued it; 0 when none.
	RunID  int64
	Status string
	// Recipient is the teacher's id; Name, School (id), SchoolName and
	// Center are "" for a recipient not in the teachers directory. Center
	// is the teacher's, else their school's.
	Recipient, Name, School, SchoolName, Center string
	// Channel is the channel it was last given to ("" when none could be
	// chosen); Reason is why it was not delivered.
	Channel, Reason string
}

// UnreportedOutbox returns, in id order, the failed and undeliverable rows
// no run has reported yet (ReportOutbox), with their recipient's name,
// school and center.
func (s *queries) UnreportedOutbox(ctx context.Context) ([]Undelivered, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, COALESCE(o.run_id, 0), o.status, o.recipient,
		COALESCE(t.name, ''), COALESCE(t.school_id, ''), COALESCE(s.name, ''), COALESCE(NULLIF(t.center, ''), s.center, ''),
		o.routed_channel, o.last_error
		FROM outbox o LEFT JOIN teachers t ON t.id = o.recipient LEFT JOIN schools s ON s.id = t.school_id
		WHERE o.reported_run IS NULL AND o.status IN ('failed', 'undeliverable') ORDER BY o.id`)
	if err != nil {
		return nil, fmt.Errorf("read the undelivered notifications: %w", err)
	}
	defer rows.Close()
	var out []Undelivered
	for rows.Next() {
		var u Undelivered
		if err := rows.Scan(&u.ID, &u.RunID, &u.Status, &u.Recipient, &u.Name, &u.School, &u.SchoolName, &u.Center,
			&u.Channel, &u.Reason); err != nil {
			return nil, fmt.Errorf("read the undelivered notifications: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the undelivered notifications: %w", err)
	}
	return out, nil
}

// ReportOutbox records that run runID reported the rows ids
// (UnreportedOutbox): no later run reports them again, unless RequeueOutbox
// makes one pending and it fails again. A row requeued meanwhile is left
// as it is.
func (tx *Tx) ReportOutbox(ctx context.Context, runID int64, ids []int64) error {
	if err := tx.execIn(ctx, `UPDATE outbox SET reported_run = ?
		WHERE reported_run IS NULL AND status IN ('failed', 'undeliverable') AND id IN (?)`, []any{runID}, ids); err != nil {
		return fmt.Errorf("mark undelivered notifications reported: %w", err)
	}
	return nil
}
