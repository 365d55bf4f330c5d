package proof

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mr-tron/base58"

	"github.com/satchel-wallet/satchel/schemas"
)

func shared(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("../shared/%s is not present beside the checkout (%v): skipping the test against outside vectors", rel, err)
	}
	return p
}

func readJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// keyring resolves did:key Ed25519 methods and any registered key, the way
// verifier/did does, without depending on it.
type keyring map[string]ed25519.PublicKey

func (k keyring) Key(_ context.Context, vm, _ string) (Key, error) {
	if pub, ok := k[vm]; ok {
		return Key{ID: vm, Controller: strings.SplitN(vm, "#", 2)[0], Public: pub}, nil
	}
	if strings.HasPrefix(vm, "did:key:z6Mk") {
		id := strings.SplitN(vm, "#", 2)[0]
		raw, err := base58.Decode(strings.TrimPrefix(id, "did:key:z"))
		if err == nil && len(raw) == 34 && raw[0] == 0xed && raw[1] == 0x01 {
			return Key{ID: vm, Controller: id, Public: ed25519.PublicKey(raw[2:])}, nil
		}
	}
	return Key{}, fmt.Errorf("unknown verification method %s", vm)
}

func multikeyPrivate(t testing.TB, s string) ed25519.PrivateKey {
	t.Helper()
	raw, err := base58.Decode(strings.TrimPrefix(s, "z"))
	if err != nil || len(raw) != 34 || raw[0] != 0x80 || raw[1] != 0x26 {
		t.Fatalf("private multikey %q: %v", s, err)
	}
	return ed25519.NewKeyFromSeed(raw[2:])
}

var at = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

// The W3C vc-di-eddsa vectors: every signed document verifies, and signing
// the unsigned input with the published key and proof options reproduces
// the published proof byte for byte (Ed25519 is deterministic).
func TestW3CVectors(t *testing.T) {
	dir := shared(t, "vectors/w3c-vc-di-eddsa")
	kp := readJSON(t, filepath.Join(dir, "keyPair.json"))
	priv := multikeyPrivate(t, kp["privateKeyMultibase"].(string))
	ctx := context.Background()
	for _, tt := range []struct{ name, unsigned, config, signed string }{
		{"ok/eddsa-rdfc-2022", "unsigned.json", "eddsa-rdfc-2022/proofConfigDataInt.json", "eddsa-rdfc-2022/signedDataInt.json"},
		{"ok/eddsa-jcs-2022", "unsigned.json", "eddsa-jcs-2022/proofConfigJCS.json", "eddsa-jcs-2022/signedJCS.json"},
		{"ok/Ed25519Signature2020", "unsigned.json", "Ed25519Signature2020/proofConfigEdSig.json", "Ed25519Signature2020/signedEdSig.json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			signed := readJSON(t, filepath.Join(dir, tt.signed))
			res, err := Verify(ctx, signed, keyring{}, VerifyOptions{Now: at})
			if err != nil || len(res) != 1 || res[0].Err != nil {
				t.Fatalf("verify: %v %+v", err, res)
			}
			cfg := readJSON(t, filepath.Join(dir, tt.config))
			unsigned := readJSON(t, filepath.Join(dir, tt.unsigned))
			if c, ok := cfg["@context"]; ok {
				unsigned["@context"] = c
			}
			created, _ := time.Parse(time.RFC3339, cfg["created"].(string))
			out, err := Sign(ctx, unsigned, NewSigner(priv, cfg["verificationMethod"].(string)),
				Options{Type: cfg["type"].(string), Cryptosuite: str(cfg["cryptosuite"]), Created: created})
			if err != nil {
				t.Fatal(err)
			}
			got, want := out["proof"].(map[string]any)["proofValue"], signed["proof"].(map[string]any)["proofValue"]
			if got != want {
				t.Errorf("proofValue = %v, want the published %v", got, want)
			}
		})
	}
}

