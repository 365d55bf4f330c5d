package schemas

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/piprate/json-gold/ld"
)

// TestCanonicalizeVectors checks RDFC-1.0 output against canonical N-Quads
// published with eddsa-rdfc-2022 test vectors (W3C vc-di-eddsa, 1EdTech OB 3.0
// and CLR 2.0 implementation guide).
func TestCanonicalizeVectors(t *testing.T) {
	const (
		w3c  = "vectors/w3c-vc-di-eddsa"
		ims  = "vectors/1edtech-spec-ldp-test-vectors"
		clr  = ims + "/clrv2p0"
		ob3  = ims + "/obv3p0"
		rdfc = w3c + "/eddsa-rdfc-2022"
	)
	tests := []struct {
		name      string
		input     string // under ../shared
		proofOf   string // if set: canonicalise the proof configuration of this signed document
		canonical string // under ../shared
		extra     bool   // needs the contexts in knownMissing, loaded from ../shared with Loader.With
	}{
		{name: "ok/w3c-eddsa-rdfc-2022-document", input: w3c + "/unsigned.json", canonical: rdfc + "/canonDocDataInt.txt"},
		{name: "ok/w3c-eddsa-rdfc-2022-proof-config", input: rdfc + "/proofConfigDataInt.json", canonical: rdfc + "/proofCanonDataInt.txt"},
		{name: "ok/1edtech-ob3-document", input: ob3 + "/unsigned-credential.json", canonical: ob3 + "/document-canon.txt"},
		{name: "ok/1edtech-ob3-proof-config", proofOf: ob3 + "/signed-credential.json", canonical: ob3 + "/proof-canon.txt"},
		{name: "ok/1edtech-clr2-document", input: clr + "/unsigned-credential.json", canonical: clr + "/document-canon.txt", extra: true},
		{name: "ok/1edtech-clr2-proof-config", proofOf: clr + "/signed-credential.json", canonical: clr + "/proof-canon.txt", extra: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc any
			if tt.proofOf != "" {
				doc = proofConfig(t, readJSON(t, sharedPath(t, tt.proofOf)))
			} else {
				doc = readJSON(t, sharedPath(t, tt.input))
			}
			want, err := os.ReadFile(sharedPath(t, tt.canonical))
			if err != nil {
				t.Fatal(err)
			}
			l := DefaultLoader()
			if tt.extra {
				l = withMissingFromShared(t)
			}
			got, err := Canonicalize(doc, l)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("canonical N-Quads differ (-published +got):\n%s", diff)
			}
		})
	}
}

// proofConfig is a Data Integrity proof configuration: the proof without
// proofValue, with the document's @context.
func proofConfig(t *testing.T, signed any) map[string]any {
	t.Helper()
	m := signed.(map[string]any)
	proof, ok := m["proof"].(map[string]any)
	if list, isList := m["proof"].([]any); isList && len(list) == 1 {
		proof, ok = list[0].(map[string]any)
	}
	if !ok {
		t.Fatal("signed document has no single proof")
	}
	cfg := map[string]any{"@context": m["@context"]}
	for k, v := range proof {
		if k != "proofValue" {
			cfg[k] = v
		}
	}
	return cfg
}

