package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/issuer/store/postgres/pgtest"
	"github.com/satchel-wallet/satchel/issuer/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// rawStore lets the conformance suite run SQL of its own against the
// database, as an operator with psql could.
type rawStore struct{ *Store }

func (s rawStore) ExecRaw(ctx context.Context, query string) error {
	_, err := s.pool.Exec(ctx, query)
	return err
}

// openNew opens a new database. Its schema comes from a template that Open
// migrated once: copying it is cheaper than migrating each database, and
// the tests below that matter migrate empty databases.
func openNew(t *testing.T) (*Store, string) {
	t.Helper()
	tmpl := pgtest.Template(t, "issuer-schema", func(ctx context.Context, dsn string) error {
		s, err := Open(ctx, dsn)
		if err != nil {
			return err
		}
		return s.Close()
	})
	dsn := pgtest.NewDatabaseFrom(t, tmpl)
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	return s, dsn
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, _ := openNew(t)
		return rawStore{s}
	})
}

// TestAuditTruncate checks what only PostgreSQL has: TRUNCATE, which row
// triggers do not see, cannot empty the audit log either.
func TestAuditTruncate(t *testing.T) {
	ctx := t.Context()
	s, _ := openNew(t)
	defer s.Close()
	if err := s.Audit(ctx, store.AuditEntry{At: storetest.T0, Actor: "admin", Action: "credential.issue"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"TRUNCATE audit", "TRUNCATE audit RESTART IDENTITY CASCADE", "DELETE FROM audit WHERE false"} {
		if _, err := s.pool.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only error", q, err)
		}
	}
	if log, err := s.AuditLog(ctx, "", 0); err != nil || len(log) != 1 {
		t.Errorf("audit log: %d entries, %v", len(log), err)
	}
}

func TestReopen(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.NewDatabase(t) // empty: Open migrates it
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateInstitution(ctx, storetest.NewInstitution("svc")); err != nil {
		t.Fatal(err)
	}
	if err := s.Audit(ctx, store.AuditEntry{At: storetest.T0, Actor: "admin", Action: "institution.create", Institution: "svc"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, dsn)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if _, err := s.Institution(ctx, "svc"); err != nil {
		t.Errorf("reopened: %v", err)
	}
	if log, err := s.AuditLog(ctx, "svc", 0); err != nil || len(log) != 1 {
		t.Errorf("reopened audit log: %d entries, %v", len(log), err)
	}
	var n int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM satchel_issuer_migrations").Scan(&n); err != nil || n != SchemaVersion() {
		t.Errorf("%d migrations recorded, %v; want %d", n, err, SchemaVersion())
	}
}

// TestOpenTogether starts several instances on one new database at once,
// as a deployment rolling out does: the advisory lock makes one migrate
// and the others find the schema ready.
func TestOpenTogether(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.NewDatabase(t)
	const instances = 5
	var wg sync.WaitGroup
	stores := make([]*Store, instances)
	errs := make([]error, instances)
	for i := range instances {
		wg.Go(func() { stores[i], errs[i] = Open(ctx, dsn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
			continue
		}
		defer stores[i].Close()
	}
	if t.Failed() {
		return
	}
	// Each instance works on the one schema.
	for i, s := range stores {
		if err := s.CreateInstitution(ctx, storetest.NewInstitution(fmt.Sprint("inst-", i))); err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}
	ins, err := stores[0].Institutions(ctx)
	if err != nil || len(ins) != instances {
		t.Errorf("%d institutions, %v", len(ins), err)
	}
}

func TestNewerSchema(t *testing.T) {
	ctx := t.Context()
	s, dsn := openNew(t)
	_, err := s.pool.Exec(ctx, "INSERT INTO satchel_issuer_migrations (version, name) VALUES ($1, 'from-the-future.sql')", SchemaVersion()+1)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctx, dsn)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("open: %v, want ErrNewerSchema", err)
	}
	if want := fmt.Sprintf("version %d, this version knows up to %d", SchemaVersion()+1, SchemaVersion()); !strings.Contains(err.Error(), want) {
		t.Errorf("open: %v, want it to say %q", err, want)
	}
}

func TestOpenBadDSN(t *testing.T) {
	tests := []struct{ name, dsn string }{
		{"fail/not-a-dsn", "postgres://%zz"},
		{"fail/bad-url-with-password", "postgres://issuer:s3cret-pw@db.example:5432:99/issuer"},
		{"fail/bad-pairs-with-password", "host=db.example password='s3cret-pw port=oops"},
		{"fail/nobody-listens", "host=127.0.0.1 port=1 user=nobody password=s3cret-pw dbname=none sslmode=disable connect_timeout=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(t.Context(), tt.dsn)
			if err == nil {
				s.Close()
				t.Fatal("open succeeded")
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}