func TestProofSetsAndChains(t *testing.T) {
	dir := shared(t, "vectors/w3c-vc-di-eddsa/proof-set-chain")
	for _, f := range []string{"signedProofSet1.json", "signedProofSet2.json", "signedProofChain1.json", "signedProofChain2.json"} {
		t.Run("ok/"+f, func(t *testing.T) {
			doc := readJSON(t, filepath.Join(dir, f))
			res, err := Verify(context.Background(), doc, keyring{}, VerifyOptions{Now: at})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				if r.Err != nil {
					t.Errorf("proof %s: %v", r.ID, r.Err)
				}
			}
		})
	}
	t.Run("fail/chain with a missing previous proof", func(t *testing.T) {
		doc := readJSON(t, filepath.Join(dir, "signedProofChain2.json"))
		proofs := doc["proof"].([]any)
		doc["proof"] = proofs[2:] // drop the two proofs the third chains to
		res, _ := Verify(context.Background(), doc, keyring{}, VerifyOptions{Now: at})
		if res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "is not in the proof set") {
			t.Errorf("got %v, want a missing previousProof", res[0].Err)
		}
	})
}

// The 1EdTech implementation guide's OB 3.0 and CLR 2.0 vectors reproduce
// byte for byte: canonical N-Quads, hashes and signature.
func TestOneEdTechVectors(t *testing.T) {
	dir := shared(t, "vectors/1edtech-spec-ldp-test-vectors")
	// CLR 2.0's context-2.0.1.json is not published in a package we embed
	// (README); the test loads it from the shared copy, as a user would.
	ctxDir := shared(t, "contexts")
	raw, err := os.ReadFile(filepath.Join(ctxDir, "clr-v2p0-context-2.0.1.json"))
	if err != nil {
		t.Fatal(err)
	}
	loader, err := schemas.DefaultLoader().With(fstest.MapFS{
		"index.json": {Data: []byte(`{"https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "clr.json"}`)},
		"clr.json":   {Data: raw},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"obv3p0", "clrv2p0"} {
		t.Run("ok/"+v, func(t *testing.T) {
			im := readJSON(t, filepath.Join(dir, v, "key-and-intermediates.json"))
			pk, _ := hex.DecodeString(im["privateKeyHex"].(string))
			priv := ed25519.PrivateKey(pk)
			vm := im["verificationMethod"].(string)
			keys := keyring{vm: priv.Public().(ed25519.PublicKey)}
			signed := readJSON(t, filepath.Join(dir, v, "signed-credential.json"))
			res, err := Verify(context.Background(), signed, keys, VerifyOptions{Now: at, Loader: loader})
			if err != nil || res[0].Err != nil {
				t.Fatalf("verify: %v %+v", err, res)
			}
			unsigned := readJSON(t, filepath.Join(dir, v, "unsigned-credential.json"))
			canon, err := schemas.Canonicalize(unsigned, loader)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(filepath.Join(dir, v, "document-canon.txt"))
			if canon != string(want) {
				t.Errorf("canonical document differs from document-canon.txt")
			}
			p := proofList(signed["proof"])[0]
			created, _ := time.Parse(time.RFC3339, p["created"].(string))
			out, err := Sign(context.Background(), unsigned, NewSigner(priv, vm), Options{Created: created, Loader: loader})
			if err != nil {
				t.Fatal(err)
			}
			sp := out["proof"].(map[string]any)
			if sp["proofValue"] != im["proofValue"] {
				t.Errorf("proofValue = %v, want %v", sp["proofValue"], im["proofValue"])
			}
			sig, _ := base58.Decode(strings.TrimPrefix(sp["proofValue"].(string), "z"))
			if hex.EncodeToString(sig) != im["signatureHex"] {
				t.Errorf("signature hex differs")
			}
		})
	}
}

func newKey(seed byte) (ed25519.PrivateKey, string) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	priv = ed25519.NewKeyFromSeed(append([]byte{seed}, make([]byte, 31)...))
	pub := priv.Public().(ed25519.PublicKey)
	id := "did:key:z" + base58.Encode(append([]byte{0xed, 0x01}, pub...))
	return priv, id + "#" + strings.TrimPrefix(id, "did:key:")
}

func sample() map[string]any {
	return map[string]any{
		"@context":          []any{"https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"},
		"id":                "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
		"type":              []any{"VerifiableCredential", "AlumniCredential"},
		"name":              "Alumni Credential",
		"issuer":            "https://vc.example/issuers/5678",
		"validFrom":         "2023-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
	}
}

