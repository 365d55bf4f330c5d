package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/satchel-wallet/satchel/wallet"
)

// ops runs the wallet's operations on the database (tx nil: each method in
// a transaction of its own) or inside a Store.Tx.
type ops struct {
	s  *Store
	tx *sql.Tx
	// local holds statements prepared on tx's connection because the
	// store had not prepared them yet; see stmt.
	local map[string]*sql.Stmt
}

func (s *Store) inTx(tx *sql.Tx) ops {
	return ops{s: s, tx: tx, local: map[string]*sql.Stmt{}}
}

// stmt returns the prepared statement for query. Outside a transaction it
// is the store's cached one. Inside, it is the cached one bound to the
// transaction's connection, or, for a query the store has not prepared yet,
// one prepared on that connection: preparing through the pool would need a
// second connection, which writers waiting for the transaction's lock may
// all be holding. done hands such queries to the store's cache.
func (o ops) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if o.tx == nil {
		return o.s.stmt(ctx, query)
	}
	if st := o.s.cached(query); st != nil {
		return o.tx.StmtContext(ctx, st), nil
	}
	if st, ok := o.local[query]; ok {
		return st, nil
	}
	st, err := o.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	o.local[query] = st
	return st, nil
}

// done is called once the transaction is over and its connection back in
// the pool: statements it prepared for itself are prepared for the store.
func (o ops) done(ctx context.Context) {
	for q := range o.local {
		o.s.stmt(context.WithoutCancel(ctx), q)
	}
}

func (o ops) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := o.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (o ops) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := o.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow runs a query for one row; scan errors include sql.ErrNoRows.
func (o ops) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := o.stmt(ctx, query)
	if err != nil {
		// A Row cannot carry an error of our own; run the query unprepared
		// so that Scan reports the same failure.
		if o.tx != nil {
			return o.tx.QueryRowContext(ctx, query, args...)
		}
		return o.s.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// write runs fn atomically: in a transaction of its own, or, inside
// Store.Tx, in a savepoint, so that a method that fails leaves the
// enclosing transaction as it was and the caller may go on.
func (o ops) write(ctx context.Context, fn func(o ops) error) error {
	if o.tx != nil {
		if _, err := o.tx.ExecContext(ctx, "SAVEPOINT op"); err != nil {
			return err
		}
		if err := fn(o); err != nil {
			// Roll back to the savepoint with a context that is not done:
			// the enclosing transaction must be left consistent even when
			// ctx was cancelled.
			if _, rerr := o.tx.ExecContext(context.WithoutCancel(ctx), "ROLLBACK TO op; RELEASE op"); rerr != nil {
				return errors.Join(err, rerr)
			}
			return err
		}
		_, err := o.tx.ExecContext(ctx, "RELEASE op")
		return err
	}
	tx, err := o.s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	in := o.s.inTx(tx)
	defer in.done(ctx)
	defer tx.Rollback() // after Commit, a no-op
	if err := fn(in); err != nil {
		return err
	}
	return tx.Commit()
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// Sort keys: an issued date's second (clamped to ±2^38 seconds, some
// 8,700 years) times 2^24, plus a count within that second. The lowest
// second, -2^38, holds credentials without an issued date.
const (
	sortShift  = 24
	sortPerSec = 1 << sortShift
	maxSortSec = 1<<38 - 1
	noDateSec  = -1 << 38
)

// sortSecond is the second a credential issued at t sorts in.
func sortSecond(t time.Time) int64 {
	if t.IsZero() {
		return noDateSec
	}
	return min(max(t.Unix(), -maxSortSec), maxSortSec)
}

// sortFloor is the smallest sort key of the second sec.
func sortFloor(sec int64) int64 { return sec * sortPerSec }

// Times are stored as Unix microseconds, NULL for the zero time.
func dbTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func goTime(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

// stored is t as it reads back: UTC, to the microsecond.
func stored(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.UnixMicro(t.UnixMicro()).UTC()
}

// notFound wraps wallet.ErrNotFound with what was looked for.
func notFound(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), wallet.ErrNotFound)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
