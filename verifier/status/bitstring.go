package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Limits on what this package writes and reads.
const (
	// MinBits is the smallest list EncodeList writes: 131,072 bits (16 KiB),
	// the Bitstring Status List minimum that gives each credential herd
	// privacy. Smaller lists are still read, with a note.
	MinBits = 131072
	// MaxCompressedBytes bounds the GZIP data in an encodedList.
	MaxCompressedBytes = 1 << 20
	// MaxListBytes bounds the expanded bitstring (128 Mi entries), so a
	// GZIP bomb cannot exhaust memory.
	MaxListBytes = 16 << 20
)

// Sentinel errors callers branch on; the errors returned wrap them with the
// details.
var (
	// ErrRange: a status index lies outside the bitstring.
	ErrRange = errors.New("status index out of range")
	// ErrTooSmall: EncodeList was given fewer than MinBits bits.
	ErrTooSmall = errors.New("status list shorter than the 131072-bit minimum")
	// ErrTooLarge: an input is over one of this package's limits.
	ErrTooLarge = errors.New("status list too large")
	// ErrExpired: the status list credential's validUntil has passed.
	ErrExpired = errors.New("status list credential expired")
	// ErrNotYetValid: the status list credential's validFrom is still ahead.
	ErrNotYetValid = errors.New("status list credential not yet valid")
	// ErrMismatch: the entry and the list disagree on type or purpose.
	ErrMismatch = errors.New("status entry does not match status list")
)

// Encoding says how a list's encodedList was written.
type Encoding string

const (
	// EncodingMultibase is 'u' followed by base64url without padding: the
	// Bitstring Status List form, and what EncodeList writes.
	EncodingMultibase Encoding = "multibase-base64url"
	// EncodingBase64URL is base64url with no multibase prefix: the
	// StatusList2021 form.
	EncodingBase64URL Encoding = "base64url"
	// EncodingBase64 is standard base64 with no prefix, written by some
	// StatusList2021 implementations.
	EncodingBase64 Encoding = "base64"
)

// NewBitstring returns an all-zero bitstring of at least nbits bits, rounded
// up to whole bytes. It panics if nbits is negative.
func NewBitstring(nbits int) []byte {
	if nbits < 0 {
		panic("status: NewBitstring: negative size")
	}
	return make([]byte, (nbits+7)/8)
}

// locate finds the byte and mask of bit index. Index 0 is the left-most
// (most significant) bit of the first byte.
func locate(bits []byte, index uint64) (int, byte, error) {
	if n := uint64(len(bits)) * 8; index >= n {
		return 0, 0, fmt.Errorf("%w: index %d, list has %d bits", ErrRange, index, n)
	}
	return int(index / 8), 0x80 >> (index % 8), nil
}

// Set sets or clears bit index.
func Set(bits []byte, index uint64, v bool) error {
	i, mask, err := locate(bits, index)
	if err != nil {
		return err
	}
	if v {
		bits[i] |= mask
	} else {
		bits[i] &^= mask
	}
	return nil
}

// Get reports whether bit index is set.
func Get(bits []byte, index uint64) (bool, error) {
	i, mask, err := locate(bits, index)
	if err != nil {
		return false, err
	}
	return bits[i]&mask != 0, nil
}

// EncodeList compresses bits with GZIP and encodes them as a multibase
// base64url string ('u' prefix, no padding), the encodedList of a Bitstring
// Status List. It refuses lists shorter than MinBits (ErrTooSmall) and lists
// it could not decode again (ErrTooLarge).
func EncodeList(bits []byte) (string, error) {
	if n := len(bits) * 8; n < MinBits {
		return "", fmt.Errorf("encode status list: %d bits: %w", n, ErrTooSmall)
	}
	if len(bits) > MaxListBytes {
		return "", fmt.Errorf("encode status list: %d bytes, limit %d: %w", len(bits), MaxListBytes, ErrTooLarge)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(bits); err != nil {
		return "", fmt.Errorf("encode status list: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("encode status list: %w", err)
	}
	if buf.Len() > MaxCompressedBytes {
		return "", fmt.Errorf("encode status list: %d compressed bytes, limit %d: %w", buf.Len(), MaxCompressedBytes, ErrTooLarge)
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// DecodeList expands an encodedList into its bitstring. It accepts the
// Bitstring Status List form ('u' + base64url) and the StatusList2021 form
// (base64url, or base64, without a prefix); ParseListCredential records
// which one a list used.
func DecodeList(encoded string) ([]byte, error) {
	bits, _, err := decodeList(encoded)
	return bits, err
}

// maxEncodedLen is the longest encodedList that can hold MaxCompressedBytes:
// a prefix and padded base64.
var maxEncodedLen = 1 + base64.StdEncoding.EncodedLen(MaxCompressedBytes)

func decodeList(s string) ([]byte, Encoding, error) {
	if s == "" {
		return nil, "", errors.New("decode status list: encodedList is empty")
	}
	if len(s) > maxEncodedLen {
		return nil, "", fmt.Errorf("decode status list: encodedList has %d characters, limit %d: %w", len(s), maxEncodedLen, ErrTooLarge)
	}
	// Every GZIP stream starts 1f 8b 08, which base64 writes as "H4sI", so a
	// leading 'u' can only be the multibase prefix, never list data.
	enc, body, dec := EncodingBase64URL, s, base64.RawURLEncoding
	switch {
	case s[0] == 'u':
		enc, body = EncodingMultibase, s[1:]
	case strings.ContainsAny(s, "+/"):
		enc, dec = EncodingBase64, base64.RawStdEncoding
	}
	compressed, err := dec.DecodeString(strings.TrimRight(body, "="))
	if err != nil {
		return nil, "", fmt.Errorf("decode status list: encodedList is not %s: %v", enc, err)
	}
	if len(compressed) > MaxCompressedBytes {
		return nil, "", fmt.Errorf("decode status list: %d compressed bytes, limit %d: %w", len(compressed), MaxCompressedBytes, ErrTooLarge)
	}
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, "", fmt.Errorf("decode status list: encodedList is not GZIP data: %v", err)
	}
	bits, err := expand(zr, sizeHint(compressed))
	if err != nil {
		return nil, "", fmt.Errorf("decode status list: %w", err)
	}
	if len(bits) == 0 {
		return nil, "", errors.New("decode status list: the list is empty")
	}
	return bits, enc, nil
}

// sizeHint reads the expanded size a GZIP stream declares in its last four
// bytes (ISIZE). It is only a hint — a hostile stream can lie, and a
// multi-member stream declares only its last member — so it is capped at
// the limit and used only to size the first allocation.
func sizeHint(compressed []byte) int {
	if len(compressed) < 4 {
		return 0
	}
	return int(min(binary.LittleEndian.Uint32(compressed[len(compressed)-4:]), MaxListBytes))
}

// expand reads the whole stream, stopping as soon as it passes
// MaxListBytes. Reading into a buffer sized by the hint (and growing it
// only if the hint was low) keeps the memory a bomb costs near the limit.
func expand(r io.Reader, hint int) ([]byte, error) {
	buf := make([]byte, 0, hint+1) // +1: room to see EOF, or one byte too many
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(cap(buf), MaxListBytes+1-cap(buf)))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxListBytes {
			return nil, fmt.Errorf("expands to more than %d bytes: %w", MaxListBytes, ErrTooLarge)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("corrupt GZIP data: %v", err)
		}
	}
}
