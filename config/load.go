package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"baoxue/i18n"
	"baoxue/inputerr"
)

// Load reads the config file at path: it expands ${VAR}, ${VAR:-default}
// and $$ in values from the environment, decodes strictly over Default(),
// applies BAOXUE_DATABASE_URL, resolves relative paths against the file's
// directory and validates. Bad content is returned as an inputerr.List,
// each problem naming FILE:LINE:COL and the key; a file that cannot be read is a wrapped
// fs error.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, i18n.Errorf("config.read", err)
	}
	return parse(path, data, os.LookupEnv)
}

// LoadOrDefault loads path, or returns Default() (with BAOXUE_DATABASE_URL
// applied, then validated) when path does not exist and explicit is false,
// that is when the user did not name the file with --config. A missing
// file the user named is an error.
func LoadOrDefault(path string, explicit bool) (*Config, error) {
	c, err := Load(path)
	if err == nil || explicit || !errors.Is(err, fs.ErrNotExist) {
		return c, err
	}
	c = Default()
	c.applyEnv(os.LookupEnv)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// parse is Load after reading, with the environment as a parameter.
func parse(file string, data []byte, lookup func(string) (string, bool)) (*Config, error) {
	c := Default()
	c.src = source{file: file, marks: map[string]mark{}, env: map[string]string{}, vars: map[string]string{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, syntaxProblem(file, err)
	}
	var early inputerr.List
	if len(doc.Content) > 0 && !isNull(doc.Content[0]) {
		early = c.decode(doc.Content[0], lookup)
		early = append(early, c.renameDeprecated()...)
	}
	c.fill()
	c.applyEnv(lookup)
	c.resolvePaths(filepath.Dir(file))
	var late inputerr.List
	if err := c.Validate(); err != nil {
		late = err.(inputerr.List) // Validate returns nothing else
	}
	probs := append(early, dropCovered(late, early)...)
	probs.Sort()
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if c.Lang != "" {
		c.Lang, _ = i18n.ParseLang(string(c.Lang)) // valid: Validate checked it
	}
	return c, nil
}

// decode expands, checks and decodes the root node over c. It decodes even
// when the check found problems, so that Validate can report the rest: a
// value of the wrong type or an unknown key leaves the default in place.
func (c *Config) decode(root *yaml.Node, lookup func(string) (string, bool)) inputerr.List {
	e := expander{lookup: lookup, vars: map[*yaml.Node]string{}, bad: map[*yaml.Node]i18n.Message{}}
	e.walk(root)
	ch := checker{src: &c.src, vars: e.vars, bad: e.bad}
	ch.walk(root, reflect.TypeFor[Config](), "")
	for n, msg := range ch.bad { // below unknown keys, not visited
		ch.problemMsg(n, "", msg)
	}
	// Channels given in the file replace the default log channel, and the
	// default channel is then derived from them.
	c.Notifier.Channels, c.Notifier.Default = nil, ""
	var te *yaml.TypeError
	if err := root.Decode(c); err != nil && !errors.As(err, &te) && len(ch.probs) == 0 {
		// The checker accepts only what decodes, so this is a bug; the
		// message may quote a value, so it is not passed on.
		ch.problem(root, "", "config.decode.bug")
	}
	return ch.probs
}

// renameDeprecated moves the value of home_teaching.hours_per_week, the
// old name of hours_per_session, to the new name with a warning; giving
// both is a problem.
func (c *Config) renameDeprecated() inputerr.List {
	const oldKey, newKey = "home_teaching.hours_per_week", "home_teaching.hours_per_session"
	h := &c.HomeTeaching
	if h.HoursPerWeek == nil {
		return nil
	}
	if _, both := c.src.marks[newKey]; both {
		p := c.src.at(oldKey)
		p.Msg = i18n.M("config.deprecated.both")
		return inputerr.List{&p}
	}
	h.HoursPerSession, h.HoursPerWeek = *h.HoursPerWeek, nil
	c.src.renamed = map[string]string{newKey: oldKey}
	if name, ok := c.src.vars[oldKey]; ok {
		c.src.vars[newKey] = name
	}
	w := c.src.at(oldKey)
	w.Msg = i18n.M("config.deprecated.hours_per_week")
	c.warnings = append(c.warnings, w)
	return nil
}

// dropCovered drops the problems about keys that already have a problem in
// early, or are below such a key: their values are defaults or unexpanded.
func dropCovered(late, early inputerr.List) inputerr.List {
	var out inputerr.List
	for _, p := range late {
		covered := slices.ContainsFunc(early, func(e *inputerr.Error) bool {
			return e.Field != "" && (p.Field == e.Field ||
				strings.HasPrefix(p.Field, e.Field+".") || strings.HasPrefix(p.Field, e.Field+"["))
		})
		if !covered {
			out = append(out, p)
		}
	}
	return out
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// applyEnv lets BAOXUE_DATABASE_URL replace database.dsn (SPEC §2).
func (c *Config) applyEnv(lookup func(string) (string, bool)) {
	if v, ok := lookup(DatabaseURLEnv); ok && v != "" {
		c.Database.DSN = v
		c.SetOrigin("database.dsn", DatabaseURLEnv)
	}
}

// resolvePaths makes relative file paths relative to the config's directory.
func (c *Config) resolvePaths(dir string) {
	for _, p := range []*string{&c.Rules, &c.HTTP.TLSCert, &c.HTTP.TLSKey} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// syntaxProblem turns a yaml.v3 parse error into a problem with a line.
func syntaxProblem(file string, err error) error {
	msg := err.Error()
	p := &inputerr.Error{File: file, Msg: i18n.Raw(strings.TrimPrefix(msg, "yaml: "))}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		rest := msg[len(m[0]):]
		p.Msg = i18n.Raw(rest)
		if parserError(rest) {
			// yaml.v3 v3.0.1 reports parser (not scanner) errors with a
			// 0-based line: that of the collection being parsed.
			p.Line++
		}
	}
	return inputerr.List{p}
}

// parserError reports whether msg is one of yaml.v3's parser errors, as
// opposed to its scanner errors, whose lines are right.
func parserError(msg string) bool {
	for _, prefix := range []string{
		"did not find expected <", "did not find expected '-' indicator",
		"did not find expected key", "did not find expected node content",
		"did not find expected ','", "found duplicate %", "found incompatible YAML document",
		"found undefined tag handle",
	} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}

// Where returns "FILE:LINE:COL" of the value of key (a dotted path such as
// "rules" or "notifier.channels[0].url"), or of its nearest enclosing key
// found in the file; the name of the environment variable the value came
// from (BAOXUE_DATABASE_URL); or "" when the config was not loaded from a
// file. Other packages use it to place their own errors about config values.
func (c *Config) Where(key string) string {
	p := c.src.at(key)
	switch {
	case p.Line > 0:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	default:
		return p.File
	}
}

// at returns a problem placed at key's value, or its nearest enclosing
// key's; a key whose value the file gave under its deprecated name is
// placed and named there.
func (s *source) at(key string) inputerr.Error {
	if env, ok := s.env[key]; ok {
		return inputerr.Error{File: env, Field: key}
	}
	if old, ok := s.renamed[key]; ok {
		key = old
	}
	for k := key; ; k = parentKey(k) {
		if m, ok := s.marks[k]; ok {
			return inputerr.Error{File: s.file, Line: m.line, Col: m.col, Field: key}
		}
		if k == "" {
			return inputerr.Error{File: s.file, Field: key}
		}
	}
}

// parentKey strips the last element of a dotted key: a.b[1].c -> a.b[1] ->
// a.b -> a -> "".
func parentKey(k string) string {
	i := strings.LastIndexAny(k, ".[")
	if i < 0 {
		return ""
	}
	return k[:i]
}

// SetOrigin records that key's value now comes from origin rather than the
// file, so that Validate and Where name origin: the command line sets
// c.Database.DSN from --db, calls c.SetOrigin("database.dsn", "--db"), then
// c.Validate().
func (c *Config) SetOrigin(key, origin string) {
	if c.src.env == nil {
		c.src.env = map[string]string{}
	}
	c.src.env[key] = origin
	delete(c.src.vars, key)
}
