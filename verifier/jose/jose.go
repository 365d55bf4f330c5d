package jose

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Format names how a token is secured and what it carries.
type Format string

// The formats Parse and Verify recognise.
const (
	// FormatJWTVC is a VC Data Model 1.1 JWT (§6.3.1): the credential is the
	// "vc" claim, and iss, sub, jti, nbf and exp stand for its properties.
	FormatJWTVC Format = "vc-jwt"
	// FormatJWTVP is a VC Data Model 1.1 presentation JWT ("vp" claim).
	FormatJWTVP Format = "vp-jwt"
	// FormatJOSEVC is a VC 2.0 credential secured with JOSE (typ vc+jwt):
	// the JWS payload is the credential.
	FormatJOSEVC Format = "vc+jwt"
	// FormatJOSEVP is a VC 2.0 presentation secured with JOSE (typ vp+jwt).
	FormatJOSEVP Format = "vp+jwt"
	// FormatSDJWTVC is a VC 2.0 credential secured with SD-JWT (typ
	// vc+sd-jwt). A payload with "vct" instead of "@context" (the SD-JWT VC
	// drafts that used the same typ) is read as an SD-JWT VC.
	FormatSDJWTVC Format = "vc+sd-jwt"
	// FormatSDJWTVP is a VC 2.0 presentation secured with SD-JWT.
	FormatSDJWTVP Format = "vp+sd-jwt"
	// FormatDCSDJWT is an IETF SD-JWT VC (typ dc+sd-jwt): not a JSON-LD
	// document; its type is the "vct" claim.
	FormatDCSDJWT Format = "dc+sd-jwt"
	// FormatCOSE is a COSE_Sign1 message (vc+cose, vp+cose). It is detected
	// so that it can be reported, never verified.
	FormatCOSE Format = "cose"
)

// Presentation reports whether f secures a presentation.
func (f Format) Presentation() bool {
	return f == FormatJWTVP || f == FormatJOSEVP || f == FormatSDJWTVP
}

// SelectiveDisclosure reports whether f is an SD-JWT.
func (f Format) SelectiveDisclosure() bool {
	return f == FormatSDJWTVC || f == FormatSDJWTVP || f == FormatDCSDJWT
}

// Relationship is the verification relationship the key that signed f must
// have in its controller's DID document.
func (f Format) Relationship() string {
	if f.Presentation() {
		return "authentication"
	}
	return "assertionMethod"
}

// Keys finds the public key that should have signed a token.
//
// kid is the JWS header "kid" (often a DID URL "did:...#..."), iss the
// issuer (for a presentation, the holder): the iss claim, or the document's
// issuer/holder id when the claim is absent. relationship is
// "assertionMethod" for credentials and "authentication" for presentations.
// An implementation must return a key only if it is authorised for iss and
// relationship; it must not trust kid alone.
//
// When the protected header carries a public "jwk" and no "kid", Verify asks
// for kid = the key's RFC 9278 JWK thumbprint URI
// ("urn:ietf:params:oauth:jwk-thumbprint:sha-256:..."), so a registry that
// pins keys by thumbprint can answer; see also HeaderKeys. Whatever Keys
// returns, a header "jwk" must be that same key or verification fails.
type Keys interface {
	Key(ctx context.Context, kid, iss, relationship string) (crypto.PublicKey, error)
}

// KeysFunc adapts a function to Keys.
type KeysFunc func(ctx context.Context, kid, iss, relationship string) (crypto.PublicKey, error)

// Key calls f.
func (f KeysFunc) Key(ctx context.Context, kid, iss, relationship string) (crypto.PublicKey, error) {
	return f(ctx, kid, iss, relationship)
}

// HeaderKeys is an optional interface for a Keys. When a token's protected
// header carries a public "jwk" and no "kid", Verify calls HeaderKey instead
// of Key, with the header key already parsed, so the implementation can
// accept it (return it) after checking it belongs to iss — for example iss is
// a did:jwk of that key, or the trust registry pins its thumbprint — or
// refuse it (return an error). A key in the header proves only that the
// token was not altered; on its own it does not say who signed.
type HeaderKeys interface {
	HeaderKey(ctx context.Context, jwk crypto.PublicKey, thumbprint, iss, relationship string) (crypto.PublicKey, error)
}

