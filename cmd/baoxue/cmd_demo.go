package main

import (
	"context"
	"errors"
	"os"
	"strings"

	"baoxue/demo"
	"baoxue/i18n"
	"baoxue/store"
)

func cmdDemo(ctx context.Context, a *app, args []string) error {
	fs := newFlags("demo", a.stderr)
	n := fs.Int("students", 5000, "students in the synthetic district")
	seed := fs.Int64("seed", 1, "random seed of the district")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput{i18n.Errorf("demo.unexpected_arg", pos[0])}
	}
	// Not the configured database: the demo has a file of its own, apart
	// from the baoxue.db that import fills.
	path := demo.DefaultPath
	if a.db != "" {
		if !strings.HasPrefix(a.db, "file:") {
			return badInput{i18n.Errorf("demo.not_sqlite", store.RedactDSN(a.db))}
		}
		path = strings.TrimPrefix(a.db, "file:")
	}
	if err := refuseNewer(ctx, path); err != nil {
		return err
	}
	rs, err := a.ruleSet()
	if err != nil {
		return err
	}
	err = demo.Run(ctx, a.stdout, demo.Options{Path: path, Students: *n, Seed: *seed, Rules: rs, Progress: a.terminal(), Printer: a.p})
	// A path in a directory that is not there is --db's to fix.
	if errors.Is(err, demo.ErrNotDemo) || errors.Is(err, os.ErrNotExist) {
		return badInput{err}
	}
	return err
}
