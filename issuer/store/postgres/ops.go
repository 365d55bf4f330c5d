package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/satchel-wallet/satchel/issuer/store"
)

// db is what ops run statements on: the pool, a transaction, or a pipe.
type db interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ops runs the store's methods: on the pool (pipe nil), each write in a
// transaction of its own; inside Store.Tx, on its pipe, each write in a
// savepoint.
type ops struct {
	db   db
	pool *pgxpool.Pool // outside a Tx
	pipe *pipe         // inside a Tx
}

// write runs fn atomically and returns its error wrapped with op. Inside
// a Tx it needs a savepoint, because PostgreSQL aborts the whole
// transaction at the first failed statement unless it is rolled back to
// one.
func (o ops) write(ctx context.Context, op string, fn func(o ops) error) error {
	if o.pipe != nil {
		o.pipe.begin()
		err := badText(fn(o))
		if eerr := o.pipe.end(ctx, err != nil); eerr != nil {
			err = errors.Join(err, eerr)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		return nil
	}
	tx, err := o.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	done := false
	defer func() {
		if !done {
			tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := fn(ops{db: tx}); err != nil {
		return fmt.Errorf("%s: %w", op, badText(err))
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	done = true
	return nil
}

// write1 is write for an fn that makes one change, in one statement (it
// may read before). Outside a Tx that statement commits by itself, saving
// the round trips of BEGIN and COMMIT. Inside one it still needs its
// savepoint: PostgreSQL aborts the whole transaction at any failed
// statement.
func (o ops) write1(ctx context.Context, op string, fn func(o ops) error) error {
	if o.pipe != nil {
		return o.write(ctx, op, fn)
	}
	if err := fn(o); err != nil {
		return fmt.Errorf("%s: %w", op, badText(err))
	}
	return nil
}

// changed runs a statement and returns the number of rows it changed.
func (o ops) changed(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := o.db.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

// PostgreSQL error codes the store maps.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
	checkViolation      = "23514"
	notNullViolation    = "23502"
	// A NUL byte or invalid UTF-8 in a text value.
	characterNotInRepertoire = "22021"
)

// constraint maps a constraint violation to the store's errors: unique to
// ErrDuplicate, a foreign key to ErrNotFound (what it names does not
// exist), a CHECK to ErrInvalid. Other errors are returned as they are.
func constraint(err error, what string) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case uniqueViolation:
		return fmt.Errorf("%s: %w", what, store.ErrDuplicate)
	case foreignKeyViolation:
		return fmt.Errorf("%s refers to something unknown: %w", what, store.ErrNotFound)
	case checkViolation, notNullViolation:
		return fmt.Errorf("%s: %w: %v", what, store.ErrInvalid, err)
	}
	return err
}

// badText maps the error PostgreSQL gives for text that is not UTF-8 or
// holds a NUL byte to ErrInvalid, as the SQLite store answers such text.
func badText(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == characterNotInRepertoire {
		return fmt.Errorf("%w: text must be UTF-8 without NUL bytes (%s)", store.ErrInvalid, pe.Message)
	}
	return err
}

// notFound maps pgx.ErrNoRows to store.ErrNotFound.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), store.ErrNotFound)
	}
	return err
}

// dbTime stores t to the microsecond (timestamptz's precision, truncated
// as the SQLite store does rather than rounded), NULL for the zero time.
func dbTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Truncate(time.Microsecond)
}

// goTime reads a stored time: UTC, the zero time for NULL.
func goTime(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// blob stores b, NULL when empty: empty byte values read back as nil.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// key stores b where NULL is not allowed (a primary key): an empty value
// is an empty bytea.
func key(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// bytesOf is a scanned bytea, nil when NULL or empty.
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

// limit is a list's bound: MaxList when none (≤ 0) or too large.
func limit(n int) int {
	if n <= 0 || n > store.MaxList {
		return store.MaxList
	}
	return n
}
