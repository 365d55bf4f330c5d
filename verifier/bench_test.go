package verifier_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/jose"
)

// The baseline every figure is reported against (make bench prints ratios).
func BenchmarkEd25519Verify(b *testing.B) {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	msg := make([]byte, 64)
	sig := ed25519.Sign(key, msg)
	pub := key.Public().(ed25519.PublicKey)
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("bad signature")
		}
	}
}

func sampleCredential(b *testing.B) (verifier.Options, []byte) {
	set, err := samples.Load()
	if err != nil {
		b.Fatal(err)
	}
	eng, _ := set.Engine()
	cache := did.NewCache()
	in, _ := set.Institution("jst")
	k := newIssuerKit(b, in, 1, cache)
	var r transcript.Record
	for _, x := range set.Records {
		if x.Institution == "jst" {
			r = x
			break
		}
	}
	l, _ := set.Learner(r.Learner)
	c, err := transcript.BuildAchievement(in, l, r, eng.Map(r, transcript.MustDate("2026-09-01")), transcript.BuildOptions{ID: "urn:uuid:00000000-0000-4000-8000-000000000001", Issued: issued})
	if err != nil {
		b.Fatal(err)
	}
	return verifier.Options{Now: issued.Add(time.Hour), DIDs: &did.Local{Cache: cache}}, mustJSON(b, k.sign(b, c))
}

// BenchmarkVerifyOB3 is a Satchel OB 3.0 AchievementCredential (real OB
// context, eddsa-rdfc-2022) with every check.
func BenchmarkVerifyOB3(b *testing.B) {
	opt, cred := sampleCredential(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		rep, err := verifier.Verify(ctx, cred, opt)
		if err != nil || !rep.Verified {
			b.Fatal(err, rep.Checks)
		}
	}
}

// BenchmarkVerifyVCJWT is a VC-JWT (EdDSA, did:key) with every check.
func BenchmarkVerifyVCJWT(b *testing.B) {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	issuer, _ := did.KeyDID(key.Public())
	mk, _ := did.MultikeyEncode(key.Public())
	var doc map[string]any
	_ = json.Unmarshal(signedBadge("Certified Nurse Assistant"), &doc)
	delete(doc, "proof")
	doc["issuer"].(map[string]any)["id"] = issuer
	token, err := jose.Sign(doc, key, issuer+"#"+mk, jose.SignOptions{Format: jose.FormatJOSEVC})
	if err != nil {
		b.Fatal(err)
	}
	opt := verifier.Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		rep, err := verifier.Verify(ctx, []byte(token), opt)
		if err != nil || !rep.Verified {
			b.Fatal(err, rep.Checks)
		}
	}
}

// BenchmarkVerifyCLR200 is a CLR 2.0 transcript of 200 signed achievement
// credentials; its bytes/op is the memory figure (goal: under 50 MB).
func BenchmarkVerifyCLR200(b *testing.B) {
	set, _ := samples.Load()
	eng, _ := set.Engine()
	cache := did.NewCache()
	in, _ := set.Institution("sierra-vista")
	k := newIssuerKit(b, in, 3, cache)
	var base transcript.Record
	for _, x := range set.Records {
		if x.Institution == "sierra-vista" {
			base = x
			break
		}
	}
	l, _ := set.Learner(base.Learner)
	var items []transcript.CLRItem
	for i := 0; i < 200; i++ {
		r := base
		r.ID = fmt.Sprintf("%s-%03d", base.ID, i)
		m := eng.Map(r, transcript.MustDate("2026-09-01"))
		c, err := transcript.BuildAchievement(in, l, r, m, transcript.BuildOptions{ID: fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i), Issued: issued})
		if err != nil {
			b.Fatal(err)
		}
		items = append(items, transcript.CLRItem{Record: r, Mapping: m, Credential: mustJSON(b, k.sign(b, c))})
	}
	clr, err := transcript.BuildCLR(in, l, items, transcript.BuildOptions{ID: "urn:uuid:00000000-0000-4000-8000-999999999999", Issued: issued})
	if err != nil {
		b.Fatal(err)
	}
	doc := mustJSON(b, k.sign(b, clr))
	opt := verifier.Options{Now: issued.Add(time.Hour), DIDs: &did.Local{Cache: cache}, MaxBytes: 8 << 20}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		rep, err := verifier.Verify(ctx, doc, opt)
		if err != nil || !rep.Verified || len(rep.Credentials) != 200 {
			b.Fatal(err, rep.Checks)
		}
	}
}
