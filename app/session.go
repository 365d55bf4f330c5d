package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"fyne.io/fyne/v2/lang"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

// State is where a session is: no wallet yet, a wallet that is locked, or
// one that is open.
type State int

// Session states.
const (
	FirstRun State = iota
	Locked
	Unlocked
)

// Errors the first-run and unlock screens explain.
var (
	ErrPassphraseMismatch = errors.New("the two passphrases differ")
	ErrPassphraseShort    = errors.New("the passphrase is too short")
	ErrLocked             = errors.New("the wallet is locked")
	ErrWalletExists       = errors.New("a wallet exists already")
)

// MinPassphrase is the shortest passphrase the app accepts, in characters.
const MinPassphrase = 8

// SettingLockAfter is the wallet setting that holds the idle time after
// which the app locks, in minutes (0: never).
const SettingLockAfter = "app.lock-after-minutes"

// DefaultLockAfter is the idle time after which the app locks when the
// learner has not chosen one.
const DefaultLockAfter = 5 * time.Minute

// Session is the wallet the app has open: where it lives, whether it is
// locked, and the holder's key while it is not. Its methods are safe to
// call from any goroutine; the store does the waiting.
type Session struct {
	// Path is the wallet's database file.
	Path string
	// KDF seals new keys and backups; zero means wallet.DefaultKDF.
	KDF wallet.KDFParams
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu       sync.Mutex
	store    *sqlitestore.Store
	holder   string
	signer   proof.Signer
	lastUsed time.Time
}

func (s *Session) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Session) kdf() wallet.KDFParams {
	if s.KDF == (wallet.KDFParams{}) {
		return wallet.DefaultKDF
	}
	return s.KDF
}

// Open opens the wallet at Path if there is one. No file is FirstRun.
func (s *Session) Open(ctx context.Context) (State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store != nil {
		return s.stateLocked(), nil
	}
	if _, err := os.Stat(s.Path); errors.Is(err, os.ErrNotExist) {
		return FirstRun, nil
	}
	if err := s.openLocked(ctx); err != nil {
		return FirstRun, err
	}
	return s.stateLocked(), nil
}

func (s *Session) openLocked(ctx context.Context) error {
	st, err := sqlitestore.Open(ctx, s.Path, sqlitestore.Options{})
	if err != nil {
		return fmt.Errorf("open wallet %s: %w", s.Path, err)
	}
	keys, err := st.HolderKeys(ctx)
	if err != nil {
		st.Close()
		return fmt.Errorf("open wallet %s: %w", s.Path, err)
	}
	if len(keys) == 0 {
		st.Close()
		return fmt.Errorf("open wallet %s: it has no holder key", s.Path)
	}
	s.store, s.holder = st, keys[0].DID
	return nil
}

// State is the session's state now.
func (s *Session) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stateLocked()
}

func (s *Session) stateLocked() State {
	switch {
	case s.store == nil:
		return FirstRun
	case s.signer == nil:
		return Locked
	}
	return Unlocked
}

// Strength is how hard a passphrase would be to guess, 0 (weak) to 3
// (strong), with a hint for making it stronger.
type Strength struct {
	Level int
	Hint  string
}

