package store

import (
	"context"
	"fmt"
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
