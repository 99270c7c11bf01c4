// Package demo is baoxue's first five minutes: it generates a synthetic
// district, imports it into a SQLite file of its own, evaluates the default
// rules at a fixed school date and prints what a district admin would want
// to see first.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"baoxue/civil"
	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/importer"
	"baoxue/inputerr"
	"baoxue/report"
	"baoxue/rules"
	"baoxue/store"
	"baoxue/synth"
)

// Options configures a demo run.
type Options struct {
	// Path is the SQLite file; default DefaultPath.
	Path string
	// Students in the generated district; default 5000.
	Students int
	// Seed of the generator; default 1.
	Seed int64
	// At is the evaluation date; default 2026-11-27, a Friday.
	At time.Time
	// Rules to evaluate; default the built-in rules.
	Rules *rules.Set
	// Progress receives progress lines (a terminal), or nil.
	Progress io.Writer
	// Printer renders what the demo prints; nil is Chinese, the default.
	Printer *i18n.Printer
}

// DefaultPath is the demo's own file, apart from the baoxue.db that import
// writes to by default.
const DefaultPath = "baoxue-demo.db"

// ErrNotDemo is returned when Path holds a database that the demo did not
// create: the demo never overwrites real data.
var ErrNotDemo error = inputerr.Refusal("demo.not_demo")

const marker = "demo"

// building names the file a run builds before it renames it over Path
// (PATH.building-RANDOM, with its -wal and -shm): nobody takes it for a
// database, and the next run removes what a killed one left.
const building = ".building-"

// Run generates, imports, evaluates and prints the summary to out. It builds
// the database in a file of its own beside Path and renames it over Path
// only when everything has worked: a run that fails or is interrupted leaves
// Path as it was (absent, or the earlier demo's) and removes its file.
func Run(ctx context.Context, out io.Writer, opt Options) error {
	if err := opt.defaults(); err != nil {
		return err
	}
	abs, _ := filepath.Abs(opt.Path)
	if err := removeLeftovers(opt.Path); err != nil {
		return err
	}
	reused, err := prepare(ctx, opt.Path)
	if err != nil {
		return err
	}
	p := opt.Printer
	if reused {
		p.Fprintln(out, "demo.recreating", abs)
	} else {
		p.Fprintln(out, "demo.creating", abs)
	}
	start := time.Now()
	f, err := os.CreateTemp(filepath.Dir(opt.Path), fmt.Sprintf("%s%s%d-*", filepath.Base(opt.Path), building, os.Getpid()))
	if err != nil {
		return i18n.Errorf("demo.db", err)
	}
	tmp := f.Name()
	f.Close()
	defer removeDB(tmp) // a no-op once renamed
	t := civil.DayOf(opt.At)
	res, err := build(ctx, out, tmp, opt)
	if err != nil {
		return err
	}
	if err := replace(tmp, opt.Path); err != nil {
		return err
	}
	report.WriteOverview(out, p, res)
	fmt.Fprintln(out)
	p.Fprintln(out, "demo.done", strconv.FormatFloat(time.Since(start).Seconds(), 'f', 1, 64), abs)
	nextSteps(out, p, opt.Path, t)
	return nil
}

