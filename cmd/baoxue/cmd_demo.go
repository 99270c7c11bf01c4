package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"strconv"
	"strings"

	"baoxue/demo"
	"baoxue/i18n"
	"baoxue/store"
)

// demoFlags are the flags of demo.
type demoFlags struct {
	students int
	seed     int64
}

func (f *demoFlags) define(fs *flag.FlagSet) {
	fs.IntVar(&f.students, "students", 5000, "demo.flag.students N")
	fs.Int64Var(&f.seed, "seed", 1, "demo.flag.seed S")
}

func cmdDemo(ctx context.Context, a *app, args []string) error {
	var f demoFlags
	fs := newFlags("demo", a.stderr)
	f.define(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput{i18n.Errorf("demo.unexpected_arg", pos[0])}
	}
	if f.students <= 0 {
		return bad("demo.students", strconv.Itoa(f.students))
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
	err = demo.Run(ctx, a.stdout, demo.Options{Path: path, Students: f.students, Seed: f.seed, Rules: rs, Progress: a.terminal(), Printer: a.p})
	// A path in a directory that is not there is --db's to fix.
	if errors.Is(err, demo.ErrNotDemo) || errors.Is(err, os.ErrNotExist) {
		return badInput{err}
	}
	return err
}
