package wallet

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/satchel-wallet/satchel/verifier/did"
)

// fuzzLimits keep Argon2id cheap whatever costs a fuzzed sealed key claims.
var fuzzLimits = KDFParams{Time: 2, MemoryKiB: 256, Threads: 4}

func sealedFixture(t testing.TB, seed byte, passphrase string) ([]byte, string, ed25519.PrivateKey) {
	s := bytes.Repeat([]byte{seed}, ed25519.SeedSize)
	priv := ed25519.NewKeyFromSeed(s)
	id, err := did.KeyDID(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := sealKey(s, id, []byte(passphrase), KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}, bytes.NewReader(bytes.Repeat([]byte{seed + 1}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	return sealed, id, priv
}

func TestSealedLayout(t *testing.T) {
	sealed, id, priv := sealedFixture(t, 7, "pass")
	if len(sealed) != sealedSize || sealedSize != 98 {
		t.Fatalf("sealed key is %d bytes, layout says %d", len(sealed), sealedSize)
	}
	got, err := openKey(sealed, id, []byte("pass"), defaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !priv.Equal(got) {
		t.Error("opened another key")
	}
	// The seed never appears in the clear.
	if bytes.Contains(sealed, priv.Seed()[:8]) {
		t.Error("sealed key contains the seed")
	}
}

// FuzzOpenKey feeds arbitrary sealed keys, DIDs and passphrases to the
// parser and decrypter: no panic, no key unless it is the DID's, and only
// the package's errors.
func FuzzOpenKey(f *testing.F) {
	sealed, id, _ := sealedFixture(f, 3, "pass")
	f.Add(sealed, id, []byte("pass"))
	f.Add(sealed, id, []byte("wrong"))
	f.Add(sealed[:50], id, []byte("pass"))
	f.Add([]byte{}, "", []byte{})
	f.Add(append([]byte{2}, sealed[1:]...), id, []byte("pass"))
	f.Add(bytes.Repeat([]byte{0xff}, sealedSize), "did:key:z", []byte("pass"))
	f.Fuzz(func(t *testing.T, sealed []byte, didKey string, passphrase []byte) {
		priv, err := openKey(sealed, didKey, passphrase, fuzzLimits)
		if err != nil {
			if !errors.Is(err, ErrWrongPassphrase) && !errors.Is(err, ErrSealedKey) {
				t.Fatalf("unexpected error %v", err)
			}
			if priv != nil {
				t.Fatal("key with an error")
			}
			return
		}
		got, err := did.KeyDID(priv.Public())
		if err != nil || got != didKey {
			t.Fatalf("opened a key of %s for %s", got, didKey)
		}
	})
}

// FuzzSealRoundTrip: whatever the seed and passphrase, sealing then opening
// gives the key back, and another passphrase does not.
func FuzzSealRoundTrip(f *testing.F) {
	f.Add(bytes.Repeat([]byte{1}, 32), []byte("pass"), []byte("other"))
	f.Add(make([]byte, 32), []byte{}, []byte{0})
	f.Fuzz(func(t *testing.T, seed, passphrase, other []byte) {
		if len(seed) != ed25519.SeedSize || bytes.Equal(passphrase, other) {
			return
		}
		priv := ed25519.NewKeyFromSeed(seed)
		id, err := did.KeyDID(priv.Public())
		if err != nil {
			t.Fatal(err)
		}
		sealed, err := sealKey(seed, id, passphrase, KDFParams{Time: 1, MemoryKiB: 8, Threads: 1}, bytes.NewReader(make([]byte, 64)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := openKey(sealed, id, passphrase, fuzzLimits)
		if err != nil || !priv.Equal(got) {
			t.Fatalf("round trip: %v", err)
		}
		if _, err := openKey(sealed, id, other, fuzzLimits); !errors.Is(err, ErrWrongPassphrase) {
			t.Fatalf("other passphrase: %v", err)
		}
	})
}
