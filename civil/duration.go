package civil

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// day is a calendar day as a duration: China has no daylight saving time,
// so a day is 24h.
const day = 24 * time.Hour

// dayUnits are the units ParseDuration adds to Go's: calendar days, weeks
// and years of 365 days.
var dayUnits = map[byte]time.Duration{'d': day, 'w': 7 * day, 'y': 365 * day}

// DurationError is the error of ParseDuration for Input. Range is true when
// the count of days, weeks or years is too large for a time.Duration, false
// when the syntax is wrong.
type DurationError struct {
	Input string
	Range bool
}

func (e *DurationError) Error() string {
	if e.Range {
		return fmt.Sprintf("bad duration %q: too large", e.Input)
	}
	return fmt.Sprintf("bad duration %q: want Nd, Nw, Ny or a Go duration like 30s or 1h30m", e.Input)
}

// ParseDuration parses a duration: "Nd" (days of 24h), "Nw" (weeks), "Ny"
// (years of 365 days), optionally followed by a Go duration ("1d12h"), or a
// plain Go duration ("30s", "1h30m", "0"). A leading "-" negates the whole
// duration. Errors are *DurationError.
func ParseDuration(s string) (time.Duration, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	unit, ok := time.Duration(0), false
	if i > 0 && i < len(s) {
		unit, ok = dayUnits[s[i]]
	}
	if !ok {
		d, err := time.ParseDuration(orig)
		if err != nil {
			return 0, &DurationError{Input: orig}
		}
		return d, nil
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil || n > math.MaxInt64/int64(unit) {
		return 0, &DurationError{Input: orig, Range: true}
	}
	d := time.Duration(n) * unit
	if rest := s[i+1:]; rest != "" {
		r, err := time.ParseDuration(rest)
		if err != nil || r < 0 || d > math.MaxInt64-r {
			return 0, &DurationError{Input: orig}
		}
		d += r
	}
	if neg {
		d = -d
	}
	return d, nil
}
