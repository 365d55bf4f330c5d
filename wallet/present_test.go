package wallet_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/wallet"
)

// issuedTo is an OB 3.0 credential about the holder, signed by a did:web
// adult school whose document is added to cache.
func issuedTo(t *testing.T, cache *did.Cache, holder, name string) []byte {
	t.Helper()
	const issuer = "did:web:etranscript.example:institutions:harbor-adult"
	key := ed25519.NewKeyFromSeed(append([]byte{7}, make([]byte, 31)...))
	mk, _ := did.MultikeyEncode(key.Public())
	doc, _ := json.Marshal(map[string]any{"id": issuer,
		"verificationMethod": []any{map[string]any{"id": issuer + "#key-1", "type": "Multikey", "controller": issuer, "publicKeyMultibase": mk}},
		"assertionMethod":    []string{issuer + "#key-1"}})
	if _, err := cache.Add(doc, issued); err != nil {
		t.Fatal(err)
	}
	cred := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:example:credential:" + strings.ReplaceAll(strings.ToLower(name), " ", "-"),
		"type":      []any{"VerifiableCredential", "AchievementCredential"},
		"name":      name,
		"issuer":    map[string]any{"id": issuer, "type": []any{"Profile"}, "name": "Harbor Adult School (sample)"},
		"validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": holder, "type": []any{"AchievementSubject"},
			"achievement": map[string]any{"id": "https://etranscript.example/institutions/harbor-adult/achievements/adult-school/" + strings.ReplaceAll(name, " ", "-"),
				"type": []any{"Achievement"}, "name": name, "description": name + " programme.", "criteria": map[string]any{"narrative": "Complete it."}}},
	}
	signed, err := proof.Sign(context.Background(), cred, proof.NewSigner(key, issuer+"#key-1"), proof.Options{Created: issued})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(signed)
	return b
}

func TestPresent(t *testing.T) {
	ctx := context.Background()
	cache := did.NewCache()
	w := newWallet(t, cache)
	keys := &wallet.Keyring{Store: w.Store, KDF: wallet.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}}
	hk, err := keys.Create(ctx, []byte("correct horse battery staple"))
	if err != nil {
		t.Fatal(err)
	}
	holder, err := keys.Unlock(ctx, hk.DID, []byte("correct horse battery staple"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.Store.CreatePortfolio(ctx, "EMT application, Sierra Vista Ambulance", issued)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Certified Nurse Assistant", "Medical Terminology"} {
		c, _, err := w.Import(ctx, issuedTo(t, cache, hk.DID, name), wallet.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Store.AddToPortfolio(ctx, p.ID, c.ID, "for the "+name+" requirement"); err != nil {
			t.Fatal(err)
		}
	}
	verify := func(b []byte, challenge, domain string) verifier.Report {
		rep, err := verifier.Verify(ctx, b, verifier.Options{Now: issued.Add(2 * time.Hour), DIDs: &did.Local{Cache: cache}, Challenge: challenge, Domain: domain})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	for _, format := range []string{wallet.FormatLDP, wallet.FormatJWT} {
		t.Run("ok/"+format, func(t *testing.T) {
			vp, err := w.Present(ctx, p.ID, holder, wallet.PresentOptions{Format: format, Challenge: "c-8f2e", Domain: "jobs.sierravista.example"})
			if err != nil {
				t.Fatal(err)
			}
			rep := verify(vp, "c-8f2e", "jobs.sierravista.example")
			if !rep.Verified || rep.Kind != "presentation" || rep.Holder != hk.DID || len(rep.Credentials) != 2 {
				t.Fatalf("verified %v kind %s holder %s, %d credentials: %+v", rep.Verified, rep.Kind, rep.Holder, len(rep.Credentials), rep.Checks)
			}
			if rep := verify(vp, "another-challenge", "jobs.sierravista.example"); rep.Verified {
				t.Error("a presentation made for another challenge verified (replay)")
			}
		})
	}
	t.Run("fail/tampered presentation", func(t *testing.T) {
		vp, err := w.Present(ctx, p.ID, holder, wallet.PresentOptions{Challenge: "c-1", Domain: "d.example"})
		if err != nil {
			t.Fatal(err)
		}
		bad := []byte(strings.Replace(string(vp), hk.DID, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", 1))
		if rep := verify(bad, "c-1", "d.example"); rep.Verified {
			t.Error("tampered presentation verified")
		}
	})
	t.Run("fail/empty portfolio", func(t *testing.T) {
		empty, _ := w.Store.CreatePortfolio(ctx, "empty", issued)
		if _, err := w.Present(ctx, empty.ID, holder, wallet.PresentOptions{}); !errors.Is(err, wallet.ErrCannotPresent) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("fail/unknown format", func(t *testing.T) {
		if _, err := w.Present(ctx, p.ID, holder, wallet.PresentOptions{Format: "cose"}); !errors.Is(err, wallet.ErrCannotPresent) {
			t.Errorf("err = %v", err)
		}
	})
}
