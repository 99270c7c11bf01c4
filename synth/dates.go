package synth

// Dates are day numbers: days since 1970-01-01 in the proleptic Gregorian
// calendar. They avoid time.Time in the hot loops and have no time zone.

// daysFromCivil returns the day number of y-m-d (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int32 {
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

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z32 int32) (y, m, d int) {
	z := int(z32) + 719468
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

// weekday returns 0 for Sunday through 6 for Saturday.
func weekday(day int32) int {
	w := (int(day) + 4) % 7 // 1970-01-01 was a Thursday
	if w < 0 {
		w += 7
	}
	return w
}

// isWeekend reports whether day is a Saturday or Sunday.
func isWeekend(day int32) bool {
	w := weekday(day)
	return w == 0 || w == 6
}

// onOrAfter returns the first day on or after day that falls on weekday wd.
func onOrAfter(day int32, wd int) int32 {
	return day + int32((wd-weekday(day)+7)%7)
}

// appendDate appends day as YYYY-MM-DD.
func appendDate(b []byte, day int32) []byte {
	y, m, d := civilFromDays(day)
	return append(b,
		byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-',
		byte('0'+d/10), byte('0'+d%10))
}

// appendDigits8 appends day as YYYYMMDD, as inside an identity number.
func appendDigits8(b []byte, day int32) []byte {
	y, m, d := civilFromDays(day)
	return append(b,
		byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10),
		byte('0'+m/10), byte('0'+m%10),
		byte('0'+d/10), byte('0'+d%10))
}

// dateString formats day as YYYY-MM-DD.
func dateString(day int32) string {
	return string(appendDate(make([]byte, 0, 10), day))
}
