package rules

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// DefaultYAML returns the built-in rules as one rule file: the embedded files
// in name order, each introduced by a comment naming it, under a single
// `rules:` key. It is what `baoxue rules show-defaults` prints, so that an
// admin can save it, edit it and load it with --rules.
func DefaultYAML() ([]byte, error) {
	names, err := fs.Glob(defaultFS, "default/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out bytes.Buffer
	out.WriteString("# baoxue's built-in rules. Save this file, edit it, check it with\n")
	out.WriteString("# `baoxue rules check FILE` and use it with --rules FILE (or `rules:` in baoxue.yaml).\n")
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
			return nil, fmt.Errorf("embedded rule file %s has no top-level rules: line", n)
		}
		if !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
			out.WriteByte('\n')
		}
	}
	return out.Bytes(), nil
}
