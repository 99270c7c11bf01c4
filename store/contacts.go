package store

import (
	"context"
	"time"
)

// Contact is one contact of a teacher with a student's family. Channel is
// phone, visit, online or other.
type Contact struct {
	SID                                     int64
	Date, TeacherID, Channel, Outcome, Note string
}

// UpsertContacts inserts imported contact records (source "import"); a
// record whose (student, date, teacher, channel) exists gets the columns in
// update (outcome, note) overwritten.
func (tx *Tx) UpsertContacts(ctx context.Context, rows []Contact, update []string, now time.Time) (Counts, error) {
	if err := checkColumns("contacts", update, []string{"outcome", "note"}); err != nil {
		return Counts{}, err
	}
	ts := FormatTime(now)
	u := upsert{
		table:  "contacts",
		key:    []string{"sid", "date", "teacher_id", "channel"},
		cols:   []string{"sid", "date", "teacher_id", "channel", "outcome", "note", "source", "created_at"},
		update: update,
	}
	return tx.bulkUpsert(ctx, u, len(rows), func(i int, d []any) {
		r := &rows[i]
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = r.SID, r.Date, r.TeacherID, r.Channel, r.Outcome, r.Note, "import", ts
	})
}
