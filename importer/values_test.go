package importer

import (
	"strings"
	"testing"

	"baoxue/i18n"
)

// en renders a message in English, the language the tests of this package
// pin their wording in.
func en(m i18n.Message) string { return i18n.NewPrinter(i18n.English).Text(m) }

func TestParseDate(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2026-03-09", "2026-03-09"},
		{"2026/3/9", "2026-03-09"},
		{"2026.03.09", "2026-03-09"},
		{"20260309", "2026-03-09"},
		{"2026年3月9日", "2026-03-09"},
		{"2026/3/9 0:00", "2026-03-09"},
		{"2026-03-09T00:00:00", "2026-03-09"},
		{"2024-02-29", "2024-02-29"},
		{"２０２６－０３－１６", "2026-03-16"},
		{"２０２６．３．９", "2026-03-09"},
		{"２０２６年３月９日", "2026-03-09"},
		{"２０２６０３０９", "2026-03-09"},
		{"2100-12-31", "2100-12-31"},
		{"2101-01-01", ""},
		{"2026-02-29", ""},
		{"2026-13-01", ""},
		{"26-03-09", ""},
		{"03/09/2026", ""},
		{"2026-3", ""},
		{"1800-01-01", ""},
		{"tomorrow", ""},
	} {
		got, ok := parseDate(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("parseDate(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestSerialDate(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"41075", "2012-06-15"},
		{"46090.5", "2026-03-09"},
		{"20120615", ""}, // YYYYMMDD typed as a number: parseDate reads it
		{"abc", ""},
		{"0", ""},
	} {
		got, ok := serialDate(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("serialDate(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestParseGrade(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"1", 1}, {"9", 9}, {"一年级", 1}, {"六年级", 6}, {"七年级", 7}, {"九年级", 9}, {"初一", 7}, {"初二", 8},
		{"初三", 9}, {"初中二年级", 8}, {"初中八年级", 8}, {"小学三年级", 3}, {"3年级", 3},
		{"0", 0}, {"10", 0}, {"高一", 0}, {"初四", 0}, {"十年级", 0}, {"", 0},
	} {
		got, ok := codeName(tc.in, parseGrade)
		if ok != (tc.want != 0) || (ok && got != tc.want) {
			t.Errorf("grade %q = %d, %v; want %d", tc.in, got, ok, tc.want)
		}
	}
}

func TestEnumerations(t *testing.T) {
	type enum func(string) (string, bool)
	for _, tc := range []struct {
		name string
		f    enum
		in   string
		want string
	}{
		{"gender", parseGender, "男", "M"}, {"gender", parseGender, "2-女", "F"}, {"gender", parseGender, "f", "F"},
		{"gender", parseGender, "1", "M"}, {"gender", parseGender, "X", ""},
		{"status", parseStudentStatus, "在读", "enrolled"}, {"status", parseStudentStatus, "在籍", "enrolled"},
		{"status", parseStudentStatus, "休学", "suspended"}, {"status", parseStudentStatus, "转出", "transferred"},
		{"status", parseStudentStatus, "辍学", "dropped"}, {"status", parseStudentStatus, "毕业", "graduated"},
		{"status", parseStudentStatus, "死亡", "deceased"}, {"status", parseStudentStatus, "Enrolled", "enrolled"},
		{"status", parseStudentStatus, "01-在读", "enrolled"}, {"status", parseStudentStatus, "失踪", ""},
		{"platform", parsePlatformStatus, "已劝返", "returned"}, {"platform", parsePlatformStatus, "辍学", "dropped"},
		{"attendance", parseAttendance, "旷课", "absent"}, {"attendance", parseAttendance, "病假", "sick"},
		{"attendance", parseAttendance, "事假", "leave"}, {"attendance", parseAttendance, "迟到", "late"},
		{"attendance", parseAttendance, "出勤", "present"}, {"attendance", parseAttendance, "逃学", ""},
		{"poverty", parsePoverty, "脱贫户", "former_registered"}, {"poverty", parsePoverty, "边缘户", "marginal"},
		{"poverty", parsePoverty, "监测户", "monitored"}, {"poverty", parsePoverty, "2-边缘易致贫户", "marginal"},
		{"poverty", parsePoverty, "富户", ""},
		{"role", parseRole, "校长", "principal"}, {"calendar", parseCalendarKind, "调休", "schoolday"},
		{"channel", parseChannel, "家访", "visit"},
	} {
		got, ok := codeName(tc.in, tc.f)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%s %q = %q, %v; want %q", tc.name, tc.in, got, ok, tc.want)
		}
	}
}

func TestFlagsAndLevels(t *testing.T) {
	for _, tc := range []struct {
		f      func(string) (bool, bool)
		in     string
		want   bool
		wantOK bool
	}{
		{parseBool, "1", true, true}, {parseBool, "是", true, true}, {parseBool, "Y", true, true},
		{parseBool, "TRUE", true, true}, {parseBool, "0", false, true}, {parseBool, "否", false, true},
		{parseBool, "n", false, true}, {parseBool, "1-是", true, true}, {parseBool, "0-否", false, true},
		{parseBool, "maybe", false, false},
		{parseBoarding, "住校", true, true}, {parseBoarding, "走读", false, true}, {parseBoarding, "2-住校", true, true},
		{parseOrphan, "事实无人抚养儿童", true, true}, {parseHardship, "特别困难", true, true},
	} {
		got, ok := codeName(tc.in, tc.f)
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("flag %q = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
	for _, tc := range []struct {
		f    func(string) (int, bool)
		in   string
		want int
		ok   bool
	}{
		{parseLeftBehind, "1-单亲留守儿童", 1, true}, {parseLeftBehind, "双亲留守儿童", 2, true},
		{parseLeftBehind, "非留守儿童", 0, true}, {parseLeftBehind, "是", 1, true}, {parseLeftBehind, "3", 0, false},
		{parseDisabilityLevel, "一级", 1, true}, {parseDisabilityLevel, "四级", 4, true}, {parseDisabilityLevel, "0", 0, true},
		{parseDisabilityLevel, "5", 0, false}, {parseDisabilityLevel, "2级", 2, true},
	} {
		got, ok := codeName(tc.in, tc.f)
		if got != tc.want || ok != tc.ok {
			t.Errorf("level %q = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	for in, want := range map[string]string{"视力残疾": "视力", "2-听力残疾": "听力", "无": "", "多重": "多重"} {
		if got, ok := parseDisabilityType(in); got != want || !ok {
			t.Errorf("disability type %q = %q, want %q", in, got, want)
		}
	}
}

func TestIdentityNumbers(t *testing.T) {
	for _, tc := range []struct {
		in, want, msg string // msg: a fragment of the problem, "" when none
	}{
		{"500234201105010015", "500234201105010015", ""},
		{"50023420120615013x", "50023420120615013X", ""},
		{"500234110501001", "500234191105010019", ""}, // 15 digits: century 19 and a check character
		{"5.00234E+17", "", "scientific notation"},
		{"5.00234199001011e17", "", "scientific notation"},
		{"500234201105010016", "", "check character"},
		{"500234201302300011", "", "not a real date"},
		{"50023420110501001", "", "18 characters"},
		{"5002342011050100A5", "", "17 digits and a check character"},
	} {
		got, m := nationalID(tc.in)
		msg := en(m)
		if m.Key == "" {
			msg = ""
		}
		if got != tc.want || (tc.msg == "") != (msg == "") || !strings.Contains(msg, tc.msg) {
			t.Errorf("nationalID(%q) = %q, %q; want %q, …%s…", tc.in, got, msg, tc.want, tc.msg)
		}
		if msg != "" && len(tc.in) > 12 && strings.Contains(msg, tc.in) {
			t.Errorf("nationalID(%q): the message repeats the number: %q", tc.in, msg)
		}
	}
	for _, tc := range []struct{ in, want, msg string }{
		{"G500234201105010015", "G500234201105010015", ""},
		{"g50023420120615013x", "G50023420120615013X", ""},
		{"L500234201409030023", "L500234201409030023", ""},
		{"S1", "S1", ""},
		{"G500234201105010016", "", "check character"},
		{"5.00234E+17", "", "scientific notation"},
	} {
		got, m := studentNumber(tc.in)
		msg := en(m)
		if m.Key == "" {
			msg = ""
		}
		if got != tc.want || (tc.msg == "") != (msg == "") || !strings.Contains(msg, tc.msg) {
			t.Errorf("studentNumber(%q) = %q, %q; want %q, …%s…", tc.in, got, msg, tc.want, tc.msg)
		}
	}
}

func TestCleanAndHeaders(t *testing.T) {
	for in, want := range map[string]string{
		"  SCH01 ": "SCH01", "\t500234201105010015": "500234201105010015", `="G500234201105010015"`: "G500234201105010015",
		"\u3000张三\u3000": "张三", "a\x00b": "ab", "张\x1f三": "张三", "张\n三": "张三", "张\r\n三\t丰": "张三丰",
		"\u202e三张": "三张", "张\u2066三\u2069": "张三", "\u200f\u202d 张三": "张三", "张\u200b\ufeff三\u0085": "张三",
		// Full width as Chinese input methods type it, and Excel's apostrophe.
		"Ｇ５００２３４２０１１０５０１００１５": "G500234201105010015", "２０２６－０３－１６": "2026-03-16", "ＳＣＨ０１\u3000": "SCH01",
		"'500234201105010015": "500234201105010015", "＇500234201105010015": "500234201105010015", "' 12": "12",
		"''S1": "'S1", `="'S1"`: "S1", "张'三": "张'三", "'": "",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
	// A note keeps its line breaks, not its bidirectional overrides.
	for in, want := range map[string]string{
		"line 1\nline 2": "line 1\nline 2", "a\tb\u202e\n": "a b", "\u2067家访\u2069\n\n已联系": "家访\n\n已联系",
		"'引用的话": "'引用的话", "ＡＢ：１": "ＡＢ：１",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"Student ID": "student_id", "*姓名": "姓名", "村（社区）": "村(社区)", " BIRTH-DATE ": "birth_date", "\ufeffid": "id",
	} {
		if got := normHeader(in); got != want {
			t.Errorf("normHeader(%q) = %q, want %q", in, got, want)
		}
	}
	p := &problems{file: "f.csv"}
	h := mapHeader(studentColumns(), nil, []string{"出生日期（YYYY-MM-DD）", "全国学籍号", "是否孤儿", "是否事实无人抚养儿童", "民族"}, 1, p)
	if !h.has("birth_date") || !h.has("id") || len(h.cells["orphan"]) != 2 || h.has("name") {
		t.Errorf("header map: %+v", h.cells)
	}
	if p.total != 3 { // name, school_id and grade are missing
		t.Errorf("header problems: %+v", p.list)
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{"阿依·古丽": "阿依古丽", "张 三": "张三", "ＡＢＣ": "ABC", "买买提•艾力": "买买提艾力"} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}
