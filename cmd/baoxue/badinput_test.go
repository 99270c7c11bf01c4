package main

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"baoxue/config"
	"baoxue/engine"
	"baoxue/importer"
	"baoxue/rules"
	"baoxue/ruletest"
	"baoxue/store"
)

// TestIsBadInput pins which errors exit with status 1: the packages'
// positioned errors and the engine's refusals say so themselves
// (inputerr.BadInput), the other sentinels are listed; anything else, including a lone rules.Error of an evaluation, is a
// runtime failure.
func TestIsBadInput(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("load: %w", err) }
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"config.Problems", wrap(config.Problems{{File: "b.yaml", Line: 1, Msg: "bad"}}), true},
		{"rules.Errors", wrap(rules.Errors{{File: "r.yaml", Msg: "bad"}}), true},
		{"importer.BadRows", wrap(&importer.BadRows{Total: 1}), true},
		{"ruletest.BadTestFile", wrap(&ruletest.BadTestFile{File: "t.yaml", Msg: "bad"}), true},
		{"badf", wrap(badf("usage")), true},
		{"engine.ErrNoStudents", wrap(engine.ErrNoStudents), true},
		{"engine.ErrNotReported", wrap(engine.ErrNotReported), true},
		{"engine.ErrRetire", wrap(engine.ErrRetire), true},
		{"engine.ErrEarlierThanLatest", wrap(engine.ErrEarlierThanLatest), true},
		{"importer.ErrUnknownKind", wrap(importer.ErrUnknownKind), true},
		{"os.ErrNotExist", wrap(os.ErrNotExist), true},
		{"store.ErrNoDatabase", wrap(store.ErrNoDatabase), true},
		{"lone rules.Error", wrap(rules.Error{File: "r.yaml", Student: "s", Msg: "division by zero"}), false},
		{"other", errors.New("disk full"), false},
	} {
		if got := isBadInput(tc.err); got != tc.want {
			t.Errorf("%s: isBadInput = %v, want %v", tc.name, got, tc.want)
		}
	}
}
