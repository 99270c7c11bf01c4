package archtest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// tableRow matches a row of docs/architecture.md's "What imports what"
// table: | `pkg`, `pkg` | imports |.
var tableRow = regexp.MustCompile("^\\| (`[^|]+`) \\| ([^|]+) \\|$")

// TestImportsTable fails when docs/architecture.md's table of what imports
// what differs from the code: a package without a row, a row naming an
// import the package does not make, or an import the row does not name.
// Notes in brackets ("(for `Norms`)", "(and github.com/…)") are ignored.
func TestImportsTable(t *testing.T) {
	root, module := moduleRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string][]string{}
	notes := regexp.MustCompile(`\([^)]*\)`)
	for _, line := range strings.Split(string(b), "\n") {
		m := tableRow.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		var imports []string
		if list := strings.TrimSpace(notes.ReplaceAllString(m[2], "")); list != "nothing of ours" {
			for _, p := range strings.Split(list, ",") {
				imports = append(imports, strings.Trim(strings.TrimSpace(p), "`"))
			}
		}
		slices.Sort(imports)
		for _, p := range strings.Split(m[1], ",") {
			documented[strings.Trim(strings.TrimSpace(p), "`")] = imports
		}
	}
	if len(documented) == 0 {
		t.Fatal("no table of what imports what in docs/architecture.md")
	}
	for pkg, is := range moduleImports(t, root, module) {
		var actual []string
		for _, i := range is {
			actual = append(actual, i.path)
		}
		slices.Sort(actual)
		actual = slices.Compact(actual)
		doc, ok := documented[pkg]
		switch {
		case !ok:
			t.Errorf("docs/architecture.md: package %s has no row in the table of what imports what (it imports %v)", pkg, actual)
		case !slices.Equal(doc, actual):
			t.Errorf("docs/architecture.md: the row of %s says it imports %v; it imports %v", pkg, doc, actual)
		}
		delete(documented, pkg)
	}
	for pkg := range documented {
		t.Errorf("docs/architecture.md: the table has a row for %s, which is no package", pkg)
	}
}
