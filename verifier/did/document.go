package did

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits on a DID document: its size in bytes, how deeply its JSON nests,
// and how many verification methods it defines. Real documents hold a
// handful of keys; decoding a thousand P-521 points is a quarter second of
// CPU that a hostile document should not get.
const (
	MaxDocumentSize = 256 << 10
	MaxDepth        = 32
	MaxMethods      = 100
)

// Verification relationships (DID Core §5.3).
const (
	AssertionMethod      = "assertionMethod"
	Authentication       = "authentication"
	CapabilityInvocation = "capabilityInvocation"
	CapabilityDelegation = "capabilityDelegation"
	KeyAgreement         = "keyAgreement"
)

// Verification method types whose keys this package decodes.
const (
	TypeMultikey                   = "Multikey"
	TypeEd25519VerificationKey2020 = "Ed25519VerificationKey2020"
	TypeEd25519VerificationKey2018 = "Ed25519VerificationKey2018"
	TypeJsonWebKey2020             = "JsonWebKey2020"
	TypeJsonWebKey                 = "JsonWebKey"
)

// VerificationMethod is a public key of a DID document, normalised.
type VerificationMethod struct {
	ID         string // absolute DID URL: did:...#frag (or https URL, for a controller document)
	Type       string // Multikey, Ed25519VerificationKey2020, Ed25519VerificationKey2018, JsonWebKey2020, JsonWebKey, or another type
	Controller string
	// PublicKey is an ed25519.PublicKey, *ecdsa.PublicKey (P-256, P-384,
	// P-521) or *rsa.PublicKey. It is nil for a method of a type or curve
	// Satchel does not verify with (an X25519 key agreement key, secp256k1);
	// Document.Method reports ErrUnsupportedKey for those.
	PublicKey crypto.PublicKey
}

// Document is a parsed DID document (or controller document). It is
// immutable once parsed: resolvers and the cache share one value.
type Document struct {
	ID         string
	Controller []string
	// VerificationMethod holds the document's methods followed by those
	// embedded in its relationships, each once, with absolute ids.
	VerificationMethod []VerificationMethod
	// The relationships, as absolute method ids (embedded methods appear by
	// their id). An id may name a method of another document.
	AssertionMethod, Authentication, CapabilityInvocation, CapabilityDelegation, KeyAgreement []string
	// Raw is the document as it was read.
	Raw json.RawMessage

	unsupported map[string]error // method id -> why it has no PublicKey
}

// ParseDocument reads a DID document, or a controller document whose id is
// an https URL. JSON-LD is not processed: @context is ignored, never
// fetched. Relative method ids ("#key-1") are resolved against the document
// id. Every key of a supported type is decoded and checked now, so a
// document with a malformed key, or with any private key material, is
// refused as a whole (ErrInvalid); a method of an unsupported type is kept
// without a key.
func ParseDocument(raw []byte) (*Document, error) {
	d, err := parseDocument(raw)
	if err != nil {
		return nil, fmt.Errorf("parse DID document: %w", err)
	}
	return d, nil
}

