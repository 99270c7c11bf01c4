package store

import (
	"context"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/lib/pq"
)

// Counts says how many rows of a bulk write were new and how many replaced an
// existing row with the same key.
type Counts struct {
	New, Updated int
}

// filler writes the values of row i, in the order of the staged columns, into
// dst (len(dst) == number of columns). Values are string, int64, int, bool,
// nil or a driver.Valuer of one (sql.NullInt64): what appendCopyRow spells.
type filler func(i int, dst []any)

// DataLock is the lock that serialises the transactions that change the
// data a run decides from: imports and writing evaluations. On PostgreSQL
// it is a transaction-scoped advisory lock; on SQLite, whose immediate
// transactions already serialise writers, the write lock.
const DataLock int64 = 7421530002

// BeginBulk begins a transaction for a bulk write such as an import, holding
// the data lock (on PostgreSQL the advisory lock lock, when not 0; on
// SQLite the write lock, always), so that bulk writers that read before
// they write queue up. It waits for the lock as SetLockWait says: after a
// second it reports who holds it, and it gives up after the timeout with a
// *LockTimeoutError. While it holds the lock it is named as the holder to
// the others that wait. On SQLite it also enlarges the page caches of the
// connection, which the default 2 MB makes read-bound on a large roster.
func (s *Store) BeginBulk(ctx context.Context, lock int64) (*Tx, error) {
	w := s.lockWait()
	if s.Dialect == Postgres {
		// On a connection of its own, which copyRows reaches through.
		conn, err := s.pool.Connx(ctx)
		if err != nil {
			return nil, fmt.Errorf("begin: %w", err)
		}
		tx, err := s.beginPostgres(ctx, conn, lock, w)
		if err != nil {
			conn.Close()
			return nil, err
		}
		t := newTx(s, tx)
		t.conn = conn
		return t, nil
	}
	tx, err := s.beginSQLite(ctx, w)
	if err != nil {
		return nil, err
	}
	for _, q := range []string{"PRAGMA cache_size = -131072", "PRAGMA temp.cache_size = -131072"} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("begin bulk write: %w", err)
		}
	}
	return newTx(s, tx), nil
}

// upsert describes a bulk insert-or-update of one table through a staging
// table: key is the conflict target (a primary key or unique constraint),
// cols every column written on insert (key included), update the columns
// overwritten when the key exists (empty: existing rows are left alone).
type upsert struct {
	table  string
	key    []string
	cols   []string
	update []string
}

// bulkUpsert stages n rows and merges them into u.table in set-based SQL
// shared by both engines. The staged rows must have distinct keys (the
// importer rejects a key twice in one file), so that the counts are exact and
// PostgreSQL's "cannot affect row a second time" cannot happen.
func (tx *Tx) bulkUpsert(ctx context.Context, u upsert, n int, fill filler) (Counts, error) {
	if n == 0 {
		return Counts{}, nil
	}
	if err := tx.stage(ctx, "stage_"+u.table, u.table, u.cols, n, fill); err != nil {
		return Counts{}, err
	}
	return tx.merge(ctx, u, n)
}

