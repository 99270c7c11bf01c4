package importer

import (
	"context"
	"strings"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/store"
)

// calendarBatch imports the school calendar (key: from + school_id).
type calendarBatch struct {
	e    *env
	rows []store.CalendarEntry
	seen map[[2]string]int
}

func beginCalendar(ctx context.Context, e *env) (batch, error) {
	if err := e.loadSchools(ctx); err != nil {
		return nil, err
	}
	return &calendarBatch{e: e, seen: make(map[[2]string]int)}, nil
}

func (b *calendarBatch) add(r *row) {
	c := store.CalendarEntry{
		From: r.date("from", true), To: r.date("to", false),
		SchoolID: r.text("school_id"), Note: r.text("note"),
	}
	if v := r.text("kind"); v == "" {
		r.fail("kind", "import.value.required_choice", i18n.M("import.allowed.calendar"))
	} else {
		c.Kind = r.choice("kind", parseCalendarKind, "", i18n.M("import.allowed.calendar"))
	}
	if c.To == "" {
		c.To = c.From
	} else if c.From != "" && c.To < c.From {
		r.fail("to", "import.date.ends_before", c.To, c.From)
	}
	b.e.school(r, "school_id", c.SchoolID)
	if r.bad || !once(r, b.seen, [2]string{c.From, c.SchoolID}, "from", "import.key.calendar") {
		return
	}
	b.rows = push(b.rows, c)
}

func (b *calendarBatch) write(ctx context.Context) (result, error) {
	if err := b.e.writeImplicit(ctx); err != nil {
		return result{}, err
	}
	c, err := b.e.tx.UpsertCalendar(ctx, b.rows, b.e.h.present("to", "kind", "note"))
	return result{Counts: c}, err
}

// students resolves 学籍号 (current or former) to sids for the KINDs that
// refer to students.
type students struct {
	aliases map[string]int64
}

func (s *students) load(ctx context.Context, e *env) error {
	m, err := e.tx.StudentAliases(ctx)
	s.aliases = m
	return err
}

// lookup reads the student column and returns its sid, 0 after a problem.
func (s *students) lookup(r *row, col string) int64 {
	v, _ := r.cell(col)
	if v == "" {
		r.fail(col, "import.value.required")
		return 0
	}
	id, msg := studentNumber(v)
	if msg.Key != "" {
		r.failMsg(col, msg)
		return 0
	}
	sid, ok := s.aliases[id]
	if !ok {
		r.fail(col, "import.student.unknown")
		return 0
	}
	return sid
}

// studentDay is a student's record of a day, as a duplicate key: the day
// as a number, which keeps the key small and no cell's line alive.
type studentDay struct {
	sid int64
	day civil.Day
}

// keyDay is the day of date (YYYY-MM-DD, as row.date gives it), for a key.
func keyDay(date string) civil.Day {
	d, _ := civil.ParseDay(date)
	return d
}

// codes numbers the values of a column (teachers, channels) for the
// duplicate keys, so a key holds a number, not a slice of its line.
type codes map[string]int32

func (c codes) of(v string) int32 {
	n, ok := c[v]
	if !ok {
		n = int32(len(c))
		c[strings.Clone(v)] = n
	}
	return n
}

// attendanceBatch imports attendance exceptions (key: student + date).
type attendanceBatch struct {
	e     *env
	s     students
	rows  *staging[store.Attendance]
	stage *store.Staged[store.Attendance]
	seen  map[studentDay]int
	// from and to are the first and the last day of the rows.
	from, to string
}

func beginAttendance(ctx context.Context, e *env) (batch, error) {
	b := &attendanceBatch{e: e}
	if err := b.s.load(ctx, e); err != nil {
		return nil, err
	}
	b.seen = make(map[studentDay]int)
	stage, err := e.tx.StageAttendance(ctx, e.h.has("note"))
	b.rows, b.stage = newStaging(ctx, stage), stage
	return b, err
}

func (b *attendanceBatch) add(r *row) {
	a := store.Attendance{SID: b.s.lookup(r, "student_id"), Date: r.date("date", true), Note: r.text("note")}
	b.e.notAfterToday(r, "date", a.Date)
	if o := b.e.opt; o.ReportedFrom != "" && a.Date != "" && (a.Date < o.ReportedFrom || a.Date > o.ReportedTo) {
		r.fail("date", "import.date.outside_reported", a.Date, o.ReportedFrom, o.ReportedTo)
	}
	if v := r.text("status"); v == "" {
		r.fail("status", "import.value.required_one_of", i18n.M("import.allowed.attendance"))
	} else {
		a.Status = r.choice("status", parseAttendance, "", i18n.M("import.allowed.attendance"))
	}
	if r.bad || !once(r, b.seen, studentDay{a.SID, keyDay(a.Date)}, "student_id", "import.key.student_date") {
		return
	}
	if b.from == "" || a.Date < b.from {
		b.from = a.Date
	}
	b.to = max(b.to, a.Date)
	b.rows.push(r, a)
}

