package main

import (
	"errors"
	"fmt"
	"testing"

	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/importer"
	"baoxue/inputerr"
	"baoxue/rules"
	"baoxue/store"
)

// TestIsBadInput pins which errors exit with status 1: every error of the
// user's input says so itself (inputerr.BadInput), so that main lists no
// package's errors; anything else, including a rule failing on a student
// during an evaluation (rules.RunError), is a runtime failure.
func TestIsBadInput(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("load: %w", err) }
	var list inputerr.List
	list.Add("b.yaml", 1, 0, "", i18n.Raw("bad"))
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"inputerr.List (config, rules, rules test)", wrap(list.Err()), true},
		{"inputerr.Error (rules test)", wrap(&inputerr.Error{File: "t.yaml", Msg: i18n.Raw("bad")}), true},
		{"importer.BadRows", wrap(&importer.BadRows{Total: 1}), true},
		{"bad", wrap(bad("migrate.no_args")), true},
		{"engine.ErrNoStudents", wrap(engine.ErrNoStudents), true},
		{"engine.ErrNotReported", wrap(engine.ErrNotReported), true},
		{"engine.ErrRetire", wrap(engine.ErrRetire), true},
		{"engine.ErrEarlierThanLatest", wrap(engine.ErrEarlierThanLatest), true},
		{"importer.ErrUnknownKind", wrap(importer.ErrUnknownKind), true},
		{"store.NoDatabaseError", wrap(&store.NoDatabaseError{Where: "x.db", Path: "x.db"}), true},
		{"rules.RunError", wrap(&rules.RunError{At: inputerr.Error{File: "r.yaml", Field: "rule r", Msg: i18n.Raw("division by zero")}, Student: "s"}), false},
		{"store.ErrUnreachable", fmt.Errorf("open: %w", store.ErrUnreachable), false},
		{"other", errors.New("disk full"), false},
	} {
		if got := inputerr.IsBadInput(tc.err); got != tc.want {
			t.Errorf("%s: IsBadInput = %v, want %v", tc.name, got, tc.want)
		}
	}
}
