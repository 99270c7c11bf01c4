// Package config reads baoxue.yaml, the daemon's configuration file.
//
// A file is read in four steps (see Load):
//
//  1. The YAML is parsed and every scalar value has ${VAR}, ${VAR:-default}
//     and $$ expanded from the environment, so secrets stay out of files.
//     Only values are expanded, never keys or comments. An unset ${VAR}
//     without a default is an error naming the variable; its value never
//     appears in any message.
//  2. The document is checked strictly against the Config structs: an unknown
//     key, a value of the wrong type or a duplicated key is an error naming
//     FILE:LINE:COL and the key.
//  3. The document is decoded over Default(), so every key left out keeps its
//     documented default; BAOXUE_DATABASE_URL, when set, replaces
//     database.dsn; relative paths (rules, http.tls_cert, http.tls_key) are
//     taken relative to the directory of the file.
//  4. Validate checks the values and returns every problem at once.
//
// A deprecated key (home_teaching.hours_per_week, now hours_per_session) is
// still read; its value moves to the new key and Warnings reports it.
//
// All problems are returned as an inputerr.List, each problem an
// inputerr.Error naming the file, line, column and dotted key
// (notifier.channels[1].secret) it is about; Field is the key, and File is
// BAOXUE_DATABASE_URL for the value it gave, "" for a built-in default.
// Msg never contains a secret value.
package config
