package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// insertBatch inserts rows into table in multi-row INSERT statements of at
// most 500 rows, portable to both engines. suffix (e.g. an ON CONFLICT clause)
// is appended to each statement.
func insertBatch(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows [][]any, suffix string) error {
	const per = 500
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(ph)
			args = append(args, rows[i]...)
		}
		b.WriteString(suffix)
		if _, err := tx.ExecContext(ctx, tx.Rebind(b.String()), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// execIn runs query (which must contain one "IN (?)" marker) for ids in
// chunks, with args placed before the ids.
func execIn(ctx context.Context, tx *sqlx.Tx, query string, args []any, ids []int64) error {
	const per = 500
	for start := 0; start < len(ids); start += per {
		end := min(start+per, len(ids))
		q := strings.Replace(query, "IN (?)", "IN ("+strings.TrimSuffix(strings.Repeat("?, ", end-start), ", ")+")", 1)
		all := append(append([]any{}, args...), int64sToAny(ids[start:end])...)
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), all...); err != nil {
			return err
		}
	}
	return nil
}

func int64sToAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// appendRows inserts many plain rows (no conflict handling) the fastest way
// each engine has: COPY on PostgreSQL, multi-row prepared INSERTs on SQLite.
func (s *Store) appendRows(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	fill := func(i int, dst []any) { copy(dst, rows[i]) }
	var err error
	if s.Dialect == Postgres {
		err = copyRows(ctx, tx, table, cols, len(rows), fill)
	} else {
		err = insertRows(ctx, tx, table, cols, len(rows), fill)
	}
	if err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}
