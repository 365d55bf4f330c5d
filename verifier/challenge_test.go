package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/jose"
)

// A verifier that asks for a challenge wants proof that the holder is
// there: a credential sent on its own, which anyone with a copy could send,
// fails the challenge check — unless it is an SD-JWT, whose key binding JWT
// carries the challenge (and is checked as key-binding).
func TestChallengeNeedsAPresentation(t *testing.T) {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	issuer, _ := did.KeyDID(key.Public())
	mk, _ := did.MultikeyEncode(key.Public())
	holder := ed25519.NewKeyFromSeed(append([]byte{7}, make([]byte, 31)...))
	var doc map[string]any
	_ = json.Unmarshal(signedBadge("Certified Nurse Assistant"), &doc)
	delete(doc, "proof")
	doc["issuer"].(map[string]any)["id"] = issuer
	vcJWT, err := jose.Sign(doc, key, issuer+"#"+mk, jose.SignOptions{Format: jose.FormatJOSEVC})
	if err != nil {
		t.Fatal(err)
	}
	sd, err := jose.IssueSDJWT(doc, []string{"credentialSubject.achievement.description"}, key, issuer+"#"+mk, holder.Public(), nil)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	sdKB, err := jose.PresentSDJWT(sd, []string{"credentialSubject.achievement.description"}, holder, "https://jobs.example", "c-1", at)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name              string
		input             []byte
		challenge, domain string
		want              string // the challenge check's detail; "" for none
	}{
		{name: "ok/a credential, nothing asked", input: signedBadge("Certified Nurse Assistant")},
		{name: "ok/an SD-JWT bound for the challenge", input: []byte(sdKB), challenge: "c-1", domain: "https://jobs.example"},
		{name: "fail/a credential where a challenge was asked", input: signedBadge("Certified Nurse Assistant"), challenge: "c-1",
			want: `a credential on its own cannot carry the challenge "c-1": only a presentation signed by its holder can`},
		{name: "fail/a credential where a domain was asked", input: signedBadge("Certified Nurse Assistant"), domain: "https://jobs.example",
			want: `cannot carry the domain "https://jobs.example"`},
		{name: "fail/a VC-JOSE credential where a challenge was asked", input: []byte(vcJWT), challenge: "c-1", domain: "https://jobs.example",
			want: `cannot carry the challenge "c-1" and domain "https://jobs.example"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := verifier.Verify(context.Background(), tt.input, verifier.Options{Now: at, Challenge: tt.challenge, Domain: tt.domain})
			if err != nil {
				t.Fatal(err)
			}
			var got *verifier.Check
			for i, c := range rep.Checks {
				if c.Check == verifier.CheckChallenge {
					got = &rep.Checks[i]
				}
			}
			ok := strings.HasPrefix(tt.name, "ok/")
			switch {
			case rep.Verified != ok:
				t.Errorf("verified %v, want %v: %+v", rep.Verified, ok, rep.Checks)
			case tt.want == "" && got != nil:
				t.Errorf("unexpected challenge check %+v", *got)
			case tt.want != "" && (got == nil || got.OK || !strings.Contains(got.Detail, tt.want)):
				t.Errorf("challenge check %+v, want a failure saying %q", got, tt.want)
			}
		})
	}
}
