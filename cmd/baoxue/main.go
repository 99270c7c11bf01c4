// Command baoxue (保学) finds the children at risk of dropping out of
// compulsory education, pairs them with caring teachers and tells the
// responsible teacher what to do. See README.md and the SPEC for the contract.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"baoxue/i18n"
	"baoxue/inputerr"
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
	stop()
	os.Exit(code)
}

// debugLog sends log/slog's debug output to w when BAOXUE_LOG=debug.
func debugLog(w io.Writer) {
	if os.Getenv("BAOXUE_LOG") == "debug" {
		slog.SetDefault(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})))
	}
}

// startProfile writes a CPU profile to path (when set) until the returned
// function is called: BAOXUE_CPUPROFILE=cpu.out baoxue eval …, for
// measuring at city scale (see BENCHMARKS.md).
func startProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "baoxue: cpu profile: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "baoxue: cpu profile: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, a *app, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "a synthetic district in ./baoxue-demo.db (a file of its own), one evaluation, a summary", cmdDemo},
		{"gen", "write a realistic synthetic district as CSV files: --students N [--seed S] --out DIR", cmdGen},
		{"import", "load CSV or XLSX data: import KIND FILE...", cmdImport},
		{"rules", "rules check [PATH...] | rules test FILE... | rules show-defaults", cmdRules},
		{"eval", "evaluate the rules: [--at DATE] [--dry-run] [--json] [--campaign NAME] [--force] [--retire]", cmdEval},
		{"alerts", "list alerts: [--open|--resolved|--retired] [--school S] [--center C] [--rule R] [--since DATE] [--json]", cmdAlerts},
		{"tasks", "list follow-up tasks: [--open|--overdue|--closed] [--teacher T] [--school S] [--at DATE] [--json]", cmdTasks},
		{"runs", "list the recorded runs, latest first: [--limit N] [--json]", cmdRuns},
		{"migrate", "create or upgrade the database schema (the only command that upgrades it)", cmdMigrate},
		{"version", "print the version of this build", cmdVersion},
	}
}

// later lists the SPEC's commands that this version does not have yet, so
// that they fail with a clear message rather than "unknown command".
var later = map[string]bool{"campaign": true, "ledger": true, "outbox": true, "token": true, "audit": true,
	"rollover": true, "serve": true, "purge": true}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g, rest, err := parseGlobal(args)
	if err != nil {
		fmt.Fprintf(stderr, "baoxue: %v\n", err)
		return exitBad
	}
	if len(rest) > 0 && (rest[0] == "--version" || rest[0] == "-version") {
		rest[0] = "version"
	}
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "-h" || rest[0] == "--help" {
		usage(stdout)
		return exitOK
	}
	name := rest[0]
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		a := &app{global: g, name: name, stdout: stdout, stderr: stderr, p: i18n.Default()}
		defer a.close()
		err := c.run(ctx, a, rest[1:])
		return exitStatus(stderr, name, err)
	}
	if later[name] {
		fmt.Fprintf(stderr, "baoxue %s: not available in this version yet (see SPEC §3)\n", name)
		return exitBad
	}
	fmt.Fprintf(stderr, "baoxue: unknown command %q (baoxue help lists them)\n", name)
	return exitBad
}

// exitStatus prints err and maps it to an exit status; only main decides these.
// An error that says it is the user's input (inputerr.BadInput: bad rule,
// config, import and test files, the engine's refusals, a missing database,
// and badInput here) exits with status 1, anything else with 2.
func exitStatus(stderr io.Writer, name string, err error) int {
	if err == nil {
		return exitOK
	}
	var shown errShown
	if errors.As(err, &shown) {
		return shown.code
	}
	if inputerr.IsBadInput(err) {
		fmt.Fprintf(stderr, "%v\n", err)
		return exitBad
	}
	fmt.Fprintf(stderr, "baoxue %s: %v\n", name, err)
	return exitRuntime
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "baoxue (保学): keep every child in compulsory education.")
	fmt.Fprintln(w, "\nUsage: baoxue [--config FILE] [--db DSN] [--rules PATH] [--lock-timeout DURATION] COMMAND [ARGS]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nGlobal flags go before or after the command:")
	fmt.Fprintln(w, "  --config FILE  configuration (default ./baoxue.yaml; built-in defaults when absent)")
	fmt.Fprintln(w, "  --db DSN       database: file:PATH (SQLite) or postgres://… (default file:baoxue.db)")
	fmt.Fprintln(w, "  --rules PATH   rule file or directory (default: the built-in rules)")
	fmt.Fprintln(w, "  --lock-timeout DURATION  how long eval and import wait for another writer (default: until interrupted)")
	fmt.Fprintln(w, "\nExit status: 0 success, 1 bad input, 2 runtime failure.")
}