// withMissingFromShared is the default loader plus the contexts we do not
// ship (knownMissing), taken from ../shared the way a user would add them.
func withMissingFromShared(t *testing.T) *Loader {
	t.Helper()
	sharedFS := sharedContextsFS(t)
	var index map[string]string
	if err := json.Unmarshal(mustRead(sharedFS, "index.json"), &index); err != nil {
		t.Fatal(err)
	}
	extra := fstest.MapFS{}
	sub := map[string]string{}
	for u := range knownMissing {
		file := index[u]
		sub[u] = file
		extra[file] = &fstest.MapFile{Data: mustRead(sharedFS, file)}
	}
	b, _ := json.Marshal(sub)
	extra["index.json"] = &fstest.MapFile{Data: b}
	l, err := DefaultLoader().With(extra)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestCanonicalizeGolden pins the canonical form of a typical equivalency-mapped
// OB 3.0 AchievementCredential. Run with -update to rewrite the golden file.
func TestCanonicalizeGolden(t *testing.T) {
	for _, name := range []string{"ob3-achievement-credential"} {
		t.Run("ok/"+name, func(t *testing.T) {
			in := filepath.Join("testdata", name+".json")
			golden := filepath.Join("testdata", name+".nq")
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Canonicalize(raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Same document decoded, re-encoded with other key order: same result.
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			again, err := Canonicalize(v, nil)
			if err != nil {
				t.Fatal(err)
			}
			if again != got {
				t.Errorf("canonicalisation is not deterministic:\n%s", cmp.Diff(got, again))
			}
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("canonical N-Quads differ from %s (-golden +got):\n%s", golden, diff)
			}
		})
	}
}

func TestSafeMode(t *testing.T) {
	const (
		v2  = `"https://www.w3.org/ns/credentials/v2"`
		v1  = `"https://www.w3.org/2018/credentials/v1"`
		ob3 = `"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"`
	)
	tests := []struct {
		name     string
		doc      string
		wantErr  string // exact message; "" means success
		wantKind string
	}{
		{name: "ok/all-terms-defined", doc: `{"@context": [` + v2 + `], "type": ["VerifiableCredential"],
			"issuer": "did:example:issuer", "credentialSubject": {"id": "did:example:s"}}`},
		{name: "ok/ob3-credential", doc: mustReadString(t, "testdata/ob3-achievement-credential.json")},
		{name: "ok/undefined-terms-context-maps-them", doc: `{"@context": [` + v2 + `, "https://www.w3.org/ns/credentials/undefined-terms/v2"],
			"type": ["VerifiableCredential", "MadeUpCredential"], "credentialSubject": {"shoeSize": 42}}`},
		{name: "ok/examples-context-vocab", doc: `{"@context": [` + v2 + `, "https://www.w3.org/ns/credentials/examples/v2"],
			"type": ["VerifiableCredential", "AlumniCredential"], "credentialSubject": {"alumniOf": "x"}}`},
		{name: "ok/inline-context-defines-term", doc: `{"@context": [` + v2 + `, {"shoeSize": "https://example.org/shoeSize"}],
			"type": ["VerifiableCredential"], "credentialSubject": {"shoeSize": 42}}`},
		{name: "ok/absolute-iri-property-and-type", doc: `{"@context": [` + v2 + `], "type": ["VerifiableCredential", "https://example.org/T"],
			"credentialSubject": {"https://example.org/p": 1}}`},
		{name: "ok/json-literal-content-is-not-checked", doc: `{"@context": [{"data": {"@id": "https://example.org/data", "@type": "@json"}}],
			"data": {"anything": {"goes": true}}}`},
		{name: "ok/undefined-term-with-null-value-drops-nothing", doc: `{"@context": [` + v2 + `], "type": "VerifiableCredential", "nothing": null}`},
		{name: "fail/undefined-top-level-term", doc: `{"@context": [` + v2 + `], "type": "VerifiableCredential", "foo": "bar"}`,
			wantErr: `schemas: term "foo" at foo does not expand to an IRI`, wantKind: "term"},
		{name: "fail/undefined-subject-term", doc: `{"@context": [` + v2 + `], "type": "VerifiableCredential",
			"credentialSubject": {"id": "did:example:s", "foo": "bar"}}`,
			wantErr: `schemas: term "foo" at credentialSubject.foo does not expand to an IRI`, wantKind: "term"},
		{name: "fail/undefined-term-in-array", doc: `{"@context": [` + v2 + `, ` + ob3 + `], "type": ["VerifiableCredential", "OpenBadgeCredential"],
			"credentialSubject": {"type": ["AchievementSubject"], "achievement": {"type": ["Achievement"], "name": "n",
			"alignment": [{"type": ["Alignment"], "targetName": "t"}, {"type": ["Alignment"], "targetNmae": "typo"}]}}}`,
			wantErr: `schemas: term "targetNmae" at credentialSubject.achievement.alignment[1].targetNmae does not expand to an IRI`, wantKind: "term"},
		{name: "fail/undefined-type", doc: `{"@context": [` + v2 + `], "type": ["VerifiableCredential", "MadeUpCredential"]}`,
			wantErr: `schemas: type "MadeUpCredential" at type does not expand to an IRI`, wantKind: "type"},
		{name: "fail/undefined-nested-type", doc: `{"@context": [` + v2 + `], "type": "VerifiableCredential",
			"credentialSubject": {"type": "Person"}}`,
			wantErr: `schemas: type "Person" at credentialSubject.type does not expand to an IRI`, wantKind: "type"},
		{name: "fail/relative-type-iri", doc: `{"@context": [` + v2 + `], "type": ["VerifiableCredential", "./Local"]}`,
			wantErr: `schemas: type "./Local" at type does not expand to an IRI`, wantKind: "type"},
		{name: "fail/type-outside-any-context", doc: `{"@type": "Thing", "https://example.org/p": 1}`,
			wantErr: `schemas: type "Thing" at @type does not expand to an IRI`, wantKind: "type"},
		{name: "fail/vc1-undefined-term", doc: `{"@context": [` + v1 + `], "type": ["VerifiableCredential"],
			"issuer": "did:example:i", "issuanceDate": "2020-01-01T00:00:00Z", "credentialSubject": {"degree": {"name": "x"}}}`,
			wantErr: `schemas: term "degree" at credentialSubject.degree does not expand to an IRI (and 1 more)`, wantKind: "term"},
		{name: "fail/vocab-coerced-value", doc: `{"@context": [{"kind": {"@id": "https://example.org/kind", "@type": "@vocab"}}],
			"@id": "urn:x", "kind": "Undefined"}`,
			wantErr: `schemas: value "Undefined" at kind does not expand to an IRI`, wantKind: "value"},
		{name: "fail/no-context-at-all", doc: `{"name": "x"}`,
			wantErr: `schemas: term "name" at name does not expand to an IRI`, wantKind: "term"},
		{name: "fail/in-graph-array", doc: `[{"@context": [` + v2 + `], "type": "VerifiableCredential"}, {"@context": [` + v2 + `], "oops": 1}]`,
			wantErr: `schemas: term "oops" at [1].oops does not expand to an IRI`, wantKind: "term"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustJSON(t, tt.doc)
			_, errE := Expand(doc, nil)
			_, errC := Canonicalize(doc, nil)
			for op, err := range map[string]error{"Expand": errE, "Canonicalize": errC} {
				if tt.wantErr == "" {
					if err != nil {
						t.Errorf("%s: %v", op, err)
					}
					continue
				}
				if err == nil {
					t.Errorf("%s succeeded, want %q", op, tt.wantErr)
					continue
				}
				if err.Error() != tt.wantErr {
					t.Errorf("%s: error\n  %q\nwant\n  %q", op, err, tt.wantErr)
				}
				if !errors.Is(err, ErrUndefinedTerm) {
					t.Errorf("%s: errors.Is(err, ErrUndefinedTerm) = false", op)
				}
				var ute *UndefinedTermError
				if errors.As(err, &ute) && ute.Kind != tt.wantKind {
					t.Errorf("%s: Kind = %q, want %q", op, ute.Kind, tt.wantKind)
				}
			}
		})
	}
}