func (b *attendanceBatch) write(ctx context.Context) (result, error) {
	if err := b.rows.finish(); err != nil {
		return result{}, err
	}
	c, err := b.stage.Write(ctx)
	if err != nil {
		return result{}, err
	}
	// A row of a student on a day is that student's school reporting the
	// day: record it, so that no report can later be read as "present".
	res := result{Counts: c}
	res.reported, res.reportedSchools, err = recordReports(ctx, b.e, b.from, b.to)
	return res, err
}

// contactBatch imports contacts with families (key: student + date +
// teacher + channel).
type contactBatch struct {
	e     *env
	s     students
	rows  *staging[store.Contact]
	stage *store.Staged[store.Contact]
	seen  map[contactKey]int
	// codes numbers the teachers and channels of the keys.
	codes codes
}

// contactKey is a contact's key: its student, day, teacher and channel.
type contactKey struct {
	sid              int64
	day              civil.Day
	teacher, channel int32
}

func beginContacts(ctx context.Context, e *env) (batch, error) {
	b := &contactBatch{e: e, seen: make(map[contactKey]int), codes: codes{}}
	if err := b.s.load(ctx, e); err != nil {
		return nil, err
	}
	if err := e.loadSchools(ctx); err != nil {
		return nil, err
	}
	if err := e.loadTeachers(ctx); err != nil {
		return nil, err
	}
	stage, err := e.tx.StageContacts(ctx, e.h.present("outcome", "note"), e.now)
	b.rows, b.stage = newStaging(ctx, stage), stage
	return b, err
}

func (b *contactBatch) add(r *row) {
	c := store.Contact{
		SID: b.s.lookup(r, "student_id"), Date: r.date("date", true), TeacherID: r.need("teacher_id"),
		Channel: r.choice("channel", parseChannel, "other", i18n.M("import.allowed.channel")),
		Outcome: r.text("outcome"), Note: r.text("note"),
	}
	b.e.teacher(r, "teacher_id", c.TeacherID, "")
	b.e.notAfterToday(r, "date", c.Date)
	if r.bad {
		return
	}
	key := contactKey{sid: c.SID, day: keyDay(c.Date), teacher: b.codes.of(c.TeacherID), channel: b.codes.of(c.Channel)}
	if !once(r, b.seen, key, "student_id", "import.key.contact") {
		return
	}
	b.rows.push(r, c)
}

func (b *contactBatch) write(ctx context.Context) (result, error) {
	return writeRecords(ctx, b.e, b.rows, b.stage)
}

// homeTeachingBatch imports home-teaching sessions (key: student + date +
// teacher).
type homeTeachingBatch struct {
	e     *env
	s     students
	rows  *staging[store.HomeTeaching]
	stage *store.Staged[store.HomeTeaching]
	seen  map[homeTeachingKey]int
	// codes numbers the teachers of the keys.
	codes codes
}

// homeTeachingKey is a session's key: its student, day and teacher.
type homeTeachingKey struct {
	sid     int64
	day     civil.Day
	teacher int32
}

func beginHomeTeaching(ctx context.Context, e *env) (batch, error) {
	b := &homeTeachingBatch{e: e, seen: make(map[homeTeachingKey]int), codes: codes{}}
	if err := b.s.load(ctx, e); err != nil {
		return nil, err
	}
	if err := e.loadSchools(ctx); err != nil {
		return nil, err
	}
	if err := e.loadTeachers(ctx); err != nil {
		return nil, err
	}
	stage, err := e.tx.StageHomeTeaching(ctx, e.h.has("remote"))
	b.rows, b.stage = newStaging(ctx, stage), stage
	return b, err
}

func (b *homeTeachingBatch) add(r *row) {
	h := store.HomeTeaching{
		SID: b.s.lookup(r, "student_id"), Date: r.date("date", true), TeacherID: r.need("teacher_id"),
		ClassHours: r.positive("class_hours"), Remote: r.flag("remote", parseBool),
	}
	b.e.teacher(r, "teacher_id", h.TeacherID, "")
	b.e.notAfterToday(r, "date", h.Date)
	if r.bad {
		return
	}
	key := homeTeachingKey{sid: h.SID, day: keyDay(h.Date), teacher: b.codes.of(h.TeacherID)}
	if !once(r, b.seen, key, "student_id", "import.key.home_teaching") {
		return
	}
	b.rows.push(r, h)
}

func (b *homeTeachingBatch) write(ctx context.Context) (result, error) {
	return writeRecords(ctx, b.e, b.rows, b.stage)
}
