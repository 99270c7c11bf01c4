package importer

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"baoxue/i18n"
)

// TestCatalogKeys fails when the code of the package names a message key
// ("import.…") that the catalog lacks in a language: a problem met only by
// a rare file (a damaged workbook) would otherwise print its key.
func TestCatalogKeys(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"(import\.[a-z0-9_.]+)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllSubmatch(src, -1) {
			n++
			for _, l := range i18n.Langs() {
				if !i18n.Has(l, string(m[1])) {
					t.Errorf("%s: key %s has no %s text in the catalog", f, m[1], l)
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("found %d keys in the package, want its 100 and more", n)
	}
}
