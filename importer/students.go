package importer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"baoxue/i18n"
	"baoxue/idnum"
	"baoxue/store"
)

// studentBatch imports the roster (key: id, the 学籍号). A row matches a
// stored student by 学籍号 (current or any former one), else by national ID
// (the one given or the one inside a G-学籍号), so a temporary L number
// replaced by a G number keeps the student's sid and history.
type studentBatch struct {
	e     *env
	idx   *store.StudentIndex
	byNID map[string]int64 // national ID -> sid; -1 when two students share it

	principals   map[string]string // school -> principal who takes moved tasks
	centerAdmins map[string]string // center -> center admin, the last resort

	// Checked rows are staged in chunks as they are read (rows; stage
	// holds them in the transaction), so a million-row roster is never in
	// memory at once.
	stage *store.StudentStage
	rows  *staging[store.Student]

	// renames counts the stored students whose name the file changes
	// (unless Options.AllowMassUpdate), checked by finalCheck.
	renames renames

	seenID   map[string]int // 学籍号 -> line
	seenNID  map[string]int
	seenSID  map[int64]int
	schools  map[string]bool // schools the file lists students of
	moves    []store.StudentMove
	pairings []store.PairingChange
}

func beginStudents(ctx context.Context, e *env) (batch, error) {
	if err := e.loadSchools(ctx); err != nil {
		return nil, err
	}
	if err := e.loadTeachers(ctx); err != nil {
		return nil, err
	}
	idx, err := e.tx.LoadStudentIndex(ctx)
	if err != nil {
		return nil, err
	}
	stage, err := e.tx.StageStudents(ctx)
	if err != nil {
		return nil, err
	}
	b := &studentBatch{
		e: e, idx: idx, byNID: make(map[string]int64, len(idx.Students)),
		seenID: make(map[string]int), seenNID: make(map[string]int), seenSID: make(map[int64]int),
		schools: make(map[string]bool), stage: stage, rows: newStaging(ctx, stage),
	}
	if !e.opt.AllowMassUpdate {
		b.rows.check = func(ctx context.Context, rows []store.Student) error { return b.renames.count(ctx, e, rows) }
	}
	claim := func(nid string, sid int64) {
		if prev, ok := b.byNID[nid]; ok && prev != sid {
			b.byNID[nid] = -1
			return
		}
		b.byNID[nid] = sid
	}
	for sid, s := range idx.Students {
		if s.NationalID != "" {
			claim(s.NationalID, sid)
		}
	}
	for alias, sid := range idx.Aliases {
		if nid := embeddedID(alias); nid != "" {
			if _, ok := idx.Students[sid]; ok {
				claim(nid, sid)
			}
		}
	}
	return b, nil
}

// read reads and checks the cells of one row into a student.
func (b *studentBatch) read(r *row) store.Student {
	mainland := r.mainlandID()
	s := store.Student{
		ID:   r.studentNumber("id", true),
		Name: r.need("name"), Gender: r.choice("gender", parseGender, "", i18n.M("import.allowed.gender")),
		BirthDate: r.date("birth_date", true), NationalID: r.nationalID("national_id", mainland),
		SchoolID: r.need("school_id"), Class: r.text("class"),
		HomeroomTeacherID: r.text("homeroom_teacher_id"),
		Status:            r.choice("status", parseStudentStatus, "enrolled", i18n.M("import.allowed.status")),
		SuspendedUntil:    r.date("suspended_until", false), ReturnedAt: r.date("returned_at", false),
		Township: r.text("township"), Village: r.text("village"),
		LeftBehind: r.number("left_behind", parseLeftBehind, 0, i18n.M("import.allowed.left_behind")),
		Migrant:    r.flag("migrant", parseBool), Returning: r.flag("returning", parseBool),
		Orphan: r.flag("orphan", parseOrphan), Boarding: boarding(r),
		Disabled: r.flag("disabled", parseBool), DisabilityType: r.disabilityType(),
		DisabilityLevel:  r.number("disability_level", parseDisabilityLevel, 0, i18n.M("import.allowed.disability_level")),
		Hardship:         r.flag("hardship", parseHardship),
		Poverty:          r.choice("poverty", parsePoverty, "none", i18n.M("import.allowed.poverty")),
		HomeTaught:       r.flag("home_taught", parseBool),
		PairingTeacherID: r.text("pairing_teacher_id"), GuardianPhone: r.text("guardian_phone"),
	}
	if v := r.text("grade"); v == "" {
		r.fail("grade", "import.grade.required")
	} else {
		s.Grade = r.number("grade", parseGrade, 0, i18n.M("import.allowed.grade"))
	}
	if !r.h.has("disabled") {
		// 残疾人类型 or 残疾等级 without a 是否残疾 column still says so.
		s.Disabled = s.DisabilityType != "" || s.DisabilityLevel > 0
	}
	if b.e.school(r, "school_id", s.SchoolID) {
		b.e.teacher(r, "homeroom_teacher_id", s.HomeroomTeacherID, s.SchoolID)
		b.e.teacher(r, "pairing_teacher_id", s.PairingTeacherID, s.SchoolID)
	}
	given := s.NationalID
	s.NationalID = withStudentNumber(r, s.ID, s.NationalID, s.BirthDate, mainland)
	if given != "" && mainland {
		r.birthMatches("national_id", given, "birth_date", s.BirthDate)
	}
	if s.BirthDate != "" && s.BirthDate > b.e.today {
		r.fail("birth_date", "import.birth.future", s.BirthDate)
	}
	// An identity number in a free column is a shifted row: kept, it would
	// show in full wherever names and classes are shown masked.
	for _, col := range []string{"name", "class", "township", "village", "guardian_phone"} {
		if v := r.text(col); looksLikeIdentityNumber(v) {
			r.fail(col, "import.identity_in_column", idnum.Mask(strings.TrimLeft(v, "GJLgjl")))
		}
	}
	return s
}