// PassphraseStrength rates a passphrase: length counts most, then mixing
// kinds of character or words.
func PassphraseStrength(p string) Strength {
	n := len([]rune(p))
	if n == 0 {
		return Strength{0, lang.L("Choose a passphrase of at least {{.N}} characters. A few unrelated words are easy to remember and hard to guess.", map[string]any{"N": MinPassphrase})}
	}
	var lower, upper, digit, other bool
	for _, r := range p {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	words := len(strings.Fields(p))
	switch {
	case n < MinPassphrase:
		return Strength{0, lang.L("Too short: use at least {{.N}} characters.", map[string]any{"N": MinPassphrase})}
	case n >= 20 && words >= 4 || n >= 16 && classes >= 3:
		return Strength{3, lang.L("Strong passphrase.")}
	case n >= 12 && (classes >= 2 || words >= 3):
		return Strength{2, lang.L("Good. Longer is stronger: four or more words is best.")}
	}
	return Strength{1, lang.L("Weak: add more words or mix letters, digits and symbols.")}
}

// Create makes a new wallet at Path, sealed under the passphrase typed
// twice, and leaves it unlocked. Nothing is written when the passphrases
// differ or are too short, and a failed creation leaves no file behind.
func (s *Session) Create(ctx context.Context, pass, confirm string) error {
	if pass != confirm {
		return ErrPassphraseMismatch
	}
	if len([]rune(pass)) < MinPassphrase || strings.TrimSpace(pass) == "" {
		return ErrPassphraseShort
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store != nil {
		return ErrWalletExists
	}
	if _, err := os.Stat(s.Path); err == nil {
		return ErrWalletExists
	}
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
		return fmt.Errorf("create wallet: %w", err)
	}
	st, err := sqlitestore.Open(ctx, s.Path, sqlitestore.Options{})
	if err != nil {
		return fmt.Errorf("create wallet: %w", err)
	}
	kr := &wallet.Keyring{Store: st, KDF: s.kdf(), Now: s.now}
	hk, err := kr.Create(ctx, []byte(pass))
	if err == nil {
		var signer proof.Signer
		signer, err = kr.Unlock(ctx, hk.DID, []byte(pass))
		if err == nil {
			s.store, s.holder, s.signer, s.lastUsed = st, hk.DID, signer, s.now()
			return nil
		}
	}
	st.Close()
	removeDB(s.Path)
	return fmt.Errorf("create wallet: %w", err)
}

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// Restore makes the wallet at Path from a backup (where there is none yet)
// and unlocks it with the same passphrase. A wrong passphrase or a damaged
// backup changes nothing.
func (s *Session) Restore(ctx context.Context, archive []byte, pass string) error {
	db, err := wallet.OpenArchive(archive, []byte(pass))
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store != nil {
		return ErrWalletExists
	}
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
		return fmt.Errorf("restore wallet: %w", err)
	}
	if err := sqlitestore.Restore(ctx, s.Path, db); err != nil {
		return fmt.Errorf("restore wallet: %w", err)
	}
	if err := s.openLocked(ctx); err != nil {
		return err
	}
	// The backup's passphrase is normally the key's too; if it was changed
	// since, the wallet stays locked and asks.
	if signer, err := (&wallet.Keyring{Store: s.store}).Unlock(ctx, s.holder, []byte(pass)); err == nil {
		s.signer, s.lastUsed = signer, s.now()
	}
	return nil
}

// Unlock opens the holder key with the passphrase. A wrong one returns
// wallet.ErrWrongPassphrase and changes nothing.
func (s *Session) Unlock(ctx context.Context, pass string) error {
	s.mu.Lock()
	st, holder := s.store, s.holder
	s.mu.Unlock()
	if st == nil {
		return fmt.Errorf("unlock: %w", os.ErrNotExist)
	}
	signer, err := (&wallet.Keyring{Store: st}).Unlock(ctx, holder, []byte(pass))
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.signer, s.lastUsed = signer, s.now()
	s.mu.Unlock()
	return nil
}

// Sync runs the wallet's queue of work that waited for the network —
// offers to receive, answers to post, status lists to refresh — each once,
// in order; a network failure leaves the rest for the next try. Offers
// are received with the holder key, so the wallet must be unlocked
// (ErrLocked otherwise).
func (s *Session) Sync(ctx context.Context, net wallet.NetOptions) (wallet.SyncReport, error) {
	signer, err := s.Signer()
	if err != nil {
		return wallet.SyncReport{}, err
	}
	w, err := s.Wallet(ctx)
	if err != nil {
		return wallet.SyncReport{}, err
	}
	return w.RunQueue(ctx, signer, net)
}

// Lock forgets the unlocked key; the wallet asks for the passphrase again.
func (s *Session) Lock() {
	s.mu.Lock()
	s.signer = nil
	s.mu.Unlock()
}

// Touch records that the learner did something, for the idle lock.
func (s *Session) Touch() {
	s.mu.Lock()
	s.lastUsed = s.now()
	s.mu.Unlock()
}

// LockIfIdle locks the wallet when it has been unlocked and unused for
// longer than after (0: never) and reports whether it did.
func (s *Session) LockIfIdle(after time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if after <= 0 || s.signer == nil || s.now().Sub(s.lastUsed) < after {
		return false
	}
	s.signer = nil
	return true
}

// LockAfter is the idle time the learner chose, or DefaultLockAfter.
func (s *Session) LockAfter(ctx context.Context) time.Duration {
	st := s.Store()
	if st == nil {
		return DefaultLockAfter
	}
	v, err := st.Setting(ctx, SettingLockAfter)
	if err != nil {
		return DefaultLockAfter
	}
	m, err := strconv.Atoi(v)
	if err != nil || m < 0 {
		return DefaultLockAfter
	}
	return time.Duration(m) * time.Minute
}

// SetLockAfter keeps the idle time after which the app locks (0: never).
func (s *Session) SetLockAfter(ctx context.Context, d time.Duration) error {
	st, err := s.unlockedStore()
	if err != nil {
		return err
	}
	return st.SetSetting(ctx, SettingLockAfter, strconv.Itoa(int(d/time.Minute)))
}

