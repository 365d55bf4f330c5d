package employer_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

func TestResultPage(t *testing.T) {
	w := sample(t)
	s := start(t, nil)
	vp := w.present(t, "ldp_vp", "", "", w.creds...)
	medic := mustJSON(t, w.medic(t))
	tests := []struct {
		name string
		res  func() response
		code int
		want []string
		not  []string
	}{
		{name: "ok/uploaded presentation for a job",
			res:  func() response { return s.upload(t, emtJob, "application.json", vp, nil) },
			code: 200,
			want: []string{
				"<h1>Verified</h1>",
				"The application is genuine: the applicant signed it, and all 6 records in it are genuine, unchanged and not revoked.",
				"Job requirements", "Emergency Medical Technician — Sierra Vista Ambulance (sample)",
				"Meets <strong>4 of 5</strong> requirements.",
				"✓ Met", "EMT course: EMS 101 (Sierra Vista CC) or EMT 100 (Coastline Bay College), taken or granted by equivalency",
				"Combat Medic Specialist counts as EMS 101 Emergency Medical Technician (Sierra Vista Community College) — equivalency military-cpl v2025.1, row M01",
				"Record: Combat Medic Specialist (Joint Services Transcript Office (sample))",
				"How this credit was granted",
				"✗ Not met", "Medical terminology (HLTH 110 or equivalent)",
				"✓ Recognised institution",
				"The issuer is a recognised institution: Joint Services Transcript Office (sample), in California education and training providers (sample).",
				"Issued Sep 1, 2026", "does not expire",
				"The application was signed with the applicant's key", w.holderDID,
				"The signature is valid: the application has not been changed since it was signed.",
				"Every record is about the applicant who signed the application.",
				"<strong>One-time code.</strong> None was asked for, so nothing shows it was made for this application rather than copied from an earlier one.",
				"<dt>About</dt><dd>The applicant</dd>",
				"Technical report (JSON", `"verified": true`,
				"from the uploaded file application.json",
			}},
		{name: "ok/pasted credential, no job",
			res:  func() response { return s.postForm(t, "/verify", url.Values{"text": {string(medic)}}) },
			code: 200,
			want: []string{"<h1>Verified</h1>", "The record is genuine: it is signed by its issuer, unchanged and not revoked.",
				"Combat Medic Specialist", "Counts as community-college credit for", "<li>EMS 101 Emergency Medical Technician (Sierra Vista Community College) <span class=\"muted\">— equivalency military-cpl v2025.1, row M01</span></li>",
				"Military", "from the pasted text"},
			not: []string{"Job requirements"}},
		{name: "fail/tampered credential",
			res: func() response {
				return s.upload(t, emtJob, "medic.json", bytes.Replace(medic, []byte("Combat Medic Specialist"), []byte("Flight Paramedic"), 1), nil)
			},
			code: 200,
			want: []string{"<h1>Not verified</h1>", "Do not rely on this record as it is.",
				"The signature does not match: the record was changed after it was signed, or it was not signed by the key it names.",
				"Meets <strong>0 of 5</strong> requirements. Only records that verified count."}},
		{name: "fail/presentation with a record from an unrecognised issuer",
			res: func() response {
				return s.upload(t, "", "vp.json", w.present(t, "ldp_vp", "", "", slices.Concat(w.creds, []map[string]any{stranger(t, w.holderDID)})...), nil)
			},
			code: 200,
			want: []string{"<h1>Not verified</h1>", "Do not rely on this application as it is.",
				"The record “Welding Certificate” from Sunrise Welding Academy: the issuer is not on your list of recognised institutions (California education and training providers (sample)).",
				"Not on your list of recognised institutions", "1 of the 7 records in it could not be verified"},
			not: []string{"<h1>Verified</h1>"}},
		{name: "fail/garbage pasted",
			res: func() response {
				return s.postForm(t, "/verify", url.Values{"job": {emtJob}, "text": {"hello, employer"}})
			},
			code: 400,
			want: []string{"Not checked.", "This could not be checked: input is not a credential or presentation", `<option value="` + emtJob + `" selected>`}},
		{name: "fail/nothing sent",
			res:  func() response { return s.upload(t, emtJob, "", nil, nil) },
			code: 400,
			want: []string{"Not checked.", "nothing to check"}},
		{name: "fail/unknown job",
			res:  func() response { return s.upload(t, "nope", "vp.json", vp, nil) },
			code: 400,
			want: []string{`unknown job "nope"`}},
		{name: "fail/too large",
			res: func() response {
				return s.upload(t, "", "big.json", bytes.Repeat([]byte("x"), 8<<20), nil)
			},
			code: 413,
			want: []string{"larger than the limit of 8388608 bytes (8 MiB)"}},
		{name: "fail/not a form",
			res:  func() response { return s.do(t, http.MethodPost, "/verify", "application/json", medic) },
			code: 400,
			want: []string{"multipart/form-data or application/x-www-form-urlencoded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.res()
			page := html(res.body)
			if res.code != tt.code {
				t.Fatalf("status %d, want %d\n%.2000s", res.code, tt.code, page)
			}
			if ct := res.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			for _, want := range tt.want {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			for _, not := range tt.not {
				if strings.Contains(page, not) {
					t.Errorf("page has %q", not)
				}
			}
			if t.Failed() {
				t.Logf("page:\n%s", page)
			}
		})
	}
	t.Run("ok/the index page lists the jobs", func(t *testing.T) {
		page := html(s.get(t, "/?job="+emtJob).body)
		for _, want := range []string{"Pick the job", "No job — only check the records", `<option value="` + emtJob + `" selected>`,
			`type="file" name="file"`, `name="text"`, `formaction="/oid4vp/requests"`, "Ask the applicant's wallet",
			"Recognised institutions: California education and training providers (sample)."} {
			if !strings.Contains(page, want) {
				t.Errorf("index lacks %q", want)
			}
		}
	})
}

// What a credential says is shown as text, never as markup.
func TestResultPageEscapes(t *testing.T) {
	w := sample(t)
	s := start(t, nil)
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
	issuer, _ := did.KeyDID(key.Public())
	mk, _ := did.MultikeyEncode(key.Public())
	doc := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:3f0c8a52-5d4f-4a8e-9c5a-0b3c1d2e3f41",
		"type":      []any{"VerifiableCredential", "AchievementCredential"},
		"name":      evil,
		"issuer":    map[string]any{"id": issuer, "type": []any{"Profile"}, "name": evil},
		"validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"type": []any{"AchievementSubject"}, "id": w.holderDID,
			"achievement": map[string]any{"id": "https://example.org/a", "type": []any{"Achievement"}, "name": evil,
				"description": evil, "criteria": map[string]any{"narrative": evil},
				"alignment": []any{map[string]any{"type": []any{"Alignment"}, "targetName": evil, "targetUrl": "javascript:alert(1)", "targetCode": evil}}}},
	}
	signed, err := proof.Sign(context.Background(), doc, proof.NewSigner(key, issuer+"#"+mk), proof.Options{Created: issued})
	if err != nil {
		t.Fatal(err)
	}
	res := s.upload(t, emtJob, `"><script>x</script>.json`, mustJSON(t, signed), nil)
	if res.code != 200 {
		t.Fatalf("status %d", res.code)
	}
	for _, bad := range []string{"<script>alert", "<img src=x", `href="javascript:`, `"><script>x`} {
		if bytes.Contains(res.body, []byte(bad)) {
			t.Errorf("the page carries %q unescaped", bad)
		}
	}
	if !bytes.Contains(res.body, []byte("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;")) {
		t.Error("the credential's name is not shown, escaped")
	}
}

// stranger is a credential about the holder from an issuer the registry
// does not name.
func stranger(t testing.TB, holder string) map[string]any {
	t.Helper()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{77}, 32))
	issuer, _ := did.KeyDID(key.Public())
	mk, _ := did.MultikeyEncode(key.Public())
	doc := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:9a1b2c3d-0000-4000-8000-000000000777",
		"type":      []any{"VerifiableCredential", "AchievementCredential"},
		"name":      "Welding Certificate",
		"issuer":    map[string]any{"id": issuer, "type": []any{"Profile"}, "name": "Sunrise Welding Academy"},
		"validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"type": []any{"AchievementSubject"}, "id": holder,
			"achievement": map[string]any{"id": "https://welding.example/cert", "type": []any{"Achievement"}, "name": "Welding Certificate",
				"description": "Welding.", "criteria": map[string]any{"narrative": "Weld."}}},
	}
	signed, err := proof.Sign(context.Background(), doc, proof.NewSigner(key, issuer+"#"+mk), proof.Options{Created: issued})
	if err != nil {
		t.Fatal(err)
	}
	return signed
}
