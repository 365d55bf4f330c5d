package sqlite

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

	"modernc.org/sqlite"

	"github.com/satchel-wallet/satchel/issuer/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrNewerSchema: the database was written by a newer version of the
// issuer, whose schema this one does not know. Nothing is changed.
var ErrNewerSchema = errors.New("issuer database is newer than this version of the issuer")

// applicationID marks an SQLite file as an issuer database ("SATI"), so
// that Open does not mistake a wallet, or any other SQLite file, for one.
const applicationID = 0x53415449

// busyTimeoutMS is how long a write waits for another process's write
// lock before it fails.
const busyTimeoutMS = 5000

// readers is the number of read connections.
const readers = 4

// Store is a store.Store in one SQLite file.
type Store struct {
	ops
	path string
	// read is a pool of query_only connections.
	read *sql.DB
	// write has the one connection every write goes through; w holds it
	// while no write transaction runs (see acquire).
	write *sql.DB
	w     chan *writer

	mu    sync.Mutex
	stmts map[string]*sql.Stmt // prepared on read, by query
}

var _ store.Store = (*Store)(nil)

// writer is the write connection with the statements prepared on it. Only
// the holder of the writer uses it.
type writer struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

// Open opens the issuer database at path, creating it when it does not
// exist and bringing its schema up to date. It refuses a database whose
// schema is newer than this code's (ErrNewerSchema) and an SQLite file that
// is not an issuer database.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open issuer database: no path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open issuer database %s: %w", path, err)
	}
	s := &Store{path: abs, w: make(chan *writer, 1), stmts: map[string]*sql.Stmt{}}
	s.ops = ops{s: s}
	if err := s.open(ctx); err != nil {
		s.closeAll()
		return nil, fmt.Errorf("open issuer database %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	wc, err := sqlite.NewConnector(dsn(s.path, false))
	if err != nil {
		return err
	}
	s.write = sql.OpenDB(wc)
	s.write.SetMaxOpenConns(1)
	s.write.SetMaxIdleConns(1)
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return err
	}
	w := &writer{conn: conn, stmts: map[string]*sql.Stmt{}}
	if err := migrate(ctx, conn); err != nil {
		conn.Close()
		return err
	}
	s.w <- w
	// Readers open after the writer made the file (and put it in WAL
	// mode), so they never need a write lock themselves.
	rc, err := sqlite.NewConnector(dsn(s.path, true))
	if err != nil {
		return err
	}
	s.read = sql.OpenDB(rc)
	s.read.SetMaxOpenConns(readers)
	s.read.SetMaxIdleConns(readers)
	return s.read.PingContext(ctx)
}

// dsn builds a file: URI (so any path works, '?' and '#' included) with the
// settings each connection applies when it opens. The writer's BEGIN takes
// the write lock at once (_txlock=immediate), so a write transaction never
// has to upgrade a read lock, which could fail with SQLITE_BUSY at once.
func dsn(abs string, readOnly bool) string {
	u := url.URL{Scheme: "file", OmitHost: true, Path: filepath.ToSlash(abs)}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.Itoa(busyTimeoutMS)+")")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		q.Add("_txlock", "immediate")
	}
	return u.String() + "?" + q.Encode()
}

// Close closes the database. It waits for a running write transaction to
// end.
func (s *Store) Close() error {
	w := <-s.w
	w.close()
	s.w <- &writer{} // later writes fail: the connection is gone
	err := s.closeAll()
	if err != nil {
		return fmt.Errorf("close issuer database %s: %w", s.path, err)
	}
	return nil
}

func (s *Store) closeAll() error {
	s.mu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.mu.Unlock()
	var errs []error
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil {
		errs = append(errs, s.write.Close())
	}
	return errors.Join(errs...)
}

func (w *writer) close() {
	if w.conn == nil {
		return
	}
	for _, st := range w.stmts {
		st.Close()
	}
	w.conn.Close()
	w.conn, w.stmts = nil, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Ping implements store.Store: a read answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping issuer database: %w", err)
	}
	return nil
}

// acquire waits for the writer, or for ctx to end.
func (s *Store) acquire(ctx context.Context) (*writer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case w := <-s.w:
		if w.conn == nil {
			s.w <- w
			return nil, errors.New("issuer database is closed")
		}
		return w, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *Store) release(w *writer) { s.w <- w }

