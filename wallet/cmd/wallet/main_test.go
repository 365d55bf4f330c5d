package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

// badge writes an OB 3.0 credential signed by a did:web institution, its
// DID document, and a tampered copy.
func badge(t *testing.T, dir string) {
	t.Helper()
	const issuer = "did:web:etranscript.example:institutions:harbor-adult"
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	mk, _ := did.MultikeyEncode(key.Public())
	write := func(name string, v any) {
		b, _ := json.Marshal(v)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("did.json", map[string]any{"id": issuer,
		"verificationMethod": []any{map[string]any{"id": issuer + "#key-1", "type": "Multikey", "controller": issuer, "publicKeyMultibase": mk}},
		"assertionMethod":    []string{issuer + "#key-1"}})
	doc := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:0b7c7f0e-1b8e-4a43-9a55-0d6a2e3f4c51",
		"type":      []any{"VerifiableCredential", "AchievementCredential"},
		"name":      "Certified Nurse Assistant",
		"issuer":    map[string]any{"id": issuer, "type": []any{"Profile"}, "name": "Harbor Adult School (sample)"},
		"validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"type": []any{"AchievementSubject"},
			"achievement": map[string]any{"id": "https://etranscript.example/institutions/harbor-adult/achievements/adult-school/HAS-CNA",
				"type": []any{"Achievement"}, "achievementType": "CertificateOfCompletion", "name": "Certified Nurse Assistant",
				"description": "160-hour programme.", "criteria": map[string]any{"narrative": "Complete it."}}},
	}
	signed, err := proof.Sign(context.Background(), doc, proof.NewSigner(key, issuer+"#key-1"), proof.Options{Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	write("cna.json", signed)
	if err := os.WriteFile(filepath.Join(dir, "note.txt"), []byte("my CNA certificate is in the drawer"), 0o644); err != nil {
		t.Fatal(err)
	}
	signed["name"] = "Registered Nurse"
	write("tampered.json", signed)
}

func TestWalletCommand(t *testing.T) {
	dir := t.TempDir()
	badge(t, dir)
	p := func(n string) string { return filepath.Join(dir, n) }
	db := p("wallet.db")
	env := map[string]string{"SATCHEL_PASSPHRASE": "correct horse battery staple"}
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"--db", db}, args...), strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
		return code, out.String(), errOut.String()
	}
	steps := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"fail/no wallet yet", []string{"list"}, 2, "", "no wallet at"},
		{"ok/init", []string{"init"}, 0, "your DID: did:key:z6Mk", ""},
		{"fail/init twice", []string{"init"}, 2, "", "exists already"},
		{"fail/issuer unknown offline", []string{"import", p("cna.json")}, 1, "refused: credential does not verify: proof:", ""},
		{"fail/a DID document that is none", []string{"import", "--did-document", p("note.txt"), p("cna.json")}, 2, "", "--did-document"},
		{"fail/a status list without its URL", []string{"import", "--status-list", p("did.json"), p("cna.json")}, 2, "", "want URL=FILE"},
		{"fail/a status list that is none", []string{"import", "--status-list", "https://issuer.example/status/1=" + p("did.json"), p("cna.json")}, 2, "", "--status-list"},
		{"ok/import with the issuer's DID document", []string{"import", "--did-document", p("did.json"), p("cna.json")}, 0, "imported 1: Certified Nurse Assistant — Harbor Adult School (sample) (adult-school, verified)", ""},
		{"fail/duplicate", []string{"import", p("cna.json")}, 1, "", "already in the wallet"},
		{"fail/tampered", []string{"import", p("tampered.json")}, 1, "nothing was stored", ""},
		{"ok/list", []string{"list"}, 0, "1  verified  adult-school    Certified Nurse Assistant — Harbor Adult School (sample)", ""},
		{"ok/search", []string{"search", "nurse"}, 0, "Certified Nurse Assistant", ""},
		{"ok/search without a match", []string{"search", "welding"}, 0, "no credentials", ""},
		{"ok/show", []string{"show", "1"}, 0, "kind:     adult-school", ""},
		{"ok/verify again offline", []string{"verify", "1"}, 0, "verified", ""},
		{"ok/portfolio create", []string{"portfolio", "create", "EMT application"}, 0, "created portfolio 1: EMT application", ""},
		{"ok/portfolio add", []string{"portfolio", "add", "--note", "patient care hours", "EMT application", "1"}, 0, "added credential 1 to EMT application", ""},
		{"ok/portfolio show", []string{"portfolio", "show", "1"}, 0, "note: patient care hours", ""},
		{"ok/portfolio list", []string{"portfolio", "list"}, 0, "EMT application (1 credentials)", ""},
		{"ok/present", []string{"present", "EMT application", "--challenge", "c-42", "--domain", "jobs.example", "--out", p("vp.json")}, 0, "wrote " + p("vp.json"), ""},
		{"fail/present unknown portfolio", []string{"present", "Nurse application"}, 1, "", `portfolio "Nurse application": not found`},
		{"fail/add an unknown credential", []string{"portfolio", "add", "1", "99"}, 1, "", "not found"},
		{"fail/show unknown", []string{"show", "99"}, 1, "", "credential #99: not found"},
		{"fail/bad id", []string{"show", "x"}, 2, "", `"x" is not a credential ID`},
		{"fail/JSON that is no credential", []string{"import", p("did.json")}, 1, "refused: credential does not verify: data-model:", ""},
		{"fail/not a credential at all", []string{"import", p("note.txt")}, 2, "", "not a credential"},
		{"fail/unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
	}
	for _, s := range steps {
		code, out, errOut := run(s.args...)
		if code != s.code || !strings.Contains(out, s.stdout) || !strings.Contains(errOut, s.stderr) {
			t.Fatalf("%s: exit %d (want %d)\nstdout: %s\nstderr: %s", s.name, code, s.code, out, errOut)
		}
		if strings.Contains(out+errOut, env["SATCHEL_PASSPHRASE"]) {
			t.Fatalf("%s: the passphrase was printed", s.name)
		}
	}
	vp, err := os.ReadFile(p("vp.json"))
	if err != nil {
		t.Fatal(err)
	}
	cache := did.NewCache()
	doc, _ := os.ReadFile(p("did.json"))
	if _, err := cache.Add(doc, time.Now()); err != nil {
		t.Fatal(err)
	}
	rep, err := verifier.Verify(context.Background(), vp, verifier.Options{DIDs: &did.Local{Cache: cache}, Challenge: "c-42", Domain: "jobs.example"})
	if err != nil || !rep.Verified || rep.Kind != "presentation" || len(rep.Credentials) != 1 {
		t.Errorf("the presented portfolio does not verify: %v %+v", err, rep.Checks)
	}
	code, out, _ := run("list", "--json")
	var entries []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &entries) != nil || len(entries) != 1 {
		t.Errorf("list --json: exit %d, %s", code, out)
	} else if entries[0]["id"] != float64(1) || entries[0]["status"] != "verified" || len(entries[0]["sha256"].(string)) != 64 {
		t.Errorf("list --json entry: %v", entries[0])
	}
	if code, out, errOut := run("backup", p("wallet.bak")); code != 0 || !strings.Contains(out, "encrypted") {
		t.Fatalf("backup: exit %d %s %s", code, out, errOut)
	}
	if code, _, errOut := run("backup", p("wallet.bak")); code != 2 || !strings.Contains(errOut, "exists already") {
		t.Errorf("backup over a file: exit %d %s", code, errOut)
	}
	if code, _, errOut := run("restore", p("wallet.bak")); code != 2 || !strings.Contains(errOut, "restore only into a new wallet") {
		t.Errorf("restore over the wallet: exit %d %s", code, errOut)
	}
	db = p("restored.db")
	env["SATCHEL_PASSPHRASE"] = "wrong horse"
	if code, _, errOut := run("restore", p("wallet.bak")); code != 1 || !strings.Contains(errOut, "wrong passphrase") {
		t.Errorf("restore with a wrong passphrase: exit %d %s", code, errOut)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a failed restore left a wallet behind")
	}
	bak, _ := os.ReadFile(p("wallet.bak"))
	bak[len(bak)/2] ^= 1
	_ = os.WriteFile(p("tampered.bak"), bak, 0o600)
	env["SATCHEL_PASSPHRASE"] = "correct horse battery staple"
	if code, _, errOut := run("restore", p("tampered.bak")); code != 1 || !strings.Contains(errOut, "backup was changed") {
		t.Errorf("restore of a tampered backup: exit %d %s", code, errOut)
	}
	if code, out, errOut := run("restore", p("wallet.bak")); code != 0 || !strings.Contains(out, "restored") {
		t.Fatalf("restore: exit %d %s %s", code, out, errOut)
	}
	if code, out, _ := run("list"); code != 0 || !strings.Contains(out, "Certified Nurse Assistant") {
		t.Errorf("the restored wallet lists: %s", out)
	}
	if code, out, _ := run("portfolio", "show", "EMT application"); code != 0 || !strings.Contains(out, "patient care hours") {
		t.Errorf("the restored wallet's portfolio: %s", out)
	}
	if code, _, errOut := run("present", "1", "--out", p("vp2.json")); code != 0 {
		t.Errorf("the restored holder key does not unlock: %s", errOut)
	}
	delete(env, "SATCHEL_PASSPHRASE")
	db = p("other.db")
	if code, _, errOut := run("--passphrase-file", p("no-such-file"), "init"); code != 2 || !strings.Contains(errOut, "--passphrase-file") {
		t.Errorf("init with a missing passphrase file: exit %d, %s", code, errOut)
	}
	if code, _, errOut := run("init"); code != 2 || !strings.Contains(errOut, "SATCHEL_PASSPHRASE") {
		t.Errorf("init without a passphrase: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("init without a passphrase created a wallet")
	}
}
