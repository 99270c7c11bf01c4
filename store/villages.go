package store

import (
	"context"
	"time"
)

// Village maps a village or community (村/社区) of a township to the school
// responsible for its children.
type Village struct {
	Township, Village, SchoolID string
}

// UpsertVillages inserts villages and updates the responsible school of those
// whose (township, village) exists.
func (tx *Tx) UpsertVillages(ctx context.Context, rows []Village, now time.Time) (Counts, error) {
	ts := FormatTime(now)
	u := upsert{
		table:  "villages",
		key:    []string{"township", "village"},
		cols:   []string{"township", "village", "school_id", "updated_at"},
		update: []string{"school_id", "updated_at"},
	}
	return tx.bulkUpsert(ctx, u, len(rows), func(i int, d []any) {
		r := &rows[i]
		d[0], d[1], d[2], d[3] = r.Township, r.Village, r.SchoolID, ts
	})
}
