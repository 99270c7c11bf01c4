package rules

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"baoxue/i18n"
)

// DefaultYAML returns the built-in rules as one rule file: the embedded files
// in name order, each introduced by a comment naming it, under a single
// `rules:` key, after a comment in p's language (nil: the default) saying
// how to use the file. It is what `baoxue rules show-defaults` prints, so
// that an admin can save it, edit it and load it with --rules.
func DefaultYAML(p *i18n.Printer) ([]byte, error) {
	if p == nil {
		p = i18n.Default()
	}
	names, err := fs.Glob(defaultFS, "default/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out bytes.Buffer
	for line := range strings.SplitSeq(p.Sprintf("rules.defaults.header"), "\n") {
		out.WriteString("# " + line + "\n")
	}
	out.WriteString("rules:\n")
	for _, n := range names {
		b, err := fs.ReadFile(defaultFS, n)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&out, "\n# ---- %s ----\n", path.Base(n))
		found := false
		for _, line := range bytes.SplitAfter(b, []byte("\n")) {
			if !found && bytes.Equal(bytes.TrimRight(line, "\r\n"), []byte("rules:")) {
				found = true
				continue
			}
			out.Write(line)
		}
		if !found {
			return nil, i18n.Errorf("rules.defaults.no_rules_line", n)
		}
		if !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
			out.WriteByte('\n')
		}
	}
	return out.Bytes(), nil
}
