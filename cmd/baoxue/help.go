package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"baoxue/i18n"
	"baoxue/importer"
)

// cmdHelp prints the overview of every command (no argument), or the help
// of the command, or subcommand, args names: its usage line, its flags
// and, for import, the KINDs with their required columns.
func cmdHelp(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 || isHelpFlag(args[0]) {
		a.usage(a.stdout)
		return nil
	}
	c, ok := lookup(commands(), args[0])
	if !ok {
		return unknownCommand(args[0])
	}
	path := []string{c.name}
	if len(c.subs) > 0 && len(args) > 1 && !isHelpFlag(args[1]) {
		sub, ok := lookup(c.subs, args[1])
		if !ok {
			return bad("help.unknown_sub", c.name, args[1], strings.Join(names(c.subs), " "))
		}
		c, path = sub, append(path, sub.name)
	}
	a.commandHelp(a.stdout, path, c, flagSetOf(c))
	return nil
}

// helpTopic is what `baoxue NAME ARGS --help` asks help for: NAME, or
// NAME SUB when ARGS start with one of NAME's subcommands.
func helpTopic(c command, args []string) []string {
	if len(args) > 0 {
		if _, ok := lookup(c.subs, args[0]); ok {
			return []string{c.name, args[0]}
		}
	}
	return []string{c.name}
}

// wantsHelp reports whether args ask for help (-h, -help, --help) before a
// "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelpFlag(a) {
			return true
		}
	}
	return false
}

func isHelpFlag(s string) bool { return s == "-h" || s == "-help" || s == "--help" }

func names(cs []command) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.name)
	}
	return out
}

// flagSetOf returns c's flags, as c.flags declares them.
func flagSetOf(c command) *flag.FlagSet {
	fs := newFlags(c.name, nil)
	if c.flags != nil {
		c.flags(fs)
	}
	return fs
}

// flagUsage returns what help says of f: its description and the
// placeholder of its value ("" for a boolean flag).
//
// A command declares a flag's usage as a catalog key, optionally followed
// by a space and the placeholder of its value:
//
//	fs.StringVar(&f.out, "out", "", "gen.flag.out DIR")
//
// Without a placeholder, one is chosen by the flag's type.
func flagUsage(p *i18n.Printer, f *flag.Flag) (text, arg string) {
	key, arg, _ := strings.Cut(f.Usage, " ")
	text = p.Sprintf(key)
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return text, ""
	}
	if arg == "" {
		arg = typeArg(f)
	}
	return text, arg
}

// typeArg is the placeholder of a flag's value by its type.
func typeArg(f *flag.Flag) string {
	switch name, _ := flag.UnquoteUsage(&flag.Flag{Value: f.Value}); name {
	case "int", "uint":
		return "N"
	case "duration":
		return "DURATION"
	case "float":
		return "X"
	case "":
		return ""
	}
	return "VALUE"
}

// row is one line of a two-column list: a name and its description.
type row struct{ left, right string }

// writeRows writes rows indented, their descriptions aligned (the names
// are ASCII: commands, flags, KINDs).
func writeRows(w io.Writer, rows []row) {
	width := 0
	for _, r := range rows {
		width = max(width, len(r.left))
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s  %s\n", width, r.left, r.right)
	}
}

// usage writes the overview: every command, the global flags, the exit
// statuses.
func (a *app) usage(w io.Writer) {
	p := a.p
	p.Fprintln(w, "help.about")
	fmt.Fprintln(w)
	p.Fprintln(w, "help.usage_line")
	fmt.Fprintln(w)
	p.Fprintln(w, "help.commands")
	var rows []row
	for _, c := range commands() {
		rows = append(rows, row{c.name, p.Sprintf(c.summary)})
	}
	writeRows(w, rows)
	fmt.Fprintln(w)
	p.Fprintln(w, "help.global_flags")
	writeRows(w, globalRows(p))
	fmt.Fprintln(w)
	p.Fprintln(w, "help.exit_status")
	p.Fprintln(w, "help.more")
}

// globalRows lists the global flags.
func globalRows(p *i18n.Printer) []row {
	var rows []row
	for _, f := range globalFlags {
		rows = append(rows, row{"--" + f.name + " " + f.arg, p.Sprintf(f.usage)})
	}
	return rows
}

