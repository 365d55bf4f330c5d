package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
)

// The issuer-key check of a JWT is about the credential's issuer, the one
// the report names — not about whoever the iss claim says signed. A
// stranger who signs an issuer's credential with its own key and names
// itself in iss fails consistency (iss is not the issuer) and issuer-key
// (the key is not the issuer's), rather than passing the key check.
func TestJWTIssuerKeyIsTheDocumentIssuers(t *testing.T) {
	genuine := didKeyOf(t, ed25519.NewKeyFromSeed(make([]byte, 32))) // signedBadge's issuer
	stranger := didKeyOf(t, ed25519.NewKeyFromSeed(append([]byte{9}, make([]byte, 31)...)))
	var doc map[string]any
	_ = json.Unmarshal(signedBadge("Certified Nurse Assistant"), &doc) // issued by genuine's did:key
	delete(doc, "proof")
	header := map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc"}
	sign := func(k tamperKey, iss string) []byte {
		h := map[string]any{"kid": k.vm}
		for n, v := range header {
			h[n] = v
		}
		p := clone(t, doc)
		p["iss"] = iss
		return []byte(signJWS(t, h, p, k))
	}
	for _, tt := range []struct {
		name      string
		input     []byte
		issuerKey bool
		detail    string
	}{
		{"ok/the issuer signs as iss", sign(genuine, genuine.did), true, "Ed25519 key"},
		{"fail/a stranger signs and names itself in iss", sign(stranger, stranger.did), false,
			"the key belongs to " + stranger.did + " (iss), not the issuer " + genuine.did},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := verifier.Verify(context.Background(), tt.input, verifier.Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Issuer != genuine.did {
				t.Errorf("report names issuer %s, want %s", rep.Issuer, genuine.did)
			}
			found := false
			for _, c := range rep.Checks {
				if c.Check == verifier.CheckIssuerKey {
					found = true
					if c.OK != tt.issuerKey || !strings.Contains(c.Detail, tt.detail) {
						t.Errorf("issuer-key %v %q, want %v and %q", c.OK, c.Detail, tt.issuerKey, tt.detail)
					}
				}
			}
			if !found || rep.Verified != tt.issuerKey {
				t.Errorf("verified %v, issuer-key found %v: %+v", rep.Verified, found, rep.Checks)
			}
		})
	}
}
