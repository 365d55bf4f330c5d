package wallet

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

// Errors of the keyring.
var (
	// ErrWrongPassphrase: the passphrase does not open the key (or the
	// sealed key was altered, which cannot be told apart). Nothing changed.
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrSealedKey: the stored sealed key is malformed or of an unknown
	// version.
	ErrSealedKey = errors.New("malformed sealed key")
)

// KDFParams are the Argon2id costs that turn a passphrase into the key
// that seals a private key. They are stored with each sealed key, so
// raising them later does not strand existing keys.
type KDFParams struct {
	// Time is the number of passes over the memory.
	Time uint32
	// MemoryKiB is the memory used, in KiB.
	MemoryKiB uint32
	// Threads is the parallelism.
	Threads uint8
}

// DefaultKDF follows RFC 9106's second recommended option (t=3, 64 MiB)
// with 2 lanes: about a quarter of a second on a phone, and 64 MiB per
// guess for anyone who copies the wallet file and tries passphrases.
var DefaultKDF = KDFParams{Time: 3, MemoryKiB: 64 << 10, Threads: 2}

// Bounds on the parameters of a sealed key. The upper ones stop a crafted
// wallet file from making unlock use unbounded memory or time; the lower
// ones are Argon2's own minimums. Tests may seal with weak parameters.
const (
	maxKDFTime      = 64
	maxKDFMemoryKiB = 4 << 20 // 4 GiB
)

func (p KDFParams) check() error {
	switch {
	case p.Time < 1 || p.Time > maxKDFTime:
		return fmt.Errorf("Argon2id time %d is not between 1 and %d", p.Time, maxKDFTime)
	case p.Threads < 1:
		return errors.New("Argon2id needs at least one thread")
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxKDFMemoryKiB:
		return fmt.Errorf("Argon2id memory %d KiB is not between %d and %d", p.MemoryKiB, 8*uint32(p.Threads), maxKDFMemoryKiB)
	}
	return nil
}

// A sealed key, version 1, is 98 bytes:
//
//	offset size
//	0      1    version (1)
//	1      4    Argon2id time, big-endian
//	5      4    Argon2id memory in KiB, big-endian
//	9      1    Argon2id threads
//	10     16   salt (random)
//	26     24   nonce (random)
//	50     48   XChaCha20-Poly1305 of the 32-byte Ed25519 seed, with its tag
//
// The additional data is the first 50 bytes followed by the DID, so the
// parameters cannot be lowered and a sealed key cannot be moved to another
// DID's record without the seal failing.
const (
	sealVersion = 1
	saltSize    = 16
	headerSize  = 1 + 4 + 4 + 1 + saltSize + chacha20poly1305.NonceSizeX
	sealedSize  = headerSize + ed25519.SeedSize + chacha20poly1305.Overhead
)

// sealKey encrypts an Ed25519 seed under the passphrase.
func sealKey(seed []byte, didKey string, passphrase []byte, p KDFParams, random io.Reader) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	out := make([]byte, headerSize, sealedSize)
	out[0] = sealVersion
	binary.BigEndian.PutUint32(out[1:], p.Time)
	binary.BigEndian.PutUint32(out[5:], p.MemoryKiB)
	out[9] = p.Threads
	if _, err := io.ReadFull(random, out[10:headerSize]); err != nil {
		return nil, fmt.Errorf("random salt and nonce: %w", err)
	}
	key := argon2.IDKey(passphrase, out[10:10+saltSize], p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize)
	defer clear(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	return aead.Seal(out, out[10+saltSize:headerSize], seed, additionalData(out[:headerSize], didKey)), nil
}

// parseSealed checks a sealed key's layout and parameters, within limits.
func parseSealed(sealed []byte, limits KDFParams) (KDFParams, error) {
	switch {
	case len(sealed) == 0:
		return KDFParams{}, fmt.Errorf("%w: empty", ErrSealedKey)
	case sealed[0] != sealVersion:
		return KDFParams{}, fmt.Errorf("%w: unknown version %d", ErrSealedKey, sealed[0])
	}
	if len(sealed) != sealedSize {
		return KDFParams{}, fmt.Errorf("%w: %d bytes, want %d", ErrSealedKey, len(sealed), sealedSize)
	}
	p := KDFParams{
		Time:      binary.BigEndian.Uint32(sealed[1:]),
		MemoryKiB: binary.BigEndian.Uint32(sealed[5:]),
		Threads:   sealed[9],
	}
	if err := p.check(); err != nil {
		return KDFParams{}, fmt.Errorf("%w: %v", ErrSealedKey, err)
	}
	if p.Time > limits.Time || p.MemoryKiB > limits.MemoryKiB {
		return KDFParams{}, fmt.Errorf("%w: Argon2id costs (time %d, %d KiB) exceed the limits (time %d, %d KiB)",
			ErrSealedKey, p.Time, p.MemoryKiB, limits.Time, limits.MemoryKiB)
	}
	return p, nil
}

var defaultLimits = KDFParams{Time: maxKDFTime, MemoryKiB: maxKDFMemoryKiB, Threads: 255}

