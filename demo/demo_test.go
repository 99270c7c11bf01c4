package demo

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"baoxue/importer"
	"baoxue/store"
)

var identityNumber = regexp.MustCompile(`[GJL]?\d{17}[\dX]`)

func TestDemoRunsTwiceAndPrintsNoIdentityNumbers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baoxue.db")
	ctx := context.Background()
	var out bytes.Buffer
	if err := Run(ctx, &out, Options{Path: path, Students: 400}); err != nil {
		t.Fatalf("first run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"Creating the demo database", "students: 400 rows", "Students at risk by special group",
		"By grade", "New tasks by teacher", "most urgent students", "What to try next"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if m := identityNumber.FindString(out.String()); m != "" {
		t.Errorf("output shows an identity number %s", m)
	}
	out.Reset()
	if err := Run(ctx, &out, Options{Path: path, Students: 400}); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if !strings.Contains(out.String(), "Recreating the demo database") {
		t.Errorf("second run did not say it recreates its file:\n%s", out.String())
	}
	st, err := store.Open(ctx, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB.GetContext(ctx, &n, `SELECT COUNT(*) FROM students`); err != nil || n != 400 {
		t.Errorf("students after two runs = %d (%v), want 400", n, err)
	}
}

// TestDemoNeverTouchesOtherData: a database with anything the demo did not
// write, even only a school, is refused and left as it was.
func TestDemoNeverTouchesOtherData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baoxue.db")
	ctx := context.Background()
	st, err := store.Open(ctx, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.ExecContext(ctx, `INSERT INTO schools (id, name, center, updated_at) VALUES ('MINE', '我的学校', 'C', 'x')`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	err = Run(ctx, &bytes.Buffer{}, Options{Path: path, Students: 100})
	if !errors.Is(err, ErrNotDemo) {
		t.Fatalf("err = %v, want ErrNotDemo", err)
	}
	st, err = store.Open(ctx, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var id string
	if err := st.DB.GetContext(ctx, &id, `SELECT id FROM schools`); err != nil || id != "MINE" {
		t.Fatalf("the user's school is gone: %q, %v", id, err)
	}
}

// TestDemoKeepsDataImportedAfterIt: once someone imports into the demo's
// file, it is theirs; the demo refuses to recreate it.
func TestDemoKeepsDataImportedAfterIt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "baoxue.db")
	ctx := context.Background()
	if err := Run(ctx, &bytes.Buffer{}, Options{Path: path, Students: 100}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(dir, "schools.csv")
	if err := os.WriteFile(csv, []byte("id,name,center\nMINE,我的学校,C9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := importer.ImportFile(ctx, st, "schools", csv, importer.Options{Actor: "cli:alice"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := Run(ctx, &bytes.Buffer{}, Options{Path: path, Students: 100}); !errors.Is(err, ErrNotDemo) {
		t.Fatalf("err = %v, want ErrNotDemo", err)
	}
	st, err = store.Open(ctx, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB.GetContext(ctx, &n, `SELECT COUNT(*) FROM schools WHERE id = 'MINE'`); err != nil || n != 1 {
		t.Fatalf("the imported school is gone (%d, %v)", n, err)
	}
}
