// Package store is baoxue's database: one Store over sqlx that runs unchanged
// on SQLite (the embedded default, pure Go modernc.org/sqlite) and PostgreSQL
// (production, github.com/lib/pq).
//
// The schema lives in embedded, versioned migrations (migrations/*.sql) that
// run on both engines; Migrate applies the missing ones and is safe to call on
// every start and from several processes at once. SQL is written with `?`
// placeholders and passed through Rebind; the few places where the engines
// differ (bulk loading with COPY, SKIP LOCKED, auto-increment keys) sit in one
// small spot each, named after the engine.
//
// Dates are stored as TEXT "YYYY-MM-DD" and instants as TEXT RFC 3339 in UTC
// with a fixed width, so both engines compare, sort and print them alike: the
// same data gives byte-identical output on either.
//
// store is the floor of the import graph: it imports no other baoxue package.
package store
