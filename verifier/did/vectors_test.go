package did

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mr-tron/base58"
)

// vectorsDir holds the external test vectors (read-only, shared by the
// team); see its README.md and each folder's manifest.json and SOURCES.md.
const vectorsDir = "../../../shared/vectors"

func vectors(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(vectorsDir); err != nil {
		t.Skipf("shared test vectors not found at %s (%v): skipping the external-vector tests", vectorsDir, err)
	}
	return vectorsDir
}

func readVector(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectors(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func jsonField(t *testing.T, b []byte, path ...string) json.RawMessage {
	t.Helper()
	v := json.RawMessage(b)
	for _, p := range path {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v, &m); err != nil {
			t.Fatalf("%v: %v", path, err)
		}
		v = m[p]
	}
	return v
}

func jsonString(t *testing.T, b []byte, path ...string) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(jsonField(t, b, path...), &s); err != nil {
		t.Fatalf("%v: %v", path, err)
	}
	return s
}

// vectorDocuments are the DID and controller documents in the vectors.
func vectorDocuments(t *testing.T) map[string][]byte {
	mock := readVector(t, "digitalbazaar-ed25519-signature-2020/mock-keys.json")
	return map[string][]byte{
		"dcc oidf did:web":              readVector(t, "dcc-vc-test-fixtures/dids/oidf/did.json"),
		"dcc legacy did:web":            readVector(t, "dcc-vc-test-fixtures/dids/legacy/did.json"),
		"spruceid did:example:foo":      readVector(t, "spruceid-ssi-vc-jwt/tests/did-example-foo.json"),
		"digitalbazaar controller 2020": jsonField(t, mock, "controllerDoc2020"),
		"digitalbazaar controller 2018": jsonField(t, mock, "controllerDoc2018"),
	}
}

var relationships = []string{AssertionMethod, Authentication, CapabilityInvocation, CapabilityDelegation, KeyAgreement}

