package did

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/mr-tron/base58"
)

// Multicodec codes of the public key types Satchel verifies with
// (https://github.com/multiformats/multicodec/blob/master/table.csv).
const (
	codecEd25519Pub = 0xed
	codecP256Pub    = 0x1200
	codecP384Pub    = 0x1201
	codecP521Pub    = 0x1202
)

// unsupportedCodecs are well-formed public key types that Satchel does not
// verify with; their errors say so instead of "unknown".
var unsupportedCodecs = map[uint64]string{
	0xe7:   "secp256k1",
	0xea:   "BLS12-381 G1",
	0xeb:   "BLS12-381 G2",
	0xec:   "X25519",
	0xee:   "BLS12-381 G1G2",
	0x1203: "Ed448",
	0x1204: "X448",
	0x1205: "RSA",
	0x1206: "SM2",
}

// Private key multicodecs (ed25519-priv 0x1300 ... p521-priv 0x1308 and
// neighbours) sit in this range; a DID document must never carry one.
const (
	codecPrivateMin = 0x1300
	codecPrivateMax = 0x131f
)

// Longest accepted publicKeyMultibase / publicKeyBase58 value. A P-521
// multikey is about 95 characters; base58 decoding is quadratic, so a
// megabyte-long "key" must be refused before it is decoded.
const (
	maxMultibaseLength = 256
	maxBase58Length    = 128
)

// MultikeyEncode encodes a public key as a Multikey publicKeyMultibase value
// (and did:key method-specific identifier): 'z', then base58btc of the
// multicodec varint followed by the key — the 32 raw bytes for Ed25519, the
// SEC1 compressed point for P-256, P-384 and P-521.
func MultikeyEncode(pub crypto.PublicKey) (string, error) {
	var codec uint64
	var raw []byte
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return "", errorf(ErrInvalid, "Ed25519 public key is %d bytes, want %d", len(k), ed25519.PublicKeySize)
		}
		codec, raw = codecEd25519Pub, k
	case *ecdsa.PublicKey:
		c, err := curveCodec(k)
		if err != nil {
			return "", err
		}
		if raw, err = compress(k); err != nil {
			return "", err
		}
		codec = c
	default:
		return "", errorf(ErrUnsupportedKey, "cannot encode %T as a multikey", pub)
	}
	b := binary.AppendUvarint(nil, codec)
	return "z" + base58.Encode(append(b, raw...)), nil
}

// MultikeyDecode decodes a Multikey publicKeyMultibase value: base58btc
// ('z') only, a minimally encoded multicodec varint, and a key of exactly
// the right length that lies on its curve. Private key codecs are refused.
func MultikeyDecode(s string) (crypto.PublicKey, error) {
	if s == "" {
		return nil, errorf(ErrInvalid, "empty multibase key")
	}
	if len(s) > maxMultibaseLength {
		return nil, errorf(ErrInvalid, "multibase key is longer than %d characters", maxMultibaseLength)
	}
	if s[0] != 'z' {
		return nil, errorf(ErrInvalid, "multibase prefix %q: only base58btc ('z') keys are supported", s[0])
	}
	b, err := base58.Decode(s[1:])
	if err != nil {
		return nil, errorf(ErrInvalid, "multibase key is not base58btc: %v", err)
	}
	codec, n := binary.Uvarint(b)
	if n <= 0 {
		return nil, errorf(ErrInvalid, "multibase key has no multicodec prefix")
	}
	if n != len(binary.AppendUvarint(nil, codec)) {
		// Non-minimal varints would give one key many encodings.
		return nil, errorf(ErrInvalid, "multicodec prefix is not minimally encoded")
	}
	raw := b[n:]
	switch {
	case codec == codecEd25519Pub:
		return ed25519Key(raw)
	case codec == codecP256Pub:
		return decompress(elliptic.P256(), raw)
	case codec == codecP384Pub:
		return decompress(elliptic.P384(), raw)
	case codec == codecP521Pub:
		return decompress(elliptic.P521(), raw)
	case codec >= codecPrivateMin && codec <= codecPrivateMax:
		return nil, errorf(ErrInvalid, "multikey is a private key (multicodec 0x%x), not a public key", codec)
	}
	if name, ok := unsupportedCodecs[codec]; ok {
		return nil, errorf(ErrUnsupportedKey, "%s key (multicodec 0x%x)", name, codec)
	}
	return nil, errorf(ErrInvalid, "unknown multicodec 0x%x for a public key", codec)
}

