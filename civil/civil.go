// Package civil converts proleptic Gregorian dates to and from day numbers,
// days since 1970-01-01: the form in which baoxue does date arithmetic in
// hot loops (no time.Time, no time zone). The algorithms are Howard
// Hinnant's days_from_civil and civil_from_days. It also parses the
// durations written in days, weeks and years that flags, config and rule
// files share (ParseDuration).
package civil

// Days returns the day number of y-m-d.
func Days(y, m, d int) int32 {
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
	return int32(era*146097 + doe - 719468)
}

// Date is the inverse of Days.
func Date(days int32) (y, m, d int) {
	z := int(days) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}
