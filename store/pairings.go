package store

import (
	"context"
	"fmt"
	"strings"
)

// PairingAssignment makes Teacher the one-to-one pairing teacher of a student.
type PairingAssignment struct {
	SID     int64
	Teacher string
	Reason  string
}

// AssignPairings applies assignments in batches, each only to a student
// who still has no pairing teacher (a student who has one keeps them), and
// records each assignment that took effect, with its reason, in pairings.
// It returns how many took effect.
func (tx *Tx) AssignPairings(ctx context.Context, runID int64, as []PairingAssignment, now string) (int, error) {
	const per = 400
	done := 0
	for start := 0; start < len(as); start += per {
		chunk := as[start:min(start+per, len(as))]
		var b strings.Builder
		args := make([]any, 0, 3*len(chunk)+1)
		b.WriteString("UPDATE students SET pairing_teacher_id = CASE sid")
		for _, a := range chunk {
			b.WriteString(" WHEN ? THEN ?")
			args = append(args, a.SID, a.Teacher)
		}
		b.WriteString(" END, updated_at = ? WHERE pairing_teacher_id = '' AND sid IN (")
		args = append(args, now)
		for i, a := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("?")
			args = append(args, a.SID)
		}
		b.WriteString(")")
		if _, err := tx.db.ExecContext(ctx, tx.rebind(b.String()), args...); err != nil {
			return done, fmt.Errorf("assign pairing teachers: %w", err)
		}
		// Record the assignments that took effect: the student now has
		// the teacher this run chose.
		current, err := tx.pairingTeachers(ctx, chunk)
		if err != nil {
			return done, fmt.Errorf("assign pairing teachers: %w", err)
		}
		var took []PairingAssignment
		for _, a := range chunk {
			if current[a.SID] == a.Teacher {
				took = append(took, a)
			}
		}
		if err := tx.insertRows(ctx, "pairings", []string{"sid", "teacher_id", "reason", "assigned_at", "run_id"}, len(took),
			func(i int, d []any) {
				a := &took[i]
				d[0], d[1], d[2], d[3], d[4] = a.SID, a.Teacher, a.Reason, now, runID
			}); err != nil {
			return done, fmt.Errorf("record pairings: %w", err)
		}
		done += len(took)
	}
	return done, nil
}

// pairingTeachers returns the pairing teacher of each student of as, by sid.
func (tx *Tx) pairingTeachers(ctx context.Context, as []PairingAssignment) (map[int64]string, error) {
	args := make([]any, len(as))
	for i, a := range as {
		args[i] = a.SID
	}
	rows, err := tx.db.QueryContext(ctx, tx.rebind(`SELECT sid, pairing_teacher_id FROM students WHERE sid IN (`+placeholders(len(as))+`)`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]string, len(as))
	for rows.Next() {
		var sid int64
		var t string
		if err := rows.Scan(&sid, &t); err != nil {
			return nil, err
		}
		out[sid] = t
	}
	return out, rows.Err()
}
