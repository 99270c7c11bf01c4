package main

import (
	"time"

	"baoxue/civil"
	"baoxue/i18n"
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
