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
	"sort"
	"strings"
	"time"

	"baoxue/engine"
	"baoxue/importer"
	"baoxue/rules"
	"baoxue/store"
	"baoxue/synth"
)

// Options configures a demo run.
type Options struct {
	// Path is the SQLite file; default "baoxue.db".
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
}

// ErrNotDemo is returned when Path holds a database that the demo did not
// create: the demo never overwrites real data.
var ErrNotDemo = errors.New("not a demo database")

const marker = "demo"

// Run generates, imports, evaluates and prints the summary to out.
func Run(ctx context.Context, out io.Writer, opt Options) error {
	if opt.Path == "" {
		opt.Path = "baoxue.db"
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
	abs, _ := filepath.Abs(opt.Path)
	reused, err := prepare(ctx, opt.Path)
	if err != nil {
		return err
	}
	if reused {
		fmt.Fprintf(out, "Recreating the demo database %s (it was made by an earlier demo).\n", abs)
	} else {
		fmt.Fprintf(out, "Creating the demo database %s.\n", abs)
	}
	start := time.Now()
	dir, err := os.MkdirTemp("", "baoxue-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if _, err := synth.Generate(ctx, dir, synth.Options{Students: opt.Students, Seed: opt.Seed, End: opt.At}); err != nil {
		return fmt.Errorf("generate district: %w", err)
	}
	st, err := store.Open(ctx, "file:"+opt.Path)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if _, err := st.DB.ExecContext(ctx, st.Rebind(`INSERT INTO audit (at, actor, action, object, detail) VALUES (?, ?, ?, ?, ?)`),
		store.FormatTime(time.Now()), "demo", marker, "", fmt.Sprintf("students=%d seed=%d", opt.Students, opt.Seed)); err != nil {
		return err
	}
	fmt.Fprintf(out, "Generated a synthetic district of %d students; importing:\n", opt.Students)
	for _, kind := range importer.Kinds {
		sum, err := importer.ImportFile(ctx, st, kind, filepath.Join(dir, kind+".csv"), importer.Options{Actor: "demo"})
		if err != nil {
			return fmt.Errorf("import the generated %s: %w", kind, err)
		}
		fmt.Fprintf(out, "  %s\n", sum)
	}
	t := engine.DayOf(opt.At)
	res, err := engine.Evaluate(ctx, st, opt.Rules, engine.Options{At: t, Progress: opt.Progress})
	if err != nil {
		return err
	}
	names, err := loadNames(ctx, st)
	if err != nil {
		return err
	}
	summarize(out, res, names)
	fmt.Fprintf(out, "\nDone in %.1fs. The database is %s.\n", time.Since(start).Seconds(), abs)
	nextSteps(out, opt.Path, t)
	return nil
}

// prepare makes sure path is free for the demo: absent, or a demo database
// from an earlier run (then removed). It reports whether one was reused.
func prepare(ctx context.Context, path string) (bool, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	st, err := store.Open(ctx, "file:"+path)
	if err != nil {
		return false, err
	}
	demo, data, theirs, err := inspect(ctx, st)
	st.Close()
	if err != nil || (demo == 0 && data > 0) || theirs > 0 {
		return false, fmt.Errorf("%s: %w: it holds data the demo did not create; run the demo elsewhere with --db file:OTHER.db", path, ErrNotDemo)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return false, err
		}
	}
	return demo > 0, nil
}

// directory holds the names of schools and teachers for the summary.
type directory struct {
	schools, teachers map[string]string
}

// inspect counts the demo's marks in a database, the rows of any table that
// holds imported or computed data, and what someone other than the demo
// brought in (imports, tokens): a demo database someone imported real data
// into is no longer the demo's. A file that is not a baoxue database at all
// is an error.
func inspect(ctx context.Context, st *store.Store) (demo, data, theirs int, err error) {
	if err := st.DB.GetContext(ctx, &demo, `SELECT COUNT(*) FROM audit WHERE action = 'demo'`); err != nil {
		return 0, 0, 0, err
	}
	if err := st.DB.GetContext(ctx, &theirs, `SELECT
		(SELECT COUNT(*) FROM audit WHERE action <> 'demo' AND actor <> 'demo') + (SELECT COUNT(*) FROM tokens)`); err != nil {
		return 0, 0, 0, err
	}
	for _, table := range []string{"schools", "teachers", "villages", "students", "calendar", "attendance",
		"contacts", "home_teaching", "registry", "platform", "survey", "runs", "tokens"} {
		var n int
		if err := st.DB.GetContext(ctx, &n, "SELECT COUNT(*) FROM "+table); err != nil {
			return 0, 0, 0, err
		}
		data += n
	}
	return demo, data, theirs, nil
}

