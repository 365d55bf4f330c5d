package proof

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mr-tron/base58"

	"github.com/satchel-wallet/satchel/schemas"
)

// Proof types and cryptosuites.
const (
	DataIntegrity = "DataIntegrityProof"
	Ed2020        = "Ed25519Signature2020"
	Ed2018        = "Ed25519Signature2018"
	EddsaRDFC     = "eddsa-rdfc-2022"
	EddsaJCS      = "eddsa-jcs-2022"
	JWS2020       = "JsonWebSignature2020"
	legacyEddsa   = "eddsa-2022"
)

// Proof purposes (verification relationships).
const (
	AssertionMethod = "assertionMethod"
	Authentication  = "authentication"
)

// Context URLs a proof's terms come from.
const (
	contextVC2        = "https://www.w3.org/ns/credentials/v2"
	contextDIv2       = "https://w3id.org/security/data-integrity/v2"
	contextDIv1       = "https://w3id.org/security/data-integrity/v1"
	contextEd2020     = "https://w3id.org/security/suites/ed25519-2020/v1"
	contextSecurityV2 = "https://w3id.org/security/v2"
)

// Signer signs with the private half of a verification method. An
// ed25519.PrivateKey wrapped by NewSigner is one; a phone keystore can be
// another.
type Signer interface {
	crypto.Signer
	// VerificationMethod is the DID URL of the key, as proofs name it.
	VerificationMethod() string
}

type keySigner struct {
	crypto.Signer
	vm string
}

func (k keySigner) VerificationMethod() string { return k.vm }

// NewSigner pairs a private key with the DID URL that names its public key.
func NewSigner(key crypto.Signer, verificationMethod string) Signer {
	return keySigner{Signer: key, vm: verificationMethod}
}

// Key is a public key and who controls it.
type Key struct {
	ID         string
	Controller string
	Public     crypto.PublicKey
}

// Keys finds the public key a proof names, authorised for the relationship
// (assertionMethod for credentials, authentication for presentations).
type Keys interface {
	Key(ctx context.Context, verificationMethod, relationship string) (Key, error)
}

// Options for signing.
type Options struct {
	// Type is DataIntegrityProof (default) or Ed25519Signature2020.
	Type string
	// Cryptosuite for DataIntegrityProof: eddsa-rdfc-2022 (default) or
	// eddsa-jcs-2022.
	Cryptosuite string
	Created     time.Time
	Expires     time.Time
	// Purpose defaults to assertionMethod.
	Purpose   string
	Challenge string
	Domain    string
	// ID names the proof (needed when a later proof chains to it).
	ID string
	// PreviousProof chains this proof to earlier ones by id.
	PreviousProof []string
	Loader        *schemas.Loader
}

// Errors callers branch on.
var (
	// ErrNoProof: the document carries no proof.
	ErrNoProof = errors.New("no proof")
	// ErrUnsupported: a proof type or cryptosuite this package does not
	// implement (BBS, ecdsa-sd-2023, ...). Never "verified".
	ErrUnsupported = errors.New("unsupported proof type")
	// ErrInvalid: a malformed proof or a signature that does not verify.
	ErrInvalid = errors.New("invalid proof")
)

