package store

import (
	"context"
	"fmt"
	"time"
)

// Audit is one entry of the append-only audit table: who (Actor, e.g.
// "cli:alice" or "teacher:T001") did what (Action: import, export, read,
// change, token, reload) to what (Object), with Detail.
type Audit struct {
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
