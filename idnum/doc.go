// Package idnum checks, converts and masks Chinese identity numbers: the
// 18-character resident identity number (公民身份号码, GB 11643-1999), its
// 15-digit predecessor, and the 19-character national student number
// (全国学籍号) built from it.
//
// A national ID is 6 digits of area code, 8 digits of birth date (YYYYMMDD),
// a 3-digit sequence whose last digit is odd for a male and even for a female,
// and an ISO 7064 MOD 11-2 check character (0-9 or X). A formal 学籍号 is "G"
// followed by the national ID; "J" and "L" numbers have the same shape.
//
// These numbers identify minors: callers must never log them unmasked; use
// Mask.
package idnum
