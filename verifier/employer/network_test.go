package employer_test

import (
	"context"
	"crypto/ed25519"
	"go/ast"
	"go/parser"
	"go/token"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

// Nothing an applicant sends makes the server fetch a URL: an issuer and a
// holder whose did:web, a status list and a JSON-LD context all point at a
// server on this machine, which counts every connection made to it, over
// the API, the page's form and a wallet's answer. None is made; the checks
// fail saying the documents are not at hand.
func TestNothingIsFetched(t *testing.T) {
	var conns, hits atomic.Int64
	bait := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	bait.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	bait.Start()
	defer bait.Close()
	host := bait.Listener.Addr().String()
	webDID := "did:web:" + strings.ReplaceAll(host, ":", "%3A")
	base := "http://" + host

	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	signer := proof.NewSigner(key, webDID+"#key-1")
	cred := func(extraContext bool) map[string]any {
		ctx := []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}
		if extraContext {
			ctx = append(ctx, base+"/context.json")
		}
		doc := map[string]any{
			"@context":  ctx,
			"id":        "urn:uuid:7d0b1f3e-1f55-4b0e-9c55-2b1c0f0e7a11",
			"type":      []any{"VerifiableCredential", "AchievementCredential"},
			"name":      "Emergency Medical Technician",
			"issuer":    map[string]any{"id": webDID, "type": []any{"Profile"}, "name": "A college on this machine"},
			"validFrom": "2026-01-01T00:00:00Z",
			"credentialStatus": map[string]any{"id": base + "/status/1#7", "type": "BitstringStatusListEntry",
				"statusPurpose": "revocation", "statusListIndex": "7", "statusListCredential": base + "/status/1"},
			"credentialSubject": map[string]any{"type": []any{"AchievementSubject"}, "id": webDID,
				"achievement": map[string]any{"id": base + "/achievements/ems-101", "type": []any{"Achievement"},
					"name": "EMS 101 Emergency Medical Technician", "description": "EMT course.", "criteria": map[string]any{"id": base + "/criteria"},
					"image": map[string]any{"id": base + "/badge.png", "type": "Image"}}},
		}
		if extraContext {
			return doc // cannot be signed: its context is unknown, and not fetched
		}
		signed, err := proof.Sign(context.Background(), doc, signer, proof.Options{Created: issued})
		if err != nil {
			t.Fatal(err)
		}
		return signed
	}
	signed := mustJSON(t, cred(false))
	unknownContext := mustJSON(t, cred(true))
	vp, err := proof.Sign(context.Background(), map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": []any{"VerifiablePresentation"},
		"holder": webDID, "verifiableCredential": []any{cred(false)},
	}, signer, proof.Options{Created: issued, Purpose: proof.Authentication, Challenge: "c", Domain: "d"})
	if err != nil {
		t.Fatal(err)
	}

	s := start(t, nil)
	for _, doc := range [][]byte{signed, unknownContext, mustJSON(t, vp)} {
		res := s.do(t, http.MethodPost, "/api/verify?job="+emtJob, "application/json", doc)
		if res.code != 200 && res.code != 400 {
			t.Fatalf("api: %d %s", res.code, res.body)
		}
		if res.code == 200 {
			if rep := decode[verifier.Report](t, res.body); rep.Verified {
				t.Errorf("a credential whose key is not at hand verified: %s", res.body)
			}
		}
	}
	rep := decode[verifier.Report](t, s.do(t, http.MethodPost, "/api/verify", "", signed).body)
	if c, _ := check(rep, verifier.CheckProof); c.OK || !strings.Contains(c.Detail, "not in the offline cache (fetching is off)") {
		t.Errorf("proof check %+v", c)
	}
	if c, _ := check(rep, verifier.CheckStatus); c.OK || !strings.Contains(c.Detail, "not available offline") {
		t.Errorf("status check %+v", c)
	}
	page := html(s.upload(t, emtJob, "vp.json", mustJSON(t, vp), map[string]string{"challenge": "c", "domain": "d"}).body)
	for _, want := range []string{"Not verified", "The issuer's public key is not known here", "never fetches keys from the internet"} {
		if !strings.Contains(page, want) {
			t.Errorf("result page lacks %q", want)
		}
	}
	q := s.newRequest(t, emtJob)
	_ = s.answer(t, q.str("state"), mustJSON(t, vp), emtJob)
	_ = s.postForm(t, "/verify", url.Values{"text": {string(unknownContext)}})

	if n, h := conns.Load(), hits.Load(); n != 0 || h != 0 {
		t.Errorf("the server connected %d times to the address the credentials name (%d requests)", n, h)
	}
}

// The bait above cannot catch a did:web fetcher on its own: did.WebFetcher
// refuses IP addresses and private networks whatever the caller. So the
// package's own code is checked too: it makes no HTTP client, dials
// nothing and builds no WebFetcher.
func TestNoClientInTheCode(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := map[string]bool{"http.Get": true, "http.Post": true, "http.Head": true, "http.Client": true, "http.DefaultClient": true,
		"http.NewRequest": true, "http.NewRequestWithContext": true, "net.Dial": true, "net.DialTimeout": true, "did.WebFetcher": true, "tls.Dial": true}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && forbidden[id.Name+"."+sel.Sel.Name] {
					t.Errorf("%s uses %s.%s", fset.Position(sel.Pos()), id.Name, sel.Sel.Name)
				}
			}
			return true
		})
	}
}