// Sign adds a proof to doc (a JSON object) and returns the signed document;
// doc itself is not changed. An existing proof is kept: the new one joins
// the proof set (or chains to earlier ones with Options.PreviousProof).
func Sign(ctx context.Context, doc map[string]any, s Signer, opt Options) (map[string]any, error) {
	if opt.Type == "" {
		opt.Type = DataIntegrity
	}
	if opt.Type == DataIntegrity && opt.Cryptosuite == "" {
		opt.Cryptosuite = EddsaRDFC
	}
	if opt.Purpose == "" {
		opt.Purpose = AssertionMethod
	}
	if opt.Created.IsZero() {
		return nil, errors.New("sign: created time is required")
	}
	if _, ok := s.Public().(ed25519.PublicKey); !ok {
		return nil, fmt.Errorf("sign: %s needs an Ed25519 key, not %T", opt.Type, s.Public())
	}
	cfg := map[string]any{
		"type":               opt.Type,
		"created":            opt.Created.UTC().Format(time.RFC3339),
		"verificationMethod": s.VerificationMethod(),
		"proofPurpose":       opt.Purpose,
	}
	if opt.Cryptosuite != "" {
		cfg["cryptosuite"] = opt.Cryptosuite
	}
	if opt.ID != "" {
		cfg["id"] = opt.ID
	}
	if !opt.Expires.IsZero() {
		cfg["expires"] = opt.Expires.UTC().Format(time.RFC3339)
	}
	if opt.Challenge != "" {
		cfg["challenge"] = opt.Challenge
	}
	if opt.Domain != "" {
		cfg["domain"] = opt.Domain
	}
	switch len(opt.PreviousProof) {
	case 0:
	case 1:
		cfg["previousProof"] = opt.PreviousProof[0]
	default:
		cfg["previousProof"] = opt.PreviousProof
	}
	suite, err := suiteOf(cfg)
	if err != nil {
		return nil, err
	}
	existing := proofList(doc["proof"])
	unsecured, err := unsecuredFor(doc, existing, cfg)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	data, err := suite.hashData(ctx, unsecured, cfg, opt.Loader)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	value, err := suite.sign(s, data)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	p := copyMap(cfg)
	if opt.Cryptosuite != EddsaJCS { // eddsa-jcs-2022 keeps the @context in the proof
		delete(p, "@context")
	}
	for k, v := range value {
		p[k] = v
	}
	out := copyMap(doc)
	switch len(existing) {
	case 0:
		out["proof"] = p
	default:
		list := make([]any, 0, len(existing)+1)
		for _, e := range existing {
			list = append(list, e)
		}
		out["proof"] = append(list, p)
	}
	return out, nil
}

// VerifyOptions say what the verifier expects of the proofs.
type VerifyOptions struct {
	// Purpose each proof must have: assertionMethod (default) or
	// authentication.
	Purpose string
	// Challenge and Domain, when set, must match the proof's.
	Challenge string
	Domain    string
	Now       time.Time
	// Skew tolerates clocks that differ: a proof created up to Skew in the
	// future is accepted.
	Skew   time.Duration
	Loader *schemas.Loader
}

// Result is one proof's outcome. Err is nil when the proof verified.
type Result struct {
	Type               string
	Cryptosuite        string
	VerificationMethod string
	Controller         string
	Purpose            string
	Created            time.Time
	ID                 string
	Err                error
}

// MaxProofs bounds a proof set.
const MaxProofs = 16

// Verify checks every proof on doc. It returns one Result per proof (in
// document order); the document is verified when there is at least one
// result and every Err is nil. The error return is for a document that has
// no proof or is not a JSON object.
func Verify(ctx context.Context, doc map[string]any, keys Keys, opt VerifyOptions) ([]Result, error) {
	proofs := proofList(doc["proof"])
	if len(proofs) == 0 {
		return nil, ErrNoProof
	}
	if len(proofs) > MaxProofs {
		return nil, fmt.Errorf("%w: %d proofs, more than %d", ErrInvalid, len(proofs), MaxProofs)
	}
	if opt.Purpose == "" {
		opt.Purpose = AssertionMethod
	}
	out := make([]Result, 0, len(proofs))
	for _, p := range proofs {
		out = append(out, verifyOne(ctx, doc, proofs, p, keys, opt))
	}
	return out, nil
}

