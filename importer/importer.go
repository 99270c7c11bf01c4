package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"baoxue/i18n"
	"baoxue/inputerr"
	"baoxue/store"
)

// Kinds lists the import KINDs in dependency order: a KIND's references
// (schools of teachers, students of attendance, …) come from KINDs before it.
// Callers must not modify it.
var Kinds = kindNames()

// ErrUnknownKind is returned (wrapped) for a KIND not in Kinds. It is the
// user's input, and says so by BadInput (see inputerr.BadInput).
var ErrUnknownKind error = inputerr.Refusal("refusal.unknown_kind")

// Options tunes an import. The zero value imports silently at time.Now.
type Options struct {
	// Snapshot (students only, SPEC §4 --snapshot) treats the file as the
	// complete roster of the schools it contains: an enrolled student of
	// those schools missing from it gets missing_since set to the import
	// date (the ledger's left_unconfirmed); its status is not changed. A
	// student who appears in any later students import is cleared again.
	Snapshot bool
	// AllowMassUpdate (students only, --allow-mass-update) lets an import
	// change the names of more than 10% (and at least 20) of the stored
	// students it matches; without it such a file is bad input and nothing
	// is written (see renames).
	AllowMassUpdate bool
	// Reported (attendance only) says the file is a district-wide export
	// of exceptions: every school reported every day from the file's first
	// date to its last (or ReportedFrom to ReportedTo, when set), including
	// schools with no row in it. Without it, only the schools with a row on
	// a day have reported that day.
	Reported bool
	// ReportedFrom and ReportedTo (YYYY-MM-DD, both or neither, with
	// Reported) name the days the file covers, so that a day without any
	// absence in the whole district can be reported with a file without
	// rows; every row must be dated within them.
	ReportedFrom, ReportedTo string
	// AllowFuture accepts attendance and reports dated after the import's
	// day (rule unit tests evaluate at any date); otherwise such a row is
	// bad, as a typo.
	AllowFuture bool
	// ImplicitRefs creates the schools and teachers that rows name but the
	// database lacks, instead of reporting them (rule unit tests).
	ImplicitRefs bool
	// Progress, when not nil, hears how many rows have been read.
	Progress Progress
	// Now gives the import time (updated_at, audit, the snapshot date in
	// Now's location); nil means time.Now.
	Now func() time.Time
	// Actor is recorded in the audit table, e.g. "cli:alice"; "" is recorded
	// as "unknown".
	Actor string
	// Limits bound what reading an XLSX file may cost (baoxue.yaml's import
	// section); the zero value is the defaults.
	Limits Limits
}

// Summary says what an import of one file did.
type Summary struct {
	Kind, File string
	// Rows is the number of data rows (blank rows are skipped); New +
	// Updated == Rows.
	Rows, New, Updated int
	// Missing is how many enrolled students a --snapshot import marked as
	// missing from their school's roster.
	Missing int
	// Ignored lists the header cells, as the file writes them, that name
	// no column of the KIND and were not read (each once, in file order);
	// nil when every column was used. Misspellings of a column are bad
	// rows instead.
	Ignored []string
	// ReportedFrom..ReportedTo are the days an attendance import with
	// --reported marked as reported by all ReportedSchools schools.
	ReportedFrom, ReportedTo string
	ReportedSchools          int
}

// String renders the summary in Chinese, the default; see Localize.
func (s Summary) String() string { return s.Localize(i18n.Default()) }

// Localize renders the summary in p's language, in English as "students:
// 1,234 rows (1,200 new, 34 updated)", adding ", 5 missing from the roster"
// after a snapshot that marked students, and "; every school (12) reported
// FROM to TO" after an attendance import with --reported.
func (s Summary) Localize(p *i18n.Printer) string {
	var out string
	if s.Missing > 0 {
		out = p.Sprintf("import.summary.missing", s.Kind, s.Rows, s.New, s.Updated, s.Missing)
	} else {
		out = p.Sprintf("import.summary", s.Kind, s.Rows, s.New, s.Updated)
	}
	if s.ReportedFrom != "" {
		out += p.Sprintf("import.summary.reported", s.ReportedSchools, s.ReportedFrom, s.ReportedTo)
	}
	return out
}