// Options for Parse and Verify. The zero value is usable: limits take their
// defaults and Now is the current time.
type Options struct {
	// Now is the time to verify at; zero means time.Now().
	Now time.Time
	// Skew is the tolerance for nbf, exp and iat (and a key binding JWT's
	// iat). Zero means none.
	Skew time.Duration
	// Audience and Nonce, when set, must match what a presentation was made
	// for: the aud and nonce claims of a vp-jwt / vp+jwt, or of an SD-JWT's
	// key binding JWT. Setting either makes a key binding JWT required for
	// SD-JWTs (a nonce cannot be checked without one).
	Audience, Nonce string
	// RequireKeyBinding makes an SD-JWT without a valid key binding JWT fail.
	RequireKeyBinding bool
	// KeyBindingMaxAge, when positive, rejects a key binding JWT whose iat
	// is older than this. Zero leaves freshness to Nonce.
	KeyBindingMaxAge time.Duration
	// MaxBytes limits the token size (default 1 MiB).
	MaxBytes int
	// MaxDisclosures limits the number of SD-JWT disclosures (default 256).
	MaxDisclosures int
	// MaxDisclosureBytes limits the size of one encoded disclosure (default
	// 64 KiB).
	MaxDisclosureBytes int
	// MaxDepth limits the nesting of JSON objects and arrays in headers,
	// payloads, disclosures and the reconstructed document (default 64).
	MaxDepth int
}

// Defaults for Options' limits.
const (
	DefaultMaxBytes           = 1 << 20
	DefaultMaxDisclosures     = 256
	DefaultMaxDisclosureBytes = 64 << 10
	DefaultMaxDepth           = 64
)

