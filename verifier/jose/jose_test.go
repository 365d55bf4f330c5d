package jose

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Test keys: Ed25519 from fixed seeds, the others generated once.
var (
	issuerEd = ed25519.NewKeyFromSeed(make([]byte, 32))
	holderEd = ed25519.NewKeyFromSeed([]byte("holder-holder-holder-holder-1234"))
	otherEd  = ed25519.NewKeyFromSeed([]byte("someone-else-someone-else-123456"))

	keysOnce               sync.Once
	issuerP256, issuerP384 *ecdsa.PrivateKey
	issuerRSA              *rsa.PrivateKey
)

const (
	issuerDID = "did:example:college"
	holderDID = "did:example:learner"
)

func testKeys(t testing.TB) {
	keysOnce.Do(func() {
		var err error
		if issuerP256, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if issuerP384, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader); err != nil {
			panic(err)
		}
		if issuerRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
}

// signers maps an algorithm to the issuer key that signs it and its kid.
func signerFor(t testing.TB, alg string) (crypto.Signer, string) {
	testKeys(t)
	switch alg {
	case AlgES256:
		return issuerP256, issuerDID + "#p256"
	case AlgES384:
		return issuerP384, issuerDID + "#p384"
	case AlgRS256, AlgPS256:
		return issuerRSA, issuerDID + "#rsa"
	}
	return issuerEd, issuerDID + "#ed"
}

// testRing knows the issuer's keys (assertionMethod) and the holder's
// (authentication).
func testRing(t testing.TB) *keyring {
	testKeys(t)
	k := &keyring{}
	k.entries = append(k.entries,
		keyEntry{ids: []string{issuerDID + "#ed"}, controller: issuerDID, rels: []string{"assertionMethod"}, pub: issuerEd.Public()},
		keyEntry{ids: []string{issuerDID + "#p256"}, controller: issuerDID, rels: []string{"assertionMethod"}, pub: issuerP256.Public()},
		keyEntry{ids: []string{issuerDID + "#p384"}, controller: issuerDID, rels: []string{"assertionMethod"}, pub: issuerP384.Public()},
		keyEntry{ids: []string{issuerDID + "#rsa"}, controller: issuerDID, rels: []string{"assertionMethod"}, pub: issuerRSA.Public()},
		keyEntry{ids: []string{issuerDID + "#mismatch"}, controller: issuerDID, rels: []string{"assertionMethod"}, pub: issuerEd.Public()},
		keyEntry{ids: []string{holderDID + "#key-1"}, controller: holderDID, rels: []string{"authentication"}, pub: holderEd.Public()},
	)
	return k
}

var (
	now      = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	issuedAt = time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
)

// credential11 is an Open Badges style VCDM 1.1 credential.
func credential11() map[string]any {
	return map[string]any{
		"@context":     []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":           "urn:uuid:5b8f5e1c-0f7e-4a0e-9c1e-7d6c1b1a0001",
		"type":         []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":       map[string]any{"id": issuerDID, "type": "Profile", "name": "Example Community College"},
		"issuanceDate": issuedAt.Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id":   holderDID,
			"type": "AchievementSubject",
			"achievement": map[string]any{
				"id": "https://example.edu/achievements/math-101", "type": "Achievement", "name": "MATH 101 College Algebra",
			},
		},
	}
}

// credential20 is a VC 2.0 credential.
func credential20() map[string]any {
	return map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:5b8f5e1c-0f7e-4a0e-9c1e-7d6c1b1a0002",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": issuerDID, "type": "Profile", "name": "Example Community College"},
		"validFrom": issuedAt.Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id":   holderDID,
			"type": "AchievementSubject",
			"name": "Ada Learner",
			"address": map[string]any{
				"street": "1 College Way", "city": "Sacramento", "country": "US",
			},
			"phoneNumbers": []any{"+1-555-0100", "+1-555-0101"},
			"achievement":  map[string]any{"id": "https://example.edu/achievements/math-101", "type": "Achievement", "name": "MATH 101"},
		},
	}
}

