package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"baoxue/importer"

	"baoxue/synth"
)

func cmdGen(ctx context.Context, a *app, args []string) error {
	fs := newFlags("gen", a.stderr)
	n := fs.Int("students", 0, "number of students (required)")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same files")
	out := fs.String("out", "", "directory to write the CSV files into (required)")
	force := fs.Bool("force", false, "overwrite CSV files already in the directory")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badf("gen: unexpected argument %q", pos[0])
	}
	if *n <= 0 || *out == "" {
		return badf("usage: baoxue gen --students N [--seed S] --out DIR")
	}
	if !*force {
		for _, kind := range importer.Kinds {
			p := filepath.Join(*out, kind+".csv")
			if _, err := os.Stat(p); err == nil {
				return badf("gen: %s exists: choose another --out directory, or add --force to overwrite", p)
			}
		}
	}
	sum, err := synth.Generate(ctx, *out, synth.Options{Students: *n, Seed: *seed})
	if errors.Is(err, os.ErrNotExist) {
		// An --out that cannot be made (under /proc, a dangling link).
		return badInput{err}
	}
	if err != nil {
		return err
	}
	for _, f := range sum.Files {
		fmt.Fprintf(a.stdout, "%-18s %9d rows\n", f.Name, f.Rows)
	}
	fmt.Fprintf(a.stdout, "wrote %s; import the files in this order: baoxue import KIND %s\n", *out, filepath.Join(*out, "KIND.csv"))
	fmt.Fprintf(a.stdout, "  KIND: %s\n", strings.Join(importer.Kinds, ", "))
	return nil
}