func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Skew < 0 {
		o.Skew = 0
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxDisclosures <= 0 {
		o.MaxDisclosures = DefaultMaxDisclosures
	}
	if o.MaxDisclosureBytes <= 0 {
		o.MaxDisclosureBytes = DefaultMaxDisclosureBytes
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	return o
}

// Disclosure is one SD-JWT disclosure and where its value landed.
type Disclosure struct {
	// Path locates the value in Result.Document: "credentialSubject.name",
	// "credentialSubject.phoneNumbers[0]".
	Path string
	// Name is the claim name; empty for an array element.
	Name  string
	Value any
	// Digest is the base64url digest that referenced it; Encoded the
	// disclosure as it appeared in the token.
	Digest, Encoded string
}

// Result is what Parse found and Verify checked.
type Result struct {
	Format Format
	// Header is the JWS protected header.
	Header map[string]any
	// Claims is the JWS payload as signed (for an SD-JWT: with its digests).
	Claims map[string]any
	// Document is the credential or presentation as a JSON-LD object: for
	// vc-jwt / vp-jwt the vc / vp claim with the registered claims merged in
	// (VCDM 1.1 §6.3.1); for vc+jwt / vp+jwt the payload itself (the same
	// map as Claims); for an SD-JWT the payload with the presented
	// disclosures applied and _sd, _sd_alg and cnf removed.
	Document map[string]any
	// Issuer is who signed: the issuer of a credential, the holder of a
	// presentation. Subject is the sub claim or credentialSubject.id.
	Issuer, Subject string
	// KeyID is the header kid; Alg the header alg.
	KeyID, Alg string
	// NotBefore, Expiry and IssuedAt are the nbf, exp and iat claims (zero
	// when absent).
	NotBefore, Expiry, IssuedAt time.Time
	// Audience and Nonce are the aud and nonce a presentation was made for
	// (for an SD-JWT, those of its key binding JWT).
	Audience []string
	Nonce    string
	// Disclosed lists the SD-JWT disclosures presented, in token order.
	Disclosed []Disclosure
	// HolderKey is the SD-JWT's confirmation key (cnf.jwk), if any.
	HolderKey crypto.PublicKey
	// KeyBound is true when a key binding JWT was presented and verified.
	KeyBound bool
	// Findings are the checks Verify made, in order; Parse leaves it empty.
	Findings []Finding
	// Warnings are oddities that fail no check: an iat written as a date
	// string, a missing typ, a cnf without jwk.
	Warnings []string

	signingInput string
	signature    []byte
	headerKey    crypto.PublicKey
	inconsistent []error
	kb           *jws
	holderKeyErr error
	sdHashInput  string
}

// Names of the checks Verify reports. The first four match the verifier's
// report check names.
const (
	CheckIssuerKey   = "issuer-key"  // the key was found, is authorised and fits alg
	CheckProof       = "proof"       // the signature verifies
	CheckValidity    = "validity"    // nbf, exp, iat against Options.Now
	CheckConsistency = "consistency" // JWT claims agree with the document
	CheckDisclosures = "disclosures" // every SD-JWT disclosure matched one digest
	CheckKeyBinding  = "key-binding" // the SD-JWT key binding JWT
	CheckChallenge   = "challenge"   // a presentation's aud and nonce
)

// Finding is one check Verify made: data the caller turns into its report.
type Finding struct {
	Check  string `json:"check"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Err is the failure, wrapping one of the package's sentinel errors or
	// an *UnsupportedError; nil when OK.
	Err error `json:"-"`
}

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrMalformed: not a well-formed compact JWS / SD-JWT, or a header,
	// payload or disclosure that is not the JSON it must be.
	ErrMalformed = errors.New("malformed token")
	// ErrLimit: a size, count or nesting limit in Options was exceeded.
	ErrLimit = errors.New("limit exceeded")
	// ErrMediaType: typ or cty is not one this package verifies, or does not
	// fit the payload.
	ErrMediaType = errors.New("wrong media type")
	// ErrKey: no key could be found, or the key does not fit alg.
	ErrKey = errors.New("no usable key")
	// ErrSignature: the signature does not verify.
	ErrSignature = errors.New("signature does not verify")
	// ErrExpired: exp is in the past.
	ErrExpired = errors.New("expired")
	// ErrNotYetValid: nbf (or iat) is in the future.
	ErrNotYetValid = errors.New("not yet valid")
	// ErrInconsistent: a JWT claim contradicts the document (iss vs issuer,
	// jti vs id, ...), or the payload breaks a rule of its format.
	ErrInconsistent = errors.New("claims do not match the document")
	// ErrDisclosure: an SD-JWT disclosure is malformed, unreferenced,
	// duplicated or collides with a claim.
	ErrDisclosure = errors.New("invalid disclosure")
	// ErrKeyBinding: the key binding JWT is missing (when required) or
	// does not verify.
	ErrKeyBinding = errors.New("key binding failed")
	// ErrChallenge: a presentation's aud or nonce is not the one asked for.
	ErrChallenge = errors.New("audience or nonce mismatch")
)

// UnsupportedError reports something this package recognises but does not
// verify: an algorithm outside EdDSA, ES256, ES384, RS256 and PS256, COSE,
// an unknown critical header, an SD-JWT digest algorithm other than sha-256.
// An input that fails with it was not verified, in either direction.
type UnsupportedError struct {
	What string
}

func (e *UnsupportedError) Error() string { return "unsupported " + e.What }

func unsupported(format string, args ...any) error {
	return &UnsupportedError{What: fmt.Sprintf(format, args...)}
}

// VerifyError is what Verify returns when a check fails: every failed
// finding, in order. errors.Is and errors.As see each finding's Err.
type VerifyError struct {
	Failed []Finding
}

func (e *VerifyError) Error() string {
	var b strings.Builder
	for i, f := range e.Failed {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Check)
		b.WriteString(": ")
		b.WriteString(f.Detail)
	}
	return b.String()
}

func (e *VerifyError) Unwrap() []error {
	errs := make([]error, 0, len(e.Failed))
	for _, f := range e.Failed {
		if f.Err != nil {
			errs = append(errs, f.Err)
		}
	}
	return errs
}

// detailError is an error whose message is the detail alone while it still
// matches its kinds with errors.Is: "iss claim "a" does not match issuer "b""
// rather than a chain of prefixes.
type detailError struct {
	kinds []error
	msg   string
}

func (e *detailError) Error() string   { return e.msg }
func (e *detailError) Unwrap() []error { return e.kinds }

// fail builds a detailError of one kind.
func fail(kind error, format string, args ...any) error {
	return &detailError{kinds: []error{kind}, msg: fmt.Sprintf(format, args...)}
}

// failWith wraps err (keeping it visible to errors.Is/As) under kind.
func failWith(kind error, err error, format string, args ...any) error {
	return &detailError{kinds: []error{kind, err}, msg: fmt.Sprintf(format, args...) + ": " + err.Error()}
}

// short quotes an untrusted string for a message, truncated so that hostile
// input cannot flood logs.
func short(s string) string {
	const max = 80
	if len(s) > max {
		return fmt.Sprintf("%q...", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
