package importer

import "strings"

// A header cell that names no column of the KIND is either a misspelling of
// one of its headers, which is an error at the header line (a child must not
// lose its 留守 flag to a typo), or a column baoxue does not use, which is
// ignored and listed once as a warning. Registry exports carry dozens of the
// latter (民族, 籍贯, 户口性质, …), so "close" must be tight enough for short
// Chinese headers that differ in one meaningful character (入学年月 and
// 出生年月 are two edits apart, 住址 and 住校 one): see maxEdits, and
// unusedHeaders for the real columns that are close all the same.

// typos finds the known header an unknown header cell is a misspelling of.
type typos struct {
	known  []nearName      // names and aliases of the KIND's columns, in column order
	unused []nearName      // headers of unusedHeaders
	exact  map[string]bool // the same, normalised: ignored outright
}

// nearName is a header as compared (see key) and as written for messages.
type nearName struct {
	key  []rune
	text string
}

// newTypos prepares the search among the headers of cols, with unused the
// KIND's unusedHeaders.
func newTypos(cols []column, unused []string) *typos {
	t := &typos{exact: make(map[string]bool)}
	for _, c := range cols {
		for _, h := range append([]string{c.name}, c.aliases...) {
			t.known = append(t.known, nearName{key: key(normHeader(h)), text: h})
		}
	}
	for _, h := range unused {
		n := normHeader(h)
		t.exact[n] = true
		t.unused = append(t.unused, nearName{key: key(n), text: h})
	}
	return t
}

// key is what the distance is measured on: a normalised header (see
// normHeader), and for English names without the '_' between words, so
// that "birthdate" and "Birth Date" are as close to birth_date as can be.
func key(n string) []rune {
	if isASCII(n) {
		n = strings.ReplaceAll(n, "_", "")
	}
	return []rune(n)
}

// maxEdits is how many edits (a character inserted, deleted, replaced, or
// two neighbours swapped) still make a header a misspelling of known. One
// Chinese character carries a word, so short Chinese headers allow none
// (2 characters: 住址 is not 住校) or one (3–6: 是否留守儿堂), and only long
// ones two (是否进城务工人员随迁子女); English names allow one from 4
// letters and two from 8 (birth_dat).
func maxEdits(known []rune) int {
	n := len(known)
	if isASCII(string(known)) {
		switch {
		case n <= 3:
			return 0
		case n <= 7:
			return 1
		}
		return 2
	}
	switch {
	case n <= 2:
		return 0
	case n <= 6:
		return 1
	}
	return 2
}

// of returns the known header the normalised unknown cell n is probably a
// misspelling of, or "" when it is none: no known header is close enough,
// or n is a column of unusedHeaders, or closer to one (学藉号 is 学籍号
// misspelt, not 学号). A hint in brackets after the name (是否留守儿堂(0-否))
// is left out too.
func (t *typos) of(n string) string {
	if j := strings.IndexByte(n, '('); j > 0 {
		if s := t.of(n[:j]); s != "" || t.exact[n[:j]] {
			return s
		}
	}
	if t.exact[n] {
		return ""
	}
	u := key(n)
	best, dist := "", -1
	for _, k := range t.known {
		d := editDistance(u, k.key, maxEdits(k.key))
		if d <= maxEdits(k.key) && (dist < 0 || d < dist) {
			best, dist = k.text, d
		}
	}
	if dist < 0 {
		return ""
	}
	for _, k := range t.unused {
		if editDistance(u, k.key, dist) < dist {
			return ""
		}
	}
	return best
}

// editDistance returns the optimal string alignment distance of a and b
// (insertions, deletions, substitutions and swaps of neighbours), or a
// number above limit as soon as it must exceed limit.
func editDistance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			low = min(low, cur[j])
		}
		if low > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// unusedHeaders lists, for a KIND, real columns of registry exports, school
// rosters and attendance forms that baoxue does not read but that are
// within maxEdits of one of the KIND's headers: they are ignored (and
// listed) like any other unknown column, never taken for a misspelling.
// TestRealHeaders feeds the columns of real exports; a new alias that comes
// close to one of them belongs here.
func unusedHeaders(kind string) []string {
	// A school's own number of a pupil, not the 学籍号.
	pupilNumbers := []string{"学号", "班内学号", "学籍辅号", "student_no"}
	switch kind {
	case "students":
		// 入学日期, 离校日期, 休学日期 (when a suspension began), 转学日期
		// and 转出日期 are not 复学日期 or 返校日期 (returned_at): taking one
		// for the other would make a pupil a returned dropout.
		return append(pupilNumbers, "入学日期", "离校日期", "出生年份", "休学日期", "转学日期", "转出日期", "转入日期",
			"nationality", "手机号2", "联系电话2")
	case "registry", "platform":
		return append(pupilNumbers, "出生年份")
	case "survey":
		return []string{"出生年份"}
	case "attendance", "contacts", "home-teaching":
		return pupilNumbers
	case "teachers":
		// Second numbers and display names are not the ids baoxue reads.
		return []string{"phone2", "手机号2", "联系电话2", "企业微信名", "钉钉名"}
	case "schools":
		return []string{"学校简称"} // 学校名称
	case "reports":
		// Head counts of a daily report besides 应到 and 实到, and the
		// date the form was filled in, which is not the day it reports.
		return []string{"缺勤人数", "未到人数", "迟到人数", "填报日期"}
	}
	return nil
}
