// Package archtest holds the test that keeps the layers of docs/architecture.md:
// it parses every non-test Go file of the module and fails on an import the
// map forbids, and on raw SQL run through the store from outside it.
package archtest

import (
	"bufio"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// rule constrains the imports of our own packages made by one package
// (a directory relative to the module root, subpackages not included).
// With only set, the package may import no package of ours outside only
// (nil only and no never: none at all); never lists packages it must not
// import, each with its subpackages.
type rule struct {
	pkg   string
	only  []string
	never []string
	why   string
}

// lower are the packages below server and scheduler, today's and coming.
var lower = []string{"engine", "ledger", "notifier", "importer", "report", "rules", "store", "config",
	"civil", "idnum", "inputerr", "i18n", "synth", "demo", "ruletest"}

// coming are the packages STYLE.md plans that do not exist yet.
var coming = []string{"ledger"}

func layerRules() []rule {
	rs := []rule{
		{pkg: "store", only: []string{}, why: "store is the floor: it imports no package of ours"},
		{pkg: "civil", only: []string{"i18n"}, why: "civil imports only i18n (for its messages)"},
		{pkg: "idnum", only: []string{}, why: "idnum imports no package of ours"},
		{pkg: "i18n", only: []string{}, why: "i18n, the message catalog, imports no package of ours"},
		{pkg: "inputerr", only: []string{"i18n"}, why: "inputerr imports only i18n (its messages are catalog keys)"},
		{pkg: "rules", only: []string{"civil", "idnum", "inputerr", "i18n"}, why: "rules is pure: it imports only civil, idnum, inputerr and i18n"},
		{pkg: "config", only: []string{"rules", "civil", "idnum", "inputerr", "i18n"}, why: "config imports only rules (for Norms), civil, idnum, inputerr and i18n"},
		{pkg: "engine", never: []string{"importer", "notifier", "report", "cmd", "demo", "synth", "ruletest"},
			why: "engine writes alerts, tasks and outbox rows through the store; it never imports importer, notifier, report, cmd, demo, synth or ruletest"},
		{pkg: "importer", never: []string{"engine", "rules", "report", "ruletest", "demo"},
			why: "importer loads files into the store; it never imports engine, rules, report, ruletest or demo"},
		{pkg: "scheduler", never: []string{"server", "cmd", "metrics"}, why: "scheduler runs the jobs it is given; it never imports server, metrics or a command (it reports runs through Options.Observe)"},
		{pkg: "metrics", only: []string{"civil", "i18n", "notifier", "store"},
			why: "metrics exposes what the daemon did and the database holds: it imports only civil, i18n, notifier (its counters) and store; the scheduler reports to it through a function"},
		{pkg: "synth", never: []string{"engine"}, why: "synth generates data; it never imports engine"},
		{pkg: "report", only: []string{"engine", "rules", "civil", "idnum", "i18n"},
			why: "report renders what the engine decided: it imports only engine, rules, civil, idnum and i18n; never store, so it writes nothing"},
		{pkg: "notifier", only: []string{"report", "engine", "config", "store", "i18n"},
			why: "notifier delivers the outbox: it imports only report (digests), engine (the Digest type), config, store and i18n, never a channel package"},
		{pkg: "server", only: []string{"store", "engine", "civil", "config", "i18n", "idnum", "inputerr", "report", "scheduler"},
			why: "server answers HTTP from the store: it imports only store, engine, civil, config, i18n, idnum, inputerr, report and scheduler; never a command, the notifier or the importer"},
		{pkg: "notifier/internal/httpapi", only: []string{"notifier"},
			why: "notifier/internal/httpapi is the channels' HTTP plumbing: it imports only notifier"},
	}
	for _, ch := range channelPackages {
		rs = append(rs, rule{pkg: ch, only: []string{"notifier", "config", "notifier/internal/httpapi"},
			why: ch + " knows only its wire format: it imports only notifier, config and notifier/internal/httpapi"})
	}
	for _, p := range lower {
		rs = append(rs, rule{pkg: p, never: []string{"server", "scheduler", "metrics"},
			why: "imports point down: only cmd/baoxue (and server, scheduler themselves) import server, scheduler and metrics"})
	}
	return rs
}

// schedulerImporters are the packages that may import scheduler: the
// daemon's command and the server.
var schedulerImporters = []string{"cmd/baoxue", "server"}

// channelPackages are the notifier's channels, each knowing only its wire
// format: it gets a rendered message and delivers it, and imports neither
// the engine, the store nor the renderers.
var channelPackages = []string{"notifier/webhook", "notifier/wecom", "notifier/dingtalk", "notifier/email"}

// channelLibraries are the libraries outside the standard library a
// channel may import: the ones of its wire format.
var channelLibraries = map[string][]string{
	"notifier/email": {"github.com/wneessen/go-mail"},
}

// TestLayers fails on an import of a package of ours that docs/architecture.md
// forbids, naming the file and the import.
func TestLayers(t *testing.T) {
	root, module := moduleRoot(t)
	imports := moduleImports(t, root, module)
	if len(imports) < 10 {
		t.Fatalf("found only %d packages under %s: the walk is broken", len(imports), root)
	}
	missing := map[string]bool{}
	for _, r := range layerRules() {
		// A rule about a package of today names one that exists, so a
		// rename cannot switch a rule off silently.
		if _, ok := imports[r.pkg]; !ok && !slices.Contains(coming, r.pkg) && !missing[r.pkg] {
			missing[r.pkg] = true
			t.Errorf("rule for %s: no such package; update the rules and docs/architecture.md", r.pkg)
		}
	}
	for pkg, imps := range imports {
		for _, im := range imps {
			if im.path == "cmd/baoxue" || strings.HasPrefix(im.path, "cmd/") {
				t.Errorf("%s imports %s: nothing imports a command", im.file, im.full)
			}
			if im.path == "scheduler" && !slices.Contains(schedulerImporters, pkg) {
				t.Errorf("%s imports %s: only cmd/baoxue and server import scheduler", im.file, im.full)
			}
			if im.path == "store/storetest" && pkg != "store/storetest" {
				t.Errorf("%s imports %s: only tests import store/storetest", im.file, im.full)
			}
			for _, r := range layerRules() {
				if r.pkg != pkg {
					continue
				}
				if r.only != nil && !slices.Contains(r.only, im.path) {
					t.Errorf("%s imports %s: %s", im.file, im.full, r.why)
				}
				for _, n := range r.never {
					if im.path == n || strings.HasPrefix(im.path, n+"/") {
						t.Errorf("%s imports %s: %s", im.file, im.full, r.why)
					}
				}
			}
		}
	}
}

// TestChannelLibraries fails on a channel package importing a library
// outside the standard library that is not its wire format's.
func TestChannelLibraries(t *testing.T) {
	root, module := moduleRoot(t)
	for _, f := range moduleFiles(t, root) {
		if !slices.Contains(channelPackages, f.pkg) {
			continue
		}
		for _, s := range f.ast.Imports {
			full, _ := strconv.Unquote(s.Path.Value)
			first, _, _ := strings.Cut(full, "/")
			if !strings.Contains(first, ".") || full == module || strings.HasPrefix(full, module+"/") {
				continue // the standard library, or ours (TestLayers)
			}
			if !slices.ContainsFunc(channelLibraries[f.pkg], func(lib string) bool {
				return full == lib || strings.HasPrefix(full, lib+"/")
			}) {
				t.Errorf("%s imports %s: a channel package knows only its wire format; its libraries are %v",
					f.rel, full, channelLibraries[f.pkg])
			}
		}
	}
}

// TestPrometheusOnlyInMetrics fails on a package other than metrics that
// imports Prometheus's libraries: what the daemon exposes is built in one
// place, and the scheduler and the notifier report to it through plain Go.
func TestPrometheusOnlyInMetrics(t *testing.T) {
	root, _ := moduleRoot(t)
	for _, f := range moduleFiles(t, root) {
		if f.pkg == "metrics" {
			continue
		}
		for _, s := range f.ast.Imports {
			if full, _ := strconv.Unquote(s.Path.Value); strings.HasPrefix(full, "github.com/prometheus/") {
				t.Errorf("%s imports %s: only metrics imports Prometheus's libraries", f.rel, full)
			}
		}
	}
}

// databaseLibraries are the database packages only store imports: the
// rest of the module reaches the database through store's methods.
var databaseLibraries = []string{"github.com/jmoiron/sqlx", "github.com/lib/pq", "modernc.org/sqlite"}

// rawMethods are store's escape hatches for tests (store/tx.go).
var rawMethods = []string{"RawExec", "RawGet", "RawSelect", "RawQuery"}

// inStore reports whether pkg is store or one of its subpackages.
func inStore(pkg string) bool { return pkg == "store" || strings.HasPrefix(pkg, "store/") }

// TestDatabaseOnlyThroughStore fails on a package outside store that imports
// a database library, or calls one of store's Raw methods, in a non-test
// file.
func TestDatabaseOnlyThroughStore(t *testing.T) {
	root, _ := moduleRoot(t)
	files := moduleFiles(t, root)
	for _, f := range files {
		if inStore(f.pkg) {
			continue
		}
		for _, s := range f.ast.Imports {
			full, _ := strconv.Unquote(s.Path.Value)
			for _, lib := range databaseLibraries {
				if full == lib || strings.HasPrefix(full, lib+"/") {
					t.Errorf("%s imports %s: only store imports database libraries; add a store method", f.rel, full)
				}
			}
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			// A call, not any selector: url.URL has a field RawQuery.
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && slices.Contains(rawMethods, sel.Sel.Name) {
				t.Errorf("%s:%d calls %s: raw SQL is for tests; add a store method", f.rel, f.fset.Position(sel.Pos()).Line, sel.Sel.Name)
			}
			return true
		})
	}
}