func parseDocument(raw []byte) (*Document, error) {
	if len(raw) > MaxDocumentSize {
		return nil, errorf(ErrInvalid, "document is %d bytes, more than the %d-byte limit", len(raw), MaxDocumentSize)
	}
	if !utf8.Valid(raw) {
		return nil, errorf(ErrInvalid, "document is not UTF-8")
	}
	if err := checkJSON(raw); err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, errorf(ErrInvalid, "document is not a JSON object: %v", err)
	}
	d := &Document{Raw: append(json.RawMessage(nil), raw...)}

	if err := unmarshalString(top, "id", &d.ID); err != nil {
		return nil, err
	}
	if d.ID == "" {
		return nil, errorf(ErrInvalid, "document has no \"id\"")
	}
	if err := checkID(d.ID); err != nil {
		return nil, fmt.Errorf("document id: %w", err)
	}
	if v, ok := top["controller"]; ok {
		cs, err := stringSet(v)
		if err != nil {
			return nil, errorf(ErrInvalid, "\"controller\" must be a string or an array of strings")
		}
		for _, c := range cs {
			if err := checkID(c); err != nil {
				return nil, fmt.Errorf("controller: %w", err)
			}
		}
		d.Controller = cs
	}

	p := docParser{d: d, index: map[string]int{}}
	if v, ok := top["verificationMethod"]; ok {
		items, err := set(v)
		if err != nil {
			return nil, errorf(ErrInvalid, "\"verificationMethod\" must be an array of objects")
		}
		for i, item := range items {
			if !isObject(item) {
				return nil, errorf(ErrInvalid, "verificationMethod[%d] is not an object", i)
			}
			if _, err := p.method(item); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range []struct {
		name string
		dst  *[]string
	}{
		{AssertionMethod, &d.AssertionMethod},
		{Authentication, &d.Authentication},
		{CapabilityInvocation, &d.CapabilityInvocation},
		{CapabilityDelegation, &d.CapabilityDelegation},
		{KeyAgreement, &d.KeyAgreement},
	} {
		v, ok := top[r.name]
		if !ok {
			continue
		}
		items, err := set(v)
		if err != nil {
			return nil, errorf(ErrInvalid, "%q must be an array of method ids or objects", r.name)
		}
		seen := map[string]bool{}
		for i, item := range items {
			var id string
			if isObject(item) {
				if id, err = p.method(item); err != nil {
					return nil, err
				}
			} else if err := json.Unmarshal(item, &id); err == nil {
				if id, err = resolveRef(d.ID, id); err != nil {
					return nil, fmt.Errorf("%s[%d]: %w", r.name, i, err)
				}
			} else {
				return nil, errorf(ErrInvalid, "%s[%d] is neither a method id nor an object", r.name, i)
			}
			if !seen[id] {
				seen[id] = true
				*r.dst = append(*r.dst, id)
			}
		}
	}
	return d, nil
}

type docParser struct {
	d      *Document
	index  map[string]int // method id -> position in d.VerificationMethod
	parsed int            // method objects parsed so far
}

// method parses one verification method object and adds it to the document
// unless an identical one is already there. It returns the method's id.
func (p *docParser) method(raw json.RawMessage) (string, error) {
	// A method may be both listed and embedded (and so parsed twice); the
	// bound on parsing is what bounds the work.
	if p.parsed++; p.parsed > 2*MaxMethods {
		return "", errorf(ErrInvalid, "document defines more than %d verification methods", MaxMethods)
	}
	vm, unsupported, err := parseMethod(raw, p.d.ID)
	if err != nil {
		return "", err
	}
	if i, ok := p.index[vm.ID]; ok {
		if !sameMethod(p.d.VerificationMethod[i], vm) {
			return "", errorf(ErrInvalid, "verification method %s is defined twice, differently", short(vm.ID))
		}
		return vm.ID, nil
	}
	if len(p.d.VerificationMethod) >= MaxMethods {
		return "", errorf(ErrInvalid, "document defines more than %d verification methods", MaxMethods)
	}
	p.index[vm.ID] = len(p.d.VerificationMethod)
	p.d.VerificationMethod = append(p.d.VerificationMethod, vm)
	if unsupported != nil {
		if p.d.unsupported == nil {
			p.d.unsupported = map[string]error{}
		}
		p.d.unsupported[vm.ID] = unsupported
	}
	return vm.ID, nil
}

func sameMethod(a, b VerificationMethod) bool {
	if a.Type != b.Type || a.Controller != b.Controller {
		return false
	}
	if a.PublicKey == nil || b.PublicKey == nil {
		return a.PublicKey == nil && b.PublicKey == nil
	}
	k, ok := a.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b.PublicKey)
}

