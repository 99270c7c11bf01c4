// Command baoxue (保学) finds the children at risk of dropping out of
// compulsory education, pairs them with caring teachers and tells the
// responsible teacher what to do. See README.md and the SPEC for the contract.
package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"baoxue/i18n"
	"baoxue/inputerr"
	"baoxue/store"
)

// Exit statuses (SPEC §3).
const (
	exitOK      = 0
	exitBad     = 1 // bad input: rules, data, arguments
	exitRuntime = 2 // runtime failure: database unreachable, …
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	debugLog(os.Stderr)
	stopProfile := startProfile(os.Getenv("BAOXUE_CPUPROFILE"))
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stopProfile()
	writeAllocs(os.Getenv("BAOXUE_MEMPROFILE"))
	stop()
	os.Exit(code)
}

// debugLog sends log/slog's debug output to w when BAOXUE_LOG=debug.
func debugLog(w io.Writer) {
	if os.Getenv("BAOXUE_LOG") == "debug" {
		slog.SetDefault(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})))
	}
}

// profileFile creates path for a profile and returns it with the function
// that says a failure of it (message key); nil when path is "" or cannot
// be created (said already).
func profileFile(path, key string) (*os.File, func(error)) {
	if path == "" {
		return nil, nil
	}
	lang, _ := chooseLang("", os.Getenv(langEnv), "")
	p := i18n.NewPrinter(lang)
	fail := func(err error) { p.Fprintln(os.Stderr, key, err) }
	f, err := os.Create(path)
	if err != nil {
		fail(err)
		return nil, nil
	}
	return f, fail
}

