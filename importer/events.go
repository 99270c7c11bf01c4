package importer

import (
	"context"

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

type studentDay struct {
	sid  int64
	date string
}

// attendanceBatch imports attendance exceptions (key: student + date).
type attendanceBatch struct {
	e    *env
	s    students
	rows []store.Attendance
	seen map[studentDay]int
}

func beginAttendance(ctx context.Context, e *env) (batch, error) {
	b := &attendanceBatch{e: e}
	if err := b.s.load(ctx, e); err != nil {
		return nil, err
	}
	b.seen = make(map[studentDay]int)
	return b, nil
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
	if r.bad || !once(r, b.seen, studentDay{a.SID, a.Date}, "student_id", "import.key.student_date") {
		return
	}
	b.rows = push(b.rows, a)
}

func (b *attendanceBatch) write(ctx context.Context) (result, error) {
	c, err := b.e.tx.UpsertAttendance(ctx, b.rows, b.e.h.has("note"))
	if err != nil {
		return result{}, err
	}
	// A row of a student on a day is that student's school reporting the
	// day: record it, so that no report can later be read as "present".
	from, to := dateRange(len(b.rows), func(i int) string { return b.rows[i].Date })
	res := result{Counts: c}
	res.reported, res.reportedSchools, err = recordReports(ctx, b.e, from, to)
	return res, err
}

// contactBatch imports contacts with families (key: student + date +
// teacher + channel).
type contactBatch struct {
	e    *env
	s    students
	rows []store.Contact
	seen map[store.Contact]int
}

func beginContacts(ctx context.Context, e *env) (batch, error) {
	b := &contactBatch{e: e, seen: make(map[store.Contact]int)}
	if err := b.s.load(ctx, e); err != nil {
		return nil, err
	}
	if err := e.loadSchools(ctx); err != nil {
		return nil, err
	}
	return b, e.loadTeachers(ctx)
}

func (b *contactBatch) add(r *row) {
	c := store.Contact{
		SID: b.s.lookup(r, "student_id"), Date: r.date("date", true), TeacherID: r.need("teacher_id"),
		Channel: r.choice("channel", parseChannel, "other", i18n.M("import.allowed.channel")),
		Outcome: r.text("outcome"), Note: r.text("note"),
	}
	b.e.teacher(r, "teacher_id", c.TeacherID, "")
	b.e.notAfterToday(r, "date", c.Date)
	key := store.Contact{SID: c.SID, Date: c.Date, TeacherID: c.TeacherID, Channel: c.Channel}
	if r.bad || !once(r, b.seen, key, "student_id", "import.key.contact") {
		return
	}
	b.rows = push(b.rows, c)
}

func (b *contactBatch) write(ctx context.Context) (result, error) {
	if err := b.e.writeImplicit(ctx); err != nil {
		return result{}, err
	}
	c, err := b.e.tx.UpsertContacts(ctx, b.rows, b.e.h.present("outcome", "note"), b.e.now)
	return result{Counts: c}, err
}

// homeTeachingBatch imports home-teaching sessions (key: student + date +
// teacher).
type homeTeachingBatch struct {
	e    *env
	s    students
	rows []store.HomeTeaching
	seen map[store.HomeTeaching]int
}

func beginHomeTeaching(ctx context.Context, e *env) (batch, error) {
	b := &homeTeachingBatch{e: e, seen: make(map[store.HomeTeaching]int)}
	if err := b.s.load(ctx, e); err != nil {
		return nil, err
	}
	if err := e.loadSchools(ctx); err != nil {
		return nil, err
	}
	return b, e.loadTeachers(ctx)
}

func (b *homeTeachingBatch) add(r *row) {
	h := store.HomeTeaching{
		SID: b.s.lookup(r, "student_id"), Date: r.date("date", true), TeacherID: r.need("teacher_id"),
		ClassHours: r.positive("class_hours"), Remote: r.flag("remote", parseBool),
	}
	b.e.teacher(r, "teacher_id", h.TeacherID, "")
	b.e.notAfterToday(r, "date", h.Date)
	key := store.HomeTeaching{SID: h.SID, Date: h.Date, TeacherID: h.TeacherID}
	if r.bad || !once(r, b.seen, key, "student_id", "import.key.home_teaching") {
		return
	}
	b.rows = push(b.rows, h)
}

func (b *homeTeachingBatch) write(ctx context.Context) (result, error) {
	if err := b.e.writeImplicit(ctx); err != nil {
		return result{}, err
	}
	c, err := b.e.tx.UpsertHomeTeaching(ctx, b.rows, b.e.h.has("remote"))
	return result{Counts: c}, err
}
