package rules

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// maxDurationDays bounds durations so that day arithmetic cannot overflow.
const maxDurationDays = 3660

// ParseDuration parses a rule-file duration: "Nd" (N calendar days of 24
// hours), "Nh", "Nm" or any Go duration ("36h", "1h30m"). Negative durations,
// durations over ten years and anything else are errors whose message says
// what is accepted.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || strings.HasPrefix(days, "+") {
			return 0, badDuration(s)
		}
		if n < 0 {
			return 0, fmt.Errorf("duration %q is negative", s)
		}
		if n > maxDurationDays {
			return 0, fmt.Errorf("duration %q is longer than %d days", s, maxDurationDays)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		d, err = time.ParseDuration(s)
		if err != nil {
			return 0, badDuration(s)
		}
		if d < 0 {
			return 0, fmt.Errorf("duration %q is negative", s)
		}
		if d > maxDurationDays*24*time.Hour {
			return 0, fmt.Errorf("duration %q is longer than %d days", s, maxDurationDays)
		}
	}
	return d, nil
}

func badDuration(s string) error {
	if s == "" {
		return errors.New("duration is empty: write e.g. 7d (days), 12h (hours) or 30m (minutes)")
	}
	return fmt.Errorf("bad duration %q: write e.g. 7d (days), 12h (hours) or 30m (minutes)", s)
}
