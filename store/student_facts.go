package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/lib/pq"
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
	b       string
	i       int
	day     int32
	started bool
	damaged bool
}

// Reset starts reading b.
func (l *FactList) Reset(b string) { *l = FactList{b: b} }

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

// StaleFacts are the students whose stored facts are stale (written to
// since an import or a writing run last rebuilt them), built from their
// roster rows and records: an evaluation reads these instead of the
// stored ones (StreamEvalStudents).
type StaleFacts struct {
	sids []int64 // every stale student, ascending
	// marks are the ids of the marks read, the marks of sids[i] from
	// marks[at[i]] to marks[at[i+1]] (at has one entry more than sids).
	marks []int64
	at    []int
	// rows holds the built facts of the stale students an evaluation
	// reads (enrolled or suspended); the others have none.
	rows map[int64]*builtFacts
}

// builtFacts are a student's facts built from its rows.
type builtFacts struct {
	packed int64
	roster string
	facts  Facts
}

// Len is the number of stale students.
func (f *StaleFacts) Len() int {
	if f == nil {
		return 0
	}
	return len(f.sids)
}

// Each calls fn with the sid and the built facts of every stale student
// an evaluation reads, in sid order.
func (f *StaleFacts) Each(fn func(sid int64, facts Facts)) {
	if f == nil {
		return
	}
	for _, sid := range f.sids {
		if b, ok := f.rows[sid]; ok {
			fn(sid, b.facts)
		}
	}
}

// chunk returns the stale students i to j (exclusive) with their marks.
func (f *StaleFacts) chunk(i, j int) *StaleFacts {
	at := make([]int, j-i+1)
	for k := range at {
		at[k] = f.at[i+k] - f.at[i]
	}
	return &StaleFacts{sids: f.sids[i:j], marks: f.marks[f.at[i]:f.at[j]], at: at}
}

// StaleFacts builds the facts of the students whose stored facts are
// stale, from their roster rows and records dated from since (YYYY-MM-DD;
// "" for all): nil when none is. It reads in one snapshot (PostgreSQL:
// a repeatable-read transaction; a read-only SQLite store: a read
// transaction), so that a rebuild committed meanwhile cannot make it miss
// a student or its records. (A writing SQLite store reads without one:
// its runs hold the write lock, and nobody else rebuilds.)
func (s *Store) StaleFacts(ctx context.Context, since string) (*StaleFacts, error) {
	if s.Dialect == SQLite && !s.readOnly {
		return s.queries.staleFacts(ctx, since)
	}
	opts := &sql.TxOptions{}
	if s.Dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := s.pool.BeginTxx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("read stale student facts: %w", err)
	}
	defer tx.Rollback()
	q := queries{db: tx, dialect: s.Dialect}
	return q.staleFacts(ctx, since)
}

func (s *queries) staleFacts(ctx context.Context, since string) (*StaleFacts, error) {
	f, err := s.staleMarks(ctx)
	if err != nil || f == nil {
		return nil, err
	}
	return f, s.buildFacts(ctx, f, since)
}

// hasStaleFacts reports whether any student's facts are stale.
func (s *queries) hasStaleFacts(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM (SELECT 1 FROM student_facts_stale LIMIT 1) AS one`); err != nil {
		return false, fmt.Errorf("read stale student facts: %w", err)
	}
	return n > 0, nil
}

// staleMarks reads the stale students and their marks; nil when none is.
func (s *queries) staleMarks(ctx context.Context) (*StaleFacts, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, sid FROM student_facts_stale ORDER BY sid, id`)
	if err != nil {
		return nil, fmt.Errorf("read stale student facts: %w", err)
	}
	defer rows.Close()
	f := &StaleFacts{}
	for rows.Next() {
		var id, sid int64
		if err := rows.Scan(&id, &sid); err != nil {
			return nil, fmt.Errorf("read stale student facts: %w", err)
		}
		if len(f.sids) == 0 || f.sids[len(f.sids)-1] != sid {
			f.sids, f.at = append(f.sids, sid), append(f.at, len(f.marks))
		}
		f.marks = append(f.marks, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read stale student facts: %w", err)
	}
	if len(f.sids) == 0 {
		return nil, nil
	}
	f.at = append(f.at, len(f.marks))
	return f, nil
}

