package jose

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSeeds are well-formed tokens of every format plus the shared vectors'
// JOSE files when they are present.
func fuzzSeeds(f *testing.F) (signed map[string]bool) {
	testKeys(f)
	issued := issueSD(f)
	pres, err := PresentSDJWT(issued, []string{"credentialSubject.address.street"}, holderEd, "aud", "nonce", now)
	if err != nil {
		f.Fatal(err)
	}
	vc20, err := Sign(credential20(), issuerP256, issuerDID+"#p256", SignOptions{})
	if err != nil {
		f.Fatal(err)
	}
	good := []string{vcJWT(f, AlgEdDSA, nil), vcJWT(f, AlgRS256, nil), vc20, issued, pres}
	signed = map[string]bool{}
	for _, s := range good {
		jwt, _, _ := strings.Cut(s, "~")
		signed[jwt[:strings.LastIndexByte(jwt, '.')]] = true
	}
	for _, s := range append(good, "", "~", "a.b.c", "a.b.c~", "eyJ9.e30.~~~", "0oRY", "{}", "data:application/vc+jwt,x") {
		f.Add([]byte(s))
	}
	dir := filepath.Join(vectorsDir, "w3c-vc-jose-cose-test-suite")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	return signed
}

// FuzzParse: Parse never panics, and whatever it accepts is a document of a
// known format.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data, Options{MaxBytes: 64 << 10})
		if err != nil {
			if r != nil {
				t.Fatal("Result with a parse error")
			}
			return
		}
		if r.Format == "" || r.Document == nil || r.Claims == nil {
			t.Fatalf("accepted without format or document: %+v", r)
		}
		if _, ok := Sniff(data); !ok {
			t.Fatalf("Parse accepts what Sniff does not recognise: %q", data)
		}
	})
}

// FuzzVerify: Verify never panics and accepts only what the
// test keys signed: every verified token's signing input is a seed's, so no
// mutation forges a signature through the parser.
func FuzzVerify(f *testing.F) {
	signed := fuzzSeeds(f)
	ring := testRing(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Verify(context.Background(), data, ring, Options{Now: now, MaxBytes: 64 << 10})
		if err != nil {
			return
		}
		for _, f := range r.Findings {
			if !f.OK {
				t.Fatalf("verified with a failed finding %+v", f)
			}
		}
		if !signed[r.signingInput] {
			t.Fatalf("verified a signing input no test key signed: %q", r.signingInput)
		}
	})
}
