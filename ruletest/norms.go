package ruletest

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"baoxue/rules"
)

// normsSpec is the `norms` of a test file or of one test: the configured
// thresholds the rules read as `norms` (SPEC §5), under the same names. A
// test file does not read baoxue.yaml: a norm set neither by the test nor by
// its file is the built-in default (rules.DefaultNorms), so that a test
// gives the same result wherever it runs.
type normsSpec struct {
	values map[string]int
}

// normsKeys are the keys of a norms mapping, each with its field.
var normsKeys = []struct {
	name  string
	field func(*rules.Norms) *int
}{
	{"home_teaching_sessions_per_week", func(n *rules.Norms) *int { return &n.HomeTeachingSessionsPerWeek }},
	{"home_teaching_hours_per_session", func(n *rules.Norms) *int { return &n.HomeTeachingHoursPerSession }},
	{"suspected_dropout_days", func(n *rules.Norms) *int { return &n.SuspectedDropoutDays }},
}

// UnmarshalYAML reads a mapping of norm names to whole numbers of at least
// 1. Its errors are *nodeError, placed at the offending node.
func (s *normsSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return &nodeError{n, "norms: want a mapping such as {suspected_dropout_days: 5}"}
	}
	s.values = map[string]int{}
	var names []string
	for _, nk := range normsKeys {
		names = append(names, nk.name)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(names, k.Value) {
			return &nodeError{k, fmt.Sprintf("norms: unknown key %q (norms are %s)", k.Value, strings.Join(names, ", "))}
		}
		var x int
		if err := v.Decode(&x); err != nil || x < 1 {
			return &nodeError{v, fmt.Sprintf("norms: %s: want a whole number of at least 1, got %q", k.Value, v.Value)}
		}
		s.values[k.Value] = x
	}
	return nil
}

// nodeError is a problem with a node of a test file, which decodeError
// places at the node's line and column.
type nodeError struct {
	node *yaml.Node
	msg  string
}

func (e *nodeError) Error() string { return fmt.Sprintf("line %d: %s", e.node.Line, e.msg) }

// apply returns base with the norms s sets (s may be nil).
func (s *normsSpec) apply(base rules.Norms) rules.Norms {
	if s == nil {
		return base
	}
	for _, nk := range normsKeys {
		if x, ok := s.values[nk.name]; ok {
			*nk.field(&base) = x
		}
	}
	return base
}
