package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/verifier/status"
)

// signedList is a status list credential of the fixture's issuer with the
// given bits set.
func signedList(t *testing.T, url string, set ...uint64) []byte {
	t.Helper()
	bits := status.NewBitstring(status.MinBits)
	for _, i := range set {
		if err := status.Set(bits, i, true); err != nil {
			t.Fatal(err)
		}
	}
	subj, err := status.ListSubject(url+"#list", status.PurposeRevocation, bits)
	if err != nil {
		t.Fatal(err)
	}
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	doc, err := proof.Sign(context.Background(), map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "id": url,
		"type": []any{"VerifiableCredential", "BitstringStatusListCredential"}, "issuer": issuerDID,
		"validFrom": "2026-01-01T00:00:00Z", "credentialSubject": subj,
	}, proof.NewSigner(key, issuerDID+"#key-1"), proof.Options{Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc)
	return b
}

// TestRefreshLists: the page fetches again only the lists it was given,
// and keeps a new copy only when it verifies.
func TestRefreshLists(t *testing.T) {
	dir := fixture(t)
	var mu sync.Mutex
	serve := map[string][]byte{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		b, ok := serve[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	}))
	defer srv.Close()
	url := srv.URL + "/status/1"
	first := signedList(t, url)
	raw, err := os.ReadFile(filepath.Join(dir, "did.json"))
	if err != nil {
		t.Fatal(err)
	}
	dids := did.NewCache()
	if _, err := dids.Add(raw, time.Now()); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	newRefresher := func(local bool) (*listRefresher, *status.Cache, *strings.Builder) {
		cache := status.NewCache()
		cache.Add(url, first, at)
		var logs strings.Builder
		return &listRefresher{urls: cache.URLs(), cache: cache, localhostHTTP: local, client: refreshClient(),
			opt: verifier.Options{DIDs: &did.Local{Cache: dids}}, now: func() time.Time { return at },
			logf: func(f string, a ...any) { logs.WriteString(f + "\n") }}, cache, &logs
	}
	held := func(c *status.Cache) string {
		b, _, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	revoked := signedList(t, url, 42)
	tampered := strings.Replace(string(revoked), `"validFrom":"2026-01-01T00:00:00Z"`, `"validFrom":"2025-01-01T00:00:00Z"`, 1)
	for _, tc := range []struct {
		name   string
		served []byte
		local  bool
		want   string
	}{
		{"ok/a new list that verifies replaces the copy", revoked, true, string(revoked)},
		{"fail/a tampered list is not kept", []byte(tampered), true, string(first)},
		{"fail/not a status list", []byte(`{"hello": "world"}`), true, string(first)},
		{"fail/gone", nil, true, string(first)},
		{"fail/plain http to this machine needs --insecure-localhost", revoked, false, string(first)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			delete(serve, "/status/1")
			if tc.served != nil {
				serve["/status/1"] = tc.served
			}
			mu.Unlock()
			r, cache, logs := newRefresher(tc.local)
			n := r.refresh(context.Background())
			if got := held(cache); got != tc.want {
				t.Fatalf("the copy held after refresh (%d replaced) is not the one expected; log:\n%s", n, logs)
			}
			if (tc.want == string(first)) != (logs.Len() > 0) {
				t.Errorf("log %q for %s", logs.String(), tc.name)
			}
		})
	}
}

// TestRefreshDIDDocuments: a preloaded did:web document is fetched again
// from where its DID says, so a rotated key reaches the page; a document
// that is not that DID's is not kept.
func TestRefreshDIDDocuments(t *testing.T) {
	var mu sync.Mutex
	var served []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path != "/institutions/jst/did.json" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(served)
	}))
	defer srv.Close()
	id := "did:web:localhost%3A" + srv.URL[strings.LastIndex(srv.URL, ":")+1:] + ":institutions:jst"
	docOf := func(docID string, keys int) []byte {
		var methods []any
		var refs []string
		for i := 1; i <= keys; i++ {
			pub, _, _ := ed25519.GenerateKey(nil)
			mk, _ := did.MultikeyEncode(pub)
			vm := docID + "#key-" + string(rune('0'+i))
			methods = append(methods, map[string]any{"id": vm, "type": "Multikey", "controller": docID, "publicKeyMultibase": mk})
			refs = append(refs, vm)
		}
		b, _ := json.Marshal(map[string]any{"id": docID, "verificationMethod": methods, "assertionMethod": refs})
		return b
	}
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		serve []byte
		keys  int
	}{
		{"ok/a rotated key arrives", docOf(id, 2), 2},
		{"fail/another DID's document is not kept", docOf("did:web:elsewhere.example", 2), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			served = tc.serve
			mu.Unlock()
			dids := did.NewCache()
			if _, err := dids.Add(docOf(id, 1), at.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
			var logs strings.Builder
			r := &listRefresher{dids: dids, cache: status.NewCache(), localhostHTTP: true, client: refreshClient(),
				now: func() time.Time { return at }, logf: func(f string, a ...any) { logs.WriteString(f + "\n") }}
			r.refresh(context.Background())
			doc, _, ok := dids.Get(id)
			if !ok || len(doc.VerificationMethod) != tc.keys {
				t.Fatalf("after refresh the document has %d keys, want %d; log:\n%s", len(doc.VerificationMethod), tc.keys, logs.String())
			}
		})
	}
}
