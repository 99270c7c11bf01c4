package civil

import "testing"

func TestParseWritten(t *testing.T) {
	for _, in := range []string{
		"2026-03-09", "2026/3/9", "2026.3.9", "2026年3月9日", "20260309",
		"2026/3/9 0:00", "２０２６－０３－０９", "２０２６年３月９日", " 2026-3-09 ",
	} {
		d, err := ParseWritten(in)
		if err != nil {
			t.Errorf("ParseWritten(%q): %v", in, err)
			continue
		}
		if got := d.String(); got != "2026-03-09" {
			t.Errorf("ParseWritten(%q) = %s", in, got)
		}
	}
	for _, in := range []string{"", "2026-02-29", "26-3-9", "2026-3", "2026/03-09", "3/9/2026", "2026-13-01", "x2026-03-09", "2026年3月"} {
		if d, err := ParseWritten(in); err == nil {
			t.Errorf("ParseWritten(%q) = %s, want an error", in, d)
		}
	}
}

func TestFoldWidth(t *testing.T) {
	for in, want := range map[string]string{
		"Ｇ５００１０２２０１５０３０１２３４Ｘ": "G50010220150301234X",
		"２０２６－０３－１６":          "2026-03-16",
		"张三（一班），好":            "张三（一班），好",
		"abc":                 "abc",
		"a\u3000b":            "a b",
	} {
		if got := FoldWidth(in); got != want {
			t.Errorf("FoldWidth(%q) = %q, want %q", in, got, want)
		}
	}
}
