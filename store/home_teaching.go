package store

import (
	"context"
)

// HomeTeaching is one home-teaching session (送教上门) of a teacher with a
// student: ClassHours class hours on Date, Remote when given remotely.
type HomeTeaching struct {
	SID             int64
	Date, TeacherID string
	ClassHours      int
	Remote          bool
}

// UpsertHomeTeaching inserts sessions; a session whose (student, date,
// teacher) exists gets its class hours, and its remote flag when remote is
// true, overwritten.
func (tx *Tx) UpsertHomeTeaching(ctx context.Context, rows []HomeTeaching, remote bool) (Counts, error) {
	return upsertAll(ctx, rows, func() (*Staged[HomeTeaching], error) { return tx.StageHomeTeaching(ctx, remote) })
}

// StageHomeTeaching begins an UpsertHomeTeaching whose rows are staged
// chunk by chunk (Staged).
func (tx *Tx) StageHomeTeaching(ctx context.Context, remote bool) (*Staged[HomeTeaching], error) {
	u := upsert{
		table:  "home_teaching",
		key:    []string{"sid", "date", "teacher_id"},
		cols:   []string{"sid", "date", "teacher_id", "class_hours", "remote"},
		update: []string{"class_hours"},
	}
	if remote {
		u.update = append(u.update, "remote")
	}
	return newStaged(ctx, tx, u, func(r *HomeTeaching, d []any) {
		d[0], d[1], d[2], d[3], d[4] = r.SID, r.Date, r.TeacherID, int64(r.ClassHours), r.Remote
	})
}
