package synth

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func day(y, m, d int) int32 { return daysFromCivil(y, m, d) }

func TestDaysMatchTimePackage(t *testing.T) {
	for d := day(1990, 1, 1); d <= day(2040, 12, 31); d++ {
		want := time.Unix(int64(d)*86400, 0).UTC()
		y, m, dd := civilFromDays(d)
		if y != want.Year() || m != int(want.Month()) || dd != want.Day() {
			t.Fatalf("civilFromDays(%d) = %d-%d-%d, want %s", d, y, m, dd, want.Format(time.DateOnly))
		}
		if got := daysFromCivil(y, m, dd); got != d {
			t.Fatalf("daysFromCivil(%d-%d-%d) = %d, want %d", y, m, dd, got, d)
		}
		if weekday(d) != int(want.Weekday()) {
			t.Fatalf("weekday(%s) = %d, want %d", want.Format(time.DateOnly), weekday(d), want.Weekday())
		}
		if dateString(d) != want.Format(time.DateOnly) {
			t.Fatalf("dateString(%d) = %s", d, dateString(d))
		}
	}
}

// TestSchoolDays checks the school days of a window against the published
// holidays and make-up days and the school vacations.
func TestSchoolDays(t *testing.T) {
	tests := []struct {
		name       string
		start, end int32
		school     []string // school days
		off        []string // not school days
		count      int      // school days in the window, 0: not checked
	}{
		{
			name: "autumn 2026", start: day(2026, 9, 1), end: day(2026, 11, 27),
			school: []string{"2026-09-01", "2026-09-20", "2026-09-24", "2026-09-28", "2026-10-08", "2026-10-10", "2026-11-27"},
			off:    []string{"2026-09-05", "2026-09-25", "2026-10-01", "2026-10-05", "2026-10-07", "2026-10-11"},
			// 64 weekdays, minus 25 Sep and 1, 2, 5, 6, 7 Oct, plus 20 Sep and 10 Oct.
			count: 60,
		},
		{
			name: "winter 2026", start: day(2026, 1, 5), end: day(2026, 3, 13),
			school: []string{"2026-01-04", "2026-01-05", "2026-01-23", "2026-03-02"},
			// Winter vacation from 24 Jan; the make-up Saturdays 14 and 28 Feb
			// fall in it and are no school days.
			off: []string{"2026-01-24", "2026-01-26", "2026-02-14", "2026-02-16", "2026-02-28", "2026-02-27"},
		},
		{
			name: "spring 2025", start: day(2025, 3, 1), end: day(2025, 7, 15),
			school: []string{"2025-03-03", "2025-04-03", "2025-04-27", "2025-06-03", "2025-07-04"},
			off:    []string{"2025-04-04", "2025-05-01", "2025-05-05", "2025-06-02", "2025-07-07"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One school: its closure row must not change the district's days.
			c := buildCalendar(rand.New(rand.NewPCG(1, 1)), tt.start, tt.end, 1)
			var got []string
			for _, d := range c.district {
				got = append(got, dateString(d))
			}
			for _, d := range tt.school {
				if !slices.Contains(got, d) && d >= dateString(tt.start) {
					t.Errorf("%s is not a school day", d)
				}
			}
			for _, d := range tt.off {
				if slices.Contains(got, d) {
					t.Errorf("%s is a school day", d)
				}
			}
			if tt.count != 0 && len(got) != tt.count {
				t.Errorf("%d school days, want %d", len(got), tt.count)
			}
			for _, d := range c.offDays {
				if slices.Contains(c.district, d) {
					t.Errorf("%s is both a school day and an off day", dateString(d))
				}
			}
			if len(c.offDays)+len(c.district) != int(tt.end-tt.start+1) {
				t.Errorf("%d off days + %d school days != %d days", len(c.offDays), len(c.district), tt.end-tt.start+1)
			}
		})
	}
}

// TestSchoolClosure checks the one school-specific closure: a holiday on a
// district school day, a make-up Saturday, and both only for that school.
func TestSchoolClosure(t *testing.T) {
	c := buildCalendar(rand.New(rand.NewPCG(7, 7)), day(2026, 9, 1), day(2026, 11, 27), 5)
	var own []calRow
	for _, row := range c.rows {
		if row.school >= 0 {
			own = append(own, row)
		}
	}
	if len(own) != 2 || !own[0].holiday || own[1].holiday || own[0].school != own[1].school {
		t.Fatalf("school rows = %+v, want a closure and a make-up day of one school", own)
	}
	s := own[0].school
	closed, makeUp := own[0].from, own[1].from
	if !slices.Contains(c.district, closed) || slices.Contains(c.schoolDays(s), closed) {
		t.Errorf("closure %s: want a district school day that is off for school %d", dateString(closed), s)
	}
	if weekday(makeUp) != 6 || slices.Contains(c.district, makeUp) || !slices.Contains(c.schoolDays(s), makeUp) {
		t.Errorf("make-up %s: want a Saturday that is a school day for school %d only", dateString(makeUp), s)
	}
	other := (s + 1) % 5
	if !slices.Equal(c.schoolDays(other), c.district) {
		t.Errorf("school %d does not follow the district calendar", other)
	}
}

func TestCalendarRowsUnique(t *testing.T) {
	for y := 2021; y <= 2031; y++ {
		c := buildCalendar(rand.New(rand.NewPCG(1, uint64(y))), day(y, 1, 1), day(y+1, 12, 31), 3)
		seen := map[[2]int32]bool{}
		for _, row := range c.rows {
			k := [2]int32{row.from, int32(row.school)}
			if seen[k] {
				t.Errorf("%d: two rows from %s for school %d", y, dateString(row.from), row.school)
			}
			seen[k] = true
			if row.to < row.from {
				t.Errorf("%d: row %+v ends before it starts", y, row)
			}
		}
	}
}

func TestPublicHolidays2026(t *testing.T) {
	off, work := publicHolidays(2026)
	var got []string
	for _, s := range off {
		got = append(got, dateString(s.from)+".."+dateString(s.to))
	}
	want := []string{"2026-01-01..2026-01-03", "2026-02-15..2026-02-23", "2026-04-04..2026-04-06",
		"2026-05-01..2026-05-05", "2026-06-19..2026-06-21", "2026-09-25..2026-09-27", "2026-10-01..2026-10-07"}
	if !slices.Equal(got, want) {
		t.Errorf("2026 holidays = %v, want %v", got, want)
	}
	var gotWork []string
	for _, s := range work {
		gotWork = append(gotWork, dateString(s.from))
	}
	wantWork := []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}
	if !slices.Equal(gotWork, wantWork) {
		t.Errorf("2026 make-up days = %v, want %v", gotWork, wantWork)
	}
	for _, d := range work {
		if !isWeekend(d.from) {
			t.Errorf("make-up day %s is not a weekend day", dateString(d.from))
		}
	}
}
