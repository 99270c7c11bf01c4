// Package store is baoxue's database: one Store over sqlx that runs unchanged
// on SQLite (the embedded default, pure Go modernc.org/sqlite) and PostgreSQL
// (production, github.com/lib/pq). No other package of baoxue imports those
// libraries: they call the Store's methods.
//
// A Store runs on the connection pool; a Tx, begun with BeginBulk or InTx,
// runs in one transaction. Both have the methods that read and those that
// write one statement, with the same names; the writes of more than one
// statement (bulk writes among them) are methods of Tx only.
//
// The schema lives in embedded, versioned migrations (migrations/*.sql) that
// run on both engines; Migrate applies the missing ones and is safe to call on
// every start and from several processes at once. SQL is written with `?`
// placeholders and passed through rebind; the few places where the engines
// differ (bulk loading with COPY in insertRows, SKIP LOCKED, auto-increment
// keys) sit in one small spot each, named after the engine.
//
// Dates are stored as TEXT "YYYY-MM-DD" and instants as TEXT RFC 3339 in UTC
// with a fixed width, so both engines compare, sort and print them alike: the
// same data gives byte-identical output on either.
//
// store is the floor of the import graph: it imports no other baoxue package.
package store
