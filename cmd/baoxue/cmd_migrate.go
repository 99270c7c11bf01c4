package main

import (
	"context"
	"flag"
	"strconv"
)

// migrateFlags are the flags of migrate.
type migrateFlags struct {
	rebuildFacts bool
}

func (f *migrateFlags) define(fs *flag.FlagSet) {
	fs.BoolVar(&f.rebuildFacts, "rebuild-facts", false, "migrate.flag.rebuild_facts")
}

func cmdMigrate(ctx context.Context, a *app, args []string) error {
	var fl migrateFlags
	fs := newFlags("migrate", a.stderr)
	fl.define(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return bad("migrate.no_args")
	}
	// The one command that upgrades a schema; migrate, import and demo are
	// the ones that create a database.
	st, err := a.store(ctx, upgrade)
	if err != nil {
		return err
	}
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	a.p.Fprintln(a.stdout, "migrate.done", st.Location(), strconv.Itoa(v))
	if fl.rebuildFacts {
		n, err := st.RebuildFacts(ctx, true)
		if err != nil {
			return err
		}
		a.p.Fprintln(a.stdout, "migrate.rebuilt_facts", n)
	}
	return nil
}
