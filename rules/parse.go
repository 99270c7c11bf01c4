package rules

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"baoxue/i18n"
	"baoxue/inputerr"
)

// Keys of a rule file, in documentation order.
var (
	fileKeys = []string{"rules"}
	ruleKeys = []string{"id", "name", "severity", "when", "campaigns", "notify", "cooldown",
		"pair", "sensitive", "inhibits", "task", "message", "enabled"}
	taskKeys = []string{"kind", "assign", "due"}
)

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// english renders messages for sorting, so that the order of problems at
// one position does not depend on the reader's language.
var english = i18n.NewPrinter(i18n.English)

// collector gathers every problem of a load.
type collector struct{ errs inputerr.List }

// add reports msg at file, line and col (0 for the file as a whole), about
// the rule id ("" for none).
func (c *collector) add(file string, line, col int, rule string, msg i18n.Message) {
	c.errs.Add(file, line, col, "", inRule(rule, msg))
}

// sort orders the problems by file, line and column and, at one position,
// by message (a file with only a misspelled key has two problems at 1:1).
func (c *collector) sort() {
	slices.SortStableFunc(c.errs, func(a, b *inputerr.Error) int {
		return cmp.Or(inputerr.Compare(a, b), strings.Compare(english.Text(a.Msg), english.Text(b.Msg)))
	})
}

// atNode reports msg at the position of node n. yaml.v3 places an empty
// node at the end of a file (as in "---") on the line after the last: such
// a position is moved to the end of the last line.
func (c *collector) atNode(src *source, n *yaml.Node, rule string, msg i18n.Message) {
	line, col := n.Line, n.Column
	if last := len(src.lineStarts); line > last {
		line, col = last, utf8.RuneCountInString(src.lineText(last))+1
	}
	c.add(src.name, line, col, rule, msg)
}

// at reports msg at the character idx of scalar n's value.
func (c *collector) at(src *source, n *yaml.Node, idx int, rule string, msg i18n.Message) {
	line, col := src.locate(n, idx)
	c.add(src.name, line, col, rule, msg)
}

// parsedRule is a rule read from YAML, with the nodes later stages place
// their errors at.
type parsedRule struct {
	rule    *Rule
	node    *yaml.Node // the rule's mapping
	idNode  *yaml.Node // nil when the rule has no usable id
	when    *yaml.Node
	message *yaml.Node
	// inhibits are the entries of `inhibits` that name a rule, in the
	// order of Rule.Inhibits: checkInhibits places its errors at them.
	inhibits []*yaml.Node
}

// fileParser reads one rule file's YAML tree into rules.
type fileParser struct {
	src *source
	c   *collector
	id  string // id of the rule being read, for error messages
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseFile reads the rules of one file; problems go to c.
func parseFile(src *source, c *collector) []parsedRule {
	p := &fileParser{src: src, c: c}
	var doc yaml.Node
	if err := yaml.Unmarshal(src.data, &doc); err != nil {
		p.yamlError(err)
		return nil
	}
	if len(doc.Content) == 0 {
		c.add(src.name, 1, 1, "", i18n.M("rules.file.empty"))
		return nil
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "rules.file.not_mapping", describe(root))
		return nil
	}
	var rulesNode *yaml.Node
	p.eachPair(root, fileKeys, func(key string, k, v *yaml.Node) {
		rulesNode = v
	})
	if rulesNode == nil {
		p.errorf(root, "rules.file.no_rules_key")
		return nil
	}
	if rulesNode.Kind != yaml.SequenceNode {
		p.errorf(rulesNode, "rules.file.rules_not_list", describe(rulesNode))
		return nil
	}
	var out []parsedRule
	for _, n := range rulesNode.Content {
		if pr, ok := p.rule(resolve(n)); ok {
			out = append(out, pr)
		}
	}
	return out
}

// yamlError reports a YAML syntax error. yaml.v3 reports a line but no
// column, and for parser (as opposed to scanner) errors the 0-based line
// where the enclosing block starts. So the line is corrected, then moved to
// the first line at or after it where the file cut after that line fails
// with the same problem, and the column is that line's first character.
func (p *fileParser) yamlError(err error) {
	line, problem := splitYAMLError(err)
	if slices.Contains(yamlParserProblems, problem) {
		line++
	}
	// At the end of a file without a final line break, the parser's line
	// is one past the last.
	line = min(max(line, 1), len(p.src.lineStarts))
	line = p.firstFailingLine(line, problem)
	text := p.src.lineText(line)
	col := utf8.RuneCountInString(text) - utf8.RuneCountInString(strings.TrimLeft(text, " ")) + 1
	msg := i18n.M("rules.yaml.broken", i18n.Raw(problem))
	if strings.TrimSpace(text) != "" {
		msg = withSnippet(msg, " | "+text)
	}
	p.c.add(p.src.name, line, col, "", msg)
}

