package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"fmt"
	"io"
	"math/big"
)

// The JWS algorithms this package signs and verifies. Everything else —
// "none", the HMAC family, ES512, RS384, ... — is an *UnsupportedError.
const (
	AlgEdDSA = "EdDSA"
	AlgES256 = "ES256"
	AlgES384 = "ES384"
	AlgRS256 = "RS256"
	AlgPS256 = "PS256"
	// AlgEd25519 is the fully-specified name RFC 9864 gives EdDSA with
	// Ed25519; accepted when verifying, never produced.
	AlgEd25519 = "Ed25519"
)

// minRSABits is the smallest RSA modulus accepted, for signing and verifying.
const minRSABits = 2048

// algName prints an alg from a header: as is when it looks like one, quoted
// and truncated otherwise.
func algName(alg string) string {
	if len(alg) == 0 || len(alg) > 32 {
		return short(alg)
	}
	for i := 0; i < len(alg); i++ {
		if c := alg[i]; !(isB64(c) || c == '+' || c == '.') {
			return short(alg)
		}
	}
	return alg
}

func supportedAlg(alg string) bool {
	switch alg {
	case AlgEdDSA, AlgEd25519, AlgES256, AlgES384, AlgRS256, AlgPS256:
		return true
	}
	return false
}

// keyType names a public key's type for messages.
func keyType(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return "Ed25519"
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return "ECDSA"
		}
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return "RSA"
		}
		return fmt.Sprintf("RSA-%d", k.N.BitLen())
	case nil:
		return "no key"
	}
	return fmt.Sprintf("%T", pub)
}

// keyFits reports whether pub is a key alg verifies with: an Ed25519 key
// with ES256 is an error, not a failed signature.
func keyFits(alg string, pub crypto.PublicKey) error {
	bad := func() error {
		return fail(ErrKey, "a %s key cannot verify %s", keyType(pub), alg)
	}
	switch alg {
	case AlgEdDSA, AlgEd25519:
		k, ok := pub.(ed25519.PublicKey)
		if !ok || len(k) != ed25519.PublicKeySize {
			return bad()
		}
	case AlgES256, AlgES384:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || k == nil || k.Curve == nil || k.X == nil || k.Y == nil {
			return bad()
		}
		want := elliptic.P256()
		if alg == AlgES384 {
			want = elliptic.P384()
		}
		if k.Curve.Params().Name != want.Params().Name {
			return bad()
		}
	case AlgRS256, AlgPS256:
		k, ok := pub.(*rsa.PublicKey)
		if !ok || k == nil || k.N == nil {
			return bad()
		}
		if k.N.BitLen() < minRSABits {
			return fail(ErrKey, "RSA key of %d bits is weaker than the %d bits required", k.N.BitLen(), minRSABits)
		}
	default:
		return unsupported("JOSE algorithm %s", algName(alg))
	}
	return nil
}

func hashFor(alg string) crypto.Hash {
	switch alg {
	case AlgES384:
		return crypto.SHA384
	case AlgEdDSA, AlgEd25519:
		return 0
	}
	return crypto.SHA256
}

func digest(h crypto.Hash, msg []byte) []byte {
	switch h {
	case crypto.SHA384:
		d := sha512.Sum384(msg)
		return d[:]
	case crypto.SHA256:
		d := sha256.Sum256(msg)
		return d[:]
	}
	return msg
}

// verifySignature checks sig over msg; keyFits(alg, pub) must have passed.
func verifySignature(alg string, pub crypto.PublicKey, msg, sig []byte) error {
	ok := false
	switch alg {
	case AlgEdDSA, AlgEd25519:
		ok = len(sig) == ed25519.SignatureSize && ed25519.Verify(pub.(ed25519.PublicKey), msg, sig)
	case AlgES256, AlgES384:
		k := pub.(*ecdsa.PublicKey)
		size := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) == 2*size {
			r := new(big.Int).SetBytes(sig[:size])
			s := new(big.Int).SetBytes(sig[size:])
			ok = ecdsa.Verify(k, digest(hashFor(alg), msg), r, s)
		}
	case AlgRS256:
		ok = rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), crypto.SHA256, digest(crypto.SHA256, msg), sig) == nil
	case AlgPS256:
		// RFC 7518 §3.5: the salt is as long as the hash.
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
		ok = rsa.VerifyPSS(pub.(*rsa.PublicKey), crypto.SHA256, digest(crypto.SHA256, msg), sig, opts) == nil
	default:
		return unsupported("JOSE algorithm %s", algName(alg))
	}
	if !ok {
		return fail(ErrSignature, "%s signature does not verify", alg)
	}
	return nil
}

// algFor picks the algorithm a signer's public key signs with.
func algFor(pub crypto.PublicKey, pss bool) (string, error) {
	var alg string
	switch k := pub.(type) {
	case ed25519.PublicKey:
		alg = AlgEdDSA
	case *ecdsa.PublicKey:
		if k == nil || k.Curve == nil {
			return "", fail(ErrKey, "empty ECDSA key")
		}
		switch k.Curve.Params().Name {
		case "P-256":
			alg = AlgES256
		case "P-384":
			alg = AlgES384
		default:
			return "", unsupported("signing key %s", keyType(pub))
		}
	case *rsa.PublicKey:
		alg = AlgRS256
		if pss {
			alg = AlgPS256
		}
	default:
		return "", unsupported("signing key %s", keyType(pub))
	}
	return alg, keyFits(alg, pub)
}

// signBytes signs msg with s under alg and returns the JWS signature bytes
// (for ECDSA the fixed-size r||s of RFC 7518 §3.4, not ASN.1).
func signBytes(s crypto.Signer, alg string, msg []byte, rnd io.Reader) ([]byte, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	switch alg {
	case AlgEdDSA:
		return s.Sign(rnd, msg, crypto.Hash(0))
	case AlgES256, AlgES384:
		der, err := s.Sign(rnd, digest(hashFor(alg), msg), hashFor(alg))
		if err != nil {
			return nil, err
		}
		var sig struct{ R, S *big.Int }
		if rest, err := asn1.Unmarshal(der, &sig); err != nil || len(rest) != 0 {
			return nil, fmt.Errorf("ECDSA signer returned a malformed signature")
		}
		size := 32
		if alg == AlgES384 {
			size = 48
		}
		if sig.R.Sign() <= 0 || sig.S.Sign() <= 0 || sig.R.BitLen() > 8*size || sig.S.BitLen() > 8*size {
			return nil, fmt.Errorf("ECDSA signer returned an out-of-range signature")
		}
		out := make([]byte, 2*size)
		sig.R.FillBytes(out[:size])
		sig.S.FillBytes(out[size:])
		return out, nil
	case AlgRS256:
		return s.Sign(rnd, digest(crypto.SHA256, msg), crypto.SHA256)
	case AlgPS256:
		return s.Sign(rnd, digest(crypto.SHA256, msg), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256})
	}
	return nil, unsupported("JOSE algorithm %s", algName(alg))
}
