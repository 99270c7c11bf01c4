package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"baoxue/i18n"
	"baoxue/inputerr"
)

// mark is a position in the config file.
type mark struct{ line, col int }

// source remembers where each key's value was in the file, so that Validate
// can place its problems.
type source struct {
	file  string
	marks map[string]mark
	// env names where a key's value came from when it replaced the file's:
	// BAOXUE_DATABASE_URL, or a flag (SetOrigin).
	env map[string]string
	// vars names the first ${VAR} expanded in a key's value; messages name
	// it instead of quoting the value.
	vars map[string]string
	// renamed maps a key to the deprecated name the file gave its value
	// under (home_teaching.hours_per_session -> .hours_per_week).
	renamed map[string]string
}

// checker walks a YAML document against a Go type the way yaml.v3 would
// decode it, reporting what strict decoding must reject — unknown and
// duplicate keys, values of the wrong type — with line, column and key, and
// recording the position of every key.
type checker struct {
	src   *source
	vars  map[*yaml.Node]string
	bad   map[*yaml.Node]i18n.Message
	probs inputerr.List
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

// problem records the problem of the catalog message msg with args at the
// node n of key.
func (c *checker) problem(n *yaml.Node, key, msg string, args ...any) {
	c.problemMsg(n, key, i18n.M(msg, args...))
}

func (c *checker) problemMsg(n *yaml.Node, key string, m i18n.Message) {
	c.probs = append(c.probs, &inputerr.Error{File: c.src.file, Line: n.Line, Col: n.Column, Field: key, Msg: m})
}

func (c *checker) walk(n *yaml.Node, t reflect.Type, key string) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if _, seen := c.src.marks[key]; !seen {
		c.src.marks[key] = mark{n.Line, n.Column}
	}
	if msg, ok := c.bad[n]; ok {
		delete(c.bad, n)
		c.problemMsg(n, key, msg)
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // decoding keeps the default
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) || isScalarKind(t.Kind()) {
		c.noteVars(n, key)
		c.leaf(n, t, key)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if c.expect(n, yaml.MappingNode, key) {
			c.mapping(n, key, func(k string) (reflect.Type, bool) { return fieldType(t, k) }, knownKeys(t))
		}
	case reflect.Map:
		if c.expect(n, yaml.MappingNode, key) {
			c.mapping(n, key, func(string) (reflect.Type, bool) { return t.Elem(), true }, nil)
		}
	case reflect.Slice:
		if c.expect(n, yaml.SequenceNode, key) {
			for i, item := range n.Content {
				c.walk(item, t.Elem(), fmt.Sprintf("%s[%d]", key, i))
			}
		}
	case reflect.Pointer:
		c.walk(n, t.Elem(), key)
	default:
		c.problem(n, key, "config.type.unsupported", t.String()) // a bug in this package
	}
}

// mapping checks the keys of a mapping node; field gives the type of a key's
// value, or false for an unknown key.
func (c *checker) mapping(n *yaml.Node, key string, field func(string) (reflect.Type, bool), known list) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			c.problem(k, key, "config.key.plain")
			continue
		}
		if k.Value == "<<" && k.ShortTag() == "!!merge" {
			c.merge(v, key, field, known)
			continue
		}
		sub := join(key, k.Value)
		if line, dup := seen[k.Value]; dup {
			c.problem(k, sub, "config.key.duplicate", strconv.Itoa(line))
			continue
		}
		seen[k.Value] = k.Line
		ft, ok := field(k.Value)
		if !ok {
			c.problem(k, sub, "config.key.unknown", known)
			continue
		}
		c.walk(v, ft, sub)
	}
}

// merge checks the mappings merged in with "<<: *anchor".
func (c *checker) merge(v *yaml.Node, key string, field func(string) (reflect.Type, bool), known list) {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	switch v.Kind {
	case yaml.MappingNode:
		c.mapping(v, key, field, known)
	case yaml.SequenceNode:
		for _, m := range v.Content {
			c.merge(m, key, field, known)
		}
	default:
		c.problem(v, key, "config.merge")
	}
}

// noteVars records the variable expanded in a leaf's value, or in any item
// of a leaf list.
func (c *checker) noteVars(n *yaml.Node, key string) {
	for _, m := range append([]*yaml.Node{n}, n.Content...) {
		if name, ok := c.vars[m]; ok {
			c.src.vars[key] = name
			return
		}
	}
}

