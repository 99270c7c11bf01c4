package importer

import (
	"errors"
	"strings"

	"golang.org/x/text/unicode/norm"

	"baoxue/i18n"
	"baoxue/idnum"
)

// msgScientific is the catalog key of the fix for identity numbers Excel
// turned into numbers.
const msgScientific = "import.id.scientific"

// nationalID normalises a national ID cell ("" stays ""): x becomes X and a
// 15-digit old-format number becomes the 18-character form. msg has a Key
// when the number is unusable, and says why without repeating it.
func nationalID(v string) (id string, msg i18n.Message) {
	if v == "" {
		return "", msg
	}
	if isScientific(v) {
		return "", i18n.M(msgScientific)
	}
	v = strings.ToUpper(v)
	if len(v) == 15 && allDigits(v) {
		id, err := idnum.From15(v)
		if err != nil {
			return "", i18n.M("import.id.old_birth")
		}
		return id, msg
	}
	if len(v) != 18 {
		return "", i18n.M("import.id.length", len([]rune(v)))
	}
	if err := idnum.Valid(v); err != nil {
		return "", idProblem(v, err)
	}
	return v, msg
}

// idProblem explains an idnum.Valid error for the user.
func idProblem(v string, err error) i18n.Message {
	switch {
	case errors.Is(err, idnum.ErrChecksum):
		if strings.HasSuffix(v, "00") {
			return i18n.M("import.id.checksum_00")
		}
		return i18n.M("import.id.checksum")
	case errors.Is(err, idnum.ErrBirthDate):
		return i18n.M("import.id.birth")
	default:
		return i18n.M("import.id.format")
	}
}

// parseIDType reads 身份证件类型: "mainland" for a mainland ID number (the
// 居民身份证, and the 户口簿, which carries the same number) and "other" for
// the document of a child without one. Bare codes are those of the
// 学籍系统 (1 居民身份证; 6, 7 香港/澳门特区护照/身份证明, 8 台湾居民来往大陆通行证,
// 9 境外永久居住证, A 护照, Z 其他); a code another system uses differently
// (2 is 户口簿 in one version, 军官证 in another) is not read.
func parseIDType(v string) (string, bool) {
	switch strings.ToLower(norm.NFKC.String(v)) {
	case "mainland", "1", "01", "居民身份证", "身份证", "中华人民共和国居民身份证", "二代身份证", "居民户口簿", "户口簿", "户口本":
		return "mainland", true
	case "other", "6", "7", "8", "9", "a", "z", "passport", "护照", "外国护照", "中国护照",
		"香港特区护照/身份证明", "澳门特区护照/身份证明", "香港身份证", "澳门身份证",
		"港澳居民来往内地通行证", "港澳通行证", "回乡证", "台湾居民来往大陆通行证", "台胞证",
		"港澳台居民居住证", "港澳居民居住证", "台湾居民居住证", "境外永久居住证",
		"外国人永久居留身份证", "外国人永久居留证", "出生医学证明", "其他", "其它",
		"军官证", "士兵证", "文职干部证", "部队离退休证":
		return "other", true
	}
	return "", false
}

// studentNumber normalises a 学籍号 cell: a 19-character G/J/L number gets
// an upper-case letter and check character. A G number must be G followed by
// a valid national ID. Other identifiers are kept as they are (rule tests
// use short ones like S1).
func studentNumber(v string) (id string, msg i18n.Message) {
	if v == "" {
		return "", msg
	}
	if isScientific(v) {
		return "", i18n.M(msgScientific)
	}
	if len(v) == 19 && isLetter(v[0]) {
		v = strings.ToUpper(v)
		if v[0] == 'G' {
			if err := idnum.Valid(v[1:]); err != nil {
				return "", i18n.M("import.id.g_number", idProblem(v[1:], err))
			}
		}
	}
	return v, msg
}

// embeddedID returns the national ID inside a G-学籍号, or "".
func embeddedID(studentID string) string {
	if len(studentID) == 19 && studentID[0] == 'G' {
		return studentID[1:]
	}
	return ""
}

func isLetter(c byte) bool {
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
}

// birthDateOf returns the birth date inside a checked national ID as
// YYYY-MM-DD.
func birthDateOf(nid string) string {
	t, ok := idnum.BirthDate(nid)
	if !ok {
		return ""
	}
	return t.Format("2006-01-02")
}
