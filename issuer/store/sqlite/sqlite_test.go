package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/issuer/store/storetest"
)

// rawStore lets the conformance suite run SQL of its own against the file,
// on a connection of its own, as an operator with the sqlite3 shell could.
type rawStore struct{ *Store }

func (s rawStore) ExecRaw(ctx context.Context, query string) error {
	db, err := sql.Open("sqlite", s.path)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, query)
	return err
}

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "issuer.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s := openTemp(t)
		t.Cleanup(func() {
			// Whatever the suite did, the file is sound.
			db, err := sql.Open("sqlite", s.path)
			if err != nil {
				t.Error(err)
				return
			}
			defer db.Close()
			var ok string
			if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
				t.Errorf("integrity check: %q, %v", ok, err)
			}
			rows, err := db.Query("PRAGMA foreign_key_check")
			if err != nil {
				t.Error(err)
				return
			}
			defer rows.Close()
			if rows.Next() {
				t.Error("foreign key check: violations")
			}
		})
		return rawStore{s}
	})
}

func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "issuer.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	in := storetest.NewInstitution("svc")
	c := storetest.NewCredential("urn:uuid:1", "svc", store.StatusEntry{List: "l", Purpose: store.PurposeRevocation, Index: 7})
	err = s.Tx(ctx, func(tx store.Ops) error {
		if err := tx.CreateInstitution(ctx, in); err != nil {
			return err
		}
		if err := tx.AddStatusList(ctx, storetest.NewStatusList("l", "svc", store.PurposeRevocation)); err != nil {
			return err
		}
		if _, err := tx.ReserveIndices(ctx, "l", []int64{7}); err != nil {
			return err
		}
		if err := tx.AddCredential(ctx, c); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: storetest.T0, Actor: "admin", Action: "credential.issue", Institution: "svc"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.Credential(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Body) != string(c.Body) || len(got.Status) != 1 || got.Status[0].Index != 7 {
		t.Errorf("reopened credential differs: %+v", got.Status)
	}
	if log, err := s.AuditLog(ctx, "", 0); err != nil || len(log) != 1 {
		t.Errorf("reopened audit log: %d entries, %v", len(log), err)
	}
	// Reserved indices stay reserved.
	if r, err := s.ReserveIndices(ctx, "l", []int64{7, 8}); err != nil || len(r) != 1 || r[0] != 8 {
		t.Errorf("reserve after reopen: %v, %v", r, err)
	}
}

func TestOpen(t *testing.T) {
	ctx := t.Context()
	tests := []struct {
		name    string
		prepare func(t *testing.T, path string)
		want    error
		errText string
	}{
		{name: "ok/new-file"},
		{name: "ok/again", prepare: func(t *testing.T, path string) {
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
		}},
		{name: "fail/newer-schema", want: ErrNewerSchema, errText: fmt.Sprintf("version %d, this version knows up to %d", SchemaVersion()+1, SchemaVersion()),
			prepare: func(t *testing.T, path string) {
				s, err := Open(ctx, path)
				if err != nil {
					t.Fatal(err)
				}
				s.Close()
				rawExec(t, path, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1))
			}},
		{name: "fail/another-apps-database", errText: "not a Satchel issuer database", prepare: func(t *testing.T, path string) {
			rawExec(t, path, "CREATE TABLE credentials (id INTEGER PRIMARY KEY)")
		}},
		{name: "fail/not-a-database", errText: "not a database", prepare: func(t *testing.T, path string) {
			writeFile(t, path, strings.Repeat("this is not SQLite\n", 300))
		}},
		{name: "fail/no-path", errText: "no path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "issuer.db")
			if tt.name == "fail/no-path" {
				path = ""
			}
			if tt.prepare != nil {
				tt.prepare(t, path)
			}
			s, err := Open(ctx, path)
			if err == nil {
				defer s.Close()
			}
			switch {
			case tt.want == nil && tt.errText == "":
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				if err := s.Ping(ctx); err != nil {
					t.Errorf("ping: %v", err)
				}
			case err == nil:
				t.Fatal("open succeeded")
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Errorf("open: %v, want %v", err, tt.want)
			case !strings.Contains(err.Error(), tt.errText):
				t.Errorf("open: %v, want it to say %q", err, tt.errText)
			}
		})
	}
	t.Run("fail/newer-schema-left-unchanged", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "issuer.db")
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		rawExec(t, path, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1))
		if _, err := Open(ctx, path); !errors.Is(err, ErrNewerSchema) {
			t.Fatalf("open: %v", err)
		}
		var v int
		db, _ := sql.Open("sqlite", path)
		defer db.Close()
		if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != SchemaVersion()+1 {
			t.Errorf("user_version %d, %v after the refused open", v, err)
		}
	})
}

// TestPragmas checks the settings of the store's connections.
func TestPragmas(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	w, err := s.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check := func(who string, q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}, want map[string]string) {
		for name, v := range want {
			var got string
			if err := q.QueryRowContext(ctx, "PRAGMA "+name).Scan(&got); err != nil || got != v {
				t.Errorf("%s: PRAGMA %s = %q, %v; want %s", who, name, got, err, v)
			}
		}
	}
	check("writer", w.conn, map[string]string{"journal_mode": "wal", "foreign_keys": "1", "synchronous": "2", "busy_timeout": "5000",
		"application_id": fmt.Sprint(applicationID), "user_version": fmt.Sprint(SchemaVersion())})
	s.release(w)
	for i := range readers {
		c, err := s.read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		check(fmt.Sprint("reader ", i), c, map[string]string{"query_only": "1", "foreign_keys": "1", "busy_timeout": "5000"})
	}
}