func loadNames(ctx context.Context, st *store.Store) (*directory, error) {
	ss, ts, err := st.Directory(ctx)
	if err != nil {
		return nil, err
	}
	d := &directory{schools: map[string]string{}, teachers: map[string]string{}}
	for _, s := range ss {
		d.schools[s.ID] = s.Name
	}
	for _, t := range ts {
		d.teachers[t.ID] = t.Name
	}
	return d, nil
}

var groupNames = map[string]string{
	"left_behind": "留守儿童 left-behind", "migrant": "随迁子女 migrant", "returning": "返乡儿童 returning",
	"orphan": "孤儿/事实无人抚养 orphan", "disabled": "残疾 disabled", "hardship": "家庭经济困难 hardship",
	"poverty": "脱贫户/边缘户/监测户 poverty household",
}

// summarize prints the run as a district admin reads it.
func summarize(w io.Writer, res *engine.Result, names *directory) {
	risk := res.AtRisk()
	fmt.Fprintf(w, "\nEvaluation of the default rules at %s: %d students evaluated, %d at risk (%d alerts), %d tasks created, %d pairing teachers assigned.\n",
		res.At, res.Students, len(risk), len(res.Alerts), res.TasksCreated, len(res.Pairings))
	byGroup, byGrade, bySchool := map[string]int{}, map[int]int{}, map[string]int{}
	for _, s := range risk {
		for _, g := range s.Groups {
			byGroup[g]++
		}
		byGrade[s.Grade]++
		bySchool[s.School]++
	}
	fmt.Fprintln(w, "\nStudents at risk by special group:")
	for _, g := range []string{"left_behind", "migrant", "returning", "orphan", "disabled", "hardship", "poverty"} {
		fmt.Fprintf(w, "  %5d  %s\n", byGroup[g], groupNames[g])
	}
	fmt.Fprintln(w, "\nBy grade:")
	var line strings.Builder
	for g := 1; g <= 9; g++ {
		fmt.Fprintf(&line, "  %d年级 %d", g, byGrade[g])
	}
	fmt.Fprintln(w, line.String())
	fmt.Fprintln(w, "\nSchools with the most students at risk:")
	for _, kv := range top(bySchool, 5) {
		fmt.Fprintf(w, "  %5d  %s %s\n", kv.n, kv.key, names.schools[kv.key])
	}
	fmt.Fprintln(w, "\nNew tasks by teacher (most first):")
	for _, kv := range top(res.NewTasksByTeacher(), 5) {
		fmt.Fprintf(w, "  %5d  %s %s\n", kv.n, kv.key, engine.MaskName(names.teachers[kv.key]))
	}
	fmt.Fprintln(w, "\nThe five most urgent students (names masked):")
	for i, s := range risk {
		if i == 5 {
			break
		}
		fmt.Fprintf(w, "  %-5s %d年级 %s %-5s %-8s absent %2d school days in a row  %s\n",
			engine.MaskName(s.Name), s.Grade, s.School, s.Class, s.Severity, s.AbsentStreak, strings.Join(s.Rules, ", "))
	}
}

type kv struct {
	key string
	n   int
}

func top(m map[string]int, n int) []kv {
	out := make([]kv, 0, len(m))
	for k, v := range m {
		out = append(out, kv{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].key < out[j].key
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func nextSteps(w io.Writer, path string, t engine.Day) {
	db := ""
	if path != "baoxue.db" {
		db = " --db file:" + path
	}
	lines := [][2]string{
		{"go build -o baoxue ./cmd/baoxue", "the command itself (or use go run ./cmd/baoxue)"},
		{fmt.Sprintf("./baoxue%s eval --at %s --dry-run", db, t), "this evaluation's summary again, writing nothing"},
		{fmt.Sprintf("./baoxue%s eval --at %s --dry-run --json", db, t), "every alert as a JSON line"},
		{"./baoxue rules show-defaults > my-rules.yaml", "the built-in rules, to edit"},
		{"./baoxue rules check my-rules.yaml", "check them; then --rules my-rules.yaml"},
		{"./baoxue rules test rules/default/tests/*.test.yaml", "the built-in rules' own unit tests"},
		{"./baoxue gen --students 100000 --out city", "a bigger district as CSV files to import"},
	}
	fmt.Fprintln(w, "\nWhat to try next:")
	for _, l := range lines {
		fmt.Fprintf(w, "  %-58s # %s\n", l[0], l[1])
	}
}