// Expansion with the safe-mode vocabulary must give exactly what plain
// expansion gives when nothing is undefined: that is what gets signed.
func TestSafeExpansionEqualsPlain(t *testing.T) {
	docs := []string{"testdata/ob3-achievement-credential.json"}
	if p := filepath.Join(sharedDir, "vectors/1edtech-spec-ldp-test-vectors/obv3p0/signed-credential.json"); fileExists(p) {
		docs = append(docs, p)
	}
	for _, f := range docs {
		doc := readJSON(t, f)
		safe, err := Expand(doc, nil)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := plainExpand(doc, DefaultLoader())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(plain, safe); diff != "" {
			t.Errorf("%s: safe expansion differs from plain (-plain +safe):\n%s", f, diff)
		}
	}
}

func TestDocumentInput(t *testing.T) {
	const cred = `{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential", "issuer": "did:example:i"}`
	want, err := Canonicalize(mustJSON(t, cred), nil)
	if err != nil {
		t.Fatal(err)
	}
	type credential struct {
		Context []string `json:"@context"`
		Type    string   `json:"type"`
		Issuer  string   `json:"issuer"`
	}
	deep := strings.Repeat(`{"a":`, MaxDepth+2) + "1" + strings.Repeat("}", MaxDepth+2)
	tests := []struct {
		name    string
		doc     any
		wantErr string
	}{
		{name: "ok/decoded", doc: mustJSON(t, cred)},
		{name: "ok/bytes", doc: []byte(cred)},
		{name: "ok/raw-message", doc: json.RawMessage(cred)},
		{name: "ok/struct", doc: credential{Context: []string{"https://www.w3.org/ns/credentials/v2"}, Type: "VerifiableCredential", Issuer: "did:example:i"}},
		{name: "fail/string", doc: cred, wantErr: "schemas: canonicalize: document is a Go string; pass decoded JSON or []byte"},
		{name: "fail/nil", doc: nil, wantErr: "schemas: canonicalize: document is empty"},
		{name: "fail/bad-json", doc: []byte(`{"@context": `), wantErr: "schemas: canonicalize: document is not valid JSON: unexpected EOF"},
		{name: "fail/trailing-json", doc: []byte(cred + `{}`), wantErr: "schemas: canonicalize: document is not valid JSON: data after the top-level value"},
		{name: "fail/scalar", doc: []byte(`42`), wantErr: "schemas: canonicalize: document is a number, want a JSON object or array"},
		{name: "fail/too-deep", doc: []byte(deep), wantErr: fmt.Sprintf("schemas: canonicalize: document nests deeper than %d levels", MaxDepth)},
		{name: "fail/unmarshalable", doc: make(chan int), wantErr: "schemas: canonicalize: document: json: unsupported type: chan int"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonicalize(tt.doc, nil)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestCanonicalizeDoesNotModifyInput(t *testing.T) {
	doc := readJSON(t, "testdata/ob3-achievement-credential.json")
	before := readJSON(t, "testdata/ob3-achievement-credential.json")
	if _, err := Canonicalize(doc, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, doc); diff != "" {
		t.Errorf("input changed (-before +after):\n%s", diff)
	}
}

func mustReadString(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func FuzzCanonicalize(f *testing.F) {
	f.Add([]byte(mustReadString(f, "testdata/ob3-achievement-credential.json")))
	f.Add([]byte(`{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential", "foo": 1}`))
	f.Add([]byte(`{"@context": {"@import": "https://www.w3.org/ns/credentials/v2"}, "name": "x"}`))
	f.Add([]byte(`{"@context": {"@vocab": "_:"}, "@graph": [{"@id": "_:b0", "p": {"@list": [1, 2.5, true, null]}}]}`))
	f.Add([]byte(`[{"@context": null}, {"@reverse": {"p": {"@id": "x"}}}]`))
	f.Add([]byte(`{"@context": {"v": {"@id": "https://e/v", "@container": "@language"}}, "v": {"en": "a", "@none": "b"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Canonicalize(data, nil) // errors are fine; panics and hangs are not
	})
}

func BenchmarkCanonicalizeOB3(b *testing.B) {
	raw, err := os.ReadFile("testdata/ob3-achievement-credential.json")
	if err != nil {
		b.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		b.Fatal(err)
	}
	if _, err := Canonicalize(doc, nil); err != nil { // parse the contexts once
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Canonicalize(doc, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// clrWithCredentials is a CLR 2.0 transcript shaped like Satchel's own
// (transcript/testdata/golden/L-1001-clr-jst.json) holding n signed
// AchievementCredentials: its first nested credential repeated with distinct
// ids, each with a Data Integrity proof.
func clrWithCredentials(t testing.TB, n int) map[string]any {
	t.Helper()
	clr := readJSON(t, "../transcript/testdata/golden/L-1001-clr-jst.json").(map[string]any)
	subject := clr["credentialSubject"].(map[string]any)
	nested := subject["verifiableCredential"].([]any)[0].(map[string]any)
	creds := make([]any, n)
	for i := range creds {
		c := ld.CloneDocument(nested).(map[string]any)
		c["id"] = fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i)
		c["proof"] = map[string]any{
			"type":               "DataIntegrityProof",
			"cryptosuite":        "eddsa-rdfc-2022",
			"created":            "2026-09-01T17:00:00Z",
			"verificationMethod": "did:web:etranscript.example:institutions:jst#key-1",
			"proofPurpose":       "assertionMethod",
			"proofValue":         fmt.Sprintf("z%087d", i),
		}
		creds[i] = c
	}
	subject["verifiableCredential"] = creds
	return clr
}

func BenchmarkCanonicalizeCLR200(b *testing.B) {
	doc := clrWithCredentials(b, 200)
	if _, err := Canonicalize(doc, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Canonicalize(doc, nil); err != nil {
			b.Fatal(err)
		}
	}
}

var benchJSONGoldCLR = flag.Bool("bench-jsongold-clr", false, "also benchmark json-gold on the 200-credential CLR (about 10 s and 11 GB of allocation per run)")

// BenchmarkCanonicalizeJSONGold is the reference path — json-gold's own
// ToRDF and URDNA2015, as Canonicalize did before — for before/after
// comparisons.
func BenchmarkCanonicalizeJSONGold(b *testing.B) {
	b.Run("OB3", func(b *testing.B) {
		doc := readJSON(b, "testdata/ob3-achievement-credential.json")
		if _, err := canonicalizeJSONGold(doc, nil); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := canonicalizeJSONGold(doc, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("CLR200", func(b *testing.B) {
		if !*benchJSONGoldCLR {
			b.Skip("slow: run with -bench-jsongold-clr")
		}
		doc := clrWithCredentials(b, 200)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := canonicalizeJSONGold(doc, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestCanonicalizeCLR checks the benchmark's kind of document against
// json-gold (with 40 credentials: json-gold's time grows with the square of
// the output) and that 200 canonicalise.
func TestCanonicalizeCLR(t *testing.T) {
	for _, n := range []int{1, 40, 200} {
		doc := clrWithCredentials(t, n)
		got, err := Canonicalize(doc, nil)
		if err != nil {
			t.Fatal(err)
		}
		if lines := strings.Count(got, "\n"); lines < n*50 {
			t.Errorf("%d credentials: only %d statements", n, lines)
		}
		if n > 40 {
			continue
		}
		want, err := canonicalizeJSONGold(doc, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%d credentials: differs from json-gold:\n%s", n, cmp.Diff(want, got))
		}
	}
}

func BenchmarkExpandOB3(b *testing.B) {
	doc := readJSON(b, "testdata/ob3-achievement-credential.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Expand(doc, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadDocument is the cost of a context load for processors other
// than ours (a deep copy of a parsed document), next to parsing it.
func BenchmarkLoadDocument(b *testing.B) {
	b.Run("copy", func(b *testing.B) {
		for b.Loop() {
			if _, err := DefaultLoader().LoadDocument(ob303); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parse", func(b *testing.B) {
		raw := mustRead(embeddedFS(), "ob-v3p0-context-3.0.3.json")
		for b.Loop() {
			if _, err := parseContextFile("x", raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}