func verifyOne(ctx context.Context, doc map[string]any, all []map[string]any, p map[string]any, keys Keys, opt VerifyOptions) Result {
	r := Result{Type: str(p["type"]), Cryptosuite: str(p["cryptosuite"]), VerificationMethod: str(p["verificationMethod"]),
		Purpose: str(p["proofPurpose"]), ID: str(p["id"])}
	fail := func(format string, args ...any) Result {
		r.Err = fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
		return r
	}
	suite, err := suiteOf(p)
	if err != nil {
		r.Err = err
		return r
	}
	if r.VerificationMethod == "" {
		return fail("no verificationMethod")
	}
	if r.Purpose != opt.Purpose {
		return fail("proofPurpose is %q, want %q", r.Purpose, opt.Purpose)
	}
	created, err := parseTime(p["created"])
	switch {
	case err != nil && p["created"] != nil:
		return fail("created: %v", err)
	case err != nil && r.Type != DataIntegrity:
		return fail("created is required")
	}
	r.Created = created
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	if !created.IsZero() && created.After(now.Add(opt.Skew)) {
		return fail("created %s is in the future", created.Format(time.RFC3339))
	}
	if p["expires"] != nil {
		exp, err := parseTime(p["expires"])
		if err != nil {
			return fail("expires: %v", err)
		}
		if !now.Before(exp.Add(opt.Skew)) {
			return fail("the proof expired at %s", exp.Format(time.RFC3339))
		}
	}
	if opt.Challenge != "" && str(p["challenge"]) != opt.Challenge {
		return fail("challenge %q does not match the expected %q", str(p["challenge"]), opt.Challenge)
	}
	if opt.Domain != "" && !hasString(p["domain"], opt.Domain) {
		return fail("domain %v does not match the expected %q", p["domain"], opt.Domain)
	}
	key, err := keys.Key(ctx, r.VerificationMethod, opt.Purpose)
	if err != nil {
		r.Err = fmt.Errorf("verification method %s: %w", r.VerificationMethod, err)
		return r
	}
	r.Controller = key.Controller
	pub := key.Public
	if _, ok := pub.(ed25519.PublicKey); !ok && !suite.anyKey() {
		return fail("%s needs an Ed25519 key; %s is %T", suite.name(), r.VerificationMethod, key.Public)
	}
	cfg := copyMap(p)
	value := suite.strip(cfg)
	if value == "" {
		return fail("no signature value")
	}
	unsecured, err := unsecuredFor(doc, all, cfg)
	if err != nil {
		return fail("%v", err)
	}
	data, err := suite.hashData(ctx, unsecured, cfg, opt.Loader)
	if err != nil {
		r.Err = err
		return r
	}
	if err := suite.verify(pub, data, value); err != nil {
		return fail("%v", err)
	}
	return r
}

// suite is one way of turning a document and proof options into signed
// bytes.
type suite interface {
	name() string
	// hashData is what the signature covers, from the unsecured document
	// and the proof options (without the signature value).
	hashData(ctx context.Context, unsecured, cfg map[string]any, l *schemas.Loader) ([]byte, error)
	sign(s Signer, data []byte) (map[string]any, error)
	// strip removes the signature value from cfg and returns it.
	strip(cfg map[string]any) string
	verify(pub crypto.PublicKey, data []byte, value string) error
	// anyKey: the suite takes keys other than Ed25519 (its JWS alg says
	// which).
	anyKey() bool
}

func suiteOf(p map[string]any) (suite, error) {
	t, cs := str(p["type"]), str(p["cryptosuite"])
	switch {
	case t == DataIntegrity && cs == EddsaRDFC:
		return rdfcSuite{label: EddsaRDFC, context: true}, nil
	case t == DataIntegrity && cs == EddsaJCS:
		return jcsSuite{}, nil
	case t == DataIntegrity && cs == legacyEddsa:
		// The pre-standard name of the same algorithm (RDF
		// canonicalisation, Ed25519), used with the data-integrity/v1
		// context by credentials issued before eddsa-rdfc-2022 was named.
		return rdfcSuite{label: legacyEddsa, context: true}, nil
	case t == DataIntegrity:
		if cs == "" {
			return nil, fmt.Errorf("%w: DataIntegrityProof without a cryptosuite", ErrInvalid)
		}
		return nil, fmt.Errorf("%w %s cryptosuite %s", ErrUnsupported, t, cs)
	case t == Ed2020:
		return rdfcSuite{label: Ed2020, context: true}, nil
	case t == Ed2018:
		return jwsSuite{}, nil
	case t == JWS2020:
		return jwsSuite{label: JWS2020, anyAlg: true}, nil
	case t == "":
		return nil, fmt.Errorf("%w: the proof has no type", ErrInvalid)
	}
	return nil, fmt.Errorf("%w %s", ErrUnsupported, t)
}