// buildFacts builds into f.rows the facts of the stale students of f an
// evaluation reads, from their records dated from since ("" for all). The
// students are named by their sids, not by a join to the marks: a join
// planned without statistics (tables filled in the import's own
// transaction) looped over every pair, and the list is what was read.
func (s *queries) buildFacts(ctx context.Context, f *StaleFacts, since string) error {
	if s.dialect == Postgres {
		// Always inside a transaction (a rebuild's, or the snapshot of
		// StaleFacts). An import has just filled the tables, without
		// statistics, and PostgreSQL plans "= ANY" over a chunk's sids as a
		// scan of the whole table, once a chunk: the reads go by the
		// primary keys, whatever the statistics say.
		if _, err := s.db.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return fmt.Errorf("read stale student facts: %w", err)
		}
		defer s.db.ExecContext(context.WithoutCancel(ctx), `SET LOCAL enable_seqscan TO DEFAULT`)
	}
	f.rows = make(map[int64]*builtFacts)
	type lists struct{ abs, con, tea []factEntry }
	by := make(map[int64]*lists)
	read := func(what, q string, args []any, scan func(rows *sql.Rows) error) error {
		if err := s.eachForSIDs(ctx, q, f.sids, args, scan); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	if err := read("read students", `SELECT s.sid, `+evalPacked+`, `+evalRoster+` FROM students s
		WHERE s.sid IN (?) AND `+evalStatus, nil, func(rows *sql.Rows) error {
		var sid, packed int64
		var roster string
		if err := rows.Scan(&sid, &packed, &roster); err != nil {
			return err
		}
		f.rows[sid] = &builtFacts{packed: packed, roster: roster}
		by[sid] = &lists{}
		return nil
	}); err != nil {
		return err
	}
	records := func(what, q string, add func(l *lists, day int32, v []byte, hours int64)) error {
		var sid, hours int64
		var date, v []byte
		return read(what, q, []any{since}, func(rows *sql.Rows) error {
			if err := rows.Scan(&sid, &date, &v, &hours); err != nil {
				return err
			}
			// The importer writes only valid dates; an evaluation has
			// always passed over anything else.
			if d, ok := FactDay(date); ok && by[sid] != nil {
				add(by[sid], d, v, hours)
			}
			return nil
		})
	}
	if err := records("read attendance", `SELECT a.sid, a.date, a.status, 0 FROM attendance a
		WHERE a.sid IN (?) AND a.date >= ? AND a.status IN ('absent', 'sick', 'leave')`,
		func(l *lists, d int32, status []byte, _ int64) {
			u := int32(0)
			if string(status) == "absent" {
				u = 1
			}
			l.abs = append(l.abs, factEntry{day: d, value: u})
		}); err != nil {
		return err
	}
	if err := records("read contacts", `SELECT c.sid, c.date, '', 0 FROM contacts c
		WHERE c.sid IN (?) AND c.date >= ?`,
		func(l *lists, d int32, _ []byte, _ int64) { l.con = append(l.con, factEntry{day: d}) }); err != nil {
		return err
	}
	if err := records("read home teaching", `SELECT h.sid, h.date, '', h.class_hours FROM home_teaching h
		WHERE h.sid IN (?) AND h.date >= ?`,
		func(l *lists, d int32, _ []byte, hours int64) {
			l.tea = append(l.tea, factEntry{day: d, value: int32(hours)})
		}); err != nil {
		return err
	}
	for sid, l := range by {
		f.rows[sid].facts = Facts{encodeFacts(l.abs, absencesKind), encodeFacts(l.con, contactsKind), encodeFacts(l.tea, teachingKind)}
	}
	return nil
}

