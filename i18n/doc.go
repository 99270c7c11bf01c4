// Package i18n is baoxue's one message catalog: every sentence a person
// reads (summaries, import results and errors, rule checks, warnings, help,
// digests, pages) is kept in code as a key and its arguments (a Message) and
// rendered at the edge by a Printer in the reader's language. Chinese is the
// default; English is on request (--lang en, BAOXUE_LANG=en, lang: en).
//
// The catalog is built on golang.org/x/text/message: the English plurals are
// x/text plural selections, and numbers given with %d are grouped as the
// language groups them (1,019). Identifiers that look like numbers (school
// codes, years, line numbers) are therefore passed as strings.
//
// Commands, flags, config keys, JSON field names and rule ids are
// interfaces, not sentences: they stay English in both languages.
//
// A test fails when a key lacks a language or when the two languages of a
// key take different arguments.
package i18n
