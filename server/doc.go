// Package server is the HTTP side of `baoxue serve` that speaks to people:
// the teacher API under /api/v1/ (SPEC §8) and its bearer tokens.
//
// A teacher reads the follow-up tasks assigned to them, acknowledges and
// closes them with an outcome, records contacts with families and reads
// what they need of their students; a principal does so for their school,
// a center admin for the schools of their center, a district admin and an
// admin token for all. Whatever lies outside a caller's scope answers as if
// it did not exist. Every change, and every read of a student's details,
// is audited in the transaction that does it. Students are named by their
// opaque key: no 学籍号 and no national ID leaves through the API.
//
// Tokens are random, printed once by `baoxue token create` and stored as
// their SHA-256 only (CreateToken, RevokeTokens); RequireAdmin protects any
// other route with an admin token.
//
// The command wires it: cmd/baoxue mounts an API at /api/v1/. The server
// reads and writes through the store's named methods and never evaluates
// anything.
package server
