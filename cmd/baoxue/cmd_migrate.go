package main

import (
	"context"
	"fmt"
)

func cmdMigrate(ctx context.Context, a *app, args []string) error {
	if len(args) > 0 {
		return badf("migrate: takes no arguments")
	}
	// a.store migrates, as every command that writes to the database does;
	// migrate, import and demo are the ones that also create it.
	st, err := a.store(ctx, create)
	if err != nil {
		return err
	}
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: schema at version %d\n", st.Where, v)
	return nil
}
