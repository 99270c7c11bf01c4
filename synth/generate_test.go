package synth

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestGenerateImportsCleanly generates districts of several sizes and data
// windows and checks every file against the import format: headers,
// references, unique keys, value domains, identity numbers.
func TestGenerateImportsCleanly(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
	}{
		{"one student", Options{Students: 1}},
		{"tiny", Options{Students: 37, Seed: 5}},
		{"one school", Options{Students: 550, Seed: 2}},
		{"several schools", Options{Students: 4000, Seed: 11}},
		{"spring semester", Options{Students: 2500, Seed: 4, End: date(2026, 5, 15)}},
		{"through winter vacation", Options{Students: 1500, Seed: 9, End: date(2026, 3, 13), Start: date(2026, 1, 5)}},
		{"year without official holidays", Options{Students: 1200, Seed: 8, End: date(2028, 10, 20)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sum, err := Generate(context.Background(), dir, tt.opt)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			d := loadDistrict(t, dir, tt.opt)
			d.checkSummary(t, sum)
			d.checkAll(t)
		})
	}
}

// TestGenerateShares checks that a district of 20,000 students looks like
// rural Chongqing and holds each rare case the ledger and rules look for.
func TestGenerateShares(t *testing.T) {
	dir := t.TempDir()
	opt := Options{Students: 20000, Seed: 3}
	if _, err := Generate(context.Background(), dir, opt); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	d := loadDistrict(t, dir, opt)
	d.checkAll(t)
	d.checkShares(t)
	d.checkStructure(t)
	d.checkAttendanceShape(t)
	d.checkLedgerCases(t)
}

func TestGenerateDeterministic(t *testing.T) {
	opt := Options{Students: 3000, Seed: 42}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, dir := range []string{a, b} {
		if _, err := Generate(context.Background(), dir, opt); err != nil {
			t.Fatalf("Generate: %v", err)
		}
	}
	other := opt
	other.Seed = 43
	if _, err := Generate(context.Background(), c, other); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	for _, name := range fileOrder() {
		x, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with seed %d", name, opt.Seed)
		}
		if name == "students.csv" || name == "attendance.csv" {
			z, err := os.ReadFile(filepath.Join(c, name))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(x, z) {
				t.Errorf("%s is the same for seeds 42 and 43", name)
			}
		}
	}
}

func TestGenerateOptions(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		opt  Options
		want error
	}{
		{"no students", context.Background(), Options{}, ErrOptions},
		{"negative students", context.Background(), Options{Students: -3}, ErrOptions},
		{"start after end", context.Background(), Options{Students: 10, Start: date(2026, 12, 1)}, ErrOptions},
		{"window too long", context.Background(), Options{Students: 10, Start: date(2023, 9, 1)}, ErrOptions},
		{"canceled", canceled, Options{Students: 10}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate(tt.ctx, t.TempDir(), tt.opt)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Generate = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		name       string
		opt        Options
		start, end string
		schoolYear int
		seed       uint64
	}{
		{"defaults", Options{Students: 1}, "2026-09-01", "2026-11-27", 2026, 1},
		{"spring", Options{Students: 1, Seed: 9, End: date(2026, 5, 15)}, "2026-03-01", "2026-05-15", 2025, 9},
		{"january", Options{Students: 1, End: date(2027, 1, 8)}, "2026-09-01", "2027-01-08", 2026, 1},
		{"explicit start", Options{Students: 1, Start: date(2026, 10, 8)}, "2026-10-08", "2026-11-27", 2026, 1},
		{"time of day ignored", Options{Students: 1, End: time.Date(2026, 11, 20, 23, 59, 0, 0, time.FixedZone("CST", 8*3600))},
			"2026-09-01", "2026-11-20", 2026, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.opt.resolve()
			if err != nil {
				t.Fatal(err)
			}
			if got := dateString(r.start); got != tt.start {
				t.Errorf("start = %s, want %s", got, tt.start)
			}
			if got := dateString(r.end); got != tt.end {
				t.Errorf("end = %s, want %s", got, tt.end)
			}
			if r.schoolYear != tt.schoolYear || r.seed != tt.seed {
				t.Errorf("school year, seed = %d, %d; want %d, %d", r.schoolYear, r.seed, tt.schoolYear, tt.seed)
			}
		})
	}
}
