package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Student is one row of the students table as the importer writes it. SID
// is the internal key (0 for a student not yet stored), Key the opaque
// identifier shown outside the database (set for new students only; it is
// never derived from an identity number), ID the current 学籍号.
type Student struct {
	SID                                               int64
	Key                                               string
	ID, Name, Gender, BirthDate, NationalID, SchoolID string
	Grade                                             int
	Class, HomeroomTeacherID, Status                  string
	SuspendedUntil, ReturnedAt, Township, Village     string
	LeftBehind                                        int
	Migrant, Returning, Orphan, Boarding, Disabled    bool
	DisabilityType                                    string
	DisabilityLevel                                   int
	Hardship                                          bool
	Poverty                                           string
	HomeTaught                                        bool
	PairingTeacherID, GuardianPhone                   string
}

// StudentColumns lists the writable columns of students in Student's field
// order (key and id first). "returning_child" is the file format's
// "returning".
func StudentColumns() []string {
	return []string{"key", "id", "name", "gender", "birth_date", "national_id", "school_id", "grade", "class",
		"homeroom_teacher_id", "status", "suspended_until", "returned_at", "township", "village", "left_behind",
		"migrant", "returning_child", "orphan", "boarding", "disabled", "disability_type", "disability_level",
		"hardship", "poverty", "home_taught", "pairing_teacher_id", "guardian_phone"}
}

func fillStudent(r *Student, d []any) {
	if r.SID == 0 {
		d[0] = nil
	} else {
		d[0] = r.SID
	}
	d[1], d[2], d[3], d[4], d[5], d[6], d[7] = r.Key, r.ID, r.Name, r.Gender, r.BirthDate, r.NationalID, r.SchoolID
	d[8], d[9], d[10], d[11], d[12] = int64(r.Grade), r.Class, r.HomeroomTeacherID, r.Status, r.SuspendedUntil
	d[13], d[14], d[15], d[16], d[17] = r.ReturnedAt, r.Township, r.Village, int64(r.LeftBehind), r.Migrant
	d[18], d[19], d[20], d[21], d[22] = r.Returning, r.Orphan, r.Boarding, r.Disabled, r.DisabilityType
	d[23], d[24], d[25], d[26], d[27] = int64(r.DisabilityLevel), r.Hardship, r.Poverty, r.HomeTaught, r.PairingTeacherID
	d[28] = r.GuardianPhone
}

// WriteStudents stores imported students in one set-based pass: rows with
// SID 0 are inserted (all columns), rows with a SID update that student's id
// and the columns named in update (the others keep their values) and clear
// its missing_since. Every row's id is recorded in student_ids, so each
// 学籍号 a student ever had keeps resolving to it. A new student with a
// pairing teacher gets an open pairings row (reason "import").
//
// The caller guarantees that ids are distinct, that an id of a row is not
// another stored student's current id or alias (an alias whose student no
// longer exists is taken over), and that a SID appears once. Counts are the
// new rows and the rows of stored students; only rows whose values change
// are rewritten (and get a new updated_at).
//
// WriteStudents is StageStudents, Add and Write in one call.
func (tx *Tx) WriteStudents(ctx context.Context, rows []Student, update []string, now time.Time) (Counts, error) {
	st, err := tx.StageStudents(ctx)
	if err != nil {
		return Counts{}, err
	}
	if err := st.Add(ctx, rows); err != nil {
		return Counts{}, err
	}
	return st.Write(ctx, update, now)
}

// StudentStage collects imported students in a staging table of one
// transaction, chunk by chunk, so that an import of a million students need
// not hold them all in memory; Write then stores them as WriteStudents
// describes (whose guarantees the caller gives for all rows added).
type StudentStage struct {
	tx     *Tx
	counts Counts
}

// StageStudents creates the (empty) staging table of students in tx.
// Nothing is written to the students until Write.
func (tx *Tx) StageStudents(ctx context.Context) (*StudentStage, error) {
	if err := tx.createStage(ctx, "stage_students", "students", stagedStudentColumns()); err != nil {
		return nil, err
	}
	return &StudentStage{tx: tx}, nil
}

