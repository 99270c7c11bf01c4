package store

import (
	"context"
	"database/sql"
	"fmt"
)

// PairingAssignment makes Teacher the one-to-one pairing teacher of a student.
type PairingAssignment struct {
	SID     int64
	Teacher string
	Reason  string
}

// AssignPairings applies assignments, each only to a student who still has
// no pairing teacher (a student who has one keeps them), and records each
// assignment that took effect, with its reason, in pairings, in the order of
// as. It returns how many took effect. A student is assigned once at most.
//
// The assignments are staged and applied in one UPDATE and one INSERT: a
// first run pairs tens of thousands of students, and a statement per few
// hundred of them cost seconds.
func (tx *Tx) AssignPairings(ctx context.Context, runID int64, as []PairingAssignment, now string) (int, error) {
	if len(as) == 0 {
		return 0, nil
	}
	seen := make(map[int64]bool, len(as))
	for _, a := range as {
		if seen[a.SID] {
			return 0, fmt.Errorf("assign pairing teachers: student %d assigned twice", a.SID)
		}
		seen[a.SID] = true
	}
	// The stage's id is the assignment's place in as, so that pairings
	// are numbered in that order on both engines.
	const stage = "stage_pairing"
	if err := tx.stage(ctx, stage, "pairings", []string{"id", "sid", "teacher_id", "reason"}, len(as), func(i int, d []any) {
		d[0], d[1], d[2], d[3] = i, as[i].SID, as[i].Teacher, as[i].Reason
	}); err != nil {
		return 0, fmt.Errorf("assign pairing teachers: %w", err)
	}
	// An assignment takes effect on a student who has no pairing teacher
	// when the statement runs. On PostgreSQL the UPDATE hands the rows it
	// changed to the INSERT: a second join would scan the roster again
	// (0.6 s of a first run over a million students). SQLite, whose
	// writer holds the database, records the assignments to students who
	// have none and then makes them, the same rows.
	var res sql.Result
	var err error
	if tx.dialect == Postgres {
		res, err = tx.db.ExecContext(ctx, `WITH done AS (
			UPDATE students SET pairing_teacher_id = st.teacher_id, updated_at = $1
			FROM `+stage+` AS st WHERE students.sid = st.sid AND students.pairing_teacher_id = ''
			RETURNING st.id, st.sid, st.teacher_id, st.reason)
		INSERT INTO pairings (sid, teacher_id, reason, assigned_at, run_id)
		SELECT sid, teacher_id, reason, $1, $2 FROM done ORDER BY id`, now, runID)
	} else {
		res, err = tx.db.ExecContext(ctx, `INSERT INTO pairings (sid, teacher_id, reason, assigned_at, run_id)
			SELECT st.sid, st.teacher_id, st.reason, ?, ? FROM `+stage+` AS st
			JOIN students s ON s.sid = st.sid AND s.pairing_teacher_id = '' ORDER BY st.id`, now, runID)
		if err == nil {
			_, err = tx.db.ExecContext(ctx, `UPDATE students SET pairing_teacher_id = st.teacher_id, updated_at = ?
				FROM `+stage+` AS st WHERE students.sid = st.sid AND students.pairing_teacher_id = ''`, now)
		}
	}
	if err != nil {
		return 0, fmt.Errorf("assign pairing teachers: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("assign pairing teachers: %w", err)
	}
	if err := tx.dropStage(ctx, stage); err != nil {
		return 0, err
	}
	return int(n), nil
}
