package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
)

// The offline issuing loop: keygen, publish the DID document, map a sample
// record to an unsigned credential, sign it, and the verifier accepts it.
func TestSignLoop(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	const jst = "did:web:etranscript.example:institutions:jst"
	mustRun := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(args...)
		if code != 0 {
			t.Fatalf("issuer %v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	mustRun("keygen", "--out", p("jst.jwk"))
	if fi, err := os.Stat(p("jst.jwk")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	if err := os.WriteFile(p("did.json"), []byte(mustRun("did-document", "--key", p("jst.jwk"), "--did", jst)), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun("map", "--as-of", "2026-09-01", "--learner", "L-1001", "--out", p("out"))
	files, _ := filepath.Glob(p("out/L-1001/JST-*.json"))
	if len(files) == 0 {
		t.Fatal("map --out wrote no JST credential")
	}
	signed := mustRun("sign", "--key", p("jst.jwk"), "--did", jst, files[0])
	cache := did.NewCache()
	raw, _ := os.ReadFile(p("did.json"))
	if _, err := cache.Add(raw, time.Now()); err != nil {
		t.Fatal(err)
	}
	rep, err := verifier.Verify(context.Background(), []byte(signed), verifier.Options{DIDs: &did.Local{Cache: cache}})
	if err != nil || !rep.Verified {
		t.Fatalf("signed credential does not verify: %v %+v", err, rep.Checks)
	}
	mustRun("keygen", "--type", "p256", "--out", p("p256.jwk"))
	token := strings.TrimSpace(mustRun("sign", "--format", "jwt", "--key", p("p256.jwk"), writeSelfIssued(t, p("selfissued.json"), p("p256.jwk"))))
	rep, err = verifier.Verify(context.Background(), []byte(token), verifier.Options{})
	if err != nil || !rep.Verified || rep.Format != "vc+jwt" {
		t.Fatalf("ES256 vc+jwt: %v %s %+v", err, rep.Format, rep.Checks)
	}
}

// writeSelfIssued writes a credential whose issuer is the key's did:key and
// returns its path.
func writeSelfIssued(t *testing.T, path, keyFile string) string {
	t.Helper()
	key, err := readPrivateJWK(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	issuer, _ := did.KeyDID(key.Public())
	doc := map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": []any{"VerifiableCredential"},
		"issuer": issuer, "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": map[string]any{"id": "did:example:learner"}}
	b, _ := json.Marshal(doc)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSignRefuses(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	if code, _, e := runCLI("keygen", "--out", p("k.jwk")); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := runCLI("keygen", "--type", "p256", "--out", p("ec.jwk")); code != 0 {
		t.Fatal(e)
	}
	var priv map[string]any
	raw, _ := os.ReadFile(p("k.jwk"))
	_ = json.Unmarshal(raw, &priv)
	delete(priv, "d")
	pub, _ := json.Marshal(priv)
	_ = os.WriteFile(p("pub.jwk"), pub, 0o644)
	_ = os.WriteFile(p("cred.json"), []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"issuer":"did:web:elsewhere.example","credentialSubject":{"id":"did:example:x"}}`), 0o644)
	_ = os.WriteFile(p("text.txt"), []byte("not json"), 0o644)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"fail/no key", []string{"sign", p("cred.json")}, "sign --key KEY.jwk"},
		{"fail/missing key file", []string{"sign", "--key", p("none.jwk"), p("cred.json")}, "no such file"},
		{"fail/public key", []string{"sign", "--key", p("pub.jwk"), p("cred.json")}, "holds a public key"},
		{"fail/not a JWK", []string{"sign", "--key", p("text.txt"), p("cred.json")}, "is not a JWK"},
		{"fail/bad format", []string{"sign", "--key", p("k.jwk"), "--format", "cose", p("cred.json")}, `--format "cose"`},
		{"fail/not JSON", []string{"sign", "--key", p("k.jwk"), p("text.txt")}, "is not a JSON object"},
		{"fail/issuer does not control the key", []string{"sign", "--key", p("k.jwk"), p("cred.json")}, `the document's issuer "did:web:elsewhere.example" is not did:key:`},
		{"fail/P-256 with Data Integrity", []string{"sign", "--key", p("ec.jwk"), "--did", "did:web:elsewhere.example", p("cred.json")}, "needs an Ed25519 key"},
		{"fail/bad DID", []string{"sign", "--key", p("k.jwk"), "--did", "https://x.example", p("cred.json")}, "is not a DID"},
		{"fail/keygen type", []string{"keygen", "--type", "rsa"}, `--type "rsa"`},
		{"fail/did-document without DID", []string{"did-document", "--key", p("k.jwk")}, "did-document --key KEY.jwk --did DID"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(tt.args...)
			if code != 2 || out != "" || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, out, errOut, tt.want)
			}
			if strings.Contains(errOut, `"d"`) {
				t.Errorf("an error shows key material: %s", errOut)
			}
		})
	}
}
