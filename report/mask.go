package report

import (
	"strings"
	"unicode/utf8"
)

// MaskName keeps the first character of a name and masks the rest: 张三丰 → 张**.
func MaskName(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	if r == utf8.RuneError {
		return ""
	}
	return string(r) + strings.Repeat("*", max(utf8.RuneCountInString(name[size:]), 1))
}
