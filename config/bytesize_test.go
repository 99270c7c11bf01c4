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
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseByteSize(tc.in)
			if tc.err != "" {
				if err == nil {
					t.Fatalf("ParseByteSize(%q) = %d, want error %s", tc.in, got, tc.err)
				}
				if en(err) != tc.err {
					t.Errorf("ParseByteSize(%q) error = %v, want %s", tc.in, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseByteSize(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseByteSize(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
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
	if err != nil {
		t.Fatalf("parse ${SIZE}: %v", err)
	}
	if c.Import.XLSXMaxBytes != 1<<30 {
		t.Errorf("xlsx_max_bytes = %d, want %d", c.Import.XLSXMaxBytes, 1<<30)
	}
	_, err = parse("f.yaml", []byte("import: {xlsx_max_bytes: \"${BAD}\"}\n"), lookup)
	if err == nil {
		t.Fatal("parse ${BAD}: no error")
	}
	if want := "f.yaml:1:26: import.xlsx_max_bytes: the value of ${BAD} is not a size like 512MiB"; en(err) != want {
		t.Errorf("parse = %v, want %s", err, want)
	}
}
