package store

import (
	"context"
	"time"
)

// PlatformStudent is one row of the dropout-platform (控辍保学平台) export.
type PlatformStudent struct {
	ID, Name, BirthDate, NationalID, SchoolID, Status string
}

// UpsertPlatform inserts platform rows and updates those whose id exists;
// update names the columns overwritten on existing rows.
func (tx *Tx) UpsertPlatform(ctx context.Context, rows []PlatformStudent, update []string, now time.Time) (Counts, error) {
	return upsertAll(ctx, rows, func() (*Staged[PlatformStudent], error) { return tx.StagePlatform(ctx, update, now) })
}

// StagePlatform begins an UpsertPlatform whose rows are staged chunk by
// chunk (Staged).
func (tx *Tx) StagePlatform(ctx context.Context, update []string, now time.Time) (*Staged[PlatformStudent], error) {
	if err := checkColumns("platform", update, []string{"name", "birth_date", "national_id", "school_id", "status"}); err != nil {
		return nil, err
	}
	ts := FormatTime(now)
	u := upsert{
		table:  "platform",
		key:    []string{"id"},
		cols:   []string{"id", "name", "birth_date", "national_id", "school_id", "status", "updated_at"},
		update: append(append([]string{}, update...), "updated_at"),
	}
	return newStaged(ctx, tx, u, func(r *PlatformStudent, d []any) {
		d[0], d[1], d[2], d[3], d[4], d[5], d[6] = r.ID, r.Name, r.BirthDate, r.NationalID, r.SchoolID, r.Status, ts
	})
}