// rawToken signs arbitrary header and payload, bypassing Sign's checks, to
// build hostile inputs.
func rawToken(t testing.TB, header, payload map[string]any, s crypto.Signer) string {
	t.Helper()
	alg, _ := header["alg"].(string)
	tok, err := signJWS(header, payload, s, alg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// unsignedToken encodes header and payload with an arbitrary signature.
func unsignedToken(t testing.TB, header, payload map[string]any, sig string) string {
	t.Helper()
	hb, err := marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return encodeB64(hb) + "." + encodeB64(pb) + "." + sig
}

func vcJWT(t testing.TB, alg string, mutate func(claims map[string]any)) string {
	t.Helper()
	claims, err := ClaimsFromCredential(credential11())
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(claims)
	}
	s, kid := signerFor(t, alg)
	header := map[string]any{"alg": alg, "typ": "JWT", "kid": kid}
	return rawToken(t, header, claims, s)
}

func swapPart(tok string, i int, part string) string {
	p := strings.Split(tok, ".")
	p[i] = part
	return strings.Join(p, ".")
}

func TestVerify(t *testing.T) {
	ring := testRing(t)
	otherPayload := func() string {
		claims, _ := ClaimsFromCredential(credential11())
		claims["jti"] = "urn:uuid:forged"
		claims["vc"].(map[string]any)["id"] = "urn:uuid:forged"
		b, _ := marshal(claims)
		return encodeB64(b)
	}
	edSigned := vcJWT(t, AlgEdDSA, nil)
	vp := func(mutate func(map[string]any)) string {
		claims := map[string]any{
			"iss": holderDID, "aud": "https://employer.example", "nonce": "n-123", "iat": float64(now.Unix() - 60),
			"vp": map[string]any{
				"@context": []any{"https://www.w3.org/2018/credentials/v1"}, "type": "VerifiablePresentation",
				"verifiableCredential": []any{edSigned},
			},
		}
		if mutate != nil {
			mutate(claims)
		}
		return rawToken(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": holderDID + "#key-1"}, claims, holderEd)
	}
	vc20, err := Sign(credential20(), issuerEd, issuerDID+"#ed", SignOptions{})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		token   string
		opts    Options
		wantErr error  // errors.Is target; nil: must verify
		unsupp  bool   // want an *UnsupportedError
		msg     string // substring of the error
		format  Format
	}{
		{name: "ok/vc-jwt-eddsa", token: edSigned, format: FormatJWTVC},
		{name: "ok/vc-jwt-es256", token: vcJWT(t, AlgES256, nil), format: FormatJWTVC},
		{name: "ok/vc-jwt-es384", token: vcJWT(t, AlgES384, nil), format: FormatJWTVC},
		{name: "ok/vc-jwt-rs256", token: vcJWT(t, AlgRS256, nil), format: FormatJWTVC},
		{name: "ok/vc-jwt-ps256", token: vcJWT(t, AlgPS256, nil), format: FormatJWTVC},
		{name: "ok/vc+jwt", token: vc20, format: FormatJOSEVC},
		{name: "ok/vc-jwt-no-typ", token: rawToken(t, map[string]any{"alg": "EdDSA", "kid": issuerDID + "#ed"}, mustClaims(t), issuerEd), format: FormatJWTVC},
		{name: "ok/vc-jwt-surrounding-whitespace", token: "\n  " + edSigned + "\r\n", format: FormatJWTVC},
		{name: "ok/vp-jwt-challenge", token: vp(nil), opts: Options{Audience: "https://employer.example", Nonce: "n-123"}, format: FormatJWTVP},
		{name: "ok/nbf-future-within-skew", token: vcJWT(t, AlgEdDSA, func(c map[string]any) { delete(c["vc"].(map[string]any), "issuanceDate"); c["nbf"] = now.Unix() + 30 }), opts: Options{Skew: time.Minute}},
		{name: "ok/exp-future", token: vcJWT(t, AlgEdDSA, func(c map[string]any) { c["exp"] = now.Add(time.Hour).Unix() })},

		{name: "fail/tampered-payload", token: swapPart(edSigned, 1, otherPayload()), wantErr: ErrSignature},
		{name: "fail/tampered-signature", token: swapPart(edSigned, 2, encodeB64(make([]byte, 64))), wantErr: ErrSignature},
		{name: "fail/signature-truncated", token: swapPart(edSigned, 2, strings.Split(edSigned, ".")[2][:40]), wantErr: ErrSignature},
		{name: "fail/alg-none", token: unsignedToken(t, map[string]any{"alg": "none", "typ": "JWT"}, mustClaims(t), ""), unsupp: true, msg: "unsupported JOSE algorithm none"},
		{name: "fail/alg-HS256", token: unsignedToken(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": issuerDID + "#ed"}, mustClaims(t), "c2lnbmF0dXJl"), unsupp: true, msg: "unsupported JOSE algorithm HS256"},
		{name: "fail/alg-ES512", token: unsignedToken(t, map[string]any{"alg": "ES512", "typ": "JWT"}, mustClaims(t), "c2ln"), unsupp: true},
		{name: "fail/alg-key-mismatch", token: unsignedToken(t, map[string]any{"alg": "ES256", "typ": "JWT", "kid": issuerDID + "#mismatch"}, mustClaims(t), encodeB64(make([]byte, 64))), wantErr: ErrKey, msg: "a Ed25519 key cannot verify ES256"},
		{name: "fail/unknown-kid", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": issuerDID + "#nope"}, mustClaims(t), issuerEd), wantErr: ErrKey},
		{name: "fail/key-of-another-issuer", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": holderDID + "#key-1"}, mustClaims(t), holderEd), wantErr: ErrKey},
		{name: "fail/wrong-typ", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "bad+typ", "kid": issuerDID + "#ed"}, mustClaims(t), issuerEd), wantErr: ErrMediaType},
		{name: "fail/typ-sd-jwt-without-disclosures", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "vc+sd-jwt", "kid": issuerDID + "#ed"}, credential20(), issuerEd), wantErr: ErrMediaType},
		{name: "fail/typ-vc+jwt-cty-vp", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "cty": "vp", "kid": issuerDID + "#ed"}, credential20(), issuerEd), wantErr: ErrMediaType},
		{name: "fail/typ-kb+jwt", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "kb+jwt", "kid": issuerDID + "#ed"}, mustClaims(t), issuerEd), wantErr: ErrMediaType},
		{name: "fail/vc-claim-in-vc+jwt", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "kid": issuerDID + "#ed"}, with(credential20(), "vc", "oops"), issuerEd), wantErr: ErrInconsistent, msg: "must not have a vc claim"},
		{name: "fail/expired", token: vcJWT(t, AlgEdDSA, func(c map[string]any) { c["exp"] = now.Add(-time.Hour).Unix() }), wantErr: ErrExpired},
		{name: "fail/expired-beyond-skew", token: vcJWT(t, AlgEdDSA, func(c map[string]any) { c["exp"] = now.Add(-time.Hour).Unix() }), opts: Options{Skew: time.Minute}, wantErr: ErrExpired},
		{name: "fail/nbf-future", token: vcJWT(t, AlgEdDSA, func(c map[string]any) { delete(c["vc"].(map[string]any), "issuanceDate"); c["nbf"] = now.Unix() + 30 }), wantErr: ErrNotYetValid},
		{name: "fail/nbf-future-beyond-skew", token: vcJWT(t, AlgEdDSA, func(c map[string]any) { delete(c["vc"].(map[string]any), "issuanceDate"); c["nbf"] = now.Unix() + 300 }), opts: Options{Skew: time.Minute}, wantErr: ErrNotYetValid},
		{name: "fail/iat-future", token: vcJWT(t, AlgEdDSA, func(c map[string]any) { c["iat"] = now.Unix() + 3600 }), wantErr: ErrNotYetValid},
		{name: "fail/iss-not-issuer", token: vcJWT(t, AlgEdDSA, func(c map[string]any) { c["vc"].(map[string]any)["issuer"] = "did:example:other" }), wantErr: ErrInconsistent, msg: `iss claim "did:example:college" does not match issuer "did:example:other"`},
		{name: "fail/iss-not-issuer-id", token: vcJWT(t, AlgEdDSA, func(c map[string]any) { c["iss"] = "did:example:other" }), wantErr: ErrInconsistent, msg: `iss claim "did:example:other" does not match issuer.id "did:example:college"`},
		{name: "fail/jti-not-id", token: vcJWT(t, AlgEdDSA, func(c map[string]any) { c["jti"] = "urn:uuid:other" }), wantErr: ErrInconsistent, msg: `jti claim "urn:uuid:other" does not match id`},
		{name: "fail/sub-not-subject", token: vcJWT(t, AlgEdDSA, func(c map[string]any) { c["sub"] = "did:example:someone" }), wantErr: ErrInconsistent, msg: "sub claim"},
		{name: "fail/nbf-not-issuanceDate", token: vcJWT(t, AlgEdDSA, func(c map[string]any) { c["nbf"] = issuedAt.Unix() - 86400 }), wantErr: ErrInconsistent, msg: "nbf claim"},
		{name: "fail/iss-not-issuer-2.0", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "kid": issuerDID + "#ed"}, with(credential20(), "iss", "did:example:other"), issuerEd), wantErr: ErrInconsistent},
		{name: "fail/crit", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": issuerDID + "#ed", "crit": []any{"exp"}, "exp": 1}, mustClaims(t), issuerEd), unsupp: true, msg: "critical header"},
		{name: "fail/b64-false", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": issuerDID + "#ed", "b64": false}, mustClaims(t), issuerEd), unsupp: true},
		{name: "fail/header-jwk-not-kid-key", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": issuerDID + "#ed", "jwk": mustJWK(t, otherEd.Public())}, mustClaims(t), otherEd), wantErr: ErrKey, msg: "header jwk"},
		{name: "fail/header-jwk-private", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "jwk": map[string]any{"kty": "OKP", "crv": "Ed25519", "x": encodeB64(issuerEd.Public().(ed25519.PublicKey)), "d": "AAAA"}}, mustClaims(t), issuerEd), wantErr: ErrKey, msg: "private"},
		{name: "fail/jwe", token: "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d", unsupp: true, msg: "JWE"},
		{name: "fail/cose", token: "0oRYVqQBJgNuYXBwbGljYXRpb24vdmM", unsupp: true, msg: "unsupported proof type COSE"},
		{name: "fail/json-document", token: `{"@context":[],"proof":{}}`, wantErr: ErrMalformed},
		{name: "fail/two-parts", token: "eyJhbGciOiJFZERTQSJ9.e30", wantErr: ErrMalformed},
		{name: "fail/duplicate-header-member", token: dupHeader(t, edSigned), wantErr: ErrMalformed, msg: "duplicate"},
		{name: "fail/padding", token: swapPart(edSigned, 2, strings.Split(edSigned, ".")[2]+"=="), wantErr: ErrMalformed},
		{name: "fail/newline-inside", token: swapPart(edSigned, 1, strings.Split(edSigned, ".")[1][:10]+"\n"+strings.Split(edSigned, ".")[1][10:]), wantErr: ErrMalformed},
		{name: "fail/vp-wrong-nonce", token: vp(nil), opts: Options{Nonce: "n-999"}, wantErr: ErrChallenge},
		{name: "fail/vp-wrong-aud", token: vp(nil), opts: Options{Audience: "https://evil.example"}, wantErr: ErrChallenge},
		{name: "fail/vp-holder-mismatch", token: vp(func(c map[string]any) { c["vp"].(map[string]any)["holder"] = "did:example:mallory" }), wantErr: ErrInconsistent},
		{name: "fail/vp+jwt-unsecured-credential", token: rawToken(t, map[string]any{"alg": "EdDSA", "typ": "vp+jwt", "kid": holderDID + "#key-1"}, map[string]any{
			"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": "VerifiablePresentation", "holder": holderDID,
			"verifiableCredential": []any{credential20()},
		}, holderEd), wantErr: ErrInconsistent, msg: "not secured"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Now = now
			r, err := Verify(context.Background(), []byte(tc.token), ring, opts)
			var ue *UnsupportedError
			switch {
			case tc.wantErr == nil && !tc.unsupp:
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if tc.format != "" && r.Format != tc.format {
					t.Errorf("format %s, want %s", r.Format, tc.format)
				}
				for _, f := range r.Findings {
					if !f.OK {
						t.Errorf("finding %+v", f)
					}
				}
			case tc.unsupp:
				if !errors.As(err, &ue) {
					t.Fatalf("err = %v, want *UnsupportedError", err)
				}
			default:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			}
			if tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg)) {
				t.Errorf("err = %v, want it to contain %q", err, tc.msg)
			}
		})
	}
}

