package synth

import (
	"errors"
	"fmt"
	"time"
)

// Options says what to generate. Zero values take the defaults documented on
// each field.
type Options struct {
	// Students is the number of roster students (rows of students.csv); it
	// must be at least 1.
	Students int
	// Seed seeds every random choice; 0 means 1. The same Seed and options
	// give byte-identical files.
	Seed int64
	// End is the last day of attendance, contact and home-teaching data; only
	// its calendar date counts. Zero means 2026-11-27 (a Friday). Grades and
	// ages are those of the school year containing End.
	End time.Time
	// Start is the first day of that data. Zero means the first day of the
	// semester containing End: September 1 for an End in September to
	// February, March 1 for an End in March to August. It must not be after
	// End, nor more than two years before it.
	Start time.Time
}

// FileCount is the number of data rows (header excluded) written to one file.
type FileCount struct {
	// Name is the file name within the output directory, e.g. "students.csv".
	Name string
	// Rows counts data rows, not the header.
	Rows int
}

// Summary counts what Generate wrote, one entry per file in a fixed order.
type Summary struct {
	// Files lists every written file in the order schools, teachers,
	// villages, calendar, students, attendance, reports, contacts, home-teaching,
	// registry, platform, survey.
	Files []FileCount
}

// ErrOptions is returned (wrapped) by Generate for invalid Options.
var ErrOptions = errors.New("invalid options")

// maxWindowDays bounds Start..End so that per-student day buffers stay small.
const maxWindowDays = 2*366 + 1

// resolved is Options with defaults applied and dates as day numbers.
type resolved struct {
	students   int
	seed       uint64
	start, end int32 // days since 1970-01-01
	schoolYear int   // year of the September that starts the school year containing end
}

func (o Options) resolve() (resolved, error) {
	r := resolved{students: o.Students, seed: uint64(o.Seed)}
	if o.Students < 1 {
		return r, fmt.Errorf("students %d, want at least 1: %w", o.Students, ErrOptions)
	}
	if o.Seed == 0 {
		r.seed = 1
	}
	end := o.End
	if end.IsZero() {
		end = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	}
	ey, em, ed := end.Date()
	r.end = daysFromCivil(ey, int(em), ed)
	if em >= time.September {
		r.schoolYear = ey
	} else {
		r.schoolYear = ey - 1
	}
	if o.Start.IsZero() {
		switch {
		case em >= time.September:
			r.start = daysFromCivil(ey, 9, 1)
		case em >= time.March:
			r.start = daysFromCivil(ey, 3, 1)
		default:
			r.start = daysFromCivil(ey-1, 9, 1)
		}
	} else {
		sy, sm, sd := o.Start.Date()
		r.start = daysFromCivil(sy, int(sm), sd)
	}
	if r.start > r.end {
		return r, fmt.Errorf("start %s is after end %s: %w", dateString(r.start), dateString(r.end), ErrOptions)
	}
	if r.end-r.start+1 > maxWindowDays {
		return r, fmt.Errorf("window %s to %s is longer than two years: %w", dateString(r.start), dateString(r.end), ErrOptions)
	}
	if ey < 1990 || ey > 2100 {
		return r, fmt.Errorf("end year %d outside 1990-2100: %w", ey, ErrOptions)
	}
	return r, nil
}
