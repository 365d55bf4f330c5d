package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/satchel-wallet/satchel/issuer/store"
)

// ops runs the store's methods: on the Store (w nil) each write in a
// transaction of its own and each read on the read pool; inside Store.Tx
// (w set) everything on the writer, each write in a savepoint.
type ops struct {
	s  *Store
	w  *writer
	tx *txState
}

// txState is shared by the ops of one Tx.
type txState struct {
	over bool // fn returned: the ops may not be used any more
	// broken is the error after which SQLite rolled the transaction back
	// by itself; nothing more may run in it, or it would run outside any
	// transaction, committed statement by statement.
	broken error
}

var errTxOver = errors.New("the transaction is over: use its Ops only inside Tx's fn")

// usable fails when the transaction's ops may not run statements.
func (t *txState) usable() error {
	switch {
	case t == nil:
		return nil
	case t.over:
		return errTxOver
	case t.broken != nil:
		return fmt.Errorf("the transaction was rolled back after an earlier error (%w)", t.broken)
	}
	return nil
}

// failed records a write's failure inside a Tx: when SQLite may have
// rolled the whole transaction back (see mayEnd) and did, the Tx is
// broken.
func (o ops) failed(ctx context.Context, err error) {
	if mayEnd(err) && !o.w.inTransaction(ctx) {
		o.tx.broken = err
	}
}

// mayEnd reports whether err is one after which SQLite may roll back the
// transaction by itself: an interrupt (modernc interrupts the statement
// when its context ends, and returns the context's error), a full disk,
// an I/O error, no memory, a lock it could not get.
func mayEnd(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_INTERRUPT, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_CORRUPT:
		return true
	}
	return false
}

// write runs fn atomically and returns its error wrapped with op.
func (o ops) write(ctx context.Context, op string, fn func(o ops) error) error {
	var err error
	if o.w == nil {
		err = o.s.inTx(ctx, fn)
	} else {
		err = o.savepoint(ctx, fn)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// write1 is write for an fn that makes one change, in one statement (it
// may read before): that statement's own atomicity is enough, since SQLite
// undoes a statement that fails and leaves the transaction around it as it
// was. So it needs no savepoint inside a Tx, and outside one the statement
// commits by itself, without BEGIN and COMMIT: a third of the statements
// for the commonest writes, the audit log's among them.
func (o ops) write1(ctx context.Context, op string, fn func(o ops) error) error {
	var err error
	if o.w != nil {
		if err := o.tx.usable(); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		if err = fn(o); err != nil {
			o.failed(ctx, err)
		}
	} else {
		var w *writer
		if w, err = o.s.acquire(ctx); err == nil {
			err = fn(ops{s: o.s, w: w, tx: &txState{}})
			o.s.release(w)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// savepoint runs fn inside the current transaction so that, when fn fails,
// what it did is undone and the transaction goes on as before.
func (o ops) savepoint(ctx context.Context, fn func(o ops) error) error {
	if err := o.tx.usable(); err != nil {
		return err
	}
	if _, err := o.exec(ctx, "SAVEPOINT op"); err != nil {
		o.failed(ctx, err)
		return err
	}
	if err := fn(o); err != nil {
		// With a context that is not done: the enclosing transaction must
		// be left as it was even when ctx was cancelled. When there is no
		// savepoint to go back to, SQLite ended the transaction itself.
		if _, rerr := o.w.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK TO op; RELEASE op"); rerr != nil {
			o.tx.broken = err
			return errors.Join(err, rerr)
		}
		return err
	}
	_, err := o.exec(ctx, "RELEASE op")
	return err
}

func (o ops) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := o.tx.usable(); err != nil {
		return nil, err
	}
	for _, a := range args {
		if s, ok := a.(string); ok && !goodText(s) {
			return nil, fmt.Errorf("%w: text must be UTF-8 without NUL bytes", store.ErrInvalid)
		}
	}
	return o.w.exec(ctx, query, args...)
}

// goodText reports whether s is text both stores keep: PostgreSQL refuses
// invalid UTF-8 and NUL bytes, so this one does too, and an issuer moves
// from one database to the other without surprises.
func goodText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// changed runs a statement and returns the number of rows it changed.
func (o ops) changed(ctx context.Context, query string, args ...any) (int64, error) {
	r, err := o.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func (o ops) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := o.tx.usable(); err != nil {
		return nil, err
	}
	var st *sql.Stmt
	var err error
	if o.w != nil {
		st, err = o.w.stmt(ctx, query)
	} else {
		st, err = o.s.readStmt(ctx, query)
	}
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// row is the one row of a query; Scan returns sql.ErrNoRows for none.
type row struct {
	rows *sql.Rows
	err  error
}

func (o ops) queryRow(ctx context.Context, query string, args ...any) row {
	rows, err := o.query(ctx, query, args...)
	return row{rows, err}
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	return r.rows.Close()
}

// read runs fn with ops that see one snapshot of the database: outside a
// Tx, in a read transaction on one read connection.
func (o ops) read(ctx context.Context, fn func(q querier) error) error {
	if o.w != nil {
		if err := o.tx.usable(); err != nil {
			return err
		}
		return fn(o)
	}
	tx, err := o.s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(readTx{tx})
}

// querier is what read's fn reads through.
type querier interface {
	query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, query string, args ...any) row
}

// readTx is a read transaction on the read pool. Its statements are not
// the cached ones: a transaction's are bound to its connection.
type readTx struct{ tx *sql.Tx }

func (r readTx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.tx.QueryContext(ctx, query, args...)
}

func (r readTx) queryRow(ctx context.Context, query string, args ...any) row {
	rows, err := r.query(ctx, query, args...)
	return row{rows, err}
}

// constraint maps a constraint violation to the store's errors: unique to
// ErrDuplicate, a foreign key to ErrNotFound (what it names does not
// exist), a CHECK to ErrInvalid. Other errors are returned as they are.
func constraint(err error, what string) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%s: %w", what, store.ErrDuplicate)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%s refers to something unknown: %w", what, store.ErrNotFound)
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return fmt.Errorf("%s: %w: %v", what, store.ErrInvalid, err)
	}
	return err
}

// notFound maps sql.ErrNoRows to store.ErrNotFound.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), store.ErrNotFound)
	}
	return err
}

// Times are stored as Unix microseconds, NULL for the zero time.
func dbTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// goTime reads a stored time: UTC, the zero time for NULL.
func goTime(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

// blob stores b, NULL when empty: empty byte values read back as nil.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// key stores b where NULL is not allowed (a primary key): an empty value
// is an empty blob.
func key(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// bytesOf is a scanned blob, nil when NULL or empty.
func bytesOf(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// nullText stores s, NULL when empty.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// limit is a list's bound: MaxList when none (≤ 0) or too large.
func limit(n int) int {
	if n <= 0 || n > store.MaxList {
		return store.MaxList
	}
	return n
}
