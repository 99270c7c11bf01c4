package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// templateLineRE splits a text/template parse error into line and message.
var templateLineRE = regexp.MustCompile(`^template: message:(\d+): (.*)$`)

// compileMessage parses and checks the message scalar n of rule id. It
// returns the compiled message and the largest window used, and reports
// problems through report. Besides parsing, it checks the names the
// message uses against the environment and executes it once on empty
// facts, so that a misspelt name fails at load rather than at 19:00.
func compileMessage(src *source, id string, n *yaml.Node, report *collector) (*messageTemplate, int) {
	text := n.Value
	t, err := template.New("message").Option("missingkey=error").
		Funcs(templateFuncs(func() *Facts { return nil })).Parse(text)
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
	c := &messageChecker{src: src, id: id, node: n, report: report, used: map[string]bool{}}
	for _, tt := range t.Templates() {
		// {{define}}d templates may be given any dot: check their calls only.
		c.walk(tt.Tree.Root, tt == t)
		c.whole = c.whole || tt != t
	}
	if c.failed {
		return nil, 0
	}
	m := &messageTemplate{base: t}
	if !c.whole {
		m.fields = []envField{}
		for _, sf := range studentFields {
			if c.used[sf.name] {
				m.fields = append(m.fields, sf)
			}
		}
	}
	if _, err := m.render(&Facts{W: zeroWindows{}}); err != nil {
		msg := strings.TrimPrefix(err.Error(), "template: ")
		report.at(src, n, 0, id, "message: "+msg)
		return nil, 0
	}
	return m, c.window
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
	used   map[string]bool // student fields named as .student.X or $.student.X
	whole  bool            // .student itself is used, so any field may be read
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
	case *parse.DotNode:
		// The whole data, or what a with/range set dot to, goes somewhere.
		c.whole = c.whole || root
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" {
			c.field(n.Position(), n.Ident[1:])
		} else {
			c.whole = true // $ or a variable, which may hold .student
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
// integer literal in [MinWindow, MaxWindowLimit] (`home_teaching_sessions_of
// N H`, H any argument).
func (c *messageChecker) command(n *parse.CommandNode, root bool) {
	args := n.Args
	if id, ok := args[0].(*parse.IdentifierNode); ok && isWindowFunc(id.Ident) {
		var nn *parse.NumberNode
		if len(args) == 1+windowArgs(id.Ident) {
			nn, _ = args[1].(*parse.NumberNode)
		}
		if nn == nil {
			if windowArgs(id.Ident) == 2 {
				c.errorf(id.Position(), "%s needs a window in days, a whole number from %d to %d, and the least class hours of a session, e.g. (%s 7 2)",
					id.Ident, MinWindow, MaxWindowLimit, id.Ident)
				return
			}
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
		for _, a := range args[2:] {
			c.walk(a, root)
		}
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
		c.whole = c.whole || ident[0] == "student"
		return
	}
	var fields []string
	switch ident[0] {
	case "student":
		fields = studentNames()
	case "norms":
		fields = normsNames()
	}
	if fields == nil || len(ident) > 2 {
		k := min(len(ident)-1, 2)
		if fields == nil {
			k = 1
		}
		c.errorf(segment(k), "unknown name %s: .%s has no fields", path, strings.Join(ident[:k], "."))
		return
	}
	if !contains(fields, ident[1]) {
		c.errorf(segment(1), "unknown name %s: %s has no field %q%s", path, ident[0], ident[1], suggest(ident[1], fields))
		return
	}
	if ident[0] == "student" {
		c.used[ident[1]] = true
	}
}

func windowFuncNames() []string { return slices.Clone(windowFuncs) }

func contains(list []string, s string) bool { return slices.Contains(list, s) }
