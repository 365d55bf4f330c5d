package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pipe is the transaction of a Store.Tx. Each method inside it runs in a
// savepoint, so that a failure leaves the transaction usable; the
// savepoint commands wait and go with the method's first statement, in one
// round trip (a pgx batch), instead of a round trip each: a method that
// stores a credential costs one round trip rather than three. The RELEASE
// of one method's savepoint goes with the next method's first statement,
// or is left to COMMIT, which releases every savepoint.
type pipe struct {
	tx pgx.Tx
	// owed: a RELEASE (of the last method's savepoint) and a SAVEPOINT (of
	// the running method's) are to be sent before the next statement.
	release, savepoint bool
	// open: the running method's savepoint was sent, so a failure must
	// roll back to it.
	open bool
}

const (
	savepointSQL = "SAVEPOINT op"
	releaseSQL   = "RELEASE SAVEPOINT op"
	rollbackSQL  = "ROLLBACK TO SAVEPOINT op; RELEASE SAVEPOINT op"
)

// begin starts a method's savepoint (sent with its first statement).
func (p *pipe) begin() { p.savepoint, p.open = true, false }

// end ends a method's savepoint: released when the method succeeded,
// rolled back to when it failed. A method that sent no statement leaves
// nothing to undo.
func (p *pipe) end(ctx context.Context, failed bool) error {
	p.savepoint = false
	if !p.open {
		return nil
	}
	p.open = false
	if !failed {
		p.release = true
		return nil
	}
	// Now, with a context that is not done: the transaction must be left
	// as it was before the method even when ctx was cancelled.
	_, err := p.tx.Exec(context.WithoutCancel(ctx), rollbackSQL)
	return err
}

// owed returns the savepoint commands to send before the next statement.
func (p *pipe) owed() []string {
	var q []string
	if p.release {
		q = append(q, releaseSQL)
	}
	if p.savepoint {
		q = append(q, savepointSQL)
		p.open = true
	}
	p.release, p.savepoint = false, false
	return q
}

// send sends the owed commands and sql in one batch, and reads the
// commands' results.
func (p *pipe) send(ctx context.Context, owed []string, sql string, args []any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	for _, q := range owed {
		b.Queue(q)
	}
	b.Queue(sql, args...)
	br := p.tx.SendBatch(ctx, b)
	for range owed {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return nil, err
		}
	}
	return br, nil
}

func (p *pipe) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	owed := p.owed()
	if len(owed) == 0 {
		return p.tx.Exec(ctx, sql, args...)
	}
	br, err := p.send(ctx, owed, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if err != nil {
		br.Close()
		return tag, err
	}
	return tag, br.Close()
}

func (p *pipe) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	owed := p.owed()
	if len(owed) == 0 {
		return p.tx.Query(ctx, sql, args...)
	}
	br, err := p.send(ctx, owed, sql, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

func (p *pipe) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if !p.release && !p.savepoint {
		return p.tx.QueryRow(ctx, sql, args...)
	}
	rows, err := p.Query(ctx, sql, args...)
	return &row{rows: rows, err: err}
}

// batchRows are a batch's last result; closing them closes the batch.
type batchRows struct {
	pgx.Rows
	br     pgx.BatchResults
	err    error
	closed bool
}

func (r *batchRows) Close() {
	r.Rows.Close()
	if !r.closed {
		r.closed = true
		r.err = r.br.Close()
	}
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

// row is QueryRow's answer made of Query's.
type row struct {
	rows pgx.Rows
	err  error
}

func (r *row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		r.rows.Close()
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}
