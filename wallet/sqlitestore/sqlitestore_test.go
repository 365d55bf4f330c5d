package sqlitestore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
	"github.com/satchel-wallet/satchel/wallet/storetest"
)

func openTemp(t testing.TB) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "wallet.db"), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) wallet.Store {
		s := openTemp(t)
		t.Cleanup(func() {
			// Whatever the suite did, the file is sound.
			s2, err := sqlitestore.Open(context.Background(), s.Path(), sqlitestore.Options{})
			if err != nil {
				t.Errorf("reopen: %v", err)
				return
			}
			defer s2.Close()
			if err := s2.IntegrityCheck(context.Background()); err != nil {
				t.Error(err)
			}
		})
		return s
	})
}

func TestPersists(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "wallet.db")
	s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := storetest.NewCredential(7)
	if err := s.AddCredential(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(ctx, "language", "es"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sqlitestore.Open(ctx, path, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Credential(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Raw) != string(c.Raw) || got.Title != c.Title {
		t.Errorf("reopened credential differs")
	}
	if v, err := s.Setting(ctx, "language"); err != nil || v != "es" {
		t.Errorf("reopened setting: %q, %v", v, err)
	}
	p, err := s.Search(ctx, wallet.Query{Text: c.Title})
	if err != nil || len(p.Entries) != 1 {
		t.Errorf("search after reopen: %d, %v", len(p.Entries), err)
	}
}

func TestSchemaVersionRecorded(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	db, err := sql.Open("sqlite", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version int
	if err := db.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&version); err != nil || version != sqlitestore.SchemaVersion() {
		t.Errorf("schema version %d, %v; want %d", version, err, sqlitestore.SchemaVersion())
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
		{name: "ok/path-with-odd-characters", prepare: func(t *testing.T, path string) {}},
		{name: "ok/again", prepare: func(t *testing.T, path string) {
			s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
		}},
		{name: "fail/newer-schema", want: sqlitestore.ErrNewerSchema, prepare: func(t *testing.T, path string) {
			s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			execSQL(t, path, "INSERT INTO schema_migrations (version, name) VALUES (99, '0099_future.sql')")
		}},
		{name: "fail/other-database", errText: "not a Satchel wallet", prepare: func(t *testing.T, path string) {
			execSQL(t, path, "CREATE TABLE notes (body TEXT)")
		}},
		{name: "fail/not-a-database", errText: "not a database", prepare: func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte(strings.Repeat("this is not SQLite\n", 300)), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "wallet.db"
			if strings.Contains(tt.name, "odd") {
				name = "my wallet?#%20 ñ.db"
			}
			path := filepath.Join(t.TempDir(), name)
			if tt.prepare != nil {
				tt.prepare(t, path)
			}
			s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
			switch {
			case tt.want == nil && tt.errText == "":
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				if _, err := os.Stat(path); err != nil {
					t.Errorf("database not at %s: %v", path, err)
				}
				c := storetest.NewCredential(1)
				if err := s.AddCredential(ctx, &c); err != nil {
					t.Fatal(err)
				}
			case err == nil:
				s.Close()
				t.Fatalf("open succeeded, want an error")
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Fatalf("open: %v, want %v", err, tt.want)
			case !strings.Contains(err.Error(), tt.errText):
				t.Fatalf("open: %v, want it to say %q", err, tt.errText)
			}
		})
	}
}

func execSQL(t *testing.T, path, query string) {
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

// TestNewerSchemaChangesNothing: refusing a newer file leaves it as it was.
func TestNewerSchemaChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wallet.db")
	s, err := sqlitestore.Open(t.Context(), path, sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	next := sqlitestore.SchemaVersion() + 1
	execSQL(t, path, fmt.Sprintf("INSERT INTO schema_migrations (version, name) VALUES (%d, 'future.sql')", next))
	if _, err := sqlitestore.Open(t.Context(), path, sqlitestore.Options{}); !errors.Is(err, sqlitestore.ErrNewerSchema) {
		t.Fatalf("open: %v", err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n != next {
		t.Errorf("schema_migrations has %d rows, %v", n, err)
	}
}

// TestFailedWriteLeavesNothing makes the second statement of AddCredential
// fail (a trigger refuses the bytes) and checks that the first one is
// undone: on its own, and inside a Tx that goes on and commits.
func TestFailedWriteLeavesNothing(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	execSQL(t, s.Path(), `CREATE TRIGGER refuse AFTER INSERT ON credential_data
		WHEN NEW.raw = CAST('boom' AS BLOB) BEGIN SELECT RAISE(ABORT, 'refused'); END`)
	boom := storetest.NewCredential(1)
	boom.Raw = []byte("boom")
	if err := s.AddCredential(t.Context(), &boom); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("add: %v, want the trigger's error", err)
	}
	err := s.Tx(t.Context(), func(tx wallet.Ops) error {
		b := boom
		if err := tx.AddCredential(t.Context(), &b); err == nil {
			return errors.New("the trigger did not fire")
		}
		ok := storetest.NewCredential(2)
		return tx.AddCredential(t.Context(), &ok)
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Search(t.Context(), wallet.Query{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != 1 || p.Entries[0].Title != storetest.NewCredential(2).Title {
		t.Fatalf("%d entries after failed adds, want only %q", len(p.Entries), storetest.NewCredential(2).Title)
	}
	p, err = s.Search(t.Context(), wallet.Query{Text: boom.Title})
	if err != nil || len(p.Entries) != 0 {
		t.Fatalf("search finds a failed add: %v, %v", p.Entries, err)
	}
	db, err := sql.Open("sqlite", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, terms int
	db.QueryRow("SELECT count(*) FROM credentials").Scan(&rows)
	db.QueryRow("SELECT count(*) FROM skill_terms").Scan(&terms)
	if rows != 1 || terms != len(storetest.NewCredential(2).Skills)*2-countNoCode(storetest.NewCredential(2).Skills) {
		t.Errorf("%d credential rows and %d skill terms left", rows, terms)
	}
	if err := s.IntegrityCheck(t.Context()); err != nil {
		t.Error(err)
	}
}

func countNoCode(skills []wallet.Skill) int {
	n := 0
	for _, s := range skills {
		if s.Code == "" {
			n++
		}
	}
	return n
}
