package rules

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"baoxue/civil"
	"baoxue/i18n"
)

// maxDurationDays bounds durations so that day arithmetic cannot overflow.
const maxDurationDays = 3660

// ParseDuration parses a rule-file duration: "Nd" (N calendar days of 24
// hours), "Nh", "Nm" or any Go duration ("36h", "1h30m"). Negative durations,
// durations over ten years and anything else are errors whose message says
// what is accepted.
//
// It is civil.ParseDuration narrowed: rule files take no weeks, years or
// "1d12h", so a d, w or y anywhere but a final d is wrong (Go durations have
// none of them).
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "dwy"); i >= 0 && (i < len(s)-1 || s[i] != 'd') {
		return 0, badDuration(s)
	}
	d, err := civil.ParseDuration(s)
	if de := (*civil.DurationError)(nil); errors.As(err, &de) && de.Range {
		// A count of days too large for a time.Duration is negative or too
		// long, if it is a number at all.
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		switch {
		case err != nil:
			return 0, badDuration(s)
		case n < 0:
			return 0, negativeDuration(s)
		}
		return 0, longDuration(s)
	}
	switch {
	case err != nil:
		return 0, badDuration(s)
	case d < 0:
		return 0, negativeDuration(s)
	case d > maxDurationDays*24*time.Hour:
		return 0, longDuration(s)
	}
	return d, nil
}

func negativeDuration(s string) error { return i18n.Errorf("rules.duration.negative", s) }

func longDuration(s string) error {
	return i18n.Errorf("rules.duration.long", s, maxDurationDays)
}

func badDuration(s string) error {
	if s == "" {
		return i18n.Errorf("rules.duration.empty")
	}
	return i18n.Errorf("rules.duration.bad", s)
}
