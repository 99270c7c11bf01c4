package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"baoxue/rules"
	"baoxue/ruletest"
)

func cmdRules(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		return badf("usage: baoxue rules check [PATH...] | rules test FILE... | rules show-defaults")
	}
	switch args[0] {
	case "check":
		return rulesCheck(a, args[1:])
	case "test":
		return rulesTest(ctx, a, args[1:])
	case "show-defaults":
		return showDefaults(a)
	}
	return badf("rules: unknown subcommand %q (want check, test or show-defaults)", args[0])
}

// rulesCheck loads PATHs, or the configured rules, or the built-in ones, and
// prints every problem at once.
func rulesCheck(a *app, paths []string) error {
	var set *rules.Set
	var err error
	what := "built-in default rules"
	switch {
	case len(paths) > 0:
		for _, p := range paths {
			if _, serr := os.Stat(p); errors.Is(serr, os.ErrNotExist) {
				return badf("rules check: %s does not exist: give rule files or directories of *.yaml files", p)
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
	fmt.Fprintf(a.stdout, "OK: %s (%d enabled) in %s; largest window %d days\n", plural(len(set.Rules), "rule"), enabled, what, set.MaxWindow)
	return nil
}

func rulesTest(ctx context.Context, a *app, files []string) error {
	if len(files) == 0 {
		return badf("usage: baoxue rules test FILE...")
	}
	sum, err := ruletest.Run(ctx, files, a.stdout)
	if err != nil {
		return err
	}
	if sum.Failed > 0 {
		return badf("rules test: %d of %d tests failed", sum.Failed, sum.Failed+sum.Passed)
	}
	return nil
}

func showDefaults(a *app) error {
	b, err := rules.DefaultYAML()
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(b)
	return err
}