// yamlParserProblems are the problems of yaml.v3's parser, whose errors
// carry a 0-based line (its scanner's errors carry a 1-based one).
var yamlParserProblems = []string{
	"did not find expected key", "did not find expected node content",
	"did not find expected '-' indicator", "did not find expected ',' or ']'",
	"did not find expected ',' or '}'", "did not find expected <document start>",
	"did not find expected <stream-start>", "found duplicate %YAML directive",
	"found duplicate %TAG directive", "found incompatible YAML document",
	"found undefined tag handle",
}

// splitYAMLError splits "yaml: line N: problem" into N (0 when absent) and problem.
func splitYAMLError(err error) (int, string) {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return line, m[2]
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

// yamlSearchLines bounds how far firstFailingLine looks: each line it tries
// parses the file up to there again, and a hostile file has many lines.
const yamlSearchLines = 100

// firstFailingLine returns the first line, from `from` on and within
// yamlSearchLines of it, such that the file cut after it fails to parse
// with problem; `from` when there is none.
func (p *fileParser) firstFailingLine(from int, problem string) int {
	var n yaml.Node
	for l := from; l < len(p.src.lineStarts) && l < from+yamlSearchLines; l++ {
		err := yaml.Unmarshal(p.src.data[:p.src.lineStarts[l]], &n)
		if err == nil {
			continue
		}
		if _, pr := splitYAMLError(err); pr == problem {
			return l
		}
	}
	return from
}

// errorf reports the message key with args at node n, naming the current
// rule.
func (p *fileParser) errorf(n *yaml.Node, key string, args ...any) {
	p.c.atNode(p.src, n, p.id, i18n.M(key, args...))
}

// eachPair calls fn for each key of mapping m, reporting keys that are not
// in allowed (with a suggestion) and keys given twice.
func (p *fileParser) eachPair(m *yaml.Node, allowed []string, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := resolve(m.Content[i]), resolve(m.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "rules.key.not_word", allowed[0], describe(k))
			continue
		}
		if first, ok := seen[k.Value]; ok {
			p.errorf(k, "rules.key.twice", k.Value, strconv.Itoa(first.Line))
			continue
		}
		seen[k.Value] = k
		if !slices.Contains(allowed, k.Value) {
			if near := Nearest(k.Value, allowed); near != "" {
				p.errorf(k, "rules.key.unknown_near", k.Value, suggest(k.Value, allowed))
			} else {
				p.errorf(k, "rules.key.unknown", k.Value, names(allowed))
			}
			continue
		}
		fn(k.Value, k, v)
	}
}

// rule reads one rule mapping.
func (p *fileParser) rule(n *yaml.Node) (parsedRule, bool) {
	p.id = ""
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "rules.rule.not_mapping", describe(n))
		return parsedRule{}, false
	}
	p.id = peekID(n)
	r := &Rule{
		File:     p.src.name,
		Line:     n.Line,
		Notify:   DefaultNotify(),
		Cooldown: DefaultCooldown,
		Enabled:  true,
	}
	pr := parsedRule{rule: r, node: n}
	p.eachPair(n, ruleKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "id":
			if s, ok := p.text(key, v); ok {
				if !idRE.MatchString(s) {
					p.errorf(v, "rules.id.bad", s)
					return
				}
				r.ID, pr.idNode = s, v
			}
		case "name":
			r.Name, _ = p.text(key, v)
		case "severity":
			r.Severity, _ = p.enum(key, v, severities)
		case "when":
			if s, ok := p.text(key, v); ok {
				r.When, pr.when = s, v
			}
		case "campaigns":
			r.Campaigns = p.enumList(key, v, campaigns, true)
		case "notify":
			if l := p.enumList(key, v, recipients, false); l != nil {
				r.Notify = l
			}
		case "cooldown":
			if d, ok := p.duration(key, v); ok {
				r.Cooldown = d
			}
		case "pair":
			r.Pair, _ = p.boolean(key, v)
		case "sensitive":
			r.Sensitive, _ = p.boolean(key, v)
		case "inhibits":
			r.Inhibits, pr.inhibits = p.ruleIDs(key, v)
		case "enabled":
			if b, ok := p.boolean(key, v); ok {
				r.Enabled = b
			}
		case "task":
			r.Task = p.task(v)
		case "message":
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				return // "message:" with nothing: no message
			}
			if s, ok := p.text(key, v); ok {
				r.Message, pr.message = s, v
			}
		}
	})
	p.require(n, r)
	return pr, true
}

// require reports the required keys a rule lacks.
func (p *fileParser) require(n *yaml.Node, r *Rule) {
	present := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		present[resolve(n.Content[i]).Value] = true
	}
	for _, key := range []string{"id", "name", "severity", "when"} {
		if !present[key] {
			p.errorf(n, "rules.rule.missing", key)
		}
	}
}

