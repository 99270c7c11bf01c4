package main

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"baoxue/i18n"
	"baoxue/importer"
	"baoxue/synth"
)

// genFlags are the flags of gen.
type genFlags struct {
	students int
	seed     int64
	out      string
	force    bool
}

func (f *genFlags) define(fs *flag.FlagSet) {
	fs.IntVar(&f.students, "students", 0, "gen.flag.students N")
	fs.Int64Var(&f.seed, "seed", 1, "gen.flag.seed S")
	fs.StringVar(&f.out, "out", "", "gen.flag.out DIR")
	fs.BoolVar(&f.force, "force", false, "gen.flag.force")
}

func cmdGen(ctx context.Context, a *app, args []string) error {
	var f genFlags
	flags := newFlags("gen", a.stderr)
	f.define(flags)
	pos, err := parseFlags(flags, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return bad("cmd.unexpected_arg", "gen", pos[0])
	}
	if f.students <= 0 {
		return bad("gen.students", strconv.Itoa(f.students))
	}
	if f.out == "" {
		return bad("gen.no_out")
	}
	if !f.force {
		for _, kind := range importer.Kinds {
			p := filepath.Join(f.out, kind+".csv")
			if _, err := os.Stat(p); err == nil {
				return bad("gen.exists", p)
			}
		}
	}
	sum, err := synth.Generate(ctx, f.out, synth.Options{Students: f.students, Seed: f.seed})
	if err != nil {
		missing := errors.Is(err, os.ErrNotExist)
		var pe *fs.PathError
		if errors.As(err, &pe) {
			// The path and what the system says of it (a directory that
			// cannot be made, under /proc or a dangling link; a full disk).
			err = i18n.Errorf("gen.write_failed", pe.Path, pe.Err)
		}
		if missing {
			// An --out that cannot be made is --out's to fix.
			return badInput{err}
		}
		return err
	}
	for _, file := range sum.Files {
		a.p.Fprintln(a.stdout, "gen.file_rows", file.Name, file.Rows)
	}
	a.p.Fprintln(a.stdout, "gen.wrote", f.out, filepath.Join(f.out, "KIND.csv"))
	a.p.Fprintln(a.stdout, "gen.kinds", strings.Join(importer.Kinds, ", "))
	return nil
}
