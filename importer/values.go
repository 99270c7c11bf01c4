package importer

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"baoxue/civil"
)

// clean trims a cell of a single-line column: white space (including the
// full-width space and the tab some users type before long numbers) at
// either end, the ="…" wrapper that forces Excel to keep a number as text,
// one leading apostrophe (' or ＇, Excel's mark of a number kept as text),
// and anywhere in it the characters that are never data (see invisible),
// line breaks and tabs among them: no cell can forge a line of a summary,
// nor turn text around with a bidirectional override. Full-width digits,
// Latin letters and date separators become ASCII (civil.FoldWidth:
// Ｇ５００…, ２０２６－０３－１６).
func clean(s string) string { return cleanCell(s, false) }

// cleanText cleans a free-text cell (a note): as clean, but line breaks
// stay (a note may span lines), a tab becomes a space, and the text keeps
// its apostrophe and its full-width characters.
func cleanText(s string) string { return cleanCell(s, true) }

func cleanCell(s string, multiline bool) string {
	if s == "" {
		return s
	}
	s = strings.TrimFunc(s, isBlank)
	if len(s) >= 3 && s[0] == '=' && s[1] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimFunc(s[2:len(s)-1], isBlank)
	}
	if !multiline {
		s = dropApostrophe(s)
		if mayFold(s) {
			s = civil.FoldWidth(s)
		}
	}
	if hasInvisible(s) {
		s = strings.TrimFunc(strings.Map(func(r rune) rune {
			switch {
			case multiline && r == '\n':
				return r
			case multiline && r == '\t':
				return ' '
			case invisible(r):
				return -1
			}
			return r
		}, s), isBlank)
	}
	return s
}

// invisible reports the characters a cell must not keep: the C0 controls
// (NUL, which PostgreSQL text cannot hold, line breaks, tabs, the unit
// separator the evaluation joins fields with), DEL, the C1 controls, the
// bidirectional marks, embeddings, overrides and isolates (U+200E, U+200F,
// U+061C, U+202A–U+202E, U+2066–U+2069) and the other invisible format
// characters (U+200B–U+200D, U+2060–U+206F, U+FEFF). None is ever data in
// an export.
func invisible(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7F && r <= 0x9F:
		return true
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x206F:
		return true
	}
	return r == 0xFEFF || r == 0x061C
}

// hasInvisible reports whether s has a character invisible reports,
// looking at bytes: the common cell has none, and this is on every cell of
// every row.
func hasInvisible(s string) bool {
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b < 0x20 || b == 0x7F:
			return true
		case b < 0xC2:
		case b == 0xC2: // U+0080–U+009F
			if i+1 < len(s) && s[i+1] < 0xA0 {
				return true
			}
		case b == 0xD8: // U+061C
			if i+1 < len(s) && s[i+1] == 0x9C {
				return true
			}
		case b == 0xE2: // U+2000–U+2FFF
			if i+2 < len(s) && (s[i+1] == 0x80 || s[i+1] == 0x81) && invisible(rune(0x2000+int(s[i+1]&0x3F)<<6+int(s[i+2]&0x3F))) {
				return true
			}
		case b == 0xEF: // U+FEFF
			if i+2 < len(s) && s[i+1] == 0xBB && s[i+2] == 0xBF {
				return true
			}
		}
	}
	return false
}

// dropApostrophe removes one leading apostrophe (' or the full-width ＇)
// and the white space after it.
func dropApostrophe(s string) string {
	switch {
	case strings.HasPrefix(s, "'"):
		return strings.TrimLeftFunc(s[1:], isBlank)
	case strings.HasPrefix(s, "＇"):
		return strings.TrimLeftFunc(s[len("＇"):], isBlank)
	}
	return s
}

// mayFold reports whether s may hold a character civil.FoldWidth changes
// (U+FF01–U+FF5E start with the byte 0xEF, U+3000 with 0xE3 0x80 0x80),
// looking at bytes: this is on every cell of every row.
func mayFold(s string) bool {
	return strings.IndexByte(s, 0xEF) >= 0 || strings.Contains(s, "\u3000")
}