// anImport is one import of a package of ours: file relative to the module
// root, path relative to the module ("engine"), full as written.
type anImport struct {
	file, path, full string
}

// goFile is one parsed non-test Go file: rel is its path relative to the
// module root, pkg its directory.
type goFile struct {
	rel, pkg string
	ast      *ast.File
	fset     *token.FileSet
}

// moduleRoot finds go.mod above the working directory and returns its
// directory and module path.
func moduleRoot(t *testing.T) (string, string) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		f, err := os.Open(filepath.Join(dir, "go.mod"))
		if err == nil {
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if m, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
					return dir, strings.Trim(strings.TrimSpace(m), `"`)
				}
			}
			t.Fatalf("%s: no module line", f.Name())
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// moduleImports returns, for every directory of the module holding non-test
// Go files, the imports of module packages those files make.
func moduleImports(t *testing.T, root, module string) map[string][]anImport {
	t.Helper()
	out := map[string][]anImport{}
	for _, f := range moduleFiles(t, root) {
		if _, ok := out[f.pkg]; !ok {
			out[f.pkg] = nil
		}
		for _, s := range f.ast.Imports {
			full, err := strconv.Unquote(s.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			if full == module {
				out[f.pkg] = append(out[f.pkg], anImport{file: f.rel, path: ".", full: full})
			} else if p, ok := strings.CutPrefix(full, module+"/"); ok {
				out[f.pkg] = append(out[f.pkg], anImport{file: f.rel, path: p, full: full})
			}
		}
	}
	return out
}

// moduleFiles parses every non-test Go file of the module.
func moduleFiles(t *testing.T, root string) []goFile {
	t.Helper()
	var out []goFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		pkg := filepath.ToSlash(filepath.Dir(rel))
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		out = append(out, goFile{rel: rel, pkg: pkg, ast: f, fset: fset})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
