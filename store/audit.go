package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Audit is one entry of the append-only audit table: who (Actor, e.g.
// "cli:alice" or "teacher:T001") did what (Action: import, export, read,
// change, token, reload) to what (Object), with Detail.
type Audit struct {
	At                            time.Time
	Actor, Action, Object, Detail string
}

// AppendAudit appends an audit entry. Pass the transaction of the change it
// records, so that the entry commits or rolls back with it.
func (s *Store) AppendAudit(ctx context.Context, ex sqlx.ExecerContext, a Audit) error {
	_, err := ex.ExecContext(ctx, s.Rebind(`INSERT INTO audit (at, actor, action, object, detail) VALUES (?, ?, ?, ?, ?)`),
		FormatTime(a.At), a.Actor, a.Action, a.Object, a.Detail)
	if err != nil {
		return fmt.Errorf("append audit %s %s: %w", a.Action, a.Object, err)
	}
	return nil
}
