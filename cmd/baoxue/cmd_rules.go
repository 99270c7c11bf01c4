package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"strings"

	"baoxue/i18n"
	"baoxue/rules"
	"baoxue/ruletest"
)

func cmdRules(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		return badInput{i18n.Errorf("rules.cmd.usage")}
	}
	switch args[0] {
	case "check":
		return rulesCheck(a, args[1:])
	case "test":
		return rulesTest(ctx, a, args[1:])
	case "show-defaults":
		return showDefaults(a, args[1:])
	}
	return badInput{i18n.Errorf("rules.cmd.unknown", args[0])}
}

// rulesCheck loads PATHs, or the configured rules, or the built-in ones, and
// prints every problem at once.
func rulesCheck(a *app, args []string) error {
	paths, err := parseFlags(newFlags("rules check", a.stderr), args)
	if err != nil {
		return err
	}
	var set *rules.Set
	what := a.p.Sprintf("rules.check.builtin")
	switch {
	case len(paths) > 0:
		for _, p := range paths {
			if _, serr := os.Stat(p); errors.Is(serr, os.ErrNotExist) {
				return badInput{i18n.Errorf("rules.check.missing", p)}
			}
		}
		set, err = rules.Load(paths...)
		what = strings.Join(paths, " ")
	default:
		c, cerr := a.conf()
		if cerr != nil {
			return cerr
		}
		if c.Rules != "" {
			what = c.Rules
		}
		set, err = a.ruleSet()
	}
	if err != nil {
		return err
	}
	enabled := 0
	for _, r := range set.Rules {
		if r.Enabled {
			enabled++
		}
	}
	a.p.Fprintln(a.stdout, "rules.check.ok", i18n.M("rules.count", len(set.Rules)), enabled, what, set.MaxWindow)
	return nil
}

// rulesTestFlags are the flags of rules test.
type rulesTestFlags struct{ verbose bool }

func (f *rulesTestFlags) define(fs *flag.FlagSet) {
	fs.BoolVar(&f.verbose, "v", false, "ruletest.flag.v")
}

// rulesTest runs rule unit tests: rules test [-v] FILE...; -v prints the
// message of each expected firing.
func rulesTest(ctx context.Context, a *app, args []string) error {
	var f rulesTestFlags
	fs := newFlags("rules test", a.stderr)
	f.define(fs)
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return badInput{i18n.Errorf("ruletest.usage")}
	}
	sum, err := ruletest.Run(ctx, files, a.stdout, ruletest.Options{Printer: a.p, Verbose: f.verbose})
	if err != nil {
		return err
	}
	if sum.Failed > 0 {
		return badInput{i18n.Errorf("ruletest.failed", sum.Failed, sum.Failed+sum.Passed)}
	}
	return nil
}

// showDefaults prints the built-in rules.
func showDefaults(a *app, args []string) error {
	pos, err := parseFlags(newFlags("rules show-defaults", a.stderr), args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return bad("cmd.unexpected_arg", "rules show-defaults", pos[0])
	}
	b, err := rules.DefaultYAML(a.p)
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(b)
	return err
}
