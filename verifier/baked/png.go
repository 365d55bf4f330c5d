package baked

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

const (
	// pngKeyword names the iTXt chunk that carries an OB 3.0 credential.
	pngKeyword = "openbadgecredential"
	// pngLegacyKeyword is Open Badges 2.0's, whose assertion is no VC.
	pngLegacyKeyword = "openbadges"
	// maxChunkLen is the PNG specification's limit, 2^31-1.
	maxChunkLen = 1<<31 - 1
)

// pngScan is what scanPNG learns about a PNG's chunks.
type pngScan struct {
	found              bool   // an openbadgecredential iTXt chunk
	text               []byte // its text, decompressed; untrimmed
	credStart, credEnd int    // the whole chunk: length, type, data, CRC
	iend               int    // where the IEND chunk starts
	legacy             bool   // an Open Badges 2.0 chunk was seen
}

// scanPNG walks data's chunks, checking structure and every CRC, up to an
// IEND chunk that must end the file. It decodes the credential chunk's text
// but does not judge it. Errors wrap ErrMalformed or ErrTooLarge.
func scanPNG(data []byte) (*pngScan, error) {
	if !bytes.HasPrefix(data, pngSignature) {
		return nil, fmt.Errorf("%w: no PNG signature", ErrMalformed)
	}
	s := &pngScan{iend: -1}
	for off := len(pngSignature); ; {
		if off == len(data) {
			return nil, fmt.Errorf("%w: truncated: no IEND chunk", ErrMalformed)
		}
		if len(data)-off < 12 {
			return nil, fmt.Errorf("%w: truncated: partial chunk header at offset %d", ErrMalformed, off)
		}
		n := binary.BigEndian.Uint32(data[off:])
		typ := data[off+4 : off+8]
		if !validChunkType(typ) {
			return nil, fmt.Errorf("%w: invalid chunk type at offset %d", ErrMalformed, off)
		}
		if n > maxChunkLen {
			return nil, fmt.Errorf("%w: chunk %s at offset %d: length %d exceeds the PNG limit of 2^31-1", ErrMalformed, typ, off, n)
		}
		if uint64(n) > uint64(len(data)-off-12) {
			return nil, fmt.Errorf("%w: truncated: chunk %s at offset %d declares %d bytes, only %d remain", ErrMalformed, typ, off, n, len(data)-off-12)
		}
		end := off + 12 + int(n)
		body := data[off+8 : end-4]
		want := binary.BigEndian.Uint32(data[end-4:])
		if crc32.Update(crc32.ChecksumIEEE(typ), crc32.IEEETable, body) != want {
			return nil, fmt.Errorf("%w: chunk %s at offset %d: CRC mismatch (damaged or tampered with)", ErrMalformed, typ, off)
		}
		if off == len(pngSignature) && (string(typ) != "IHDR" || n != 13) {
			return nil, fmt.Errorf("%w: first chunk is %s, not a 13-byte IHDR", ErrMalformed, typ)
		}
		switch string(typ) {
		case "IEND":
			if end != len(data) {
				return nil, fmt.Errorf("%w: %d bytes after the IEND chunk (a credential must come before IEND)", ErrMalformed, len(data)-end)
			}
			s.iend = off
			return s, nil
		case "iTXt":
			kw, rest, _ := bytes.Cut(body, []byte{0})
			switch string(kw) {
			case pngKeyword:
				if s.found {
					return nil, fmt.Errorf("%w: two %s iTXt chunks, at offsets %d and %d", ErrMalformed, pngKeyword, s.credStart, off)
				}
				text, err := itxtText(rest)
				if err != nil {
					return nil, fmt.Errorf("%w (iTXt chunk at offset %d)", err, off)
				}
				s.found, s.text, s.credStart, s.credEnd = true, text, off, end
			case pngLegacyKeyword:
				s.legacy = true
			}
		}
		off = end
	}
}

