package store

import (
	"context"
)

// Attendance is one exception record: a student (by sid) was absent, sick,
// on leave, late or explicitly present on Date (YYYY-MM-DD).
type Attendance struct {
	SID          int64
	Date, Status string
	Note         string
}

// UpsertAttendance inserts attendance records; a record for a (student,
// date) that exists replaces its status, and its note when note is true.
func (tx *Tx) UpsertAttendance(ctx context.Context, rows []Attendance, note bool) (Counts, error) {
	return upsertAll(ctx, rows, func() (*Staged[Attendance], error) { return tx.StageAttendance(ctx, note) })
}

// StageAttendance begins an UpsertAttendance whose rows are staged chunk
// by chunk (Staged).
func (tx *Tx) StageAttendance(ctx context.Context, note bool) (*Staged[Attendance], error) {
	u := upsert{
		table:  "attendance",
		key:    []string{"sid", "date"},
		cols:   []string{"sid", "date", "status", "note"},
		update: []string{"status"},
	}
	if note {
		u.update = append(u.update, "note")
	}
	return newStaged(ctx, tx, u, func(r *Attendance, d []any) {
		d[0], d[1], d[2], d[3] = r.SID, r.Date, r.Status, r.Note
	})
}
