package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"

	"baoxue/config"
	"baoxue/engine"
	"baoxue/importer"
	"baoxue/rules"
	"baoxue/ruletest"
	"baoxue/store"
)

// global holds the flags every command accepts, before or after its name.
type global struct {
	config, db, rules string
	configSet         bool
}

// parseGlobal takes --config, --db and --rules (as "--x V" or "--x=V", one
// or two dashes) out of args wherever they stand, up to a "--".
func parseGlobal(args []string) (global, []string, error) {
	var g global
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || (name != "config" && name != "db" && name != "rules") {
			rest = append(rest, a)
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return g, nil, fmt.Errorf("flag --%s needs a value", name)
			}
			i++
			val = args[i]
		}
		switch name {
		case "config":
			g.config, g.configSet = val, true
		case "db":
			g.db = val
		case "rules":
			g.rules = val
		}
	}
	if g.config == "" {
		g.config = "baoxue.yaml"
	}
	return g, rest, nil
}

// app is what a command works with: flags, configuration and, once asked
// for, the migrated store.
type app struct {
	global
	stdout, stderr io.Writer
	cfg            *config.Config
	st             *store.Store
}

// badInput marks an error as the user's to fix (exit status 1).
type badInput struct{ err error }

func (b badInput) Error() string { return b.err.Error() }
func (b badInput) Unwrap() error { return b.err }

func badf(format string, args ...any) error { return badInput{fmt.Errorf(format, args...)} }

// plural says "1 rule", "2 rules".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// isBadInput recognises the packages' bad-input errors.
func isBadInput(err error) bool {
	var rows *importer.BadRows
	var rerrs rules.Errors
	var cprob config.Problems
	var bad *ruletest.BadTestFile
	return errors.As(err, &rows) || errors.As(err, &rerrs) || errors.As(err, &cprob) || errors.As(err, &bad) ||
		errors.Is(err, engine.ErrEarlierThanLatest) || errors.Is(err, importer.ErrUnknownKind) ||
		errors.Is(err, os.ErrNotExist)
}

// config loads the configuration once.
func (a *app) conf() (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	c, err := config.LoadOrDefault(a.global.config, a.configSet)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, badf("config %s: no such file", a.global.config)
		}
		return nil, badInput{err}
	}
	for _, w := range c.Warnings() {
		fmt.Fprintf(a.stderr, "warning: %s\n", w.Error())
	}
	if a.db != "" {
		c.Database.DSN = a.db
		c.SetOrigin("database.dsn", "--db")
	}
	if a.global.rules != "" {
		c.Rules = a.global.rules
		c.SetOrigin("rules", "--rules")
	}
	if a.db != "" || a.global.rules != "" {
		if err := c.Validate(); err != nil {
			return nil, badInput{err}
		}
	}
	a.cfg = c
	return c, nil
}

// store opens and migrates the configured database once.
func (a *app) store(ctx context.Context) (*store.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	c, err := a.conf()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, c.Database.DSN)
	if err != nil {
		if !errors.Is(err, store.ErrUnreachable) {
			return nil, badInput{err}
		}
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	a.st = st
	return st, nil
}

// ruleSet loads the configured rules, or the built-in defaults.
func (a *app) ruleSet() (*rules.Set, error) {
	c, err := a.conf()
	if err != nil {
		return nil, err
	}
	if c.Rules == "" {
		return rules.Defaults()
	}
	if _, err := os.Stat(c.Rules); errors.Is(err, os.ErrNotExist) {
		return nil, badf("rules %s (set at %s) does not exist: fix the path, or remove it to use the built-in rules", c.Rules, c.Where("rules"))
	}
	return rules.Load(c.Rules)
}

func (a *app) close() {
	if a.st != nil {
		a.st.Close()
	}
}

// terminal returns stderr when it is a terminal (for progress lines), else nil.
func (a *app) terminal() io.Writer {
	f, ok := a.stderr.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return f
}

// actor names who runs the command, for the audit table.
func actor() string {
	if u, err := user.Current(); err == nil {
		return "cli:" + u.Username
	}
	return "cli"
}

// newFlags makes a flag set that reports errors as bad input.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("baoxue "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// errShown is an error already printed (by the flag package), only to be
// mapped to an exit status.
type errShown struct{ code int }

func (e errShown) Error() string { return "" }

// parseFlags parses args, allowing flags after positional arguments too.
// -h and --help print the usage and end the command successfully.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errShown{exitOK}
			}
			return nil, errShown{exitBad}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