// RefreshFacts rebuilds the facts of every stale student from its roster
// row and records and removes the marks it read, in the transaction: an
// import and a writing run call it before they commit, so that the facts
// they leave agree with the rows they wrote. A student an evaluation no
// longer reads (left, graduated, gone) loses its facts. It returns how many
// students it rebuilt. A student marked while it read (a contact recorded
// through the API meanwhile) keeps that mark. It must run under the data
// lock: two rebuilds at once could each remove marks the other read.
func (tx *Tx) RefreshFacts(ctx context.Context) (int, error) {
	all, err := tx.staleMarks(ctx)
	if err != nil || all == nil {
		return 0, err
	}
	// In chunks, so that a roster import of a city holds one chunk's
	// facts at a time, not the city's.
	for i := 0; i < len(all.sids); i += refreshChunk {
		f := all.chunk(i, min(i+refreshChunk, len(all.sids)))
		if err := tx.buildFacts(ctx, f, ""); err != nil {
			return 0, err
		}
		if afterBuild != nil {
			afterBuild()
		}
		if err := tx.writeFacts(ctx, f); err != nil {
			return 0, err
		}
	}
	return len(all.sids), nil
}

// afterBuild, in tests, runs between a chunk's build and its write.
var afterBuild func()

// refreshChunk is how many stale students RefreshFacts builds at a time.
var refreshChunk = 100_000

// writeFacts stores the facts built in f, removes those of the students an
// evaluation no longer reads, and removes the marks read.
func (tx *Tx) writeFacts(ctx context.Context, f *StaleFacts) error {
	var built, gone []int64
	for _, sid := range f.sids {
		if _, ok := f.rows[sid]; ok {
			built = append(built, sid)
		} else {
			gone = append(gone, sid)
		}
	}
	u := upsert{table: "student_facts", key: []string{"sid"}, cols: []string{"sid", "facts"}, update: []string{"facts"}}
	if _, err := tx.bulkUpsert(ctx, u, len(built), func(i int, d []any) {
		d[0], d[1] = built[i], factsRow(f.rows[built[i]])
	}); err != nil {
		return err
	}
	if len(gone) > 0 {
		if err := tx.execIn(ctx, `DELETE FROM student_facts WHERE sid IN (?)`, nil, gone); err != nil {
			return fmt.Errorf("remove student facts: %w", err)
		}
	}
	const stage = "stage_student_facts_stale"
	if err := tx.stage(ctx, stage, "student_facts_stale", []string{"id"}, len(f.marks), func(i int, d []any) {
		d[0] = f.marks[i]
	}); err != nil {
		return err
	}
	// IN, not a correlated EXISTS: SQLite indexes the subquery's rows
	// once instead of scanning them for every mark.
	if _, err := tx.db.ExecContext(ctx, `DELETE FROM student_facts_stale WHERE id IN (SELECT id FROM `+stage+`)`); err != nil {
		return fmt.Errorf("unmark stale student facts: %w", err)
	}
	return tx.dropStage(ctx, stage)
}

// MarkAllFactsStale marks the facts of every student stale,
// for RefreshFacts to rebuild them all (`baoxue migrate --rebuild-facts`).
func (tx *Tx) MarkAllFactsStale(ctx context.Context) error {
	_, err := tx.db.ExecContext(ctx, `INSERT INTO student_facts_stale (sid)
		SELECT sid FROM students UNION SELECT sid FROM student_facts`)
	if err != nil {
		return fmt.Errorf("mark student facts stale: %w", err)
	}
	return nil
}

// FactsDump returns every stored facts row, one line each in sid order:
// for tests that compare facts kept by imports with facts rebuilt.
func (s *queries) FactsDump(ctx context.Context) (string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT sid, facts FROM student_facts ORDER BY sid`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var sid int64
		var facts string
		if err := rows.Scan(&sid, &facts); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%d %q\n", sid, facts)
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

// eachForSIDs runs q, whose "IN (?)" names sids, with args after the
// list, and calls scan for every row: on PostgreSQL in one query with the
// list as an array (= ANY), on SQLite 500 sids a query.
func (s *queries) eachForSIDs(ctx context.Context, q string, sids []int64, args []any, scan func(*sql.Rows) error) error {
	run := func(q string, args []any) error { return s.queryEach(ctx, s.rebind(q), scan, args...) }
	if s.dialect == Postgres {
		return run(strings.Replace(q, "IN (?)", "= ANY(?)", 1), append([]any{pq.Array(sids)}, args...))
	}
	const per = 500
	for start := 0; start < len(sids); start += per {
		end := min(start+per, len(sids))
		if err := run(strings.Replace(q, "IN (?)", "IN ("+placeholders(end-start)+")", 1),
			append(int64sToAny(sids[start:end]), args...)); err != nil {
			return err
		}
	}
	return nil
}
