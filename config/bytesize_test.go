package config

import (
	"testing"
)

func TestParseByteSize(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  string
	}{
		{"512MiB", 512 << 20, ""},
		{"2 GiB", 2 << 30, ""},
		{"1gib", 1 << 30, ""},
		{"500MB", 500e6, ""},
		{"64kB", 64000, ""},
		{"1048576", 1 << 20, ""},
		{"10B", 10, ""},
		{"0", 0, ""},
		{"-1MiB", -1 << 20, ""},
		{"1.5GiB", 0, `bad size "1.5GiB": want a whole number of bytes or one with a unit, like 512MiB or 2GiB`},
		{"512 parsecs", 0, `bad size "512 parsecs": want a whole number of bytes or one with a unit, like 512MiB or 2GiB`},
		{"MiB", 0, `bad size "MiB": want a whole number of bytes or one with a unit, like 512MiB or 2GiB`},
		{"", 0, `bad size "": want a whole number of bytes or one with a unit, like 512MiB or 2GiB`},
		{"9000000TiB", 0, `bad size "9000000TiB": too large`},
	}
	for _, tc := range cases {
		got, err := ParseByteSize(tc.in)
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("ParseByteSize(%q) = %d, %v, want error %s", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("ParseByteSize(%q) = %d, %v, want %d", tc.in, got, err, tc.want)
		}
	}
	for b, want := range map[ByteSize]string{512 << 20: "512MiB", 3 << 30: "3GiB", 1536: "1536", 1000: "1000", 0: "0"} {
		if got := b.String(); got != want {
			t.Errorf("ByteSize(%d).String() = %q, want %q", int64(b), got, want)
		}
	}
}

// TestByteSizeFromEnvironment: a size may come from ${VAR}, and a bad one
// names the variable, not the value.
func TestByteSizeFromEnvironment(t *testing.T) {
	env := map[string]string{"SIZE": "1GiB", "BAD": "lots"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	c, err := parse("f.yaml", []byte("import: {xlsx_max_bytes: \"${SIZE}\"}\n"), lookup)
	if err != nil || c.Import.XLSXMaxBytes != 1<<30 {
		t.Fatalf("parse: %v, %v", c, err)
	}
	_, err = parse("f.yaml", []byte("import: {xlsx_max_bytes: \"${BAD}\"}\n"), lookup)
	if want := "f.yaml:1:26: import.xlsx_max_bytes: the value of ${BAD} is not a size like 512MiB"; err == nil || err.Error() != want {
		t.Errorf("parse = %v, want %s", err, want)
	}
}
