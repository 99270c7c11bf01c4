package rules

import (
	"fmt"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

	"baoxue/idnum"
)

// message_fast.go compiles a message that compileMessage has parsed,
// checked and test-executed into a list of parts: texts, and typed
// accessors for the actions messages write ({{.student.name}},
// {{.unexcused_streak}}, {{.norms.suspected_dropout_days}}, {{absences
// 14}}, {{home_teaching_sessions_of 7 .norms.home_teaching_hours_per_session}},
// {{printf "%.1f" (absence_rate 30)}}). text/template reaches every value
// through reflect and a map built per rendering; the parts read Facts'
// fields and call Facts.W directly (BenchmarkRender, BENCHMARKS.md).
//
// The parts write what text/template writes, in the same pieces: one
// write per text and per action, each value as fmt.Fprint prints it (an
// int in decimal, a float64 as %v, a bool as true or false, a string as
// it is), student.id masked as templateData masks it, through the same
// cappedWriter, so that a message cut at MaxMessageLength is cut at the
// same character. Only top-level texts and actions compile, an action
// being a field of the data, a windowed call with literal arguments (a
// field of type int for the hours of home_teaching_sessions_of), or
// print or printf (with a written-out format) of such values, as an
// argument or at the end of a pipeline. Anything else (if, with,
// variables, comparisons, len, number literals as values) leaves the
// whole message to text/template.
//
// A part fails where the template fails (only a panicking Windows can,
// once the message has loaded) by panicking; messageTemplate.render then
// executes the template, which fails the same way and says where.

// messageRenderer is a compiled message: its parts in order.
type messageRenderer struct {
	parts []msgPart
	size  int // bytes to reserve for a rendering
}

// msgPart is a text when val has no function set, else an action.
type msgPart struct {
	text string
	val  closure
}

// compileRenderer compiles t's tree, nil when it holds anything this file
// does not compile.
func compileRenderer(t *template.Template) *messageRenderer {
	if t == nil || t.Tree == nil || t.Root == nil || len(t.Templates()) != 1 {
		return nil
	}
	m := &messageRenderer{}
	for _, n := range t.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			m.parts = append(m.parts, msgPart{text: string(n.Text)})
			m.size += len(n.Text)
		case *parse.ActionNode:
			c, ok := compilePipe(n.Pipe, 0)
			if !ok {
				return nil
			}
			m.parts = append(m.parts, msgPart{val: c})
			m.size += 16
		default:
			return nil
		}
	}
	return m
}

// compilePipe compiles a pipeline: a value, then print or printf calls
// each given the value so far as its last argument.
func compilePipe(p *parse.PipeNode, depth int) (closure, bool) {
	if p == nil || p.IsAssign || len(p.Decl) > 0 || len(p.Cmds) == 0 || depth > maxNesting {
		return closure{}, false
	}
	var v closure
	for i, cmd := range p.Cmds {
		var final *closure
		if i > 0 {
			final = &v
		}
		c, ok := compileCommand(cmd, final, depth)
		if !ok {
			return closure{}, false
		}
		v = c
	}
	return v, true
}

// compileCommand compiles one command; final is the value of the
// pipeline before it, nil for the first.
func compileCommand(cmd *parse.CommandNode, final *closure, depth int) (closure, bool) {
	if len(cmd.Args) == 0 {
		return closure{}, false
	}
	id, isIdent := cmd.Args[0].(*parse.IdentifierNode)
	if !isIdent {
		if final != nil || len(cmd.Args) != 1 {
			return closure{}, false
		}
		return compileArg(cmd.Args[0], depth)
	}
	switch {
	case isWindowFunc(id.Ident) && final == nil:
		return compileWindowCall(id.Ident, cmd.Args[1:])
	case id.Ident == "print" || id.Ident == "printf":
		return compilePrint(id.Ident, cmd.Args[1:], final, depth)
	}
	return closure{}, false
}

