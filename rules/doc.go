// Package rules turns YAML rule files into compiled rules (SPEC §5) and
// holds the default rules that encode the 控辍保学 policy.
//
// The package is pure: it reads files and compiles them; it never touches
// the database or evaluates a district. The engine fills a Facts per
// student and calls Rule.Eval and Rule.Render; `baoxue rules check` calls
// Load; `baoxue rules test` drives both through the engine.
//
// # Loading
//
// Load takes files and directories (a directory contributes its *.yaml and
// *.yml files, not its subdirectories) and compiles them in file-name
// order. Files are parsed into yaml.Node trees and walked by hand, so every
// problem is an inputerr.Error placed at the token it is about, as
// "FILE:LINE:COL: rule ID: message" ("规则 ID：…" in Chinese; every
// sentence is a key of the i18n catalog, what expr, text/template and
// yaml.v3 say themselves excepted): unknown keys (with a suggestion),
// wrong types, values outside the allowed lists, bad durations, missing
// required keys, duplicate ids across files, broken YAML; and, once every
// file is read, each `inhibits` entry (inhibit.go): an id of no rule, the
// rule itself, a cycle, an inhibitor that does not run wherever the rule
// it names runs. Rule.InhibitedBy gives the engine, for each rule, the
// rules that inhibit it. Load reports every
// problem of every file at once, as an inputerr.List, and returns no Set
// if there is one.
//
// # Expressions
//
// `when` is compiled with expr against Facts{} (expr.Env), must be boolean
// (expr.AsBool), is bounded in size (expr.MaxNodes), and may use only the
// number and string builtins; now() and date() are left out so a rule sees
// time only as the evaluation date T (today, month). A compile error's
// position inside the expression is mapped to the rule file's line and
// column, whether the expression is plain, quoted, or a `|` or `>` block,
// and expr's snippet with its caret goes with the error.
//
// The windowed functions (absences(n), …) must be called with a whole
// number literal from 1 to 366, checked before compilation; the largest
// window of all enabled rules is Set.MaxWindow, so the engine knows how
// much history to read. home_teaching_sessions_of(n, h) takes, after the
// window, the least class hours of a session, any int expression.
//
// `norms` holds the thresholds the district configures in baoxue.yaml
// (Norms; DefaultNorms without one), so that rules read them rather than
// repeat them and cannot disagree with the ledger.
//
// # Evaluation speed
//
// A compiled program is shared; each goroutine brings its own vm.VM and
// Facts. Once expr has checked and compiled a `when` (so every error and
// refusal is expr's), closure.go compiles the tree expr's optimiser left
// into typed Go closures, func(*Facts) bool at the root, which read
// student.x as a Go field and call Facts.W directly; expr's VM fetches
// each field by reflection and boxes it. The closures cover what rules
// write (literals, the names of Facts, the windowed functions, the
// operators, ?:, `in` a written-out list, the enabled builtins) with the
// VM's own rules of types and evaluation order; a rule using anything
// else runs on the VM, whole. Eval runs the closures when a rule has
// them; when they fail (a modulo by zero, a panicking Windows) it runs
// the VM, so the error is the VM's, placed in the file. TestClosureMatchesVM
// and FuzzClosureMatchesVM compare the two on generated expressions and
// random facts, edge values included. BenchmarkEval evaluates all default
// rules for one student in about 0.4–0.7 µs on the 2-core test machine,
// without allocating; BenchmarkEvalVM, the VM alone, in 2.6–4.5 µs
// (BENCHMARKS.md).
//
// On the VM, windowed functions are func-typed fields of Facts that
// Eval binds to Facts.W once per Facts, which expr calls without
// reflection. The alternatives measured in BenchmarkWindowCall
// (expr.Function with the environment patched in as an argument;
// compiling against *Facts) were about 15% and 3–4× slower.
//
// # Messages
//
// `message` is a text/template that sees the names of `when` with a dot
// (`{{.student.name}}`) and the windowed functions with a space
// (`{{absences 14}}`). Unknown names are load errors, followed through
// with, variables and branches the load-time rendering does not take;
// only a short list of text/template functions is allowed, and range,
// template, define and block are not. student.id, a 学籍号, is masked in
// messages. A rendered message is cut at MaxMessageLength characters.
// Rendering uses a pool of template clones, each bound to the Facts it
// renders, so concurrent renders are safe. Once a message has loaded,
// message_fast.go compiles its texts and plain actions (fields, windowed
// calls, print and printf of them) to parts that Render writes without
// reflection, value for value and write for write as text/template, the
// masked student.id and the cut included; any other message, and a
// rendering whose parts panic, goes through the template
// (TestMessageMatchesTemplate, FuzzMessageMatchesTemplate; BenchmarkRender
// about 10× faster, BENCHMARKS.md).
//
// # Budgets
//
// budget.go bounds what a rule set may ask (SPEC §5): file size
// (MaxFileSize), rule count (MaxRules), the length, bracket nesting and
// node count of a `when`, ranges, literal lists, constant `matches`
// patterns, and the size and nesting of a message. A bound passed is a
// load error at its place. Within them no rule can exceed the expr VM's
// memory budget; a rule that fails on a student at run time is a RunError
// placed in the file (Rule.Eval, Rule.Render), to which OnStudent adds
// the student, and the engine fails the run.
//
// FuzzCompile and FuzzMessage feed any bytes to Compile and any text to a
// message; crashers found are kept in testdata/fuzz.
//
// # Default rules
//
// Defaults compiles the embedded rules in default/*.yaml; DefaultFiles
// gives the files themselves. default/tests/*.test.yaml are their unit
// tests in the `baoxue rules test` format, with firing and not-firing
// cases for every default rule; they are not embedded.
package rules