// rdfcSuite is eddsa-rdfc-2022 and Ed25519Signature2020: SHA-256 of the
// canonical proof options, then of the canonical document, signed with
// Ed25519, the signature multibase base58btc in proofValue.
type rdfcSuite struct {
	label   string
	context bool
}

func (s rdfcSuite) name() string { return s.label }

func (s rdfcSuite) hashData(ctx context.Context, unsecured, cfg map[string]any, l *schemas.Loader) ([]byte, error) {
	if _, ok := cfg["@context"]; !ok {
		cfg["@context"] = unsecured["@context"]
	}
	if s.label == EddsaRDFC {
		if err := checkContext(unsecured, cfg, contextVC2, contextDIv2); err != nil {
			return nil, err
		}
	}
	if s.label == legacyEddsa {
		if err := checkContext(unsecured, cfg, contextVC2, contextDIv2, contextDIv1); err != nil {
			return nil, err
		}
	}
	return canonicalHashes(unsecured, cfg, l)
}

func (rdfcSuite) sign(s Signer, data []byte) (map[string]any, error) {
	sig, err := s.Sign(rand.Reader, data, crypto.Hash(0))
	if err != nil {
		return nil, err
	}
	return map[string]any{"proofValue": "z" + base58.Encode(sig)}, nil
}

func (rdfcSuite) strip(cfg map[string]any) string {
	v := str(cfg["proofValue"])
	delete(cfg, "proofValue")
	return v
}

func (rdfcSuite) anyKey() bool { return false }

func (rdfcSuite) verify(pub crypto.PublicKey, data []byte, value string) error {
	sig, err := multibaseSignature(value)
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub.(ed25519.PublicKey), data, sig) {
		return errors.New("the signature does not verify")
	}
	return nil
}

func multibaseSignature(v string) ([]byte, error) {
	if !strings.HasPrefix(v, "z") {
		return nil, fmt.Errorf("proofValue %.12q… is not multibase base58btc", v)
	}
	sig, err := base58.Decode(v[1:])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, errors.New("proofValue is not a 64-byte Ed25519 signature")
	}
	return sig, nil
}

