package rules

import (
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestLocate places characters of a `v:` scalar in the file for every
// scalar style. The character to find is marked in the value by its first
// occurrence of target; want is its line:col in the file.
func TestLocate(t *testing.T) {
	tests := []struct {
		name   string
		yaml   string
		target string
		want   string
	}{
		{"plain", "v: a && bb", "bb", "1:9"},
		{"plain after Chinese", "v: 名字 == x", "x", "1:10"},
		{"double quoted", `v: "a && bb"`, "bb", "1:10"},
		{"double quoted escape", `v: "say \"hi\" x"`, "x", "1:16"},
		{"single quoted escape", `v: 'it''s x'`, "x", "1:11"},
		{"literal", "v: |\n  a &&\n    bb\n", "bb", "3:5"},
		{"literal blank lines", "v: |\n\n  a\n\n  bb\n", "bb", "5:3"},
		{"literal keep", "v: |+\n  a\n  bb\n\n", "bb", "3:3"},
		{"folded", "v: >\n  a &&\n  bb == 1\n", "==", "3:6"},
		{"folded strip", "v: >-\n  a\n  b\n  名 == 1\n", "==", "4:5"},
		{"plain multi-line", "v: a &&\n  bb\n", "bb", "2:3"},
		{"nested key", "r:\n  - v: |\n      x &&\n        yy\n", "yy", "4:9"},
		{"end of value", "v: a &&", "", "1:8"},
		{"literal starting like its key", "v: |\n  v == 1\n", "v", "2:3"},
		{"quoted starting with a quote", "v: '''q'''", "'", "1:5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := newSource("f.yaml", []byte(tc.yaml))
			var doc yaml.Node
			if err := yaml.Unmarshal(src.data, &doc); err != nil {
				t.Fatal(err)
			}
			n := findValue(&doc, "v")
			idx := len([]rune(n.Value)) // "" targets the end
			if tc.target != "" {
				i := strings.Index(n.Value, tc.target)
				if i < 0 {
					t.Fatalf("%q not in value %q", tc.target, n.Value)
				}
				idx = len([]rune(n.Value[:i]))
			}
			line, col := src.locate(n, idx)
			if got := fmt.Sprintf("%d:%d", line, col); got != tc.want {
				t.Errorf("locate %q in %q = %s, want %s", tc.target, n.Value, got, tc.want)
			}
		})
	}
}

// findValue returns the value node of the first key named key.
func findValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	}
	for _, c := range n.Content {
		if v := findValue(c, key); v != nil {
			return v
		}
	}
	return nil
}

func TestSourcePosition(t *testing.T) {
	src := newSource("f.yaml", []byte("ab\n名字x\n\nlast"))
	tests := []struct {
		off       int
		line, col int
	}{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {9, 2, 3}, {10, 2, 4}, {11, 3, 1}, {12, 4, 1}, {16, 4, 5},
	}
	for _, tc := range tests {
		if line, col := src.position(tc.off); line != tc.line || col != tc.col {
			t.Errorf("position(%d) = %d:%d, want %d:%d", tc.off, line, col, tc.line, tc.col)
		}
	}
	if got := src.offset(2, 3); got != 9 {
		t.Errorf("offset(2, 3) = %d, want 9", got)
	}
	if got := src.lineText(2); got != "名字x" {
		t.Errorf("lineText(2) = %q", got)
	}
}