// leaf decodes a scalar on its own to find type errors, wording them itself
// so that no value (possibly a secret from the environment) is printed.
func (c *checker) leaf(n *yaml.Node, t reflect.Type, key string) {
	err := n.Decode(reflect.New(t).Interface())
	if err == nil {
		return
	}
	if name, ok := c.vars[n]; ok {
		c.problem(n, key, "config.env.not", ref(name), describe(t))
		return
	}
	var te *yaml.TypeError
	if reflect.PointerTo(t).Implements(unmarshalerType) && errors.As(err, &te) {
		c.problemMsg(n, key, scalarProblem(t, n, te))
		return
	}
	if got, want := describeNode(n), describe(t); got.Key == want.Key {
		c.problem(n, key, "config.out_of_range", want)
	} else {
		c.problem(n, key, "config.expected", want, got)
	}
}

// scalarProblem words the error te of decoding n into t, a type of this
// package with its own UnmarshalYAML, in the catalog's words.
func scalarProblem(t reflect.Type, n *yaml.Node, te *yaml.TypeError) i18n.Message {
	var err error
	switch t {
	case reflect.TypeFor[Duration](), reflect.TypeFor[ByteSize]():
		if n.Kind != yaml.ScalarNode {
			return i18n.M("config.expected_only", describe(t))
		}
		if t == reflect.TypeFor[Duration]() {
			_, err = ParseDuration(n.Value)
		} else {
			_, err = ParseByteSize(n.Value)
		}
	case reflect.TypeFor[StringList]():
		return i18n.M("config.expected_only", describe(t))
	}
	var e *i18n.Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return i18n.Raw(strings.Join(te.Errors, "; ")) // a type added without a case here
}

func (c *checker) expect(n *yaml.Node, kind yaml.Kind, key string) bool {
	if n.Kind == kind {
		return true
	}
	want := i18n.M("config.type.mapping")
	if kind == yaml.SequenceNode {
		want = i18n.M("config.type.list")
	}
	c.problem(n, key, "config.expected", want, describeNode(n))
	return false
}

func join(key, sub string) string {
	if key == "" {
		return sub
	}
	return key + "." + sub
}

func isScalarKind(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// yamlName is the key of a struct field, or "" when yaml ignores it.
func yamlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}

func fieldType(t reflect.Type, key string) (reflect.Type, bool) {
	for f := range t.Fields() {
		if yamlName(f) == key {
			return f.Type, true
		}
	}
	return nil, false
}

func knownKeys(t reflect.Type) list {
	var names list
	for f := range t.Fields() {
		if name := yamlName(f); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// list is a list of keys a message shows, joined as the reader's language
// joins them ("a, b" in English, "a、b" in Chinese).
type list []string

// Localize joins the keys with p's separator.
func (l list) Localize(p *i18n.Printer) string { return strings.Join(l, p.Sprintf("common.list.sep")) }

// describe names what a value of type t is, for messages.
func describe(t reflect.Type) i18n.Message {
	switch {
	case t == reflect.TypeFor[Duration]():
		return i18n.M("config.type.duration")
	case t == reflect.TypeFor[StringList]():
		return i18n.M("config.type.string_list")
	case t == reflect.TypeFor[ByteSize]():
		return i18n.M("config.type.size")
	}
	switch t.Kind() {
	case reflect.Bool:
		return i18n.M("config.type.bool")
	case reflect.String:
		return i18n.M("config.type.string")
	case reflect.Float32, reflect.Float64:
		return i18n.M("config.type.number")
	case reflect.Slice:
		return i18n.M("config.type.list")
	case reflect.Struct, reflect.Map:
		return i18n.M("config.type.mapping")
	}
	return i18n.M("config.type.integer")
}

// describeNode names what the value of n is, for messages: as describe,
// or its YAML tag.
func describeNode(n *yaml.Node) i18n.Message {
	switch n.Kind {
	case yaml.MappingNode:
		return i18n.M("config.type.mapping")
	case yaml.SequenceNode:
		return i18n.M("config.type.list")
	}
	switch n.ShortTag() {
	case "!!int":
		return i18n.M("config.type.integer")
	case "!!float":
		return i18n.M("config.type.number")
	case "!!bool":
		return i18n.M("config.type.bool")
	case "!!str":
		return i18n.M("config.type.string")
	}
	return i18n.Raw(n.ShortTag())
}