// parseMethod decodes a verification method. A method of a type or key
// Satchel does not support comes back with a nil key and the reason in
// unsupported; a malformed one is an error.
func parseMethod(raw json.RawMessage, docID string) (vm VerificationMethod, unsupported, err error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return vm, nil, errorf(ErrInvalid, "verification method is not a JSON object")
	}
	var id string
	if err := unmarshalString(m, "id", &id); err != nil {
		return vm, nil, fmt.Errorf("verification method: %w", err)
	}
	if id == "" {
		return vm, nil, errorf(ErrInvalid, "verification method without an \"id\"")
	}
	if vm.ID, err = resolveRef(docID, id); err != nil {
		return vm, nil, fmt.Errorf("verification method id: %w", err)
	}
	if err := methodInDocument(vm.ID, docID); err != nil {
		return vm, nil, err
	}
	// bad puts the method's id in front of an error.
	bad := func(err error) (VerificationMethod, error, error) {
		return VerificationMethod{}, nil, fmt.Errorf("verification method %s: %w", short(vm.ID), err)
	}
	fail := func(format string, args ...any) (VerificationMethod, error, error) {
		return bad(errorf(ErrInvalid, format, args...))
	}
	if err := unmarshalString(m, "type", &vm.Type); err != nil || vm.Type == "" {
		return fail("\"type\" must be a non-empty string")
	}
	if err := unmarshalString(m, "controller", &vm.Controller); err != nil || vm.Controller == "" {
		return fail("\"controller\" must be a non-empty string")
	}
	if err := checkID(vm.Controller); err != nil {
		return bad(fmt.Errorf("controller: %w", err))
	}

	var present []string
	for _, name := range []string{"publicKeyMultibase", "publicKeyBase58", "publicKeyJwk", "publicKeyHex", "publicKeyPem"} {
		if _, ok := m[name]; ok {
			present = append(present, name)
		}
	}
	if len(present) > 1 {
		return fail("more than one key property (%s)", strings.Join(present, ", "))
	}
	var prop string
	if len(present) == 1 {
		prop = present[0]
	}
	str := func() (string, error) {
		var s string
		if err := json.Unmarshal(m[prop], &s); err != nil {
			return "", errorf(ErrInvalid, "%s is not a string", prop)
		}
		return s, nil
	}
	if prop == "publicKeyJwk" {
		// Refuse private JWK members whatever the method's type.
		var members map[string]json.RawMessage
		if err := json.Unmarshal(m[prop], &members); err != nil || members == nil {
			return fail("publicKeyJwk is not an object")
		}
		for _, name := range privateJWKMembers {
			if _, ok := members[name]; ok {
				return fail("publicKeyJwk holds private key material (%q)", name)
			}
		}
	}

	var pub crypto.PublicKey
	switch vm.Type {
	case TypeMultikey, TypeEd25519VerificationKey2020:
		if prop != "publicKeyMultibase" {
			return fail("a %s needs publicKeyMultibase", vm.Type)
		}
		s, err := str()
		if err == nil {
			pub, err = MultikeyDecode(s)
		}
		if errors.Is(err, ErrUnsupportedKey) && vm.Type == TypeMultikey {
			return vm, err, nil
		}
		if err != nil {
			return bad(err)
		}
	case TypeEd25519VerificationKey2018:
		switch prop {
		case "publicKeyBase58":
			s, err := str()
			if err == nil {
				pub, err = decodeBase58Key(s)
			}
			if err != nil {
				return bad(err)
			}
		case "publicKeyJwk":
			if pub, err = decodeJWK(m[prop]); err != nil {
				return bad(err)
			}
		default:
			return fail("an Ed25519VerificationKey2018 needs publicKeyBase58 or publicKeyJwk")
		}
	case TypeJsonWebKey2020, TypeJsonWebKey:
		if prop != "publicKeyJwk" {
			return fail("a %s needs publicKeyJwk", vm.Type)
		}
		pub, err = decodeJWK(m[prop])
		if errors.Is(err, ErrUnsupportedKey) {
			return vm, err, nil
		}
		if err != nil {
			return bad(err)
		}
	default:
		return vm, errorf(ErrUnsupportedKey, "verification method type %s", short(vm.Type)), nil
	}
	if vm.Type == TypeEd25519VerificationKey2020 || vm.Type == TypeEd25519VerificationKey2018 {
		if _, ok := pub.(ed25519.PublicKey); !ok {
			return fail("an %s holds a %s key", vm.Type, keyKind(pub))
		}
	}
	vm.PublicKey = pub
	return vm, nil, nil
}

// Method returns the verification method with the given id (absolute, or
// "#fragment" relative to the document) after checking that the document
// authorises it for the relationship — listed there by reference or
// embedded (ErrNotAuthorized otherwise) — and that its controller is the
// document's DID or one of the document's controllers (ErrNotAuthorized).
// A method the document does not define is ErrNotFound; one of a key type
// Satchel does not verify with is ErrUnsupportedKey.
func (d *Document) Method(id, relationship string) (VerificationMethod, error) {
	rel, err := d.relationship(relationship)
	if err != nil {
		return VerificationMethod{}, err
	}
	if strings.HasPrefix(id, "#") {
		id = d.ID + id
	}
	i := slices.IndexFunc(d.VerificationMethod, func(vm VerificationMethod) bool { return vm.ID == id })
	if i < 0 {
		return VerificationMethod{}, errorf(ErrNotFound, "document %s has no verification method %s", short(d.ID), short(id))
	}
	vm := d.VerificationMethod[i]
	if !slices.Contains(rel, id) {
		return VerificationMethod{}, errorf(ErrNotAuthorized, "verification method %s is not listed under %s in %s", short(id), relationship, short(d.ID))
	}
	if vm.Controller != d.ID && !slices.Contains(d.Controller, vm.Controller) {
		return VerificationMethod{}, errorf(ErrNotAuthorized, "verification method %s is controlled by %s, not by %s or its controllers", short(id), short(vm.Controller), short(d.ID))
	}
	if err := d.unsupported[id]; err != nil {
		return VerificationMethod{}, fmt.Errorf("verification method %s: %w", short(id), err)
	}
	if vm.PublicKey == nil {
		// Only a Document built by hand can get here.
		return VerificationMethod{}, errorf(ErrInvalid, "verification method %s has no public key", short(id))
	}
	return vm, nil
}

