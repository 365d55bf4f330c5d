package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/satchel-wallet/satchel/issuer/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrNewerSchema: the database was migrated by a newer version of the
// issuer, whose schema this one does not know. Nothing is changed.
var ErrNewerSchema = errors.New("issuer database is newer than this version of the issuer")

// migrateLock is the advisory lock key Open migrates under ("SATIMIGR").
const migrateLock int64 = 0x534154494d494752

// Store is a store.Store in a PostgreSQL database.
type Store struct {
	ops
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database named by dsn (a postgres:// URL or
// key=value pairs, as libpq takes them) and brings its schema up to date.
// It refuses a database whose schema is newer than this code's
// (ErrNewerSchema).
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// Not err itself: pgx hides passwords from its message only as
		// well as it can parse what it could not parse, and the error it
		// wraps may quote the whole DSN.
		return nil, errors.New("open issuer database: the DSN cannot be parsed (it is not quoted here, as it may hold a password)")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open issuer database: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open issuer database %s/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	s := &Store{pool: pool}
	s.ops = ops{db: pool, pool: pool}
	return s, nil
}

// Close closes the connections; it waits for those in use to come back.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping issuer database: %w", err)
	}
	return nil
}

// Tx implements store.Store.
func (s *Store) Tx(ctx context.Context, fn func(store.Ops) error) (err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			// Also when fn panicked; with a context that is not done, so
			// the connection goes back to the pool clean.
			if rerr := tx.Rollback(context.WithoutCancel(ctx)); rerr != nil && err != nil && !errors.Is(rerr, pgx.ErrTxClosed) {
				err = errors.Join(err, fmt.Errorf("roll back: %w", rerr))
			}
		}
	}()
	p := &pipe{tx: tx}
	if err := fn(ops{db: p, pipe: p}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	committed = true
	return nil
}

// migration is one numbered .sql file.
type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: the name must start with a positive number and '_'", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this code writes.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		panic(err)
	}
	return len(ms)
}

// migrate brings the schema up to date in one transaction, under an
// advisory lock: instances that start together take turns, and those
// after the first find nothing to do. DDL is transactional in PostgreSQL,
// so a failed migration leaves the schema as it was.
func migrate(ctx context.Context, pool *pgxpool.Pool) (err error) {
	ms, err := migrations()
	if err != nil {
		return err
	}
	latest := len(ms)
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLock); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS satchel_issuer_migrations (
		version integer PRIMARY KEY,
		name    text    NOT NULL,
		applied timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var v int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM satchel_issuer_migrations").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > latest {
		return fmt.Errorf("%w: its schema is version %d, this version knows up to %d; upgrade the issuer", ErrNewerSchema, v, latest)
	}
	for _, m := range ms[v:] {
		// No arguments: pgx sends the file as one simple query, so it may
		// hold several statements.
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO satchel_issuer_migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
