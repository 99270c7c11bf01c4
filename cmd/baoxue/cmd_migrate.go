package main

import (
	"context"
	"strconv"
)

func cmdMigrate(ctx context.Context, a *app, args []string) error {
	if len(args) > 0 {
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
	return nil
}