func isBlank(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == 0
}

// codeName applies parse to a value in the registry system's option forms:
// a name, a code, or "code-name" (1-单亲留守儿童). The name wins over the code,
// because codes differ between systems and names do not.
func codeName[T any](v string, parse func(string) (T, bool)) (T, bool) {
	if t, ok := parse(v); ok {
		return t, true
	}
	if code, name, ok := splitCode(v); ok {
		if t, ok := parse(name); ok {
			return t, true
		}
		if t, ok := parse(code); ok {
			return t, true
		}
	}
	var zero T
	return zero, false
}

// splitCode splits a registry option "code-name" (0-无残疾, also with a
// full-width or long dash or a colon) into its trimmed parts; ok is false
// when v has no separator after its first character.
func splitCode(v string) (code, name string, ok bool) {
	i := strings.IndexAny(v, "-－—:：")
	if i <= 0 {
		return "", "", false
	}
	_, size := utf8.DecodeRuneInString(v[i:])
	return strings.TrimSpace(v[:i]), strings.TrimSpace(v[i+size:]), true
}

// parseBool reads 1/0, true/false, 是/否, Y/N, yes/no, 有/无.
func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "1", "true", "t", "y", "yes", "是", "有", "√":
		return true, true
	case "0", "false", "f", "n", "no", "否", "无", "×":
		return false, true
	}
	return false, false
}

// parseGender reads 男/女, M/F, 1/2 (the registry codes), male/female.
func parseGender(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "男", "男性", "m", "male", "1":
		return "M", true
	case "女", "女性", "f", "female", "2":
		return "F", true
	}
	return "", false
}

// chineseDigit maps 一…九 (and 1…9) to 1…9.
func chineseDigit(s string) int {
	switch s {
	case "一", "1":
		return 1
	case "二", "2":
		return 2
	case "三", "3":
		return 3
	case "四", "4":
		return 4
	case "五", "5":
		return 5
	case "六", "6":
		return 6
	case "七", "7":
		return 7
	case "八", "8":
		return 8
	case "九", "9":
		return 9
	}
	return 0
}

// parseGrade reads 1–9, 一年级…九年级, 初一/初二/初三, 七年级…九年级, and
// the same with a 小学/初中 prefix. ok is false for anything else, including
// numbers outside 1–9.
func parseGrade(v string) (int, bool) {
	s := strings.ToLower(v)
	if n, err := strconv.Atoi(s); err == nil {
		return n, n >= 1 && n <= 9
	}
	junior := false
	switch {
	case strings.HasPrefix(s, "初中"):
		junior, s = true, strings.TrimPrefix(s, "初中")
	case strings.HasPrefix(s, "小学"):
		s = strings.TrimPrefix(s, "小学")
	case strings.HasPrefix(s, "初"):
		junior, s = true, strings.TrimPrefix(s, "初")
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "年级"), "级")
	n := chineseDigit(s)
	if n == 0 {
		return 0, false
	}
	if junior {
		switch {
		case n <= 3:
			n += 6
		case n < 7:
			return 0, false
		}
	}
	return n, true
}

// parseDisabilityLevel reads 0–4, 一级…四级 (1 most severe) and 无 or
// 无残疾 (0).
func parseDisabilityLevel(v string) (int, bool) {
	s := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(v), "级"), "等")
	switch s {
	case "0", "无", "否", "none", "无残疾", "非残疾":
		return 0, true
	}
	if n := chineseDigit(s); n >= 1 && n <= 4 {
		return n, true
	}
	return 0, false
}

// parseLeftBehind reads 0 (not left behind), 1 (one parent away), 2 (both
// away) in numbers, names and booleans (是 = 1).
func parseLeftBehind(v string) (int, bool) {
	switch strings.ToLower(v) {
	case "0", "非留守儿童", "非留守", "否", "无", "n", "no", "false":
		return 0, true
	case "1", "单亲留守儿童", "单亲留守", "是", "留守儿童", "留守", "y", "yes", "true":
		return 1, true
	case "2", "双亲留守儿童", "双亲留守":
		return 2, true
	}
	return 0, false
}

