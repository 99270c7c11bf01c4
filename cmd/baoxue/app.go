package main

import (
	"context"
	"errors"
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
	// lang is --lang as given ("" when absent).
	lang string
}

// globalFlag is a flag every command takes: its name, the placeholder of
// its value and the catalog key of its usage.
type globalFlag struct{ name, arg, usage string }

// globalFlags are the flags parseGlobal takes, in the order help lists them.
var globalFlags = []globalFlag{
	{"config", "FILE", "global.config"},
	{"db", "DSN", "global.db"},
	{"rules", "PATH", "global.rules"},
	{"lock-timeout", "DURATION", "global.lock_timeout"},
	{"lang", "zh|en", "global.lang"},
}

// langEnv names the environment variable that chooses the language.
const langEnv = "BAOXUE_LANG"

// parseGlobal takes the globalFlags (as "--x V" or "--x=V", one or two
// dashes) out of args wherever they stand, up to a "--". After an error it
// reads on, so that a --lang given later still chooses the language the
// error is shown in.
func parseGlobal(args []string) (global, []string, error) {
	var g global
	var rest []string
	var first error
	fail := func(err error) {
		if first == nil {
			first = err
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || !slices.ContainsFunc(globalFlags, func(f globalFlag) bool { return f.name == name }) {
			rest = append(rest, a)
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				fail(i18n.Errorf("global.needs_value", name))
				break
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
				fail(i18n.Errorf("global.lock_timeout_bad", val))
			}
			g.lockTimeout = max(d, 0)
		case "lang":
			g.lang = val
		}
	}
	if g.config == "" {
		g.config = "baoxue.yaml"
	}
	if first != nil {
		return g, nil, first
	}
	return g, rest, nil
}

// chooseLang returns the language of the first of flag (--lang), env
// (BAOXUE_LANG) and cfg (lang: in baoxue.yaml) that is set; Chinese when
// none is. A value that is set but not a language (i18n.ParseLang) is an
// error, returned with the language to say so in: that of the sources
// after it.
func chooseLang(flag, env, cfg string) (i18n.Lang, error) {
	sources := []struct{ name, value string }{{"--lang", flag}, {langEnv, env}, {"lang", cfg}}
	for i, s := range sources {
		if s.value == "" {
			continue
		}
		l, err := i18n.ParseLang(s.value)
		if err == nil {
			return l, nil
		}
		var next [3]string
		for j := i + 1; j < len(sources); j++ {
			next[j] = sources[j].value
		}
		fallback, _ := chooseLang(next[0], next[1], next[2])
		return fallback, i18n.Errorf("main.lang_source", s.name, i18n.M("lang.unknown", s.value))
	}
	return i18n.Chinese, nil
}

// newApp returns the app of the global flags, its printer in the language
// chooseLang chooses from --lang, BAOXUE_LANG and, when neither is given,
// the configuration. On an unknown language the app is still usable: its
// printer is in the language to say so in.
func newApp(g global, stdout, stderr io.Writer) (*app, error) {
	a := &app{global: g, stdout: stdout, stderr: stderr}
	env, cfg := os.Getenv(langEnv), ""
	if g.lang == "" && env == "" {
		cfg = a.configLang()
	}
	lang, err := chooseLang(g.lang, env, cfg)
	a.p = newPrinter(lang)
	return a, err
}

// configLang returns lang: of the configuration, "" when it is not set or
// the configuration cannot be loaded (the commands that use it then say
// why).
func (a *app) configLang() string {
	c, err := a.load()
	if err != nil {
		return ""
	}
	return langOf(c)
}

// langOf returns lang: of c ("" when not set).
func langOf(c *config.Config) string { return string(c.Lang) }