// startProfile writes a CPU profile to path (when set) until the returned
// function is called: BAOXUE_CPUPROFILE=cpu.out baoxue eval …, for
// measuring at city scale (see BENCHMARKS.md).
func startProfile(path string) func() {
	f, fail := profileFile(path, "main.cpu_profile")
	if f == nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fail(err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// writeAllocs writes the heap profile to path (when set) as the command
// ends: BAOXUE_MEMPROFILE=mem.out baoxue eval …, then `go tool pprof
// -sample_index=alloc_space` for what the command allocated in all (each
// fresh page it touches costs; see BENCHMARKS.md).
func writeAllocs(path string) {
	f, fail := profileFile(path, "main.mem_profile")
	if f == nil {
		return
	}
	// The profile counts what was allocated up to the last collection.
	runtime.GC()
	err := pprof.Lookup("allocs").WriteTo(f, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fail(err)
	}
}

// command is one subcommand: what help, completion and the dispatch of run
// know of it.
type command struct {
	name string
	// summary is the catalog key of the one line `baoxue help` shows.
	summary string
	// args names the positional arguments in the usage line, as the SPEC
	// writes them ("KIND FILE...", "[PATH...]", "bash|zsh|fish");
	// completion reads KIND (the import KINDs), FILE, PATH and DIR (files),
	// and words separated by |.
	args string
	// flags declares the command's flags on fs, as run parses them (the
	// define method of the command's flags type, which run calls too), so
	// that help and completion show the flags run takes; a flag's usage is
	// a catalog key (see flagUsage). noFlags for a command without flags.
	// Every command declares its flags (a test sees to it).
	flags func(fs *flag.FlagSet)
	// subs are the subcommands (rules check, rules test, …); run receives
	// the subcommand's name as its first argument.
	subs []command
	run  func(ctx context.Context, a *app, args []string) error
}

// noFlags declares no flag.
func noFlags(*flag.FlagSet) {}

// commands is the registry of the commands, in the order help lists them.
func commands() []command {
	return []command{
		{name: "demo", summary: "cmd.demo.summary", flags: new(demoFlags).define, run: cmdDemo},
		{name: "gen", summary: "cmd.gen.summary", flags: new(genFlags).define, run: cmdGen},
		{name: "import", summary: "cmd.import.summary", args: "KIND FILE...", flags: new(importFlags).define, run: cmdImport},
		{name: "rules", summary: "cmd.rules.summary", flags: noFlags, run: cmdRules, subs: []command{
			{name: "check", summary: "cmd.rules.check.summary", args: "[PATH...]", flags: noFlags},
			{name: "test", summary: "cmd.rules.test.summary", args: "FILE...", flags: new(rulesTestFlags).define},
			{name: "show-defaults", summary: "cmd.rules.show_defaults.summary", flags: noFlags},
		}},
		{name: "eval", summary: "cmd.eval.summary", flags: new(evalFlags).define, run: cmdEval},
		{name: "alerts", summary: "cmd.alerts.summary", flags: new(alertsFlags).define, run: cmdAlerts},
		{name: "tasks", summary: "cmd.tasks.summary", flags: new(tasksFlags).define, run: cmdTasks},
		{name: "runs", summary: "cmd.runs.summary", flags: new(runsFlags).define, run: cmdRuns},
		{name: "outbox", summary: "cmd.outbox.summary", flags: noFlags, run: cmdOutbox, subs: outboxCommands()},
		{name: "token", summary: "cmd.token.summary", flags: noFlags, run: cmdToken, subs: tokenCommands()},
		{name: "audit", summary: "cmd.audit.summary", flags: noFlags, run: cmdAudit, subs: auditCommands()},
		{name: "serve", summary: "cmd.serve.summary", flags: new(serveFlags).define, run: cmdServe},
		{name: "migrate", summary: "cmd.migrate.summary", flags: new(migrateFlags).define, run: cmdMigrate},
		{name: "version", summary: "cmd.version.summary", flags: noFlags, run: cmdVersion},
		{name: "help", summary: "cmd.help.summary", args: "[COMMAND]", flags: noFlags, run: cmdHelp},
		{name: "completion", summary: "cmd.completion.summary", args: "bash|zsh|fish", flags: noFlags, run: cmdCompletion},
	}
}

// lookup returns the command of that name.
func lookup(cmds []command, name string) (command, bool) {
	for _, c := range cmds {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// later lists the SPEC's commands that this version does not have yet, so
// that they fail with a clear message rather than "unknown command".
var later = map[string]bool{"campaign": true, "ledger": true, "rollover": true, "purge": true}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g, rest, gerr := parseGlobal(args)
	a, lerr := newApp(g, stdout, stderr)
	defer a.close()
	for _, err := range []error{lerr, gerr} {
		if err != nil {
			a.p.Fprintln(stderr, "main.failed", render(a.p, err))
			return exitBad
		}
	}
	if len(rest) > 0 && (rest[0] == "--version" || rest[0] == "-version") {
		rest[0] = "version"
	}
	switch {
	case len(rest) == 0:
		rest = []string{"help"}
	case isHelpFlag(rest[0]):
		// baoxue --help [COMMAND]
		rest = append([]string{"help"}, rest[1:]...)
	}
	name := rest[0]
	a.name = name
	c, ok := lookup(commands(), name)
	switch {
	case !ok:
		return a.exit(unknownCommand(name))
	case wantsHelp(rest[1:]):
		return a.exit(cmdHelp(ctx, a, helpTopic(c, rest[1:])))
	}
	return a.exit(c.run(ctx, a, rest[1:]))
}

// unknownCommand is the error for a command baoxue does not have, or not yet.
func unknownCommand(name string) error {
	if later[name] {
		return bad("main.later", name)
	}
	return bad("main.unknown_command", name)
}

// exit prints err and maps it to an exit status; only main decides these.
// An error that says it is the user's input (inputerr.BadInput: bad rule,
// config, import and test files, the engine's refusals, a missing database,
// and badInput here) exits with status 1, anything else with 2. A command
// whose flag set saw -h or --help prints its help and succeeds.
func (a *app) exit(err error) int {
	if err == nil {
		return exitOK
	}
	var help helpRequested
	if errors.As(err, &help) {
		c, _ := lookup(commands(), a.name)
		a.commandHelp(a.stdout, []string{c.name}, c, help.fs)
		return exitOK
	}
	var shown errShown
	if errors.As(err, &shown) {
		return shown.code
	}
	if inputerr.IsBadInput(err) {
		io.WriteString(a.stderr, render(a.p, err)+"\n")
		return exitBad
	}
	a.p.Fprintln(a.stderr, "main.failed_cmd", a.name, render(a.p, err))
	return exitRuntime
}

// errShown is a failure the command has already told the user about (the
// summary of `outbox flush`), with the exit status it calls for.
type errShown struct{ code int }

func (e errShown) Error() string { return "exit status " + strconv.Itoa(e.code) }

// render says err in the reader's language: with its Localize method when
// it has one, the store's errors (which cannot render themselves: store
// imports nothing of ours) from their fields, anything else as it says
// itself.
func render(p *i18n.Printer, err error) string {
	if l, ok := err.(i18n.Localized); ok {
		return l.Localize(p)
	}
	if s, ok := storeText(p, err, ""); ok {
		return s
	}
	return err.Error()
}

// newPrinter returns the Printer of lang that renders the store's typed
// errors wherever they appear (the store may not import the catalog).
func newPrinter(lang i18n.Lang) *i18n.Printer {
	return i18n.NewPrinter(lang).WithErrors(func(p *i18n.Printer, err error) (string, bool) {
		return storeText(p, err, "")
	})
}

// storeErr is an error of store.OpenWith (or of a Store), rendered by
// storeText; where is the database as the user named it, redacted, for
// the errors that do not carry it.
type storeErr struct {
	err   error
	where string
}

func (e storeErr) Error() string { return e.Localize(i18n.Default()) }
func (e storeErr) Unwrap() error { return e.err }

// Localize renders the error in p's language.
func (e storeErr) Localize(p *i18n.Printer) string {
	if s, ok := storeText(p, e.err, e.where); ok {
		return s
	}
	return e.err.Error()
}

// storeText renders the store's typed errors found in err's chain from
// their fields, and reports whether it found one. where is the database as
// the user named it ("" when not known), for ErrUnreachable.
func storeText(p *i18n.Printer, err error, where string) (string, bool) {
	var (
		none   *store.NoDatabaseError
		schema *store.SchemaError
		lock   *store.LockTimeoutError
		held   *store.LeaderHeldError
	)
	switch {
	case errors.As(err, &none):
		if none.NoSchema {
			return p.Sprintf("store.no_schema", none.Where), true
		}
		return p.Sprintf("store.no_database", none.Where), true
	case errors.As(err, &schema):
		if schema.Newer {
			return p.Sprintf("store.schema_newer", schema.Where, strconv.Itoa(schema.Version)), true
		}
		return p.Sprintf("store.schema_older", schema.Where, strconv.Itoa(schema.Version), strconv.Itoa(schema.Want)), true
	case errors.As(err, &lock):
		return p.Sprintf("store.lock_timeout", lock.Where, lock.Timeout.String(), holderText(p, lock.Holder)), true
	case errors.As(err, &held):
		holder := held.Holder
		if holder == "" {
			holder = p.Sprintf("serve.holder_unknown")
		}
		return p.Sprintf("scheduler.leader_held", held.Where, holder), true
	case errors.Is(err, store.ErrUnreachable):
		return unreachableText(p, err, where)
	}
	return "", false
}

// unreachableText renders an error of store.ErrUnreachable: the store
// wraps it with the driver's error ("connect to WHERE: %w: %w"), which is
// shown as the driver says it, or, alone, for a SQLite file whose
// directory does not exist.
func unreachableText(p *i18n.Printer, err error, where string) (string, bool) {
	var cause []string
	for e := err; e != nil; e = errors.Unwrap(e) {
		multi, ok := e.(interface{ Unwrap() []error })
		if !ok || !slices.Contains(multi.Unwrap(), store.ErrUnreachable) {
			continue
		}
		for _, c := range multi.Unwrap() {
			if c != store.ErrUnreachable {
				cause = append(cause, c.Error())
			}
		}
		break
	}
	switch {
	case len(cause) > 0 && where != "":
		return p.Sprintf("store.unreachable", where, strings.Join(cause, "; ")), true
	case len(cause) > 0:
		return p.Sprintf("store.unreachable.cause", strings.Join(cause, "; ")), true
	case strings.HasPrefix(where, "file:"):
		path, _, _ := strings.Cut(strings.TrimPrefix(where, "file:"), "?")
		return p.Sprintf("store.no_directory", path, filepath.Dir(path)), true
	}
	return "", false
}

// holderText says who holds the data lock, as store.Holder.String does in
// English: "import students (process 4242 on edu-srv, started 2026-03-10
// 19:00:01)".
func holderText(p *i18n.Printer, h store.Holder) string {
	var parts []string
	switch {
	case h.Kind != "":
		if h.PID != 0 && h.Host != "" {
			parts = append(parts, p.Sprintf("store.holder.process_on", strconv.Itoa(h.PID), h.Host))
		} else if h.PID != 0 {
			parts = append(parts, p.Sprintf("store.holder.process", strconv.Itoa(h.PID)))
		}
	case h.Session != 0:
		parts = append(parts, p.Sprintf("store.holder.session", strconv.Itoa(h.Session)))
		if h.App != "" {
			parts = append(parts, strconv.Quote(h.App))
		}
	default:
		return p.Sprintf("store.holder.unknown")
	}
	if !h.Since.IsZero() {
		parts = append(parts, p.Sprintf("store.holder.started", h.Since.Format("2006-01-02 15:04:05")))
	}
	name := h.Kind
	if name == "" {
		name = p.Sprintf("store.holder.pg_session")
	}
	if len(parts) == 0 {
		return name
	}
	return p.Sprintf("store.holder", name, strings.Join(parts, p.Sprintf("store.holder.sep")))
}
