package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// A student's facts (table student_facts, migration 0015) are the days of
// the student's absences, contacts and home-teaching sessions, each list
// newest first, so that an evaluation reads one row per student and stops
// at the start of its lookback. The encoding is text, the same on both
// engines: numbers in base 32, least significant digit first, one
// character of the URL-safe base64 alphabet a digit, whose value 32 and
// above says another digit follows. The first entry of a list holds its
// day (days since 1970-01-01, as civil.Day counts them; zigzag-coded),
// every further one the days back from the entry before it:
//
//	absences   day<<1 | 1 when unexcused (status absent; sick and leave 0)
//	contacts   day, once per contact (several on one day repeat it)
//	teaching   day, then the session's class hours
const factDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

var factValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(factDigits); i++ {
		t[factDigits[i]] = int8(i)
	}
	return t
}()

func appendFactNumber(b []byte, v uint64) []byte {
	for v >= 32 {
		b = append(b, factDigits[32|v&31])
		v >>= 5
	}
	return append(b, factDigits[v])
}

// factEntry is one record of a list being encoded.
type factEntry struct {
	day   int32
	value int32 // absences: 1 unexcused; teaching: class hours
}

// encodeFacts sorts es newest first (ties by value, so that the encoding is
// one) and encodes them as the list kind.
func encodeFacts(es []factEntry, kind factKind) string {
	if len(es) == 0 {
		return ""
	}
	slices.SortFunc(es, func(a, b factEntry) int {
		if c := cmp.Compare(b.day, a.day); c != 0 {
			return c
		}
		return cmp.Compare(b.value, a.value)
	})
	b := make([]byte, 0, 2*len(es)+4)
	for i, e := range es {
		var step uint64
		if i == 0 {
			step = uint64(uint32(e.day<<1) ^ uint32(e.day>>31)) // zigzag
		} else {
			step = uint64(es[i-1].day - e.day)
		}
		switch kind {
		case absencesKind:
			b = appendFactNumber(b, step<<1|uint64(e.value&1))
		case contactsKind:
			b = appendFactNumber(b, step)
		case teachingKind:
			b = appendFactNumber(appendFactNumber(b, step), uint64(e.value))
		}
	}
	return string(b)
}

type factKind int

const (
	absencesKind factKind = iota
	contactsKind
	teachingKind
)

// FactList reads one encoded list of a student's facts, newest first. Its
// zero value reads an empty list; Reset aims it at another.
type FactList struct {
	b       []byte
	i       int
	day     int32
	started bool
	damaged bool
}

// Reset starts reading b.
func (l *FactList) Reset(b []byte) { *l = FactList{b: b} }

// Damaged reports whether the list ended in a number it could not read: a
// row edited by hand. The entries before were read.
func (l *FactList) Damaged() bool { return l.damaged }

func (l *FactList) number() (uint64, bool) {
	var v uint64
	for shift := uint(0); l.i < len(l.b) && shift < 64; shift += 5 {
		d := factValue[l.b[l.i]]
		l.i++
		if d < 0 {
			break
		}
		v |= uint64(d&31) << shift
		if d < 32 {
			return v, true
		}
	}
	l.damaged = true
	return 0, false
}

func (l *FactList) step(v uint64) int32 {
	if !l.started {
		l.started = true
		l.day = int32(uint32(v)>>1) ^ -int32(uint32(v)&1)
	} else {
		l.day -= int32(v)
	}
	return l.day
}

// Absence returns the next absence and whether it was unexcused; false at
// the end.
func (l *FactList) Absence() (int32, bool, bool) {
	if l.i >= len(l.b) {
		return 0, false, false
	}
	v, ok := l.number()
	if !ok {
		return 0, false, false
	}
	return l.step(v >> 1), v&1 == 1, true
}

// Day returns the day of the next contact; false at the end.
func (l *FactList) Day() (int32, bool) {
	if l.i >= len(l.b) {
		return 0, false
	}
	v, ok := l.number()
	if !ok {
		return 0, false
	}
	return l.step(v), true
}

// Session returns the day and class hours of the next home-teaching
// session; false at the end.
func (l *FactList) Session() (int32, int, bool) {
	if l.i >= len(l.b) {
		return 0, 0, false
	}
	v, ok := l.number()
	if !ok {
		return 0, 0, false
	}
	h, ok := l.number()
	if !ok {
		return 0, 0, false
	}
	return l.step(v), int(h), true
}

// Facts are one student's encoded lists.
type Facts struct {
	Absences, Contacts, Teaching string
}

// StaleFacts builds, from their events, the facts of the students whose
// stored facts are stale (written to since an import last rebuilt them):
// an evaluation reads these instead of the stored ones. Nil when none is.
func (s *queries) StaleFacts(ctx context.Context) (map[int64]Facts, error) {
	built, _, err := s.buildStaleFacts(ctx)
	return built, err
}

// staleMark is a stale student and the count of its marks when read.
type staleMark struct {
	sid, n int64
}

