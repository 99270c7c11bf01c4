package importer

import (
	"context"
	"strings"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"baoxue/i18n"
	"baoxue/store"
)

// person reads the identity columns registry, platform and survey rows
// share: name, birth date and national ID, checked against each other when
// it is a mainland ID (mainland, see row.mainlandID).
func person(r *row) (name, birth, nid string, mainland bool) {
	name = r.need("name")
	birth = r.date("birth_date", true)
	mainland = r.mainlandID()
	nid = r.nationalID("national_id", mainland)
	if mainland {
		r.birthMatches("national_id", nid, "birth_date", birth)
	}
	return name, birth, nid, mainland
}

// withStudentNumber checks a row's 学籍号 against its mainland national ID:
// a G number must contain it, and gives it (checked against the birth date)
// when the row has none. The number of another document is not compared
// with a G number: it is kept as it is.
func withStudentNumber(r *row, id, nid, birth string, mainland bool) string {
	emb := embeddedID(id)
	switch {
	case emb == "" || (!mainland && nid != ""):
		return nid
	case nid == "":
		r.birthMatches("id", emb, "birth_date", birth)
		return emb
	case nid != emb:
		r.fail("id", "import.id.g_mismatch")
	}
	return nid
}

// registryBatch imports the 学籍系统 export (key: id).
type registryBatch struct {
	e     *env
	rows  *staging[store.RegistryStudent]
	stage *store.Staged[store.RegistryStudent]
	seen  map[string]int
}

func beginRegistry(ctx context.Context, e *env) (batch, error) {
	if err := e.loadSchools(ctx); err != nil {
		return nil, err
	}
	update := append([]string{"name", "birth_date"}, e.h.present("national_id", "school_id", "grade", "status")...)
	stage, err := e.tx.StageRegistry(ctx, update, e.now)
	return &registryBatch{e: e, seen: make(map[string]int), rows: newStaging(ctx, stage), stage: stage}, err
}

func (b *registryBatch) add(r *row) {
	s := store.RegistryStudent{ID: r.studentNumber("id", true), SchoolID: r.text("school_id")}
	name, birth, nid, mainland := person(r)
	s.Name, s.BirthDate = name, birth
	s.NationalID = withStudentNumber(r, s.ID, nid, s.BirthDate, mainland)
	s.Grade = r.number("grade", parseGrade, 0, i18n.M("import.allowed.grade_number"))
	s.Status = r.choice("status", parseStudentStatus, "", i18n.M("import.allowed.status"))
	b.e.school(r, "school_id", s.SchoolID)
	// (The key cloned: a cell is a slice of its whole line.)
	if r.bad || !once(r, b.seen, strings.Clone(s.ID), "id", "import.key.student_number") {
		return
	}
	b.rows.push(r, s)
}

func (b *registryBatch) write(ctx context.Context) (result, error) {
	return writeRecords(ctx, b.e, b.rows, b.stage)
}

// platformBatch imports the 控辍保学平台 export (key: id).
type platformBatch struct {
	e     *env
	rows  *staging[store.PlatformStudent]
	stage *store.Staged[store.PlatformStudent]
	seen  map[string]int
}

func beginPlatform(ctx context.Context, e *env) (batch, error) {
	if err := e.loadSchools(ctx); err != nil {
		return nil, err
	}
	update := append([]string{"name", "birth_date"}, e.h.present("national_id", "school_id", "status")...)
	stage, err := e.tx.StagePlatform(ctx, update, e.now)
	return &platformBatch{e: e, seen: make(map[string]int), rows: newStaging(ctx, stage), stage: stage}, err
}

func (b *platformBatch) add(r *row) {
	s := store.PlatformStudent{ID: r.studentNumber("id", true), SchoolID: r.text("school_id")}
	name, birth, nid, mainland := person(r)
	s.Name, s.BirthDate = name, birth
	s.NationalID = withStudentNumber(r, s.ID, nid, s.BirthDate, mainland)
	s.Status = r.choice("status", parsePlatformStatus, "", i18n.M("import.allowed.platform_status"))
	b.e.school(r, "school_id", s.SchoolID)
	if r.bad || !once(r, b.seen, strings.Clone(s.ID), "id", "import.key.student_number") {
		return
	}
	b.rows.push(r, s)
}

func (b *platformBatch) write(ctx context.Context) (result, error) {
	return writeRecords(ctx, b.e, b.rows, b.stage)
}

// surveyBatch imports the home-visit survey (key: township + village +
// national ID, else + name + birth date).
type surveyBatch struct {
	e     *env
	rows  *staging[store.SurveyChild]
	stage *store.Staged[store.SurveyChild]
	seen  map[string]int
}

func beginSurvey(ctx context.Context, e *env) (batch, error) {
	update := append([]string{"name", "birth_date"}, e.h.present("national_id", "enrolled_school", "note")...)
	stage, err := e.tx.StageSurvey(ctx, update, e.now)
	return &surveyBatch{e: e, seen: make(map[string]int), rows: newStaging(ctx, stage), stage: stage}, err
}

func (b *surveyBatch) add(r *row) {
	c := store.SurveyChild{Village: r.need("village"), Township: r.text("township"),
		EnrolledSchool: r.text("enrolled_school"), Note: r.text("note")}
	c.Name, c.BirthDate, c.NationalID, _ = person(r)
	if r.bad {
		return
	}
	if c.NationalID != "" {
		c.PersonKey = c.Township + "|" + c.Village + "|" + c.NationalID
	} else {
		c.PersonKey = c.Township + "|" + c.Village + "|" + NormalizeName(c.Name) + "|" + c.BirthDate
	}
	if !once(r, b.seen, c.PersonKey, "name", "import.key.child") {
		return
	}
	b.rows.push(r, c)
}

func (b *surveyBatch) write(ctx context.Context) (result, error) {
	if err := b.rows.finish(); err != nil {
		return result{}, err
	}
	c, err := b.stage.Write(ctx)
	return result{Counts: c}, err
}

// NormalizeName folds a person's name for matching (SPEC §9): Unicode NFC,
// full-width forms to half-width, no white space, and the middle dots of
// minority names (·, •, ・, ‧) removed.
func NormalizeName(name string) string {
	name = width.Fold.String(norm.NFC.String(name))
	return strings.Map(func(r rune) rune {
		switch {
		case isBlank(r), r == '·', r == '•', r == '・', r == '‧', r == '\u30fb', r == '\u2027':
			return -1
		}
		return r
	}, name)
}
