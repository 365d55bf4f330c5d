package jose

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// vectorsDir holds the shared external test vectors (read-only).
var vectorsDir = filepath.Join("..", "..", "..", "shared", "vectors")

func vectorFolder(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(vectorsDir, name)
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		t.Skipf("test vectors %s not available (%v); they live in /work/shared/vectors", name, err)
	}
	return dir
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// keyEntry is one verification method of a test keyring.
type keyEntry struct {
	ids        []string // verification method id, JWK kid
	controller string
	rels       []string // empty: any relationship
	pub        crypto.PublicKey
}

// keyring is a Keys over verification methods loaded in a test: what a DID
// resolver would answer, without importing verifier/did.
type keyring struct {
	entries []keyEntry
	// header accepts a key carried in the JOSE header (HeaderKeys), as the
	// 1EdTech validator does for its fixtures.
	header bool
}

var errNoKey = errors.New("test keyring: no such key")

func (k *keyring) Key(_ context.Context, kid, iss, rel string) (crypto.PublicKey, error) {
	var found []keyEntry
	for _, e := range k.entries {
		if kid != "" && !slices.Contains(e.ids, kid) {
			continue
		}
		if kid == "" && iss == "" {
			continue
		}
		if iss != "" && e.controller != iss {
			continue
		}
		if len(e.rels) > 0 && !slices.Contains(e.rels, rel) {
			continue
		}
		found = append(found, e)
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("%w: kid %q iss %q (%d candidates)", errNoKey, kid, iss, len(found))
	}
	return found[0].pub, nil
}

func (k *keyring) HeaderKey(ctx context.Context, jwk crypto.PublicKey, tp, iss, rel string) (crypto.PublicKey, error) {
	if k.header {
		return jwk, nil
	}
	return k.Key(ctx, tp, iss, rel)
}

func (k *keyring) add(pub crypto.PublicKey, controller string, ids ...string) {
	k.entries = append(k.entries, keyEntry{ids: ids, controller: controller, pub: pub})
}

// vm is a JsonWebKey verification method file of the VC-JOSE-COSE suite.
type vm struct {
	ID           string         `json:"id"`
	Controller   string         `json:"controller"`
	PublicKeyJwk map[string]any `json:"publicKeyJwk"`
	SecretKeyJwk map[string]any `json:"secretKeyJwk"`
}

// privateFromJWK parses a private JWK by hand, independently of the code
// under test, for signing in tests.
func privateFromJWK(t testing.TB, m map[string]any) crypto.Signer {
	t.Helper()
	b := func(name string) []byte {
		s, _ := m[name].(string)
		v, err := b64.DecodeString(s)
		if err != nil {
			t.Fatalf("jwk %s: %v", name, err)
		}
		return v
	}
	n := func(name string) *big.Int { return new(big.Int).SetBytes(b(name)) }
	switch m["kty"] {
	case "OKP":
		return ed25519.NewKeyFromSeed(b("d"))
	case "EC":
		pub, err := publicKeyFromMap(map[string]any{"kty": "EC", "crv": m["crv"], "x": m["x"], "y": m["y"]})
		if err != nil {
			t.Fatal(err)
		}
		return &ecdsa.PrivateKey{PublicKey: *pub.(*ecdsa.PublicKey), D: n("d")}
	case "RSA":
		k := &rsa.PrivateKey{
			PublicKey: rsa.PublicKey{N: n("n"), E: int(n("e").Int64())},
			D:         n("d"),
			Primes:    []*big.Int{n("p"), n("q")},
		}
		k.Precompute()
		if err := k.Validate(); err != nil {
			t.Fatal(err)
		}
		return k
	}
	t.Fatalf("jwk kty %v", m["kty"])
	return nil
}

// didDocKeys builds a keyring from a DID document's publicKeyJwk methods.
func didDocKeys(t testing.TB, path string) *keyring {
	t.Helper()
	var doc struct {
		ID                 string   `json:"id"`
		AssertionMethod    []string `json:"assertionMethod"`
		Authentication     []string `json:"authentication"`
		VerificationMethod []struct {
			ID           string          `json:"id"`
			Controller   string          `json:"controller"`
			PublicKeyJwk json.RawMessage `json:"publicKeyJwk"`
		} `json:"verificationMethod"`
	}
	readJSON(t, path, &doc)
	k := &keyring{}
	for _, m := range doc.VerificationMethod {
		if m.PublicKeyJwk == nil {
			continue // publicKeyBase58 methods are verifier/did's business
		}
		pub, err := PublicKeyFromJWK(m.PublicKeyJwk)
		if err != nil {
			t.Fatalf("%s: %v", m.ID, err)
		}
		var rels []string
		if slices.Contains(doc.AssertionMethod, m.ID) {
			rels = append(rels, "assertionMethod")
		}
		if slices.Contains(doc.Authentication, m.ID) {
			rels = append(rels, "authentication")
		}
		k.entries = append(k.entries, keyEntry{ids: []string{m.ID}, controller: doc.ID, rels: rels, pub: pub})
	}
	return k
}
