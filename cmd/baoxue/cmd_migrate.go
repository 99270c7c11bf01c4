package main

import (
	"context"
	"fmt"
)

func cmdMigrate(ctx context.Context, a *app, args []string) error {
	if len(args) > 0 {
		return badf("migrate: takes no arguments")
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
	fmt.Fprintf(a.stdout, "%s: schema at version %d\n", st.Location(), v)
	return nil
}
