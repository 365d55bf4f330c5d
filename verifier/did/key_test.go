package did

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/mr-tron/base58"
)

// multibase builds a 'z' multikey from a multicodec code and raw bytes.
func multibase(codec uint64, raw []byte) string {
	return "z" + base58.Encode(append(binary.AppendUvarint(nil, codec), raw...))
}

func mustEd25519(t testing.TB, seedByte byte) ed25519.PublicKey {
	t.Helper()
	seed := bytes.Repeat([]byte{seedByte}, ed25519.SeedSize)
	return ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
}

func mustECDSA(t testing.TB, c elliptic.Curve) *ecdsa.PublicKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &k.PublicKey
}

// offCurve returns a compressed-point encoding whose x has no y on P-256.
func offCurve(t testing.TB) []byte {
	t.Helper()
	for i := int64(1); i < 1000; i++ {
		p := append([]byte{0x02}, big.NewInt(i).FillBytes(make([]byte, 32))...)
		if x, _ := elliptic.UnmarshalCompressed(elliptic.P256(), p); x == nil {
			return p
		}
	}
	t.Fatal("no off-curve x found")
	return nil
}

func equalKeys(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

func TestMultikey(t *testing.T) {
	ed := mustEd25519(t, 7)
	p256 := mustECDSA(t, elliptic.P256())
	p384 := mustECDSA(t, elliptic.P384())
	p521 := mustECDSA(t, elliptic.P521())
	for _, tc := range []struct {
		name string
		pub  crypto.PublicKey
	}{
		{"ok/ed25519", ed},
		{"ok/p256", p256},
		{"ok/p384", p384},
		{"ok/p521", p521},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := MultikeyEncode(tc.pub)
			if err != nil {
				t.Fatal(err)
			}
			got, err := MultikeyDecode(s)
			if err != nil {
				t.Fatal(err)
			}
			if !equalKeys(got, tc.pub) {
				t.Errorf("round trip changed the key")
			}
			again, _ := MultikeyEncode(got)
			if again != s {
				t.Errorf("re-encoded %s, want %s", again, s)
			}
		})
	}
	if s, _ := MultikeyEncode(ed); !strings.HasPrefix(s, "z6Mk") {
		t.Errorf("Ed25519 multikey %s does not start with z6Mk", s)
	}
	if s, _ := MultikeyEncode(p256); !strings.HasPrefix(s, "zDn") {
		t.Errorf("P-256 multikey %s does not start with zDn", s)
	}

	edRaw := []byte(ed)
	p256c, _ := compress(p256)
	for _, tc := range []struct {
		name  string
		in    string
		want  error
		fault string
	}{
		{"fail/empty", "", ErrInvalid, "empty"},
		{"fail/base64 multibase", "m" + base64.RawStdEncoding.EncodeToString(append([]byte{0xed, 0x01}, edRaw...)), ErrInvalid, "base58btc"},
		{"fail/bad base58", "z6Mk0OIl", ErrInvalid, "base58"},
		{"fail/only prefix", "z", ErrInvalid, ""},
		{"fail/unknown multicodec", multibase(0x55, edRaw), ErrInvalid, "unknown multicodec"},
		{"fail/non-minimal varint", "z" + base58.Encode(append([]byte{0xed, 0x81, 0x00}, edRaw...)), ErrInvalid, "minimally"},
		{"fail/truncated varint", "z" + base58.Encode([]byte{0xed}), ErrInvalid, "multicodec prefix"},
		{"fail/ed25519 short", multibase(codecEd25519Pub, edRaw[:31]), ErrInvalid, "31 bytes"},
		{"fail/ed25519 long", multibase(codecEd25519Pub, append(edRaw, 0)), ErrInvalid, "33 bytes"},
		{"fail/p256 uncompressed", multibase(codecP256Pub, must(p256.Bytes())), ErrInvalid, "65 bytes"},
		{"fail/p256 bad prefix", multibase(codecP256Pub, append([]byte{0x05}, p256c[1:]...)), ErrInvalid, "not a compressed point"},
		{"fail/p256 off curve", multibase(codecP256Pub, offCurve(t)), ErrInvalid, "not a point on the curve"},
		{"fail/p256 x >= p", multibase(codecP256Pub, append([]byte{0x02}, bytes.Repeat([]byte{0xff}, 32)...)), ErrInvalid, "not a point on the curve"},
		{"fail/p256 key with p384 codec", multibase(codecP384Pub, p256c), ErrInvalid, "P-384"},
		{"fail/private ed25519", multibase(0x1300, edRaw), ErrInvalid, "private key"},
		{"fail/private p256", multibase(0x1306, edRaw), ErrInvalid, "private key"},
		{"fail/secp256k1", multibase(0xe7, p256c), ErrUnsupportedKey, "secp256k1"},
		{"fail/x25519", multibase(0xec, edRaw), ErrUnsupportedKey, "X25519"},
		{"fail/too long", "z" + strings.Repeat("2", 10000), ErrInvalid, "longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := MultikeyDecode(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("MultikeyDecode = %v, %v; want %v", k, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.fault) {
				t.Errorf("error %q does not mention %q", err, tc.fault)
			}
		})
	}

	for _, tc := range []struct {
		name string
		pub  crypto.PublicKey
		want error
	}{
		{"fail/encode short ed25519", ed25519.PublicKey(edRaw[:16]), ErrInvalid},
		{"fail/encode rsa", &rsa.PublicKey{N: big.NewInt(1), E: 3}, ErrUnsupportedKey},
		{"fail/encode p224", mustECDSA(t, elliptic.P224()), ErrUnsupportedKey},
		{"fail/encode nil", nil, ErrUnsupportedKey},
		{"fail/encode ed25519 by pointer", &ed, ErrUnsupportedKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := MultikeyEncode(tc.pub); !errors.Is(err, tc.want) {
				t.Errorf("MultikeyEncode = %v, want %v", err, tc.want)
			}
			if _, err := KeyDID(tc.pub); !errors.Is(err, tc.want) {
				t.Errorf("KeyDID = %v, want %v", err, tc.want)
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestDIDKeySpecVectors checks the did:key specification's own vectors:
// each resolves to the published key and KeyDID(MultikeyDecode(x)) == x.
func TestDIDKeySpecVectors(t *testing.T) {
	var vectors struct {
		Ed25519 []struct {
			DID, Seed, PublicKeyBase58 string
		}
		NIST []struct {
			DID          string
			PublicKeyJwk json.RawMessage
		}
		X25519 []string
	}
	raw, err := os.ReadFile("testdata/did-key-spec-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, did string, want crypto.PublicKey) {
		t.Helper()
		msid := strings.TrimPrefix(did, "did:key:")
		pub, err := MultikeyDecode(msid)
		if err != nil {
			t.Fatal(err)
		}
		if !equalKeys(pub, want) {
			t.Errorf("MultikeyDecode(%s) is not the published key", msid)
		}
		if got, err := KeyDID(pub); err != nil || got != did {
			t.Errorf("KeyDID(MultikeyDecode(x)) = %q, %v; want %q", got, err, did)
		}
		doc, err := KeyDocument(did)
		if err != nil {
			t.Fatal(err)
		}
		for _, rel := range []string{AssertionMethod, Authentication, CapabilityInvocation, CapabilityDelegation} {
			vm, err := doc.Method(did+"#"+msid, rel)
			if err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			if !equalKeys(vm.PublicKey, want) || vm.Type != TypeMultikey || vm.Controller != did {
				t.Errorf("%s: method %+v", rel, vm)
			}
		}
	}
	for _, v := range vectors.Ed25519 {
		t.Run("ok/"+v.DID, func(t *testing.T) {
			seed, _ := hex.DecodeString(v.Seed)
			want := ed25519.NewKeyFromSeed(seed).Public()
			if b58, _ := decodeBase58Key(v.PublicKeyBase58); !equalKeys(b58, want) {
				t.Errorf("publicKeyBase58 is not the seed's key")
			}
			check(t, v.DID, want)
		})
	}
	for _, v := range vectors.NIST {
		t.Run("ok/"+v.DID, func(t *testing.T) {
			want, err := decodeJWK(v.PublicKeyJwk)
			if err != nil {
				t.Fatal(err)
			}
			check(t, v.DID, want)
		})
	}
	for _, did := range vectors.X25519 {
		t.Run("fail/"+did, func(t *testing.T) {
			if _, err := KeyDocument(did); !errors.Is(err, ErrUnsupportedKey) {
				t.Errorf("KeyDocument = %v, want ErrUnsupportedKey", err)
			}
		})
	}
}

func TestDecodeJWK(t *testing.T) {
	ed := mustEd25519(t, 1)
	p256 := mustECDSA(t, elliptic.P256())
	p256u := must(p256.Bytes())
	rsaKey2048, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaSmall, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	jwk := func(m map[string]any) json.RawMessage { return must(json.Marshal(m)) }
	edJWK := map[string]any{"kty": "OKP", "crv": "Ed25519", "x": b64(ed)}
	ecJWK := map[string]any{"kty": "EC", "crv": "P-256", "x": b64(p256u[1:33]), "y": b64(p256u[33:])}
	with := func(m map[string]any, k string, v any) map[string]any {
		out := map[string]any{}
		for kk, vv := range m {
			out[kk] = vv
		}
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
		return out
	}
	for _, tc := range []struct {
		name string
		jwk  json.RawMessage
		want crypto.PublicKey
		err  error
	}{
		{"ok/okp ed25519", jwk(edJWK), ed, nil},
		{"ok/okp ed25519 alg EdDSA", jwk(with(edJWK, "alg", "EdDSA")), ed, nil},
		{"ok/ec p256", jwk(ecJWK), p256, nil},
		{"ok/ec p256 with kid and use", jwk(with(with(ecJWK, "kid", "k1"), "use", "sig")), p256, nil},
		{"ok/rsa", jwk(map[string]any{"kty": "RSA", "n": b64(rsaKey2048.N.Bytes()), "e": "AQAB", "alg": "RS256"}), &rsaKey2048.PublicKey, nil},
		{"fail/private okp", jwk(with(edJWK, "d", b64(make([]byte, 32)))), nil, ErrInvalid},
		{"fail/private ec", jwk(with(ecJWK, "d", b64(make([]byte, 32)))), nil, ErrInvalid},
		{"fail/private rsa", jwk(map[string]any{"kty": "RSA", "n": b64(rsaKey2048.N.Bytes()), "e": "AQAB", "p": "AQAB"}), nil, ErrInvalid},
		{"fail/symmetric", jwk(map[string]any{"kty": "oct", "k": "AAAA"}), nil, ErrInvalid},
		{"fail/alg mismatch", jwk(with(ecJWK, "alg", "ES384")), nil, ErrInvalid},
		{"fail/alg none", jwk(with(edJWK, "alg", "none")), nil, ErrInvalid},
		{"fail/ed25519 short", jwk(with(edJWK, "x", b64(ed[:31]))), nil, ErrInvalid},
		{"fail/ec short coordinate", jwk(with(ecJWK, "x", b64(p256u[2:33]))), nil, ErrInvalid},
		{"fail/ec off curve", jwk(with(ecJWK, "y", b64(make([]byte, 32)))), nil, ErrInvalid},
		{"fail/ec padded base64", jwk(with(ecJWK, "x", base64.URLEncoding.EncodeToString(p256u[1:33])+"=")), nil, ErrInvalid},
		{"fail/ec missing y", jwk(with(ecJWK, "y", nil)), nil, ErrInvalid},
		{"fail/ec unknown curve", jwk(with(ecJWK, "crv", "P-192")), nil, ErrInvalid},
		{"fail/secp256k1", jwk(with(ecJWK, "crv", "secp256k1")), nil, ErrUnsupportedKey},
		{"fail/x25519", jwk(with(edJWK, "crv", "X25519")), nil, ErrUnsupportedKey},
		{"fail/no kty", jwk(with(edJWK, "kty", nil)), nil, ErrInvalid},
		{"fail/kty not a string", jwk(with(edJWK, "kty", 1)), nil, ErrInvalid},
		{"fail/rsa 1024", jwk(map[string]any{"kty": "RSA", "n": b64(rsaSmall.N.Bytes()), "e": "AQAB"}), nil, ErrInvalid},
		{"fail/rsa even exponent", jwk(map[string]any{"kty": "RSA", "n": b64(rsaKey2048.N.Bytes()), "e": "AQAA"}), nil, ErrInvalid},
		{"fail/not an object", json.RawMessage(`"x"`), nil, ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeJWK(tc.jwk)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("decodeJWK = %v, %v; want %v", got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !equalKeys(got, tc.want) {
				t.Errorf("decodeJWK gave another key")
			}
		})
	}
}

func TestDecodeBase58Key(t *testing.T) {
	ed := mustEd25519(t, 3)
	if got, err := decodeBase58Key(base58.Encode(ed)); err != nil || !equalKeys(got, ed) {
		t.Errorf("ok: %v, %v", got, err)
	}
	for name, in := range map[string]string{
		"fail/short":     base58.Encode(ed[:31]),
		"fail/multibase": "z" + base58.Encode(ed),
		"fail/bad chars": "0OIl",
		"fail/empty":     "",
		"fail/too long":  strings.Repeat("2", 1000),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := decodeBase58Key(in); !errors.Is(err, ErrInvalid) {
				t.Errorf("decodeBase58Key = %v, want ErrInvalid", err)
			}
		})
	}
}
