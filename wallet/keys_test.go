package wallet_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

// weak are Argon2id costs for tests only: 64 KiB, one pass.
var weak = wallet.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

const pass = "correct horse battery staple"

// seeded is a deterministic source of randomness.
type seeded struct{ r *rand.ChaCha8 }

func newSeeded(seed byte) *seeded {
	var s [32]byte
	s[0] = seed
	return &seeded{rand.NewChaCha8(s)}
}

func (s *seeded) Read(p []byte) (int, error) { return s.r.Read(p) }

func newKeyring(t *testing.T) *wallet.Keyring {
	t.Helper()
	st, err := sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "wallet.db"), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &wallet.Keyring{Store: st, KDF: weak, Rand: newSeeded(1),
		Now: func() time.Time { return time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC) }}
}

// checkSigner signs with s and verifies with the key its did:key names.
func checkSigner(t *testing.T, s interface {
	crypto.Signer
	VerificationMethod() string
}, didKey string) {
	t.Helper()
	if vm := s.VerificationMethod(); vm != wallet.VerificationMethod(didKey) || !strings.HasPrefix(vm, didKey+"#z6Mk") {
		t.Errorf("verification method %q for %s", vm, didKey)
	}
	doc, err := did.KeyDocument(didKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := doc.Method(s.VerificationMethod(), "authentication"); err != nil {
		t.Errorf("the DID document has no authentication method %s: %v", s.VerificationMethod(), err)
	}
	pub, err := did.MultikeyDecode(strings.TrimPrefix(didKey, "did:key:"))
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("presentation to Sierra Vista Medical Center")
	sig, err := s.Sign(nil, msg, crypto.Hash(0))
	if err != nil {
		t.Fatal(err)
	}
	if !ed25519.Verify(pub.(ed25519.PublicKey), msg, sig) {
		t.Error("signature does not verify with the did:key")
	}
}

func TestKeyringCreateUnlock(t *testing.T) {
	k := newKeyring(t)
	hk, err := k.Create(t.Context(), []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hk.DID, "did:key:z6Mk") || !hk.Created.Equal(time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("created %+v", hk)
	}
	stored, err := k.Store.HolderKey(t.Context(), hk.DID)
	if err != nil || !bytes.Equal(stored.Sealed, hk.Sealed) {
		t.Fatalf("stored key: %v", err)
	}
	s, err := k.Unlock(t.Context(), hk.DID, []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	checkSigner(t, s, hk.DID)

	// The same randomness makes the same key: Rand is the only source.
	k2 := newKeyring(t)
	hk2, err := k2.Create(t.Context(), []byte("another passphrase"))
	if err != nil || hk2.DID != hk.DID {
		t.Errorf("same Rand, other DID: %s, %v", hk2.DID, err)
	}
	// A second key of the same wallet is another key.
	hk3, err := k.Create(t.Context(), []byte(pass))
	if err != nil || hk3.DID == hk.DID {
		t.Errorf("second key: %s, %v", hk3.DID, err)
	}
}

func TestKeyringErrors(t *testing.T) {
	k := newKeyring(t)
	hk, err := k.Create(t.Context(), []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	other, err := k.Create(t.Context(), []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	tamper := func(f func(b []byte) []byte) func(t *testing.T) {
		return func(t *testing.T) {
			b := f(append([]byte(nil), hk.Sealed...))
			if err := k.Store.ResealHolderKey(t.Context(), hk.DID, b); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T)
		did     string
		pass    string
		want    error
	}{
		{name: "ok/right-passphrase", did: hk.DID, pass: pass},
		{name: "fail/wrong-passphrase", did: hk.DID, pass: "Correct horse battery staple", want: wallet.ErrWrongPassphrase},
		{name: "fail/empty-passphrase", did: hk.DID, pass: "", want: wallet.ErrWrongPassphrase},
		{name: "fail/unknown-did", did: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", pass: pass, want: wallet.ErrNotFound},
		{name: "fail/ciphertext-changed", did: hk.DID, pass: pass, want: wallet.ErrWrongPassphrase,
			prepare: tamper(func(b []byte) []byte { b[len(b)-20] ^= 1; return b })},
		{name: "fail/salt-changed", did: hk.DID, pass: pass, want: wallet.ErrWrongPassphrase,
			prepare: tamper(func(b []byte) []byte { b[12] ^= 1; return b })},
		{name: "fail/costs-lowered", did: hk.DID, pass: pass, want: wallet.ErrWrongPassphrase,
			prepare: tamper(func(b []byte) []byte { b[8] = 32; return b })},
		{name: "fail/moved-to-another-did", did: hk.DID, pass: pass, want: wallet.ErrWrongPassphrase,
			prepare: func(t *testing.T) {
				if err := k.Store.ResealHolderKey(t.Context(), hk.DID, other.Sealed); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "fail/truncated", did: hk.DID, pass: pass, want: wallet.ErrSealedKey,
			prepare: tamper(func(b []byte) []byte { return b[:len(b)-1] })},
		{name: "fail/unknown-version", did: hk.DID, pass: pass, want: wallet.ErrSealedKey,
			prepare: tamper(func(b []byte) []byte { b[0] = 2; return b })},
		{name: "fail/costs-out-of-bounds", did: hk.DID, pass: pass, want: wallet.ErrSealedKey,
			prepare: tamper(func(b []byte) []byte { b[5] = 0xff; return b })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := k.Store.ResealHolderKey(t.Context(), hk.DID, hk.Sealed); err != nil {
				t.Fatal(err)
			}
			if tt.prepare != nil {
				tt.prepare(t)
			}
			s, err := k.Unlock(t.Context(), tt.did, []byte(tt.pass))
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				checkSigner(t, s, tt.did)
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("unlock: %v, want %v", err, tt.want)
			}
			if s != nil {
				t.Error("a failed unlock returned a signer")
			}
			noSecrets(t, err, tt.pass)
		})
	}
}

// noSecrets fails when an error quotes a passphrase.
func noSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if len(s) >= 4 && strings.Contains(strings.ToLower(err.Error()), strings.ToLower(s)) {
			t.Errorf("error %q shows a secret", err)
		}
	}
}

func TestChangePassphrase(t *testing.T) {
	const newPass = "Sierra Vista EMT 2026"
	tests := []struct {
		name     string
		old, new string
		want     error
	}{
		{name: "ok/change", old: pass, new: newPass},
		{name: "fail/wrong-old-passphrase", old: "Tr0ub4dor&3", new: newPass, want: wallet.ErrWrongPassphrase},
		{name: "fail/empty-new-passphrase", old: pass, new: " ", want: wallet.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newKeyring(t)
			hk, err := k.Create(t.Context(), []byte(pass))
			if err != nil {
				t.Fatal(err)
			}
			err = k.ChangePassphrase(t.Context(), hk.DID, []byte(tt.old), []byte(tt.new))
			after, gerr := k.Store.HolderKey(t.Context(), hk.DID)
			if gerr != nil {
				t.Fatal(gerr)
			}
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("change: %v, want %v", err, tt.want)
				}
				noSecrets(t, err, tt.old, tt.new, pass)
				if !bytes.Equal(after.Sealed, hk.Sealed) {
					t.Error("a failed change altered the stored key")
				}
				if _, err := k.Unlock(t.Context(), hk.DID, []byte(pass)); err != nil {
					t.Errorf("old passphrase after a failed change: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(after.Sealed[10:], hk.Sealed[10:]) {
				t.Error("new seal reuses the salt, nonce or ciphertext")
			}
			if _, err := k.Unlock(t.Context(), hk.DID, []byte(pass)); !errors.Is(err, wallet.ErrWrongPassphrase) {
				t.Errorf("old passphrase after the change: %v", err)
			}
			s, err := k.Unlock(t.Context(), hk.DID, []byte(tt.new))
			if err != nil {
				t.Fatal(err)
			}
			checkSigner(t, s, hk.DID)
		})
	}
}

func TestCreateRefusesEmptyPassphrase(t *testing.T) {
	k := newKeyring(t)
	if _, err := k.Create(t.Context(), []byte("  ")); !errors.Is(err, wallet.ErrInvalid) {
		t.Fatalf("create: %v, want ErrInvalid", err)
	}
	if ks, err := k.Store.HolderKeys(t.Context()); err != nil || len(ks) != 0 {
		t.Errorf("keys after a refused create: %v, %v", ks, err)
	}
}

// TestDefaultKDF seals with the production costs and checks they are what
// the sealed key records.
func TestDefaultKDF(t *testing.T) {
	if testing.Short() {
		t.Skip("Argon2id with 64 MiB")
	}
	k := newKeyring(t)
	k.KDF = wallet.KDFParams{}
	start := time.Now()
	hk, err := k.Create(t.Context(), []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seal with the default costs: %v", time.Since(start))
	want := "01" + "00000003" + "00010000" + "02"
	if got := hex.EncodeToString(hk.Sealed[:10]); got != want {
		t.Errorf("header %s, want %s", got, want)
	}
	if _, err := k.Unlock(t.Context(), hk.DID, []byte(pass)); err != nil {
		t.Fatal(err)
	}
}
