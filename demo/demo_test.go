package demo

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/importer"
	"baoxue/store"
)

var identityNumber = regexp.MustCompile(`[GJL]?\d{17}[\dX]`)

func TestDemoRunsTwiceAndPrintsNoIdentityNumbers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baoxue.db")
	ctx := context.Background()
	var out bytes.Buffer
	if err := Run(ctx, &out, Options{Path: path, Students: 1500}); err != nil {
		t.Fatalf("first run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"创建演示数据库", "1,500 名学生", "有风险的学生，按特殊群体", "考勤未上报", "考勤最近上报至",
		"有风险的学生，按年级", "新任务最多的教师", "最紧急的 5 名学生", "接下来可以试试"} {
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
	if !strings.Contains(out.String(), "重新创建演示数据库") {
		t.Errorf("second run did not say it recreates its file:\n%s", out.String())
	}
	st, err := store.Open(ctx, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.RawGet(ctx, &n, `SELECT COUNT(*) FROM students`); err != nil || n != 400 {
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
	if err := st.RawExec(ctx, `INSERT INTO schools (id, name, center, updated_at) VALUES ('MINE', '我的学校', 'C', 'x')`); err != nil {
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
	if err := st.RawGet(ctx, &id, `SELECT id FROM schools`); err != nil || id != "MINE" {
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
	if err := st.RawGet(ctx, &n, `SELECT COUNT(*) FROM schools WHERE id = 'MINE'`); err != nil || n != 1 {
		t.Fatalf("the imported school is gone (%d, %v)", n, err)
	}
}

// cancelAt is an output that cancels the run when the line after the
// line starting with at is written: with at the line that starts the
// imports, an interrupt (Ctrl-C) after the fourth import, the students.
type cancelAt struct {
	bytes.Buffer
	at     string
	after  int
	cancel context.CancelFunc
}

func (c *cancelAt) Write(p []byte) (int, error) {
	n, err := c.Buffer.Write(p)
	if _, rest, ok := strings.Cut(c.String(), c.at); ok && strings.Count(rest, "\n") > c.after {
		c.cancel()
	}
	return n, err
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, e := range es {
		ns = append(ns, e.Name())
	}
	return ns
}

// TestDemoInterruptedLeavesNoFile: a run interrupted while it imports
// leaves no database and no file of its own; over an earlier demo's
// database, it leaves that one as it was.
func TestDemoInterruptedLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultPath)
	interrupted := func() {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// The students are the fourth import.
		out := &cancelAt{at: i18n.Default().Sprintf("demo.generated", 200), after: slices.Index(importer.Kinds, "students") + 1, cancel: cancel}
		if err := Run(ctx, out, Options{Path: path, Students: 200}); !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted run: err = %v, want context.Canceled\n%s", err, out.String())
		}
		if _, rest, _ := strings.Cut(out.String(), out.at); strings.Count(rest, "\n") != out.after+1 {
			t.Fatalf("the run was not interrupted while importing:\n%s", out.String())
		}
	}
	interrupted()
	if ns := names(t, dir); len(ns) > 0 {
		t.Fatalf("an interrupted first run left %v", ns)
	}

	if err := Run(context.Background(), &bytes.Buffer{}, Options{Path: path, Students: 100}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	interrupted()
	if ns := names(t, dir); !slices.Equal(ns, []string{DefaultPath}) {
		t.Fatalf("an interrupted second run left %v, want only the first run's %s", ns, DefaultPath)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Error("an interrupted run changed the earlier demo database")
	}
}

// TestDemoRemovesWhatAKilledRunLeft: the file a killed run was building,
// and its -wal and -shm, go at the next run; nothing else is touched.
func TestDemoRemovesWhatAKilledRunLeft(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultPath)
	for _, n := range []string{DefaultPath + building + "123", DefaultPath + building + "123-wal", DefaultPath + building + "123-shm", "baoxue.db"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("half made"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Run(context.Background(), &bytes.Buffer{}, Options{Path: path, Students: 100}); err != nil {
		t.Fatal(err)
	}
	if ns := names(t, dir); !slices.Equal(ns, []string{"baoxue-demo.db", "baoxue.db"}) {
		t.Errorf("files after the run: %v", ns)
	}
	st, err := store.OpenWith(context.Background(), "file:"+path, store.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("the demo database: %v", err)
	}
	st.Close()
}

// TestNextStepsNameTheDemoFile: the commands to paste use the demo's file,
// quoted when its path needs it.
func TestNextStepsNameTheDemoFile(t *testing.T) {
	for path, want := range map[string]string{
		DefaultPath:         "./baoxue --db file:baoxue-demo.db eval --at 2026-11-27 --dry-run ",
		"my demo/x.db":      "./baoxue --db 'file:my demo/x.db' eval --at 2026-11-27 --dry-run ",
		"it's/demo.db":      `./baoxue --db 'file:it'\''s/demo.db' eval`,
		"演示/baoxue-demo.db": "./baoxue --db 'file:演示/baoxue-demo.db' eval",
	} {
		var out bytes.Buffer
		nextSteps(&out, i18n.Default(), path, civil.DayOf(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)))
		if !strings.Contains(out.String(), want) {
			t.Errorf("%s: next steps lack %q:\n%s", path, want, out.String())
		}
	}
}

// A second demo in the same directory leaves the file a running demo is
// building alone, and removes one whose builder is gone.
func TestLeftoversOfARunningDemoStay(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultPath)
	running := path + building + strconv.Itoa(os.Getppid()) + "-1"
	gone := path + building + "2147483646-1"
	for _, f := range []string{running, gone} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := removeLeftovers(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(running); err != nil {
		t.Errorf("the file of a running demo was removed: %v", err)
	}
	if _, err := os.Stat(gone); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file of a killed demo stayed: %v", err)
	}
}

// commandWords are the parts of a Chinese sentence that stay English
// because they are interfaces: commands, their flags and arguments, file
// names and formats.
var commandWords = regexp.MustCompile("`[^`]*`" + `|baoxue( [a-z][a-z-]*)*( FILE)?|--[a-z][a-z-]*( [a-z][a-z-]*\.yaml)?|file:[^\s）；]+|` +
	`go run \./cmd/baoxue|\b(JSON|CSV|SQLite|YAML|FILE|PATH)\b|rule_retired`)

// englishWord finds a word of English left in a line.
var englishWord = regexp.MustCompile(`[A-Za-z]{2,}`)

// englishIn returns the lines of out that hold an English word besides the
// commands (and, in the steps to try next, besides the command before the
// "#"), the database's path and the import lines after the line imports
// (the importer's own).
func englishIn(out, path, imports string) []string {
	var bad []string
	importing := false
	for _, line := range strings.Split(out, "\n") {
		line = strings.ReplaceAll(line, path, "")
		switch {
		case line == imports:
			importing = true
		case line == "":
			importing = false
		case importing:
			continue // the importer's lines are its tests' to check
		}
		if _, explained, ok := strings.Cut(line, "  # "); ok {
			line = explained
		}
		if w := englishWord.FindString(commandWords.ReplaceAllString(line, "")); w != "" {
			bad = append(bad, line)
		}
	}
	return bad
}

// TestDemoSpeaksChinese: the demo, in the default language, prints no
// English sentence; only the commands (and what they name) are English.
func TestDemoSpeaksChinese(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	var out bytes.Buffer
	if err := Run(context.Background(), &out, Options{Path: path, Students: 1500}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	abs, _ := filepath.Abs(path)
	if bad := englishIn(out.String(), abs, i18n.Default().Sprintf("demo.generated", 1500)); len(bad) > 0 {
		t.Errorf("English in the demo's output:\n%s\n\nall of it:\n%s", strings.Join(bad, "\n"), out.String())
	}
	// The check itself finds English.
	if bad := englishIn("Creating the demo database x.\n  ./baoxue rules check my-rules.yaml  # check them", "x", "importing:"); len(bad) != 2 {
		t.Errorf("the check found %q", bad)
	}
}

// TestDemoInEnglish: with the printer set to English, the demo prints
// English, and the same commands to try next.
func TestDemoInEnglish(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	var out bytes.Buffer
	if err := Run(context.Background(), &out, Options{Path: path, Students: 1500, Printer: i18n.NewPrinter(i18n.English)}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"Creating the demo database", "Generated a synthetic district of 1,500 students; importing:",
		"Evaluation of the default rules at 2026-11-27", "Students at risk by special group:", "grade 9",
		"The 5 most urgent students (names masked):", "What to try next:", "# this evaluation's summary again, writing nothing"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// Chinese stays in the data (names of schools and rules), not in our words.
	for _, zh := range []string{"年级", "评估", "有风险", "接下来", "考勤", "已遮蔽"} {
		if strings.Contains(out.String(), zh) {
			t.Errorf("%q in the English output:\n%s", zh, out.String())
		}
	}
}
