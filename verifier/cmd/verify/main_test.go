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

	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

const issuerDID = "did:web:etranscript.example:institutions:sierra-vista"

// fixture writes a signed OB 3.0-shaped credential, the issuer's DID
// document and a trust registry into a temp dir.
func fixture(t *testing.T) (dir string) {
	t.Helper()
	dir = t.TempDir()
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	mk, _ := did.MultikeyEncode(key.Public())
	vm := issuerDID + "#key-1"
	write := func(name string, v any) {
		b, _ := json.MarshalIndent(v, "", " ")
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("did.json", map[string]any{"id": issuerDID,
		"verificationMethod": []any{map[string]any{"id": vm, "type": "Multikey", "controller": issuerDID, "publicKeyMultibase": mk}},
		"assertionMethod":    []string{vm}})
	doc := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:5c2f2ab2-0f4d-4d3c-9a43-6a1f0a2e7d11",
		"type":      []any{"VerifiableCredential", "AchievementCredential"},
		"name":      "Emergency Medical Technician",
		"issuer":    map[string]any{"id": issuerDID, "type": []any{"Profile"}, "name": "Sierra Vista Community College"},
		"validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"type": []any{"AchievementSubject"}, "id": "did:example:learner",
			"achievement": map[string]any{"id": "https://etranscript.example/a/ems-101", "type": []any{"Achievement"},
				"name": "EMS 101 Emergency Medical Technician", "description": "EMT course.", "criteria": map[string]any{"narrative": "Pass."}}},
	}
	signed, err := proof.Sign(context.Background(), doc, proof.NewSigner(key, vm), proof.Options{Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	write("cred.json", signed)
	tampered := map[string]any{}
	for k, v := range signed {
		tampered[k] = v
	}
	tampered["name"] = "Paramedic"
	write("tampered.json", tampered)
	write("other-trust.json", map[string]any{"name": "Adult schools (sample)", "issuers": []any{map[string]any{"id": "did:web:etranscript.example:institutions:harbor-adult", "name": "Harbor Adult School"}}})
	write("trust.json", map[string]any{"name": "California community colleges (sample)", "issuers": []any{map[string]any{"id": issuerDID, "name": "Sierra Vista CC"}}})
	if err := os.WriteFile(filepath.Join(dir, "garbage.txt"), []byte("hello, employer"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runCLI(stdin string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVerifyCommand(t *testing.T) {
	dir := fixture(t)
	p := func(n string) string { return filepath.Join(dir, n) }
	at := "--at=2026-06-01T00:00:00Z"
	cred, _ := os.ReadFile(p("cred.json"))
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{name: "ok/verified with trust", args: []string{at, "--did-document", p("did.json"), "--trust", p("trust.json"), p("cred.json")},
			stdout: []string{"✓ VERIFIED", "issuer:  Sierra Vista CC (" + issuerDID + ")", "✓ trust", "is Sierra Vista CC in California community colleges (sample)"}},
		{name: "ok/from standard input", stdin: string(cred), args: []string{at, "--did-document", p("did.json"), "-"}, stdout: []string{"✓ VERIFIED", "trust not checked"}},
		{name: "fail/tampered", args: []string{at, "--did-document", p("did.json"), p("tampered.json")}, code: 1,
			stdout: []string{"✗ NOT VERIFIED", "✗ proof", "the signature does not verify"}},
		{name: "fail/issuer key unknown offline", args: []string{at, p("cred.json")}, code: 1, stdout: []string{"✗ proof", "not in the offline cache"}},
		{name: "fail/not yet valid", args: []string{"--at=2025-06-01T00:00:00Z", "--did-document", p("did.json"), p("cred.json")}, code: 1,
			stdout: []string{"✗ validity", "not valid until 2026-01-01T00:00:00Z"}},
		{name: "fail/issuer not in the registry", args: []string{at, "--did-document", p("did.json"), "--trust", p("other-trust.json"), p("cred.json")}, code: 1,
			stdout: []string{"✗ trust", issuerDID + " is not in Adult schools (sample)"}},
		{name: "fail/registry is not a registry", args: []string{at, "--did-document", p("did.json"), "--trust", p("did.json"), p("cred.json")}, code: 2, stderr: "--trust"},
		{name: "fail/missing file", args: []string{p("nope.json")}, code: 2, stderr: "no such file"},
		{name: "fail/not a credential", args: []string{p("garbage.txt")}, code: 2, stderr: "input is not a credential or presentation"},
		{name: "fail/empty stdin", args: []string{"-"}, code: 2, stderr: "- is empty"},
		{name: "fail/no file", args: nil, code: 2, stderr: "give exactly one FILE"},
		{name: "fail/unknown flag", args: []string{"--bogus", p("cred.json")}, code: 2, stderr: "flag provided but not defined"},
		{name: "fail/bad --at", args: []string{"--at", "yesterday", p("cred.json")}, code: 2, stderr: "--at \"yesterday\""},
		{name: "fail/bad --status-list", args: []string{"--status-list", "nourl", p("cred.json")}, code: 2, stderr: "want URL=FILE"},
		{name: "fail/extra contexts directory missing", args: []string{"--contexts", p("no-such-dir"), p("cred.json")}, code: 2, stderr: "--contexts"},
		{name: "fail/bad DID document", args: []string{"--did-document", p("garbage.txt"), p("cred.json")}, code: 2, stderr: "--did-document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(tt.stdin, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.stderr)
			}
			if tt.code == 2 && strings.Count(strings.TrimSpace(errOut), "\n") > 0 && !strings.Contains(tt.name, "flag") {
				t.Errorf("exit 2 should come with a one-line message, got:\n%s", errOut)
			}
		})
	}
}

// The --json report has the shape DESIGN.md fixes, which checks outside the
// code rely on.
func TestJSONReportShape(t *testing.T) {
	dir := fixture(t)
	code, out, errOut := runCLI("", "--json", "--at=2026-06-01T00:00:00Z", "--did-document", filepath.Join(dir, "did.json"), filepath.Join(dir, "tampered.json"))
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"verified", "kind", "format", "issuer", "checks", "credentials", "requirements", "errors"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	if rep["verified"] != false || rep["kind"] != "credential" || rep["format"] != "ldp_vc" || rep["issuer"] != issuerDID {
		t.Errorf("report = %v", rep)
	}
	checks, _ := rep["checks"].([]any)
	if len(checks) == 0 {
		t.Fatal("no checks")
	}
	for _, c := range checks {
		m := c.(map[string]any)
		if _, ok := m["check"].(string); !ok {
			t.Errorf("check without a name: %v", m)
		}
		if _, ok := m["ok"].(bool); !ok {
			t.Errorf("check without ok: %v", m)
		}
		if _, ok := m["detail"].(string); !ok {
			t.Errorf("check without detail: %v", m)
		}
	}
	if _, ok := rep["errors"].([]any); !ok {
		t.Errorf("errors is not a list: %v", rep["errors"])
	}
}

// verify report prints a saved --json report (or an OpenID4VP result) in
// words, with verify's exit status.
func TestReportCommand(t *testing.T) {
	dir := fixture(t)
	p := func(n string) string { return filepath.Join(dir, n) }
	code, out, errOut := runCLI("", "--at=2026-06-01T00:00:00Z", "--json", "--did-document", p("did.json"), p("cred.json"))
	if code != 0 {
		t.Fatalf("verify --json: %d %s", code, errOut)
	}
	saved := filepath.Join(dir, "report.json")
	if err := os.WriteFile(saved, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	wrapped := filepath.Join(dir, "result.json")
	if err := os.WriteFile(wrapped, []byte(`{"status":"done","report":`+out+`}`), 0o600); err != nil {
		t.Fatal(err)
	}
	pending := filepath.Join(dir, "pending.json")
	if err := os.WriteFile(pending, []byte(`{"status":"pending"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, stdin string
		args        []string
		code        int
		want        string
	}{
		{"ok/report", "", []string{"report", saved}, 0, "✓ VERIFIED"},
		{"ok/openid4vp result", "", []string{"report", wrapped}, 0, "✓ VERIFIED"},
		{"ok/stdin", out, []string{"report", "-"}, 0, "✓ proof"},
		{"ok/brief", "", []string{"report", "--brief", saved}, 0, "✓ VERIFIED"},
		{"fail/pending", "", []string{"report", pending}, 2, "the request is pending"},
		{"fail/not a report", "", []string{"report", p("did.json")}, 2, "is not a verification report"},
		{"fail/no file", "", []string{"report"}, 2, "give exactly one FILE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.stdin, tc.args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant %q", code, tc.code, out, errOut, tc.want)
			}
		})
	}
}
