package did

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// docJSON is the shape of the documents KeyDocument and JWKDocument build;
// they go through ParseDocument like any other, so one parser normalises
// every document.
type docJSON struct {
	Context              []string `json:"@context"`
	ID                   string   `json:"id"`
	VerificationMethod   []any    `json:"verificationMethod"`
	AssertionMethod      []string `json:"assertionMethod,omitempty"`
	Authentication       []string `json:"authentication,omitempty"`
	CapabilityInvocation []string `json:"capabilityInvocation,omitempty"`
	CapabilityDelegation []string `json:"capabilityDelegation,omitempty"`
	KeyAgreement         []string `json:"keyAgreement,omitempty"`
}

func buildDocument(doc docJSON) (*Document, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return parseDocument(raw)
}

// KeyDID returns the did:key of a public key: an ed25519.PublicKey or an
// *ecdsa.PublicKey on P-256 (also P-384, P-521).
func KeyDID(pub crypto.PublicKey) (string, error) {
	mb, err := MultikeyEncode(pub)
	if err != nil {
		return "", fmt.Errorf("did:key: %w", err)
	}
	return "did:key:" + mb, nil
}

// KeyDocument expands a did:key into its DID document, as the did:key
// method specification describes: one Multikey verification method
// did:key:z...#z... (the id an Ed25519Signature2020 or eddsa-rdfc-2022 proof
// names) that assertionMethod, authentication, capabilityInvocation and
// capabilityDelegation reference. Ed25519, P-256, P-384 and P-521 keys are
// supported. The X25519 key agreement key the specification can derive
// from an Ed25519 key is left out: Satchel only verifies signatures.
func KeyDocument(did string) (*Document, error) {
	doc, err := keyDocument(did)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", short(did), err)
	}
	return doc, nil
}

func keyDocument(did string) (*Document, error) {
	method, msid, err := parseDID(did)
	if err != nil {
		return nil, err
	}
	if method != "key" {
		return nil, errorf(ErrInvalid, "not a did:key")
	}
	if strings.Contains(msid, ":") {
		return nil, errorf(ErrInvalid, "did:key with a version or extra segments is not supported")
	}
	pub, err := MultikeyDecode(msid)
	if err != nil {
		return nil, err
	}
	if mb, err := MultikeyEncode(pub); err != nil || mb != msid {
		return nil, errorf(ErrInvalid, "did:key is not in canonical form")
	}
	vmID := did + "#" + msid
	refs := []string{vmID}
	return buildDocument(docJSON{
		Context: []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
		ID:      did,
		VerificationMethod: []any{map[string]string{
			"id":                 vmID,
			"type":               TypeMultikey,
			"controller":         did,
			"publicKeyMultibase": msid,
		}},
		AssertionMethod:      refs,
		Authentication:       refs,
		CapabilityInvocation: refs,
		CapabilityDelegation: refs,
	})
}

// JWKDID returns the did:jwk of a public key (Ed25519, ECDSA P-256/P-384/
// P-521 or RSA): base64url of the key's public JWK.
func JWKDID(pub crypto.PublicKey) (string, error) {
	jwk, err := encodeJWK(pub)
	if err != nil {
		return "", fmt.Errorf("did:jwk: %w", err)
	}
	b, err := json.Marshal(jwk)
	if err != nil {
		return "", fmt.Errorf("did:jwk: %w", err)
	}
	return "did:jwk:" + base64.RawURLEncoding.EncodeToString(b), nil
}

// JWKDocument expands a did:jwk (base64url of a JSON Web Key) into its DID
// document per the did:jwk specification: one JsonWebKey2020 method
// did:jwk:...#0, referenced by the signing relationships unless the JWK's
// "use" is "enc" and by keyAgreement unless it is "sig". A JWK with private
// members is refused.
func JWKDocument(did string) (*Document, error) {
	doc, err := jwkDocument(did)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", short(did), err)
	}
	return doc, nil
}

func jwkDocument(did string) (*Document, error) {
	method, msid, err := parseDID(did)
	if err != nil {
		return nil, err
	}
	if method != "jwk" {
		return nil, errorf(ErrInvalid, "not a did:jwk")
	}
	raw, err := base64.RawURLEncoding.DecodeString(msid)
	if err != nil {
		return nil, errorf(ErrInvalid, "did:jwk is not unpadded base64url")
	}
	var jwk map[string]json.RawMessage
	if err := json.Unmarshal(raw, &jwk); err != nil || jwk == nil {
		return nil, errorf(ErrInvalid, "did:jwk does not hold a JSON object")
	}
	if _, err := decodeJWK(raw); err != nil {
		return nil, err
	}
	var use string
	if v, ok := jwk["use"]; ok {
		if err := json.Unmarshal(v, &use); err != nil || (use != "sig" && use != "enc") {
			return nil, errorf(ErrInvalid, "did:jwk JWK \"use\" must be \"sig\" or \"enc\"")
		}
	}
	vmID := did + "#0"
	refs := []string{vmID}
	doc := docJSON{
		Context: []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"},
		ID:      did,
		VerificationMethod: []any{map[string]any{
			"id":           vmID,
			"type":         TypeJsonWebKey2020,
			"controller":   did,
			"publicKeyJwk": json.RawMessage(raw),
		}},
	}
	if use != "enc" {
		doc.AssertionMethod, doc.Authentication, doc.CapabilityInvocation, doc.CapabilityDelegation = refs, refs, refs, refs
	}
	if use != "sig" {
		doc.KeyAgreement = refs
	}
	return buildDocument(doc)
}