func (d *Document) relationship(name string) ([]string, error) {
	switch name {
	case AssertionMethod:
		return d.AssertionMethod, nil
	case Authentication:
		return d.Authentication, nil
	case CapabilityInvocation:
		return d.CapabilityInvocation, nil
	case CapabilityDelegation:
		return d.CapabilityDelegation, nil
	case KeyAgreement:
		return d.KeyAgreement, nil
	}
	return nil, errorf(ErrInvalid, "unknown verification relationship %s", short(name))
}

// resolveRef makes a method id or reference absolute: "#key-1" is relative
// to the document; anything else must already be a DID URL or https URL.
func resolveRef(docID, ref string) (string, error) {
	if strings.HasPrefix(ref, "#") {
		ref = docID + ref
	}
	if _, _, err := SplitURL(ref); err != nil {
		return "", err
	}
	return ref, nil
}

// methodInDocument checks that a method defined in a document belongs to
// it: did:x#frag inside did:x, or an https URL on the controller document's
// host. A document cannot define keys for another identifier.
func methodInDocument(vmID, docID string) error {
	base, frag, err := SplitURL(vmID)
	if err != nil {
		return err
	}
	if strings.HasPrefix(docID, "did:") {
		if base != docID || frag == "" {
			return errorf(ErrInvalid, "verification method %s is not a fragment of %s", short(vmID), short(docID))
		}
		return nil
	}
	if !isHTTPSURL(base) || !strings.EqualFold(hostOf(base), hostOf(docID)) {
		return errorf(ErrInvalid, "verification method %s is not on the host of %s", short(vmID), short(docID))
	}
	return nil
}

func hostOf(httpsURL string) string {
	rest := strings.TrimPrefix(httpsURL, "https://")
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

func unmarshalString(m map[string]json.RawMessage, name string, dst *string) error {
	v, ok := m[name]
	if !ok {
		return nil
	}
	if err := json.Unmarshal(v, dst); err != nil {
		return errorf(ErrInvalid, "%q must be a string", name)
	}
	return nil
}

// set reads a JSON-LD set: an array, or a single non-array value.
func set(v json.RawMessage) ([]json.RawMessage, error) {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '[' {
		var items []json.RawMessage
		err := json.Unmarshal(v, &items)
		return items, err
	}
	if len(v) == 0 || bytes.Equal(v, []byte("null")) {
		return nil, errors.New("null")
	}
	return []json.RawMessage{v}, nil
}

func stringSet(v json.RawMessage) ([]string, error) {
	items, err := set(v)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		var s string
		if err := json.Unmarshal(item, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func isObject(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) > 0 && v[0] == '{'
}

// checkJSON walks the document's tokens before it is decoded: the top level
// must be an object, nesting stays within MaxDepth, no object repeats a
// member name (parsers disagree on which copy wins, so a repeated "id" or
// key could mean one thing here and another elsewhere), and no member
// carries private key material (privateKeyMultibase, secretKeyJwk, ...).
func checkJSON(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	type frame struct {
		object  bool
		wantKey bool
		keys    map[string]struct{}
	}
	var stack []*frame
	// valueDone marks the end of a value in the enclosing object.
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
	}
	first := true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return errorf(ErrInvalid, "document is not valid JSON: %v", err)
		}
		if first {
			if d, ok := tok.(json.Delim); !ok || d != '{' {
				return errorf(ErrInvalid, "document is not a JSON object")
			}
			first = false
		} else if len(stack) == 0 {
			return errorf(ErrInvalid, "data after the document's JSON object")
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
			if key, ok := tok.(string); ok {
				top := stack[n-1]
				if _, dup := top.keys[key]; dup {
					return errorf(ErrInvalid, "member %s appears twice in one object", short(key))
				}
				top.keys[key] = struct{}{}
				if strings.HasPrefix(key, "privateKey") || strings.HasPrefix(key, "secretKey") {
					return errorf(ErrInvalid, "document holds private key material (%s)", short(key))
				}
				top.wantKey = false
				continue
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) >= MaxDepth {
					return errorf(ErrInvalid, "document nests deeper than %d levels", MaxDepth)
				}
				f := &frame{object: t == '{'}
				if f.object {
					f.wantKey = true
					f.keys = map[string]struct{}{}
				}
				stack = append(stack, f)
			case '}', ']':
				stack = stack[:len(stack)-1]
				valueDone()
			}
		default:
			valueDone()
		}
	}
	if first {
		return errorf(ErrInvalid, "document is empty")
	}
	if len(stack) > 0 {
		return errorf(ErrInvalid, "document is not valid JSON: unexpected end")
	}
	return nil
}
