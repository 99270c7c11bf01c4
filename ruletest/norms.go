package ruletest

import (
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"

	"baoxue/i18n"
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
		return &nodeError{n, i18n.M("ruletest.norms.not_mapping")}
	}
	s.values = map[string]int{}
	var keys []string
	for _, nk := range normsKeys {
		keys = append(keys, nk.name)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(keys, k.Value) {
			return &nodeError{k, i18n.M("ruletest.norms.prefix", unknownKey(k.Value, keys, i18n.M("ruletest.norms.are", names(keys))))}
		}
		var x int
		if err := v.Decode(&x); err != nil || x < 1 {
			return &nodeError{v, i18n.M("ruletest.norms.value", k.Value, v.Value)}
		}
		s.values[k.Value] = x
	}
	return nil
}

// nodeError is a problem with a node of a test file, which decodeError
// places at the node's line and column.
type nodeError struct {
	node *yaml.Node
	msg  i18n.Message
}

func (e *nodeError) Error() string {
	return "line " + strconv.Itoa(e.node.Line) + ": " + e.msg.String()
}

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