// validChunkType: four ASCII letters.
func validChunkType(t []byte) bool {
	for _, c := range t {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// itxtText decodes the part of an iTXt chunk after the keyword's NUL:
// compression flag and method, language tag, translated keyword, text. We
// write an empty language tag and translated keyword but read any.
func itxtText(rest []byte) ([]byte, error) {
	if len(rest) < 2 {
		return nil, fmt.Errorf("%w: iTXt chunk ends before its compression flag", ErrMalformed)
	}
	flag, method := rest[0], rest[1]
	rest = rest[2:]
	_, rest, ok := bytes.Cut(rest, []byte{0}) // language tag
	if ok {
		_, rest, ok = bytes.Cut(rest, []byte{0}) // translated keyword
	}
	if !ok {
		return nil, fmt.Errorf("%w: iTXt chunk lacks the NUL after its language tag or translated keyword", ErrMalformed)
	}
	switch flag {
	case 0:
		return rest, nil // the method byte is to be ignored
	case 1:
		if method != 0 {
			return nil, fmt.Errorf("%w: iTXt compression method %d (only 0, zlib, exists)", ErrMalformed, method)
		}
		return inflate(rest)
	}
	return nil, fmt.Errorf("%w: iTXt compression flag %d (must be 0 or 1)", ErrMalformed, flag)
}

// inflate decompresses a zlib stream, refusing more than MaxCredentialBytes
// of output (a decompression bomb costs us at most that) or trailing bytes.
func inflate(z []byte) ([]byte, error) {
	br := bytes.NewReader(z)
	zr, err := zlib.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: compressed iTXt: %v", ErrMalformed, err)
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, MaxCredentialBytes+1))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = errors.New("truncated zlib stream")
		}
		return nil, fmt.Errorf("%w: compressed iTXt: %v", ErrMalformed, err)
	}
	if len(out) > MaxCredentialBytes {
		return nil, fmt.Errorf("%w: compressed iTXt inflates to more than %d bytes", ErrTooLarge, MaxCredentialBytes)
	}
	// flate reads a bytes.Reader byte by byte, so what is left is trailing.
	if br.Len() != 0 {
		return nil, fmt.Errorf("%w: compressed iTXt: %d bytes after the zlib stream", ErrMalformed, br.Len())
	}
	return out, nil
}

func extractPNG(data []byte) ([]byte, error) {
	s, err := scanPNG(data)
	if err != nil {
		return nil, fmt.Errorf("extract png: %w", err)
	}
	if !s.found {
		if s.legacy {
			return nil, fmt.Errorf("extract png: %w (it has an Open Badges 2.0 %q chunk, which is not a verifiable credential)", ErrNotBaked, pngLegacyKeyword)
		}
		return nil, fmt.Errorf("extract png: %w: no %s iTXt chunk", ErrNotBaked, pngKeyword)
	}
	c, _, err := checkCredential(s.text, "credential")
	if err != nil {
		return nil, fmt.Errorf("extract png: %w", err)
	}
	return c, nil
}

// BakePNG returns a copy of the PNG src with cred baked in: an uncompressed
// iTXt chunk with keyword openbadgecredential, empty language tag and
// translated keyword, just before IEND. An existing credential chunk is
// replaced. cred is trimmed and must be a JSON object or a compact JWS. src
// is checked as strictly as Extract checks it; nothing else in it changes.
func BakePNG(src, cred []byte) ([]byte, error) {
	const op = "bake png"
	if len(src) > MaxImageBytes {
		return nil, fmt.Errorf("%s: %w: image is %d bytes, limit %d", op, ErrTooLarge, len(src), MaxImageBytes)
	}
	if !bytes.HasPrefix(src, pngSignature) {
		return nil, fmt.Errorf("%s: %w: no PNG signature", op, ErrNotImage)
	}
	c, _, err := checkCredential(cred, "credential")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	s, err := scanPNG(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	chunk := itxtChunk(c)
	size := len(src) - (s.credEnd - s.credStart) + len(chunk)
	if size > MaxImageBytes {
		return nil, fmt.Errorf("%s: %w: baked image would be %d bytes, limit %d", op, ErrTooLarge, size, MaxImageBytes)
	}
	out := make([]byte, 0, size)
	if s.found {
		out = append(out, src[:s.credStart]...)
		out = append(out, src[s.credEnd:s.iend]...)
	} else {
		out = append(out, src[:s.iend]...)
	}
	out = append(out, chunk...)
	out = append(out, src[s.iend:]...)
	if err := readsBack(out, c); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// itxtChunk is a whole uncompressed openbadgecredential iTXt chunk.
func itxtChunk(text []byte) []byte {
	body := len(pngKeyword) + 5 + len(text) // NUL, flag, method, NUL, NUL
	b := make([]byte, 0, 12+body)
	b = binary.BigEndian.AppendUint32(b, uint32(body))
	b = append(b, "iTXt"...)
	b = append(b, pngKeyword...)
	b = append(b, 0, 0, 0, 0, 0)
	b = append(b, text...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// readsBack is Bake's last check: what we write must be exactly what
// Extract reads, so an issuer never hands out a badge that does not verify.
func readsBack(img, want []byte) error {
	got, _, err := Extract(img)
	if err != nil {
		return fmt.Errorf("internal error: baked image does not read back: %v", err)
	}
	if !bytes.Equal(got, want) {
		return errors.New("internal error: baked image reads back a different credential")
	}
	return nil
}