// Store is the open wallet's store, nil before one exists.
func (s *Session) Store() wallet.Store {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil {
		return nil
	}
	return s.store
}

// unlockedStore is the store, when the wallet is unlocked: screens behind
// the lock read and write only then.
func (s *Session) unlockedStore() (wallet.Store, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil || s.signer == nil {
		return nil, ErrLocked
	}
	return s.store, nil
}

// Holder is the learner's DID.
func (s *Session) Holder() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.holder
}

// Signer is the unlocked holder key.
func (s *Session) Signer() (proof.Signer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.signer == nil {
		return nil, ErrLocked
	}
	return s.signer, nil
}

// Wallet is the open wallet with offline verification from its caches and
// trusted registries.
func (s *Session) Wallet(ctx context.Context) (*wallet.Wallet, error) {
	st, err := s.unlockedStore()
	if err != nil {
		return nil, err
	}
	vo, err := wallet.OfflineVerifier(ctx, st)
	if err != nil {
		return nil, err
	}
	return &wallet.Wallet{Store: st, Verifier: vo, Clock: s.now}, nil
}

// Trust is the trusted registries merged as the verifier sees them; nil
// when none is loaded.
func (s *Session) Trust(ctx context.Context) (*verifier.Registry, error) {
	st, err := s.unlockedStore()
	if err != nil {
		return nil, err
	}
	return wallet.Trust(ctx, st)
}

// Backup is an encrypted archive of the whole wallet under the
// passphrase, which must be the wallet's own (so that the learner cannot
// seal a backup under a passphrase they mistyped).
func (s *Session) Backup(ctx context.Context, pass string) ([]byte, error) {
	s.mu.Lock()
	st, holder := s.store, s.holder
	s.mu.Unlock()
	if st == nil {
		return nil, ErrLocked
	}
	if _, err := (&wallet.Keyring{Store: st}).Unlock(ctx, holder, []byte(pass)); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(filepath.Dir(s.Path), ".backup-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(dir)
	snap := filepath.Join(dir, "wallet.db")
	if err := st.Snapshot(ctx, snap); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	db, err := os.ReadFile(snap)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return wallet.SealArchive(db, []byte(pass), s.kdf(), nil)
}

// ReplaceFromBackup replaces the open wallet with a backup. The wallet it
// replaces is kept beside it (PATH.replaced-TIME) until the learner deletes
// it; if anything fails, the open wallet stays as it was.
func (s *Session) ReplaceFromBackup(ctx context.Context, archive []byte, pass string) (kept string, err error) {
	db, err := wallet.OpenArchive(archive, []byte(pass))
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil || s.signer == nil {
		return "", ErrLocked
	}
	// Restore into a new file first: the open wallet is not touched until
	// the backup has been written, migrated and checked.
	fresh := s.Path + ".restoring"
	removeDB(fresh)
	if err := sqlitestore.Restore(ctx, fresh, db); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if err := s.store.Close(); err != nil {
		removeDB(fresh)
		return "", fmt.Errorf("restore: %w", err)
	}
	s.store, s.signer = nil, nil
	kept = s.Path + ".replaced-" + s.now().UTC().Format("20060102T150405Z")
	moved := []string{}
	undo := func() {
		for _, suffix := range moved {
			os.Rename(kept+suffix, s.Path+suffix)
		}
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Stat(s.Path + suffix); err != nil {
			continue
		}
		if err := os.Rename(s.Path+suffix, kept+suffix); err != nil {
			undo()
			removeDB(fresh)
			return "", errors.Join(fmt.Errorf("restore: %w", err), s.openLocked(ctx))
		}
		moved = append(moved, suffix)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Stat(fresh + suffix); err != nil {
			continue
		}
		if err := os.Rename(fresh+suffix, s.Path+suffix); err != nil {
			removeDB(s.Path)
			undo()
			removeDB(fresh)
			return "", errors.Join(fmt.Errorf("restore: %w", err), s.openLocked(ctx))
		}
	}
	if err := s.openLocked(ctx); err != nil {
		return kept, err
	}
	if signer, err := (&wallet.Keyring{Store: s.store}).Unlock(ctx, s.holder, []byte(pass)); err == nil {
		s.signer, s.lastUsed = signer, s.now()
	}
	return kept, nil
}

// Close closes the wallet.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signer = nil
	if s.store == nil {
		return nil
	}
	err := s.store.Close()
	s.store = nil
	return err
}
