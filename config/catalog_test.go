package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"baoxue/i18n"
)

// TestCatalogKeys fails when the code of the package names a message key
// ("config.…") that the catalog lacks in a language: a problem met only by
// a rare file (a bad cron spec from the environment) would otherwise print its key.
func TestCatalogKeys(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"(config\.[a-z0-9_.]+)"`)
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
	if n < 60 {
		t.Errorf("found %d keys in the package, want its 60 and more", n)
	}
}