// stagedStudentColumns are the columns of the staging table: sid, then
// StudentColumns.
func stagedStudentColumns() []string {
	return append([]string{"sid"}, StudentColumns()...)
}

// Add stages rows; the caller may reuse the slice afterwards.
func (g *StudentStage) Add(ctx context.Context, rows []Student) error {
	if len(rows) == 0 {
		return nil
	}
	if err := g.tx.insertRows(ctx, "stage_students", stagedStudentColumns(), len(rows), func(i int, d []any) {
		fillStudent(&rows[i], d)
	}); err != nil {
		return err
	}
	for i := range rows {
		if rows[i].SID == 0 {
			g.counts.New++
		} else {
			g.counts.Updated++
		}
	}
	return nil
}

// Write merges the staged students into students and student_ids (see
// WriteStudents) and drops the staging table.
func (g *StudentStage) Write(ctx context.Context, update []string, now time.Time) (Counts, error) {
	tx := g.tx
	cols := StudentColumns()
	if err := checkColumns("students", update, cols[2:]); err != nil {
		return Counts{}, err
	}
	if g.counts.New+g.counts.Updated == 0 {
		return Counts{}, tx.dropStage(ctx, "stage_students")
	}
	if err := tx.analyzeStage(ctx, "stage_students"); err != nil {
		return Counts{}, err
	}
	ts := FormatTime(now)
	list := strings.Join(cols, ", ")
	if _, err := tx.db.ExecContext(ctx, tx.rebind(fmt.Sprintf(`INSERT INTO students (%s, created_at, updated_at)
		SELECT %s, ?, ? FROM stage_students WHERE sid IS NULL`, list, list)), ts, ts); err != nil {
		return Counts{}, fmt.Errorf("insert students: %w", err)
	}
	if err := tx.updateFrom(ctx, "students", "stage_students", "sid", append([]string{"id"}, update...),
		"students.missing_since <> ''", []string{"missing_since = ''", "updated_at = ?"}, ts); err != nil {
		return Counts{}, err
	}
	// Aliases: the number of each stored student when it is not yet one of
	// its aliases, and the numbers of the new students (whose sids the
	// insert above generated). A number left behind by a removed student
	// is taken over.
	for _, q := range []string{
		`INSERT INTO student_ids (alias, sid)
		SELECT st.id, st.sid FROM stage_students st WHERE st.sid IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM student_ids i WHERE i.alias = st.id AND i.sid = st.sid)
		ON CONFLICT (alias) DO UPDATE SET sid = excluded.sid`,
		`INSERT INTO student_ids (alias, sid)
		SELECT s.id, s.sid FROM stage_students st JOIN students s ON s.id = st.id WHERE st.sid IS NULL
		ON CONFLICT (alias) DO UPDATE SET sid = excluded.sid`,
	} {
		if _, err := tx.db.ExecContext(ctx, q); err != nil {
			return Counts{}, fmt.Errorf("record student numbers: %w", err)
		}
	}
	if _, err := tx.db.ExecContext(ctx, tx.rebind(`INSERT INTO pairings (sid, teacher_id, reason, assigned_at)
		SELECT s.sid, st.pairing_teacher_id, 'import', ? FROM stage_students st JOIN students s ON s.id = st.id
		WHERE st.sid IS NULL AND st.pairing_teacher_id <> ''`), ts); err != nil {
		return Counts{}, fmt.Errorf("record pairings of new students: %w", err)
	}
	if err := tx.dropStage(ctx, "stage_students"); err != nil {
		return Counts{}, err
	}
	return g.counts, nil
}

// StudentRef is what the importer needs to know about a stored student.
type StudentRef struct {
	ID, NationalID, SchoolID, HomeroomTeacherID, PairingTeacherID, Status, MissingSince string
}

// StudentIndex is every stored student and every 学籍号 (alias) that
// resolves to one, loaded once per import so that rows are matched in memory.
type StudentIndex struct {
	Aliases  map[string]int64
	Students map[int64]StudentRef
}

