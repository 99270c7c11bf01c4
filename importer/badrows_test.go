package importer_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"baoxue/i18n"
	"baoxue/store"
	"baoxue/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the .err golden files of the bad fixtures")

// TestBadRows imports each testdata/*.bad.csv onto a database holding the
// base fixtures and compares the errors with the golden files, *.bad.err
// in Chinese (the default) and *.bad.en.err in English: every kind of bad
// row at its line and column, and nothing written.
func TestBadRows(t *testing.T) {
	for _, tc := range []struct{ kind, file string }{
		{"schools", "schools.bad.csv"},
		{"teachers", "teachers.bad.csv"},
		{"villages", "villages.bad.csv"},
		{"students", "students.bad.csv"},
		{"students", "students.columns.bad.csv"},
		{"students", "students.typo.bad.csv"},
		{"students", "students.typo-en.bad.csv"},
		{"calendar", "calendar.bad.csv"},
		{"attendance", "attendance.bad.csv"},
		{"reports", "reports.bad.csv"},
		{"contacts", "contacts.bad.csv"},
		{"home-teaching", "home-teaching.bad.csv"},
		{"registry", "registry.bad.csv"},
		{"platform", "platform.bad.csv"},
		{"survey", "survey.bad.csv"},
		{"schools", "malformed.bad.csv"},
		{"schools", "empty.bad.csv"},
		{"schools", "missing.csv"},
		{"students", "students.badbyte.bad.csv"},
		{"attendance", "attendance.rows.bad.csv"},
		{"attendance", "attendance.quote.bad.csv"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				base(t, st)
				before := counts(t, st)
				bad := importBad(t, st, tc.kind, filepath.Join("testdata", tc.file), opts())
				sameCounts(t, before, counts(t, st))
				for ext, text := range map[string]string{".err": bad.Error(), ".en.err": bad.Localize(i18n.NewPrinter(i18n.English))} {
					got := strings.ReplaceAll(text, filepath.Join("testdata", tc.file), "FILE") + "\n"
					golden := filepath.Join("testdata", strings.TrimSuffix(tc.file, ".csv")+ext)
					if *update && t.Name() == "TestBadRows/"+tc.file+"/sqlite" {
						if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
							t.Fatal(err)
						}
					}
					want, err := os.ReadFile(golden)
					if err != nil {
						t.Fatalf("golden file: %v (run with -update to create it)", err)
					}
					if got != string(want) {
						t.Errorf("errors differ from %s:\ngot:\n%s\nwant:\n%s", golden, got, want)
					}
					if bad.Total != strings.Count(string(want), "\n") {
						t.Errorf("Total = %d, want %d", bad.Total, strings.Count(string(want), "\n"))
					}
				}
			})
		})
	}
}