// TestTwoProcesses opens one file twice, as two service processes would,
// and has both reserve indices in the same list at once: SQLite's lock,
// not this process's writer queue, must keep them apart.
func TestTwoProcesses(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "issuer.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.CreateInstitution(ctx, storetest.NewInstitution("svc")); err != nil {
		t.Fatal(err)
	}
	if err := b.AddStatusList(ctx, storetest.NewStatusList("l", "svc", store.PurposeRevocation)); err != nil {
		t.Fatal(err)
	}
	var (
		mu  sync.Mutex
		got = map[int64]int{}
		wg  sync.WaitGroup
	)
	for i, s := range []*Store{a, b, a, b} {
		wg.Go(func() {
			for r := range 20 {
				cands := []int64{int64(r * 2), int64(r*2 + 1), int64(r*2 + 2)}
				err := s.Tx(ctx, func(tx store.Ops) error {
					idx, err := tx.ReserveIndices(ctx, "l", cands)
					if err != nil || len(idx) == 0 {
						return err
					}
					return tx.AddCredential(ctx, storetest.NewCredential(fmt.Sprintf("urn:uuid:%d-%d", i, r), "svc",
						store.StatusEntry{List: "l", Purpose: store.PurposeRevocation, Index: idx[0]}))
				})
				if err != nil {
					t.Errorf("store %d round %d: %v", i, r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	cs, err := a.Credentials(ctx, store.CredentialQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		mu.Lock()
		got[c.Status[0].Index]++
		mu.Unlock()
	}
	for i, n := range got {
		if n > 1 {
			t.Errorf("index %d used by %d credentials", i, n)
		}
	}
	l, err := b.StatusList(ctx, "l")
	if err != nil || l.Reserved != 41 {
		t.Errorf("reserved %d, %v; want 41", l.Reserved, err)
	}
}

// rawExec runs SQL on the file behind any store's back.
func rawExec(t *testing.T, path, query string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestTxInterrupted covers what only SQLite does: when a write inside a
// Tx is interrupted (its context ends while it runs), SQLite rolls the
// whole transaction back by itself. The Tx must then fail and store
// nothing, rather than run what fn does next outside any transaction. A
// context that ended before the method began, on the other hand, stops
// only that method.
func TestTxInterrupted(t *testing.T) {
	ctx := t.Context()
	t.Run("fail/interrupted-write-ends-the-tx", func(t *testing.T) {
		s := openTemp(t)
		defer s.Close()
		err := s.Tx(ctx, func(tx store.Ops) error {
			if err := tx.CreateInstitution(ctx, storetest.NewInstitution("before")); err != nil {
				return err
			}
			// A write long enough to be interrupted: a hundred million
			// rows.
			short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			o := tx.(ops)
			err := o.write1(short, "long insert", func(o ops) error {
				_, err := o.exec(short, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000)
					INSERT INTO audit (at, actor, action, institution, subject, request, detail) SELECT x, 'a', 'b', '', '', '', '' FROM c`)
				return err
			})
			if err == nil {
				return errors.New("the long insert was not interrupted")
			}
			// fn carries on, as it may after a failed method.
			if err := tx.CreateInstitution(ctx, storetest.NewInstitution("after")); err == nil {
				t.Error("a write after the interrupted one ran")
			}
			return nil
		})
		if err == nil {
			t.Fatal("Tx succeeded")
		}
		ins, err := s.Institutions(ctx)
		if err != nil || ins != nil {
			t.Errorf("institutions %v, %v; want none", ins, err)
		}
		// The writer is fine for the next transaction.
		if err := s.CreateInstitution(ctx, storetest.NewInstitution("next")); err != nil {
			t.Errorf("next write: %v", err)
		}
	})
	t.Run("ok/cancelled-before-leaves-the-tx-usable", func(t *testing.T) {
		s := openTemp(t)
		defer s.Close()
		done, cancel := context.WithCancel(ctx)
		cancel()
		err := s.Tx(ctx, func(tx store.Ops) error {
			if err := tx.CreateInstitution(done, storetest.NewInstitution("cancelled")); !errors.Is(err, context.Canceled) {
				t.Errorf("with a cancelled context: %v", err)
			}
			if err := tx.Audit(done, store.AuditEntry{At: storetest.T0, Actor: "a", Action: "b"}); !errors.Is(err, context.Canceled) {
				t.Errorf("with a cancelled context: %v", err)
			}
			return tx.CreateInstitution(ctx, storetest.NewInstitution("kept"))
		})
		if err != nil {
			t.Fatal(err)
		}
		ins, err := s.Institutions(ctx)
		if err != nil || len(ins) != 1 || ins[0].Slug != "kept" {
			t.Errorf("institutions %v, %v; want kept", ins, err)
		}
	})
}
