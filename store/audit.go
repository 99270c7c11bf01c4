package store

import (
	"context"
	"fmt"
	"time"
)

// Audit is one entry of the append-only audit table: who (Actor, e.g.
// "cli:alice", or "token:7/T001" for the teacher API) did what (Action:
// import, export, read, change, token, reload) to what (Object), with
// Detail.
type Audit struct {
	// ID is the entry's number, set when it is read back (StreamAudit).
	ID                            int64
	At                            time.Time
	Actor, Action, Object, Detail string
}

// AppendAudit appends an audit entry. Call it on the Tx of the change it
// records, so that the entry commits or rolls back with it.
func (s *queries) AppendAudit(ctx context.Context, a Audit) error {
	_, err := s.db.ExecContext(ctx, s.rebind(`INSERT INTO audit (at, actor, action, object, detail) VALUES (?, ?, ?, ?, ?)`),
		FormatTime(a.At), a.Actor, a.Action, a.Object, a.Detail)
	if err != nil {
		return fmt.Errorf("append audit %s %s: %w", a.Action, a.Object, err)
	}
	return nil
}

// CountAudit returns how many audit entries record action.
func (s *queries) CountAudit(ctx context.Context, action string) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, s.rebind(`SELECT COUNT(*) FROM audit WHERE action = ?`), action); err != nil {
		return 0, fmt.Errorf("count audit entries: %w", err)
	}
	return n, nil
}

// CountAuditExcept returns how many audit entries were made by another
// actor than actor and record another action than action: what someone
// else did.
func (s *queries) CountAuditExcept(ctx context.Context, actor, action string) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, s.rebind(`SELECT COUNT(*) FROM audit WHERE action <> ? AND actor <> ?`), action, actor); err != nil {
		return 0, fmt.Errorf("count audit entries: %w", err)
	}
	return n, nil
}

// StreamAudit calls fn for every audit entry made at or after since (an
// instant; the zero time for all), oldest first (by time, then by number),
// in one streamed query. fn must not keep the pointer past its call; an
// error from fn stops the stream and is returned as it is.
func (s *queries) StreamAudit(ctx context.Context, since time.Time, fn func(*Audit) error) error {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT id, at, actor, action, object, detail FROM audit
		WHERE at >= ? ORDER BY at, id`), FormatTime(since))
	if err != nil {
		return fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	var a Audit
	var at string
	for rows.Next() {
		if err := rows.Scan(&a.ID, &at, &a.Actor, &a.Action, &a.Object, &a.Detail); err != nil {
			return fmt.Errorf("read audit: %w", err)
		}
		if a.At, err = ParseTime(at); err != nil {
			return fmt.Errorf("read audit entry %d: %w", a.ID, err)
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read audit: %w", err)
	}
	return nil
}
