package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"

	"github.com/satchel-wallet/satchel/wallet"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrNewerSchema: the file was written by a newer Satchel, whose schema
// this one does not know. Nothing is changed.
var ErrNewerSchema = errors.New("wallet database is newer than this version of Satchel")

// Options tune Open; the zero value is the default.
type Options struct {
	// BusyTimeout is how long a write waits for another writer (another
	// process with the same wallet open); zero means 5 seconds.
	BusyTimeout time.Duration
	// MaxConns bounds the connection pool; zero means 4. Writers take
	// turns whatever the number; more connections let more reads run
	// beside a write.
	MaxConns int
}

// Store is a wallet.Store in one SQLite file.
type Store struct {
	ops
	db   *sql.DB
	path string

	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

var _ wallet.Store = (*Store)(nil)

// Open opens the wallet database at path, creating it when it does not
// exist and bringing its schema up to date. A file whose schema is newer
// than this code's fails with ErrNewerSchema.
//
// The database is in WAL mode with foreign keys on and synchronous=FULL: a
// committed import survives a power cut, not only a crash.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("open wallet: no database path")
	}
	if opt.BusyTimeout <= 0 {
		opt.BusyTimeout = 5 * time.Second
	}
	if opt.MaxConns <= 0 {
		opt.MaxConns = 4
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open wallet %s: %w", path, err)
	}
	conn, err := sqlite.NewConnector(dsn(abs, opt))
	if err != nil {
		return nil, fmt.Errorf("open wallet %s: %w", path, err)
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(opt.MaxConns)
	db.SetMaxIdleConns(opt.MaxConns)
	s := &Store{db: db, path: abs, stmts: map[string]*sql.Stmt{}}
	s.ops = ops{s: s}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open wallet %s: %w", path, err)
	}
	return s, nil
}

// dsn builds a file: URI (so any path works, '?' and '#' included) with the
// settings every pooled connection applies when it opens. BEGIN IMMEDIATE
// takes the write lock at the start of a transaction, so two writers wait
// for each other (busy_timeout) instead of failing when one upgrades.
func dsn(abs string, opt Options) string {
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(abs)}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(opt.BusyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_txlock", "immediate")
	return u.String() + "?" + q.Encode()
}

// Close closes the database. Statements and connections are released; the
// WAL is checkpointed by SQLite when the last connection closes.
func (s *Store) Close() error {
	s.mu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.mu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close wallet %s: %w", s.path, err)
	}
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// IntegrityCheck runs PRAGMA integrity_check and the full-text index's own
// check, and returns an error describing any problem found.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return fmt.Errorf("integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check: %s", strings.Join(problems, "; "))
	}
	if _, err := s.db.ExecContext(ctx, "INSERT INTO credentials_fts(credentials_fts) VALUES ('integrity-check')"); err != nil {
		return fmt.Errorf("integrity check: full-text index: %w", err)
	}
	return nil
}

// Tx implements wallet.Store.
func (s *Store) Tx(ctx context.Context, fn func(wallet.Ops) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	in := s.inTx(tx)
	defer in.done(ctx)
	// Rolls back when fn fails or panics; after Commit, a no-op.
	defer tx.Rollback()
	if err := fn(in); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
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
			return nil, fmt.Errorf("migration %s: name must start with a positive number and '_'", e.Name())
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

// migrate brings the schema up to date. The common case — a wallet already
// at this version — costs one small read.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	latest := len(ms)
	v, err := schemaVersion(ctx, s.db)
	if err != nil {
		return err
	}
	if v == latest {
		return nil
	}
	if v > latest {
		return fmt.Errorf("%w: its schema is version %d, this version of Satchel knows up to %d", ErrNewerSchema, v, latest)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name    TEXT    NOT NULL,
		applied TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
	)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Another process may have migrated while this one waited for the lock.
	if v, err = schemaVersion(ctx, tx); err != nil {
		return err
	}
	if v > latest {
		return fmt.Errorf("%w: its schema is version %d, this version of Satchel knows up to %d", ErrNewerSchema, v, latest)
	}
	for _, m := range ms[v:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", m.version, m.name); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// schemaVersion is the highest applied migration, 0 for a new file.
func schemaVersion(ctx context.Context, q querier) (int, error) {
	var tables, migrations int
	err := q.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = 'schema_migrations')
		FROM sqlite_schema WHERE type = 'table'`).Scan(&tables, &migrations)
	if err != nil {
		return 0, fmt.Errorf("read schema: %w", err)
	}
	if migrations == 0 {
		if tables > 0 {
			return 0, errors.New("the file is an SQLite database but not a Satchel wallet")
		}
		return 0, nil
	}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// cached returns the prepared statement for query, or nil.
func (s *Store) cached(query string) *sql.Stmt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stmts[query]
}

// stmt returns the prepared statement for query, preparing it on first use.
// The set of queries is fixed (search builds one of a few dozen shapes), so
// the cache stays small. The lock is not held while preparing, which may
// wait for a connection.
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	st, ok := s.stmts[query]
	closed := s.stmts == nil
	s.mu.Unlock()
	switch {
	case closed:
		return nil, errors.New("wallet is closed")
	case ok:
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stmts == nil {
		st.Close()
		return nil, errors.New("wallet is closed")
	}
	if prev, ok := s.stmts[query]; ok {
		st.Close()
		return prev, nil
	}
	s.stmts[query] = st
	return st, nil
}