// app is what a command works with: flags, configuration and, once asked
// for, the store (at this build's schema).
type app struct {
	global
	// name is the command's, for messages and for those waiting for it.
	name           string
	stdout, stderr io.Writer
	// p renders every sentence the command prints, in the reader's
	// language.
	p *i18n.Printer
	// loaded and loadErr are the configuration file as read, once (see
	// load); cfg is it with the command line applied (see conf).
	loaded  *config.Config
	loadErr error
	didLoad bool
	cfg     *config.Config
	st      *store.Store
}

// badInput marks an error as the user's to fix (exit status 1): a flag or
// argument of the command line, or what the command found at a path it
// named.
type badInput struct{ err error }

func (b badInput) Error() string { return b.err.Error() }
func (b badInput) Unwrap() error { return b.err }

// Localize renders the error in p's language (see app.render).
func (b badInput) Localize(p *i18n.Printer) string { return render(p, b.err) }

// BadInput reports true (see inputerr.BadInput).
func (badInput) BadInput() bool { return true }

// bad returns the bad input of the catalog message key with args.
func bad(key string, args ...any) error { return badInput{i18n.Errorf(key, args...)} }

// load reads the configuration file once (LoadOrDefault: the built-in
// defaults when an implicit baoxue.yaml is absent).
func (a *app) load() (*config.Config, error) {
	if !a.didLoad {
		a.loaded, a.loadErr = config.LoadOrDefault(a.global.config, a.configSet)
		a.didLoad = true
	}
	return a.loaded, a.loadErr
}

// conf loads the configuration once, applying --db and --rules over it.
func (a *app) conf() (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	c, err := a.load()
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, bad("app.config_missing", a.global.config)
		}
		return nil, badInput{err}
	}
	for _, w := range c.Warnings() {
		a.p.Fprintln(a.stderr, "common.warning", w)
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
		se := storeErr{err: err, where: store.RedactDSN(c.Database.DSN)}
		var none *store.NoDatabaseError
		switch {
		case errors.As(err, &none):
			return nil, i18n.Errorf("app.no_database", se, migrateCmd(none.Path))
		case errors.Is(err, store.ErrUnreachable), errors.Is(err, store.ErrSchemaNewer):
			return nil, se
		}
		return nil, badInput{se}
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
	// Before the schema: migrate rebuilds stale student facts under the
	// data lock, and waits for it as --lock-timeout says.
	st.SetLockWait(a.lockWait(a.name))
	if err := schema(ctx, st, use); err != nil {
		st.Close()
		return nil, err
	}
	if fresh && a.name != "migrate" {
		a.p.Fprintln(a.stderr, "app.created", st.Location())
	}
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
		return badInput{i18n.Errorf("app.schema_older", storeErr{err: err}, migrateCmd(path))}
	}
	return err
}

// lockWait is how the command waits for the data lock, named kind to
// those who wait for it.
func (a *app) lockWait(kind string) store.LockWait {
	w := store.LockWait{Kind: kind, Timeout: a.lockTimeout, Waiting: func(h store.Holder) {
		key := "app.lock_waiting"
		if a.lockTimeout == 0 {
			key = "app.lock_waiting_forever"
		}
		a.p.Fprintln(a.stderr, key, a.name, holderText(a.p, h))
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

// migrateCmd says how to run migrate on the SQLite file path, or on the
// configured PostgreSQL database when path is "" (its DSN may hold a
// password: it is not repeated).
func migrateCmd(path string) i18n.Message {
	if path == "" {
		return i18n.M("app.migrate_same")
	}
	return i18n.M("app.migrate_cmd", shellWord("file:"+path))
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
	return loadRules(c)
}

// loadRules loads the rules c names (rules:, or --rules over it), or the
// built-in defaults when it names none: what every command runs, and what
// the daemon reloads.
func loadRules(c *config.Config) (*rules.Set, error) {
	if c.Rules == "" {
		return rules.Defaults()
	}
	if _, err := os.Stat(c.Rules); errors.Is(err, os.ErrNotExist) {
		return nil, bad("app.rules_missing", c.Rules, c.Where("rules"))
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
