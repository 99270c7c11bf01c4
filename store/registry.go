package store

import (
	"context"
	"time"
)

// RegistryStudent is one row of the 学籍系统 (national student registry)
// export. Grade 0 means not given.
type RegistryStudent struct {
	ID, Name, BirthDate, NationalID, SchoolID string
	Grade                                     int
	Status                                    string
}

// UpsertRegistry inserts registry rows and updates those whose id exists;
// update names the columns (national_id, school_id, grade, status; name and
// birth_date are always written) overwritten on existing rows.
func (tx *Tx) UpsertRegistry(ctx context.Context, rows []RegistryStudent, update []string, now time.Time) (Counts, error) {
	return upsertAll(ctx, rows, func() (*Staged[RegistryStudent], error) { return tx.StageRegistry(ctx, update, now) })
}

// StageRegistry begins an UpsertRegistry whose rows are staged chunk by
// chunk (Staged).
func (tx *Tx) StageRegistry(ctx context.Context, update []string, now time.Time) (*Staged[RegistryStudent], error) {
	if err := checkColumns("registry", update, []string{"name", "birth_date", "national_id", "school_id", "grade", "status"}); err != nil {
		return nil, err
	}
	ts := FormatTime(now)
	u := upsert{
		table:  "registry",
		key:    []string{"id"},
		cols:   []string{"id", "name", "birth_date", "national_id", "school_id", "grade", "status", "updated_at"},
		update: append(append([]string{}, update...), "updated_at"),
	}
	return newStaged(ctx, tx, u, func(r *RegistryStudent, d []any) {
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = r.ID, r.Name, r.BirthDate, r.NationalID, r.SchoolID, int64(r.Grade), r.Status, ts
	})
}
