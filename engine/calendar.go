package engine

import (
	"sort"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/store"
)

// Calendar answers which days are school days, for each school: Monday to
// Friday, minus holidays, plus make-up school days (调休). Rows of one school
// override district-wide rows (SchoolID ""), which override the weekday rule.
type Calendar struct {
	district []span
	schools  map[string][]span
}

type span struct {
	from, to civil.Day
	school   bool
}

// NewCalendar builds a Calendar from the stored rows.
func NewCalendar(rows []store.CalendarSpan) (*Calendar, error) {
	c := &Calendar{schools: map[string][]span{}}
	for _, r := range rows {
		from, err := civil.ParseDay(r.From)
		if err != nil {
			return nil, i18n.Errorf("engine.calendar.date", r.From, err)
		}
		to := from
		if r.To != "" {
			if to, err = civil.ParseDay(r.To); err != nil {
				return nil, i18n.Errorf("engine.calendar.date", r.From, err)
			}
		}
		if to < from {
			return nil, i18n.Errorf("engine.calendar.order", r.From, r.To)
		}
		sp := span{from: from, to: to, school: r.Kind == "schoolday"}
		if r.SchoolID == "" {
			c.district = append(c.district, sp)
		} else {
			c.schools[r.SchoolID] = append(c.schools[r.SchoolID], sp)
		}
	}
	sortSpans(c.district)
	for _, s := range c.schools {
		sortSpans(s)
	}
	return c, nil
}

func sortSpans(s []span) {
	sort.SliceStable(s, func(i, j int) bool { return s[i].from < s[j].from })
}

// IsSchoolDay reports whether d is a school day at school.
func (c *Calendar) IsSchoolDay(school string, d civil.Day) bool {
	if v, ok := lookup(c.schools[school], d); ok {
		return v
	}
	if v, ok := lookup(c.district, d); ok {
		return v
	}
	wd := d.Weekday()
	return wd >= 1 && wd <= 5
}

// lookup finds the last span (by start) covering d.
func lookup(spans []span, d civil.Day) (schoolDay, found bool) {
	for _, s := range spans {
		if s.from > d {
			break
		}
		if d <= s.to {
			schoolDay, found = s.school, true
		}
	}
	return schoolDay, found
}

// Covers reports whether any calendar row (of any school) overlaps from..to.
func (c *Calendar) Covers(from, to civil.Day) bool {
	overlaps := func(spans []span) bool {
		for _, s := range spans {
			if s.from <= to && s.to >= from {
				return true
			}
		}
		return false
	}
	if overlaps(c.district) {
		return true
	}
	for _, s := range c.schools {
		if overlaps(s) {
			return true
		}
	}
	return false
}

// NthSchoolDayBack returns the n-th school day of school counting back from
// t (t itself counts when it is a school day), looking at most a year back.
func (c *Calendar) NthSchoolDayBack(school string, t civil.Day, n int) civil.Day {
	d := t
	for i := 0; i < 366; i++ {
		if c.IsSchoolDay(school, d) {
			n--
			if n <= 0 {
				return d
			}
		}
		d--
	}
	return d
}

// NextSchoolDay returns d if it is a school day at school, else the first
// school day after it (at most a year later; past that, d itself).
func (c *Calendar) NextSchoolDay(school string, d civil.Day) civil.Day {
	for i := civil.Day(0); i < 366; i++ {
		if c.IsSchoolDay(school, d+i) {
			return d + i
		}
	}
	return d
}

// window is one school's school days over the lookback ending at the day
// its students are evaluated as of (at: T, or the last day the school
// reported): school[o] tells whether day at-o is a school day, and count[n]
// how many of the days at-n+1..at are.
type window struct {
	at     civil.Day
	today  string // at as YYYY-MM-DD
	month  int
	school []bool
	count  []int32
}

// windowFor computes the window of length days ending at t for school.
func (c *Calendar) windowFor(school string, t civil.Day, length int) *window {
	w := &window{at: t, today: t.String(), school: make([]bool, length), count: make([]int32, length+1)}
	_, w.month, _ = t.Date()
	for o := 0; o < length; o++ {
		w.school[o] = c.IsSchoolDay(school, t-civil.Day(o))
		w.count[o+1] = w.count[o]
		if w.school[o] {
			w.count[o+1]++
		}
	}
	return w
}

// windows holds the window of every school: schools without calendar rows of
// their own and evaluated as of the same day share one.
type windows struct {
	bySchool map[string]*window
	shared   *window // the district's window at T
}

// newWindows computes the windows of length days for a run at t. asOf gives
// the schools evaluated as of an earlier day than t (their attendance is
// reported only that far); skip the schools not evaluated at all, which get
// no window.
func newWindows(c *Calendar, t civil.Day, length int, asOf map[string]civil.Day, skip map[string]civil.Day) *windows {
	ws := &windows{bySchool: map[string]*window{}, shared: c.windowFor("", t, length)}
	district := map[civil.Day]*window{t: ws.shared}
	for school := range c.schools {
		if _, skipped := skip[school]; !skipped {
			at, ok := asOf[school]
			if !ok {
				at = t
			}
			ws.bySchool[school] = c.windowFor(school, at, length)
		}
	}
	for school, at := range asOf {
		if _, own := c.schools[school]; own {
			continue
		}
		w, ok := district[at]
		if !ok {
			w = c.windowFor("", at, length)
			district[at] = w
		}
		ws.bySchool[school] = w
	}
	for school := range skip {
		ws.bySchool[school] = nil
	}
	return ws
}

// of returns the window of school, nil when the school is not evaluated.
func (ws *windows) of(school string) *window {
	if w, ok := ws.bySchool[school]; ok {
		return w
	}
	return ws.shared
}