// openKey decrypts a sealed key and checks that it is the key of didKey.
func openKey(sealed []byte, didKey string, passphrase []byte, limits KDFParams) (ed25519.PrivateKey, error) {
	p, err := parseSealed(sealed, limits)
	if err != nil {
		return nil, err
	}
	key := argon2.IDKey(passphrase, sealed[10:10+saltSize], p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize)
	defer clear(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	seed, err := aead.Open(nil, sealed[10+saltSize:headerSize], sealed[headerSize:], additionalData(sealed[:headerSize], didKey))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	defer clear(seed)
	priv := ed25519.NewKeyFromSeed(seed)
	got, err := did.KeyDID(priv.Public())
	if err != nil || got != didKey {
		// Sealed for this DID (the additional data says so) but holding
		// another key: written by a broken program, not a wrong guess.
		clear(priv)
		return nil, fmt.Errorf("%w: it does not hold the key of its DID", ErrSealedKey)
	}
	return priv, nil
}

func additionalData(header []byte, didKey string) []byte {
	ad := make([]byte, 0, len(header)+len(didKey))
	return append(append(ad, header...), didKey...)
}

// Keyring creates the holder's keys, seals them under the learner's
// passphrase in the Store, and unlocks them as proof.Signers. A phone
// keystore can take its place: callers sign through proof.Signer and never
// see the private key.
type Keyring struct {
	Store Store
	// KDF is used when a key is sealed; zero means DefaultKDF.
	KDF KDFParams
	// Rand is the source of keys, salts and nonces; nil means crypto/rand.
	Rand io.Reader
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (k *Keyring) kdf() KDFParams {
	if k.KDF == (KDFParams{}) {
		return DefaultKDF
	}
	return k.KDF
}

func (k *Keyring) rand() io.Reader {
	if k.Rand == nil {
		return rand.Reader
	}
	return k.Rand
}

func (k *Keyring) now() time.Time {
	if k.Now == nil {
		return time.Now()
	}
	return k.Now()
}

func checkPassphrase(p []byte) error {
	if len(bytes.TrimSpace(p)) == 0 {
		return fmt.Errorf("%w: the passphrase is empty", ErrInvalid)
	}
	return nil
}

// Create makes a new Ed25519 holder key, seals it under passphrase and
// stores it. The key's did:key is in the result.
func (k *Keyring) Create(ctx context.Context, passphrase []byte) (HolderKey, error) {
	if err := checkPassphrase(passphrase); err != nil {
		return HolderKey{}, fmt.Errorf("create holder key: %w", err)
	}
	seed := make([]byte, ed25519.SeedSize)
	defer clear(seed)
	if _, err := io.ReadFull(k.rand(), seed); err != nil {
		return HolderKey{}, fmt.Errorf("create holder key: random: %w", err)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	defer clear(priv)
	id, err := did.KeyDID(priv.Public())
	if err != nil {
		return HolderKey{}, fmt.Errorf("create holder key: %w", err)
	}
	sealed, err := sealKey(seed, id, passphrase, k.kdf(), k.rand())
	if err != nil {
		return HolderKey{}, fmt.Errorf("create holder key: %w", err)
	}
	hk := HolderKey{DID: id, Sealed: sealed, Created: k.now().UTC()}
	if err := k.Store.AddHolderKey(ctx, hk); err != nil {
		return HolderKey{}, fmt.Errorf("create holder key: %w", err)
	}
	return hk, nil
}

// Unlock opens the key of a DID with the passphrase and returns a Signer
// whose verification method is the did:key's own (did:key:z…#z…).
func (k *Keyring) Unlock(ctx context.Context, didKey string, passphrase []byte) (proof.Signer, error) {
	hk, err := k.Store.HolderKey(ctx, didKey)
	if err != nil {
		return nil, fmt.Errorf("unlock %s: %w", didKey, err)
	}
	priv, err := openKey(hk.Sealed, hk.DID, passphrase, defaultLimits)
	if err != nil {
		return nil, fmt.Errorf("unlock %s: %w", didKey, err)
	}
	return proof.NewSigner(priv, VerificationMethod(hk.DID)), nil
}

// ChangePassphrase seals the key of a DID under a new passphrase (with a
// new salt and nonce, and the Keyring's KDF parameters). The old one must
// open it; otherwise, or on any failure, the stored key is unchanged. The
// new sealed key replaces the old one in a single write.
func (k *Keyring) ChangePassphrase(ctx context.Context, didKey string, oldPass, newPass []byte) error {
	if err := checkPassphrase(newPass); err != nil {
		return fmt.Errorf("change passphrase of %s: %w", didKey, err)
	}
	err := k.Store.Tx(ctx, func(tx Ops) error {
		hk, err := tx.HolderKey(ctx, didKey)
		if err != nil {
			return err
		}
		priv, err := openKey(hk.Sealed, hk.DID, oldPass, defaultLimits)
		if err != nil {
			return err
		}
		defer clear(priv)
		seed := priv.Seed()
		defer clear(seed)
		sealed, err := sealKey(seed, hk.DID, newPass, k.kdf(), k.rand())
		if err != nil {
			return err
		}
		return tx.ResealHolderKey(ctx, hk.DID, sealed)
	})
	if err != nil {
		return fmt.Errorf("change passphrase of %s: %w", didKey, err)
	}
	return nil
}

// VerificationMethod is the DID URL of a did:key's key: the DID, '#', and
// the multibase key again.
func VerificationMethod(didKey string) string {
	return didKey + "#" + strings.TrimPrefix(didKey, "did:key:")
}
