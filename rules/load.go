package rules

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"baoxue/i18n"
	"baoxue/inputerr"
)

// Set is a loaded, compiled rule set.
type Set struct {
	// Rules are in load order: files in name order, rules in file order.
	Rules []*Rule
	// Checksum is the sha256 (hex) of the loaded files' bytes in name order;
	// runs record it so a result can be traced to the rules that made it.
	Checksum string
	// MaxWindow is the largest window, in days, of any windowed call in any
	// enabled rule's `when` or `message`, at least 1: the engine reads that
	// many days of attendance, contacts and home teaching.
	MaxWindow int
}

// Rule returns the rule with the given id, nil when there is none.
func (s *Set) Rule(id string) *Rule {
	for _, r := range s.Rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// File is a rule file's name (used in errors and Rule.File) and contents.
type File struct {
	Name string
	Data []byte
}

// Load reads and compiles rule files. Each path is a file or a directory;
// a directory contributes every *.yaml and *.yml file directly in it (not
// in subdirectories), except rule tests (*.test.yaml). All files are taken in name order. On failure the
// error is an inputerr.List holding every problem of every file, each
// placed at its file, line and column, its message beginning "rule ID: "
// ("规则 ID：") when it is about one rule, in that order and, at one
// position, by message (as English sorts it, whatever the reader's
// language).
func Load(paths ...string) (*Set, error) {
	var c collector
	if len(paths) == 0 {
		c.add(".", 0, 0, "", i18n.M("rules.load.no_files"))
		return nil, c.errs.Err()
	}
	seen := map[string]bool{}
	var files []File
	for _, p := range paths {
		names, msg := ruleFileNames(p)
		if msg != nil {
			c.add(p, 0, 0, "", *msg)
			continue
		}
		for _, name := range names {
			if seen[filepath.Clean(name)] {
				continue
			}
			seen[filepath.Clean(name)] = true
			if len(seen) > MaxRules {
				c.add(name, 0, 0, "", i18n.M("rules.load.too_many_files", MaxRules, MaxRules))
				break
			}
			data, err := readRuleFile(name)
			if err != nil {
				c.add(name, 0, 0, "", i18n.M("rules.load.read", fileProblem(err)))
				continue
			}
			files = append(files, File{Name: name, Data: data})
		}
	}
	set, err := Compile(files...)
	if len(c.errs) == 0 {
		return set, err
	}
	// Report unreadable paths together with the problems of the readable files.
	var errs inputerr.List
	if errors.As(err, &errs) && !(len(files) == 0 && len(errs) == 1) {
		c.errs = append(c.errs, errs...)
	}
	c.sort()
	return nil, c.errs.Err()
}

// readRuleFile reads a rule file, and no more than one byte past
// MaxFileSize, so that Compile can refuse a larger one without holding it.
func readRuleFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxFileSize+1))
}

// ruleFileNames expands a path into the rule files it names, or says why
// it names none.
func ruleFileNames(p string) ([]string, *i18n.Message) {
	info, err := os.Stat(p)
	if err != nil {
		m := i18n.M("rules.load.read", fileProblem(err))
		return nil, &m
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		m := i18n.M("rules.load.read_dir", fileProblem(err))
		return nil, &m
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && IsRuleFile(e.Name()) {
			names = append(names, filepath.Join(p, e.Name()))
		}
	}
	if len(names) == 0 {
		m := i18n.M("rules.load.empty_dir")
		return nil, &m
	}
	return names, nil
}

// fileProblem says what is wrong with a file that cannot be read: that it
// does not exist or may not be read, or else the system's own words.
func fileProblem(err error) i18n.Message {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return i18n.M("rules.file.not_exist")
	case errors.Is(err, fs.ErrPermission):
		return i18n.M("rules.file.permission")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return i18n.Raw(err.Error())
}

