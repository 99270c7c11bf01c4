package synth

import (
	"math/rand/v2"
	"sort"
)

// calRow is one row of calendar.csv.
type calRow struct {
	from, to int32
	holiday  bool // false: a make-up school day (调休)
	school   int  // -1: every school
	note     string
}

// span is a run of days off; workday a weekend day that is a school day.
type span struct {
	from, to int32
	note     string
}

// lunarDates returns the Gregorian month*100+day of Spring Festival
// (正月初一), the Dragon Boat Festival and the Mid-Autumn Festival of year y;
// ok is false outside 2020-2035.
func lunarDates(y int) (dates [3]int, ok bool) {
	if y < 2020 || y > 2035 {
		return dates, false
	}
	return [16][3]int{
		{125, 625, 1001}, {212, 614, 921}, {201, 603, 910}, {122, 622, 929},
		{210, 610, 917}, {129, 531, 1006}, {217, 619, 925}, {206, 609, 915},
		{126, 528, 1003}, {213, 616, 922}, {203, 605, 912}, {123, 624, 1001},
		{211, 612, 919}, {131, 601, 908}, {219, 620, 927}, {208, 610, 916},
	}[y-2020], true
}

// publicHolidays returns the days off and make-up working days of year y:
// the State Council's published arrangement for 2024-2026, and for other
// years an approximation (the statutory days, with the lunar festivals for
// 2020-2035 and no make-up days).
func publicHolidays(y int) ([]span, []span) {
	d := func(m, day int) int32 { return daysFromCivil(y, m, day) }
	switch y {
	case 2024:
		return []span{
				{daysFromCivil(2023, 12, 30), d(1, 1), "元旦"}, {d(2, 10), d(2, 17), "春节"}, {d(4, 4), d(4, 6), "清明节"},
				{d(5, 1), d(5, 5), "劳动节"}, {d(6, 8), d(6, 10), "端午节"}, {d(9, 15), d(9, 17), "中秋节"},
				{d(10, 1), d(10, 7), "国庆节"},
			}, []span{
				{d(2, 4), d(2, 4), "春节调休上课"}, {d(2, 18), d(2, 18), "春节调休上课"},
				{d(4, 7), d(4, 7), "清明节调休上课"}, {d(4, 28), d(4, 28), "劳动节调休上课"},
				{d(5, 11), d(5, 11), "劳动节调休上课"}, {d(9, 14), d(9, 14), "中秋节调休上课"},
				{d(9, 29), d(9, 29), "国庆节调休上课"}, {d(10, 12), d(10, 12), "国庆节调休上课"},
			}
	case 2025:
		return []span{
				{d(1, 1), d(1, 1), "元旦"}, {d(1, 28), d(2, 4), "春节"}, {d(4, 4), d(4, 6), "清明节"},
				{d(5, 1), d(5, 5), "劳动节"}, {d(5, 31), d(6, 2), "端午节"}, {d(10, 1), d(10, 8), "国庆节、中秋节"},
			}, []span{
				{d(1, 26), d(1, 26), "春节调休上课"}, {d(2, 8), d(2, 8), "春节调休上课"},
				{d(4, 27), d(4, 27), "劳动节调休上课"}, {d(9, 28), d(9, 28), "国庆节调休上课"},
				{d(10, 11), d(10, 11), "国庆节调休上课"},
			}
	case 2026:
		return []span{
				{d(1, 1), d(1, 3), "元旦"}, {d(2, 15), d(2, 23), "春节"}, {d(4, 4), d(4, 6), "清明节"},
				{d(5, 1), d(5, 5), "劳动节"}, {d(6, 19), d(6, 21), "端午节"}, {d(9, 25), d(9, 27), "中秋节"},
				{d(10, 1), d(10, 7), "国庆节"},
			}, []span{
				{d(1, 4), d(1, 4), "元旦调休上课"}, {d(2, 14), d(2, 14), "春节调休上课"},
				{d(2, 28), d(2, 28), "春节调休上课"}, {d(5, 9), d(5, 9), "劳动节调休上课"},
				{d(9, 20), d(9, 20), "国庆节调休上课"}, {d(10, 10), d(10, 10), "国庆节调休上课"},
			}
	}
	off := []span{{d(1, 1), d(1, 1), "元旦"}}
	qingming := 5
	if y%4 <= 1 {
		qingming = 4
	}
	if l, ok := lunarDates(y); ok {
		cny := d(l[0]/100, l[0]%100)
		off = append(off, span{cny - 1, cny + 6, "春节"})
		off = append(off, span{d(4, qingming), d(4, qingming), "清明节"})
		off = append(off, span{d(5, 1), d(5, 5), "劳动节"})
		off = append(off, span{d(l[1]/100, l[1]%100), d(l[1]/100, l[1]%100), "端午节"})
		off = append(off, span{d(l[2]/100, l[2]%100), d(l[2]/100, l[2]%100), "中秋节"})
	} else {
		off = append(off, span{d(4, qingming), d(4, qingming), "清明节"}, span{d(5, 1), d(5, 5), "劳动节"})
	}
	off = append(off, span{d(10, 1), d(10, 7), "国庆节"})
	return off, nil
}

