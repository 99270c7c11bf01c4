package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// PairingAssignment makes Teacher the one-to-one pairing teacher of a student.
type PairingAssignment struct {
	SID     int64
	Teacher string
	Reason  string
}

// AssignPairingsTx applies assignments in batches, each only to a student
// who still has no pairing teacher (a student who has one keeps them), and
// records each assignment that took effect, with its reason, in pairings.
// It returns how many took effect.
func (s *Store) AssignPairingsTx(ctx context.Context, tx *sqlx.Tx, runID int64, as []PairingAssignment, now string) (int, error) {
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
		if _, err := tx.ExecContext(ctx, tx.Rebind(b.String()), args...); err != nil {
			return done, fmt.Errorf("assign pairing teachers: %w", err)
		}
		// Record the assignments that took effect: the student now has
		// the teacher this run chose.
		now2 := map[int64]string{}
		q, qargs, err := sqlx.In(`SELECT sid, pairing_teacher_id FROM students WHERE sid IN (?)`, sids(chunk))
		if err != nil {
			return done, err
		}
		rows, err := tx.QueryContext(ctx, tx.Rebind(q), qargs...)
		if err != nil {
			return done, fmt.Errorf("assign pairing teachers: %w", err)
		}
		for rows.Next() {
			var sid int64
			var t string
			if err := rows.Scan(&sid, &t); err != nil {
				rows.Close()
				return done, err
			}
			now2[sid] = t
		}
		rows.Close()
		var hist [][]any
		for _, a := range chunk {
			if now2[a.SID] == a.Teacher {
				hist = append(hist, []any{a.SID, a.Teacher, a.Reason, now, runID})
			}
		}
		if err := insertBatch(ctx, tx, "pairings", []string{"sid", "teacher_id", "reason", "assigned_at", "run_id"}, hist, ""); err != nil {
			return done, fmt.Errorf("record pairings: %w", err)
		}
		done += len(hist)
	}
	return done, nil
}

func sids(as []PairingAssignment) []int64 {
	out := make([]int64, len(as))
	for i, a := range as {
		out[i] = a.SID
	}
	return out
}
