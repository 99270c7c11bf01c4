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
	"unicode"
	"unicode/utf8"

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
		errors.Is(err, engine.ErrEarlierThanLatest) || errors.Is(err, engine.ErrNotReported) ||
		errors.Is(err, engine.ErrRetire) || errors.Is(err, engine.ErrNoStudents) || errors.Is(err, importer.ErrUnknownKind) ||
		errors.Is(err, os.ErrNotExist) || errors.Is(err, store.ErrNoDatabase)
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

// access says what a command may do to the database it opens. Only the
// commands that bring data in (migrate, import; demo has its own file)
// create one: a mistyped --db must not leave an empty database behind.
type access int

const (
	// readWrite: the database must exist and hold baoxue's schema; an older
	// schema is migrated.
	readWrite access = iota
	// readOnly: the database must exist at this build's schema; nothing is
	// written to it (eval --dry-run).
	readOnly
	// create: a database that is not there is created and migrated.
	create
)

// store opens the configured database once, as use allows, and migrates
// it unless use is readOnly. A later call returns the same Store whatever
// its use.
func (a *app) store(ctx context.Context, use access) (*store.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	c, err := a.conf()
	if err != nil {
		return nil, err
	}
	st, err := store.OpenWith(ctx, c.Database.DSN, store.OpenOptions{Create: use == create, ReadOnly: use == readOnly})
	if err != nil {
		var none *store.NoDatabaseError
		switch {
		case errors.As(err, &none):
			return nil, fmt.Errorf("%w; %s", err, migrateHint(none.Path, "creates one"))
		case errors.Is(err, store.ErrUnreachable):
			return nil, err
		}
		return nil, badInput{err}
	}
	if use == readOnly {
		err = current(ctx, st)
	} else {
		_, err = st.Migrate(ctx)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	a.st = st
	return st, nil
}

// current fails with bad input when st's schema is older than this build's:
// a read-only command cannot upgrade it.
func current(ctx context.Context, st *store.Store) error {
	pending, err := st.Pending(ctx)
	if err != nil || len(pending) == 0 {
		return err
	}
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	path := ""
	if st.Dialect == store.SQLite {
		path = st.Where
	}
	return badf("%s: schema at version %d, this baoxue needs %d, and a dry run writes nothing; %s",
		st.Where, v, pending[len(pending)-1].Version, migrateHint(path, "upgrades it"))
}

// migrateHint says how to run migrate on the SQLite file path, or on the
// configured PostgreSQL database when path is "" (its DSN may hold a
// password: it is not repeated).
func migrateHint(path, does string) string {
	if path == "" {
		return fmt.Sprintf("`baoxue migrate` (with the same --db or configuration) %s", does)
	}
	return fmt.Sprintf("`baoxue migrate --db %s` %s", shellWord("file:"+path), does)
}

// shellWord quotes s for a POSIX shell when it holds anything but letters,
// digits and ./_-:+=@,%, so that a printed command can be pasted.
func shellWord(s string) string {
	for _, r := range s {
		if !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("./_-:+=@,%", r))) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
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
