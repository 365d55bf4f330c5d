package proof

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"math/big"
)

// verifyJWS checks a JWS signature over input with the algorithm the header
// names, refusing a key that does not fit it.
func verifyJWS(alg string, pub crypto.PublicKey, input, sig []byte) error {
	bad := errors.New("the signature does not verify")
	switch alg {
	case "EdDSA":
		k, ok := pub.(ed25519.PublicKey)
		if !ok {
			return fmt.Errorf("alg EdDSA with a %T key", pub)
		}
		if !ed25519.Verify(k, input, sig) {
			return bad
		}
	case "ES256", "ES384":
		k, ok := pub.(*ecdsa.PublicKey)
		size, h := 32, crypto.SHA256
		if alg == "ES384" {
			size, h = 48, crypto.SHA384
		}
		if !ok || k.Curve.Params().BitSize != size*8 {
			return fmt.Errorf("alg %s with a %T key of the wrong curve", alg, pub)
		}
		if len(sig) != 2*size {
			return bad
		}
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		if !ecdsa.Verify(k, digest(h, input), r, s) {
			return bad
		}
	case "RS256", "PS256":
		k, ok := pub.(*rsa.PublicKey)
		if !ok || k.N.BitLen() < 2048 {
			return fmt.Errorf("alg %s needs an RSA key of 2048 bits or more", alg)
		}
		d := digest(crypto.SHA256, input)
		var err error
		if alg == "RS256" {
			err = rsa.VerifyPKCS1v15(k, crypto.SHA256, d, sig)
		} else {
			err = rsa.VerifyPSS(k, crypto.SHA256, d, sig, nil)
		}
		if err != nil {
			return bad
		}
	default:
		return fmt.Errorf("%w: JWS algorithm %q", ErrUnsupported, alg)
	}
	return nil
}

func digest(h crypto.Hash, b []byte) []byte {
	switch h {
	case crypto.SHA384:
		s := sha512.Sum384(b)
		return s[:]
	default:
		s := sha256.Sum256(b)
		return s[:]
	}
}
