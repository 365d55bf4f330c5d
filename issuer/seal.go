package issuer

import (
	"crypto"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// ErrWrongPassphrase: the service passphrase does not open a stored key (or
// the sealed key was altered, which cannot be told apart).
var ErrWrongPassphrase = errors.New("the passphrase does not open the institution keys")

// KDF are the Argon2id costs that turn the service passphrase into the key
// that seals each private key. They are stored with each sealed key.
type KDF struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
}

// DefaultKDF is RFC 9106's second recommended option: t=3, 64 MiB.
var DefaultKDF = KDF{Time: 3, MemoryKiB: 64 << 10, Threads: 2}

// Limits on the costs a sealed key may ask for, so that a crafted database
// row cannot make the service spend unbounded memory.
const (
	maxKDFTime      = 64
	maxKDFMemoryKiB = 4 << 20
)

// A sealed key is:
//
//	0   1   version (1)
//	1   4   Argon2id time
//	5   4   Argon2id memory KiB
//	9   1   Argon2id threads
//	10  16  salt
//	26  24  nonce
//	50  …   XChaCha20-Poly1305 of the PKCS #8 private key
//
// The additional data is the 50-byte header, then the owner and key ID, so a
// sealed key cannot be moved to another institution's row.
const (
	sealVersion = 1
	sealSalt    = 16
	sealHeader  = 10 + sealSalt + chacha20poly1305.NonceSizeX
)

func (p KDF) check() error {
	if p.Time < 1 || p.Time > maxKDFTime || p.Threads < 1 ||
		p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxKDFMemoryKiB {
		return fmt.Errorf("Argon2id costs out of range (time %d, %d KiB, %d threads)", p.Time, p.MemoryKiB, p.Threads)
	}
	return nil
}

// sealKey encrypts a private key under the passphrase for owner#kid.
func sealKey(key crypto.Signer, owner, kid string, passphrase []byte, p KDF, random io.Reader) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	defer clear(der)
	out := make([]byte, sealHeader, sealHeader+len(der)+chacha20poly1305.Overhead)
	out[0] = sealVersion
	binary.BigEndian.PutUint32(out[1:], p.Time)
	binary.BigEndian.PutUint32(out[5:], p.MemoryKiB)
	out[9] = p.Threads
	if _, err := io.ReadFull(random, out[10:sealHeader]); err != nil {
		return nil, fmt.Errorf("seal key: random salt and nonce: %w", err)
	}
	aead, err := sealAEAD(passphrase, out[:sealHeader], p)
	if err != nil {
		return nil, err
	}
	return aead.Seal(out, out[10+sealSalt:sealHeader], der, sealAD(out[:sealHeader], owner, kid)), nil
}

// openKey decrypts a sealed key.
func openKey(sealed []byte, owner, kid string, passphrase []byte) (crypto.Signer, error) {
	if len(sealed) < sealHeader+chacha20poly1305.Overhead || sealed[0] != sealVersion {
		return nil, fmt.Errorf("sealed key %s#%s: malformed", owner, kid)
	}
	p := KDF{Time: binary.BigEndian.Uint32(sealed[1:]), MemoryKiB: binary.BigEndian.Uint32(sealed[5:]), Threads: sealed[9]}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("sealed key %s#%s: %w", owner, kid, err)
	}
	aead, err := sealAEAD(passphrase, sealed[:sealHeader], p)
	if err != nil {
		return nil, err
	}
	der, err := aead.Open(nil, sealed[10+sealSalt:sealHeader], sealed[sealHeader:], sealAD(sealed[:sealHeader], owner, kid))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	defer clear(der)
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("sealed key %s#%s: %w", owner, kid, err)
	}
	s, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("sealed key %s#%s: %T cannot sign", owner, kid, key)
	}
	return s, nil
}

func sealAEAD(passphrase, header []byte, p KDF) (interface {
	Seal(dst, nonce, plaintext, ad []byte) []byte
	Open(dst, nonce, ciphertext, ad []byte) ([]byte, error)
}, error) {
	k := argon2.IDKey(passphrase, header[10:10+sealSalt], p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize)
	defer clear(k)
	return chacha20poly1305.NewX(k)
}

func sealAD(header []byte, owner, kid string) []byte {
	ad := append([]byte("satchel issuer key\x00"), header...)
	ad = append(ad, owner...)
	ad = append(ad, 0)
	return append(ad, kid...)
}