func (opt *Options) defaults() error {
	if opt.Path == "" {
		opt.Path = DefaultPath
	}
	if opt.Printer == nil {
		opt.Printer = i18n.Default()
	}
	if opt.Students <= 0 {
		opt.Students = 5000
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.At.IsZero() {
		opt.At = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	}
	if opt.Rules == nil {
		set, err := rules.Defaults()
		if err != nil {
			return err
		}
		opt.Rules = set
	}
	return nil
}

// build makes the demo database in the file path: generate, import,
// evaluate. It closes the database before it returns, so that the file is
// whole without its -wal.
func build(ctx context.Context, out io.Writer, path string, opt Options) (*engine.Result, error) {
	dir, err := os.MkdirTemp("", "baoxue-demo-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if _, err := synth.Generate(ctx, dir, synth.Options{Students: opt.Students, Seed: opt.Seed, End: opt.At}); err != nil {
		return nil, i18n.Errorf("demo.generate", err)
	}
	st, err := store.Open(ctx, "file:"+path)
	if err != nil {
		return nil, err
	}
	res, err := fill(ctx, out, st, dir, opt)
	if cerr := st.Close(); err == nil && cerr != nil {
		err = i18n.Errorf("demo.close", path, cerr)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// fill migrates st, marks it as the demo's, imports the generated files in
// dir and evaluates.
func fill(ctx context.Context, out io.Writer, st *store.Store, dir string, opt Options) (*engine.Result, error) {
	if _, err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	if err := st.AppendAudit(ctx, store.Audit{At: time.Now(), Actor: "demo", Action: marker,
		Detail: fmt.Sprintf("students=%d seed=%d", opt.Students, opt.Seed)}); err != nil {
		return nil, err
	}
	opt.Printer.Fprintln(out, "demo.generated", opt.Students)
	for _, kind := range importer.Kinds {
		sum, err := importer.ImportFile(ctx, st, kind, filepath.Join(dir, kind+".csv"), importer.Options{Actor: "demo"})
		if err != nil {
			return nil, i18n.Errorf("demo.import", kind, err)
		}
		fmt.Fprintf(out, "  %s\n", sum.Localize(opt.Printer))
	}
	return engine.Evaluate(ctx, st, opt.Rules, engine.Options{At: civil.DayOf(opt.At),
		Progress: report.NewProgress(opt.Progress).In(opt.Printer)})
}

// prepare makes sure path is free for the demo: absent, or a demo database
// from an earlier run (or an empty one), which it leaves for replace to
// overwrite. It reports whether an earlier demo's was there. It writes
// nothing.
func prepare(ctx context.Context, path string) (bool, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	st, err := store.OpenWith(ctx, "file:"+path, store.OpenOptions{ReadOnly: true})
	if errors.Is(err, store.ErrUnreachable) {
		return false, err
	}
	demo, data, theirs := 0, 0, 0
	if err == nil {
		demo, data, theirs, err = inspect(ctx, st)
		st.Close()
	}
	if err != nil || (demo == 0 && data > 0) || theirs > 0 {
		return false, i18n.Errorf("demo.not_demo.detail", path, ErrNotDemo)
	}
	return demo > 0, nil
}

// replace renames the finished database tmp over path. The -wal and -shm
// of an earlier demo database at path go first: SQLite would otherwise
// take them for the new file's.
func replace(tmp, path string) error {
	if _, err := os.Stat(tmp + "-wal"); err == nil {
		return i18n.Errorf("demo.wal", tmp)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return i18n.Errorf("demo.db", err)
	}
	return nil
}

// removeDB removes a SQLite file and the files SQLite keeps beside it.
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

// removeLeftovers removes the files a killed run left beside path.
func removeLeftovers(path string) error {
	dir, prefix := filepath.Dir(path), filepath.Base(path)+building
	entries, err := os.ReadDir(dir)
	if err != nil {
		return i18n.Errorf("demo.db", err)
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) || builderAlive(strings.TrimPrefix(e.Name(), prefix)) {
			continue
		}
		f := filepath.Join(dir, e.Name())
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return i18n.Errorf("demo.leftover", f, err)
		}
	}
	return nil
}

// inspect counts the demo's marks in a database, the rows of any table that
// holds imported or computed data, and what someone other than the demo
// brought in (imports, tokens): a demo database someone imported real data
// into is no longer the demo's. A file that is not a baoxue database at all
// is an error.
func inspect(ctx context.Context, st *store.Store) (demo, data, theirs int, err error) {
	if demo, err = st.CountAudit(ctx, marker); err != nil {
		return 0, 0, 0, err
	}
	audits, err := st.CountAuditExcept(ctx, "demo", marker)
	if err != nil {
		return 0, 0, 0, err
	}
	tokens, err := st.CountRows(ctx, "tokens")
	if err != nil {
		return 0, 0, 0, err
	}
	data, err = st.CountRows(ctx, "schools", "teachers", "villages", "students", "calendar", "attendance",
		"contacts", "home_teaching", "registry", "platform", "survey", "runs", "tokens")
	if err != nil {
		return 0, 0, 0, err
	}
	return demo, data, audits + tokens, nil
}

// nextSteps prints commands to paste, run from the directory the demo was
// run in (the repository, for the rule tests), on the demo's file, each
// with what it does in p's language (the commands are the same in every
// language).
func nextSteps(w io.Writer, p *i18n.Printer, path string, t civil.Day) {
	db := "--db " + shellWord("file:"+path)
	lines := [][2]string{
		{"go build -o baoxue ./cmd/baoxue", "demo.next.build"},
		{fmt.Sprintf("./baoxue %s eval --at %s --dry-run", db, t), "demo.next.summary"},
		{fmt.Sprintf("./baoxue %s eval --at %s --dry-run --json", db, t), "demo.next.json"},
		{"./baoxue rules show-defaults > my-rules.yaml", "demo.next.show"},
		{"./baoxue rules check my-rules.yaml", "demo.next.check"},
		{"./baoxue rules test rules/default/tests/*.test.yaml", "demo.next.test"},
		{"./baoxue gen --students 100000 --out city", "demo.next.gen"},
	}
	width := 0
	for _, l := range lines {
		width = max(width, len(l[0]))
	}
	fmt.Fprintln(w)
	p.Fprintln(w, "demo.next")
	for _, l := range lines {
		fmt.Fprintf(w, "  %-*s  # %s\n", width, l[0], p.Sprintf(l[1]))
	}
}

// shellWord quotes s for a POSIX shell when it holds anything but letters,
// digits and ./_-:+=@,%, so that a printed command can be pasted.
func shellWord(s string) string {
	for _, r := range s {
		if !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("./_-:+=@,%", r))) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}

// builderAlive reports whether the demo that builds the file with this name
// (after PATH.building-: PID-RANDOM) is still running, so that a second demo
// in the same directory leaves its file alone.
func builderAlive(rest string) bool {
	pid, err := strconv.Atoi(rest[:max(strings.IndexByte(rest, '-'), 0)])
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	p, err := os.FindProcess(pid) // on Windows this fails for a process that is gone
	if err != nil {
		return false
	}
	if runtime.GOOS == "windows" {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
