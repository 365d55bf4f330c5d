package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

// backup FILE: one archive of the wallet's database (credentials, reports,
// portfolios, caches and the sealed holder key), encrypted under the
// passphrase.
func (e env) backup(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: backup FILE", errUsage)
	}
	if _, err := os.Stat(args[0]); err == nil {
		return fmt.Errorf("%w: %s exists already", errUsage, args[0])
	}
	pass, err := e.pass()
	if err != nil {
		return err
	}
	st, err := e.open(false)
	if err != nil {
		return err
	}
	defer st.Close()
	dir, err := os.MkdirTemp(filepath.Dir(args[0]), ".backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	snap := filepath.Join(dir, "wallet.db")
	if err := st.Snapshot(e.ctx, snap); err != nil {
		return err
	}
	db, err := os.ReadFile(snap)
	if err != nil {
		return err
	}
	archive, err := wallet.SealArchive(db, pass, wallet.DefaultKDF, nil)
	if err != nil {
		return err
	}
	if err := os.WriteFile(args[0], archive, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes, encrypted)\n", args[0], len(archive))
	return nil
}

// restore FILE: a backup into a new wallet at --db; nothing changes when the
// passphrase is wrong or the archive damaged.
func (e env) restore(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("%w: restore FILE", errUsage)
	}
	if _, err := os.Stat(e.db); err == nil {
		return fmt.Errorf("%w: %s exists: restore only into a new wallet", errUsage, e.db)
	}
	pass, err := e.pass()
	if err != nil {
		return err
	}
	f, err := os.Open(args[0])
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	defer f.Close()
	archive, err := io.ReadAll(io.LimitReader(f, wallet.MaxArchiveBytes+1))
	if err != nil {
		return err
	}
	db, err := wallet.OpenArchive(archive, pass)
	if err != nil {
		return err
	}
	if err := sqlitestore.Restore(e.ctx, e.db, db); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s from %s\n", e.db, args[0])
	return nil
}
