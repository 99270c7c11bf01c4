package idnum

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// checkChars maps the weighted sum mod 11 to the check character.
const checkChars = "10X98765432"

// ErrLength is returned (wrapped) when a number has the wrong length.
var ErrLength = errors.New("wrong length")

// ErrChecksum is returned (wrapped) by Valid when the check character does
// not match the first 17 digits.
var ErrChecksum = errors.New("check digit mismatch")

// ErrBirthDate is returned (wrapped) when the embedded birth date is not a
// real calendar date.
var ErrBirthDate = errors.New("invalid birth date")

// CheckDigit returns the check character ('0'-'9' or 'X') for the first 17
// digits of a national ID. It fails when first17 is not exactly 17 ASCII
// digits.
func CheckDigit(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("check digit of %d characters: %w", len(first17), ErrLength)
	}
	// ISO 7064 MOD 11-2 weights, 2^(17-i) mod 11.
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("check digit: character %d is not a digit", i+1)
		}
		sum += int(c-'0') * weights[i]
	}
	return checkChars[sum%11], nil
}

// Valid reports whether id is a well-formed 18-character national ID: 17
// digits, a correct check character (a lowercase 'x' counts as 'X'), and a
// real birth date from 1800 on. The error says which part is wrong and never
// contains the number itself.
func Valid(id string) error {
	if len(id) != 18 {
		return fmt.Errorf("national id has %d characters, want 18: %w", len(id), ErrLength)
	}
	want, err := CheckDigit(id[:17])
	if err != nil {
		return fmt.Errorf("national id: %w", err)
	}
	got := id[17]
	if got == 'x' {
		got = 'X'
	}
	if got != want {
		return fmt.Errorf("national id: %w", ErrChecksum)
	}
	if _, ok := BirthDate(id); !ok {
		return fmt.Errorf("national id: %w", ErrBirthDate)
	}
	return nil
}

// BirthDate returns the birth date (UTC midnight) embedded in an 18-character
// national ID, a 19-character G/J/L student number, or a 15-digit old-format
// ID (century 19). ok is false when the number has none of these shapes or
// the date is not a real date from 1800 on. The check digit is not verified.
func BirthDate(id string) (time.Time, bool) {
	var ds string
	switch {
	case len(id) == 18:
		ds = id[6:14]
	case len(id) == 19 && isLetter(id[0]):
		ds = id[7:15]
	case len(id) == 15:
		if !allDigits(id) {
			return time.Time{}, false
		}
		ds = "19" + id[6:12]
	default:
		return time.Time{}, false
	}
	return parseDate(ds)
}

// From15 converts a 15-digit old-format national ID to the 18-character
// form: the year gains the century 19 and a check character is appended. It
// fails when old is not 15 digits or its birth date is not a real date.
func From15(old string) (string, error) {
	if len(old) != 15 {
		return "", fmt.Errorf("old national id has %d characters, want 15: %w", len(old), ErrLength)
	}
	if !allDigits(old) {
		return "", errors.New("old national id: not all digits")
	}
	first17 := old[:6] + "19" + old[6:]
	if _, ok := parseDate(first17[6:14]); !ok {
		return "", fmt.Errorf("old national id: %w", ErrBirthDate)
	}
	c, err := CheckDigit(first17)
	if err != nil {
		return "", fmt.Errorf("old national id: %w", err)
	}
	return first17 + string(c), nil
}

// Mask hides the middle of an identity number for display: it keeps a
// leading letter (as in a 学籍号), the next 6 characters (the area code) and
// the last 4, and replaces the rest with '*' one for one:
// "500234********005X", "G500234********005X". A value too short to keep
// anything safely (10 characters or fewer after the letter) is all '*'.
// Surrounding spaces are dropped; the empty string stays empty.
func Mask(id string) string {
	id = strings.TrimSpace(id)
	if id == "" {
		return ""
	}
	r := []rune(id)
	prefix := 0
	if r[0] < 0x80 && isLetter(byte(r[0])) {
		prefix = 1
	}
	body := len(r) - prefix
	if body <= 10 {
		return strings.Repeat("*", len(r))
	}
	out := make([]rune, 0, len(r))
	out = append(out, r[:prefix+6]...)
	for i := 0; i < body-10; i++ {
		out = append(out, '*')
	}
	out = append(out, r[len(r)-4:]...)
	return string(out)
}

// Male reports the sex encoded in an 18-character national ID (or a G/J/L
// student number): true for an odd 17th digit. ok is false when the number
// is too short or the digit is not a digit.
func Male(id string) (male, ok bool) {
	if len(id) == 19 && isLetter(id[0]) {
		id = id[1:]
	}
	if len(id) != 18 || id[16] < '0' || id[16] > '9' {
		return false, false
	}
	return (id[16]-'0')%2 == 1, true
}

func parseDate(ds string) (time.Time, bool) {
	if len(ds) != 8 || !allDigits(ds) {
		return time.Time{}, false
	}
	y := atoi(ds[0:4])
	m := atoi(ds[4:6])
	d := atoi(ds[6:8])
	if y < 1800 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	// time.Date normalises 02-30 to 03-02: a changed day means no such date.
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, false
	}
	return t, true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool {
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
}
