package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/wallet"
)

func TestSessionCreateUnlock(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", WalletFile)
	s := &Session{Path: path, KDF: cheap, Now: clock}
	defer s.Close()
	if st, err := s.Open(ctx); err != nil || st != FirstRun {
		t.Fatalf("Open with no wallet: %v, %v; want first run", st, err)
	}
	for _, tc := range []struct {
		name, pass, confirm string
		want                error
	}{
		{"fail/mismatch", "correct horse battery", "correct horse batery", ErrPassphraseMismatch},
		{"fail/short", "short", "short", ErrPassphraseShort},
		{"fail/blank", "         ", "         ", ErrPassphraseShort},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.Create(ctx, tc.pass, tc.confirm); !errors.Is(err, tc.want) {
				t.Fatalf("Create: %v, want %v", err, tc.want)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Fatalf("a refused Create left %s (%v)", path, err)
			}
		})
	}
	if err := s.Create(ctx, passphrase, passphrase); err != nil {
		t.Fatal(err)
	}
	if s.State() != Unlocked || s.Holder() == "" {
		t.Fatalf("after Create: state %v, holder %q", s.State(), s.Holder())
	}
	if err := s.Create(ctx, passphrase, passphrase); !errors.Is(err, ErrWalletExists) {
		t.Errorf("second Create: %v", err)
	}
	s.Lock()
	if _, err := s.Signer(); !errors.Is(err, ErrLocked) {
		t.Errorf("locked signer: %v", err)
	}
	if _, err := LoadRecords(ctx, s, RecordsQuery{}); !errors.Is(err, ErrLocked) {
		t.Errorf("records of a locked wallet: %v", err)
	}
	if err := s.Unlock(ctx, "not the passphrase"); !errors.Is(err, wallet.ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if s.State() != Locked {
		t.Errorf("a wrong passphrase changed the state to %v", s.State())
	}
	if err := s.Unlock(ctx, passphrase); err != nil || s.State() != Unlocked {
		t.Fatalf("unlock: %v, %v", err, s.State())
	}
	s.Close()

	again := &Session{Path: path, KDF: cheap, Now: clock}
	defer again.Close()
	if st, err := again.Open(ctx); err != nil || st != Locked {
		t.Errorf("reopened: %v, %v; want locked", st, err)
	}
}

func TestSessionIdleLock(t *testing.T) {
	ctx := context.Background()
	at := now
	s := &Session{Path: filepath.Join(t.TempDir(), WalletFile), KDF: cheap, Now: func() time.Time { return at }}
	defer s.Close()
	if err := s.Create(ctx, passphrase, passphrase); err != nil {
		t.Fatal(err)
	}
	if got := s.LockAfter(ctx); got != DefaultLockAfter {
		t.Errorf("default lock after %v", got)
	}
	if err := s.SetLockAfter(ctx, 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	after := s.LockAfter(ctx)
	if after != 15*time.Minute {
		t.Fatalf("lock after %v, want 15m", after)
	}
	at = at.Add(10 * time.Minute)
	if s.LockIfIdle(after) {
		t.Fatal("locked after 10 minutes idle")
	}
	s.Touch()
	at = at.Add(14 * time.Minute)
	if s.LockIfIdle(after) {
		t.Fatal("locked 14 minutes after the last touch")
	}
	at = at.Add(2 * time.Minute)
	if !s.LockIfIdle(after) || s.State() != Locked {
		t.Fatal("not locked after 16 minutes idle")
	}
	if err := s.Unlock(ctx, passphrase); err != nil {
		t.Fatal(err)
	}
	at = at.Add(1000 * time.Hour)
	if s.LockIfIdle(0) {
		t.Error("locked although the learner chose never")
	}
}

func TestSessionBackupRestore(t *testing.T) {
	ctx := context.Background()
	s, _ := openSample(t)
	before, err := LoadRecords(ctx, s, RecordsQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Backup(ctx, "not the passphrase"); !errors.Is(err, wallet.ErrWrongPassphrase) {
		t.Errorf("backup under a wrong passphrase: %v", err)
	}
	archive, err := s.Backup(ctx, passphrase)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("fail/wrong-passphrase", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), WalletFile)
		r := &Session{Path: path, KDF: cheap, Now: clock}
		if err := r.Restore(ctx, archive, "wrong"); !errors.Is(err, wallet.ErrWrongPassphrase) {
			t.Fatalf("restore: %v", err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("a failed restore left %s", path)
		}
	})
	t.Run("fail/not-a-backup", func(t *testing.T) {
		r := &Session{Path: filepath.Join(t.TempDir(), WalletFile), KDF: cheap, Now: clock}
		if err := r.Restore(ctx, []byte(`{"not": "a backup"}`), passphrase); !errors.Is(err, wallet.ErrBadArchive) {
			t.Fatalf("restore: %v", err)
		}
	})
	t.Run("ok/new-device", func(t *testing.T) {
		r := &Session{Path: filepath.Join(t.TempDir(), WalletFile), KDF: cheap, Now: clock}
		defer r.Close()
		if err := r.Restore(ctx, archive, passphrase); err != nil {
			t.Fatal(err)
		}
		if r.State() != Unlocked || r.Holder() != s.Holder() {
			t.Fatalf("restored: state %v, holder %s", r.State(), r.Holder())
		}
		after, err := LoadRecords(ctx, r, RecordsQuery{})
		if err != nil || after.Total != before.Total {
			t.Errorf("restored %d records (%v), had %d", after.Total, err, before.Total)
		}
	})
	t.Run("ok/replace", func(t *testing.T) {
		if _, err := CreatePortfolio(ctx, s, "Made after the backup"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReplaceFromBackup(ctx, archive, "wrong"); !errors.Is(err, wallet.ErrWrongPassphrase) {
			t.Fatalf("replace with a wrong passphrase: %v", err)
		}
		list, _ := LoadPortfolios(ctx, s)
		if len(list.Portfolios) != 2 {
			t.Fatalf("a refused replace changed the portfolios: %+v", list)
		}
		kept, err := s.ReplaceFromBackup(ctx, archive, passphrase)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(kept); err != nil {
			t.Errorf("the replaced wallet was not kept: %v", err)
		}
		list, err = LoadPortfolios(ctx, s)
		if err != nil || len(list.Portfolios) != 1 {
			t.Errorf("after replace: %+v, %v; want the backup's one portfolio", list, err)
		}
	})
}

func TestPassphraseStrength(t *testing.T) {
	for _, tc := range []struct {
		pass string
		want int
	}{
		{"", 0},
		{"abc", 0},
		{"abcdefgh", 1},
		{"Abcdefgh12", 1},
		{"horse battery staple", 2},
		{"correct horse battery staple", 3},
		{"Tr0ub4dor&3xyzwv!", 3},
	} {
		if got := PassphraseStrength(tc.pass); got.Level != tc.want || got.Hint == "" {
			t.Errorf("strength of %q: %+v, want level %d with a hint", tc.pass, got, tc.want)
		}
	}
}
