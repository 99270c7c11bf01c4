package importer

import (
	"errors"
	"fmt"
	"strings"

	"baoxue/idnum"
)

// msgScientific is the fix for identity numbers Excel turned into numbers.
const msgScientific = "the number is in scientific notation (like 5.00234E+17): Excel has turned it into a number " +
	"and lost its last digits; format the column as text (设置单元格格式 → 文本), enter the full numbers again and re-export"

// nationalID normalises a national ID cell ("" stays ""): x becomes X and a
// 15-digit old-format number becomes the 18-character form. msg is non-empty
// when the number is unusable, and says why without repeating it.
func nationalID(v string) (id, msg string) {
	if v == "" {
		return "", ""
	}
	if isScientific(v) {
		return "", msgScientific
	}
	v = strings.ToUpper(v)
	if len(v) == 15 && allDigits(v) {
		id, err := idnum.From15(v)
		if err != nil {
			return "", "this 15-digit old-format ID has no real birth date in it (digits 7–12): check the number"
		}
		return id, ""
	}
	if len(v) != 18 {
		return "", fmt.Sprintf("a national ID has 18 characters (or 15 digits in the old form), this one has %d: check the number", len([]rune(v)))
	}
	if err := idnum.Valid(v); err != nil {
		return "", idProblem(v, err)
	}
	return v, ""
}

// idProblem explains an idnum.Valid error for the user.
func idProblem(v string, err error) string {
	switch {
	case errors.Is(err, idnum.ErrChecksum):
		msg := "the check character (the last one) does not match the other 17 digits: check the number"
		if strings.HasSuffix(v, "00") {
			msg += "; if the column was a number in Excel its last digits were lost: format it as text and enter them again"
		}
		return msg
	case errors.Is(err, idnum.ErrBirthDate):
		return "the birth date inside the number (digits 7–14) is not a real date: check the number"
	default:
		return "a national ID is 17 digits and a check character (0–9 or X): check the number"
	}
}

// studentNumber normalises a 学籍号 cell: a 19-character G/J/L number gets
// an upper-case letter and check character. A G number must be G followed by
// a valid national ID. Other identifiers are kept as they are (rule tests
// use short ones like S1).
func studentNumber(v string) (id, msg string) {
	if v == "" {
		return "", ""
	}
	if isScientific(v) {
		return "", msgScientific
	}
	if len(v) == 19 && isLetter(v[0]) {
		v = strings.ToUpper(v)
		if v[0] == 'G' {
			if err := idnum.Valid(v[1:]); err != nil {
				return "", "a G-学籍号 is G followed by the student's national ID, and here " + idProblem(v[1:], err)
			}
		}
	}
	return v, ""
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
