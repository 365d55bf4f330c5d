package jose_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/satchel-wallet/satchel/verifier/jose"
)

// A college signs an Open Badges credential as a VC-JWT 2.0 (typ vc+jwt);
// an employer verifies it and reports each check.
func ExampleVerify() {
	college := ed25519.NewKeyFromSeed(make([]byte, 32))
	credential := map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2"},
		"type":              []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":            "did:web:college.example",
		"validFrom":         "2026-01-15T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:key:z6MkLearner", "achievement": map[string]any{"name": "MATH 101"}},
	}
	token, err := jose.Sign(credential, college, "did:web:college.example#key-1", jose.SignOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}

	// Keys would be the DID resolver; here it knows one key.
	keys := jose.KeysFunc(func(_ context.Context, kid, iss, rel string) (crypto.PublicKey, error) {
		if kid == "did:web:college.example#key-1" && iss == "did:web:college.example" && rel == "assertionMethod" {
			return college.Public(), nil
		}
		return nil, errors.New("unknown key")
	})
	r, err := jose.Verify(context.Background(), []byte(token), keys, jose.Options{Now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	fmt.Println(r.Format, r.Alg, r.Issuer, err)
	for _, f := range r.Findings {
		fmt.Printf("%-12s %v\n", f.Check, f.OK)
	}
	// Output:
	// vc+jwt EdDSA did:web:college.example <nil>
	// issuer-key   true
	// proof        true
	// validity     true
	// consistency  true
}

// A learner's wallet holds an SD-JWT credential and shows an employer only
// the course, bound to the learner's key and the employer's nonce.
func ExampleIssueSDJWT() {
	college := ed25519.NewKeyFromSeed(make([]byte, 32))
	learner := ed25519.NewKeyFromSeed([]byte("learner-learner-learner-learner!"))
	credential := map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2"},
		"type":     []any{"VerifiableCredential"},
		"issuer":   "did:web:college.example",
		"credentialSubject": map[string]any{
			"course":    "MATH 101",
			"grade":     "A",
			"birthDate": "2001-02-03",
		},
	}
	issued, err := jose.IssueSDJWT(credential, []string{"credentialSubject.grade", "credentialSubject.birthDate"},
		college, "did:web:college.example#key-1", learner.Public(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	shown, err := jose.PresentSDJWT(issued, []string{"credentialSubject.grade"}, learner, "https://employer.example", "nonce-42", at)
	if err != nil {
		fmt.Println(err)
		return
	}

	keys := jose.KeysFunc(func(context.Context, string, string, string) (crypto.PublicKey, error) { return college.Public(), nil })
	r, err := jose.Verify(context.Background(), []byte(shown), keys, jose.Options{
		Now: at, RequireKeyBinding: true, Audience: "https://employer.example", Nonce: "nonce-42",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Format, "key bound:", r.KeyBound)
	fmt.Println(r.Document["credentialSubject"])
	// Output:
	// vc+sd-jwt key bound: true
	// map[course:MATH 101 grade:A]
}
