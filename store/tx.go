package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// queryer is what the store runs its SQL on: the connection pool of a
// Store, or the transaction of a Tx.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	Rebind(query string) string
}

var (
	_ queryer = (*sqlx.DB)(nil)
	_ queryer = (*sqlx.Tx)(nil)
)

// queries holds the methods a Store and a Tx share: reads, and writes of
// one statement. Each table's file defines its own.
type queries struct {
	db      queryer
	dialect Dialect
}

// rebind turns a query written with ? placeholders into the engine's form.
func (s *queries) rebind(q string) string { return s.db.Rebind(q) }

// Tx is one transaction of a Store. It has the Store's methods that read
// and write one statement, run in the transaction, and the writes of more
// than one statement, which only a Tx has. Commit or Rollback ends it;
// Rollback after Commit does nothing, so that `defer tx.Rollback()` is
// always right.
type Tx struct {
	queries
	tx *sqlx.Tx
	// conn is the connection a bulk write's transaction was begun on
	// (BeginBulk, on PostgreSQL), so that COPY can be fed its rows
	// through the driver (copyRows); nil for other transactions. Commit
	// and Rollback give it back to the pool.
	conn *sqlx.Conn
}

func newTx(s *Store, tx *sqlx.Tx) *Tx {
	return &Tx{queries: queries{db: tx, dialect: s.dialect}, tx: tx}
}

// Commit commits the transaction.
func (t *Tx) Commit() error {
	err := t.tx.Commit()
	t.release()
	return err
}

// Rollback rolls the transaction back; after Commit or Rollback it does
// nothing but return sql.ErrTxDone.
func (t *Tx) Rollback() error {
	err := t.tx.Rollback()
	t.release()
	return err
}

// release gives a bulk write's connection back to the pool once its
// transaction has ended (a second call does nothing).
func (t *Tx) release() {
	if t.conn != nil {
		t.conn.Close()
		t.conn = nil
	}
}

// InTx runs fn in one transaction, committed when fn returns nil and rolled
// back otherwise. It takes no lock: a bulk write that reads before it
// writes uses BeginBulk.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := s.pool.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(newTx(s, tx)); err != nil {
		return err
	}
	return tx.Commit()
}

// RawExec, RawGet, RawSelect and RawQuery run SQL that is no method of the
// store, written with ? placeholders: they are for tests that prepare or
// inspect a database. Baoxue's packages call the store's named methods
// (internal/archtest fails on a Raw call outside the store and tests).
// RawGet and RawSelect scan as sqlx's Get and Select do.
func (s *queries) RawExec(ctx context.Context, q string, args ...any) error {
	_, err := s.db.ExecContext(ctx, s.rebind(q), args...)
	return err
}

// RawGet scans the one row of q into dest; see RawExec.
func (s *queries) RawGet(ctx context.Context, dest any, q string, args ...any) error {
	return s.db.GetContext(ctx, dest, s.rebind(q), args...)
}

// RawSelect scans every row of q into the slice dest points to; see RawExec.
func (s *queries) RawSelect(ctx context.Context, dest any, q string, args ...any) error {
	return s.db.SelectContext(ctx, dest, s.rebind(q), args...)
}

// RawQuery runs q and returns its rows; see RawExec.
func (s *queries) RawQuery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, s.rebind(q), args...)
}
