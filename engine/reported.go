package engine

import (
	"context"
	"sort"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/inputerr"
	"baoxue/store"
)

// ErrNotReported is returned for a writing run at a T whose attendance no
// school has reported, unless Options.Force: every school would be evaluated
// as of an earlier day, so the run would only repeat the last one.
var ErrNotReported error = inputerr.Refusal("refusal.not_reported")

// reporting is how far each school's attendance is reported at a run's T
// (SPEC §4). Attendance files are exception-based, so a day a school did not
// report must never be read as a day every student was present.
type reporting struct {
	// asOf holds the schools evaluated as of an earlier day than T: their
	// reported-through day, the last school day they reported.
	asOf map[string]civil.Day
	// skip holds the schools not evaluated at all, with their latest report
	// (0 when none): none in the lookback. Their open alerts stay as they are.
	skip map[string]civil.Day
	// current is how many schools have reported their last school day on or
	// before T.
	current int
	// latest is the latest school day any school reported on or before T,
	// 0 when none did.
	latest civil.Day
	// incomplete notes, by school, a later report whose head counts say more
	// students were absent than the absences imported for its day: the day
	// does not count as reported until its absences arrive.
	incomplete map[string]*Incomplete
}

// readReporting works out each school's reported-through day at t: the
// latest school day on or before t for which it has a complete report (one
// whose head counts, if any, match the absences imported). A report on a day
// that is not a school day of the school says nothing about its school
// days. A school that reported its last school day on or before t is
// current and evaluated as of t itself; a school whose reported-through day
// is older than the lookback (or that never reported) is not evaluated. all
// takes every school as current (rule unit tests, whose inline attendance is
// complete by definition).
func readReporting(ctx context.Context, st *store.Store, cal *Calendar, t civil.Day, lookback int, all bool) (*reporting, error) {
	rp := &reporting{asOf: map[string]civil.Day{}, skip: map[string]civil.Day{}, incomplete: map[string]*Incomplete{}}
	latest, err := st.LatestReports(ctx, t.String())
	if err != nil {
		return nil, err
	}
	if all {
		rp.current, rp.latest = len(latest), t
		return rp, nil
	}
	for school, lr := range latest {
		through, err := schoolDayReported(ctx, st, cal, school, lr.Complete, t-civil.Day(lookback))
		if err != nil {
			return nil, err
		}
		if lr.Latest != "" && lr.Latest > lr.Complete {
			rp.incomplete[school] = &Incomplete{Date: lr.Latest, Expected: lr.Expected, Present: lr.Present, Recorded: lr.Recorded}
		}
		rp.latest = max(rp.latest, through)
		switch {
		case through == 0:
			rp.skip[school] = 0
		case through >= cal.NthSchoolDayBack(school, t, 1):
			rp.current++
		case through <= t-civil.Day(lookback):
			rp.skip[school] = through
		default:
			rp.asOf[school] = through
		}
	}
	return rp, nil
}

// schoolDayReported returns the latest school day of school with a complete
// report, starting from the complete report on day last ("" none) and
// walking back over reports on days that are not its school days; 0 when
// there is none after floor.
func schoolDayReported(ctx context.Context, st *store.Store, cal *Calendar, school, last string, floor civil.Day) (civil.Day, error) {
	for last != "" {
		d, err := civil.ParseDay(last)
		if err != nil {
			return 0, i18n.Errorf("engine.report_date", school, err)
		}
		if cal.IsSchoolDay(school, d) {
			return d, nil
		}
		if d <= floor {
			return d, nil // outside the lookback: skipped either way
		}
		if last, err = st.CompleteReportBefore(ctx, school, last); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// refuse explains why a writing run at t must not go ahead: no school has
// reported t's attendance.
func (rp *reporting) refuse(t civil.Day) error {
	if rp.current > 0 {
		return nil
	}
	latest := i18n.M("engine.refuse.none_reported")
	if rp.latest != 0 {
		latest = i18n.M("engine.refuse.latest_reported", rp.latest.String())
	}
	return i18n.Errorf("engine.refuse.not_reported", ErrNotReported, t.String(), latest)
}

// earliest is the earliest day any evaluated school is evaluated as of.
func (rp *reporting) earliest(t civil.Day) civil.Day {
	e := t
	for _, d := range rp.asOf {
		e = min(e, d)
	}
	return e
}

// Unreported is a school with students whose attendance is not reported
// through T: its students were evaluated as of ReportedThrough, or, when it
// has no report in the lookback, not at all. Either way nothing changes for
// them until the school reports.
type Unreported struct {
	Type     string `json:"type"` // "unreported"
	School   string `json:"school"`
	Name     string `json:"name"`
	Center   string `json:"center"`
	Students int    `json:"students"`
	// ReportedThrough is the last school day the school reported, "" when
	// it never reported one (when it is older than the lookback, the
	// school is not evaluated).
	ReportedThrough string `json:"reported_through"`
	// Since is the first school day not reported, "" when ReportedThrough is.
	Since string `json:"since"`
	// Evaluated is false when the school's students were not evaluated.
	Evaluated bool `json:"evaluated"`
	// Incomplete is a later report whose absences are not all imported
	// yet, nil when there is none.
	Incomplete *Incomplete `json:"incomplete,omitempty"`
	admins     []string
}

// Incomplete is a school's daily report whose head counts say more students
// were absent (Expected - Present) than the absence records imported for
// its day (Recorded): the day does not count as reported until they arrive.
type Incomplete struct {
	Date     string `json:"date"`
	Expected int    `json:"expected"`
	Present  int    `json:"present"`
	Recorded int    `json:"recorded"`
}

// unreported lists the schools with evaluated (or skipped) students whose
// attendance is not reported through T, in school order.
func unreported(rp *reporting, perSchool, skipped map[string]int, dir *directory, cal *Calendar) []Unreported {
	var out []Unreported
	add := func(school string, n int, through civil.Day, evaluated bool) {
		s := dir.schools[school]
		u := Unreported{Type: "unreported", School: school, Name: s.Name, Center: s.Center, Students: n, Evaluated: evaluated,
			Incomplete: rp.incomplete[school]}
		if through != 0 {
			u.ReportedThrough = through.String()
			u.Since = cal.NextSchoolDay(school, through+1).String()
		}
		u.admins, _ = dir.resolve("center", &FiredStudent{School: school})
		out = append(out, u)
	}
	for school, at := range rp.asOf {
		if n := perSchool[school]; n > 0 {
			add(school, n, at, true)
		}
	}
	for school, n := range skipped {
		add(school, n, rp.skip[school], false)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].School < out[j].School })
	return out
}