// IsRuleFile says whether a file of a rules directory holds rules: a YAML
// file, but not a rule test (NAME.test.yaml), which lives beside the rules
// it tests (`baoxue rules test` reads those). The daemon watches a rules
// directory for changes of these files only.
func IsRuleFile(name string) bool {
	if strings.HasSuffix(name, ".test.yaml") || strings.HasSuffix(name, ".test.yml") {
		return false
	}
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// Compile compiles rule files given in memory, sorted by name first. It is
// Load without the file system; errors are as Load's.
func Compile(files ...File) (*Set, error) {
	files = slices.Clone(files)
	slices.SortStableFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	var c collector
	set := &Set{MaxWindow: 1}
	sum := sha256.New()
	first := map[string]*Rule{}
	count := 0
	var all []placedRule
	// complete is false when a file or a rule could not be read whole:
	// a rule `inhibits` names may be in it.
	complete := true
	for _, f := range files {
		sum.Write(f.Data)
		src := newSource(f.Name, f.Data)
		if len(f.Data) > MaxFileSize {
			line, col := src.position(MaxFileSize)
			c.add(f.Name, line, col, "", i18n.M("rules.file.too_large", MaxFileSize))
			complete = false
			continue
		}
		before := len(c.errs)
		prs := parseFile(src, &c)
		if len(prs) == 0 && len(c.errs) > before {
			complete = false
		}
		for _, pr := range prs {
			r := pr.rule
			if count++; count > MaxRules {
				c.atNode(src, pr.node, r.ID, i18n.M("rules.load.too_many_rules", MaxRules, MaxRules))
				break
			}
			if pr.idNode != nil {
				if prev, ok := first[r.ID]; ok {
					c.atNode(src, pr.idNode, r.ID, i18n.M("rules.id.duplicate", r.ID, prev.File+":"+strconv.Itoa(prev.Line)))
				} else {
					first[r.ID] = r
				}
			} else {
				complete = false
			}
			compileRule(src, pr, &c)
			set.Rules = append(set.Rules, r)
			all = append(all, placedRule{src: src, pr: pr})
			if r.Enabled {
				set.MaxWindow = max(set.MaxWindow, r.windows)
			}
		}
		if count > MaxRules {
			break
		}
	}
	if count <= MaxRules {
		checkInhibits(&c, all, first, complete)
	}
	if len(files) == 0 {
		c.add(".", 0, 0, "", i18n.M("rules.load.no_files"))
	} else if len(set.Rules) == 0 && len(c.errs) == 0 {
		c.add(files[0].Name, 0, 0, "", i18n.M("rules.load.no_rules"))
	}
	if len(c.errs) > 0 {
		c.sort()
		return nil, c.errs.Err()
	}
	set.Checksum = hex.EncodeToString(sum.Sum(nil))
	return set, nil
}

// compileRule compiles a parsed rule's `when` and `message`.
func compileRule(src *source, pr parsedRule, c *collector) {
	r := pr.rule
	r.src, r.when, r.message = src, pr.when, pr.message
	if pr.when != nil {
		if prog, w := compileWhen(src, r.ID, pr.when, c); prog != nil {
			r.program = prog
			r.fast = compileClosure(prog)
			r.windows = max(r.windows, w)
		}
	}
	if pr.message != nil {
		if t, w := compileMessage(src, r.ID, pr.message, c); t != nil {
			r.tmpl = t
			r.windows = max(r.windows, w)
		}
	}
}

//go:embed default/*.yaml
var defaultFS embed.FS

// DefaultFiles returns the embedded default rule files, at the root of the
// returned file system (for `rules show-defaults`).
func DefaultFiles() fs.FS {
	sub, err := fs.Sub(defaultFS, "default")
	if err != nil {
		panic(fmt.Sprintf("rules: embedded defaults: %v", err)) // cannot happen: the directory is embedded
	}
	return sub
}

// Defaults compiles the embedded default rules; their files are named
// "default/NAME.yaml" in errors and Rule.File.
func Defaults() (*Set, error) {
	entries, err := fs.ReadDir(defaultFS, "default")
	if err != nil {
		return nil, fmt.Errorf("read embedded default rules: %w", err)
	}
	var files []File
	for _, e := range entries {
		if e.IsDir() || !IsRuleFile(e.Name()) {
			continue
		}
		name := path.Join("default", e.Name())
		data, err := fs.ReadFile(defaultFS, name)
		if err != nil {
			return nil, fmt.Errorf("read embedded default rules: %w", err)
		}
		files = append(files, File{Name: name, Data: data})
	}
	return Compile(files...)
}