// buildStaleFacts reads the stale students and builds their facts.
func (s *queries) buildStaleFacts(ctx context.Context) (map[int64]Facts, []staleMark, error) {
	var marks []staleMark
	rows, err := s.db.QueryContext(ctx, `SELECT sid, n FROM student_facts_stale ORDER BY sid`)
	if err != nil {
		return nil, nil, fmt.Errorf("read stale student facts: %w", err)
	}
	for rows.Next() {
		var m staleMark
		if err := rows.Scan(&m.sid, &m.n); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("read stale student facts: %w", err)
		}
		marks = append(marks, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read stale student facts: %w", err)
	}
	if len(marks) == 0 {
		return nil, nil, nil
	}
	type lists struct{ abs, con, tea []factEntry }
	by := make(map[int64]*lists, len(marks))
	for _, m := range marks {
		by[m.sid] = &lists{}
	}
	read := func(what, q string, add func(l *lists, day int32, v string, hours int64)) error {
		rows, err := s.db.QueryContext(ctx, q)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		defer rows.Close()
		var sid, hours int64
		var date, v []byte
		for rows.Next() {
			if err := rows.Scan(&sid, &date, &v, &hours); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			l := by[sid]
			// The importer writes only valid dates; an evaluation has
			// always passed over anything else.
			if d, ok := FactDay(date); ok && l != nil {
				add(l, d, string(v), hours)
			}
		}
		return rows.Err()
	}
	if err := read("read attendance", `SELECT a.sid, a.date, a.status, 0 FROM attendance a
		JOIN student_facts_stale k ON k.sid = a.sid WHERE a.status IN ('absent', 'sick', 'leave')`,
		func(l *lists, d int32, status string, _ int64) {
			u := int32(0)
			if status == "absent" {
				u = 1
			}
			l.abs = append(l.abs, factEntry{day: d, value: u})
		}); err != nil {
		return nil, nil, err
	}
	if err := read("read contacts", `SELECT c.sid, c.date, '', 0 FROM contacts c JOIN student_facts_stale k ON k.sid = c.sid`,
		func(l *lists, d int32, _ string, _ int64) { l.con = append(l.con, factEntry{day: d}) }); err != nil {
		return nil, nil, err
	}
	if err := read("read home teaching", `SELECT h.sid, h.date, '', h.class_hours FROM home_teaching h
		JOIN student_facts_stale k ON k.sid = h.sid`,
		func(l *lists, d int32, _ string, hours int64) {
			l.tea = append(l.tea, factEntry{day: d, value: int32(hours)})
		}); err != nil {
		return nil, nil, err
	}
	built := make(map[int64]Facts, len(by))
	for sid, l := range by {
		built[sid] = Facts{encodeFacts(l.abs, absencesKind), encodeFacts(l.con, contactsKind), encodeFacts(l.tea, teachingKind)}
	}
	return built, marks, nil
}

// RefreshFacts rebuilds the facts of every stale student from its events
// and unmarks it, in the transaction: an import calls it before it commits,
// so that the facts it leaves agree with the events it wrote. It returns
// how many students it rebuilt. A student marked again while it read (a
// contact recorded through the API meanwhile) stays marked.
func (tx *Tx) RefreshFacts(ctx context.Context) (int, error) {
	built, marks, err := tx.buildStaleFacts(ctx)
	if err != nil || len(marks) == 0 {
		return 0, err
	}
	u := upsert{table: "student_facts", key: []string{"sid"},
		cols: []string{"sid", "absences", "contacts", "teaching"}, update: []string{"absences", "contacts", "teaching"}}
	if _, err := tx.bulkUpsert(ctx, u, len(marks), func(i int, d []any) {
		f := built[marks[i].sid]
		d[0], d[1], d[2], d[3] = marks[i].sid, f.Absences, f.Contacts, f.Teaching
	}); err != nil {
		return 0, err
	}
	const stage = "stage_student_facts_stale"
	if err := tx.stage(ctx, stage, "student_facts_stale", []string{"sid", "n"}, len(marks), func(i int, d []any) {
		d[0], d[1] = marks[i].sid, marks[i].n
	}); err != nil {
		return 0, err
	}
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM student_facts_stale WHERE EXISTS
		(SELECT 1 FROM `+stage+` s WHERE s.sid = student_facts_stale.sid AND s.n = student_facts_stale.n)`); err != nil {
		return 0, fmt.Errorf("unmark stale student facts: %w", err)
	}
	return len(marks), tx.dropStage(ctx, stage)
}

// MarkAllFactsStale marks the facts of every student with records stale,
// for RefreshFacts to rebuild them all (`baoxue migrate --rebuild-facts`).
func (tx *Tx) MarkAllFactsStale(ctx context.Context) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO student_facts_stale (sid)
		SELECT sid FROM attendance UNION SELECT sid FROM contacts UNION SELECT sid FROM home_teaching
		UNION SELECT sid FROM student_facts
		EXCEPT SELECT sid FROM student_facts_stale`)
	if err != nil {
		return fmt.Errorf("mark student facts stale: %w", err)
	}
	return nil
}

// FactsDump returns every stored facts row, one line each in sid order:
// for tests that compare facts kept by imports with facts rebuilt.
func (s *queries) FactsDump(ctx context.Context) (string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT sid, absences, contacts, teaching FROM student_facts ORDER BY sid`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var sid int64
		var f Facts
		if err := rows.Scan(&sid, &f.Absences, &f.Contacts, &f.Teaching); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%d %s %s %s\n", sid, f.Absences, f.Contacts, f.Teaching)
	}
	return b.String(), rows.Err()
}

// FactDay returns the day of a date written YYYY-MM-DD as a count of days
// since 1970-01-01, and false for anything else or a date that does not
// exist: what civil.ParseDayBytes returns (the store imports no package of
// ours; a test in the engine holds the two to the same answers).
func FactDay(b []byte) (int32, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	num := func(b []byte) (int, bool) {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(b[0:4])
	m, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 {
		return 0, false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	if d > days {
		return 0, false
	}
	// Howard Hinnant's days_from_civil, for years 0-9999.
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468), true
}
