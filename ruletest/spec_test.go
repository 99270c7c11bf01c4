package ruletest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"baoxue/rules"
)

// specBlock returns the first ```yaml block of the section of docs/SPEC.md
// whose heading starts with heading.
func specBlock(t *testing.T, heading string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docs", "SPEC.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n"+heading)
	if !ok {
		t.Fatalf("SPEC.md has no section %q", heading)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	_, block, ok := strings.Cut(section, "```yaml\n")
	if !ok {
		t.Fatalf("SPEC.md %s has no yaml block", heading)
	}
	block, _, _ = strings.Cut(block, "```")
	return block
}

// TestSpecExample runs the example of SPEC §6 as an admin would: next to
// the built-in rules as `baoxue rules show-defaults` writes them, under the
// name its rule_files gives. It must pass as written.
func TestSpecExample(t *testing.T) {
	example := specBlock(t, "## 6. Rule unit tests")
	var head struct {
		RuleFiles []string `yaml:"rule_files"`
	}
	if err := yaml.Unmarshal([]byte(example), &head); err != nil || len(head.RuleFiles) != 1 || !filepath.IsLocal(head.RuleFiles[0]) {
		t.Fatalf("the example names rule files %v (%v), want one file next to it: the built-in rules", head.RuleFiles, err)
	}
	defaults, err := rules.DefaultYAML(nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, head.RuleFiles[0]), string(defaults))
	path := filepath.Join(dir, "spec.test.yaml")
	writeFile(t, path, example)
	var out bytes.Buffer
	sum, err := Run(context.Background(), []string{path}, &out, Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if sum.Passed != 1 || sum.Failed != 0 {
		t.Fatalf("SPEC §6 example: %d passed, %d failed\n%s", sum.Passed, sum.Failed, out.String())
	}
}
