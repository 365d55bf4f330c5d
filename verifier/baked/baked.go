package baked

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Image is the kind of picture a credential is baked into.
type Image int

// The image kinds. The zero Image is no kind at all.
const (
	PNG Image = iota + 1
	SVG
)

func (i Image) String() string {
	switch i {
	case PNG:
		return "PNG"
	case SVG:
		return "SVG"
	}
	return fmt.Sprintf("Image(%d)", int(i))
}

// MediaType is the image's IANA media type, for HTTP responses and exported
// files.
func (i Image) MediaType() string {
	switch i {
	case PNG:
		return "image/png"
	case SVG:
		return "image/svg+xml"
	}
	return ""
}

// Limits. Badge pictures are small; these leave plenty of room while keeping
// a hostile file from costing more than a few times its size in memory.
const (
	// MaxImageBytes is the largest image Extract reads or Bake* returns.
	MaxImageBytes = 8 << 20
	// MaxCredentialBytes is the largest credential text, after trimming
	// and, for a compressed PNG chunk, after decompression.
	MaxCredentialBytes = 1 << 20
	// MaxSVGDepth is the deepest element nesting an SVG may have.
	MaxSVGDepth = 256
)

// Errors callers branch on. Every error this package returns wraps exactly
// one of them (one that wraps none is a bug here); the rest of the message
// says what is wrong and where, without quoting the input at length.
var (
	// ErrNotImage: the bytes are neither a PNG nor an SVG document.
	ErrNotImage = errors.New("not a PNG or SVG image")
	// ErrNotBaked: a well-formed image that carries no Open Badges 3.0
	// credential.
	ErrNotBaked = errors.New("image carries no Open Badges 3.0 credential")
	// ErrMalformed: a damaged or tampered image, a credential in the wrong
	// place or more than one, or credential text that is neither a JSON
	// object nor a compact JWS.
	ErrMalformed = errors.New("malformed")
	// ErrTooLarge: the image or the credential exceeds its limit.
	ErrTooLarge = errors.New("too large")
)

// Sniff reports what kind of image data is, from its first bytes: the PNG
// signature, or an XML document (after an optional UTF-8 byte order mark,
// whitespace, XML declaration, comments, processing instructions and a
// DOCTYPE) whose root element is named svg. It does not check the rest.
func Sniff(data []byte) (Image, bool) {
	if bytes.HasPrefix(data, pngSignature) {
		return PNG, true
	}
	if sniffSVG(data) {
		return SVG, true
	}
	return 0, false
}

// Extract returns the credential baked into a PNG or SVG image: the text of
// a JSON object or a compact JWS, with surrounding whitespace trimmed, in a
// new slice. img is set whenever data looks like an image, even when err is
// not nil.
func Extract(data []byte) (cred []byte, img Image, err error) {
	if len(data) > MaxImageBytes {
		return nil, 0, fmt.Errorf("extract: %w: image is %d bytes, limit %d", ErrTooLarge, len(data), MaxImageBytes)
	}
	img, ok := Sniff(data)
	if !ok {
		return nil, 0, fmt.Errorf("extract: %w", ErrNotImage)
	}
	switch img {
	case PNG:
		cred, err = extractPNG(data)
	default:
		cred, err = extractSVG(data)
	}
	if err != nil {
		return nil, img, err
	}
	return bytes.Clone(cred), img, nil
}

// checkCredential trims cred and checks that it is a JSON object or a
// compact JWS; jws says which. The result aliases cred. what names cred in
// errors.
func checkCredential(cred []byte, what string) (c []byte, jws bool, err error) {
	c = bytes.Trim(cred, xmlSpace)
	switch {
	case len(c) == 0:
		return nil, false, fmt.Errorf("%w: %s is empty", ErrMalformed, what)
	case len(c) > MaxCredentialBytes:
		return nil, false, fmt.Errorf("%w: %s is %d bytes, limit %d", ErrTooLarge, what, len(c), MaxCredentialBytes)
	case !utf8.Valid(c):
		return nil, false, fmt.Errorf("%w: %s is not valid UTF-8", ErrMalformed, what)
	case c[0] == '{':
		if !json.Valid(c) {
			return nil, false, fmt.Errorf("%w: %s is not valid JSON", ErrMalformed, what)
		}
		return c, false, nil
	case isCompactJWS(c):
		return c, true, nil
	}
	return nil, false, fmt.Errorf("%w: %s is neither a JSON object nor a compact JWS", ErrMalformed, what)
}

// isCompactJWS reports whether b is three non-empty base64url segments
// joined by dots, the first a JSON object (the protected header). The
// signature is the verifier's to check.
func isCompactJWS(b []byte) bool {
	dots := 0
	for i, c := range b {
		switch {
		case c == '.':
			if i == 0 || b[i-1] == '.' {
				return false
			}
			dots++
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	if dots != 2 || b[len(b)-1] == '.' {
		return false
	}
	h := b[:bytes.IndexByte(b, '.')]
	header := make([]byte, base64.RawURLEncoding.DecodedLen(len(h)))
	n, err := base64.RawURLEncoding.Decode(header, h)
	if err != nil {
		return false
	}
	header = bytes.TrimLeft(header[:n], xmlSpace)
	return len(header) > 0 && header[0] == '{' && json.Valid(header)
}

// xmlSpace is the whitespace of XML and of JSON (they agree).
const xmlSpace = " \t\r\n"
