package store

import (
	"context"
	"strings"
)

// execIn runs query (which must contain one "IN (?)" marker) for ids in
// chunks, with args placed before the ids.
func (tx *Tx) execIn(ctx context.Context, query string, args []any, ids []int64) error {
	const per = 500
	for start := 0; start < len(ids); start += per {
		end := min(start+per, len(ids))
		q := strings.Replace(query, "IN (?)", "IN ("+placeholders(end-start)+")", 1)
		all := append(append([]any{}, args...), int64sToAny(ids[start:end])...)
		if _, err := tx.db.ExecContext(ctx, tx.rebind(q), all...); err != nil {
			return err
		}
	}
	return nil
}

// placeholders returns n ? placeholders separated by commas.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func int64sToAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