// parseStudyMode reads the registry's 就读方式, whose codes are 1 走读 (day
// student) and 2 住校 (boarding): "day" or "boarding". A yes/no column
// (是否住校) is parseBoarding's: there 1 means boarding.
func parseStudyMode(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "1", "走读", "走读生", "day":
		return "day", true
	case "2", "住校", "住校生", "寄宿", "寄宿生", "住读", "boarding":
		return "boarding", true
	}
	return "", false
}

// parseBoarding reads booleans and the names 走读 (day student), 住校/寄宿.
func parseBoarding(v string) (bool, bool) {
	switch v {
	case "走读", "走读生":
		return false, true
	case "住校", "住校生", "寄宿", "寄宿生", "住读":
		return true, true
	}
	return parseBool(v)
}

// parseOrphan reads booleans and the names 孤儿, 事实无人抚养儿童.
func parseOrphan(v string) (bool, bool) {
	switch v {
	case "孤儿", "事实无人抚养儿童", "事实孤儿":
		return true, true
	case "非孤儿":
		return false, true
	}
	return parseBool(v)
}

// parseHardship reads booleans and the registry's hardship levels.
func parseHardship(v string) (bool, bool) {
	switch v {
	case "困难", "一般困难", "比较困难", "特别困难", "特困", "家庭经济困难":
		return true, true
	case "不困难", "非困难":
		return false, true
	}
	return parseBool(v)
}

// disabilityTypes are the kinds of 残疾人类型 by their national codes
// (GB/T 26341: 1 视力 … 7 多重), as the registry writes them.
var disabilityTypes = []string{"视力", "听力", "言语", "肢体", "智力", "精神", "多重"}

// parseDisabilityType reads 残疾人类型 as one of disabilityTypes (or 其他),
// without a code prefix or a trailing 残疾 (4-肢体残疾, 肢体残疾, 4 → 肢体).
// The registry's none, 0-无残疾, and 无残疾, 无, 否, 0 and the placeholders of
// hand-made sheets (-, /, —) give "" (no disability), in any code-name
// form. Anything else is unknown (false): a sensitive label is never
// guessed from an unread value.
func parseDisabilityType(v string) (string, bool) {
	code, name, ok := splitCode(v)
	if ok && name != "" {
		v = name
	} else if ok {
		v = code
	}
	switch strings.ToLower(v) {
	case "", "无", "否", "0", "none", "非残疾", "无残疾", "非残疾人", "不残疾", "无残疾人", "-", "/", "—", "－":
		return "", true
	case "其他", "其它", "其他残疾":
		return "其他", true
	case "残疾", "是":
		return "残疾", true // disabled, of a kind the sheet does not say
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= len(disabilityTypes) {
		return disabilityTypes[n-1], true
	}
	t := strings.TrimSuffix(v, "残疾")
	if slices.Contains(disabilityTypes, t) {
		return t, true
	}
	return "", false
}

// parsePoverty reads the household kinds of POLICY §6.
func parsePoverty(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "none", "无", "否", "0", "非贫困户", "一般户", "普通户":
		return "none", true
	case "former_registered", "脱贫户", "原建档立卡贫困户", "原建卡贫困户", "建档立卡贫困户", "建档立卡", "建卡贫困户", "脱贫人口", "是":
		return "former_registered", true
	case "marginal", "边缘户", "边缘易致贫户", "脱贫边缘户":
		return "marginal", true
	case "monitored", "监测户", "监测对象", "脱贫不稳定户", "突发严重困难户":
		return "monitored", true
	}
	return "", false
}

// parseStudentStatus reads the roster statuses.
func parseStudentStatus(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "enrolled", "在读", "在籍", "在校", "正常":
		return "enrolled", true
	case "suspended", "休学":
		return "suspended", true
	case "transferred", "转出", "转学":
		return "transferred", true
	case "dropped", "辍学":
		return "dropped", true
	case "graduated", "毕业", "已毕业":
		return "graduated", true
	case "deceased", "死亡":
		return "deceased", true
	}
	return "", false
}

