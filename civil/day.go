package civil

import (
	"fmt"
	"time"
)

// Day is a calendar date as a count of days since 1970-01-01; 0 is
// 1970-01-01 and earlier dates are negative. Dates in baoxue are local
// school dates without a time of day, so plain day arithmetic is exact: no
// time zones, no daylight saving.
type Day int32

// DayOf returns the date of t in t's location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return FromDate(y, int(m), d)
}

// ParseDay parses a date written "YYYY-MM-DD". Anything else, or a date
// that does not exist (2026-02-29), is an error naming s.
func ParseDay(s string) (Day, error) {
	d, ok := ParseDayBytes([]byte(s))
	if !ok {
		return 0, fmt.Errorf("date %q is not a valid date written YYYY-MM-DD", s)
	}
	return d, nil
}

// ParseDayBytes is ParseDay for bytes without the error: ok is false where
// ParseDay fails. It does not allocate; it is for the hot read path.
func ParseDayBytes(b []byte) (d Day, ok bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	y, ok1 := digits(b[0:4])
	m, ok2 := digits(b[5:7])
	dd, ok3 := digits(b[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || dd < 1 || dd > daysIn(y, m) {
		return 0, false
	}
	return FromDate(y, m, dd), true
}

// digits parses b as an unsigned decimal number.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// daysIn returns the number of days in month m of year y.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// String formats the day as "YYYY-MM-DD".
func (d Day) String() string {
	return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02")
}

// Weekday returns the day of the week.
func (d Day) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday((int(d)%7 + 7 + 4) % 7)
}

// AgeAt returns the full years between birth and at; a birthday on at
// counts. Someone born on 29 February turns a year older on 1 March in
// other years.
func AgeAt(birth, at Day) int {
	by, bm, bd := birth.Date()
	ay, am, ad := at.Date()
	age := ay - by
	if am < bm || (am == bm && ad < bd) {
		age--
	}
	return age
}
