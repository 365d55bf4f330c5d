package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

// signedBadge is an Open Badges 3.0 credential issued by a did:key and
// signed with eddsa-rdfc-2022: what a small issuer hands a learner.
func signedBadge(name string) []byte {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	issuer, _ := did.KeyDID(key.Public())
	mk, _ := did.MultikeyEncode(key.Public())
	doc := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:2b2b6a5e-5d4f-4a8e-9c5a-0b3c1d2e3f40",
		"type":      []any{"VerifiableCredential", "AchievementCredential"},
		"name":      name,
		"issuer":    map[string]any{"id": issuer, "type": []any{"Profile"}, "name": "Harbor Adult School (sample)"},
		"validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"type": []any{"AchievementSubject"},
			"achievement": map[string]any{"id": "https://adult.example/cna", "type": []any{"Achievement"}, "name": name,
				"description": "160-hour nurse assistant programme.", "criteria": map[string]any{"narrative": "Complete the programme."}}},
	}
	signed, err := proof.Sign(context.Background(), doc, proof.NewSigner(key, issuer+"#"+mk), proof.Options{Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		panic(err)
	}
	b, _ := json.Marshal(signed)
	return b
}

// Verify reads the credential, checks every property an employer relies on,
// and reports each check as data.
func ExampleVerify() {
	report, err := verifier.Verify(context.Background(), signedBadge("Certified Nurse Assistant"), verifier.Options{
		Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println("unreadable:", err)
		return
	}
	fmt.Println("verified:", report.Verified, report.Kind, report.Format)
	for _, c := range report.Checks {
		fmt.Println(c.Check, c.OK)
	}
	// Output:
	// verified: true credential ldp_vc
	// data-model true
	// proof true
	// issuer-key true
	// validity true
	// status true
	// trust true
}

// With a trust registry, an issuer the employer does not recognise fails
// the trust check, and so the verification.
func ExampleVerify_trust() {
	reg, _ := verifier.ParseRegistry([]byte(`{"name": "Sierra Vista employers' list (sample)",
		"issuers": [{"id": "did:web:etranscript.example:institutions:sierra-vista", "name": "Sierra Vista Community College"}]}`), "")
	report, _ := verifier.Verify(context.Background(), signedBadge("Certified Nurse Assistant"), verifier.Options{
		Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Trust: reg,
	})
	for _, c := range report.Checks {
		if c.Check == verifier.CheckTrust {
			_, after, _ := strings.Cut(c.Detail, " is not in ")
			fmt.Println(c.OK, "not in", after)
		}
	}
	fmt.Println("verified:", report.Verified)
	// Output:
	// false not in Sierra Vista employers' list (sample)
	// verified: false
}
