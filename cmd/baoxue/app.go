package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"baoxue/config"
	"baoxue/i18n"
	"baoxue/rules"
	"baoxue/store"
)

// global holds the flags every command accepts, before or after its name.
type global struct {
	config, db, rules string
	configSet         bool
	// lockTimeout is how long a writing command waits for the data lock;
	// 0 waits until interrupted.
	lockTimeout time.Duration
}

// globalFlags are the names parseGlobal takes.
var globalFlags = []string{"config", "db", "rules", "lock-timeout"}

// parseGlobal takes --config, --db, --rules and --lock-timeout (as "--x V"
// or "--x=V", one or two dashes) out of args wherever they stand, up to a
// "--".
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
		if !strings.HasPrefix(a, "-") || !slices.Contains(globalFlags, name) {
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
		case "lock-timeout":
			d, err := config.ParseDuration(val)
			if err != nil || d < 0 {
				return g, nil, fmt.Errorf("flag --lock-timeout %q: want a duration such as 30s, 10m or 1h (0: wait until interrupted)", val)
			}
			g.lockTimeout = d
		}
	}
	if g.config == "" {
		g.config = "baoxue.yaml"
	}
	return g, rest, nil
}

// app is what a command works with: flags, configuration and, once asked
// for, the store (at this build's schema).
type app struct {
	global
	// name is the command's, for messages and for those waiting for it.
	name           string
	stdout, stderr io.Writer
	// p renders every sentence the command prints, in the reader's
	// language.
	p   *i18n.Printer
	cfg *config.Config
	st  *store.Store
}

// badInput marks an error as the user's to fix (exit status 1): a flag or
// argument of the command line, or what the command found at a path it
// named.
type badInput struct{ err error }

func (b badInput) Error() string { return b.err.Error() }
func (b badInput) Unwrap() error { return b.err }

// BadInput reports true (see inputerr.BadInput).
func (badInput) BadInput() bool { return true }

func badf(format string, args ...any) error { return badInput{fmt.Errorf(format, args...)} }

// plural says "1 rule", "2 rules".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// conf loads the configuration once, applying --db and --rules over it.
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
// Only migrate upgrades a schema: a run must not change the schema an
// older baoxue, still in use elsewhere, reads.
type access int

const (
	// readWrite: the database must exist and hold this build's schema.
	readWrite access = iota
	// readOnly: the same, and nothing is written to it (eval --dry-run).
	readOnly
	// create: a database that is not there, or holds no baoxue schema, is
	// created and the schema laid; an existing one must hold this build's
	// schema.
	create
	// upgrade: create, and an older schema is upgraded (migrate).
	upgrade
)

// store opens the configured database once, as use allows. A database
// migrated by a newer baoxue is refused (exit 2), an older schema is bad
// input unless use is upgrade. A later call returns the same Store whatever
// its use.
func (a *app) store(ctx context.Context, use access) (*store.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	c, err := a.conf()
	if err != nil {
		return nil, err
	}
	slog.Debug("open database", "where", store.RedactDSN(c.Database.DSN), "command", a.name)
	st, err := store.OpenWith(ctx, c.Database.DSN, store.OpenOptions{Create: use == create || use == upgrade, ReadOnly: use == readOnly})
	if err != nil {
		var none *store.NoDatabaseError
		switch {
		case errors.As(err, &none):
			return nil, fmt.Errorf("%w; check --db for a typo, or %s", err, migrateHint(none.Path, "creates one"))
		case errors.Is(err, store.ErrUnreachable), errors.Is(err, store.ErrSchemaNewer):
			return nil, err
		}
		return nil, badInput{err}
	}
	fresh := false
	if use == create {
		// A mistyped --db on import makes a new database: say so, or the
		// import's "no such student" errors would hide the typo.
		has, err := st.HasSchema(ctx)
		if err != nil {
			st.Close()
			return nil, err
		}
		fresh = !has
	}
	if err := schema(ctx, st, use); err != nil {
		st.Close()
		return nil, err
	}
	if fresh && a.name != "migrate" {
		fmt.Fprintf(a.stderr, "created a new baoxue database at %s\n", st.Location())
	}
	st.SetLockWait(a.lockWait(a.name))
	a.st = st
	return st, nil
}

// schema lays or upgrades st's schema as use allows, or checks that it is
// this build's.
func schema(ctx context.Context, st *store.Store, use access) error {
	if use == upgrade {
		_, err := st.Migrate(ctx)
		return err
	}
	if use == create {
		has, err := st.HasSchema(ctx)
		if err != nil {
			return err
		}
		if !has {
			_, err := st.Migrate(ctx)
			return err
		}
	}
	err := st.CheckSchema(ctx)
	if errors.Is(err, store.ErrSchemaOlder) {
		path := ""
		if st.Dialect == store.SQLite {
			path = st.Location()
		}
		return badInput{fmt.Errorf("%w: run %s", err, migrateHint(path, ""))}
	}
	return err
}

// lockWait is how the command waits for the data lock, named kind to
// those who wait for it.
func (a *app) lockWait(kind string) store.LockWait {
	w := store.LockWait{Kind: kind, Timeout: a.lockTimeout, Waiting: func(h store.Holder) {
		hint := ""
		if a.lockTimeout == 0 {
			hint = " (--lock-timeout DURATION gives up after a while)"
		}
		fmt.Fprintf(a.stderr, "baoxue %s: waiting for %s to finish writing the database%s\n", a.name, h, hint)
	}}
	if a.cfg != nil {
		w.Zone = a.cfg.Location
	}
	return w
}

// lockAs names the command's writes kind ("import students") to those who
// wait for them.
func (a *app) lockAs(kind string) {
	if a.st != nil {
		a.st.SetLockWait(a.lockWait(kind))
	}
}

// refuseNewer fails, as every command does, when the SQLite file at path
// exists and was migrated by a newer baoxue.
func refuseNewer(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	st, err := store.OpenWith(ctx, "file:"+path, store.OpenOptions{ReadOnly: true})
	if errors.Is(err, store.ErrSchemaNewer) {
		return err
	}
	if err == nil {
		st.Close()
	}
	return nil
}

// migrateHint says how to run migrate on the SQLite file path, or on the
// configured PostgreSQL database when path is "" (its DSN may hold a
// password: it is not repeated), and what that does ("" for nothing).
func migrateHint(path, does string) string {
	if does != "" {
		does = " " + does
	}
	if path == "" {
		return fmt.Sprintf("`baoxue migrate` (with the same --db or configuration)%s", does)
	}
	return fmt.Sprintf("`baoxue migrate --db %s`%s", shellWord("file:"+path), does)
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
