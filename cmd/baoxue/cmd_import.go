package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"baoxue/importer"
	"baoxue/report"
)

func cmdImport(ctx context.Context, a *app, args []string) error {
	fs := newFlags("import", a.stderr)
	snapshot := fs.Bool("snapshot", false, "students only: the file is the complete roster of the schools it contains")
	massUpdate := fs.Bool("allow-mass-update", false, "students only: let the file change the names of more than 10% of the stored students it matches")
	reported := fs.Bool("reported", false, "attendance only: the file covers every school for every day from its first date to its last")
	dates := fs.String("reported-dates", "", "with --reported: the days the file covers, FROM..TO or one DATE (a file without rows then reports a day with no absence anywhere)")
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
	if *massUpdate && kind != "students" {
		return badf("import: --allow-mass-update applies to students only")
	}
	if *reported && kind != "attendance" {
		return badf("import: --reported applies to attendance only")
	}
	var from, to string
	if *dates != "" {
		if !*reported {
			return badf("import: --reported-dates goes with --reported")
		}
		if from, to, err = dateRange(*dates); err != nil {
			return badf("import: --reported-dates: %v", err)
		}
	}
	st, err := a.store(ctx, create)
	if err != nil {
		return err
	}
	a.lockAs("import " + kind)
	c, err := a.conf()
	if err != nil {
		return err
	}
	// Dates the import records (a snapshot's missing_since) are local dates.
	now := func() time.Time { return time.Now().In(c.Location) }
	for _, f := range files {
		sum, err := importer.ImportFile(ctx, st, kind, f, importer.Options{
			Snapshot: *snapshot, AllowMassUpdate: *massUpdate, Reported: *reported, ReportedFrom: from, ReportedTo: to,
			Progress: report.NewProgress(a.terminal()), Actor: actor(), Now: now,
			Limits: importer.Limits{XLSXMaxBytes: int64(c.Import.XLSXMaxBytes), MaxRows: c.Import.MaxRows, MaxColumns: c.Import.MaxColumns},
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

// dateRange parses FROM..TO or a single DATE (YYYY-MM-DD).
func dateRange(s string) (from, to string, err error) {
	from, to, ok := strings.Cut(s, "..")
	if !ok {
		to = from
	}
	for _, d := range []string{from, to} {
		if _, err := time.Parse("2006-01-02", d); err != nil {
			return "", "", fmt.Errorf("%q is not FROM..TO or one date, each YYYY-MM-DD", s)
		}
	}
	if to < from {
		return "", "", fmt.Errorf("%s is before %s", to, from)
	}
	return from, to, nil
}