// LoadStudentIndex reads every student and alias. Repeated strings (school,
// teacher ids, statuses) are shared to keep a million-student index small,
// and so are a student's current 学籍号, its alias and the national ID
// inside a G-学籍号.
func (s *queries) LoadStudentIndex(ctx context.Context) (*StudentIndex, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM students`); err != nil {
		return nil, fmt.Errorf("count students: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT sid, id, national_id, school_id, homeroom_teacher_id,
		pairing_teacher_id, status, missing_since FROM students`)
	if err != nil {
		return nil, fmt.Errorf("load students: %w", err)
	}
	defer rows.Close()
	idx := &StudentIndex{Students: make(map[int64]StudentRef, n)}
	intern := make(map[string]string)
	share := func(v string) string {
		if w, ok := intern[v]; ok {
			return w
		}
		intern[v] = v
		return v
	}
	for rows.Next() {
		var sid int64
		var r StudentRef
		if err := rows.Scan(&sid, &r.ID, &r.NationalID, &r.SchoolID, &r.HomeroomTeacherID,
			&r.PairingTeacherID, &r.Status, &r.MissingSince); err != nil {
			return nil, fmt.Errorf("load students: %w", err)
		}
		r.SchoolID, r.HomeroomTeacherID = share(r.SchoolID), share(r.HomeroomTeacherID)
		r.PairingTeacherID, r.Status, r.MissingSince = share(r.PairingTeacherID), share(r.Status), share(r.MissingSince)
		if len(r.ID) == len(r.NationalID)+1 && r.ID[0] == 'G' && r.ID[1:] == r.NationalID {
			r.NationalID = r.ID[1:]
		}
		idx.Students[sid] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load students: %w", err)
	}
	rows.Close()
	idx.Aliases, err = s.aliases(ctx, func(alias string, sid int64) string {
		if r, ok := idx.Students[sid]; ok && r.ID == alias {
			return r.ID
		}
		return alias
	})
	if err != nil {
		return nil, err
	}
	return idx, nil
}

// StudentAliases returns every 学籍号 a student has had, mapped to its sid.
func (s *queries) StudentAliases(ctx context.Context) (map[string]int64, error) {
	return s.aliases(ctx, nil)
}

// aliases reads student_ids; share, when not nil, may replace an alias by
// an equal string already held.
func (s *queries) aliases(ctx context.Context, share func(alias string, sid int64) string) (map[string]int64, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM student_ids`); err != nil {
		return nil, fmt.Errorf("count student numbers: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT alias, sid FROM student_ids`)
	if err != nil {
		return nil, fmt.Errorf("load student numbers: %w", err)
	}
	defer rows.Close()
	out := make(map[string]int64, n)
	for rows.Next() {
		var alias string
		var sid int64
		if err := rows.Scan(&alias, &sid); err != nil {
			return nil, fmt.Errorf("load student numbers: %w", err)
		}
		if share != nil {
			alias = share(alias, sid)
		}
		out[alias] = sid
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load student numbers: %w", err)
	}
	return out, nil
}

// StudentNames calls fn with the stored name of each student of sids (the
// bytes are valid only during the call), in no particular order. Neighbouring
// sids (a chunk of a roster imported again in the same order) are read as
// one range of the primary key, scattered ones by a list.
func (s *queries) StudentNames(ctx context.Context, sids []int64, fn func(sid int64, name []byte)) error {
	if len(sids) == 0 {
		return nil
	}
	lo, hi := sids[0], sids[0]
	for _, sid := range sids {
		lo, hi = min(lo, sid), max(hi, sid)
	}
	q, args := `SELECT sid, name FROM students WHERE sid >= ? AND sid <= ?`, []any{lo, hi}
	if hi-lo >= 4*int64(len(sids)) {
		q, args = `SELECT sid, name FROM students WHERE sid IN (`+placeholders(len(sids))+`)`, int64sToAny(sids)
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(q), args...)
	if err != nil {
		return fmt.Errorf("read stored names: %w", err)
	}
	defer rows.Close()
	var sid int64
	var name sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&sid, &name); err != nil {
			return fmt.Errorf("read stored names: %w", err)
		}
		fn(sid, name)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read stored names: %w", err)
	}
	return nil
}
