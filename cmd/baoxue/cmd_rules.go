package main

import (
	"context"
	"errors"
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
		return showDefaults(a)
	}
	return badInput{i18n.Errorf("rules.cmd.unknown", args[0])}
}

// rulesCheck loads PATHs, or the configured rules, or the built-in ones, and
// prints every problem at once.
func rulesCheck(a *app, paths []string) error {
	var set *rules.Set
	var err error
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

// rulesTest runs rule unit tests: rules test [-v] FILE...; -v prints the
// message of each expected firing.
func rulesTest(ctx context.Context, a *app, args []string) error {
	fs := newFlags("rules test", a.stderr)
	verbose := fs.Bool("v", false, a.p.Sprintf("ruletest.flag.v"))
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return badInput{i18n.Errorf("ruletest.usage")}
	}
	sum, err := ruletest.Run(ctx, files, a.stdout, ruletest.Options{Printer: a.p, Verbose: *verbose})
	if err != nil {
		return err
	}
	if sum.Failed > 0 {
		return badInput{i18n.Errorf("ruletest.failed", sum.Failed, sum.Failed+sum.Passed)}
	}
	return nil
}

func showDefaults(a *app) error {
	b, err := rules.DefaultYAML(a.p)
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(b)
	return err
}
