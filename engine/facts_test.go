package engine

import (
	"slices"
	"strings"
	"testing"

	"baoxue/civil"
	"baoxue/rules"
	"baoxue/store"
)

func day(t *testing.T, s string) civil.Day {
	t.Helper()
	d, err := civil.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// rec is a fixture record: a date and a status letter (a absent, s sick,
// l leave) or, for contacts and home teaching, hours.
type fixture struct {
	date  string
	flag  byte
	hours int32
}

// build makes a student of school SCH at T with the given records, through
// the same methods the scan uses on a student's facts.
func build(t *testing.T, cal *Calendar, at string, birth string, abs, contacts, teaching []fixture) (*student, civil.Day) {
	t.Helper()
	T := day(t, at)
	ws := newWindows(cal, T, 120, nil, nil)
	s := &student{row: store.EvalStudent{ID: "S1", SchoolID: "SCH", BirthDate: birth, Grade: 9}, win: ws.of("SCH")}
	if err := s.load(); err != nil {
		t.Fatal(err)
	}
	// The records arrive newest first, as a student's facts list them.
	newest := func(rs []fixture) []fixture {
		rs = slices.Clone(rs)
		slices.SortStableFunc(rs, func(a, b fixture) int { return strings.Compare(b.date, a.date) })
		return rs
	}
	for _, r := range newest(abs) {
		s.addAbsence(day(t, r.date), r.flag == 'a')
	}
	for _, r := range newest(contacts) {
		s.addDated(&s.contacts, day(t, r.date), 0)
	}
	for _, r := range newest(teaching) {
		s.addDated(&s.teaching, day(t, r.date), r.hours)
	}
	return s, T
}

func calendar(t *testing.T, rows ...store.CalendarSpan) *Calendar {
	t.Helper()
	c, err := NewCalendar(rows)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSchoolDays(t *testing.T) {
	cal := calendar(t,
		store.CalendarSpan{From: "2026-10-01", To: "2026-10-07", Kind: "holiday"},  // National Day
		store.CalendarSpan{From: "2026-10-10", Kind: "schoolday"},                  // make-up Saturday
		store.CalendarSpan{From: "2026-10-09", Kind: "holiday", SchoolID: "SCH"},   // one school's own day off
		store.CalendarSpan{From: "2026-10-10", Kind: "holiday", SchoolID: "OTHER"}, // overrides the district make-up day
	)
	for _, tc := range []struct {
		school, date string
		want         bool
	}{
		{"SCH", "2026-09-30", true},    // Wednesday
		{"SCH", "2026-10-01", false},   // holiday
		{"SCH", "2026-10-07", false},   // last day of the holiday span
		{"SCH", "2026-10-08", true},    // Thursday after
		{"SCH", "2026-10-09", false},   // the school's own holiday
		{"ELSE", "2026-10-09", true},   // other schools keep the day
		{"SCH", "2026-10-10", true},    // make-up Saturday
		{"OTHER", "2026-10-10", false}, // school row overrides district row
		{"SCH", "2026-10-11", false},   // Sunday
	} {
		if got := cal.IsSchoolDay(tc.school, day(t, tc.date)); got != tc.want {
			t.Errorf("IsSchoolDay(%s, %s) = %v, want %v", tc.school, tc.date, got, tc.want)
		}
	}
	if got := cal.NextSchoolDay("SCH", day(t, "2026-10-01")); got.String() != "2026-10-08" {
		t.Errorf("NextSchoolDay after the holiday start = %s, want 2026-10-08", got)
	}
}

func TestWindowsAndStreaks(t *testing.T) {
	holidays := calendar(t,
		store.CalendarSpan{From: "2026-10-01", To: "2026-10-07", Kind: "holiday"},
		store.CalendarSpan{From: "2026-10-10", Kind: "schoolday"},
	)
	for _, tc := range []struct {
		name                string
		cal                 *Calendar
		at                  string
		abs                 []fixture
		n                   int
		absences, unexcused int
		rate                float64
		streak, unexStreak  int
	}{
		{
			name: "window across a month end, T included",
			cal:  calendar(t), at: "2026-10-02", // Friday
			abs: []fixture{{"2026-09-28", 'a', 0}, {"2026-09-30", 's', 0}, {"2026-10-01", 'l', 0}, {"2026-10-02", 'a', 0}},
			n:   5, absences: 4, unexcused: 2, rate: 4.0 / 5, streak: 3, unexStreak: 1,
		},
		{
			name: "n days end at T: the 6th day back is outside a 5-day window",
			cal:  calendar(t), at: "2026-10-02",
			abs: []fixture{{"2026-09-27", 'a', 0}}, // Sunday: not a school day anyway
			n:   7, absences: 0, unexcused: 0, rate: 0, streak: 0, unexStreak: 0,
		},
		{
			name: "streak runs across a weekend",
			cal:  calendar(t), at: "2026-09-29", // Tuesday
			abs: []fixture{{"2026-09-24", 'a', 0}, {"2026-09-25", 'a', 0}, {"2026-09-28", 'a', 0}, {"2026-09-29", 'a', 0}},
			n:   14, absences: 4, unexcused: 4, rate: 4.0 / 10, streak: 4, unexStreak: 4,
		},
		{
			name: "streak runs across a holiday and a make-up Saturday",
			cal:  holidays, at: "2026-10-12", // Monday
			abs: []fixture{{"2026-09-29", 'a', 0}, {"2026-09-30", 'a', 0}, {"2026-10-08", 'a', 0}, {"2026-10-09", 'a', 0},
				{"2026-10-10", 'a', 0}, {"2026-10-12", 'a', 0}},
			n: 14, absences: 6, unexcused: 6, rate: 1, streak: 6, unexStreak: 6, // 6 school days in the window
		},
		{
			name: "records on holidays and weekends never count",
			cal:  holidays, at: "2026-10-09",
			abs: []fixture{{"2026-10-03", 'a', 0}, {"2026-10-04", 'a', 0}, {"2026-10-05", 'a', 0}, {"2026-10-09", 'a', 0}},
			n:   10, absences: 1, unexcused: 1, rate: 1.0 / 3, streak: 1, unexStreak: 1, // 09-30, 10-08, 10-09
		},
		{
			name: "T is a Sunday: the streak counts back from Friday",
			cal:  calendar(t), at: "2026-10-04",
			abs: []fixture{{"2026-10-01", 's', 0}, {"2026-10-02", 'a', 0}},
			n:   3, absences: 1, unexcused: 1, rate: 1.0, streak: 2, unexStreak: 1,
		},
		{
			name: "present on the last school day: no streak",
			cal:  calendar(t), at: "2026-10-02",
			abs: []fixture{{"2026-09-30", 'a', 0}, {"2026-10-01", 'a', 0}},
			n:   30, absences: 2, unexcused: 2, rate: 2.0 / 22, streak: 0, unexStreak: 0,
		},
		{
			name: "an excused day breaks the unexcused streak only",
			cal:  calendar(t), at: "2026-10-02",
			abs: []fixture{{"2026-09-29", 'a', 0}, {"2026-09-30", 'a', 0}, {"2026-10-01", 'l', 0}, {"2026-10-02", 'a', 0}},
			n:   4, absences: 4, unexcused: 3, rate: 1, streak: 4, unexStreak: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := build(t, tc.cal, tc.at, "2011-05-01", tc.abs, nil, nil)
			w := &studentWindows{s: s}
			if got := w.Absences(tc.n); got != tc.absences {
				t.Errorf("absences(%d) = %d, want %d", tc.n, got, tc.absences)
			}
			if got := w.Unexcused(tc.n); got != tc.unexcused {
				t.Errorf("unexcused(%d) = %d, want %d", tc.n, got, tc.unexcused)
			}
			if got := w.AbsenceRate(tc.n); got != tc.rate {
				t.Errorf("absence_rate(%d) = %v, want %v", tc.n, got, tc.rate)
			}
			f := &rules.Facts{W: w}
			fill(f, w, s)
			if f.AbsentStreak != tc.streak || f.UnexcusedStreak != tc.unexStreak {
				t.Errorf("streaks = %d, %d; want %d, %d", f.AbsentStreak, f.UnexcusedStreak, tc.streak, tc.unexStreak)
			}
		})
	}
}

func TestContactsAndHomeTeaching(t *testing.T) {
	s, _ := build(t, calendar(t), "2026-10-04", "2011-05-01", nil,
		[]fixture{{"2026-09-05", 0, 0}, {"2026-09-27", 0, 0}, {"2026-10-04", 0, 0}, {"2026-10-05", 0, 0}},
		[]fixture{{"2026-09-26", 0, 2}, {"2026-09-28", 0, 2}, {"2026-10-03", 0, 1}})
	w := &studentWindows{s: s}
	for _, tc := range []struct {
		name      string
		got, want int
	}{
		{"contacts(1): T itself, a Sunday, counts", w.Contacts(1), 1},
		{"contacts(8) reaches back to 2026-09-27", w.Contacts(8), 2},
		{"contacts(7) does not", w.Contacts(7), 1},
		{"contacts(30) includes 2026-09-05", w.Contacts(30), 3},
		{"sessions(7)", w.HomeTeachingSessions(7), 2},
		{"hours(7)", w.HomeTeachingHours(7), 3},
		{"hours(9)", w.HomeTeachingHours(9), 5},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

// TestREADMEExamples keeps the worked examples of the README true.
func TestREADMEExamples(t *testing.T) {
	cal := calendar(t,
		store.CalendarSpan{From: "2026-10-01", To: "2026-10-07", Kind: "holiday"},
		store.CalendarSpan{From: "2026-10-10", Kind: "schoolday"},
	)
	const at = "2026-10-12"
	check := func(name string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	s, T := build(t, cal, at, "2011-10-12", []fixture{{"2026-09-30", 'a', 0}, {"2026-10-03", 'a', 0}, {"2026-10-10", 'a', 0}}, nil, nil)
	w := &studentWindows{s: s}
	check("absences(14)", w.Absences(14), 2)
	check("absence_rate(14)", w.AbsenceRate(14), 2.0/6)
	s, _ = build(t, cal, at, "2011-10-12", []fixture{{"2026-09-30", 'a', 0}, {"2026-10-10", 's', 0}}, nil, nil)
	check("unexcused(14)", (&studentWindows{s: s}).Unexcused(14), 1)
	s, _ = build(t, cal, at, "2011-10-12", []fixture{{"2026-09-30", 'a', 0}, {"2026-10-08", 'a', 0}, {"2026-10-09", 'a', 0},
		{"2026-10-10", 'a', 0}, {"2026-10-12", 'a', 0}}, nil, nil)
	check("absent_streak", streak(s.abs, s.win, false), 5)
	s, _ = build(t, cal, at, "2011-10-12", []fixture{{"2026-10-09", 'a', 0}, {"2026-10-10", 's', 0}, {"2026-10-12", 'a', 0}}, nil, nil)
	check("unexcused_streak", streak(s.abs, s.win, true), 1)
	s, _ = build(t, cal, at, "2011-10-12", nil, []fixture{{"2026-10-05", 0, 0}, {"2026-10-12", 0, 0}},
		[]fixture{{"2026-10-04", 0, 2}, {"2026-10-10", 0, 1}})
	w = &studentWindows{s: s}
	check("contacts(7)", w.Contacts(7), 1)
	check("contacts(8)", w.Contacts(8), 2)
	check("home_teaching_sessions(7)", w.HomeTeachingSessions(7), 1)
	check("home_teaching_hours(9)", w.HomeTeachingHours(9), 3)
	check("home_teaching_sessions_of(9, 2)", w.HomeTeachingSessionsOf(9, 2), 1)
	check("home_teaching_sessions_of(9, 1)", w.HomeTeachingSessionsOf(9, 1), 2)
	check("age born 2011-10-12", civil.AgeAt(day(t, "2011-10-12"), T), 15)
	check("age born 2011-10-13", civil.AgeAt(day(t, "2011-10-13"), T), 14)
	s.row.ReturnedAt = "2026-09-01"
	if err := s.load(); err != nil {
		t.Fatal(err)
	}
	f := &rules.Facts{W: w}
	fill(f, w, s)
	check("days_since_return", f.Student.DaysSinceReturn, 41)
}