// looksLikeIdentityNumber reports whether v is shaped like a national ID
// number (18 characters, the last a digit or X) or a 学籍号 (G, J or L and
// such a number): a value no name, class or village ever is.
func looksLikeIdentityNumber(v string) bool {
	if len(v) == 19 && strings.ContainsRune("GJLgjl", rune(v[0])) {
		v = v[1:]
	}
	if len(v) != 18 {
		return false
	}
	for i := 0; i < 17; i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return v[17] >= '0' && v[17] <= '9' || v[17] == 'X' || v[17] == 'x'
}

// boarding reads 是否住校 and the registry's 就读方式: the child boards when
// either says so.
func boarding(r *row) bool {
	yes := r.flag("boarding", parseBoarding)
	mode := r.choice("study_mode", parseStudyMode, "", i18n.M("import.allowed.study_mode"))
	return yes || mode == "boarding"
}

func (b *studentBatch) add(r *row) {
	s := b.read(r)
	if r.bad {
		return
	}
	// The keys are cloned: the cells are slices of the whole CSV line,
	// which a map key would otherwise keep alive after the row is staged.
	// The national ID inside a G-学籍号 shares the clone of the 学籍号.
	id, nid := strings.Clone(s.ID), s.NationalID
	if len(id) == len(nid)+1 && id[0] == 'G' && id[1:] == nid {
		nid = id[1:]
	} else {
		nid = strings.Clone(nid)
	}
	if !once(r, b.seenID, id, "id", "import.key.student_number") {
		return
	}
	if s.NationalID != "" && !once(r, b.seenNID, nid, "national_id", "import.key.national_id") {
		return
	}
	sid, ok := b.match(r, s)
	if !ok || (sid != 0 && !once(r, b.seenSID, sid, "id", "import.key.student")) {
		return
	}
	b.schools[s.SchoolID] = true
	if sid == 0 {
		s.Key = newKey()
		b.rows.push(r, s)
		return
	}
	s.SID = sid
	old := b.idx.Students[sid]
	if !r.h.has("national_id") && s.NationalID == "" {
		s.NationalID = old.NationalID
	}
	if old.SchoolID != s.SchoolID {
		b.move(r, sid, old, s)
	}
	if r.h.has("pairing_teacher_id") && s.PairingTeacherID != old.PairingTeacherID {
		b.pairings = append(b.pairings, store.PairingChange{SID: sid, TeacherID: strings.Clone(s.PairingTeacherID), Reason: "import"})
	}
	b.rows.push(r, s)
}

// finalCheck stages the last rows and refuses a roster that would rename
// too many stored students (see renames) unless Options.AllowMassUpdate.
func (b *studentBatch) finalCheck(ctx context.Context, p *problems) error {
	if err := b.rows.finish(); err != nil {
		return err
	}
	if !b.e.opt.AllowMassUpdate && b.renames.tooMany() {
		p.addMsg(0, "", b.renames.problem())
	}
	return nil
}

