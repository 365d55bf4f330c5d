package jose

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lestrrat-go/jwx/v2/jwa"
	jwxjws "github.com/lestrrat-go/jwx/v2/jws"
)

var allAlgs = []string{AlgEdDSA, AlgES256, AlgES384, AlgRS256, AlgPS256}

// TestSignRoundTrip signs with every algorithm in every format and verifies
// the result, with this package and independently with jwx.
func TestSignRoundTrip(t *testing.T) {
	ring := testRing(t)
	for _, alg := range allAlgs {
		for _, f := range []Format{FormatJWTVC, FormatJOSEVC} {
			t.Run("ok/"+alg+"/"+string(f), func(t *testing.T) {
				signer, kid := signerFor(t, alg)
				payload := credential20()
				if f == FormatJWTVC {
					payload = mustClaims(t)
				}
				tok, err := Sign(payload, signer, kid, SignOptions{Format: f, PSS: alg == AlgPS256})
				if err != nil {
					t.Fatal(err)
				}
				r, err := Verify(context.Background(), []byte(tok), ring, Options{Now: now})
				if err != nil {
					t.Fatal(err)
				}
				if r.Alg != alg || r.Format != f || r.KeyID != kid || r.Issuer != issuerDID || r.Subject != holderDID {
					t.Errorf("alg %s format %s kid %s issuer %s subject %s", r.Alg, r.Format, r.KeyID, r.Issuer, r.Subject)
				}
				want := credential20()
				if f == FormatJWTVC {
					want = credential11()
				}
				if diff := cmp.Diff(want, r.Document); diff != "" {
					t.Errorf("document (-want +got):\n%s", diff)
				}
				// jwx agrees the signature is good.
				if _, err := jwxjws.Verify([]byte(tok), jwxjws.WithKey(jwa.SignatureAlgorithm(alg), signer.Public())); err != nil {
					t.Errorf("jwx rejects our %s: %v", alg, err)
				}
			})
		}
	}
}

// TestVerifyJWXSigned verifies tokens signed by jwx.
func TestVerifyJWXSigned(t *testing.T) {
	ring := testRing(t)
	payload, err := json.Marshal(mustClaims(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, alg := range allAlgs {
		t.Run("ok/"+alg, func(t *testing.T) {
			signer, kid := signerFor(t, alg)
			h := jwxjws.NewHeaders()
			if err := h.Set(jwxjws.KeyIDKey, kid); err != nil {
				t.Fatal(err)
			}
			if err := h.Set(jwxjws.TypeKey, "JWT"); err != nil {
				t.Fatal(err)
			}
			tok, err := jwxjws.Sign(payload, jwxjws.WithKey(jwa.SignatureAlgorithm(alg), signer, jwxjws.WithProtectedHeaders(h)))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Verify(context.Background(), tok, ring, Options{Now: now}); err != nil {
				t.Errorf("Verify(jwx %s): %v", alg, err)
			}
		})
	}
}

// lyingSigner claims one public key and signs with another.
type lyingSigner struct {
	crypto.Signer
	pub crypto.PublicKey
}

func (l lyingSigner) Public() crypto.PublicKey { return l.pub }

// failingSigner always fails.
type failingSigner struct{ crypto.Signer }

func (failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("keystore locked")
}

func TestSignErrors(t *testing.T) {
	testKeys(t)
	p521, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		payload map[string]any
		signer  crypto.Signer
		opts    SignOptions
		unsupp  bool
		msg     string
	}{
		{name: "fail/p521", payload: credential20(), signer: p521, unsupp: true},
		{name: "fail/rsa-1024", payload: credential20(), signer: rsa1024, msg: "weaker"},
		{name: "fail/vc-claim-in-vc+jwt", payload: with(credential20(), "vc", map[string]any{}), signer: issuerEd, opts: SignOptions{Format: FormatJOSEVC}, msg: "must not have a vc claim"},
		{name: "fail/iss-not-issuer", payload: with(mustClaims(t), "iss", "did:example:other"), signer: issuerEd, msg: "does not match"},
		{name: "fail/vc+jwt-without-context", payload: map[string]any{"type": "VerifiableCredential"}, signer: issuerEd, opts: SignOptions{Format: FormatJOSEVC}, msg: "@context"},
		{name: "fail/sd-format", payload: credential20(), signer: issuerEd, opts: SignOptions{Format: FormatSDJWTVC}, msg: "IssueSDJWT"},
		{name: "fail/lying-signer", payload: credential20(), signer: lyingSigner{issuerEd, otherEd.Public()}, msg: "does not verify"},
		{name: "fail/failing-signer", payload: credential20(), signer: failingSigner{issuerEd}, msg: "keystore locked"},
		{name: "fail/bad-exp", payload: with(mustClaims(t), "exp", "tomorrow"), signer: issuerEd, msg: "exp claim"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Sign(tc.payload, tc.signer, "kid", tc.opts)
			var ue *UnsupportedError
			if tc.unsupp && !errors.As(err, &ue) {
				t.Fatalf("err = %v, want *UnsupportedError", err)
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.msg)
			}
		})
	}
}

// TestClaimsFromCredential: a VCDM 1.1 presentation round-trips too.
func TestClaimsFromCredential(t *testing.T) {
	vp := map[string]any{
		"@context": []any{"https://www.w3.org/2018/credentials/v1"}, "type": []any{"VerifiablePresentation"},
		"id": "urn:uuid:p1", "holder": holderDID, "verifiableCredential": []any{vcJWT(t, AlgEdDSA, nil)},
	}
	claims, err := ClaimsFromCredential(vp)
	if err != nil {
		t.Fatal(err)
	}
	claims["aud"], claims["nonce"] = "https://employer.example", "n-1"
	tok, err := Sign(claims, holderEd, holderDID+"#key-1", SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Verify(context.Background(), []byte(tok), testRing(t), Options{Now: now, Audience: "https://employer.example", Nonce: "n-1"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Format != FormatJWTVP || r.Issuer != holderDID {
		t.Errorf("format %s issuer %s", r.Format, r.Issuer)
	}
	if diff := cmp.Diff(vp, r.Document); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}
	if _, err := ClaimsFromCredential(map[string]any{"type": "Thing"}); err == nil {
		t.Error("ClaimsFromCredential accepted a non-credential")
	}
}