// IgnoredNotice is the notice of the columns of file the import did not
// read (Summary.Ignored); ok is false when it read them all.
func (s Summary) IgnoredNotice(file string) (notice i18n.Message, ok bool) {
	if len(s.Ignored) == 0 {
		return i18n.Message{}, false
	}
	return i18n.M("import.ignored", file, names(s.Ignored)), true
}

// ImportFile imports one CSV or XLSX file of the given KIND all-or-nothing
// in one transaction and appends an audit row in it. Bad input (an
// unreadable file, a missing column, any bad row) returns *BadRows and
// writes nothing; an unknown KIND wraps ErrUnknownKind; other errors are
// runtime failures (database).
func ImportFile(ctx context.Context, st *store.Store, kind, path string, opt Options) (Summary, error) {
	k, err := lookupKind(kind)
	if err != nil {
		return Summary{}, err
	}
	src, err := openSource(path, opt.Limits)
	if err != nil {
		return Summary{}, fileError(path, err)
	}
	defer src.close()
	return run(ctx, st, k, path, filepath.Base(path), src, opt)
}

// ImportRows imports in-memory rows exactly as ImportFile imports a file:
// header holds the column names as in files, source names the rows in
// errors (e.g. "tests.yaml") and lines[i] is the line reported for rows[i]
// (nil: i+2, as if the header were line 1).
func ImportRows(ctx context.Context, st *store.Store, kind, source string, header []string, rows [][]string, lines []int, opt Options) (Summary, error) {
	k, err := lookupKind(kind)
	if err != nil {
		return Summary{}, err
	}
	return run(ctx, st, k, source, source, &memSource{header: header, rows: rows, lines: lines}, opt)
}

func lookupKind(kind string) (*kindSpec, error) {
	k := kindByName(strings.ReplaceAll(kind, "_", "-"))
	if k == nil {
		return nil, i18n.Errorf("import.kind.unknown", ErrUnknownKind, kind, names(Kinds))
	}
	return k, nil
}

// fileError turns a problem with the input itself into bad rows.
func fileError(file string, err error) error {
	var bi *badInput
	if errors.As(err, &bi) {
		return &BadRows{Errors: inputerr.List{{File: file, Line: bi.line, Msg: bi.msg}}, Total: 1}
	}
	return i18n.Errorf("import.failed_file", file, err)
}

// importLock serialises imports, and imports with writing evaluations, on
// PostgreSQL, whose transactions would otherwise both see the same student
// as new; SQLite's immediate transactions already do.
const importLock = store.DataLock