// checkContext: a VC 1.1 document signed with DataIntegrityProof must bring
// the data integrity terms (VC 2.0 includes them); eddsa-rdfc-2022 requires
// the proof's @context to be the document's.
func checkContext(doc, cfg map[string]any, allowed ...string) error {
	if !jsonEqual(doc["@context"], cfg["@context"]) {
		return fmt.Errorf("%w: the proof's @context differs from the document's", ErrInvalid)
	}
	for _, c := range contextList(doc["@context"]) {
		for _, a := range allowed {
			if c == a {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: DataIntegrityProof needs one of the contexts %s", ErrInvalid, strings.Join(allowed, ", "))
}

// canonicalHashes is what the RDF-based suites sign: SHA-256 of the
// canonical proof options, then SHA-256 of the canonical document.
func canonicalHashes(unsecured, cfg map[string]any, l *schemas.Loader) ([]byte, error) {
	docN, err := schemas.Canonicalize(unsecured, l)
	if err != nil {
		return nil, fmt.Errorf("canonicalise the document: %w", err)
	}
	cfgN, err := schemas.Canonicalize(cfg, l)
	if err != nil {
		return nil, fmt.Errorf("canonicalise the proof options: %w", err)
	}
	return joinHashes(cfgN, docN), nil
}

func joinHashes(cfgN, docN string) []byte {
	a := sha256.Sum256([]byte(cfgN))
	b := sha256.Sum256([]byte(docN))
	return append(a[:], b[:]...)
}

// jwsSuite is Ed25519Signature2018 and JsonWebSignature2020: a detached
// JWS (b64=false) over the hashes of the canonical proof options and the
// canonical document. Ed25519Signature2018 canonicalises the options in the
// security v2 context and signs with EdDSA; JsonWebSignature2020 uses the
// proof's own (or the document's) context and any JOSE algorithm the key
// fits.
type jwsSuite struct {
	label  string
	anyAlg bool
}

func (s jwsSuite) name() string {
	if s.label == "" {
		return Ed2018
	}
	return s.label
}

func (s jwsSuite) anyKey() bool { return s.anyAlg }

func (s jwsSuite) hashData(ctx context.Context, unsecured, cfg map[string]any, l *schemas.Loader) ([]byte, error) {
	switch {
	case !s.anyAlg:
		cfg["@context"] = contextSecurityV2
	default:
		// A proof node is read in its document's context, plus any
		// context of its own (the JWS 2020 context does not alias
		// "type" by itself).
		cfg["@context"] = append(asList(unsecured["@context"]), asList(cfg["@context"])...)
	}
	return canonicalHashes(unsecured, cfg, l)
}

const jws2018Header = `{"alg":"EdDSA","b64":false,"crit":["b64"]}`

func (jwsSuite) sign(s Signer, data []byte) (map[string]any, error) {
	h := base64.RawURLEncoding.EncodeToString([]byte(jws2018Header))
	sig, err := s.Sign(rand.Reader, append([]byte(h+"."), data...), crypto.Hash(0))
	if err != nil {
		return nil, err
	}
	return map[string]any{"jws": h + ".." + base64.RawURLEncoding.EncodeToString(sig)}, nil
}

func (jwsSuite) strip(cfg map[string]any) string {
	v := str(cfg["jws"])
	delete(cfg, "jws")
	return v
}

func (s jwsSuite) verify(pub crypto.PublicKey, data []byte, value string) error {
	parts := strings.Split(value, ".")
	if len(parts) != 3 || parts[1] != "" {
		return errors.New("jws is not a detached compact JWS")
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return errors.New("jws header is not base64url")
	}
	var h struct {
		Alg  string   `json:"alg"`
		B64  *bool    `json:"b64"`
		Crit []string `json:"crit"`
	}
	if err := json.Unmarshal(hb, &h); err != nil {
		return errors.New("jws header is not JSON")
	}
	if h.B64 == nil || *h.B64 || len(h.Crit) != 1 || h.Crit[0] != "b64" {
		return fmt.Errorf("jws header %s: want b64 false and crit [b64]", hb)
	}
	if !s.anyAlg && h.Alg != "EdDSA" {
		return fmt.Errorf("jws alg %q: %s signs with EdDSA", h.Alg, Ed2018)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return errors.New("jws signature is not base64url")
	}
	return verifyJWS(h.Alg, pub, append([]byte(parts[0]+"."), data...), sig)
}

// unsecuredFor is the document a proof covers: without its proofs, except
// (for a chained proof) the earlier proofs it names in previousProof.
func unsecuredFor(doc map[string]any, all []map[string]any, cfg map[string]any) (map[string]any, error) {
	u := copyMap(doc)
	delete(u, "proof")
	prev := stringList(cfg["previousProof"])
	if len(prev) == 0 {
		return u, nil
	}
	var matching []any
	for _, id := range prev {
		found := false
		for _, p := range all {
			if str(p["id"]) == id && id != "" {
				matching = append(matching, p)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: previousProof %q is not in the proof set", ErrInvalid, id)
		}
	}
	if len(matching) == 1 {
		u["proof"] = matching[0]
	} else {
		u["proof"] = matching
	}
	return u, nil
}

func proofList(v any) []map[string]any {
	switch p := v.(type) {
	case map[string]any:
		return []map[string]any{p}
	case []any:
		var out []map[string]any
		for _, x := range p {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func str(v any) string { s, _ := v.(string); return s }

func stringList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func hasString(v any, want string) bool {
	for _, s := range stringList(v) {
		if s == want {
			return true
		}
	}
	return false
}

func contextList(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// parseTime reads an XML Schema dateTime as proofs write it.
func parseTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, errors.New("not a date-time string")
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an XML Schema dateTime", s)
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return append([]any(nil), x...)
	default:
		return []any{x}
	}
}