// task reads a task mapping; nil when it is unusable.
func (p *fileParser) task(n *yaml.Node) *Task {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "rules.task.not_mapping", describe(n))
		return nil
	}
	t := &Task{Assign: DefaultAssign}
	var haveKind, haveDue bool
	p.eachPair(n, taskKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "kind":
			t.Kind, _ = p.enum("task.kind", v, taskKinds)
			haveKind = true
		case "assign":
			if s, ok := p.enum("task.assign", v, assignees); ok {
				t.Assign = s
			}
		case "due":
			haveDue = true
			d, ok := p.duration("task.due", v)
			if ok && d == 0 {
				p.errorf(v, "rules.task.due_zero")
			}
			t.Due = d
		}
	})
	if !haveKind {
		p.errorf(n, "rules.task.no_kind", names(taskKinds))
	}
	if !haveDue {
		p.errorf(n, "rules.task.no_due")
	}
	return t
}

// text reads a non-empty scalar.
func (p *fileParser) text(key string, v *yaml.Node) (string, bool) {
	if v.Kind != yaml.ScalarNode {
		p.errorf(v, "rules.value.not_single", key, describe(v))
		return "", false
	}
	if v.Tag == "!!null" || strings.TrimSpace(v.Value) == "" {
		p.errorf(v, "rules.value.empty", key)
		return "", false
	}
	return v.Value, true
}

// enum reads a scalar that must be one of allowed.
func (p *fileParser) enum(key string, v *yaml.Node, allowed []string) (string, bool) {
	s, ok := p.text(key, v)
	if !ok {
		return "", false
	}
	if !slices.Contains(allowed, s) {
		p.errorf(v, "rules.value.not_one_of", key, s, names(allowed), suggest(s, allowed))
		return "", false
	}
	return s, true
}

// enumList reads a list of allowed values (a single value counts as a list
// of one). An empty list is nil, an error unless emptyOK.
func (p *fileParser) enumList(key string, v *yaml.Node, allowed []string, emptyOK bool) []string {
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	var out []string
	for _, it := range items {
		s, ok := p.enum(key, resolve(it), allowed)
		if !ok {
			continue
		}
		if slices.Contains(out, s) {
			p.errorf(it, "rules.value.twice", key, s)
			continue
		}
		out = append(out, s)
	}
	if len(items) == 0 && !emptyOK {
		p.errorf(v, "rules.value.empty_list", key, names(allowed))
	}
	return out
}

// ruleIDs reads a list of rule ids (a single id counts as a list of one;
// an empty list is none), each with its node. That the rules exist is
// checked once every file is read (checkInhibits).
func (p *fileParser) ruleIDs(key string, v *yaml.Node) ([]string, []*yaml.Node) {
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	var ids []string
	var nodes []*yaml.Node
	for _, it := range items {
		it = resolve(it)
		if it.Kind != yaml.ScalarNode {
			p.errorf(it, "rules.inhibits.not_id", describe(it))
			continue
		}
		s, ok := p.text(key, it)
		if !ok {
			continue
		}
		if !idRE.MatchString(s) {
			p.errorf(it, "rules.inhibits.bad_id", s)
			continue
		}
		if slices.Contains(ids, s) {
			p.errorf(it, "rules.value.twice", key, s)
			continue
		}
		ids, nodes = append(ids, s), append(nodes, it)
	}
	return ids, nodes
}

// duration reads a duration scalar.
func (p *fileParser) duration(key string, v *yaml.Node) (time.Duration, bool) {
	s, ok := p.text(key, v)
	if !ok {
		return 0, false
	}
	d, err := ParseDuration(s)
	if err != nil {
		p.errorf(v, "rules.value.duration", key, err)
		return 0, false
	}
	return d, true
}

// boolean reads true or false.
func (p *fileParser) boolean(key string, v *yaml.Node) (bool, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
		hint := i18n.Raw("")
		if _, err := strconv.ParseBool(v.Value); err == nil && v.Kind == yaml.ScalarNode && v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			hint = i18n.M("rules.value.unquote")
		}
		p.errorf(v, "rules.value.not_bool", key, describe(v), hint)
		return false, false
	}
	b, err := strconv.ParseBool(v.Value)
	if err != nil {
		p.errorf(v, "rules.value.not_bool", key, i18n.Raw(strconv.Quote(v.Value)), i18n.Raw(""))
		return false, false
	}
	return b, true
}

// peekID returns the rule's id for error messages, "" when it has none.
func peekID(n *yaml.Node) string {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Value == "id" && v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
			return strings.TrimSpace(v.Value)
		}
	}
	return ""
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// describe names a node's kind for error messages: a mapping, a list,
// nothing, or the value quoted.
func describe(n *yaml.Node) i18n.Message {
	switch n.Kind {
	case yaml.MappingNode:
		return i18n.M("rules.node.mapping")
	case yaml.SequenceNode:
		return i18n.M("rules.node.list")
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return i18n.M("rules.node.nothing")
		}
		return i18n.Raw(strconv.Quote(n.Value))
	}
	return i18n.M("rules.node.other")
}