// vacations returns the winter vacation at the start of year y (from about
// three weeks before Spring Festival to the Monday the spring semester
// starts, no later than the first Monday of March) and the summer vacation
// (the first Saturday of July to August 31).
func vacations(y int) []span {
	cny := daysFromCivil(y, 2, 5)
	if l, ok := lunarDates(y); ok {
		cny = daysFromCivil(y, l[0]/100, l[0]%100)
	}
	winterFrom := max(onOrAfter(cny-24, 6), onOrAfter(daysFromCivil(y, 1, 15), 6))
	winterFrom = min(winterFrom, onOrAfter(daysFromCivil(y, 1, 31), 6))
	spring := min(onOrAfter(cny+15, 1), onOrAfter(daysFromCivil(y, 3, 1), 1))
	return []span{
		{winterFrom, spring - 1, "寒假"},
		{onOrAfter(daysFromCivil(y, 7, 1), 6), daysFromCivil(y, 8, 31), "暑假"},
	}
}

// schedule answers which days of the data window are school days.
type schedule struct {
	start, end int32
	rows       []calRow
	district   []int32 // school days of the window for every school ...
	special    int     // ... except this one (-1: none),
	specialDay []int32 // whose school days are these
	offDays    []int32 // weekdays and weekends of the window that are not school days anywhere
}

// schoolDays returns the school days of the window for school s, ascending.
func (c *schedule) schoolDays(s int) []int32 {
	if s == c.special {
		return c.specialDay
	}
	return c.district
}

// buildCalendar writes the rows of calendar.csv covering the window (and
// 45 days after it) and the school days of the window. One school gets a
// day closed by a rainstorm and a make-up Saturday of its own.
func buildCalendar(r *rand.Rand, start, end int32, nschools int) *schedule {
	c := &schedule{start: start, end: end, special: -1}
	horizon := end + 45
	sy, _, _ := civilFromDays(start)
	ey, _, _ := civilFromDays(horizon)
	var off, work []span
	var vac []span
	for y := sy; y <= ey; y++ {
		o, w := publicHolidays(y)
		off = append(off, o...)
		work = append(work, w...)
		vac = append(vac, vacations(y)...)
	}
	inVacation := func(day int32) bool {
		for _, v := range vac {
			if day >= v.from && day <= v.to {
				return true
			}
		}
		return false
	}
	for _, s := range append(off, vac...) {
		if s.to >= start && s.from <= horizon {
			c.addRow(calRow{from: s.from, to: s.to, holiday: true, school: -1, note: s.note})
		}
	}
	for _, w := range work {
		if w.from >= start && w.from <= horizon && isWeekend(w.from) && !inVacation(w.from) {
			c.addRow(calRow{from: w.from, to: w.from, school: -1, note: w.note})
		}
	}
	c.district = c.days(-1)
	c.addClosure(r, nschools)
	sort.SliceStable(c.rows, func(i, j int) bool {
		if c.rows[i].from != c.rows[j].from {
			return c.rows[i].from < c.rows[j].from
		}
		return c.rows[i].school < c.rows[j].school
	})
	isSchool := make(map[int32]bool, len(c.district))
	for _, d := range c.district {
		isSchool[d] = true
	}
	for d := start; d <= end; d++ {
		if !isSchool[d] {
			c.offDays = append(c.offDays, d)
		}
	}
	return c
}

// addRow adds a row unless one with the same key (from, school) exists, in
// which case a holiday row is widened to cover both.
func (c *schedule) addRow(row calRow) {
	for i := range c.rows {
		old := &c.rows[i]
		if old.from == row.from && old.school == row.school {
			if old.holiday && row.holiday && row.to > old.to {
				old.to = row.to
			}
			return
		}
	}
	c.rows = append(c.rows, row)
}

// days computes the school days of the window for school s (-1: a school
// with no rows of its own): weekdays, minus holidays, plus make-up days, a
// school's own rows overriding the district's.
func (c *schedule) days(s int) []int32 {
	n := int(c.end - c.start + 1)
	school := make([]bool, n)
	for i := range school {
		school[i] = !isWeekend(c.start + int32(i))
	}
	apply := func(only int) {
		for _, row := range c.rows {
			if row.school != only {
				continue
			}
			for d := max(row.from, c.start); d <= min(row.to, c.end); d++ {
				school[d-c.start] = !row.holiday
			}
		}
	}
	apply(-1)
	if s >= 0 {
		apply(s)
	}
	out := make([]int32, 0, n)
	for i, ok := range school {
		if ok {
			out = append(out, c.start+int32(i))
		}
	}
	return out
}

// addClosure closes one school for a day of heavy rain within the window
// and, when the next Saturday is free, makes that Saturday a school day.
func (c *schedule) addClosure(r *rand.Rand, nschools int) {
	var weekdays []int32
	for _, d := range c.district {
		if !isWeekend(d) {
			weekdays = append(weekdays, d)
		}
	}
	if len(weekdays) == 0 {
		return
	}
	s := r.IntN(nschools)
	day := weekdays[r.IntN(len(weekdays))]
	c.rows = append(c.rows, calRow{from: day, to: day, holiday: true, school: s, note: "暴雨停课"})
	sat := onOrAfter(day, 6)
	free := sat <= c.end
	for _, row := range c.rows {
		if row.school == -1 && sat >= row.from && sat <= row.to {
			free = false
		}
	}
	if free {
		c.rows = append(c.rows, calRow{from: sat, to: sat, school: s, note: "补暴雨停课"})
	}
	c.special = s
	c.specialDay = c.days(s)
}
