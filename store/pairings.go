package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
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
// The students' stored facts are given the teacher as well
// (spliceTeachers), so that RefreshFacts need not rebuild them.
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
	// The students whose facts were stale before: their facts are
	// rebuilt from their records (RefreshFacts), not spliced below.
	stale := make(map[int64]bool)
	if err := tx.queryEach(ctx, `SELECT DISTINCT m.sid FROM student_facts_stale m JOIN `+stage+` AS st ON st.sid = m.sid`,
		func(rows *sql.Rows) error {
			var sid int64
			if err := rows.Scan(&sid); err != nil {
				return err
			}
			stale[sid] = true
			return nil
		}); err != nil {
		return 0, fmt.Errorf("assign pairing teachers: %w", err)
	}
	// An assignment takes effect on a student who has no pairing teacher
	// when the statement runs. On PostgreSQL the UPDATE hands the rows it
	// changed to the INSERT: a second join would scan the roster again
	// (0.6 s of a first run over a million students). SQLite, whose
	// writer holds the database, records the assignments to students who
	// have none and then makes them, the same rows.
	var q string
	if tx.dialect == Postgres {
		q = `WITH done AS (
			UPDATE students SET pairing_teacher_id = st.teacher_id, updated_at = $1
			FROM ` + stage + ` AS st WHERE students.sid = st.sid AND students.pairing_teacher_id = ''
			RETURNING st.id, st.sid, st.teacher_id, st.reason)
		INSERT INTO pairings (sid, teacher_id, reason, assigned_at, run_id)
		SELECT sid, teacher_id, reason, $1, $2 FROM done ORDER BY id RETURNING sid, teacher_id`
	} else {
		q = `INSERT INTO pairings (sid, teacher_id, reason, assigned_at, run_id)
			SELECT st.sid, st.teacher_id, st.reason, ?, ? FROM ` + stage + ` AS st
			JOIN students s ON s.sid = st.sid AND s.pairing_teacher_id = '' ORDER BY st.id RETURNING sid, teacher_id`
	}
	var spliced []PairingAssignment
	n := 0
	if err := tx.queryEach(ctx, q, func(rows *sql.Rows) error {
		var a PairingAssignment
		if err := rows.Scan(&a.SID, &a.Teacher); err != nil {
			return err
		}
		n++
		if !stale[a.SID] {
			spliced = append(spliced, a)
		}
		return nil
	}, now, runID); err != nil {
		return 0, fmt.Errorf("assign pairing teachers: %w", err)
	}
	if tx.dialect != Postgres {
		if _, err := tx.db.ExecContext(ctx, `UPDATE students SET pairing_teacher_id = st.teacher_id, updated_at = ?
			FROM `+stage+` AS st WHERE students.sid = st.sid AND students.pairing_teacher_id = ''`, now); err != nil {
			return 0, fmt.Errorf("assign pairing teachers: %w", err)
		}
	}
	if err := tx.spliceTeachers(ctx, spliced); err != nil {
		return 0, err
	}
	if err := tx.dropStage(ctx, stage); err != nil {
		return 0, err
	}
	return n, nil
}

// queryEach runs q with args and calls fn with each row.
func (s *queries) queryEach(ctx context.Context, q string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// spliceTeachers writes the pairing teacher each of as was just given
// into the student's stored facts, in place of the empty one there, and
// removes the stale marks that the roster's UPDATE made for them: the
// teacher is the one roster field that changed, and rebuilding the facts
// of tens of thousands of students from their records (RefreshFacts) cost
// a first run over a million students a second. The students of as must
// have had no stale mark before the UPDATE, so that their stored facts
// were current. A student whose stored facts are missing or do not hold
// an empty teacher where factsRow puts it keeps its mark, for RefreshFacts.
// On PostgreSQL only the marks this transaction made are removed: one
// that another transaction made meanwhile (a contact through the API)
// stays, and its student is rebuilt.
func (tx *Tx) spliceTeachers(ctx context.Context, as []PairingAssignment) error {
	if len(as) == 0 {
		return nil
	}
	teacher := make(map[int64]string, len(as))
	sids := make([]int64, len(as))
	for i, a := range as {
		teacher[a.SID], sids[i] = a.Teacher, a.SID
	}
	type row struct {
		sid   int64
		facts string
	}
	var out []row
	if err := tx.eachForSIDs(ctx, `SELECT sid, facts FROM student_facts WHERE sid IN (?)`, sids, nil, func(rows *sql.Rows) error {
		var r row
		if err := rows.Scan(&r.sid, &r.facts); err != nil {
			return err
		}
		if f, ok := withTeacher(r.facts, teacher[r.sid]); ok {
			out = append(out, row{r.sid, f})
		}
		return nil
	}); err != nil {
		return fmt.Errorf("write pairing teachers into student facts: %w", err)
	}
	if len(out) == 0 {
		return nil
	}
	const stage = "stage_spliced_facts"
	if err := tx.stage(ctx, stage, "student_facts", []string{"sid", "facts"}, len(out), func(i int, d []any) {
		d[0], d[1] = out[i].sid, out[i].facts
	}); err != nil {
		return fmt.Errorf("write pairing teachers into student facts: %w", err)
	}
	// An upsert of rows that are all there: it finds each by the primary
	// key, where an UPDATE … FROM scanned the whole table (1.1 s against
	// 0.6 s for 52,330 of a million). "WHERE true" as in merge.
	if _, err := tx.db.ExecContext(ctx, `INSERT INTO student_facts (sid, facts) SELECT sid, facts FROM `+stage+`
		WHERE true ON CONFLICT (sid) DO UPDATE SET facts = excluded.facts`); err != nil {
		return fmt.Errorf("write pairing teachers into student facts: %w", err)
	}
	if afterSplice != nil {
		afterSplice()
	}
	unmark := `DELETE FROM student_facts_stale WHERE sid IN (SELECT sid FROM ` + stage + `)`
	if tx.dialect == Postgres {
		unmark += ` AND xmin = pg_current_xact_id()::xid`
	}
	if _, err := tx.db.ExecContext(ctx, unmark); err != nil {
		return fmt.Errorf("write pairing teachers into student facts: %w", err)
	}
	return tx.dropStage(ctx, stage)
}

// afterSplice, in tests, runs between spliceTeachers' write of the facts
// and its removal of the marks.
var afterSplice func()

// withTeacher returns a row of student_facts (factsRow) with teacher as
// its pairing teacher, which must have been empty; false when the row
// does not end in the pairing teacher and the three lists, so cut.
func withTeacher(facts, teacher string) (string, bool) {
	end := len(facts)
	for range 3 { // the three lists, from the end
		i := strings.LastIndex(facts[:end], unitSep)
		if i < 0 {
			return "", false
		}
		end = i
	}
	// facts[end] starts the lists; the teacher before it must be empty.
	if end == 0 || !strings.HasSuffix(facts[:end], unitSep) || strings.Count(facts[:end], unitSep) != 15 ||
		strings.Contains(teacher, unitSep) {
		return "", false
	}
	return facts[:end] + teacher + facts[end:], true
}
