package civil

import (
	"strings"

	"baoxue/i18n"
)

// FoldWidth turns the full-width digits, Latin letters and date and number
// separators that Chinese input methods type (Ｇ５００…, ２０２６－０３－１６,
// ２０２６．３．９) into their ASCII forms, and the ideographic space into a
// space. Every other character, Chinese punctuation included, is kept.
func FoldWidth(s string) string {
	if !hasFullWidth(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ',
			r == '－', r == '／', r == '．', r == '：', r == '＋':
			return r - 0xFEE0
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

func hasFullWidth(s string) bool {
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E || r == '\u3000' {
			return true
		}
	}
	return false
}

// ParseWritten parses a date as people write it and as spreadsheets export
// it: 2026-03-09, 2026/3/9, 2026.3.9, 20260309 and 2026年3月9日, in
// half-width or full-width digits, with an optional time of day after a
// space or T (Excel's "2026/3/9 0:00"), which is ignored. Anything else, or
// a date that does not exist, is an error naming s.
func ParseWritten(s string) (Day, error) {
	if d, ok := parseWritten(s); ok {
		return d, nil
	}
	return 0, i18n.Errorf("civil.bad_written_date", s)
}

func parseWritten(s string) (Day, bool) {
	v := strings.TrimSpace(FoldWidth(s))
	if i := strings.IndexAny(v, " T"); i > 0 {
		v = v[:i]
	}
	var y, m, d int
	if len(v) == 8 && isDigits(v) {
		y, m, d = number(v[:4]), number(v[4:6]), number(v[6:])
	} else {
		if strings.Contains(v, "年") {
			v = strings.TrimSuffix(strings.NewReplacer("年", "-", "月", "-").Replace(v), "日")
		}
		sep := strings.IndexAny(v, "-/.")
		if sep != 4 {
			return 0, false
		}
		parts := strings.Split(v, v[sep:sep+1])
		if len(parts) != 3 || len(parts[1]) < 1 || len(parts[1]) > 2 || len(parts[2]) < 1 || len(parts[2]) > 2 {
			return 0, false
		}
		for _, p := range parts {
			if !isDigits(p) {
				return 0, false
			}
		}
		y, m, d = number(parts[0]), number(parts[1]), number(parts[2])
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return FromDate(y, m, d), true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func number(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
