package main

import (
	"context"
	"fmt"
)

func cmdMigrate(ctx context.Context, a *app, args []string) error {
	if len(args) > 0 {
		return badf("migrate: takes no arguments")
	}
	// a.store migrates, as every command that opens the database does.
	st, err := a.store(ctx)
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
