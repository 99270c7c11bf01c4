package store

import (
	"context"
	"fmt"
	"time"
)

// StudentMove is a student whose school changed in an import.
type StudentMove struct {
	SID int64
	// SchoolID is the new school; the student's open tasks move to it.
	SchoolID string
	// Assignee takes over the student's open (open or acked) tasks: the new
	// homeroom teacher, else the new school's principal, else a center admin.
	// "" leaves the assignee as it is.
	Assignee string
	// ClearHomeroom and ClearPairing blank a homeroom or pairing teacher who
	// belongs to the old school.
	ClearHomeroom, ClearPairing bool
}

// MoveStudents carries out school changes recorded on date since: open
// tasks go to the new school and assignee, teachers of the old school are
// cleared as asked, and the student's school_since becomes since, so that
// attendance rows dated before it report no day for the new school. A task
// is per student, kind and assignee (SPEC §7): open tasks of one kind that
// now go to one teacher merge into the oldest of them (see mergeMarked),
// the others closing as merged at instant now.
func (tx *Tx) MoveStudents(ctx context.Context, moves []StudentMove, since string, now time.Time) error {
	if len(moves) == 0 {
		return nil
	}
	sids := make([]int64, len(moves))
	var reassigned []int64
	for i, m := range moves {
		sids[i] = m.SID
		if m.Assignee != "" {
			reassigned = append(reassigned, m.SID)
		}
	}
	if err := tx.execIn(ctx, `UPDATE students SET school_since = ? WHERE sid IN (?)`, []any{since}, sids); err != nil {
		return fmt.Errorf("move students: %w", err)
	}
	if err := tx.execIn(ctx, `UPDATE tasks SET merged_into = (SELECT MIN(k.id) FROM tasks k
			WHERE k.sid = tasks.sid AND k.kind = tasks.kind AND k.status IN ('open', 'acked'))
		WHERE status IN ('open', 'acked') AND sid IN (?) AND EXISTS (SELECT 1 FROM tasks k
			WHERE k.sid = tasks.sid AND k.kind = tasks.kind AND k.status IN ('open', 'acked') AND k.id < tasks.id)`,
		nil, reassigned); err != nil {
		return fmt.Errorf("move students: %w", err)
	}
	if err := tx.mergeMarked(ctx, FormatTime(now)); err != nil {
		return fmt.Errorf("move students: %w", err)
	}
	tasks, err := tx.db.PrepareContext(ctx, tx.rebind(`UPDATE tasks SET school_id = ?,
		assignee = CASE WHEN ? = '' THEN assignee ELSE ? END
		WHERE sid = ? AND status IN ('open', 'acked')`))
	if err != nil {
		return fmt.Errorf("move students: %w", err)
	}
	defer tasks.Close()
	homeroom, err := tx.db.PrepareContext(ctx, tx.rebind(`UPDATE students SET homeroom_teacher_id = '' WHERE sid = ?`))
	if err != nil {
		return fmt.Errorf("move students: %w", err)
	}
	defer homeroom.Close()
	pairing, err := tx.db.PrepareContext(ctx, tx.rebind(`UPDATE students SET pairing_teacher_id = '' WHERE sid = ?`))
	if err != nil {
		return fmt.Errorf("move students: %w", err)
	}
	defer pairing.Close()
	for _, m := range moves {
		if _, err := tasks.ExecContext(ctx, m.SchoolID, m.Assignee, m.Assignee, m.SID); err != nil {
			return fmt.Errorf("move tasks of student %d: %w", m.SID, err)
		}
		if m.ClearHomeroom {
			if _, err := homeroom.ExecContext(ctx, m.SID); err != nil {
				return fmt.Errorf("clear homeroom teacher of student %d: %w", m.SID, err)
			}
		}
		if m.ClearPairing {
			if _, err := pairing.ExecContext(ctx, m.SID); err != nil {
				return fmt.Errorf("clear pairing teacher of student %d: %w", m.SID, err)
			}
		}
	}
	return nil
}

// PairingChange replaces the current pairing of a stored student: its open
// pairings row ends, and when TeacherID is not "" a new one starts with
// Reason. students.pairing_teacher_id is written by the caller.
type PairingChange struct {
	SID       int64
	TeacherID string
	Reason    string
}

// ChangePairings records pairing changes in the pairings history.
func (tx *Tx) ChangePairings(ctx context.Context, changes []PairingChange, now time.Time) error {
	if len(changes) == 0 {
		return nil
	}
	ts := FormatTime(now)
	end, err := tx.db.PrepareContext(ctx, tx.rebind(`UPDATE pairings SET ended_at = ? WHERE sid = ? AND ended_at IS NULL`))
	if err != nil {
		return fmt.Errorf("change pairings: %w", err)
	}
	defer end.Close()
	start, err := tx.db.PrepareContext(ctx, tx.rebind(`INSERT INTO pairings (sid, teacher_id, reason, assigned_at) VALUES (?, ?, ?, ?)`))
	if err != nil {
		return fmt.Errorf("change pairings: %w", err)
	}
	defer start.Close()
	for _, c := range changes {
		if _, err := end.ExecContext(ctx, ts, c.SID); err != nil {
			return fmt.Errorf("end pairing of student %d: %w", c.SID, err)
		}
		if c.TeacherID == "" {
			continue
		}
		if _, err := start.ExecContext(ctx, c.SID, c.TeacherID, c.Reason, ts); err != nil {
			return fmt.Errorf("start pairing of student %d: %w", c.SID, err)
		}
	}
	return nil
}

// MarkStudentsMissing sets missing_since to date for the given students
// that are not already marked, and returns how many it marked. A --snapshot
// roster import uses it for enrolled students its schools no longer list.
func (tx *Tx) MarkStudentsMissing(ctx context.Context, sids []int64, date string) (int, error) {
	if len(sids) == 0 {
		return 0, nil
	}
	if err := tx.stage(ctx, "stage_missing", "students", []string{"sid"}, len(sids), func(i int, d []any) {
		d[0] = sids[i]
	}); err != nil {
		return 0, err
	}
	res, err := tx.db.ExecContext(ctx, tx.rebind(`UPDATE students SET missing_since = ?
		WHERE missing_since = '' AND sid IN (SELECT sid FROM stage_missing)`), date)
	if err != nil {
		return 0, fmt.Errorf("mark missing students: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return int(n), tx.dropStage(ctx, "stage_missing")
}
