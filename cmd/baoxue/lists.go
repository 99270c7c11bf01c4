package main

import (
	"context"
	"maps"
	"slices"
	"time"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/report"
	"baoxue/store"
)

// oneOf returns the index of the flag that is set among names (set[i] for
// names[i]), or -1 when none is; more than one is a usage error of the
// command cmd.
func oneOf(cmd string, names []string, set ...bool) (int, error) {
	at := -1
	for i, on := range set {
		if !on {
			continue
		}
		if at >= 0 {
			return 0, badInput{i18n.Errorf("lists.err.exclusive", cmd, "--"+names[at], "--"+names[i])}
		}
		at = i
	}
	return at, nil
}

// writtenDay reads the date of flag name of the command cmd as people
// write it (2026-03-09, 2026/3/9, 2026年3月9日); "" is today in the
// configured timezone.
func writtenDay(a *app, cmd, name, s string) (civil.Day, error) {
	if s == "" {
		c, err := a.conf()
		if err != nil {
			return 0, err
		}
		return civil.DayOf(time.Now().In(c.Location)), nil
	}
	d, err := civil.ParseWritten(s)
	if err != nil {
		return 0, badInput{i18n.Errorf("lists.err.date", cmd, "--"+name, err)}
	}
	return d, nil
}

// noArguments refuses the positional arguments of a command that takes none.
func noArguments(cmd string, pos []string) error {
	if len(pos) > 0 {
		return badInput{i18n.Errorf("lists.err.argument", cmd, pos[0])}
	}
	return nil
}

// knownFilters refuses a --school, --center or --teacher that names no
// school, center or teacher of the database: a code mistyped, or a name
// given for a code, would otherwise list nothing as if nothing matched.
func knownFilters(ctx context.Context, st *store.Store, cmd, school, center, teacher string) error {
	if school != "" || center != "" {
		centers, err := st.SchoolCenters(ctx)
		if err != nil {
			return err
		}
		if _, ok := centers[school]; school != "" && !ok {
			return badInput{i18n.Errorf("lists.err.no_school", cmd, school)}
		}
		if center != "" && !slices.Contains(slices.Collect(maps.Values(centers)), center) {
			return badInput{i18n.Errorf("lists.err.no_center", cmd, center)}
		}
	}
	if teacher != "" {
		ts, err := st.TeachersByID(ctx, []string{teacher})
		if err != nil {
			return err
		}
		if _, ok := ts[teacher]; !ok {
			return badInput{i18n.Errorf("lists.err.no_teacher", cmd, teacher)}
		}
	}
	return nil
}

// studentHead is the student of a line of alerts or tasks as the store
// read them, with the highest severity of what is listed.
func studentHead(s *store.StudentOf, severity string) report.StudentHead {
	return report.StudentHead{StudentKey: s.Key, StudentName: s.Name, Grade: s.Grade, Class: s.Class, School: s.SchoolID,
		SchoolName: s.SchoolName, Center: s.Center, Severity: severity}
}

// list writes every row a stream gives, converted by conv, to out, and
// closes it: the rows are written as they are read.
func list[S, R any](out *report.Listing[R], stream func(fn func(*S) error) error, conv func(*S) R) error {
	if err := stream(func(r *S) error {
		row := conv(r)
		return out.Write(&row)
	}); err != nil {
		return err
	}
	return out.Close()
}
