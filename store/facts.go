package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// EvalStudent is the roster row the engine evaluates. The strings of one
// that StreamEvalStudents hands out may share the driver's buffer, which
// the next row overwrites: Arena.Keep copies what is kept past the call.
type EvalStudent struct {
	SID               int64
	Key               string
	ID                string
	Name              string
	Gender            string
	BirthDate         string
	SchoolID          string
	Grade             int
	Class             string
	HomeroomTeacherID string
	Status            string
	ReturnedAt        string
	Township          string
	Village           string
	LeftBehind        int
	Migrant           bool
	Returning         bool
	Orphan            bool
	Boarding          bool
	Disabled          bool
	DisabilityType    string
	DisabilityLevel   int
	Hardship          bool
	Poverty           string
	HomeTaught        bool
	PairingTeacherID  string
	// Facts are the student's encoded records (see FactList).
	Facts Facts
}

// SIDRange is a half-open range of students' internal keys, [Lo, Hi): the
// engine reads a city in a few such ranges at once.
type SIDRange struct{ Lo, Hi int64 }

// SIDBounds returns the range holding every student ({0, 0} when none).
func (s *queries) SIDBounds(ctx context.Context) (SIDRange, error) {
	var lo, hi sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(sid), MAX(sid) FROM students`).Scan(&lo, &hi); err != nil {
		return SIDRange{}, fmt.Errorf("read students: %w", err)
	}
	if !lo.Valid {
		return SIDRange{}, nil
	}
	return SIDRange{Lo: lo.Int64, Hi: hi.Int64 + 1}, nil
}

// evalPacked and evalRoster are what student_facts keeps of a students
// row s: a city is a million rows, and every column costs the client a
// decode and an allocation. The flags and small numbers travel packed in
// one integer (the importer's ranges, grade 1-9, left_behind 0-2,
// disability_level 0-4, keep each inside its bits) and the text fields
// joined by the unit separator in one string, which is cut into
// substrings that share its memory (unpack).
const (
	evalPacked = `s.grade + 16 * s.left_behind + 64 * s.disability_level
		+ 1024 * (CASE WHEN s.migrant THEN 1 ELSE 0 END) + 2048 * (CASE WHEN s.returning_child THEN 1 ELSE 0 END)
		+ 4096 * (CASE WHEN s.orphan THEN 1 ELSE 0 END) + 8192 * (CASE WHEN s.boarding THEN 1 ELSE 0 END)
		+ 16384 * (CASE WHEN s.disabled THEN 1 ELSE 0 END) + 32768 * (CASE WHEN s.hardship THEN 1 ELSE 0 END)
		+ 65536 * (CASE WHEN s.home_taught THEN 1 ELSE 0 END)`
	evalRoster = `s.key || '` + unitSep + `' || s.id || '` + unitSep + `' || s.name || '` + unitSep + `' || s.gender || '` + unitSep + `' ||
		s.birth_date || '` + unitSep + `' || s.school_id || '` + unitSep + `' || s.class || '` + unitSep + `' ||
		s.homeroom_teacher_id || '` + unitSep + `' || s.status || '` + unitSep + `' || s.returned_at || '` + unitSep + `' ||
		s.township || '` + unitSep + `' || s.village || '` + unitSep + `' || s.disability_type || '` + unitSep + `' ||
		s.poverty || '` + unitSep + `' || s.pairing_teacher_id`
	// evalStatus is whether an evaluation reads the student.
	evalStatus = `s.status IN ('enrolled', 'suspended')`
)

// rosterFields are the text fields of st that come from its roster row,
// in the order evalRoster joins them.
func rosterFields(st *EvalStudent) [15]*string {
	return [...]*string{&st.Key, &st.ID, &st.Name, &st.Gender, &st.BirthDate, &st.SchoolID, &st.Class,
		&st.HomeroomTeacherID, &st.Status, &st.ReturnedAt, &st.Township, &st.Village, &st.DisabilityType,
		&st.Poverty, &st.PairingTeacherID}
}

// unpackRoster fills st from a packed integer and a roster text; false
// when the text does not cut into its fields (one held the separator).
func unpackRoster(st *EvalStudent, packed int64, text string) bool {
	fields := rosterFields(st)
	if !cutJoined(text, fields[:]) {
		return false
	}
	unpackFlags(st, packed)
	return true
}

func unpackFlags(st *EvalStudent, packed int64) {
	st.Grade = int(packed & 15)
	st.LeftBehind = int(packed >> 4 & 3)
	st.DisabilityLevel = int(packed >> 6 & 15)
	st.Migrant, st.Returning = packed&1024 != 0, packed&2048 != 0
	st.Orphan, st.Boarding = packed&4096 != 0, packed&8192 != 0
	st.Disabled, st.Hardship, st.HomeTaught = packed&16384 != 0, packed&32768 != 0, packed&65536 != 0
}

// StreamEvalStudents calls fn for every student of the range whose status is
// enrolled or suspended, with the student's facts, in ascending sid order,
// in one streamed query of student_facts; the stale students are taken
// from stale instead (StaleFacts; nil when none is). fn must not keep the
// pointer past its call, nor any of its strings, nor return an error that
// quotes one: they may share the driver's buffer, which the next row
// overwrites (Arena.Keep copies them). A facts row that cannot be cut into
// its fields is a *DamagedFactsError.
//
// The rows are read in place: a million students' rows, each copied into
// a string of its own by the driver, were a fifth of what a dry run
// allocated and most of the fresh memory it touched. On PostgreSQL the
// text travels as bytea (textsend: the text in the client's encoding,
// which lib/pq requires to be UTF-8; convert_to, used before, cost the
// server 0.29 s more than the plain text for a city's million rows,
// textsend 0.08 s), which lib/pq hands over as binary
// bytes without a string: in the buffer it reuses for every row of up to
// 512 bytes (nearly all), in one of its own for a longer row. (A DSN that
// makes lib/pq ask for text results, binary_parameters=yes, gets the bytea
// as hex, twice the bytes: still right, slower.) SQLite's driver makes a
// string of each row anyway. The rows come straight from the driver
// (eachRow).
func (s *Store) StreamEvalStudents(ctx context.Context, r SIDRange, stale *StaleFacts, fn func(*EvalStudent) error) error {
	column := "facts"
	if s.dialect == Postgres {
		column = "textsend(facts)"
	}
	query := s.rebind(`SELECT sid, ` + column + ` FROM student_facts WHERE sid >= ? AND sid < ? ORDER BY sid`)
	var st EvalStudent
	// The stale students of the range, in sid order, go in among the
	// stored rows; a stored row of a stale student is passed over.
	var sids []int64
	if stale != nil {
		lo, _ := slices.BinarySearch(stale.sids, r.Lo)
		hi, _ := slices.BinarySearch(stale.sids, r.Hi)
		sids = stale.sids[lo:hi]
	}
	builtUpTo := func(sid int64) error {
		for len(sids) > 0 && sids[0] < sid {
			if b, ok := stale.rows[sids[0]]; ok {
				st = EvalStudent{SID: sids[0]}
				if !unpackRoster(&st, b.packed, b.roster) {
					return fmt.Errorf("read students: a text field of student %d holds the control character U+001F: import the roster again (the importer drops control characters)", st.SID)
				}
				st.Facts = b.facts
				if err := fn(&st); err != nil {
					return err
				}
			}
			sids = sids[1:]
		}
		return nil
	}
	// row takes a stored row: text may be the driver's buffer.
	// (st and text keep pointing at the row after fn returns, until the
	// next row replaces them: nothing reads them in between.)
	row := func(sid int64, text string) error {
		if err := builtUpTo(sid); err != nil {
			return err
		}
		if len(sids) > 0 && sids[0] == sid {
			return builtUpTo(sid + 1)
		}
		st = EvalStudent{SID: sid}
		if !unpackFacts(&st, text) {
			return &DamagedFactsError{SID: sid}
		}
		return fn(&st)
	}
	if err := s.eachRow(ctx, query, []any{r.Lo, r.Hi}, row); err != nil {
		return err
	}
	return builtUpTo(r.Hi)
}

// eachRow runs query, whose rows are a sid and a text, and calls fn with
// each row; the text may be the driver's buffer, valid until fn returns.
// The rows are read from the driver itself, past database/sql: its lock
// and conversions of each row cost a dry run of a 1M city ~0.15 s of CPU
// (alternating CPU profiles). What database/sql did besides is done here:
// a connection of the pool that died while idle (a restarted server, a
// timeout) is dropped and the query tried on another, as long as no row
// has reached fn; and a cancelled ctx stops the rows (SQLite's driver
// does not watch it while it steps).
func (s *Store) eachRow(ctx context.Context, query string, args []any, fn func(sid int64, text string) error) error {
	for tries := 1; ; tries++ {
		broken, err := s.eachRowOnce(ctx, query, args, fn)
		// (More tries than the pool keeps idle connections: the last is
		// a new one.)
		if err == nil || !broken || tries > s.conns {
			return err
		}
	}
}

// eachRowOnce is one try of eachRow; broken is whether it failed because
// its connection did, before any row reached fn: the driver said
// ErrBadConn, or that the connection is no longer valid (lib/pq says
// "connection reset by peer" when the reset comes before the server's
// last message; database/sql did not try that again).
func (s *Store) eachRowOnce(ctx context.Context, query string, args []any, fn func(sid int64, text string) error) (broken bool, err error) {
	delivered := false
	conn, err := s.pool.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("read students: %w", err)
	}
	defer conn.Close()
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	var failed error // fn's error, returned as it is
	err = conn.Raw(func(dc any) (err error) {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("the %T driver cannot query", dc)
		}
		defer func() {
			v, ok := dc.(driver.Validator)
			broken = err != nil && !delivered && (errors.Is(err, driver.ErrBadConn) || ok && !v.IsValid())
		}()
		rows, err := q.QueryContext(ctx, query, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, 2)
		for n := 1; ; n++ {
			if n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if err := rows.Next(dest); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			sid, ok := dest[0].(int64)
			if !ok {
				return fmt.Errorf("sid is %T", dest[0])
			}
			var text string
			switch v := dest[1].(type) {
			case []byte:
				text = unsafe.String(unsafe.SliceData(v), len(v))
			case string:
				text = v
			default:
				return fmt.Errorf("facts are %T", dest[1])
			}
			delivered = true
			if failed = fn(sid, text); failed != nil {
				return failed
			}
		}
	})
	if failed != nil {
		return false, failed
	}
	if err != nil {
		return broken, fmt.Errorf("read students: %w", err)
	}
	return false, nil
}

// DamagedFactsError says that the stored facts of a student cannot be
// read: a row edited by hand (migrate --rebuild-facts rebuilds them).
type DamagedFactsError struct{ SID int64 }

func (e *DamagedFactsError) Error() string {
	return fmt.Sprintf("the stored facts of student %d (student_facts) cannot be read", e.SID)
}

// factsRow is a student's row of student_facts: the packed integer, the
// roster text and the three lists, joined by the unit separator.
func factsRow(b *builtFacts) string {
	return strconv.FormatInt(b.packed, 10) + unitSep + b.roster + unitSep +
		b.facts.Absences + unitSep + b.facts.Contacts + unitSep + b.facts.Teaching
}

// unpackFacts fills st from a row of student_facts (factsRow); false when
// it does not cut into its fields.
func unpackFacts(st *EvalStudent, text string) bool {
	head, rest, ok := strings.Cut(text, unitSep)
	if !ok {
		return false
	}
	packed, err := strconv.ParseInt(head, 10, 64)
	if err != nil {
		return false
	}
	var fields [18]*string
	roster := rosterFields(st)
	copy(fields[:], roster[:])
	fields[15], fields[16], fields[17] = &st.Facts.Absences, &st.Facts.Contacts, &st.Facts.Teaching
	if !cutJoined(rest, fields[:]) {
		return false
	}
	unpackFlags(st, packed)
	return true
}

// Arena holds copies of the roster text of students read by
// StreamEvalStudents, for as long as they are evaluated: a batch of
// students keeps its text in one arena, reused with the batch, instead of a
// string of its own per student.
type Arena struct{ buf []byte }

// arenaChunk is the least room an arena takes when it needs more: a batch
// of a city's students holds some 200 KiB of roster text.
const arenaChunk = 256 << 10

// Keep copies the roster fields of st into a and points them at the copy:
// they stay valid until a is Reset. (The facts lists are not kept: they
// are read during the call.)
func (a *Arena) Keep(st *EvalStudent) {
	for _, f := range rosterFields(st) {
		*f = a.keep(*f)
	}
}

func (a *Arena) keep(s string) string {
	if s == "" {
		return ""
	}
	if len(a.buf)+len(s) > cap(a.buf) {
		// A new chunk; the strings that share the old one keep it alive.
		a.buf = make([]byte, 0, max(2*cap(a.buf), arenaChunk, len(s)))
	}
	n := len(a.buf)
	a.buf = append(a.buf, s...)
	return unsafe.String(&a.buf[n], len(s))
}

// Reset makes the room of a free again: every string Keep handed out
// must be out of use. (The current chunk is zeroed, but the next batch
// fills it at once: a string kept past its batch by mistake reads as
// another student's text, or as NULs. TestFiredStudentsOutliveTheirBatch
// is what catches that, by its output.)
func (a *Arena) Reset() {
	clear(a.buf)
	a.buf = a.buf[:0]
}

// unitSep joins the text fields of a student row in StreamEvalStudents.
const unitSep = "\x1f"

// CalendarSpan is one row of the school calendar: From to To inclusive is a holiday or a (make-up) school day, for one school or, with SchoolID "", all.
type CalendarSpan struct {
	From     string `db:"from_date"`
	To       string `db:"to_date"`
	Kind     string `db:"kind"`
	SchoolID string `db:"school_id"`
}

// CalendarSpans returns the whole calendar, ordered by school then start.
func (s *queries) CalendarSpans(ctx context.Context) ([]CalendarSpan, error) {
	var rows []CalendarSpan
	err := s.db.SelectContext(ctx, &rows, `SELECT from_date, to_date, kind, school_id FROM calendar ORDER BY school_id, from_date`)
	if err != nil {
		return nil, fmt.Errorf("read calendar: %w", err)
	}
	return rows, nil
}
