package rules

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"baoxue/i18n"
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
	if l := utf8.RuneCountInString(text); l > maxMessageSource {
		report.at(src, n, maxMessageSource, id, messageMsg(i18n.M("rules.message.source_too_long", l, maxMessageSource)))
		return nil, 0
	}
	t, err := template.New("message").Option("missingkey=error").
		Funcs(templateFuncs(func() *Facts { return nil })).Parse(text)
	if err != nil {
		line, msg := 1, err.Error()
		if m := templateLineRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		report.at(src, n, runeOffsetOfLine(text, line), id, messageMsg(parseProblem(msg)))
		return nil, 0
	}
	c := &messageChecker{src: src, id: id, node: n, report: report, used: map[string]bool{}}
	for _, tt := range t.Templates() {
		if tt.Name() == t.Name() {
			continue
		}
		// A block is a define and a template: its template is reported.
		if pos := c.keyword(tt.Root.Position(), "define", "block"); !strings.HasPrefix(text[pos:], "block") {
			c.errorf(pos, "rules.message.define")
		}
	}
	if t.Tree != nil {
		c.walk(t.Root, scope{dot: kindRoot, vars: map[string]valueKind{"$": kindRoot}}, 0)
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
		report.at(src, n, 0, id, messageMsg(i18n.Raw(msg)))
		return nil, 0
	}
	m.fast = compileRenderer(t)
	return m, c.window
}

// messageMsg returns msg as a problem of a rule's message: "message: …".
func messageMsg(msg i18n.Message) i18n.Message { return i18n.M("rules.message.prefix", msg) }

// undefinedFuncRE matches text/template's parse error for a function that
// does not exist.
var undefinedFuncRE = regexp.MustCompile(`^function "(.*)" not defined$`)

// parseProblem says what text/template's parse error msg says: a function
// that does not exist, with a suggestion, in the reader's language; any
// other error in text/template's own words.
func parseProblem(msg string) i18n.Message {
	if m := undefinedFuncRE.FindStringSubmatch(msg); m != nil {
		return i18n.M("rules.message.undefined_function", m[1], suggest(m[1], windowFuncNames()))
	}
	return i18n.Raw(msg)
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

// messageBuiltins are the text/template functions a message may call,
// besides the windowed ones: comparisons, logic, len and formatting. The
// others (call, index, slice, html, js, urlquery, println) reach nothing a
// message needs.
var messageBuiltins = []string{"eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "len", "print", "printf"}

// valueKind is what a value of a message is, as far as its fields go.
type valueKind int

const (
	kindScalar  valueKind = iota // a string, number or bool: no fields
	kindRoot                     // the message's data: student, norms, today, …
	kindStudent                  // .student
	kindNorms                    // .norms
)

// scope is what dot and each variable hold at a point of a message.
type scope struct {
	dot  valueKind
	vars map[string]valueKind // "$" is the data
}

// clone returns a scope whose variables can be declared without leaking out
// of the block they are declared in.
func (s scope) clone() scope {
	vars := make(map[string]valueKind, len(s.vars))
	for k, v := range s.vars {
		vars[k] = v
	}
	return scope{dot: s.dot, vars: vars}
}

// messageChecker walks a message template's parse tree and reports what a
// message may not do: names that do not exist (following dot through
// with and variables, so that a misspelt name in a branch the load-time
// rendering does not take is caught too), functions outside the list,
// windowed calls without a literal window, range, template, define and
// block, and the budgets of SPEC §5.
type messageChecker struct {
	src    *source
	id     string
	node   *yaml.Node
	report *collector
	window int
	failed bool
	used   map[string]bool // student fields named through .student
	whole  bool            // .student or the whole data is used as a value, so any field may be read
	text   int             // characters of text written out, in every branch
	deep   bool            // the nesting error was reported
}

// errorf reports the message key with args at pos of the message.
func (c *messageChecker) errorf(pos parse.Pos, key string, args ...any) {
	c.failed = true
	text := c.node.Value
	idx := utf8.RuneCountInString(text[:max(0, min(int(pos), len(text)))])
	c.report.at(c.src, c.node, idx, c.id, messageMsg(i18n.M(key, args...)))
}

// walk checks the node n of a template's body.
func (c *messageChecker) walk(n parse.Node, s scope, depth int) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, m := range n.Nodes {
			c.walk(m, s, depth)
		}
	case *parse.TextNode:
		c.countText(n)
	case *parse.ActionNode:
		c.pipe(n.Pipe, s, depth)
	case *parse.IfNode:
		c.branch(&n.BranchNode, s, depth, false)
	case *parse.WithNode:
		c.branch(&n.BranchNode, s, depth, true)
	case *parse.RangeNode:
		c.errorf(c.keyword(n.Position(), "range"), "rules.message.range")
	case *parse.TemplateNode:
		c.errorf(c.keyword(n.Position(), "template", "block"), "rules.message.template")
	}
}

