package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"

	"github.com/lestrrat-go/jwx/v2/jwk"
)

// ThumbprintURIPrefix starts an RFC 9278 JWK thumbprint URI (SHA-256).
const ThumbprintURIPrefix = "urn:ietf:params:oauth:jwk-thumbprint:sha-256:"

// privateMembers are JWK members that carry secret material.
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// PublicKeyFromJWK parses a public JWK: OKP Ed25519, EC P-256 / P-384 /
// P-521, or RSA. A JWK with private members, a symmetric key or a point off
// its curve is refused: a key that arrives in a token or a document must be
// public.
func PublicKeyFromJWK(b []byte) (crypto.PublicKey, error) {
	m, err := decodeObject(b, 4, "JWK")
	if err != nil {
		return nil, err
	}
	return publicKeyFromMap(m)
}

func publicKeyFromMap(m map[string]any) (crypto.PublicKey, error) {
	for _, p := range privateMembers {
		if _, ok := m[p]; ok {
			return nil, fail(ErrKey, "JWK carries private member %q", p)
		}
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, fail(ErrKey, "JWK: %v", err)
	}
	key, err := jwk.ParseKey(raw)
	if err != nil {
		return nil, fail(ErrKey, "JWK: %v", err)
	}
	if err := key.Validate(); err != nil {
		return nil, fail(ErrKey, "JWK: %v", err)
	}
	var pub any
	if err := key.Raw(&pub); err != nil {
		return nil, fail(ErrKey, "JWK: %v", err)
	}
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, fail(ErrKey, "JWK: Ed25519 key of %d bytes", len(k))
		}
		return k, nil
	case *ecdsa.PublicKey:
		// ECDH validates that the point is on the curve.
		if _, err := k.ECDH(); err != nil {
			return nil, fail(ErrKey, "JWK: invalid EC point: %v", err)
		}
		return k, nil
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return nil, fail(ErrKey, "JWK: RSA key of %d bits is weaker than the %d bits required", k.N.BitLen(), minRSABits)
		}
		return k, nil
	}
	return nil, unsupported("JWK key type %T", pub)
}

// JWK returns the public JWK of pub as a JSON object (kty, crv, x, y, n, e).
func JWK(pub crypto.PublicKey) (map[string]any, error) {
	key, err := jwk.FromRaw(pub)
	if err != nil {
		return nil, fail(ErrKey, "JWK of %s: %v", keyType(pub), err)
	}
	if priv, _ := jwk.IsPrivateKey(key); priv {
		return nil, fail(ErrKey, "JWK of a private key")
	}
	raw, err := json.Marshal(key)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// Thumbprint is the base64url RFC 7638 SHA-256 thumbprint of pub.
func Thumbprint(pub crypto.PublicKey) (string, error) {
	key, err := jwk.FromRaw(pub)
	if err != nil {
		return "", fail(ErrKey, "thumbprint of %s: %v", keyType(pub), err)
	}
	tp, err := key.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fail(ErrKey, "thumbprint: %v", err)
	}
	return encodeB64(tp), nil
}

// sameKey reports whether a and b are the same public key.
func sameKey(a, b crypto.PublicKey) bool {
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}
