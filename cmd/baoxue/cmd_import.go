package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/importer"
	"baoxue/report"
)

// importFlags are the flags of import.
type importFlags struct {
	snapshot, massUpdate, reported bool
	dates                          string
}

func (f *importFlags) define(fs *flag.FlagSet) {
	fs.BoolVar(&f.snapshot, "snapshot", false, "import.cmd.flag.snapshot")
	fs.BoolVar(&f.massUpdate, "allow-mass-update", false, "import.cmd.flag.allow_mass_update")
	fs.BoolVar(&f.reported, "reported", false, "import.cmd.flag.reported")
	fs.StringVar(&f.dates, "reported-dates", "", "import.cmd.flag.reported_dates FROM..TO")
}

func cmdImport(ctx context.Context, a *app, args []string) error {
	var f importFlags
	fs := newFlags("import", a.stderr)
	f.define(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	kinds := strings.Join(importer.Kinds, a.p.Sprintf("common.list.sep"))
	if len(pos) < 2 {
		return importBad("import.cmd.usage", kinds)
	}
	kind, files := pos[0], pos[1:]
	if !slices.Contains(importer.Kinds, kind) {
		return importBad("import.cmd.unknown_kind", kind, kinds)
	}
	if f.snapshot && kind != "students" {
		return importBad("import.cmd.only", "--snapshot", "students")
	}
	if f.massUpdate && kind != "students" {
		return importBad("import.cmd.only", "--allow-mass-update", "students")
	}
	if f.reported && kind != "attendance" {
		return importBad("import.cmd.only", "--reported", "attendance")
	}
	var from, to string
	if f.dates != "" {
		if !f.reported {
			return importBad("import.cmd.dates_need_reported")
		}
		if from, to, err = dateRange(f.dates); err != nil {
			return importBad("import.cmd.dates_bad", err)
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
	for _, file := range files {
		sum, err := importer.ImportFile(ctx, st, kind, file, importer.Options{
			Snapshot: f.snapshot, AllowMassUpdate: f.massUpdate, Reported: f.reported, ReportedFrom: from, ReportedTo: to,
			Progress: report.NewProgress(a.terminal()).In(a.p), Actor: actor(), Now: now,
			Limits: importer.Limits{XLSXMaxBytes: int64(c.Import.XLSXMaxBytes), MaxRows: c.Import.MaxRows, MaxColumns: c.Import.MaxColumns},
		})
		if err != nil {
			return err
		}
		if notice, ok := sum.IgnoredNotice(file); ok {
			fmt.Fprintln(a.stderr, a.p.Text(notice))
		}
		fmt.Fprintln(a.stdout, sum.Localize(a.p))
	}
	return nil
}

// importBad is a mistake on the command line of import (exit status 1),
// the catalog message key with args.
func importBad(key string, args ...any) error { return badInput{i18n.Errorf(key, args...)} }

// dateRange parses FROM..TO or a single DATE, each as people write dates
// (civil.ParseWritten: 2026-03-09, 2026/3/9, 2026年3月9日, full-width
// digits), into YYYY-MM-DD.
func dateRange(s string) (from, to string, err error) {
	first, last, ok := strings.Cut(s, "..")
	if !ok {
		last = first
	}
	var days [2]civil.Day
	for i, d := range []string{first, last} {
		if days[i], err = civil.ParseWritten(d); err != nil {
			return "", "", i18n.Errorf("import.cmd.dates_format", s)
		}
	}
	from, to = days[0].String(), days[1].String()
	if to < from {
		return "", "", i18n.Errorf("import.cmd.dates_order", to, from)
	}
	return from, to, nil
}
