package synth

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The test side reads the files back with encoding/csv and time.Time, apart
// from the generator's own day arithmetic, and checks them against the
// import format (SPEC section 4).

// wantHeaders are the columns of each file, exactly as the import format
// names them.
func wantHeaders() map[string][]string {
	return map[string][]string{
		"schools.csv":  {"id", "name", "center", "township"},
		"teachers.csv": {"id", "name", "school_id", "center", "role", "phone", "wecom_userid", "dingtalk_userid", "email"},
		"villages.csv": {"village", "township", "school_id"},
		"calendar.csv": {"from", "to", "kind", "school_id", "note"},
		"students.csv": {"id", "name", "gender", "birth_date", "national_id", "school_id", "grade", "class",
			"homeroom_teacher_id", "status", "suspended_until", "returned_at", "township", "village", "left_behind",
			"migrant", "returning", "orphan", "boarding", "disabled", "disability_type", "disability_level",
			"hardship", "poverty", "home_taught", "pairing_teacher_id", "guardian_phone"},
		"attendance.csv":    {"student_id", "date", "status", "note"},
		"reports.csv":       {"school_id", "date", "expected", "present"},
		"contacts.csv":      {"student_id", "date", "teacher_id", "channel", "outcome", "note"},
		"home-teaching.csv": {"student_id", "date", "teacher_id", "class_hours", "remote"},
		"registry.csv":      {"id", "name", "birth_date", "national_id", "school_id", "grade", "status"},
		"platform.csv":      {"id", "name", "birth_date", "national_id", "school_id", "status"},
		"survey.csv":        {"village", "township", "name", "birth_date", "national_id", "enrolled_school", "note"},
	}
}

// fileOrder is the order of Summary.Files.
func fileOrder() []string {
	return []string{"schools.csv", "teachers.csv", "villages.csv", "calendar.csv", "students.csv",
		"attendance.csv", "reports.csv", "contacts.csv", "home-teaching.csv", "registry.csv", "platform.csv", "survey.csv"}
}

// record is one data row with its physical line, addressed by column name.
type record struct {
	line int
	col  map[string]string
}

func (r record) get(name string) string { return r.col[name] }

// readTable parses dir/name, checks the header and returns the rows.
func readTable(t *testing.T, dir, name string) []record {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no header", name)
	}
	if want := wantHeaders()[name]; !slices.Equal(rows[0], want) {
		t.Fatalf("%s header = %v, want %v", name, rows[0], want)
	}
	out := make([]record, 0, len(rows)-1)
	for i, row := range rows[1:] {
		rec := record{line: i + 2, col: make(map[string]string, len(row))}
		for j, h := range rows[0] {
			rec.col[h] = row[j]
		}
		out = append(out, rec)
	}
	return out
}

// parseDate parses a YYYY-MM-DD value.
func parseDate(s string) (time.Time, bool) {
	d, err := time.Parse(time.DateOnly, s)
	return d, err == nil
}

// schoolCalendar computes school days from calendar.csv the way SPEC
// section 4 defines them: Monday to Friday, minus holidays, plus make-up
// days, a school's own rows overriding district rows.
type schoolCalendar struct {
	district map[string]bool // date -> school day, for dates with a row
	bySchool map[string]map[string]bool
}

func newSchoolCalendar(t *testing.T, rows []record) *schoolCalendar {
	c := &schoolCalendar{district: map[string]bool{}, bySchool: map[string]map[string]bool{}}
	for _, r := range rows {
		from, ok := parseDate(r.get("from"))
		if !ok {
			t.Fatalf("calendar.csv:%d: bad from %q", r.line, r.get("from"))
		}
		to := from
		if r.get("to") != "" {
			if to, ok = parseDate(r.get("to")); !ok || to.Before(from) {
				t.Fatalf("calendar.csv:%d: bad to %q", r.line, r.get("to"))
			}
		}
		m := c.district
		if s := r.get("school_id"); s != "" {
			if c.bySchool[s] == nil {
				c.bySchool[s] = map[string]bool{}
			}
			m = c.bySchool[s]
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			m[d.Format(time.DateOnly)] = r.get("kind") == "schoolday"
		}
	}
	return c
}

func (c *schoolCalendar) isSchoolDay(school string, d time.Time) bool {
	k := d.Format(time.DateOnly)
	if v, ok := c.bySchool[school][k]; ok {
		return v
	}
	if v, ok := c.district[k]; ok {
		return v
	}
	return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
}

// schoolDays lists the school days of [from, to] for a school.
func (c *schoolCalendar) schoolDays(school string, from, to time.Time) []string {
	var out []string
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if c.isSchoolDay(school, d) {
			out = append(out, d.Format(time.DateOnly))
		}
	}
	return out
}

// normName normalises a name as the ledger matching does for spaces.
func normName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}
