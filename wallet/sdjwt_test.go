package wallet_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/jose"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/wallet"
)

// sdCredential is an OB 3.0 credential secured as an SD-JWT by a did:web
// school, bound to the holder's key, with the licence number and the date
// selectively disclosable.
func sdCredential(t *testing.T, cache *did.Cache, holder proof.Signer) []byte {
	t.Helper()
	const issuer = "did:web:etranscript.example:institutions:harbor-adult"
	key := ed25519.NewKeyFromSeed(append([]byte{9}, make([]byte, 31)...))
	mk, _ := did.MultikeyEncode(key.Public())
	doc, _ := json.Marshal(map[string]any{"id": issuer,
		"verificationMethod": []any{map[string]any{"id": issuer + "#key-1", "type": "Multikey", "controller": issuer, "publicKeyMultibase": mk}},
		"assertionMethod":    []string{issuer + "#key-1"}})
	if _, err := cache.Add(doc, issued); err != nil {
		t.Fatal(err)
	}
	holderDID, _, _ := strings.Cut(holder.VerificationMethod(), "#")
	cred := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:example:credential:cna-sd",
		"type":      []any{"VerifiableCredential", "AchievementCredential"},
		"name":      "Certified Nurse Assistant",
		"issuer":    map[string]any{"id": issuer, "type": []any{"Profile"}, "name": "Harbor Adult School (sample)"},
		"validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": holderDID, "type": []any{"AchievementSubject"},
			"licenseNumber":   "CNA-LIC-98765",
			"activityEndDate": "2026-05-01T00:00:00Z",
			"achievement": map[string]any{"id": "https://etranscript.example/institutions/harbor-adult/achievements/adult-school/HAS-CNA",
				"type": []any{"Achievement"}, "name": "Certified Nurse Assistant", "description": "160-hour programme.", "criteria": map[string]any{"narrative": "Complete it."}}},
	}
	tok, err := jose.IssueSDJWT(cred, []string{"credentialSubject.licenseNumber", "credentialSubject.activityEndDate"},
		key, issuer+"#key-1", holder.Public(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(tok)
}

// embeddedSDJWT is the SD-JWT a presentation carries.
func embeddedSDJWT(t *testing.T, vp []byte) *jose.Result {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(vp, &doc); err != nil {
		t.Fatal(err)
	}
	creds, err := jose.Credentials(doc)
	if err != nil || len(creds) != 1 || creds[0].MediaType != jose.MediaTypeVCSDJWT {
		t.Fatalf("embedded %+v, %v", creds, err)
	}
	r, err := jose.Parse(creds[0].Token, jose.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPresentSDJWT(t *testing.T) {
	ctx := context.Background()
	cache := did.NewCache()
	w := newWallet(t, cache)
	keys := &wallet.Keyring{Store: w.Store, KDF: wallet.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}}
	hk, _ := keys.Create(ctx, []byte("correct horse battery staple"))
	holder, err := keys.Unlock(ctx, hk.DID, []byte("correct horse battery staple"))
	if err != nil {
		t.Fatal(err)
	}
	c, rep, err := w.Import(ctx, sdCredential(t, cache, holder), wallet.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v %+v", err, rep.Checks)
	}
	if c.Format != "vc+sd-jwt" {
		t.Fatalf("format %s", c.Format)
	}
	claims, err := wallet.SelectiveClaims(c)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, cl := range claims {
		paths = append(paths, cl.Path)
	}
	sort.Strings(paths)
	if diff := cmp.Diff([]string{"credentialSubject.activityEndDate", "credentialSubject.licenseNumber"}, paths); diff != "" {
		t.Errorf("selective claims (-want +got):\n%s", diff)
	}
	verify := func(vp []byte) verifier.Report {
		rep, err := verifier.Verify(ctx, vp, verifier.Options{Now: issued.Add(2 * time.Hour), DIDs: &did.Local{Cache: cache}, Challenge: "n-51", Domain: "https://jobs.example"})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	for _, tc := range []struct {
		name     string
		disclose map[int64][]string
		shown    []string
	}{
		{"ok/the chosen claim only", map[int64][]string{c.ID: {"credentialSubject.activityEndDate"}}, []string{"credentialSubject.activityEndDate"}},
		{"ok/by default nothing selectively disclosable", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vp, err := w.PresentCredentials(ctx, []int64{c.ID}, holder, wallet.PresentOptions{Challenge: "n-51", Domain: "https://jobs.example", Disclose: tc.disclose})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(vp), "CNA-LIC-98765") {
				t.Error("the hidden licence number is in the presentation")
			}
			r := embeddedSDJWT(t, vp)
			var shown []string
			for _, d := range r.Disclosed {
				shown = append(shown, d.Path)
				if strings.Contains(d.Encoded+string(mustJSON(t, d.Value)), "CNA-LIC-98765") {
					t.Error("a disclosure carries the licence number")
				}
			}
			if diff := cmp.Diff(tc.shown, shown); diff != "" {
				t.Errorf("disclosed (-want +got):\n%s", diff)
			}
			rep := verify(vp)
			if !rep.Verified || len(rep.Credentials) != 1 {
				t.Fatalf("verified %v: %+v %+v", rep.Verified, rep.Checks, rep.Credentials)
			}
			if kb, ok := checkOf(rep.Credentials[0], jose.CheckKeyBinding); !ok || !kb.OK {
				t.Errorf("key binding: %+v", kb)
			}
			subj, _ := rep.Credentials[0].Document["credentialSubject"].(map[string]any)
			if _, ok := subj["licenseNumber"]; ok {
				t.Error("the verifier sees the licence number")
			}
		})
	}
	t.Run("ok/in a vp+jwt", func(t *testing.T) {
		vp, err := w.PresentCredentials(ctx, []int64{c.ID}, holder, wallet.PresentOptions{Format: wallet.FormatJWT, Challenge: "n-51", Domain: "https://jobs.example",
			Disclose: map[int64][]string{c.ID: {"credentialSubject.activityEndDate"}}})
		if err != nil {
			t.Fatal(err)
		}
		if rep := verify(vp); !rep.Verified || len(rep.Credentials) != 1 {
			t.Fatalf("verified %v: %+v", rep.Verified, rep.Checks)
		}
	})
	t.Run("fail/a claim the credential does not have", func(t *testing.T) {
		_, err := w.PresentCredentials(ctx, []int64{c.ID}, holder, wallet.PresentOptions{Challenge: "n", Domain: "d", Disclose: map[int64][]string{c.ID: {"credentialSubject.shoeSize"}}})
		if !errors.Is(err, wallet.ErrCannotPresent) || !strings.Contains(err.Error(), "no claim") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("fail/claims chosen for a credential not presented", func(t *testing.T) {
		_, err := w.PresentCredentials(ctx, []int64{c.ID}, holder, wallet.PresentOptions{Disclose: map[int64][]string{c.ID + 1: {"x"}}})
		if !errors.Is(err, wallet.ErrCannotPresent) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("fail/claims chosen for a credential that is not an SD-JWT", func(t *testing.T) {
		other, _, err := w.Import(ctx, issuedTo(t, cache, hk.DID, "Medical Terminology"), wallet.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.PresentCredentials(ctx, []int64{other.ID}, holder, wallet.PresentOptions{Disclose: map[int64][]string{other.ID: {"name"}}})
		if !errors.Is(err, wallet.ErrCannotPresent) || !strings.Contains(err.Error(), "not selectively disclosable") {
			t.Errorf("err = %v", err)
		}
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