// merge merges the n rows staged in stage_<u.table> into u.table (see
// bulkUpsert) and drops the staging table.
func (tx *Tx) merge(ctx context.Context, u upsert, n int) (Counts, error) {
	stage := "stage_" + u.table
	var match []string
	for _, k := range u.key {
		match = append(match, fmt.Sprintf("t.%s = s.%s", k, k))
	}
	var existing int
	q := fmt.Sprintf(`SELECT COUNT(*) FROM %s s WHERE EXISTS (SELECT 1 FROM %s t WHERE %s)`,
		stage, u.table, strings.Join(match, " AND "))
	if err := tx.db.GetContext(ctx, &existing, q); err != nil {
		return Counts{}, fmt.Errorf("count existing %s rows: %w", u.table, err)
	}
	// Only rows whose values change are rewritten (and get a new
	// updated_at): re-importing a monthly export must not rewrite a million
	// unchanged rows and all their index entries.
	action := "DO NOTHING"
	var set, changed []string
	for _, c := range u.update {
		set = append(set, fmt.Sprintf("%s = excluded.%s", c, c))
		if c != "updated_at" {
			changed = append(changed, fmt.Sprintf("%s.%s <> excluded.%s", u.table, c, c))
		}
	}
	if len(changed) > 0 {
		action = "DO UPDATE SET " + strings.Join(set, ", ") + " WHERE " + strings.Join(changed, " OR ")
	}
	cols := strings.Join(u.cols, ", ")
	// "WHERE true" lets SQLite tell the upsert clause from a join constraint.
	q = fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM %s WHERE true ON CONFLICT (%s) %s`,
		u.table, cols, cols, stage, strings.Join(u.key, ", "), action)
	if _, err := tx.db.ExecContext(ctx, q); err != nil {
		return Counts{}, fmt.Errorf("upsert %s: %w", u.table, err)
	}
	if err := tx.dropStage(ctx, stage); err != nil {
		return Counts{}, err
	}
	return Counts{New: n - existing, Updated: existing}, nil
}

// Staged is a bulk upsert whose rows are staged as they come, chunk by
// chunk (Add), in a staging table of the transaction, and merged into
// the table at once (Write) as bulkUpsert merges them: an import of
// millions of records holds a chunk of them at a time, not the file.
// The rows added must have distinct keys, as bulkUpsert's.
type Staged[T any] struct {
	tx   *Tx
	u    upsert
	fill func(r *T, dst []any)
	n    int
}

// newStaged creates the (empty) staging table of u in tx; fill writes a
// row's values in the order of u.cols. Nothing is written to u.table
// until Write.
func newStaged[T any](ctx context.Context, tx *Tx, u upsert, fill func(r *T, dst []any)) (*Staged[T], error) {
	if err := tx.createStage(ctx, "stage_"+u.table, u.table, u.cols); err != nil {
		return nil, err
	}
	return &Staged[T]{tx: tx, u: u, fill: fill}, nil
}

// Add stages rows; the caller may reuse the slice afterwards.
func (g *Staged[T]) Add(ctx context.Context, rows []T) error {
	if err := g.tx.insertRows(ctx, "stage_"+g.u.table, g.u.cols, len(rows), func(i int, d []any) {
		g.fill(&rows[i], d)
	}); err != nil {
		return err
	}
	g.n += len(rows)
	return nil
}

// Write merges the staged rows into the table, drops the staging table
// and returns how many rows were new and how many had a stored key.
func (g *Staged[T]) Write(ctx context.Context) (Counts, error) {
	stage := "stage_" + g.u.table
	if g.n == 0 {
		return Counts{}, g.tx.dropStage(ctx, stage)
	}
	if err := g.tx.analyzeStage(ctx, stage); err != nil {
		return Counts{}, err
	}
	return g.tx.merge(ctx, g.u, g.n)
}

// upsertAll stages rows in a Staged that begin makes and writes them, for
// a caller that has every row (nothing when there is none).
func upsertAll[T any](ctx context.Context, rows []T, begin func() (*Staged[T], error)) (Counts, error) {
	if len(rows) == 0 {
		return Counts{}, nil
	}
	g, err := begin()
	if err != nil {
		return Counts{}, err
	}
	if err := g.Add(ctx, rows); err != nil {
		return Counts{}, err
	}
	return g.Write(ctx)
}

// stage creates the temporary table name with the types of cols in table
// from, and loads n rows into it with insertRows. Both run inside tx, so a
// failed import leaves nothing behind.
func (tx *Tx) stage(ctx context.Context, name, from string, cols []string, n int, fill filler) error {
	if err := tx.createStage(ctx, name, from, cols); err != nil {
		return err
	}
	if err := tx.insertRows(ctx, name, cols, n, fill); err != nil {
		return err
	}
	return tx.analyzeStage(ctx, name)
}

// createStage (re)creates the empty temporary table name with the types of
// cols in table from.
func (tx *Tx) createStage(ctx context.Context, name, from string, cols []string) error {
	if err := tx.dropStage(ctx, name); err != nil {
		return err
	}
	list := strings.Join(cols, ", ")
	var create string
	if tx.dialect == Postgres {
		create = fmt.Sprintf(`CREATE TEMP TABLE %s ON COMMIT DROP AS SELECT %s FROM %s WITH NO DATA`, name, list, from)
	} else {
		create = fmt.Sprintf(`CREATE TEMP TABLE %s AS SELECT %s FROM %s WHERE 0`, name, list, from)
	}
	if _, err := tx.db.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("create staging table %s: %w", name, err)
	}
	return nil
}

// analyzeStage gives the planner statistics of a loaded staging table.
func (tx *Tx) analyzeStage(ctx context.Context, name string) error {
	if tx.dialect == Postgres {
		// Temporary tables are never analysed automatically; without
		// statistics the planner guesses joins against them badly.
		if _, err := tx.db.ExecContext(ctx, "ANALYZE "+name); err != nil {
			return fmt.Errorf("analyze %s: %w", name, err)
		}
	}
	return nil
}

// dropStage removes a staging table (PostgreSQL drops it at commit anyway;
// SQLite keeps temporary tables for the life of the pooled connection).
func (tx *Tx) dropStage(ctx context.Context, name string) error {
	if _, err := tx.db.ExecContext(ctx, "DROP TABLE IF EXISTS "+name); err != nil {
		return fmt.Errorf("drop staging table %s: %w", name, err)
	}
	return nil
}

// insertRows appends n plain rows (no conflict handling) to table, or to a
// staging table made by createStage (it may be called several times, so
// that a large import can stage its rows in chunks instead of holding them
// all). It is the one bulk insert of the store, and the one place where
// the engines differ for it: the fastest way each has, COPY on PostgreSQL,
// multi-row prepared INSERTs on SQLite.
func (tx *Tx) insertRows(ctx context.Context, table string, cols []string, n int, fill filler) error {
	if n == 0 {
		return nil
	}
	var err error
	if tx.dialect == Postgres {
		err = tx.copyRows(ctx, table, cols, n, fill)
	} else {
		err = tx.insertValues(ctx, table, cols, n, fill)
	}
	if err != nil {
		return fmt.Errorf("insert %d rows into %s: %w", n, table, err)
	}
	return nil
}

// copyRows streams rows into a PostgreSQL table with COPY FROM STDIN. In
// a bulk write's transaction (BeginBulk) it encodes the rows itself, in
// COPY's text format, and hands the driver some 63 KB at a time; elsewhere each
// row goes through database/sql (lib/pq v1.12: prepare the COPY on the
// transaction, Exec each row, then Exec with no arguments to flush). A
// first writing run over a million students copies 700,000 rows, and
// database/sql's work for each row (its arguments checked, converted and
// allocated) cost more of the client than the encoding: ~2 s of CPU.
// Errors may surface only at the end. An error leaves the rows sent
// before it in the transaction, which the caller must then roll back (as
// every caller does with any error).
func (tx *Tx) copyRows(ctx context.Context, table string, cols []string, n int, fill filler) error {
	q := fmt.Sprintf("COPY %s (%s) FROM STDIN", table, strings.Join(cols, ", "))
	if tx.conn != nil {
		var panicked any
		err := tx.conn.Raw(func(dc any) (err error) {
			defer func() {
				if p := recover(); p != nil {
					panicked = p
					err = errors.New("copy: panic")
				}
			}()
			err = copyRaw(ctx, dc, q, len(cols), n, fill)
			if errors.Is(err, driver.ErrBadConn) {
				// Not driver.ErrBadConn itself: for that error (and a
				// panic) Raw closes the connection, which waits for the
				// transaction open on it, which only this goroutine can
				// end. The transaction's Rollback finds the connection
				// bad and drops it.
				return fmt.Errorf("copy: the connection broke: %v", err)
			}
			return err
		})
		if panicked != nil {
			panic(panicked)
		}
		return err
	}
	stmt, err := tx.db.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	defer stmt.Close()
	vals := make([]any, len(cols))
	for i := 0; i < n; i++ {
		fill(i, vals)
		if _, err := stmt.ExecContext(ctx, vals...); err != nil {
			return err
		}
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return err
	}
	return stmt.Close()
}

// copyData is lib/pq's COPY statement's way to take lines already encoded.
type copyData interface {
	CopyData(ctx context.Context, line string) (driver.Result, error)
}

// copyChunk is how much encoded COPY text copyRaw hands the driver at once.
const copyChunk = 63 << 10

// copyRaw runs COPY query q on the driver connection dc, in the
// transaction open on it, with n rows of cols values each from fill.
func copyRaw(ctx context.Context, dc any, q string, cols, n int, fill filler) error {
	prep, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return fmt.Errorf("driver connection %T cannot prepare with a context", dc)
	}
	st, err := prep.PrepareContext(ctx, q)
	if err != nil {
		return err
	}
	// Closed on every way out (a panic in fill too), so that the
	// connection does not stay in COPY; Close is the COPY's end and its
	// answer when all went well, and does nothing the second time.
	defer st.Close()
	cd, ok := st.(copyData)
	if !ok {
		return fmt.Errorf("driver statement %T takes no COPY data", st)
	}
	vals := make([]any, cols)
	buf := make([]byte, 0, copyChunk+4096)
	send := func() error {
		// CopyData ends the line it is given with a newline, and copies
		// it before it returns, so it may share buf's memory: a string
		// copied from each chunk cost a second of a first run's CPU, in
		// fresh memory.
		_, err := cd.CopyData(ctx, unsafe.String(&buf[0], len(buf)-1))
		buf = buf[:0]
		return err
	}
	for i := 0; i < n; i++ {
		fill(i, vals)
		if buf, err = appendCopyRow(buf, vals); err != nil {
			return err
		}
		if len(buf) >= copyChunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := send(); err != nil {
				return err
			}
		}
	}
	if len(buf) > 0 {
		if err := send(); err != nil {
			return err
		}
	}
	// Close ends the COPY and returns the server's answer.
	return st.Close()
}

// appendCopyRow appends one row of COPY's text format (values separated
// by tabs, a newline at the end) to buf, each value as lib/pq encodes it
// for COPY: NULL as \N, integers and floats in decimal, booleans as
// true/false, text with backslash, newline, carriage return and tab
// escaped, bytes as bytea's hex. A driver.Valuer gives its value first.
func appendCopyRow(buf []byte, vals []any) ([]byte, error) {
	for i, v := range vals {
		if i > 0 {
			buf = append(buf, '\t')
		}
		if vr, ok := v.(driver.Valuer); ok {
			var err error
			if v, err = vr.Value(); err != nil {
				return buf, err
			}
		}
		switch v := v.(type) {
		case nil:
			buf = append(buf, '\\', 'N')
		case string:
			buf = appendCopyText(buf, v)
		case int64:
			buf = strconv.AppendInt(buf, v, 10)
		case int:
			buf = strconv.AppendInt(buf, int64(v), 10)
		case bool:
			buf = strconv.AppendBool(buf, v)
		case float64:
			buf = strconv.AppendFloat(buf, v, 'f', -1, 64)
		case []byte:
			buf = append(buf, '\\', '\\', 'x')
			buf = hex.AppendEncode(buf, v)
		default:
			return buf, fmt.Errorf("copy: a value of type %T", v)
		}
	}
	return append(buf, '\n'), nil
}

// appendCopyText appends s with the characters COPY's text format
// escapes escaped.
func appendCopyText(buf []byte, s string) []byte {
	for {
		i := strings.IndexAny(s, "\\\n\r\t")
		if i < 0 {
			return append(buf, s...)
		}
		buf = append(buf, s[:i]...)
		switch s[i] {
		case '\\':
			buf = append(buf, '\\', '\\')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		}
		s = s[i+1:]
	}
}

// newIDs takes n new ids of table's id column, ascending: the ids n rows
// inserted one by one would take, for rows inserted with them, so that a
// bulk insert need not read its rows back to learn their ids (nor index
// them by the run that wrote them to find them). On PostgreSQL they are
// drawn from the column's sequence, so that nothing else that inserts can
// take one of them; on SQLite, whose writers hold the write lock, they
// follow the largest id, as SQLite's own would.
func (tx *Tx) newIDs(ctx context.Context, table string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, n)
	if tx.dialect == Postgres {
		// The sequence named once, as a literal: pg_get_serial_sequence
		// called for each id cost ten times the ids (0.65 s for 195,721).
		var seq string
		if err := tx.db.GetContext(ctx, &seq, `SELECT pg_get_serial_sequence($1, 'id')`, table); err != nil {
			return nil, fmt.Errorf("new ids of %s: %w", table, err)
		}
		rows, err := tx.db.QueryContext(ctx, `SELECT nextval(`+pq.QuoteLiteral(seq)+`::regclass) FROM generate_series(1, $1)`, n)
		if err != nil {
			return nil, fmt.Errorf("new ids of %s: %w", table, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, fmt.Errorf("new ids of %s: %w", table, err)
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("new ids of %s: %w", table, err)
		}
		if len(ids) != n {
			return nil, fmt.Errorf("new ids of %s: %d of %d", table, len(ids), n)
		}
		slices.Sort(ids)
		return ids, nil
	}
	var last int64
	if err := tx.db.GetContext(ctx, &last, `SELECT COALESCE(MAX(id), 0) FROM `+table); err != nil {
		return nil, fmt.Errorf("new ids of %s: %w", table, err)
	}
	for i := range int64(n) {
		ids = append(ids, last+1+i)
	}
	return ids, nil
}

// sqliteMaxParams stays under SQLite's historical limit on bound parameters.
const sqliteMaxParams = 999

// insertValues loads rows into a SQLite table with a prepared INSERT of many
// rows per statement (modernc.org/sqlite pays per statement, not per value).
func (tx *Tx) insertValues(ctx context.Context, table string, cols []string, n int, fill filler) error {
	per := sqliteMaxParams / len(cols)
	if per > 256 {
		per = 256
	}
	if per < 1 {
		return fmt.Errorf("%d columns exceed SQLite's parameter limit", len(cols))
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	prefix := fmt.Sprintf("INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
	build := func(rows int) string {
		return prefix + strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
	}
	full, err := tx.db.PrepareContext(ctx, build(per))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, per*len(cols))
	for i := 0; i < n; i += per {
		k := min(per, n-i)
		for j := 0; j < k; j++ {
			fill(i+j, args[j*len(cols):(j+1)*len(cols)])
		}
		if k == per {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.db.ExecContext(ctx, build(k), args[:k*len(cols)]...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// updateFrom overwrites the columns set (each taken from the staged column of
// the same name) of the rows of table whose key column equals the staged
// one, when one of them differs; extra are further "col = expression"
// assignments made on those rows, with ? arguments, and also is an
// expression on the stored row that makes it count as changed.
// UPDATE … FROM is spelled the same on PostgreSQL and SQLite (3.33+).
func (tx *Tx) updateFrom(ctx context.Context, table, stage, key string, set []string, also string, extra []string, args ...any) error {
	var assign, changed []string
	for _, c := range set {
		assign = append(assign, fmt.Sprintf("%s = st.%s", c, c))
		changed = append(changed, fmt.Sprintf("%s.%s <> st.%s", table, c, c))
	}
	if also != "" {
		changed = append(changed, also)
	}
	assign = append(assign, extra...)
	q := fmt.Sprintf(`UPDATE %s SET %s FROM %s AS st WHERE %s.%s = st.%s AND (%s)`,
		table, strings.Join(assign, ", "), stage, table, key, key, strings.Join(changed, " OR "))
	if _, err := tx.db.ExecContext(ctx, tx.rebind(q), args...); err != nil {
		return fmt.Errorf("update %s: %w", table, err)
	}
	return nil
}

// checkColumns fails when a requested column is not one of allowed: column
// names are spliced into SQL, so they must come from the code, never a file.
func checkColumns(table string, requested, allowed []string) error {
	ok := make(map[string]bool, len(allowed))
	for _, c := range allowed {
		ok[c] = true
	}
	for _, c := range requested {
		if !ok[c] {
			return fmt.Errorf("%s: no writable column %q", table, c)
		}
	}
	return nil
}