// parsePlatformStatus reads the dropout platform's statuses.
func parsePlatformStatus(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "returned", "复学", "已复学", "返校", "已返校", "劝返", "已劝返":
		return "returned", true
	case "out_of_school", "失学":
		return "out_of_school", true
	}
	return parseStudentStatus(v)
}

// parseAttendance reads attendance statuses.
func parseAttendance(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "absent", "旷课", "缺勤", "无故缺勤":
		return "absent", true
	case "sick", "病假":
		return "sick", true
	case "leave", "事假", "请假":
		return "leave", true
	case "late", "迟到":
		return "late", true
	case "present", "出勤", "到校", "正常":
		return "present", true
	}
	return "", false
}

// parseRole reads teacher roles.
func parseRole(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "teacher", "教师", "老师", "班主任", "任课教师":
		return "teacher", true
	case "principal", "校长":
		return "principal", true
	case "center_admin", "中心管理员", "教育管理中心", "片区管理员", "中心":
		return "center_admin", true
	case "district_admin", "区管理员", "区教委", "区县管理员", "教委":
		return "district_admin", true
	}
	return "", false
}

// parseCalendarKind reads calendar kinds: a holiday or a (make-up) school day.
func parseCalendarKind(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "holiday", "假期", "放假", "节假日", "假日", "休息", "休息日":
		return "holiday", true
	case "schoolday", "school_day", "上课", "调休", "调休上课", "补课", "补班", "上学", "工作日", "教学日":
		return "schoolday", true
	}
	return "", false
}

// parseChannel reads how a teacher contacted a family.
func parseChannel(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "phone", "电话", "打电话", "电话联系":
		return "phone", true
	case "visit", "家访", "走访", "上门", "入户", "上门家访":
		return "visit", true
	case "online", "线上", "网络", "微信", "视频", "短信", "qq":
		return "online", true
	case "other", "其他", "其它":
		return "other", true
	}
	return "", false
}

// parseDate reads a date as people write it (civil.ParseWritten):
// YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD (months and days with one or two
// digits, as Excel writes them), YYYYMMDD and YYYY年M月D日, in half-width or
// full-width digits, with an optional time of day after a space or T
// (Excel's "2011/5/1 0:00"). It returns the date as YYYY-MM-DD, or ok false
// when it is not a real date between 1900 and 2100.
func parseDate(v string) (string, bool) {
	day, err := civil.ParseWritten(v)
	if err != nil {
		return "", false
	}
	if y, _, _ := day.Date(); y < 1900 || y > 2100 {
		return "", false
	}
	return day.String(), true
}

func makeDate(y, m, d int) (string, bool) {
	if y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

// serialDate reads an Excel date cell's raw value (days since 1899-12-30,
// possibly with a time fraction). An 8-digit whole number is left to
// parseDate as YYYYMMDD.
func serialDate(raw string) (string, bool) { return serialDateOf(raw, false) }

// serialDateOf is serialDate in the 1900 or (date1904) the 1904 date
// system, whose serials are 1,462 days behind.
func serialDateOf(raw string, date1904 bool) (string, bool) {
	if raw == "" || (len(raw) == 8 && allDigits(raw)) {
		return "", false
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || f < 1 || f >= 2958466 {
		return "", false
	}
	days := int(f)
	if date1904 {
		days += 1462
	}
	t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	return makeDate(t.Year(), int(t.Month()), t.Day())
}

// isScientific reports whether v is a number in scientific notation, which
// is how Excel shows a long identity number it has turned into a number.
func isScientific(v string) bool {
	i := 0
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(v) && (v[i] >= '0' && v[i] <= '9' || v[i] == '.'); i++ {
		digits++
	}
	if digits == 0 || i >= len(v) || (v[i] != 'e' && v[i] != 'E') {
		return false
	}
	i++
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	if i == len(v) {
		return false
	}
	for ; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
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
