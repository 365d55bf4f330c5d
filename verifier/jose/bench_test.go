package jose

import (
	"context"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"
)

// BenchmarkVerifyVCJWTEdDSA verifies a VCDM 1.1 VC-JWT (EdDSA) with every
// check: parse, key lookup, signature, validity, claim consistency.
func BenchmarkVerifyVCJWTEdDSA(b *testing.B) {
	tok := []byte(vcJWT(b, AlgEdDSA, func(c map[string]any) { c["exp"] = now.Add(time.Hour).Unix() }))
	ring := testRing(b)
	ctx := context.Background()
	opts := Options{Now: now}
	b.SetBytes(int64(len(tok)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(ctx, tok, ring, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEd25519Verify is the floor: crypto/ed25519 alone on the same
// signing input and signature.
func BenchmarkEd25519Verify(b *testing.B) {
	tok := vcJWT(b, AlgEdDSA, func(c map[string]any) { c["exp"] = now.Add(time.Hour).Unix() })
	i := strings.LastIndexByte(tok, '.')
	msg := []byte(tok[:i])
	sig, err := decodeB64(tok[i+1:])
	if err != nil {
		b.Fatal(err)
	}
	pub := issuerEd.Public().(ed25519.PublicKey)
	b.SetBytes(int64(len(tok)))
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("bad signature")
		}
	}
}

// BenchmarkVerifySDJWTKeyBound verifies an SD-JWT presentation with two
// disclosures and a key binding JWT (two Ed25519 verifications).
func BenchmarkVerifySDJWTKeyBound(b *testing.B) {
	pres, err := PresentSDJWT(issueSD(b), []string{"credentialSubject.address.street"}, holderEd, "aud", "n", now)
	if err != nil {
		b.Fatal(err)
	}
	tok := []byte(pres)
	ring := testRing(b)
	opts := Options{Now: now, RequireKeyBinding: true, Audience: "aud", Nonce: "n"}
	b.SetBytes(int64(len(tok)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(context.Background(), tok, ring, opts); err != nil {
			b.Fatal(err)
		}
	}
}