// commandHelp writes the help of the command c, at path (["rules",
// "test"]), whose flags are fs.
func (a *app) commandHelp(w io.Writer, path []string, c command, fs *flag.FlagSet) {
	p := a.p
	name := strings.Join(path, " ")
	p.Fprintln(w, "help.title", name, p.Sprintf(c.summary))
	fmt.Fprintln(w)
	p.Fprintln(w, "help.usage")
	var flags []row
	fs.VisitAll(func(f *flag.Flag) {
		text, arg := flagUsage(p, f)
		left := "--" + f.Name
		if len(f.Name) == 1 {
			left = "-" + f.Name // rules test -v
		}
		if arg != "" {
			left += " " + arg
		}
		if d := f.DefValue; d != "" && d != "0" && d != "false" {
			text += p.Sprintf("help.default", d)
		}
		flags = append(flags, row{left, text})
	})
	if len(c.subs) == 0 {
		fmt.Fprintf(w, "  %s\n", usageLine(p, name, len(flags) > 0, c.args))
	}
	for _, s := range c.subs {
		fmt.Fprintf(w, "  %s\n", usageLine(p, name+" "+s.name, hasFlags(s), s.args))
	}
	if len(flags) > 0 {
		fmt.Fprintln(w)
		p.Fprintln(w, "help.flags")
		writeRows(w, flags)
	}
	if len(c.subs) > 0 {
		fmt.Fprintln(w)
		p.Fprintln(w, "help.subcommands")
		var rows []row
		for _, s := range c.subs {
			rows = append(rows, row{s.name, p.Sprintf(s.summary)})
		}
		writeRows(w, rows)
	}
	if strings.Contains(c.args, "KIND") {
		fmt.Fprintln(w)
		p.Fprintln(w, "help.kinds")
		var rows []row
		for _, k := range importer.Kinds {
			req, _, _ := importer.Columns(k)
			rows = append(rows, row{k, strings.Join(req, ", ")})
		}
		writeRows(w, rows)
		p.Fprintln(w, "help.kinds_more")
	}
	fmt.Fprintln(w)
	var globals []string
	for _, f := range globalFlags {
		globals = append(globals, "--"+f.name)
	}
	p.Fprintln(w, "help.see_global", strings.Join(globals, p.Sprintf("common.list.sep")))
}

// hasFlags reports whether c declares a flag.
func hasFlags(c command) bool {
	n := 0
	flagSetOf(c).VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// usageLine is "baoxue NAME [flags] ARGS".
func usageLine(p *i18n.Printer, name string, flags bool, args string) string {
	s := "baoxue " + name
	if flags {
		s += " " + p.Sprintf("help.flags_arg")
	}
	if args != "" {
		s += " " + args
	}
	return s
}

// newFlags makes the flag set of the command name. The flag package says
// nothing itself (its output is discarded): parseFlags returns its errors
// and help requests, which are said in the reader's language. The writer
// is not used.
func newFlags(name string, _ io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("baoxue "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// helpRequested is -h or --help among a command's flags: the command ends,
// and its help is printed from fs (see app.exit).
type helpRequested struct{ fs *flag.FlagSet }

func (helpRequested) Error() string { return "help requested" }

// parseFlags parses args, allowing flags after positional arguments too.
// -h and --help return helpRequested; a flag the set does not have, or a
// bad value, is bad input.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, helpRequested{fs}
			}
			return nil, badInput{flagError{cmd: fs.Name(), err: err}}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// flagError is an error of the flag package, said in the reader's language
// from the parts of its English text.
type flagError struct {
	cmd string // "baoxue eval"
	err error
}

func (e flagError) Error() string { return e.Localize(i18n.Default()) }
func (e flagError) Unwrap() error { return e.err }

var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: -(.*)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: -(.*)$`)
	flagBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value (".*") for (?:flag )?-([^:]*): `)
	flagSyntax    = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// Localize renders the error in p's language.
func (e flagError) Localize(p *i18n.Printer) string {
	msg := e.err.Error()
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		return p.Sprintf("flag.undefined", e.cmd, m[1], strings.TrimPrefix(e.cmd, "baoxue "))
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return p.Sprintf("flag.needs_value", e.cmd, m[1])
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		v, err := strconv.Unquote(m[1])
		if err != nil {
			v = m[1]
		}
		return p.Sprintf("flag.bad_value", e.cmd, m[2], v)
	}
	if m := flagSyntax.FindStringSubmatch(msg); m != nil {
		return p.Sprintf("flag.syntax", e.cmd, m[1])
	}
	return p.Sprintf("main.failed_cmd", strings.TrimPrefix(e.cmd, "baoxue "), msg)
}
