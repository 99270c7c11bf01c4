package importer_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"baoxue/i18n"
	"baoxue/importer"
	"baoxue/store"
)

// english renders in English, the language the tests pin most wording in
// (the Chinese default has tests of its own).
var english = i18n.NewPrinter(i18n.English)

// en renders err in English.
func en(err error) string { return english.Error(err) }

// testNow is the fixed import time of the tests (a Friday, Asia/Shanghai).
func testNow() time.Time {
	return time.Date(2026, 11, 27, 20, 30, 0, 0, time.FixedZone("CST", 8*3600))
}

func opts() importer.Options {
	return importer.Options{Now: testNow, Actor: "cli:test"}
}

// importOK imports a fixture of testdata and fails the test on any error.
func importOK(t *testing.T, st *store.Store, kind, name string, opt importer.Options) importer.Summary {
	t.Helper()
	sum, err := importer.ImportFile(context.Background(), st, kind, filepath.Join("testdata", name), opt)
	if err != nil {
		t.Fatalf("import %s %s: %v", kind, name, err)
	}
	return sum
}

// importBad imports a file that must be rejected and returns its errors.
func importBad(t *testing.T, st *store.Store, kind, path string, opt importer.Options) *importer.BadRows {
	t.Helper()
	_, err := importer.ImportFile(context.Background(), st, kind, path, opt)
	var bad *importer.BadRows
	if !errors.As(err, &bad) {
		t.Fatalf("import %s %s: got %v, want bad rows", kind, path, err)
	}
	return bad
}

// base imports schools, teachers and students, the references of the rest.
func base(t *testing.T, st *store.Store) {
	t.Helper()
	importOK(t, st, "schools", "schools.good.csv", opts())
	importOK(t, st, "teachers", "teachers.good.csv", opts())
	importOK(t, st, "students", "students.good.csv", opts())
}

// dump runs a query and renders each row as its values joined by "|", with
// booleans as 1/0 on both engines.
func dump(t *testing.T, st *store.Store, query string, args ...any) []string {
	t.Helper()
	rows, err := st.RawQuery(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			switch v := v.(type) {
			case bool:
				parts[i] = map[bool]string{true: "1", false: "0"}[v]
			case []byte:
				parts[i] = string(v)
			case nil:
				parts[i] = "NULL"
			default:
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// importTables are the tables an import may write.
func importTables() []string {
	return []string{"schools", "teachers", "villages", "students", "student_ids", "calendar", "attendance", "attendance_reports",
		"contacts", "home_teaching", "registry", "platform", "survey", "pairings", "tasks", "audit"}
}

// counts returns the row count of every import table.
func counts(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	out := make(map[string]int)
	for _, table := range importTables() {
		var n int
		if err := st.RawGet(context.Background(), &n, "SELECT COUNT(*) FROM "+table); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func sameCounts(t *testing.T, before, after map[string]int) {
	t.Helper()
	for table, n := range before {
		if after[table] != n {
			t.Errorf("table %s: %d rows before, %d after a rejected import", table, n, after[table])
		}
	}
}

func equalLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
