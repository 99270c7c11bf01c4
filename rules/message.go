package rules

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// studentField is one field of Student as templates see it.
type studentField struct {
	name  string // the expr tag
	index int
}

// studentFields lists Student's fields by their rule-facing names; a
// read-only table computed once from the struct tags so that templates and
// `when` can never disagree on a name.
var studentFields = func() []studentField {
	t := reflect.TypeFor[Student]()
	fields := make([]studentField, 0, t.NumField())
	for i := range t.NumField() {
		fields = append(fields, studentField{name: t.Field(i).Tag.Get("expr"), index: i})
	}
	return fields
}()

// topNames are the plain (non-function) names of the environment.
var topNames = []string{"student", "absent_streak", "unexcused_streak", "today", "month", "campaign"}

// studentNames returns the rule-facing names of Student's fields.
func studentNames() []string {
	names := make([]string, len(studentFields))
	for i, f := range studentFields {
		names[i] = f.name
	}
	return names
}

// templateData is the dot of a message template: the names of `when`.
func templateData(f *Facts) map[string]any {
	v := reflect.ValueOf(&f.Student).Elem()
	student := make(map[string]any, len(studentFields))
	for _, sf := range studentFields {
		student[sf.name] = v.Field(sf.index).Interface()
	}
	return map[string]any{
		"student":          student,
		"absent_streak":    f.AbsentStreak,
		"unexcused_streak": f.UnexcusedStreak,
		"today":            f.Today,
		"month":            f.Month,
		"campaign":         f.Campaign,
	}
}

// templateFuncs returns the windowed functions for templates, bound to f.
func templateFuncs(f *Facts) template.FuncMap {
	w := func() (Windows, error) {
		if f.W == nil {
			return nil, errors.New("facts have no Windows")
		}
		return f.W, nil
	}
	intFunc := func(call func(Windows, int) int) func(int) (int, error) {
		return func(n int) (int, error) {
			w, err := w()
			if err != nil {
				return 0, err
			}
			return call(w, n), nil
		}
	}
	return template.FuncMap{
		"absences":  intFunc(Windows.Absences),
		"unexcused": intFunc(Windows.Unexcused),
		"absence_rate": func(n int) (float64, error) {
			w, err := w()
			if err != nil {
				return 0, err
			}
			return w.AbsenceRate(n), nil
		},
		"contacts":               intFunc(Windows.Contacts),
		"home_teaching_sessions": intFunc(Windows.HomeTeachingSessions),
		"home_teaching_hours":    intFunc(Windows.HomeTeachingHours),
	}
}

// execute runs the shared parsed template t on f. The funcs are bound to f
// in a clone, so concurrent calls on one template are safe.
func execute(t *template.Template, f *Facts) (string, error) {
	c, err := t.Clone()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := c.Funcs(templateFuncs(f)).Execute(&b, templateData(f)); err != nil {
		return "", err
	}
	return b.String(), nil
}

// templateLineRE splits a text/template parse error into line and message.
var templateLineRE = regexp.MustCompile(`^template: message:(\d+): (.*)$`)

// compileMessage parses and checks the message scalar n of rule id. It
// returns the template and the largest window used, and reports problems
// through report.
func compileMessage(src *source, id string, n *yaml.Node, report *collector) (*template.Template, int) {
	text := n.Value
	t, err := template.New("message").Option("missingkey=error").Funcs(templateFuncs(&Facts{})).Parse(text)
	if err != nil {
		line, msg := 1, err.Error()
		if m := templateLineRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		msg = "message: " + msg + suggestFunc(msg)
		report.at(src, n, runeOffsetOfLine(text, line), id, msg)
		return nil, 0
	}
	c := &messageChecker{src: src, id: id, node: n, report: report}
	c.walk(t.Tree.Root, true)
	if c.failed {
		return nil, 0
	}
	if _, err := execute(t, &Facts{W: zeroWindows{}}); err != nil {
		msg := strings.TrimPrefix(err.Error(), "template: ")
		report.at(src, n, 0, id, "message: "+msg)
		return nil, 0
	}
	return t, c.window
}

// suggestFunc adds a suggestion to a "function "x" not defined" message.
func suggestFunc(msg string) string {
	const prefix = `function "`
	i := strings.Index(msg, prefix)
	if i < 0 || !strings.HasSuffix(msg, `" not defined`) {
		return ""
	}
	name := strings.TrimSuffix(msg[i+len(prefix):], `" not defined`)
	return suggest(name, windowFuncNames())
}

// runeOffsetOfLine returns the rune index where the 1-based line starts in text.
func runeOffsetOfLine(text string, line int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
	}
	return utf8.RuneCountInString(text[:off])
}

