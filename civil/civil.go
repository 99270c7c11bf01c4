// Package civil holds baoxue's calendar dates: Day, a date as a count of days
// since 1970-01-01, the form in which baoxue does date arithmetic in hot
// loops (no time.Time, no time zone). FromDate and Day.Date convert to and
// from proleptic Gregorian year, month and day with Howard Hinnant's
// days_from_civil and civil_from_days. The package also parses the
// durations written in days, weeks and years that flags, config and rule
// files share (ParseDuration).
package civil

// FromDate returns the Day of y-m-d. Out-of-range months and days are not
// checked; ParseDay is the checked way in.
func FromDate(y, m, d int) Day {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Day(era*146097 + doe - 719468)
}

// Date returns the year, month (1-12) and day of the month of d; it is the
// inverse of FromDate.
func (d Day) Date() (year, month, day int) {
	z := int(d) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		month = mp + 3
	} else {
		month = mp - 9
	}
	if month <= 2 {
		y++
	}
	return y, month, day
}
