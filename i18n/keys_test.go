package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// keyLiteral is a string literal shaped like a catalog key: words joined by
// dots, lowercase.
var keyLiteral = regexp.MustCompile(`"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)

// notKeys are literals of that shape that are not keys: file names.
var notKeys = regexp.MustCompile(`\.(go|ya?ml|csv|xlsx|db|json|sql|txt|md|golden|err)$`)

// notKeyLiterals are the literals of that shape, with a catalog's first
// word, that are something else: baoxue.yaml keys and a Go type name as
// yaml.v3 writes it.
var notKeyLiterals = map[string]bool{
	"import.xlsx_max_bytes": true, "import.max_rows": true, "import.max_columns": true,
	"ruletest.expectation": true,
}

// TestEveryKeyUsedIsInTheCatalog fails when the code of the module names a
// key ("import.…", "config.…") that the catalog lacks in a language: a
// problem met only by a rare input would otherwise print its key to the
// user. A literal counts as a key when its first word is the first word of
// some key of the catalog.
func TestEveryKeyUsedIsInTheCatalog(t *testing.T) {
	prefixes := map[string]bool{}
	for _, k := range Keys() {
		prefixes[strings.SplitN(k, ".", 2)[0]] = true
	}
	root := filepath.Join("..")
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != root) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			filepath.Dir(path) == "." {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range keyLiteral.FindAllStringSubmatch(string(src), -1) {
			key := m[1]
			if !prefixes[strings.SplitN(key, ".", 2)[0]] || notKeys.MatchString(key) || notKeyLiterals[key] {
				continue
			}
			n++
			for _, l := range Langs() {
				if !Has(l, key) {
					t.Errorf("%s: key %s has no %s text in the catalog", path, key, l)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 500 {
		t.Errorf("found %d keys in the module's code, want 500 and more: the walk is broken", n)
	}
}