func ed25519Key(raw []byte) (ed25519.PublicKey, error) {
	if len(raw) != ed25519.PublicKeySize {
		return nil, errorf(ErrInvalid, "Ed25519 public key is %d bytes, want %d", len(raw), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(append([]byte(nil), raw...)), nil
}

// decodeBase58Key decodes an Ed25519VerificationKey2018 publicKeyBase58:
// the raw 32 key bytes, no multicodec.
func decodeBase58Key(s string) (ed25519.PublicKey, error) {
	if s == "" || len(s) > maxBase58Length {
		return nil, errorf(ErrInvalid, "publicKeyBase58 has a bad length (%d characters)", len(s))
	}
	b, err := base58.Decode(s)
	if err != nil {
		return nil, errorf(ErrInvalid, "publicKeyBase58 is not base58: %v", err)
	}
	return ed25519Key(b)
}

// curveSize is the byte length of a field element (a coordinate).
func curveSize(c elliptic.Curve) int { return (c.Params().BitSize + 7) / 8 }

func curveCodec(k *ecdsa.PublicKey) (uint64, error) {
	if k == nil || k.Curve == nil {
		return 0, errorf(ErrInvalid, "nil ECDSA public key")
	}
	switch k.Curve.Params().Name {
	case "P-256":
		return codecP256Pub, nil
	case "P-384":
		return codecP384Pub, nil
	case "P-521":
		return codecP521Pub, nil
	}
	return 0, errorf(ErrUnsupportedKey, "ECDSA curve %s", k.Curve.Params().Name)
}

// compress returns the SEC1 compressed form of an ECDSA public key.
func compress(k *ecdsa.PublicKey) ([]byte, error) {
	u, err := k.Bytes() // 0x04 || X || Y
	if err != nil {
		return nil, errorf(ErrInvalid, "ECDSA public key: %v", err)
	}
	size := (len(u) - 1) / 2
	out := make([]byte, 1+size)
	out[0] = 0x02 | u[len(u)-1]&1
	copy(out[1:], u[1:1+size])
	return out, nil
}

// decompress parses a SEC1 compressed point, refusing points off the curve.
func decompress(c elliptic.Curve, raw []byte) (*ecdsa.PublicKey, error) {
	name := c.Params().Name
	size := curveSize(c)
	if len(raw) != 1+size {
		return nil, errorf(ErrInvalid, "%s compressed public key is %d bytes, want %d", name, len(raw), 1+size)
	}
	if raw[0] != 0x02 && raw[0] != 0x03 {
		return nil, errorf(ErrInvalid, "%s public key is not a compressed point (prefix 0x%02x)", name, raw[0])
	}
	x, y := elliptic.UnmarshalCompressed(c, raw)
	if x == nil {
		return nil, errorf(ErrInvalid, "%s public key is not a point on the curve", name)
	}
	return uncompressed(c, x.FillBytes(make([]byte, size)), y.FillBytes(make([]byte, size)))
}

// uncompressed builds a public key from its coordinates; the standard
// library refuses points off the curve and the point at infinity.
func uncompressed(c elliptic.Curve, x, y []byte) (*ecdsa.PublicKey, error) {
	b := make([]byte, 0, 1+len(x)+len(y))
	b = append(append(append(b, 4), x...), y...)
	k, err := ecdsa.ParseUncompressedPublicKey(c, b)
	if err != nil {
		return nil, errorf(ErrInvalid, "%s public key is not a point on the curve", c.Params().Name)
	}
	return k, nil
}

// privateJWKMembers are the JWK members that hold private or symmetric key
// material (RFC 7518 §6.2.2, §6.3.2, §6.4).
var privateJWKMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// decodeJWK decodes a public JSON Web Key: OKP Ed25519, EC P-256/P-384/P-521
// (full-length coordinates on the curve) or RSA of at least 2048 bits. A JWK
// with private members is refused; an "alg" must fit the key.
func decodeJWK(raw json.RawMessage) (crypto.PublicKey, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, errorf(ErrInvalid, "publicKeyJwk is not a JSON object")
	}
	for _, name := range privateJWKMembers {
		if _, ok := m[name]; ok {
			return nil, errorf(ErrInvalid, "publicKeyJwk holds private key material (%q)", name)
		}
	}
	str := func(name string) (string, error) {
		v, ok := m[name]
		if !ok {
			return "", nil
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", errorf(ErrInvalid, "publicKeyJwk %q is not a string", name)
		}
		return s, nil
	}
	var kty, crv, alg string
	var err error
	if kty, err = str("kty"); err != nil {
		return nil, err
	}
	if crv, err = str("crv"); err != nil {
		return nil, err
	}
	if alg, err = str("alg"); err != nil {
		return nil, err
	}
	b64 := func(name string, want int) ([]byte, error) {
		s, err := str(name)
		if err != nil {
			return nil, err
		}
		if s == "" {
			return nil, errorf(ErrInvalid, "publicKeyJwk has no %q", name)
		}
		b, err := base64.RawURLEncoding.Strict().DecodeString(s)
		if err != nil {
			return nil, errorf(ErrInvalid, "publicKeyJwk %q is not unpadded base64url", name)
		}
		if want > 0 && len(b) != want {
			return nil, errorf(ErrInvalid, "publicKeyJwk %q is %d bytes, want %d", name, len(b), want)
		}
		return b, nil
	}
	checkAlg := func(allowed ...string) error {
		if alg == "" {
			return nil
		}
		for _, a := range allowed {
			if alg == a {
				return nil
			}
		}
		return errorf(ErrInvalid, "publicKeyJwk alg %s does not fit a %s %s key", short(alg), kty, crv)
	}

	switch kty {
	case "OKP":
		switch crv {
		case "Ed25519":
			if err := checkAlg("EdDSA", "Ed25519"); err != nil {
				return nil, err
			}
			x, err := b64("x", ed25519.PublicKeySize)
			if err != nil {
				return nil, err
			}
			return ed25519.PublicKey(x), nil
		case "X25519", "Ed448", "X448":
			return nil, errorf(ErrUnsupportedKey, "OKP %s key", crv)
		}
		return nil, errorf(ErrInvalid, "publicKeyJwk: unknown OKP curve %s", short(crv))
	case "EC":
		var c elliptic.Curve
		switch crv {
		case "P-256":
			c, err = elliptic.P256(), checkAlg("ES256")
		case "P-384":
			c, err = elliptic.P384(), checkAlg("ES384")
		case "P-521":
			c, err = elliptic.P521(), checkAlg("ES512")
		case "secp256k1":
			return nil, errorf(ErrUnsupportedKey, "EC secp256k1 key")
		default:
			return nil, errorf(ErrInvalid, "publicKeyJwk: unknown EC curve %s", short(crv))
		}
		if err != nil {
			return nil, err
		}
		size := curveSize(c)
		x, err := b64("x", size)
		if err != nil {
			return nil, err
		}
		y, err := b64("y", size)
		if err != nil {
			return nil, err
		}
		return uncompressed(c, x, y)
	case "RSA":
		if err := checkAlg("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"); err != nil {
			return nil, err
		}
		nb, err := b64("n", 0)
		if err != nil {
			return nil, err
		}
		eb, err := b64("e", 0)
		if err != nil {
			return nil, err
		}
		return rsaKey(nb, eb)
	case "oct":
		return nil, errorf(ErrInvalid, "publicKeyJwk is a symmetric key")
	case "":
		return nil, errorf(ErrInvalid, "publicKeyJwk has no \"kty\"")
	}
	return nil, errorf(ErrUnsupportedKey, "JWK key type %s", short(kty))
}

// RSA modulus sizes accepted: below 2048 bits is too weak to trust, above
// 16384 bits only makes verification slow.
const (
	minRSABits = 2048
	maxRSABits = 16384
)

func rsaKey(nb, eb []byte) (*rsa.PublicKey, error) {
	n := new(big.Int).SetBytes(nb)
	if bits := n.BitLen(); bits < minRSABits || bits > maxRSABits {
		return nil, errorf(ErrInvalid, "RSA modulus is %d bits, want %d to %d", bits, minRSABits, maxRSABits)
	}
	if len(eb) == 0 || len(eb) > 4 {
		return nil, errorf(ErrInvalid, "RSA exponent is %d bytes", len(eb))
	}
	var e int64
	for _, b := range eb {
		e = e<<8 | int64(b)
	}
	if e < 3 || e%2 == 0 || e > 1<<31-1 {
		return nil, errorf(ErrInvalid, "RSA exponent %d is not an odd number from 3 to 2^31-1", e)
	}
	return &rsa.PublicKey{N: n, E: int(e)}, nil
}

// encodeJWK returns the public JWK of a key, for did:jwk.
func encodeJWK(pub crypto.PublicKey) (map[string]string, error) {
	enc := base64.RawURLEncoding.EncodeToString
	switch k := pub.(type) {
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return nil, errorf(ErrInvalid, "Ed25519 public key is %d bytes, want %d", len(k), ed25519.PublicKeySize)
		}
		return map[string]string{"kty": "OKP", "crv": "Ed25519", "x": enc(k)}, nil
	case *ecdsa.PublicKey:
		if _, err := curveCodec(k); err != nil {
			return nil, err
		}
		u, err := k.Bytes()
		if err != nil {
			return nil, errorf(ErrInvalid, "ECDSA public key: %v", err)
		}
		size := (len(u) - 1) / 2
		return map[string]string{"kty": "EC", "crv": k.Curve.Params().Name, "x": enc(u[1 : 1+size]), "y": enc(u[1+size:])}, nil
	case *rsa.PublicKey:
		if k == nil || k.N == nil {
			return nil, errorf(ErrInvalid, "nil RSA public key")
		}
		if _, err := rsaKey(k.N.Bytes(), big.NewInt(int64(k.E)).Bytes()); err != nil {
			return nil, err
		}
		return map[string]string{"kty": "RSA", "n": enc(k.N.Bytes()), "e": enc(big.NewInt(int64(k.E)).Bytes())}, nil
	}
	return nil, errorf(ErrUnsupportedKey, "cannot encode %T as a JWK", pub)
}

// keyKind names a key's type for error messages.
func keyKind(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return "Ed25519"
	case *ecdsa.PublicKey:
		if k != nil && k.Curve != nil {
			return "ECDSA " + k.Curve.Params().Name
		}
	case *rsa.PublicKey:
		if k != nil && k.N != nil {
			return fmt.Sprintf("RSA-%d", k.N.BitLen())
		}
	}
	return fmt.Sprintf("%T", pub)
}