func run(ctx context.Context, st *store.Store, k *kindSpec, file, object string, src source, opt Options) (Summary, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Actor == "" {
		opt.Actor = "unknown"
	}
	if opt.Snapshot && k.name != "students" {
		return Summary{}, i18n.Errorf("import.option.only", k.name, "--snapshot", "students")
	}
	if opt.AllowMassUpdate && k.name != "students" {
		return Summary{}, i18n.Errorf("import.option.only", k.name, "--allow-mass-update", "students")
	}
	if opt.Reported && k.name != "attendance" {
		return Summary{}, i18n.Errorf("import.option.only", k.name, "--reported", "attendance")
	}
	if (opt.ReportedFrom != "") != (opt.ReportedTo != "") || (opt.ReportedFrom != "" && (!opt.Reported || opt.ReportedTo < opt.ReportedFrom)) {
		return Summary{}, i18n.Errorf("import.option.dates", k.name)
	}
	now := opt.Now()
	p := &problems{file: file}
	h, err := readHeader(k, src, file, p)
	if err != nil {
		return Summary{}, err
	}

	tx, err := st.BeginBulk(ctx, importLock)
	if err != nil {
		return Summary{}, i18n.Errorf("import.failed_file", file, err)
	}
	defer tx.Rollback()
	e := &env{tx: tx, opt: opt, now: now, today: now.Format(store.DateFormat), h: h}
	b, err := k.begin(ctx, e)
	if err != nil {
		return Summary{}, i18n.Errorf("import.failed", k.name, file, err)
	}
	rows, err := readRows(ctx, src, h, p, b, opt.Progress)
	if err != nil {
		return Summary{}, i18n.Errorf("import.failed", k.name, file, err)
	}
	if opt.Reported && rows == 0 && opt.ReportedFrom == "" {
		p.add(h.line, "", "import.reported.no_rows")
	}
	if c, ok := b.(finalChecker); ok && p.total == 0 {
		if err := c.finalCheck(ctx, p); err != nil {
			return Summary{}, i18n.Errorf("import.failed", k.name, file, err)
		}
	}
	if err := p.err(); err != nil {
		return Summary{}, err
	}
	res, err := b.write(ctx)
	if err != nil {
		return Summary{}, i18n.Errorf("import.failed", k.name, file, err)
	}
	// The records written marked their students' facts stale: rebuild
	// them in this transaction, so that the facts and the records commit,
	// or vanish, together.
	if _, err := tx.RefreshFacts(ctx); err != nil {
		return Summary{}, i18n.Errorf("import.failed", k.name, file, err)
	}
	sum := Summary{Kind: k.name, File: file, Rows: rows, New: res.New, Updated: res.Updated, Missing: res.missing,
		Ignored: h.ignored, ReportedFrom: res.reported[0], ReportedTo: res.reported[1], ReportedSchools: res.reportedSchools}
	detail := fmt.Sprintf("rows=%d, new=%d, updated=%d", sum.Rows, sum.New, sum.Updated)
	if sum.ReportedFrom != "" {
		detail += fmt.Sprintf(", reported by every school (%d) %s..%s", sum.ReportedSchools, sum.ReportedFrom, sum.ReportedTo)
	}
	if opt.Snapshot {
		detail += fmt.Sprintf(", snapshot, missing=%d", sum.Missing)
	}
	if err := tx.AppendAudit(ctx, store.Audit{At: now, Actor: opt.Actor, Action: "import",
		Object: k.name + " " + object, Detail: detail}); err != nil {
		return Summary{}, err
	}
	if err := tx.Commit(); err != nil {
		return Summary{}, i18n.Errorf("import.failed", k.name, file, err)
	}
	return sum, nil
}

// readHeader reads the header line and maps it to the KIND's columns. It
// skips up to three title lines that name no column first (registry exports
// often start with "XX学校学生名单"). Problems of the header are returned as
// *BadRows.
func readHeader(k *kindSpec, src source, file string, p *problems) (*header, error) {
	first, err := nextHeader(src)
	if err == io.EOF {
		p.add(1, "", "import.file.empty")
		return nil, p.err()
	}
	if err != nil {
		return nil, fileError(file, err)
	}
	for skipped := 0; skipped < 3 && isTitle(k.columns, first.cells); skipped++ {
		next, err := nextHeader(src)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fileError(file, err)
		}
		first = next
	}
	h := mapHeader(k.columns, unusedHeaders(k.name), first.cells, first.line, p)
	return h, p.err()
}

// readRows feeds every non-blank data row to b and returns how many there
// were. A malformed CSV stops the reading with a problem at its line.
func readRows(ctx context.Context, src source, h *header, p *problems, b batch, pr Progress) (int, error) {
	if pr == nil {
		pr = noProgress{}
	}
	pr.Start("import", "rows")
	dates := make(map[string]string)
	n := 0
	for {
		rec, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var bi *badInput
			if errors.As(err, &bi) {
				p.addMsg(bi.line, "", bi.msg)
				break
			}
			return n, err
		}
		if len(rec.probs) == 0 && blank(rec.cells) {
			continue
		}
		n++
		if h.check(rec, p) {
			r := row{h: h, p: p, dates: dates, line: rec.line, cells: rec.cells, raws: rec.raws, date1904: rec.date1904}
			b.add(&r)
		}
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return n, err
			}
			pr.Set(n)
		}
	}
	pr.Done(n)
	return n, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if clean(c) != "" {
			return false
		}
	}
	return true
}

// Progress hears how far the reading of a file has come: Start as it
// begins, naming the step and what it counts; Set now and then with the
// rows read so far; Done once at the end. report.Progress prints it on a
// terminal.
type Progress interface {
	Start(what, unit string)
	Set(n int)
	Done(n int)
}

// noProgress is the Progress of an import nobody watches.
type noProgress struct{}

func (noProgress) Start(string, string) {}
func (noProgress) Set(int)              {}
func (noProgress) Done(int)             {}
