package did

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestResolveMethod(t *testing.T) {
	ctx := context.Background()
	ed := mustEd25519(t, 1)
	edDID := must(KeyDID(ed))
	p256 := mustECDSA(t, elliptic.P256())
	p256DID := must(KeyDID(p256))
	jwkDID := must(JWKDID(p256))
	edJWKDID := must(JWKDID(ed))

	cache := NewCache()
	fetched := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := cache.Add(testDoc(t, nil), fetched); err != nil {
		t.Fatal(err)
	}
	webDID := "did:web:example.edu"
	if _, err := cache.Add(testDoc(t, func(d obj) {
		d["id"] = webDID
		vm0(func(m obj) { m["controller"] = webDID })(d)
		d["verificationMethod"] = d["verificationMethod"].([]any)[:1]
		delete(d, "authentication")
	}), fetched); err != nil {
		t.Fatal(err)
	}
	const controllerDoc = "https://example.edu/issuers/565049"
	edMB := must(MultikeyEncode(ed))
	if _, err := cache.Add(raw(t, obj{
		"id":              controllerDoc,
		"assertionMethod": []any{obj{"id": controllerDoc + "#" + edMB, "type": "Ed25519VerificationKey2020", "controller": controllerDoc, "publicKeyMultibase": edMB}},
	}), fetched); err != nil {
		t.Fatal(err)
	}
	local := &Local{Cache: cache}

	for _, tc := range []struct {
		name, url, rel string
		want           crypto.PublicKey
	}{
		{"ok/did:key ed25519", edDID + "#" + strings.TrimPrefix(edDID, "did:key:"), AssertionMethod, ed},
		{"ok/did:key authentication", edDID + "#" + strings.TrimPrefix(edDID, "did:key:"), Authentication, ed},
		{"ok/did:key without fragment", edDID, AssertionMethod, ed},
		{"ok/did:key p256", p256DID + "#" + strings.TrimPrefix(p256DID, "did:key:"), AssertionMethod, p256},
		{"ok/did:jwk", jwkDID + "#0", AssertionMethod, p256},
		{"ok/did:jwk without fragment", edJWKDID, Authentication, ed},
		{"ok/cached did:example", exampleDID + "#key-1", AssertionMethod, ed},
		{"ok/cached did:web", webDID + "#key-1", AssertionMethod, ed},
		{"ok/cached https controller document", controllerDoc + "#" + edMB, AssertionMethod, ed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vm, err := ResolveMethod(ctx, local, tc.url, tc.rel)
			if err != nil {
				t.Fatal(err)
			}
			if !equalKeys(vm.PublicKey, tc.want) {
				t.Errorf("ResolveMethod gave another key: %+v", vm)
			}
			if !strings.HasPrefix(tc.url, strings.SplitN(vm.ID, "#", 2)[0]) {
				t.Errorf("method id %s does not belong to %s", vm.ID, tc.url)
			}
		})
	}

	for _, tc := range []struct {
		name, url, rel string
		want           error
		fault          string
	}{
		{"fail/did:key other fragment", edDID + "#z6MkOther", AssertionMethod, ErrNotFound, "has no verification method"},
		{"fail/did:key bad multibase", "did:key:z6Mk0000", AssertionMethod, ErrInvalid, "base58"},
		{"fail/did:key not base58btc", "did:key:u7QF", AssertionMethod, ErrInvalid, "base58btc"},
		{"fail/did:key with version", "did:key:1:" + strings.TrimPrefix(edDID, "did:key:"), AssertionMethod, ErrInvalid, "version"},
		{"fail/did:key secp256k1", "did:key:" + multibase(0xe7, make([]byte, 33)), AssertionMethod, ErrUnsupportedKey, "secp256k1"},
		{"fail/did:jwk keyAgreement only", must(jwkWithUse(t, ed, "enc")), AssertionMethod, ErrNotAuthorized, "not listed"},
		{"fail/did:jwk private key", "did:jwk:" + base64.RawURLEncoding.EncodeToString([]byte(`{"kty":"OKP","crv":"Ed25519","x":"`+base64.RawURLEncoding.EncodeToString(ed)+`","d":"AAAA"}`)), AssertionMethod, ErrInvalid, "private"},
		{"fail/did:jwk not base64", "did:jwk:not.base64", AssertionMethod, ErrInvalid, "base64url"},
		{"fail/did:jwk not an object", "did:jwk:" + base64.RawURLEncoding.EncodeToString([]byte(`[1]`)), AssertionMethod, ErrInvalid, "JSON object"},
		{"fail/not in assertionMethod", exampleDID + "#key-2", AssertionMethod, ErrNotAuthorized, "not listed under assertionMethod"},
		{"fail/did:web without fragment", webDID, AssertionMethod, ErrNotFound, "no #fragment"},
		{"fail/did:web not cached, fetching off", "did:web:other.example#key-1", AssertionMethod, ErrNotFound, "fetching is off"},
		{"fail/unknown method", "did:ion:EiClkZMDxPKqC9c-umQfTkR8vvZ9JPhl_xLDI9Nfk38w5w#key-1", AssertionMethod, ErrUnsupportedMethod, "did:ion"},
		{"fail/did:ethr", "did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a#controller", AssertionMethod, ErrUnsupportedMethod, "did:ethr"},
		{"fail/https not cached", "https://example.org/keys#1", AssertionMethod, ErrNotFound, "not in the offline cache"},
		{"fail/http URL", "http://example.edu/issuers/565049#key", AssertionMethod, ErrInvalid, "neither a DID"},
		{"fail/not a URL", "z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x", AssertionMethod, ErrInvalid, "neither a DID"},
		{"fail/empty", "", AssertionMethod, ErrInvalid, "neither a DID"},
		{"fail/empty fragment", edDID + "#", AssertionMethod, ErrInvalid, "empty fragment"},
		{"fail/DID URL path", edDID + "/path#x", AssertionMethod, ErrInvalid, "paths and queries"},
		{"fail/DID URL query", webDID + "?versionId=1#key-1", AssertionMethod, ErrInvalid, "paths and queries"},
		{"fail/too long", "did:key:z" + strings.Repeat("a", 10000), AssertionMethod, ErrInvalid, "longer than"},
		{"fail/unknown relationship", edDID, "signing", ErrInvalid, "relationship"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vm, err := ResolveMethod(ctx, local, tc.url, tc.rel)
			if !errors.Is(err, tc.want) {
				t.Fatalf("ResolveMethod = %+v, %v; want %v", vm, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.fault) {
				t.Errorf("error %q does not mention %q", err, tc.fault)
			}
		})
	}

	t.Run("fail/nil resolver", func(t *testing.T) {
		if _, err := ResolveMethod(ctx, nil, edDID, AssertionMethod); !errors.Is(err, ErrNotFound) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("fail/resolver answers for another DID", func(t *testing.T) {
		liar := resolverFunc(func(ctx context.Context, did string) (*Document, error) { return KeyDocument(edDID) })
		if _, err := ResolveMethod(ctx, liar, p256DID, AssertionMethod); !errors.Is(err, ErrInvalid) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("ok/zero Local resolves did:key", func(t *testing.T) {
		if _, err := ResolveMethod(ctx, &Local{}, edDID, AssertionMethod); err != nil {
			t.Error(err)
		}
		if _, err := ResolveMethod(ctx, &Local{}, exampleDID+"#key-1", AssertionMethod); !errors.Is(err, ErrUnsupportedMethod) {
			t.Errorf("uncached did:example: %v", err)
		}
	})
}

type resolverFunc func(ctx context.Context, did string) (*Document, error)

func (f resolverFunc) Resolve(ctx context.Context, did string) (*Document, error) { return f(ctx, did) }

func jwkWithUse(t *testing.T, pub ed25519.PublicKey, use string) (string, error) {
	t.Helper()
	j := fmt.Sprintf(`{"kty":"OKP","crv":"Ed25519","use":%q,"x":%q}`, use, base64.RawURLEncoding.EncodeToString(pub))
	return "did:jwk:" + base64.RawURLEncoding.EncodeToString([]byte(j)), nil
}

func TestKeyDocument(t *testing.T) {
	ed := mustEd25519(t, 2)
	did := must(KeyDID(ed))
	msid := strings.TrimPrefix(did, "did:key:")
	doc, err := KeyDocument(did)
	if err != nil {
		t.Fatal(err)
	}
	vmID := did + "#" + msid
	if doc.ID != did || len(doc.VerificationMethod) != 1 || doc.VerificationMethod[0].ID != vmID {
		t.Fatalf("document = %+v", doc)
	}
	for name, rel := range map[string][]string{
		"assertionMethod": doc.AssertionMethod, "authentication": doc.Authentication,
		"capabilityInvocation": doc.CapabilityInvocation, "capabilityDelegation": doc.CapabilityDelegation,
	} {
		if len(rel) != 1 || rel[0] != vmID {
			t.Errorf("%s = %v", name, rel)
		}
	}
	if len(doc.KeyAgreement) != 0 {
		t.Errorf("keyAgreement = %v, want none", doc.KeyAgreement)
	}
	// The computed document is itself a valid document.
	again, err := ParseDocument(doc.Raw)
	if err != nil || again.ID != did {
		t.Errorf("ParseDocument(KeyDocument.Raw) = %v, %v", again, err)
	}
	for _, in := range []string{"did:web:example.com", "did:key:", "did:key:z", "not a did"} {
		if _, err := KeyDocument(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("KeyDocument(%q) = %v, want ErrInvalid", in, err)
		}
	}
}

func TestJWKDocument(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, pub := range []crypto.PublicKey{mustEd25519(t, 1), mustECDSA(t, elliptic.P256()), &p384.PublicKey, &rsaKey.PublicKey} {
		t.Run("ok/"+keyKind(pub), func(t *testing.T) {
			did, err := JWKDID(pub)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := JWKDocument(did)
			if err != nil {
				t.Fatal(err)
			}
			vm, err := doc.Method(did+"#0", AssertionMethod)
			if err != nil {
				t.Fatal(err)
			}
			if !equalKeys(vm.PublicKey, pub) || vm.Type != TypeJsonWebKey2020 {
				t.Errorf("method = %+v", vm)
			}
			if len(doc.KeyAgreement) != 1 {
				t.Errorf("keyAgreement = %v (a JWK without use serves both)", doc.KeyAgreement)
			}
		})
	}
	// The did:jwk specification's P-256 example.
	const specDID = "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9"
	doc, err := JWKDocument(specDID)
	if err != nil {
		t.Fatal(err)
	}
	if vm, err := doc.Method("#0", AssertionMethod); err != nil || keyKind(vm.PublicKey) != "ECDSA P-256" {
		t.Errorf("spec example: %+v, %v", vm, err)
	}
	if _, err := JWKDocument("did:key:z6Mk"); !errors.Is(err, ErrInvalid) {
		t.Errorf("JWKDocument(did:key) = %v, want ErrInvalid", err)
	}
	if _, err := JWKDID(&rsa.PublicKey{N: rsaKey.N, E: 2}); !errors.Is(err, ErrInvalid) {
		t.Errorf("JWKDID(even exponent) = %v, want ErrInvalid", err)
	}
}

func TestCache(t *testing.T) {
	c := NewCache()
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if _, _, ok := c.Get(exampleDID); ok {
		t.Fatal("empty cache has a document")
	}
	first, err := c.Add(testDoc(t, nil), t0)
	if err != nil {
		t.Fatal(err)
	}
	got, at, ok := c.Get(exampleDID)
	if !ok || got != first || !at.Equal(t0) {
		t.Fatalf("Get = %v, %v, %v", got, at, ok)
	}
	// A newer fetch replaces; an older one is ignored.
	newer, err := c.Add(testDoc(t, nil), t0.Add(time.Hour))
	if err != nil || newer == first {
		t.Fatalf("newer Add = %v, %v", newer, err)
	}
	older, err := c.Add(testDoc(t, nil), t0)
	if err != nil || older != newer {
		t.Errorf("older Add returned %p, want the cached %p", older, newer)
	}
	if _, at, _ := c.Get(exampleDID); !at.Equal(t0.Add(time.Hour)) {
		t.Errorf("fetched = %v after an older Add", at)
	}
	if _, err := c.Add([]byte(`{"id":"nope"}`), t0); !errors.Is(err, ErrInvalid) {
		t.Errorf("Add(bad) = %v", err)
	}
	if ids := c.IDs(); len(ids) != 1 || ids[0] != exampleDID {
		t.Errorf("IDs = %v", ids)
	}
	var zero Cache
	if _, err := zero.Add(testDoc(t, nil), t0); err != nil {
		t.Errorf("zero Cache: %v", err)
	}
	var nilCache *Cache
	if _, _, ok := nilCache.Get(exampleDID); ok || nilCache.IDs() != nil {
		t.Error("nil cache is not empty")
	}
	if _, err := nilCache.Add(testDoc(t, nil), t0); err == nil {
		t.Error("nil cache accepted a document")
	}
}

func TestCacheConcurrent(t *testing.T) {
	c := NewCache()
	docs := make([][]byte, 8)
	for i := range docs {
		id := fmt.Sprintf("did:example:%d", i)
		docs[i] = raw(t, obj{"id": id, "verificationMethod": []any{obj{"id": "#k", "type": "Multikey", "controller": id, "publicKeyMultibase": must(MultikeyEncode(mustEd25519(t, byte(i))))}}, "assertionMethod": []any{"#k"}})
	}
	r := &Local{Cache: c}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				n := (g + i) % len(docs)
				if _, err := c.Add(docs[n], time.Unix(int64(i), 0)); err != nil {
					t.Error(err)
					return
				}
				id := fmt.Sprintf("did:example:%d", (g+i+1)%len(docs))
				if _, err := ResolveMethod(context.Background(), r, id+"#k", AssertionMethod); err != nil && !errors.Is(err, ErrUnsupportedMethod) {
					t.Error(err)
					return
				}
				_ = c.IDs()
			}
		}(g)
	}
	wg.Wait()
	if n := len(c.IDs()); n != len(docs) {
		t.Errorf("%d documents cached, want %d", n, len(docs))
	}
}
