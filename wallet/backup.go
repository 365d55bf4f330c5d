package wallet

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// A backup archive, version 1:
//
//	offset size
//	0      8    magic "SATCHELB"
//	8      1    version (1)
//	9      4    Argon2id time, big-endian
//	13     4    Argon2id memory in KiB, big-endian
//	17     1    Argon2id threads
//	18     16   salt (random)
//	34     24   nonce (random)
//	58     …    XChaCha20-Poly1305 of the wallet database, with its tag
//
// The first 58 bytes are the additional data: a changed header, like a
// changed byte of the database, fails the seal. The holder keys inside are
// sealed on their own as well.
const (
	archiveMagic   = "SATCHELB"
	archiveVersion = 1
	archiveHeader  = len(archiveMagic) + 1 + 4 + 4 + 1 + saltSize + chacha20poly1305.NonceSizeX
	// MaxArchiveBytes bounds a backup (and what restore reads).
	MaxArchiveBytes = 1 << 30
)

// ErrBadArchive: not a Satchel backup, or a damaged or tampered one. A wrong
// passphrase is ErrWrongPassphrase (the two cannot be told apart by the
// cipher; the header is checked first).
var ErrBadArchive = errors.New("not a readable Satchel backup")

// SealArchive encrypts a wallet database for backup under a key derived
// from the passphrase; random nil means crypto/rand.
func SealArchive(db, passphrase []byte, p KDFParams, random io.Reader) ([]byte, error) {
	if random == nil {
		random = rand.Reader
	}
	if err := checkPassphrase(passphrase); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if len(db) > MaxArchiveBytes-archiveHeader-chacha20poly1305.Overhead {
		return nil, fmt.Errorf("backup: the wallet is %d bytes, more than a backup holds", len(db))
	}
	out := make([]byte, archiveHeader, archiveHeader+len(db)+chacha20poly1305.Overhead)
	copy(out, archiveMagic)
	h := out[len(archiveMagic):]
	h[0] = archiveVersion
	binary.BigEndian.PutUint32(h[1:], p.Time)
	binary.BigEndian.PutUint32(h[5:], p.MemoryKiB)
	h[9] = p.Threads
	if _, err := io.ReadFull(random, h[10:10+saltSize+chacha20poly1305.NonceSizeX]); err != nil {
		return nil, fmt.Errorf("backup: random salt and nonce: %w", err)
	}
	aead, err := archiveCipher(passphrase, h, p)
	if err != nil {
		return nil, err
	}
	return aead.Seal(out, h[10+saltSize:10+saltSize+chacha20poly1305.NonceSizeX], db, out[:archiveHeader]), nil
}

// OpenArchive decrypts a backup made by SealArchive. Argon2id costs above
// DefaultKDF's limits are refused before any work, so a crafted file cannot
// exhaust memory.
func OpenArchive(archive, passphrase []byte) ([]byte, error) {
	if len(archive) < archiveHeader+chacha20poly1305.Overhead || !bytes.HasPrefix(archive, []byte(archiveMagic)) {
		return nil, fmt.Errorf("%w: it does not start like one", ErrBadArchive)
	}
	if len(archive) > MaxArchiveBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBadArchive, MaxArchiveBytes)
	}
	h := archive[len(archiveMagic):archiveHeader]
	if h[0] != archiveVersion {
		return nil, fmt.Errorf("%w: unknown version %d", ErrBadArchive, h[0])
	}
	p := KDFParams{Time: binary.BigEndian.Uint32(h[1:]), MemoryKiB: binary.BigEndian.Uint32(h[5:]), Threads: h[9]}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadArchive, err)
	}
	aead, err := archiveCipher(passphrase, h, p)
	if err != nil {
		return nil, err
	}
	db, err := aead.Open(nil, h[10+saltSize:], archive[archiveHeader:], archive[:archiveHeader])
	if err != nil {
		return nil, fmt.Errorf("%w (or the backup was changed)", ErrWrongPassphrase)
	}
	return db, nil
}

func archiveCipher(passphrase, header []byte, p KDFParams) (cipher.AEAD, error) {
	key := argon2.IDKey(passphrase, header[10:10+saltSize], p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize)
	defer clear(key)
	return chacha20poly1305.NewX(key)
}