// keyword returns the position of the last of the keywords before pos,
// where text/template places a node after its keyword; pos when none is.
func (c *messageChecker) keyword(pos parse.Pos, keywords ...string) parse.Pos {
	head := c.node.Value[:max(0, min(int(pos), len(c.node.Value)))]
	best := -1
	for _, k := range keywords {
		best = max(best, strings.LastIndex(head, k))
	}
	if best < 0 {
		return pos
	}
	return parse.Pos(best)
}

// countText adds a text's characters to the message's own text and reports
// where that passes MaxMessageLength.
func (c *messageChecker) countText(n *parse.TextNode) {
	before := c.text
	c.text += utf8.RuneCount(n.Text)
	if before > MaxMessageLength || c.text <= MaxMessageLength {
		return
	}
	off := 0
	for i := 0; i < MaxMessageLength-before; i++ {
		_, size := utf8.DecodeRune(n.Text[off:])
		off += size
	}
	c.errorf(n.Position()+parse.Pos(off), "rules.message.text_too_long", MaxMessageLength, MaxMessageLength)
}

// branch checks an if or with: its pipeline, then its body, where a with
// sets dot to the pipeline's value, then its else.
func (c *messageChecker) branch(b *parse.BranchNode, s scope, depth int, with bool) {
	if depth >= maxNesting {
		c.tooDeep(b.Position())
		return
	}
	outer := s.clone()
	kind := c.pipe(b.Pipe, outer, depth)
	inner := outer.clone()
	if with {
		inner.dot = kind
	}
	c.walk(b.List, inner, depth+1)
	c.walk(b.ElseList, outer.clone(), depth+1)
}

func (c *messageChecker) tooDeep(pos parse.Pos) {
	if !c.deep {
		c.deep = true
		c.errorf(pos, "rules.message.nesting", maxNesting, maxNesting)
	}
}

// pipe checks a pipeline, declares its variables in s, and returns what
// its value is.
func (c *messageChecker) pipe(p *parse.PipeNode, s scope, depth int) valueKind {
	if p == nil {
		return kindScalar
	}
	if p.IsAssign {
		c.errorf(p.Position(), "rules.message.assign", p.Decl[0].Ident[0])
	}
	kind := kindScalar
	for _, cmd := range p.Cmds {
		kind = c.command(cmd, s, depth)
	}
	for _, v := range p.Decl {
		s.vars[v.Ident[0]] = kind
	}
	return kind
}

// command checks one command and returns what its value is. A windowed
// call must be `name N` with N an integer literal in [MinWindow,
// MaxWindowLimit] (`home_teaching_sessions_of N H`, H any argument).
func (c *messageChecker) command(n *parse.CommandNode, s scope, depth int) valueKind {
	args := n.Args
	id, ok := args[0].(*parse.IdentifierNode)
	if !ok {
		k := c.value(args[0], s, depth)
		if len(args) == 1 {
			return k
		}
		c.errorf(args[1].Position(), "rules.message.not_function", args[0].String())
		for _, a := range args[1:] {
			c.value(a, s, depth)
		}
		return kindScalar
	}
	if !isWindowFunc(id.Ident) {
		c.function(id)
		if id.Ident == "printf" {
			c.format(id, args[1:])
		}
		for _, a := range args[1:] {
			c.value(a, s, depth)
		}
		return kindScalar
	}
	var nn *parse.NumberNode
	if len(args) == 1+windowArgs(id.Ident) {
		nn, _ = args[1].(*parse.NumberNode)
	}
	if nn == nil {
		if windowArgs(id.Ident) == 2 {
			c.errorf(id.Position(), "rules.message.window_hours", id.Ident, MinWindow, MaxWindowLimit)
			return kindScalar
		}
		c.errorf(id.Position(), "rules.message.window", id.Ident, MinWindow, MaxWindowLimit)
		return kindScalar
	}
	if !nn.IsInt || nn.Int64 < MinWindow || nn.Int64 > MaxWindowLimit {
		c.errorf(nn.Position(), "rules.message.window_range", id.Ident, MinWindow, MaxWindowLimit, nn.Text)
		return kindScalar
	}
	c.window = max(c.window, int(nn.Int64))
	for _, a := range args[2:] {
		c.value(a, s, depth)
	}
	return kindScalar
}

// function reports a function a message may not call.
func (c *messageChecker) function(id *parse.IdentifierNode) {
	if !contains(messageBuiltins, id.Ident) {
		c.errorf(id.Position(), "rules.message.function", id.Ident, names(append(windowFuncNames(), messageBuiltins...)))
	}
}