// messageChecker walks a message template's parse tree and reports names
// that do not exist and windowed calls without a literal window.
type messageChecker struct {
	src    *source
	id     string
	node   *yaml.Node
	report *collector
	window int
	failed bool
}

func (c *messageChecker) errorf(pos parse.Pos, format string, args ...any) {
	c.failed = true
	text := c.node.Value
	idx := utf8.RuneCountInString(text[:min(int(pos), len(text))])
	c.report.at(c.src, c.node, idx, c.id, "message: "+fmt.Sprintf(format, args...))
}

// walk visits n; root reports whether dot is still the template's data.
func (c *messageChecker) walk(n parse.Node, root bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, m := range n.Nodes {
			c.walk(m, root)
		}
	case *parse.ActionNode:
		c.walk(n.Pipe, root)
	case *parse.IfNode:
		c.walkBranch(&n.BranchNode, root, root)
	case *parse.RangeNode:
		c.walkBranch(&n.BranchNode, root, false)
	case *parse.WithNode:
		c.walkBranch(&n.BranchNode, root, false)
	case *parse.TemplateNode:
		c.walk(n.Pipe, root)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, cmd := range n.Cmds {
			c.walk(cmd, root)
		}
	case *parse.CommandNode:
		c.command(n, root)
	case *parse.ChainNode:
		c.walk(n.Node, root)
	case *parse.FieldNode:
		if root {
			c.field(n.Position(), n.Ident)
		}
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" {
			c.field(n.Position(), n.Ident[1:])
		}
	case *parse.IdentifierNode:
		if isWindowFunc(n.Ident) {
			c.errorf(n.Position(), "%s needs a window in days right after it, e.g. (%s 14)", n.Ident, n.Ident)
		}
	}
}

func (c *messageChecker) walkBranch(b *parse.BranchNode, root, inner bool) {
	c.walk(b.Pipe, root)
	c.walk(b.List, inner)
	c.walk(b.ElseList, root)
}

// command checks one command: a windowed call must be `name N` with N an
// integer literal in [MinWindow, MaxWindowLimit].
func (c *messageChecker) command(n *parse.CommandNode, root bool) {
	args := n.Args
	if id, ok := args[0].(*parse.IdentifierNode); ok && isWindowFunc(id.Ident) {
		var nn *parse.NumberNode
		if len(args) == 2 {
			nn, _ = args[1].(*parse.NumberNode)
		}
		if nn == nil {
			c.errorf(id.Position(), "%s needs one window in days, a whole number from %d to %d, e.g. (%s 14)",
				id.Ident, MinWindow, MaxWindowLimit, id.Ident)
			return
		}
		if !nn.IsInt || nn.Int64 < MinWindow || nn.Int64 > MaxWindowLimit {
			c.errorf(nn.Position(), "window of %s must be a whole number of days from %d to %d, not %s",
				id.Ident, MinWindow, MaxWindowLimit, nn.Text)
			return
		}
		c.window = max(c.window, int(nn.Int64))
		return
	}
	for _, a := range args {
		c.walk(a, root)
	}
}

// field checks a field chain such as .student.name against the environment.
// pos is where text/template puts the node, somewhere in the chain; errors
// point at the segment that is wrong.
func (c *messageChecker) field(pos parse.Pos, ident []string) {
	path := "." + strings.Join(ident, ".")
	text := c.node.Value
	start := int(pos)
	if i := strings.LastIndex(text[:min(len(text), int(pos)+len(path))], path); i >= 0 {
		start = i
	}
	segment := func(k int) parse.Pos { return parse.Pos(start + len("."+strings.Join(ident[:k], "."))) }
	if !contains(topNames, ident[0]) {
		c.errorf(segment(0), "unknown name %s%s", path, suggest(ident[0], append(windowFuncNames(), topNames...)))
		return
	}
	if len(ident) == 1 {
		return
	}
	if ident[0] != "student" || len(ident) > 2 {
		k := min(len(ident)-1, 2)
		if ident[0] != "student" {
			k = 1
		}
		c.errorf(segment(k), "unknown name %s: .%s has no fields", path, strings.Join(ident[:k], "."))
		return
	}
	if !contains(studentNames(), ident[1]) {
		c.errorf(segment(1), "unknown name %s: student has no field %q%s", path, ident[1], suggest(ident[1], studentNames()))
	}
}

func windowFuncNames() []string {
	names := make([]string, len(windowFuncs))
	for i, f := range windowFuncs {
		names[i] = f.name
	}
	return names
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }
