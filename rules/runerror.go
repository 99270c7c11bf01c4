package rules

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/file"

	"baoxue/i18n"
	"baoxue/inputerr"
)

// RunError is a rule failing on one student's facts at run time (a division
// by zero, a message that cannot be rendered). At is where in the rule
// file: the failing token of `when` or action of the message, with Msg
// ("when: …", "message: …") followed by expr's snippet, if any. Rule is the
// rule's id; Student, set by OnStudent, names the student. It renders as
// "FILE:LINE:COL: rule ID: student WHO: message".
type RunError struct {
	At      inputerr.Error
	Rule    string
	Student string
}

// Error renders e in Chinese, the default; see Localize.
func (e *RunError) Error() string { return e.Localize(i18n.Default()) }

// Localize renders e as At does in p's language, with "rule ID: " and
// "student WHO: " before the message when Rule and Student are set.
func (e *RunError) Localize(p *i18n.Printer) string {
	at := e.At
	if e.Student != "" {
		at.Msg = i18n.M("rules.run.student", e.Student, at.Msg)
	}
	at.Msg = inRule(e.Rule, at.Msg)
	return at.Localize(p)
}

// BadInput reports false (see inputerr.BadInput): the rules loaded and the
// data imported, and a rule that still fails on a student fails the run as
// a failure of the program, not a mistake in the user's input.
func (*RunError) BadInput() bool { return false }

// OnStudent returns err, an error of Rule.Eval or Rule.Render, naming the
// student it happened on: a *RunError "FILE:LINE:COL: rule ID: student WHO:
// …", or err wrapped as "student WHO: …" when it is not placed. who must not
// be an identity number in full (idnum.Mask it, or give an opaque key):
// errors reach logs and terminals.
func OnStudent(err error, who string) error {
	var e *RunError
	if errors.As(err, &e) {
		on := *e
		on.Student = who
		return &on
	}
	return i18n.Errorf("rules.run.student", who, err)
}

// runError places an error of the VM running `when` at the failing token.
func (r *Rule) runError(err error) error {
	var fe *file.Error
	if !errors.As(err, &fe) || r.src == nil || r.when == nil {
		return i18n.Errorf("rules.run.eval", r.ID, err)
	}
	line, col := r.src.locate(r.when, fe.From)
	msg := i18n.Raw(fe.Message)
	if fe.Message == "memory budget exceeded" {
		msg = i18n.M("rules.run.memory", msg)
	}
	return &RunError{At: inputerr.Error{File: r.src.name, Line: line, Col: col,
		Msg: withSnippet(whenMsg(msg), strings.TrimPrefix(fe.Snippet, "\n"))}, Rule: r.ID}
}

// execErrorRE splits a text/template execution error into the line, the
// byte column (0-based) and the rest.
var execErrorRE = regexp.MustCompile(`^template: message:(\d+):(\d+): (?s:(.*))$`)

// renderError places an error of executing the message at its action.
func (r *Rule) renderError(err error) error {
	if r.src == nil || r.message == nil {
		return i18n.Errorf("rules.run.render", r.ID, err)
	}
	text, idx, msg := r.message.Value, 0, strings.TrimPrefix(err.Error(), "template: ")
	if m := execErrorRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		start := 0
		for l := 1; l < line; l++ {
			i := strings.IndexByte(text[start:], '\n')
			if i < 0 {
				break
			}
			start += i + 1
		}
		idx = utf8.RuneCountInString(text[:min(len(text), start+col)])
		msg = m[3]
	}
	line, col := r.src.locate(r.message, idx)
	return &RunError{At: inputerr.Error{File: r.src.name, Line: line, Col: col, Msg: messageMsg(i18n.Raw(msg))}, Rule: r.ID}
}