func mustClaims(t testing.TB) map[string]any {
	c, err := ClaimsFromCredential(credential11())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustJWK(t testing.TB, pub crypto.PublicKey) map[string]any {
	m, err := JWK(pub)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func with(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

// dupHeader re-encodes a token's header with "alg" twice.
func dupHeader(t testing.TB, tok string) string {
	p := strings.Split(tok, ".")
	h, _ := decodeB64(p[0])
	h = append([]byte(`{"alg":"none",`), h[1:]...)
	p[0] = encodeB64(h)
	return strings.Join(p, ".")
}

// TestVerifyFindings checks the shape callers build their report from.
func TestVerifyFindings(t *testing.T) {
	ring := testRing(t)
	expired := vcJWT(t, AlgEdDSA, func(c map[string]any) { c["exp"] = now.Add(-time.Hour).Unix() })
	r, err := Verify(context.Background(), []byte(expired), ring, Options{Now: now})
	var ve *VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *VerifyError", err)
	}
	if r == nil {
		t.Fatal("no Result with a failed check")
	}
	type f struct {
		Check string
		OK    bool
	}
	var got []f
	for _, x := range r.Findings {
		got = append(got, f{x.Check, x.OK})
	}
	want := []f{{CheckIssuerKey, true}, {CheckProof, true}, {CheckValidity, false}, {CheckConsistency, true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if !errors.Is(err, ErrExpired) || errors.Is(err, ErrSignature) {
		t.Errorf("err %v: want ErrExpired only", err)
	}
}

// TestDecode11 checks the VCDM 1.1 JWT decoding rules on the merged document.
func TestDecode11(t *testing.T) {
	claims := map[string]any{
		"iss": issuerDID, "sub": holderDID, "jti": "urn:uuid:1", "nbf": float64(issuedAt.Unix()),
		"exp": float64(issuedAt.Add(24 * time.Hour).Unix()), "aud": "someone",
		"vc": map[string]any{
			"@context": []any{"https://www.w3.org/2018/credentials/v1"}, "type": []any{"VerifiableCredential"},
			"issuer": map[string]any{"name": "College"}, "credentialSubject": map[string]any{"degree": "BA"},
		},
	}
	tok := rawToken(t, map[string]any{"alg": "EdDSA", "kid": issuerDID + "#ed"}, claims, issuerEd)
	r, err := Verify(context.Background(), []byte(tok), testRing(t), Options{Now: issuedAt.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"@context": []any{"https://www.w3.org/2018/credentials/v1"}, "type": []any{"VerifiableCredential"},
		"id": "urn:uuid:1", "issuer": map[string]any{"id": issuerDID, "name": "College"},
		"credentialSubject": map[string]any{"id": holderDID, "degree": "BA"},
		"issuanceDate":      "2026-01-15T09:30:00Z", "expirationDate": "2026-01-16T09:30:00Z",
	}
	if diff := cmp.Diff(want, r.Document); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}
	if _, touched := r.Claims["vc"].(map[string]any)["id"]; touched {
		t.Error("decoding changed the vc claim in Claims")
	}
	if r.Issuer != issuerDID || r.Subject != holderDID {
		t.Errorf("issuer %q subject %q", r.Issuer, r.Subject)
	}
}

// TestHeaderJWK: a key in the header is used only through Keys.
func TestHeaderJWK(t *testing.T) {
	claims := mustClaims(t)
	tok := rawToken(t, map[string]any{"alg": "EdDSA", "typ": "JWT", "jwk": mustJWK(t, issuerEd.Public())}, claims, issuerEd)
	tp, err := Thumbprint(issuerEd.Public())
	if err != nil {
		t.Fatal(err)
	}
	// A registry that pins the key by thumbprint URI, without HeaderKeys.
	pinned := &keyring{}
	pinned.add(issuerEd.Public(), issuerDID, ThumbprintURIPrefix+tp)
	if _, err := Verify(context.Background(), []byte(tok), pinned, Options{Now: now}); err != nil {
		t.Errorf("pinned thumbprint: %v", err)
	}
	// A resolver that knows nothing refuses it.
	if _, err := Verify(context.Background(), []byte(tok), &keyring{}, Options{Now: now}); !errors.Is(err, ErrKey) {
		t.Errorf("unknown header key: err = %v, want ErrKey", err)
	}
	// HeaderKeys that accepts it.
	if _, err := Verify(context.Background(), []byte(tok), &keyring{header: true}, Options{Now: now}); err != nil {
		t.Errorf("HeaderKeys: %v", err)
	}
}

func TestSniff(t *testing.T) {
	sd, err := IssueSDJWT(credential20(), []string{"credentialSubject.name"}, issuerEd, issuerDID+"#ed", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	vc20, _ := Sign(credential20(), issuerEd, issuerDID+"#ed", SignOptions{})
	tests := []struct {
		name string
		in   string
		want Format
		ok   bool
	}{
		{"ok/vc-jwt", vcJWT(t, AlgEdDSA, nil), FormatJWTVC, true},
		{"ok/vc+jwt", vc20, FormatJOSEVC, true},
		{"ok/vc+sd-jwt", sd + "\n", FormatSDJWTVC, true},
		{"ok/cose", "0oRYVqQBJgNuYXBwbGljYXRpb24vdmM", FormatCOSE, true},
		{"ok/unknown-typ", unsignedToken(t, map[string]any{"alg": "EdDSA", "typ": "bad+typ"}, map[string]any{}, "AA"), "", true},
		{"fail/json", `{"@context":[]}`, "", false},
		{"fail/text", "hello world", "", false},
		{"fail/dots", "a.b.c", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, ok := Sniff([]byte(tc.in))
			if f != tc.want || ok != tc.ok {
				t.Errorf("Sniff = %q, %v; want %q, %v", f, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestDecodeDataURL(t *testing.T) {
	tests := []struct {
		name, in, mt, data string
		err                bool
	}{
		{"ok/jwt", "data:application/vc+jwt,eyJ.eyJ.sig", MediaTypeVCJWT, "eyJ.eyJ.sig", false},
		{"ok/sd-jwt", "data:application/vc+sd-jwt,eyJ.eyJ.sig~WyJ~", MediaTypeVCSDJWT, "eyJ.eyJ.sig~WyJ~", false},
		{"ok/base64-newline", "data:application/vc+cose;base64,aGVsbG8=\n", MediaTypeVCCOSE, "hello", false},
		{"ok/case", "DATA:Application/VC+JWT,x", MediaTypeVCJWT, "x", false},
		{"ok/percent", "data:text/plain,a%20b", "text/plain", "a b", false},
		{"fail/not-data", "not-a-credential", "", "", true},
		{"fail/no-comma", "data:application/vc+jwt", "", "", true},
		{"fail/bad-base64", "data:application/vc+cose;base64,!!!", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mt, data, err := DecodeDataURL(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v", err)
			}
			if !tc.err && (mt != tc.mt || string(data) != tc.data) {
				t.Errorf("got %q %q", mt, data)
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	vc20, _ := Sign(credential20(), issuerEd, issuerDID+"#ed", SignOptions{})
	jwt11 := vcJWT(t, AlgEdDSA, nil)
	doc := map[string]any{"verifiableCredential": []any{
		map[string]any{"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt," + vc20},
		jwt11,
		map[string]any{"type": "VerifiableCredential", "proof": map[string]any{}},
	}}
	got, err := Credentials(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].MediaType != MediaTypeVCJWT || string(got[0].Token) != vc20 ||
		got[1].MediaType != MediaTypeJWT || got[2].Object == nil {
		t.Fatalf("Credentials = %+v", got)
	}
	for _, c := range got[:2] {
		if _, err := Verify(context.Background(), c.Token, testRing(t), Options{Now: now}); err != nil {
			t.Errorf("[%d]: %v", c.Index, err)
		}
	}
}

func TestPublicKeyFromJWK(t *testing.T) {
	tests := []struct {
		name string
		jwk  string
		ok   bool
	}{
		{"ok/ed25519", `{"kty":"OKP","crv":"Ed25519","x":"G80iskrv_nE69qbGLSpeOHJgmV4MKIzsy5l5iT6pCww"}`, true},
		{"ok/p256", `{"kty":"EC","crv":"P-256","x":"WfTi93YuhsQxKbD0ftnjOXJndqhnJ5kgDV-ZDGyrhBQ","y":"qUd_55EjX0mjKZ6W6mF4UXVYTQ41K6jfdnYFwN5uPyk"}`, true},
		{"fail/private", `{"kty":"OKP","crv":"Ed25519","x":"G80iskrv_nE69qbGLSpeOHJgmV4MKIzsy5l5iT6pCww","d":"39Ev8-k-jkKunJyFWog3k0OwgPjnKv_qwLhfqXdAXTY"}`, false},
		{"fail/symmetric", `{"kty":"oct","k":"c2VjcmV0"}`, false},
		{"fail/off-curve", `{"kty":"EC","crv":"P-256","x":"WfTi93YuhsQxKbD0ftnjOXJndqhnJ5kgDV-ZDGyrhBQ","y":"qUd_55EjX0mjKZ6W6mF4UXVYTQ41K6jfdnYFwN5uPyo"}`, false},
		{"fail/short-rsa", `{"kty":"RSA","n":"AQAB","e":"AQAB"}`, false},
		{"fail/x25519", `{"kty":"OKP","crv":"X25519","x":"G80iskrv_nE69qbGLSpeOHJgmV4MKIzsy5l5iT6pCww"}`, false},
		{"fail/not-json", `{"kty":`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PublicKeyFromJWK([]byte(tc.jwk))
			if (err == nil) != tc.ok {
				t.Errorf("err = %v", err)
			}
		})
	}
}