// match finds the stored student a row is about: by 学籍号, else by national
// ID. A national ID that belongs to another student than the 学籍号 does is a
// problem: the file would give two children one number.
func (b *studentBatch) match(r *row, s store.Student) (int64, bool) {
	sid, byID := b.idx.Aliases[s.ID]
	if byID {
		if _, ok := b.idx.Students[sid]; !ok {
			sid, byID = 0, false // a number left behind by a removed student
		}
	}
	if s.NationalID == "" {
		return sid, true
	}
	other := b.byNID[s.NationalID]
	switch {
	case other == -1:
		r.fail("national_id", "import.id.shared")
		return 0, false
	case byID && other != 0 && other != sid:
		r.fail("national_id", "import.id.other_student", idnum.Mask(b.idx.Students[other].ID))
		return 0, false
	case byID:
		return sid, true
	}
	return other, true
}

// move records a school change: open tasks go to the new homeroom teacher
// (or principal, or center admin), and teachers of the old school that the
// file does not replace are cleared.
func (b *studentBatch) move(r *row, sid int64, old store.StudentRef, s store.Student) {
	m := store.StudentMove{SID: sid, SchoolID: strings.Clone(s.SchoolID)}
	homeroom := s.HomeroomTeacherID
	if !r.h.has("homeroom_teacher_id") {
		homeroom = ""
		if t, ok := b.e.teachers[old.HomeroomTeacherID]; ok && t.SchoolID == s.SchoolID {
			homeroom = old.HomeroomTeacherID
		} else if old.HomeroomTeacherID != "" {
			m.ClearHomeroom = true
		}
	}
	if !r.h.has("pairing_teacher_id") && old.PairingTeacherID != "" {
		if t, ok := b.e.teachers[old.PairingTeacherID]; !ok || t.SchoolID != s.SchoolID {
			m.ClearPairing = true
			b.pairings = append(b.pairings, store.PairingChange{SID: sid})
		}
	}
	if b.principals == nil {
		b.principals = firstByRole(b.e.teachers, "principal", func(t store.TeacherRef) string { return t.SchoolID })
		b.centerAdmins = firstByRole(b.e.teachers, "center_admin", func(t store.TeacherRef) string { return t.Center })
	}
	switch {
	case homeroom != "":
		m.Assignee = homeroom
	case b.principals[s.SchoolID] != "":
		m.Assignee = b.principals[s.SchoolID]
	default:
		m.Assignee = b.centerAdmins[b.e.schools[s.SchoolID]]
	}
	b.moves = append(b.moves, m)
}

func (b *studentBatch) write(ctx context.Context) (result, error) {
	e := b.e
	var missing []int64
	if e.opt.Snapshot {
		missing = b.missing()
	}
	// The index and the duplicate checks are done with: let a million-row
	// import give their memory back before the rows are written.
	b.idx, b.byNID, b.seenID, b.seenNID, b.seenSID = nil, nil, nil, nil, nil
	if err := b.rows.finish(); err != nil {
		return result{}, err
	}
	if err := e.writeImplicit(ctx); err != nil {
		return result{}, err
	}
	update := e.h.present("name", "gender", "birth_date", "school_id", "grade", "class", "homeroom_teacher_id",
		"status", "suspended_until", "returned_at", "township", "village", "left_behind", "migrant", "returning",
		"orphan", "boarding", "disabled", "disability_type", "disability_level", "hardship", "poverty",
		"home_taught", "pairing_teacher_id", "guardian_phone")
	// Rows without the column keep the stored ID (filled in add), so the
	// column is always written: a G-学籍号 fills in a missing national ID.
	update = append(update, "national_id")
	if !e.h.has("disabled") && (e.h.has("disability_type") || e.h.has("disability_level")) {
		update = append(update, "disabled")
	}
	if !e.h.has("boarding") && e.h.has("study_mode") {
		update = append(update, "boarding")
	}
	c, err := b.stage.Write(ctx, update, e.now)
	if err != nil {
		return result{}, err
	}
	if err := e.tx.MoveStudents(ctx, b.moves, e.today, e.now); err != nil {
		return result{}, err
	}
	if err := e.tx.ChangePairings(ctx, b.pairings, e.now); err != nil {
		return result{}, err
	}
	res := result{Counts: c}
	if e.opt.Snapshot {
		res.missing, err = e.tx.MarkStudentsMissing(ctx, missing, e.today)
	}
	return res, err
}

// missing lists the enrolled students of the file's schools that the file
// does not contain, in sid order.
func (b *studentBatch) missing() []int64 {
	var out []int64
	for sid, s := range b.idx.Students {
		if s.Status != "enrolled" || !b.schools[s.SchoolID] || s.MissingSince != "" {
			continue
		}
		if _, present := b.seenSID[sid]; !present {
			out = append(out, sid)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// newKey returns a student's opaque key: 16 random hex characters, never
// derived from an identity number.
func newKey() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // crypto/rand.Read never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}