// format checks the arguments of printf: a format written out, whose
// widths and precisions are at most 99, so that no message pads itself to
// a megabyte for every student.
func (c *messageChecker) format(id *parse.IdentifierNode, args []parse.Node) {
	f, ok := (parse.Node)(nil), false
	if len(args) > 0 {
		f = args[0]
		_, ok = f.(*parse.StringNode)
	}
	if !ok {
		c.errorf(id.Position(), "rules.message.printf_format")
		return
	}
	if verb, bad := wideVerb(f.(*parse.StringNode).Text); bad {
		c.errorf(f.Position(), "rules.message.printf_width", verb)
	}
}

// wideVerb returns the first verb of the printf format f whose width or
// precision is * or more than two digits.
func wideVerb(f string) (string, bool) {
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		start, digits := i, 0
		for i++; i < len(f) && strings.IndexByte("+-# 0123456789.*[]", f[i]) >= 0; i++ {
			switch {
			case f[i] == '*':
				digits = 3
			case f[i] >= '0' && f[i] <= '9':
				digits++
			default:
				digits = 0
			}
			if digits > 2 {
				end := i
				for end < len(f) && strings.IndexByte("+-# 0123456789.*[]", f[end]) >= 0 {
					end++
				}
				return f[start:min(len(f), end+1)], true
			}
		}
	}
	return "", false
}

// value checks an argument and returns what it is.
func (c *messageChecker) value(n parse.Node, s scope, depth int) valueKind {
	switch n := n.(type) {
	case *parse.FieldNode:
		return c.field(n.Position(), s.dot, "", n.Ident)
	case *parse.DotNode:
		return c.produce(s.dot)
	case *parse.VariableNode:
		base, ok := s.vars[n.Ident[0]]
		if !ok {
			base = kindRoot // cannot happen: the parser refuses undeclared variables
		}
		if len(n.Ident) == 1 {
			return c.produce(base)
		}
		display := n.Ident[0]
		if display == "$" {
			display = ""
		}
		return c.field(n.Position(), base, display, n.Ident[1:])
	case *parse.ChainNode:
		return c.field(n.Position(), c.value(n.Node, s, depth), "(…)", n.Field)
	case *parse.PipeNode:
		if depth >= maxNesting {
			c.tooDeep(n.Position())
			return kindScalar
		}
		return c.pipe(n, s.clone(), depth+1)
	case *parse.IdentifierNode:
		// A function named as an argument is called without arguments.
		if isWindowFunc(n.Ident) {
			c.errorf(n.Position(), "rules.message.window_after", n.Ident)
		} else {
			c.function(n)
		}
	}
	return kindScalar
}

// produce notes that a value of kind k is used as a whole: when it is the
// data or .student, any student field may be read through it.
func (c *messageChecker) produce(k valueKind) valueKind {
	if k == kindRoot || k == kindStudent {
		c.whole = true
	}
	return k
}

// field checks a field chain such as .student.name, read from a value of
// kind base (dot, or the variable named display), and returns what it
// reaches. pos is where text/template puts the node, somewhere in the
// chain; errors point at the segment that is wrong.
func (c *messageChecker) field(pos parse.Pos, base valueKind, display string, ident []string) valueKind {
	chain := "." + strings.Join(ident, ".")
	path := display + chain
	text := c.node.Value
	start := int(pos)
	if i := strings.LastIndex(text[:max(0, min(len(text), int(pos)+len(path)))], chain); i >= 0 {
		start = i
	}
	segment := func(k int) parse.Pos { return parse.Pos(start + len("."+strings.Join(ident[:k], "."))) }
	kind := base
	for k, name := range ident {
		switch kind {
		case kindRoot:
			if !contains(topNames, name) {
				c.errorf(segment(k), "rules.name.unknown", path, suggest(name, append(windowFuncNames(), topNames...)))
				return kindScalar
			}
			kind = map[string]valueKind{"student": kindStudent, "norms": kindNorms}[name]
		case kindStudent, kindNorms:
			owner, fields := "student", studentNames()
			if kind == kindNorms {
				owner, fields = "norms", normsNames()
			}
			if !contains(fields, name) {
				c.errorf(segment(k), "rules.name.no_field", path, owner, name, suggest(name, fields))
				return kindScalar
			}
			if kind == kindStudent {
				c.used[name] = true
			}
			kind = kindScalar
		default:
			switch {
			case k > 0:
				c.errorf(segment(k), "rules.name.no_fields", path, display+"."+strings.Join(ident[:k], "."))
			case display != "":
				c.errorf(segment(k), "rules.name.no_fields", path, display)
			default:
				c.errorf(segment(k), "rules.name.dot_scalar", path)
			}
			return kindScalar
		}
	}
	return c.produce(kind)
}

func windowFuncNames() []string { return slices.Clone(windowFuncs) }

func contains(list []string, s string) bool { return slices.Contains(list, s) }
