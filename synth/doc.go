// Package synth generates a realistic synthetic school district as the CSV
// files that `baoxue import` reads (one file per import kind), for demos,
// load tests and end-to-end tests.
//
// The district looks like a rural Chongqing county: schools of roughly 300 to
// 2,000 students (primary, junior middle and nine-year schools) grouped in
// education management centers (片区教育管理中心), townships and villages each
// mapped to a responsible school, about one teacher per 15 students, classes
// of 40 to 50 with a homeroom teacher, special groups in rural proportions
// (about a quarter left-behind, about 10% from poverty-registered households,
// 1–2% disabled), valid national ID numbers and 学籍号, a school calendar with
// the public holidays and make-up school days of the data window, sparse
// exception-based attendance with a realistic tail of chronic absence and
// suspected dropouts, teachers' contacts with families, home-teaching
// sessions, and registry, platform and home-visit survey exports that differ
// from the roster in a few realistic ways (the cases the dropout ledger is
// built to find).
//
// Output depends only on the Options: the same seed gives byte-identical
// files. Every name and number is invented; names of well-known people are
// avoided.
package synth
