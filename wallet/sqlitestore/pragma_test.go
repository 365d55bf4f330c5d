package sqlitestore

import (
	"path/filepath"
	"testing"
)

// TestPragmas checks the settings of the store's own connections, all of
// them: pragmas such as foreign_keys are per connection.
func TestPragmas(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "wallet.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "synchronous": "2", "busy_timeout": "5000"}
	for i := range 4 { // hold several connections at once so that each is new
		c, err := s.db.Conn(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for name, v := range want {
			var got string
			if err := c.QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&got); err != nil || got != v {
				t.Errorf("connection %d: PRAGMA %s = %q, %v; want %s", i, name, got, err, v)
			}
		}
	}
}