func TestSignVerify(t *testing.T) {
	ctx := context.Background()
	priv, vm := newKey(1)
	other, _ := newKey(2)
	created := at.Add(-time.Hour)
	sign := func(t *testing.T, o Options) map[string]any {
		t.Helper()
		if o.Created.IsZero() {
			o.Created = created
		}
		d, err := Sign(ctx, sample(), NewSigner(priv, vm), o)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	set := func(d map[string]any, path string, v any) map[string]any {
		m := d
		parts := strings.Split(path, ".")
		for _, p := range parts[:len(parts)-1] {
			m = m[p].(map[string]any)
		}
		m[parts[len(parts)-1]] = v
		return d
	}
	tests := []struct {
		name string
		doc  func(t *testing.T) map[string]any
		opt  VerifyOptions
		want string // "" verified; else a substring of the error
	}{
		{"ok/eddsa-rdfc-2022", func(t *testing.T) map[string]any { return sign(t, Options{}) }, VerifyOptions{}, ""},
		{"ok/eddsa-jcs-2022", func(t *testing.T) map[string]any { return sign(t, Options{Cryptosuite: EddsaJCS}) }, VerifyOptions{}, ""},
		{"ok/Ed25519Signature2020", func(t *testing.T) map[string]any {
			d := sample()
			d["@context"] = append(d["@context"].([]any), contextEd2020)
			out, err := Sign(ctx, d, NewSigner(priv, vm), Options{Type: Ed2020, Created: created})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}, VerifyOptions{}, ""},
		{"ok/Ed25519Signature2018", func(t *testing.T) map[string]any {
			d := sample()
			d["@context"] = []any{"https://www.w3.org/2018/credentials/v1", "https://www.w3.org/2018/credentials/examples/v1"}
			delete(d, "validFrom")
			delete(d, "name")
			d["issuanceDate"] = "2023-01-01T00:00:00Z"
			out, err := Sign(ctx, d, NewSigner(priv, vm), Options{Type: Ed2018, Created: created})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}, VerifyOptions{}, ""},
		{"ok/challenge and domain", func(t *testing.T) map[string]any {
			return sign(t, Options{Purpose: Authentication, Challenge: "c-123", Domain: "jobs.example"})
		}, VerifyOptions{Purpose: Authentication, Challenge: "c-123", Domain: "jobs.example"}, ""},
		{"ok/created within the skew", func(t *testing.T) map[string]any { return sign(t, Options{Created: at.Add(time.Minute)}) }, VerifyOptions{Skew: 5 * time.Minute}, ""},
		{"fail/changed claim", func(t *testing.T) map[string]any {
			return set(sign(t, Options{}), "credentialSubject.alumniOf", "The School of Forgery")
		}, VerifyOptions{}, "the signature does not verify"},
		{"fail/changed issuer", func(t *testing.T) map[string]any { return set(sign(t, Options{}), "issuer", "https://evil.example") }, VerifyOptions{}, "does not verify"},
		{"fail/changed created", func(t *testing.T) map[string]any {
			return set(sign(t, Options{}), "proof.created", "2020-01-01T00:00:00Z")
		}, VerifyOptions{}, "does not verify"},
		{"fail/one byte of the signature", func(t *testing.T) map[string]any {
			d := sign(t, Options{})
			p := d["proof"].(map[string]any)
			v := []byte(p["proofValue"].(string))
			if v[10] == 'A' {
				v[10] = 'B'
			} else {
				v[10] = 'A'
			}
			p["proofValue"] = string(v)
			return d
		}, VerifyOptions{}, "invalid proof"},
		{"fail/removed context", func(t *testing.T) map[string]any {
			d := sign(t, Options{})
			d["@context"] = d["@context"].([]any)[:1]
			return d
		}, VerifyOptions{}, "does not expand to an IRI"},
		{"fail/foreign key", func(t *testing.T) map[string]any {
			d, err := Sign(ctx, sample(), NewSigner(other, vm), Options{Created: created})
			if err != nil {
				t.Fatal(err)
			}
			return d
		}, VerifyOptions{}, "does not verify"},
		{"fail/wrong purpose", func(t *testing.T) map[string]any { return sign(t, Options{}) }, VerifyOptions{Purpose: Authentication}, `proofPurpose is "assertionMethod", want "authentication"`},
		{"fail/wrong challenge", func(t *testing.T) map[string]any {
			return sign(t, Options{Purpose: Authentication, Challenge: "c-1"})
		}, VerifyOptions{Purpose: Authentication, Challenge: "c-2"}, "challenge"},
		{"fail/missing domain", func(t *testing.T) map[string]any { return sign(t, Options{Purpose: Authentication}) }, VerifyOptions{Purpose: Authentication, Domain: "jobs.example"}, "domain"},
		{"fail/created in the future", func(t *testing.T) map[string]any { return sign(t, Options{Created: at.Add(time.Hour)}) }, VerifyOptions{}, "is in the future"},
		{"fail/expired proof", func(t *testing.T) map[string]any { return sign(t, Options{Expires: at.Add(-time.Minute)}) }, VerifyOptions{}, "the proof expired"},
		{"fail/unsupported cryptosuite", func(t *testing.T) map[string]any {
			return set(sign(t, Options{}), "proof.cryptosuite", "ecdsa-sd-2023")
		}, VerifyOptions{}, "unsupported proof type DataIntegrityProof cryptosuite ecdsa-sd-2023"},
		{"fail/unsupported type", func(t *testing.T) map[string]any { return set(sign(t, Options{}), "proof.type", "BbsBlsSignature2020") }, VerifyOptions{}, "unsupported proof type BbsBlsSignature2020"},
		{"fail/unknown key", func(t *testing.T) map[string]any {
			return set(sign(t, Options{}), "proof.verificationMethod", "did:example:nobody#k")
		}, VerifyOptions{}, "unknown verification method"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.opt
			opt.Now = at
			res, err := Verify(ctx, tt.doc(t), keyring{}, opt)
			if err != nil {
				t.Fatal(err)
			}
			got := res[0].Err
			switch {
			case tt.want == "" && got != nil:
				t.Errorf("not verified: %v", got)
			case tt.want != "" && (got == nil || !strings.Contains(got.Error(), tt.want)):
				t.Errorf("err = %v, want %q", got, tt.want)
			}
		})
	}
	t.Run("fail/no proof", func(t *testing.T) {
		if _, err := Verify(ctx, sample(), keyring{}, VerifyOptions{}); !errors.Is(err, ErrNoProof) {
			t.Errorf("err = %v, want ErrNoProof", err)
		}
	})
	t.Run("ok/second proof joins the set", func(t *testing.T) {
		d := sign(t, Options{})
		p2, vm2 := newKey(3)
		d2, err := Sign(ctx, d, NewSigner(p2, vm2), Options{Created: created})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Verify(ctx, d2, keyring{}, VerifyOptions{Now: at})
		if err != nil || len(res) != 2 || res[0].Err != nil || res[1].Err != nil {
			t.Errorf("proof set: %v %+v", err, res)
		}
		if _, ok := d["proof"].(map[string]any); !ok {
			t.Error("Sign changed its input")
		}
	})
}

func BenchmarkEd25519Verify(b *testing.B) {
	priv, _ := newKey(1)
	msg := make([]byte, 64)
	sig := ed25519.Sign(priv, msg)
	pub := priv.Public().(ed25519.PublicKey)
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("no")
		}
	}
}

func BenchmarkVerifyOB3(b *testing.B) {
	dir := shared(b, "vectors/1edtech-spec-ldp-test-vectors/obv3p0")
	im := readJSON(b, filepath.Join(dir, "key-and-intermediates.json"))
	pk, _ := hex.DecodeString(im["publicKeyHex"].(string))
	keys := keyring{im["verificationMethod"].(string): ed25519.PublicKey(pk)}
	doc := readJSON(b, filepath.Join(dir, "signed-credential.json"))
	ctx := context.Background()
	for b.Loop() {
		res, err := Verify(ctx, doc, keys, VerifyOptions{Now: at})
		if err != nil || res[0].Err != nil {
			b.Fatal(err, res)
		}
	}
}