// Tx implements store.Store.
func (s *Store) Tx(ctx context.Context, fn func(store.Ops) error) error {
	return s.inTx(ctx, func(o ops) error { return fn(o) })
}

// inTx runs fn in a write transaction: BEGIN IMMEDIATE on the writer,
// COMMIT when fn returns nil, ROLLBACK otherwise, also when fn panics.
func (s *Store) inTx(ctx context.Context, fn func(o ops) error) (err error) {
	w, err := s.acquire(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer s.release(w)
	if _, err := w.exec(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	t := &txState{}
	committed := false
	defer func() {
		t.over = true
		if !committed {
			// With a context that is not done: the transaction must end
			// whatever happened to ctx, or the writer stays in it.
			if _, rerr := w.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil && err != nil && !isNoTx(rerr) {
				err = errors.Join(err, fmt.Errorf("roll back: %w", rerr))
			}
		}
	}()
	if err := fn(ops{s: s, w: w, tx: t}); err != nil {
		return err
	}
	if t.broken != nil {
		// fn carried on after an error that ended the transaction.
		return fmt.Errorf("commit: %w", t.usable())
	}
	if _, err := w.exec(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	committed = true
	return nil
}

// inTransaction reports whether the writer is inside a transaction, or
// SQLite ended it. There is no PRAGMA for that; BEGIN answers it: it fails
// inside a transaction, and outside one starts an empty one, which is
// rolled back at once.
func (w *writer) inTransaction(ctx context.Context) bool {
	ctx = context.WithoutCancel(ctx)
	_, err := w.conn.ExecContext(ctx, "BEGIN")
	if err == nil {
		w.conn.ExecContext(ctx, "ROLLBACK")
		return false
	}
	return strings.Contains(err.Error(), "within a transaction")
}

// isNoTx reports whether err says that no transaction is active: SQLite
// rolls back by itself after some errors (SQLITE_FULL, an interrupt).
func isNoTx(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no transaction is active")
}

// readStmt returns the statement prepared for query on the read pool,
// preparing it on first use. database/sql prepares it again on each
// connection it runs on.
func (s *Store) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	s.mu.Lock()
	st, ok := s.stmts[query]
	closed := s.stmts == nil
	s.mu.Unlock()
	switch {
	case closed:
		return nil, errors.New("issuer database is closed")
	case ok:
		return st, nil
	}
	st, err := s.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stmts == nil {
		st.Close()
		return nil, errors.New("issuer database is closed")
	}
	if prev, ok := s.stmts[query]; ok {
		st.Close()
		return prev, nil
	}
	s.stmts[query] = st
	return st, nil
}

// stmt returns the statement prepared for query on the write connection.
// The set of queries is fixed and small, so the cache is too.
func (w *writer) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := w.stmts[query]; ok {
		return st, nil
	}
	st, err := w.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	w.stmts[query] = st
	return st, nil
}

func (w *writer) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
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

// migrate brings the schema up to date in one transaction. A database
// already at this version costs one small read.
func migrate(ctx context.Context, conn *sql.Conn) (err error) {
	ms, err := migrations()
	if err != nil {
		return err
	}
	latest := len(ms)
	v, err := schemaVersion(ctx, conn)
	if err != nil || v == latest {
		return err
	}
	if v > latest {
		return newer(v, latest)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer func() {
		if err != nil {
			conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	// Another process may have migrated while this one waited for the
	// lock.
	if v, err = schemaVersion(ctx, conn); err != nil {
		return err
	}
	if v > latest {
		return newer(v, latest)
	}
	for _, m := range ms[v:] {
		if _, err := conn.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	// PRAGMAs take no parameters; both values are numbers of ours.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, latest)); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

func newer(v, latest int) error {
	return fmt.Errorf("%w: its schema is version %d, this version knows up to %d; upgrade the issuer", ErrNewerSchema, v, latest)
}

// schemaVersion is the file's schema version, 0 for a new file.
func schemaVersion(ctx context.Context, conn *sql.Conn) (int, error) {
	var app, version, objects int
	err := conn.QueryRowContext(ctx, `SELECT (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema)`).Scan(&app, &version, &objects)
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case app == applicationID:
		return version, nil
	case app == 0 && objects == 0:
		return 0, nil
	default:
		return 0, errors.New("the file is an SQLite database but not a Satchel issuer database")
	}
}
