package config

import (
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestParseDuration(t *testing.T) {
	const d = 24 * time.Hour
	cases := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"7d", 7 * d, false},
		{"0d", 0, false},
		{"2w", 14 * d, false},
		{"3y", 3 * 365 * d, false},
		{"1d12h", d + 12*time.Hour, false},
		{"-7d", -7 * d, false},
		{"30s", 30 * time.Second, false},
		{"1h30m", 90 * time.Minute, false},
		{"-1h", -time.Hour, false},
		{"0", 0, false},
		{"7", 0, true},
		{"", 0, true},
		{"d", 0, true},
		{"1.5d", 0, true},
		{"7x", 0, true},
		{"1d-2h", 0, true},
		{"1dd", 0, true},
		{"99999999999d", 0, true},
		{"99999999999999999999d", 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDuration(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseDuration(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("ParseDuration(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestDurationYAML(t *testing.T) {
	cases := []struct {
		d    Duration
		text string
	}{
		{Duration(7 * 24 * time.Hour), "7d"},
		{Duration(1095 * 24 * time.Hour), "1095d"},
		{Duration(36 * time.Hour), "36h0m0s"},
		{Duration(30 * time.Second), "30s"},
		{0, "0s"},
	}
	for _, tc := range cases {
		t.Run(tc.text, func(t *testing.T) {
			out, err := yaml.Marshal(tc.d)
			if err != nil || string(out) != tc.text+"\n" {
				t.Fatalf("Marshal(%v) = %q, %v; want %q", time.Duration(tc.d), out, err, tc.text)
			}
			var back Duration
			if err := yaml.Unmarshal(out, &back); err != nil || back != tc.d {
				t.Errorf("Unmarshal(%q) = %v, %v; want %v", out, back, err, tc.d)
			}
		})
	}
}
