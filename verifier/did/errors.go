package did

import (
	"errors"
	"fmt"
)

// Sentinel errors that callers branch on. Every error this package returns
// for a lookup or a malformed input wraps exactly one of them; test with
// errors.Is.
var (
	// ErrNotFound: there is no document for the DID (not cached, not
	// fetchable) or the document has no such verification method.
	ErrNotFound = errors.New("not found")
	// ErrUnsupportedMethod: the DID method cannot be resolved offline and no
	// document for it was preloaded (did:ion, did:ethr, ...).
	ErrUnsupportedMethod = errors.New("unsupported DID method")
	// ErrUnsupportedKey: a well-formed key of a type Satchel does not verify
	// with (secp256k1, X25519, BLS12-381, ...).
	ErrUnsupportedKey = errors.New("unsupported key type")
	// ErrNotAuthorized: the verification method exists but is not listed for
	// the requested relationship, or its controller is not the document's.
	ErrNotAuthorized = errors.New("not authorized")
	// ErrInvalid: a malformed DID, DID URL, document or key, including a
	// document that carries private key material.
	ErrInvalid = errors.New("invalid")
)

// errorf wraps a sentinel with a detail: "invalid: multibase key must ...".
func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}

// short quotes an untrusted string for an error message, truncated so that a
// hostile input cannot flood logs.
func short(s string) string {
	const max = 80
	if len(s) > max {
		return fmt.Sprintf("%q...", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
