package store

import (
	"context"
	"fmt"
	"time"
)

// School is one row of the schools table.
type School struct {
	ID, Name, Center, Township string
}

// UpsertSchools inserts schools and updates those whose id exists. update
// names the columns (name, center, township) overwritten on existing rows;
// the others keep their stored values.
func (tx *Tx) UpsertSchools(ctx context.Context, rows []School, update []string, now time.Time) (Counts, error) {
	if err := checkColumns("schools", update, []string{"name", "center", "township"}); err != nil {
		return Counts{}, err
	}
	ts := FormatTime(now)
	u := upsert{
		table:  "schools",
		key:    []string{"id"},
		cols:   []string{"id", "name", "center", "township", "updated_at"},
		update: append(append([]string{}, update...), "updated_at"),
	}
	return tx.bulkUpsert(ctx, u, len(rows), func(i int, d []any) {
		r := &rows[i]
		d[0], d[1], d[2], d[3], d[4] = r.ID, r.Name, r.Center, r.Township, ts
	})
}

// EnsureSchools creates the schools that do not exist yet, with their id as
// name and no center; existing schools are left alone. Rule unit tests use it
// for the schools their rows name.
func (tx *Tx) EnsureSchools(ctx context.Context, ids []string, now time.Time) error {
	ts := FormatTime(now)
	u := upsert{table: "schools", key: []string{"id"}, cols: []string{"id", "name", "center", "township", "updated_at"}}
	_, err := tx.bulkUpsert(ctx, u, len(ids), func(i int, d []any) {
		d[0], d[1], d[2], d[3], d[4] = ids[i], ids[i], "", "", ts
	})
	return err
}

// SchoolCenters returns the center of every school, by school id.
func (s *queries) SchoolCenters(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, center FROM schools`)
	if err != nil {
		return nil, fmt.Errorf("load schools: %w", err)
	}
	defer rows.Close()
	out := make(map[string]string)
	for rows.Next() {
		var id, center string
		if err := rows.Scan(&id, &center); err != nil {
			return nil, fmt.Errorf("load schools: %w", err)
		}
		out[id] = center
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load schools: %w", err)
	}
	return out, nil
}
