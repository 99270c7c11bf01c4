package config

import (
	"errors"
	"strings"

	"gopkg.in/yaml.v3"

	"baoxue/i18n"
)

// expander replaces ${VAR}, ${VAR:-default} and $$ in scalar values. A "$"
// followed by anything else is kept as it is.
type expander struct {
	lookup func(string) (string, bool)
	// vars maps each expanded node to the first variable in it, so that
	// later messages about the node name the variable, never the value.
	vars map[*yaml.Node]string
	// bad maps each node that could not be expanded to the problem; it is
	// reported when the node's key is known.
	bad map[*yaml.Node]i18n.Message
}

// walk expands every scalar value below n; mapping keys are left alone.
func (e *expander) walk(n *yaml.Node) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			e.walk(c)
		}
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			e.walk(n.Content[i])
		}
	case yaml.ScalarNode:
		e.scalar(n)
	}
}

func (e *expander) scalar(n *yaml.Node) {
	if !strings.Contains(n.Value, "$") {
		return
	}
	out, first, err := expand(n.Value, e.lookup)
	if err != nil {
		var ie *i18n.Error
		if errors.As(err, &ie) { // expand's errors are all catalog messages
			e.bad[n] = ie.Msg
		}
		return
	}
	if first == "" { // only $$ escapes: not a secret
		n.Value = out
		return
	}
	e.vars[n] = first
	n.Value = out
	if n.Style&yaml.TaggedStyle == 0 {
		// Resolve the expanded text as if written plainly, so that
		// agent_id: "${AGENT}" is a number; but a value that would read as
		// null (a password "null" or "~") stays a string.
		plain := &yaml.Node{Kind: yaml.ScalarNode, Value: out}
		switch tag := plain.ShortTag(); tag {
		case "!!int", "!!float", "!!bool":
			n.Tag = tag
		default:
			n.Tag = "!!str"
		}
	}
}

// expand returns s with references replaced and the name of the first
// variable it used. Errors (*i18n.Error) name variables, never values.
func expand(s string, lookup func(string) (string, bool)) (string, string, error) {
	var b strings.Builder
	first := ""
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 || i == len(s)-1 {
			b.WriteString(s)
			return b.String(), first, nil
		}
		b.WriteString(s[:i])
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			s = s[i+2:]
			continue
		case '{':
		default:
			b.WriteByte('$')
			s = s[i+1:]
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", "", i18n.Errorf("config.env.unterminated", "${")
		}
		name, def, hasDef := strings.Cut(s[i+2:i+end], ":-")
		if !validName(name) {
			return "", "", i18n.Errorf("config.env.bad_reference", ref(name), "${NAME}", "${NAME:-default}")
		}
		if first == "" {
			first = name
		}
		v, ok := lookup(name)
		switch {
		case hasDef && (!ok || v == ""):
			v = def
		case !ok:
			return "", "", i18n.Errorf("config.env.unset", name)
		}
		b.WriteString(v)
		s = s[i+end+1:]
	}
}

// ref writes a reference to the variable name, ${name}, for a message.
func ref(name string) string { return "${" + name + "}" }

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}
