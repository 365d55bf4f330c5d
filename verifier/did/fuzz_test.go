package did

import (
	"crypto/elliptic"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseDocument(f *testing.F) {
	f.Add(testDoc(f, nil))
	f.Add([]byte(`{"id":"did:example:a","assertionMethod":[{"id":"#k","type":"Multikey","controller":"did:example:a","publicKeyMultibase":"z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"}]}`))
	f.Add([]byte(`{"id":"https://example.edu/i","verificationMethod":{"id":"https://example.edu/i#1","type":"JsonWebKey2020","controller":"https://example.edu/i","publicKeyJwk":{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}}}`))
	f.Add([]byte(`{"id":"did:example:a","a":{"a":[[[[{}]]]]},"id":"x"}`))
	if b, err := os.ReadFile("testdata/did-key-spec-ed25519-2018.json"); err == nil {
		f.Add(b)
	}
	for _, p := range []string{
		"dcc-vc-test-fixtures/dids/oidf/did.json",
		"dcc-vc-test-fixtures/dids/legacy/did.json",
		"spruceid-ssi-vc-jwt/tests/did-example-foo.json",
	} {
		if b, err := os.ReadFile(filepath.Join(vectorsDir, p)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		doc, err := ParseDocument(raw)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupportedKey) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		again, err := ParseDocument(doc.Raw)
		if err != nil || again.ID != doc.ID || len(again.VerificationMethod) != len(doc.VerificationMethod) {
			t.Fatalf("Raw does not parse to the same document: %v", err)
		}
		for _, vm := range doc.VerificationMethod {
			if !strings.HasPrefix(vm.ID, "did:") && !strings.HasPrefix(vm.ID, "https://") {
				t.Fatalf("method id %q is not absolute", vm.ID)
			}
			for _, rel := range relationships {
				got, err := doc.Method(vm.ID, rel)
				if err == nil && (got.PublicKey == nil || got.ID != vm.ID) {
					t.Fatalf("Method(%q, %s) = %+v", vm.ID, rel, got)
				}
				if err != nil && !errors.Is(err, ErrNotAuthorized) && !errors.Is(err, ErrUnsupportedKey) {
					t.Fatalf("Method(%q, %s): %v", vm.ID, rel, err)
				}
			}
		}
	})
}

func FuzzMultikeyDecode(f *testing.F) {
	f.Add(must(MultikeyEncode(mustEd25519(f, 1))))
	f.Add(must(MultikeyEncode(mustECDSA(f, elliptic.P256()))))
	f.Add(must(MultikeyEncode(mustECDSA(f, elliptic.P384()))))
	f.Add(must(MultikeyEncode(mustECDSA(f, elliptic.P521()))))
	f.Add("z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
	f.Add("zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169")
	f.Add("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
	f.Add("z1111")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		pub, err := MultikeyDecode(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupportedKey) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		// One key, one encoding: what decodes re-encodes to itself.
		again, err := MultikeyEncode(pub)
		if err != nil || again != s {
			t.Fatalf("MultikeyEncode(MultikeyDecode(%q)) = %q, %v", s, again, err)
		}
		if _, err := KeyDocument("did:key:" + s); err != nil {
			t.Fatalf("KeyDocument: %v", err)
		}
	})
}

func FuzzWebURL(f *testing.F) {
	for _, s := range []string{
		"did:web:example.com", "did:web:example.com%3A8443:a:b", "did:web:example.com:..:x",
		"did:web:%5B%3A%3A1%5D", "did:web:a%2Fb", "did:web:example.com:a%2F..%2Fb",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, did string) {
		u, err := WebURL(did)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		p, err := url.Parse(u)
		if err != nil || p.Scheme != "https" || p.User != nil || p.RawQuery != "" || p.Fragment != "" || p.Hostname() == "" {
			t.Fatalf("WebURL(%q) = %q: not a plain https URL (%v)", did, u, err)
		}
		for _, seg := range strings.Split(p.Path, "/") {
			if seg == ".." || seg == "." {
				t.Fatalf("WebURL(%q) = %q escapes its path", did, u)
			}
		}
		if !strings.HasSuffix(p.Path, "/did.json") {
			t.Fatalf("WebURL(%q) = %q", did, u)
		}
	})
}