// TestVectorDocuments parses every DID document in the vectors and resolves
// every verification method each lists, checking the keys against the key
// files published beside them.
func TestVectorDocuments(t *testing.T) {
	docs := vectorDocuments(t)
	parsed := map[string]*Document{}
	for name, b := range docs {
		t.Run("ok/"+name, func(t *testing.T) {
			doc, err := ParseDocument(b)
			if err != nil {
				t.Fatal(err)
			}
			parsed[name] = doc
			n := 0
			for _, rel := range relationships {
				ids, _ := doc.relationship(rel)
				for _, id := range ids {
					vm, err := doc.Method(id, rel)
					if err != nil {
						t.Errorf("%s %s: %v", rel, id, err)
						continue
					}
					if vm.PublicKey == nil || vm.ID != id {
						t.Errorf("%s %s: method %+v", rel, id, vm)
					}
					n++
				}
			}
			if n == 0 {
				t.Error("no verification method resolved")
			}
			// Where a multibase method's fragment is a multikey (the DCC and
			// Digital Bazaar convention), it must name the method's own key.
			// (Not so for the 2018 mock: its id comes from another key.)
			for _, vm := range doc.VerificationMethod {
				_, frag, _ := strings.Cut(vm.ID, "#")
				if strings.HasPrefix(frag, "z6Mk") && vm.Type != TypeEd25519VerificationKey2018 {
					if mb, err := MultikeyEncode(vm.PublicKey); err != nil || mb != frag {
						t.Errorf("%s: key encodes as %s", vm.ID, mb)
					}
				}
			}
		})
	}

	t.Run("ok/dcc did:web key comes from the published seed", func(t *testing.T) {
		// dcc-vc-test-fixtures/README.md: seed z1Acqy... (multibase of
		// 0x00 0x20 || seed) for both did:web documents.
		want := seedKey(t, "z1AcqywgC3eXpYgiiKELLZ18uMvNPHHUGSZPYYkiCs7KX6T")
		for _, name := range []string{"dcc oidf did:web", "dcc legacy did:web"} {
			doc := parsed[name]
			if doc == nil {
				t.Fatalf("%s did not parse", name)
			}
			vm, err := doc.Method("#z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ", AssertionMethod)
			if err != nil {
				t.Fatal(err)
			}
			if !equalKeys(vm.PublicKey, want) {
				t.Errorf("%s: key is not the seed's", name)
			}
			if _, err := doc.Method(vm.ID, Authentication); !errors.Is(err, ErrNotAuthorized) {
				t.Errorf("%s: authentication: %v, want ErrNotAuthorized", name, err)
			}
		}
	})

	t.Run("ok/spruceid keys match the key files", func(t *testing.T) {
		doc := parsed["spruceid did:example:foo"]
		if doc == nil {
			t.Fatal("did-example-foo.json did not parse")
		}
		rsaJWK := readVector(t, "spruceid-ssi-vc-jwt/tests/rsa2048-2020-08-25.json")
		key1, err := doc.Method("did:example:foo#key1", AssertionMethod)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := base64.RawURLEncoding.DecodeString(jsonString(t, rsaJWK, "n"))
		if got := keyKind(key1.PublicKey); got != "RSA-2048" {
			t.Errorf("key1 is %s", got)
		} else if mb, _ := encodeJWK(key1.PublicKey); mb["n"] != base64.RawURLEncoding.EncodeToString(trimZeros(n)) {
			t.Errorf("key1 modulus differs from rsa2048-2020-08-25.json")
		}
		edJWK := readVector(t, "spruceid-ssi-vc-jwt/tests/ed25519-2020-10-18.json")
		d, _ := base64.RawURLEncoding.DecodeString(jsonString(t, edJWK, "d"))
		key2, err := doc.Method("did:example:foo#key2", Authentication)
		if err != nil {
			t.Fatal(err)
		}
		if !equalKeys(key2.PublicKey, ed25519.NewKeyFromSeed(d).Public()) {
			t.Errorf("key2 is not ed25519-2020-10-18.json's public key")
		}
		key3, err := doc.Method("did:example:foo#key3", CapabilityInvocation)
		if err != nil {
			t.Fatal(err)
		}
		if keyKind(key3.PublicKey) != "Ed25519" {
			t.Errorf("key3 is %s", keyKind(key3.PublicKey))
		}
	})

	t.Run("ok/digitalbazaar 2018 key is its publicKeyBase58", func(t *testing.T) {
		mock := readVector(t, "digitalbazaar-ed25519-signature-2020/mock-keys.json")
		doc := parsed["digitalbazaar controller 2018"]
		if doc == nil {
			t.Fatal("controllerDoc2018 did not parse")
		}
		vm, err := doc.Method(jsonString(t, mock, "mockKeyPair2018", "id"), AssertionMethod)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := base58.Decode(jsonString(t, mock, "mockKeyPair2018", "publicKeyBase58"))
		if !equalKeys(vm.PublicKey, ed25519.PublicKey(want)) {
			t.Errorf("2018 key differs from publicKeyBase58")
		}
	})
}

