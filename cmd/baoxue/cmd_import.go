package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"baoxue/importer"
)

func cmdImport(ctx context.Context, a *app, args []string) error {
	fs := newFlags("import", a.stderr)
	snapshot := fs.Bool("snapshot", false, "students only: the file is the complete roster of the schools it contains")
	reported := fs.Bool("reported", false, "attendance only: the file covers every school for every day from its first date to its last")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	kinds := importer.Kinds
	if len(pos) < 2 {
		return badf("usage: baoxue import KIND FILE...  (KIND: %s)", strings.Join(kinds, ", "))
	}
	kind, files := pos[0], pos[1:]
	if !slices.Contains(kinds, kind) {
		return badf("import: unknown KIND %q (want one of: %s)", kind, strings.Join(kinds, ", "))
	}
	if *snapshot && kind != "students" {
		return badf("import: --snapshot applies to students only")
	}
	if *reported && kind != "attendance" {
		return badf("import: --reported applies to attendance only")
	}
	st, err := a.store(ctx, create)
	if err != nil {
		return err
	}
	c, err := a.conf()
	if err != nil {
		return err
	}
	// Dates the import records (a snapshot's missing_since) are local dates.
	now := func() time.Time { return time.Now().In(c.Location) }
	for _, f := range files {
		sum, err := importer.ImportFile(ctx, st, kind, f, importer.Options{
			Snapshot: *snapshot, Reported: *reported, Progress: a.terminal(), Actor: actor(), Now: now,
		})
		if err != nil {
			return err
		}
		if len(sum.Ignored) > 0 {
			fmt.Fprintf(a.stderr, "%s: ignored columns: %s\n", f, strings.Join(sum.Ignored, ", "))
		}
		fmt.Fprintln(a.stdout, sum.String())
	}
	return nil
}
