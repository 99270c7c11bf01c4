package i18n

import (
	"fmt"
	"sync"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/message/catalog"
)

// entry is one key of the catalog in both languages. When One is set, the
// English text is chosen by the plural form of argument Count (1-based):
// One for one, En otherwise. Chinese has no plural forms.
type entry struct {
	Key   string
	Zh    string
	En    string
	One   string
	Count int
}

// one makes an English plural entry: one is said for a count of 1 in
// argument count (1-based), other for every other count.
func one(key, zh string, count int, one, other string) entry {
	return entry{Key: key, Zh: zh, En: other, One: one, Count: count}
}

// tables lists the catalog's parts, one per area of the program; each file
// catalog_*.go registers one.
var tables [][]entry

// register adds a part to the catalog; it runs as the package's variables
// are initialised, before init builds the catalog.
func register(t []entry) []entry {
	tables = append(tables, t)
	return t
}

var (
	cat   *catalog.Builder
	known = map[string]bool{}
	texts = map[Lang]map[string]string{Chinese: {}, English: {}}
)

// build makes the catalog from the registered tables, once, at first use
// (after every table has registered as the package initialised).
var build = sync.OnceFunc(func() {
	cat = catalog.NewBuilder(catalog.Fallback(Chinese.tag()))
	for _, t := range tables {
		for _, e := range t {
			add(e)
		}
	}
})

func add(e entry) {
	if known[e.Key] {
		panic(fmt.Sprintf("i18n: key %q twice in the catalog", e.Key))
	}
	known[e.Key] = true
	if e.Zh != "" {
		texts[Chinese][e.Key] = e.Zh
		must(cat.SetString(Chinese.tag(), e.Key, e.Zh))
	}
	if e.En == "" {
		return
	}
	texts[English][e.Key] = e.En
	if e.One == "" {
		must(cat.SetString(English.tag(), e.Key, e.En))
		return
	}
	must(cat.Set(English.tag(), e.Key, plural.Selectf(e.Count, "%d", "one", e.One, "other", e.En)))
}

func must(err error) {
	if err != nil {
		panic("i18n: " + err.Error())
	}
}