func trimZeros(b []byte) []byte {
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

// seedKey derives the Ed25519 public key from a DCC seed: multibase
// base58btc of 0x00 0x20 || 32-byte seed.
func seedKey(t *testing.T, seed string) ed25519.PublicKey {
	t.Helper()
	b, err := base58.Decode(strings.TrimPrefix(seed, "z"))
	if err != nil || len(b) != 34 || b[0] != 0 || b[1] != 0x20 {
		t.Fatalf("seed %s: %v (%d bytes)", seed, err, len(b))
	}
	return ed25519.NewKeyFromSeed(b[2:]).Public().(ed25519.PublicKey)
}

// privateMultikey derives the public key from an ed25519-priv multikey
// (0x1300: the 32-byte seed, or seed || public key).
func privateMultikey(t *testing.T, s string) ed25519.PublicKey {
	t.Helper()
	b, err := base58.Decode(strings.TrimPrefix(s, "z"))
	if err != nil || len(b) < 34 || b[0] != 0x80 || b[1] != 0x26 {
		t.Fatalf("private multikey %s: %v", s[:8], err)
	}
	return ed25519.NewKeyFromSeed(b[2:34]).Public().(ed25519.PublicKey)
}

// knownKeys maps a multikey to the private material published with it in
// the vectors, each pair checked to belong together.
func knownKeys(t *testing.T) map[string]ed25519.PublicKey {
	keys := map[string]ed25519.PublicKey{}
	add := func(public string, priv ed25519.PublicKey) {
		t.Helper()
		pub, err := MultikeyDecode(public)
		if err != nil {
			t.Fatalf("%s: %v", public, err)
		}
		if !equalKeys(pub, priv) {
			t.Fatalf("published private key does not match %s", public)
		}
		keys[public] = priv
	}
	kp := readVector(t, "w3c-vc-di-eddsa/keyPair.json")
	add(jsonString(t, kp, "publicKeyMultibase"), privateMultikey(t, jsonString(t, kp, "privateKeyMultibase")))
	var multi map[string]struct{ PublicKeyMultibase, PrivateKeyMultibase string }
	if err := json.Unmarshal(readVector(t, "w3c-vc-di-eddsa/proof-set-chain/multiKeyPairs.json"), &multi); err != nil {
		t.Fatal(err)
	}
	for _, p := range multi {
		add(p.PublicKeyMultibase, privateMultikey(t, p.PrivateKeyMultibase))
	}
	ob := readVector(t, "1edtech-spec-ldp-test-vectors/obv3p0/key-and-intermediates.json")
	priv, _ := hex.DecodeString(jsonString(t, ob, "privateKeyHex"))
	pubHex, _ := hex.DecodeString(jsonString(t, ob, "publicKeyHex"))
	if len(priv) != ed25519.PrivateKeySize || !equalKeys(ed25519.PrivateKey(priv).Public(), ed25519.PublicKey(pubHex)) {
		t.Fatal("1EdTech privateKeyHex does not hold publicKeyHex")
	}
	add(jsonString(t, ob, "publicKeyMultibase"), ed25519.PublicKey(pubHex))
	add(jsonString(t, ob, "publicKeyMultibase"), privateMultikey(t, jsonString(t, ob, "secretKeyMultibase")))
	// dcc-vc-test-fixtures/README.md seeds.
	for mb, seed := range map[string]string{
		"z6Mki7DqKQswPsjqMVhP4W3n2ABFb5wBegZC5erEVg5qcgEw": "z1Ad8J9rdHCQMyfPJcoiyuVcKunAneJ49pX18ay5Apv7MUg",
		"z6MkjoriXdbyWD25YXTed114F8hdJrLXQ567xxPHAUKxpKkS": "z1AfeAsXeuZsPj9ftDo8UweMYYWmWdrdqud2o14n5QxtiiS",
		"z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q": "z1AeiPT496wWmo9BG2QYXeTusgFSZPNG3T9wNeTtjrQ3rCB",
		"z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ": "z1AcqywgC3eXpYgiiKELLZ18uMvNPHHUGSZPYYkiCs7KX6T",
	} {
		add(mb, seedKey(t, seed))
	}
	return keys
}

// TestVectorVerificationMethods resolves every "verificationMethod" string
// in every JSON file of the vectors, offline, with the vectors' DID
// documents preloaded. Every did:key must resolve, to the published key
// where one is published; every failure must wrap one of the sentinels.
func TestVectorVerificationMethods(t *testing.T) {
	dir := vectors(t)
	known := knownKeys(t)
	cache := NewCache()
	for name, b := range vectorDocuments(t) {
		if strings.HasPrefix(name, "digitalbazaar") && strings.HasSuffix(name, "2018") {
			continue // same id as the 2020 controller document
		}
		if _, err := cache.Add(b, time.Unix(0, 0)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	local := &Local{Cache: cache}

	type use struct{ file, vm, purpose string }
	var uses []use
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var v any
		if json.Unmarshal(b, &v) != nil {
			return nil // a deliberately broken fixture
		}
		rel, _ := filepath.Rel(dir, path)
		walkJSON(v, func(m map[string]any) {
			if vm, ok := m["verificationMethod"].(string); ok {
				purpose, _ := m["proofPurpose"].(string)
				if purpose == "" {
					purpose = AssertionMethod
				}
				uses = append(uses, use{rel, vm, purpose})
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	outcomes := map[string]int{}
	didKeys, matched := map[string]bool{}, map[string]bool{}
	for _, u := range uses {
		vm, err := ResolveMethod(context.Background(), local, u.vm, u.purpose)
		if err != nil && testing.Verbose() {
			t.Logf("%s: %v", u.file, err)
		}
		switch {
		case err == nil:
			outcomes["ok"]++
		case errors.Is(err, ErrNotFound):
			outcomes["not found"]++
		case errors.Is(err, ErrUnsupportedMethod):
			outcomes["unsupported method"]++
		case errors.Is(err, ErrInvalid):
			outcomes["invalid"]++
		case errors.Is(err, ErrNotAuthorized):
			outcomes["not authorized"]++
		default:
			t.Errorf("%s: %s: error wraps no sentinel: %v", u.file, u.vm, err)
		}
		isWeb := strings.HasPrefix(u.vm, "did:web:digitalcredentials.github.io:vc-test-fixtures:")
		if strings.HasPrefix(u.vm, "did:key:") || isWeb || strings.HasPrefix(u.vm, "did:example:foo#") {
			if err != nil {
				t.Errorf("%s: %s: %v", u.file, u.vm, err)
				continue
			}
		}
		if !strings.HasPrefix(u.vm, "did:key:") {
			continue
		}
		didKeys[u.vm] = true
		mb := strings.TrimPrefix(strings.SplitN(u.vm, "#", 2)[0], "did:key:")
		if want, ok := known[mb]; ok {
			if !equalKeys(vm.PublicKey, want) {
				t.Errorf("%s: %s resolved to another key than the published one", u.file, u.vm)
			}
			matched[mb] = true
		}
	}
	keys := make([]string, 0, len(didKeys))
	for k := range didKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("%d verificationMethod values: %v; %d distinct did:key URLs, %d with a published key checked", len(uses), outcomes, len(keys), len(matched))
	if len(keys) < 10 || len(matched) < 6 {
		t.Errorf("found %d did:key URLs and %d published keys; the vectors hold more", len(keys), len(matched))
	}
}

func walkJSON(v any, f func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		f(x)
		for _, e := range x {
			walkJSON(e, f)
		}
	case []any:
		for _, e := range x {
			walkJSON(e, f)
		}
	}
}

// TestVectorP256DIDKey resolves the P-256 did:key that issues the W3C
// employment-authorization vector.
func TestVectorP256DIDKey(t *testing.T) {
	b := readVector(t, "w3c-vc-di-eddsa/employmentAuth.json")
	did := jsonString(t, b, "issuer", "id")
	if !strings.HasPrefix(did, "did:key:zDna") {
		t.Fatalf("issuer %s is not a P-256 did:key", did)
	}
	vm, err := ResolveMethod(context.Background(), &Local{}, did, AssertionMethod)
	if err != nil {
		t.Fatal(err)
	}
	if k, ok := vm.PublicKey.(*ecdsa.PublicKey); !ok || k.Curve != elliptic.P256() {
		t.Errorf("key is %s, want ECDSA P-256", keyKind(vm.PublicKey))
	}
	if again, _ := KeyDID(vm.PublicKey); again != did {
		t.Errorf("KeyDID = %s, want %s", again, did)
	}
}

// TestVectorJWKMethods reads the VC-JOSE-COSE JsonWebKey verification
// methods (which carry their secretKeyJwk: refused as they are) and, with
// the secret removed, checks each public key against its private half.
func TestVectorJWKMethods(t *testing.T) {
	for _, name := range []string{"vm-ed25519.json", "vm-did-ed25519.json", "vm-p256.json", "vm-p384.json", "vm-p521.json"} {
		b := readVector(t, "w3c-vc-jose-cose-test-suite/"+name)
		var vm map[string]any
		if err := json.Unmarshal(b, &vm); err != nil {
			t.Fatal(err)
		}
		controller := vm["controller"].(string)
		doc := func(vm map[string]any) []byte {
			return raw(t, obj{"id": controller, "verificationMethod": []any{vm}, "assertionMethod": []any{vm["id"]}})
		}
		t.Run("fail/"+name+" with its secret key", func(t *testing.T) {
			if _, err := ParseDocument(doc(vm)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "private key") {
				t.Errorf("ParseDocument = %v, want ErrInvalid (private key)", err)
			}
		})
		t.Run("fail/"+name+" secret as publicKeyJwk", func(t *testing.T) {
			bad := map[string]any{"id": vm["id"], "type": vm["type"], "controller": controller, "publicKeyJwk": vm["secretKeyJwk"]}
			if _, err := ParseDocument(doc(bad)); !errors.Is(err, ErrInvalid) {
				t.Errorf("ParseDocument = %v, want ErrInvalid", err)
			}
		})
		t.Run("ok/"+name, func(t *testing.T) {
			secret := vm["secretKeyJwk"].(map[string]any)
			delete(vm, "secretKeyJwk")
			d, err := ParseDocument(doc(vm))
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Method(vm["id"].(string), AssertionMethod)
			if err != nil {
				t.Fatal(err)
			}
			dd, _ := base64.RawURLEncoding.DecodeString(secret["d"].(string))
			var want crypto.PublicKey
			switch secret["crv"] {
			case "Ed25519":
				want = ed25519.NewKeyFromSeed(dd).Public()
			case "P-256":
				want = mustPriv(t, elliptic.P256(), dd)
			case "P-384":
				want = mustPriv(t, elliptic.P384(), dd)
			case "P-521":
				want = mustPriv(t, elliptic.P521(), dd)
			}
			if !equalKeys(got.PublicKey, want) {
				t.Errorf("publicKeyJwk is not the secret key's public half")
			}
		})
	}
}

func mustPriv(t *testing.T, c elliptic.Curve, d []byte) crypto.PublicKey {
	t.Helper()
	k, err := ecdsa.ParseRawPrivateKey(c, d)
	if err != nil {
		t.Fatal(err)
	}
	return k.Public()
}

// TestVectorPrivateKeysRefused feeds the vectors' published private keys
// where public keys belong.
func TestVectorPrivateKeysRefused(t *testing.T) {
	kp := readVector(t, "w3c-vc-di-eddsa/keyPair.json")
	ob := readVector(t, "1edtech-spec-ldp-test-vectors/obv3p0/key-and-intermediates.json")
	mock := readVector(t, "digitalbazaar-ed25519-signature-2020/mock-keys.json")
	for name, s := range map[string]string{
		"w3c keyPair privateKeyMultibase":        jsonString(t, kp, "privateKeyMultibase"),
		"1edtech secretKeyMultibase":             jsonString(t, ob, "secretKeyMultibase"),
		"digitalbazaar 2020 privateKeyMultibase": jsonString(t, mock, "mockKeyPair2020", "privateKeyMultibase"),
	} {
		t.Run("fail/"+name, func(t *testing.T) {
			if _, err := MultikeyDecode(s); !errors.Is(err, ErrInvalid) {
				t.Errorf("MultikeyDecode = %v, want ErrInvalid", err)
			}
		})
	}
	for _, pair := range []string{"mockKeyPair2020", "mockKeyPair2018"} {
		t.Run("fail/digitalbazaar "+pair+" embedded in its controller document", func(t *testing.T) {
			var vm map[string]any
			if err := json.Unmarshal(jsonField(t, mock, pair), &vm); err != nil {
				t.Fatal(err)
			}
			doc := raw(t, obj{"id": vm["controller"], "assertionMethod": []any{vm}})
			if _, err := ParseDocument(doc); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "private key") {
				t.Errorf("ParseDocument = %v, want ErrInvalid (private key)", err)
			}
		})
	}
}