// compileWindowCall compiles `name N` or `home_teaching_sessions_of N H`:
// N an integer literal (the checker bounds it), H one too or an int field.
func compileWindowCall(name string, args []parse.Node) (closure, bool) {
	if len(args) != windowArgs(name) {
		return closure{}, false
	}
	var ints [2]func(*Facts) int
	for i, a := range args {
		switch a := a.(type) {
		case *parse.NumberNode:
			if !a.IsInt {
				return closure{}, false
			}
			v := int(a.Int64)
			if int64(v) != a.Int64 {
				return closure{}, false
			}
			ints[i] = func(*Facts) int { return v }
		case *parse.FieldNode:
			if i == 0 {
				return closure{}, false
			}
			c, ok := messageField(a.Ident)
			if !ok || c.i == nil {
				return closure{}, false
			}
			ints[i] = c.i
		default:
			return closure{}, false
		}
	}
	return windowCall(name, ints[0], ints[1])
}

// compileArg compiles a value: a field of the data, or a parenthesized
// pipeline.
func compileArg(n parse.Node, depth int) (closure, bool) {
	switch n := n.(type) {
	case *parse.FieldNode:
		return messageField(n.Ident)
	case *parse.PipeNode:
		return compilePipe(n, depth+1)
	}
	return closure{}, false
}

// compilePrint compiles print or printf: fmt.Sprint or fmt.Sprintf of
// the arguments, as text/template calls them, with final appended. A
// printf's format must be a string literal; the other arguments string
// literals or values compileArg compiles.
func compilePrint(name string, args []parse.Node, final *closure, depth int) (closure, bool) {
	format := ""
	if name == "printf" {
		s, ok := firstString(args)
		if !ok {
			return closure{}, false
		}
		format, args = s, args[1:]
	}
	var vals []closure
	for _, a := range args {
		if s, ok := a.(*parse.StringNode); ok {
			text := s.Text
			vals = append(vals, closure{s: func(*Facts) string { return text }})
			continue
		}
		c, ok := compileArg(a, depth)
		if !ok {
			return closure{}, false
		}
		vals = append(vals, c)
	}
	if final != nil {
		vals = append(vals, *final)
	}
	if name == "print" {
		return closure{s: func(f *Facts) string { return fmt.Sprint(boxAll(vals, f)...) }}, true
	}
	return closure{s: func(f *Facts) string { return fmt.Sprintf(format, boxAll(vals, f)...) }}, true
}

func firstString(args []parse.Node) (string, bool) {
	if len(args) == 0 {
		return "", false
	}
	s, ok := args[0].(*parse.StringNode)
	if !ok {
		return "", false
	}
	return s.Text, true
}

// boxAll evaluates vals on f in order, as text/template evaluates a call's
// arguments.
func boxAll(vals []closure, f *Facts) []any {
	out := make([]any, len(vals))
	for i, c := range vals {
		out[i] = c.value(f)
	}
	return out
}

// messageField returns the field of the message's data that the chain
// ident names (.student.name is [student name]), with student.id masked
// as templateData masks it.
func messageField(ident []string) (closure, bool) {
	name := strings.Join(ident, ".")
	if name == "student.id" {
		return closure{s: func(f *Facts) string { return idnum.Mask(f.Student.ID) }}, true
	}
	switch {
	case len(ident) == 1 && contains(topNames, ident[0]):
	case len(ident) == 2 && ident[0] == "student" && contains(studentNames(), ident[1]):
	case len(ident) == 2 && ident[0] == "norms" && contains(normsNames(), ident[1]):
	default:
		return closure{}, false
	}
	return factField(name)
}

// render writes the parts for f as text/template would; a part that
// panics (a panicking Windows) panics.
func (m *messageRenderer) render(f *Facts) string {
	var w cappedWriter
	w.b.Grow(m.size)
	var scratch [32]byte
	for i := range m.parts {
		p := &m.parts[i]
		var err error
		switch v := p.val; {
		case v.s != nil:
			err = w.writeString(v.s(f))
		case v.i != nil:
			_, err = w.Write(strconv.AppendInt(scratch[:0], int64(v.i(f)), 10))
		case v.x != nil:
			_, err = w.Write(strconv.AppendFloat(scratch[:0], v.x(f), 'g', -1, 64))
		case v.b != nil:
			err = w.writeString(strconv.FormatBool(v.b(f)))
		default:
			err = w.writeString(p.text)
		}
		if err != nil {
			break
		}
	}
	return w.b.String()
}

// renderSafe is render; ok is false when a part panicked.
func (m *messageRenderer) renderSafe(f *Facts) (text string, ok bool) {
	defer func() {
		if recover() != nil {
			text, ok = "", false
		}
	}()
	return m.render(f), true
}
