package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	return upsertAll(ctx, rows, func() (*Staged[Contact], error) { return tx.StageContacts(ctx, update, now) })
}

// StageContacts begins an UpsertContacts whose rows are staged chunk by
// chunk (Staged).
func (tx *Tx) StageContacts(ctx context.Context, update []string, now time.Time) (*Staged[Contact], error) {
	if err := checkColumns("contacts", update, []string{"outcome", "note"}); err != nil {
		return nil, err
	}
	ts := FormatTime(now)
	u := upsert{
		table:  "contacts",
		key:    []string{"sid", "date", "teacher_id", "channel"},
		cols:   []string{"sid", "date", "teacher_id", "channel", "outcome", "note", "source", "created_at"},
		update: update,
	}
	return newStaged(ctx, tx, u, func(r *Contact, d []any) {
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = r.SID, r.Date, r.TeacherID, r.Channel, r.Outcome, r.Note, "import", ts
	})
}

// ContactSourceAPI is the source of a contact recorded through the teacher
// API; imported ones are "import".
const ContactSourceAPI = "api"

// InsertContact records one contact of source at instant now and returns
// its id; false, with nothing written, when a contact of the same student,
// date, teacher and channel exists (ContactOf reads it).
func (s *queries) InsertContact(ctx context.Context, c Contact, source string, now time.Time) (int64, bool, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, s.rebind(`INSERT INTO contacts (sid, date, teacher_id, channel, outcome, note, source, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sid, date, teacher_id, channel) DO NOTHING RETURNING id`),
		c.SID, c.Date, c.TeacherID, c.Channel, c.Outcome, c.Note, source, FormatTime(now))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("record contact: %w", err)
	}
	return id, true, nil
}

// ContactOf returns the contact of c's student, date, teacher and channel;
// false when there is none.
func (s *queries) ContactOf(ctx context.Context, c Contact) (ContactRow, bool, error) {
	var r ContactRow
	err := s.db.QueryRowContext(ctx, s.rebind(`SELECT c.id, c.date, c.teacher_id, COALESCE(te.name, ''), c.channel,
		c.outcome, c.note, c.source
		FROM contacts c LEFT JOIN teachers te ON te.id = c.teacher_id
		WHERE c.sid = ? AND c.date = ? AND c.teacher_id = ? AND c.channel = ?`), c.SID, c.Date, c.TeacherID, c.Channel).Scan(
		&r.ID, &r.Date, &r.TeacherID, &r.TeacherName, &r.Channel, &r.Outcome, &r.Note, &r.Source)
	if errors.Is(err, sql.ErrNoRows) {
		return ContactRow{}, false, nil
	}
	if err != nil {
		return ContactRow{}, false, fmt.Errorf("read contact: %w", err)
	}
	return r, true, nil
}
