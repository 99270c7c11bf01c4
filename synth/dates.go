package synth

import "baoxue/civil"

// Dates are day numbers, civil.Day counts (days since 1970-01-01), held as
// int32 so they pack beside the int32 indices of the student and contact
// records. The helpers below are the one place they cross into civil.

// daysFromCivil returns the day number of y-m-d.
func daysFromCivil(y, m, d int) int32 { return int32(civil.FromDate(y, m, d)) }

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int32) (y, m, d int) { return civil.Day(z).Date() }

// weekday returns 0 for Sunday through 6 for Saturday.
func weekday(day int32) int { return int(civil.Day(day).Weekday()) }

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
