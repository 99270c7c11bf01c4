package config

import (
	"testing"
	"time"
)

func TestMatches(t *testing.T) {
	m := Match{School: StringList{"SCH01", "SCH02"}, Severity: StringList{"critical"}}
	cases := []struct {
		school, center, role, severity string
		want                           bool
	}{
		{"SCH01", "", "teacher", "critical", true},
		{"SCH02", "east", "principal", "critical", true},
		{"SCH03", "", "teacher", "critical", false},
		{"SCH01", "", "teacher", "high", false},
	}
	for _, tc := range cases {
		if got := m.Matches(tc.school, tc.center, tc.role, tc.severity); got != tc.want {
			t.Errorf("Matches(%s, %s, %s, %s) = %v, want %v", tc.school, tc.center, tc.role, tc.severity, got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	r := Retry{MaxAttempts: 8, Initial: Duration(30 * time.Second), Max: Duration(time.Hour)}
	huge := Retry{Initial: Duration(time.Second), Max: Duration(1<<63 - 1)}
	cases := []struct {
		r       Retry
		attempt int
		want    time.Duration
	}{
		{r, 1, 30 * time.Second},
		{r, 2, time.Minute},
		{r, 4, 4 * time.Minute},
		{r, 7, 32 * time.Minute},
		{r, 8, time.Hour},
		{r, 100, time.Hour},
		{huge, 200, 1<<63 - 1},
	}
	for _, tc := range cases {
		if got := tc.r.Backoff(tc.attempt); got != tc.want {
			t.Errorf("Backoff(%d) = %v, want %v", tc.attempt, got, tc.want)
		}
	}
}
