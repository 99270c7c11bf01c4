package rules

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/file"
)

// OnStudent returns err, an error of Rule.Eval or Rule.Render, naming the
// student it happened on: "FILE:LINE:COL: rule ID: student WHO: …". who
// must not be an identity number in full (idnum.Mask it, or give an opaque
// key): errors reach logs and terminals.
func OnStudent(err error, who string) error {
	var e Error
	if errors.As(err, &e) {
		e.Student = who
		return e
	}
	return fmt.Errorf("student %s: %w", who, err)
}

// runError places an error of the VM running `when` at the failing token.
func (r *Rule) runError(err error) error {
	var fe *file.Error
	if !errors.As(err, &fe) || r.src == nil || r.when == nil {
		return fmt.Errorf("rule %s: evaluate: %w", r.ID, err)
	}
	line, col := r.src.locate(r.when, fe.From)
	msg := fe.Message
	if msg == "memory budget exceeded" {
		msg += ": the condition builds larger lists than one evaluation may"
	}
	return Error{File: r.src.name, Line: line, Col: col, Rule: r.ID, Msg: "when: " + msg,
		Snippet: strings.TrimPrefix(fe.Snippet, "\n")}
}

// execErrorRE splits a text/template execution error into the line, the
// byte column (0-based) and the rest.
var execErrorRE = regexp.MustCompile(`^template: message:(\d+):(\d+): (?s:(.*))$`)

// renderError places an error of executing the message at its action.
func (r *Rule) renderError(err error) error {
	if r.src == nil || r.message == nil {
		return fmt.Errorf("rule %s: render message: %w", r.ID, err)
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
	return Error{File: r.src.name, Line: line, Col: col, Rule: r.ID, Msg: "message: " + msg}
}
