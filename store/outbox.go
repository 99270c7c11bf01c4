package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
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

// EnqueueTx writes notifications to the outbox at instant now, due at once.
// Their dedup keys must be new (a run's keys carry its fresh id), so they
// are appended in bulk; a key written twice fails the transaction rather
// than sending twice.
func (s *Store) EnqueueTx(ctx context.Context, tx *sqlx.Tx, now string, ms []OutboxMessage) error {
	rows := make([][]any, len(ms))
	for i, m := range ms {
		rows[i] = []any{m.DedupKey, m.RunID, m.Channel, m.Recipient, m.Kind, m.Payload, now, now}
	}
	if err := s.appendRows(ctx, tx, "outbox", []string{"dedup_key", "run_id", "channel", "recipient", "kind", "payload",
		"created_at", "next_attempt_at"}, rows); err != nil {
		return fmt.Errorf("queue notifications: %w", err)
	}
	return nil
}
