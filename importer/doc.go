// Package importer loads the data files of SPEC §4 (schools, teachers,
// villages, students, calendar, attendance, contacts, home-teaching,
// registry, platform, survey) into the store.
//
// # Files
//
// A file is CSV in UTF-8 (with or without BOM) or GB18030/GBK, which is what
// Chinese Excel saves (the encoding is decided from evidence, never guessed:
// see sniffEncoding; a byte that fits neither is an error at its line and
// column), with every record within 64 KiB, every row as wide as the header
// and every cell within its length limit; or XLSX (the first sheet, streamed
// within the budget of Limits; date cells are read from
// their serial numbers whatever their display format, and a long identity
// number stored as a number is reported, because Excel has lost its last
// digits). Line numbers are physical: the header is line 1 and a quoted value
// spanning lines counts every line; for XLSX they are row numbers.
//
// Headers are the English column names or their Chinese aliases, including
// the variants of the 学籍系统 and 控辍保学平台 exports. An unknown header
// that is a likely misspelling of one of the KIND's headers (是否留守儿堂) is
// an error at the header, as is a missing required column; the other unknown
// columns are not read and are listed in Summary.Ignored. Values accept the
// registry's option forms (code, name or "code-name", 0-无残疾 meaning none)
// and the Chinese spellings of booleans, genders, grades, statuses and dates.
// A national ID is checked as a mainland ID number unless its 身份证件类型
// names another document (a passport, a 港澳台 permit), whose number is kept
// as given. A students import that would rename more than a small share of
// the students it matches is refused unless Options.AllowMassUpdate (a
// re-export in the wrong encoding is the common cause).
//
// # All or nothing
//
// A file is imported in one transaction. Every row is checked first —
// required values, formats, ranges, enumerations, identity numbers (check
// character, birth date, G-学籍号 containing the national ID), references to
// schools, teachers and students (loaded once into memory), and keys given
// twice — and a file with any bad row writes nothing and returns *BadRows,
// each problem as "FILE:LINE: COLUMN: message". Otherwise the rows are bulk
// loaded (PostgreSQL COPY, SQLite multi-row INSERT, into a staging table
// merged with one set-based statement) and an audit row is appended in the
// same transaction.
//
// # Upserts
//
// A row whose key exists updates the stored row; a column the file does not
// have keeps its stored value (a new row gets the default), so a registry
// export without homeroom teachers does not erase them. Students match by
// 学籍号, current or former, else by national ID: a formal G number replacing
// a temporary L number keeps the student's sid and history, and the L number
// keeps resolving in later attendance files. A student whose school changes
// takes its open tasks to the new homeroom teacher (else the new school's
// principal, else a center admin of its center) and loses homeroom and
// pairing teachers of the old school.
package importer
