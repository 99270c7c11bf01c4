package civil

import (
	"errors"
	"testing"
	"time"
)

func TestParseDurationError(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		err     string
		inRange bool
	}{
		{"1d12h", 36 * time.Hour, "", false},
		{"-2w", -14 * 24 * time.Hour, "", false},
		{"7x", 0, `bad duration "7x": want Nd, Nw, Ny or a Go duration like 30s or 1h30m`, false},
		{"99999999999d", 0, `bad duration "99999999999d": too large`, true},
		{"99999999999999999999d", 0, `bad duration "99999999999999999999d": too large`, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDuration(tc.in)
			if tc.err == "" {
				if err != nil || got != tc.want {
					t.Fatalf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
				}
				return
			}
			var de *DurationError
			if !errors.As(err, &de) || err.Error() != tc.err || de.Range != tc.inRange {
				t.Fatalf("ParseDuration(%q) error = %v (%#v), want %q, Range %v", tc.in, err, de, tc.err, tc.inRange)
			}
		})
	}
}
