package sqlitestore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Snapshot writes a consistent copy of the wallet to dst (which must not
// exist) while the wallet stays open: VACUUM INTO copies one transaction's
// view, compacted.
func (s *Store) Snapshot(ctx context.Context, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("snapshot: %s exists", dst)
	}
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	return nil
}

// Restore makes the wallet at path from a database image (a Snapshot's
// bytes) — only where no wallet is: restoring never overwrites. The image
// is written beside path, opened, migrated and checked (integrity, the
// full-text index) before it is moved into place; on any failure nothing is
// left behind.
func Restore(ctx context.Context, path string, image []byte) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("restore: %s exists: restore only into a new wallet", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("restore: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".restore-*.db")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			os.Remove(name)
			os.Remove(name + "-wal")
			os.Remove(name + "-shm")
		}
	}()
	if _, err := tmp.Write(image); err != nil {
		tmp.Close()
		return fmt.Errorf("restore: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("restore: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	st, err := Open(ctx, name, Options{})
	if err != nil {
		return fmt.Errorf("restore: the backup holds no usable wallet: %w", err)
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		st.Close()
		return fmt.Errorf("restore: %w", err)
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.Link(name, path); err != nil { // fails if path appeared meanwhile
		return fmt.Errorf("restore: %w", err)
	}
	os.Remove(name)
	ok = true
	return nil
}
