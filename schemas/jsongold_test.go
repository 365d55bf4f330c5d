package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/piprate/json-gold/ld"
)

// This file keeps json-gold's own RDF conversion and URDNA2015 — what
// Canonicalize used before it did them itself — as the reference the new
// path is tested against, byte for byte.

// canonicalizeJSONGold is Canonicalize done entirely by json-gold: safe-mode
// expansion (uncached), ToRDF and Normalize.
func canonicalizeJSONGold(doc any, l *Loader) (string, error) {
	if l == nil {
		l = DefaultLoader()
	}
	input, err := jsonValue(doc)
	if err != nil {
		return "", fmt.Errorf("schemas: canonicalize: %w", err)
	}
	expanded, err := expandWith(input, l, nil)
	if err != nil {
		return "", processorError("expand", err)
	}
	if first, ok := findUndefined(expanded); ok {
		return "", locateUndefined(input, l, first)
	}
	return jsonGoldFromExpanded(expanded)
}

// jsonGoldFromExpanded is json-gold's ToRDF and URDNA2015 over expanded
// JSON-LD (which it modifies).
func jsonGoldFromExpanded(expanded []any) (string, error) {
	var out string
	err := guard(func() error {
		opts := ld.NewJsonLdOptions("")
		api := ld.NewJsonLdApi()
		dataset, err := api.ToRDF(expanded, opts)
		if err != nil {
			return err
		}
		opts.Algorithm = ld.AlgorithmURDNA2015
		opts.Format = "application/n-quads"
		res, err := api.Normalize(dataset, opts)
		if err != nil {
			return err
		}
		out = res.(string)
		return nil
	})
	return out, err
}

// oursFromExpanded is this package's conversion and RDFC-1.0 over expanded
// JSON-LD (which it modifies).
func oursFromExpanded(expanded []any) (string, error) {
	ds, err := toRDF(expanded)
	if err != nil {
		return "", err
	}
	return canonicalNQuads(ds)
}

// jsonGoldLiteralError reports whether json-gold wrote an error into a JSON
// literal instead of failing; Canonicalize fails there instead.
func jsonGoldLiteralError(nquads string) bool {
	return strings.Contains(nquads, `"JSON Canonicalization error`) || strings.Contains(nquads, `"JSON Marshal error`)
}

// compareWithJSONGold canonicalises doc both ways and reports how it went:
// "same", or why the comparison does not count ("unknown-context",
// "json-gold-fails", "undefined-term"). A difference is a test error.
func compareWithJSONGold(t *testing.T, name string, doc any, l *Loader) string {
	t.Helper()
	want, errRef := canonicalizeJSONGold(doc, l)
	got, err := Canonicalize(doc, l)
	switch {
	case errors.Is(errRef, ErrUnknownContext):
		if !errors.Is(err, ErrUnknownContext) {
			t.Errorf("%s: json-gold: %v; Canonicalize: %v", name, errRef, err)
		}
		return "unknown-context"
	case errors.Is(errRef, ErrUndefinedTerm):
		if err == nil || err.Error() != errRef.Error() {
			t.Errorf("%s: json-gold path: %v; Canonicalize: %v", name, errRef, err)
		}
		return "undefined-term"
	case errRef != nil:
		t.Logf("%s: json-gold fails (%v); Canonicalize: %v", name, errRef, err)
		return "json-gold-fails"
	case jsonGoldLiteralError(want):
		if err == nil {
			t.Errorf("%s: json-gold wrote an error into a JSON literal, Canonicalize succeeded", name)
		}
		return "json-gold-fails"
	case err != nil:
		t.Errorf("%s: json-gold succeeds, Canonicalize: %v", name, err)
		return "error"
	case got != want:
		t.Errorf("%s: canonical N-Quads differ (-json-gold +ours):\n%s", name, cmp.Diff(want, got))
		return "differs"
	}
	return "same"
}

// comparePlain compares the two conversions on plain expansion (undefined
// terms dropped, not refused), which reaches far more RDF than safe mode.
func comparePlain(t *testing.T, name string, doc any, l *Loader) string {
	t.Helper()
	input, err := jsonValue(doc)
	if err != nil {
		return "not-json"
	}
	var expanded []any
	if err := guard(func() error {
		var err error
		expanded, err = ld.NewJsonLdProcessor().Expand(input, options(l))
		return err
	}); err != nil {
		return "expansion-fails"
	}
	want, errRef := jsonGoldFromExpanded(ld.CloneDocument(expanded).([]any))
	got, err := oursFromExpanded(ld.CloneDocument(expanded).([]any))
	switch {
	case errRef != nil || jsonGoldLiteralError(want):
		return "json-gold-fails"
	case err != nil:
		t.Errorf("%s (plain expansion): json-gold succeeds, ours: %v", name, err)
		return "error"
	case got != want:
		t.Errorf("%s (plain expansion): canonical N-Quads differ (-json-gold +ours):\n%s", name, cmp.Diff(want, got))
		return "differs"
	}
	return "same"
}

// vectorDocuments returns every JSON object with an @context under
// ../shared/vectors, by path relative to it.
func vectorDocuments(t testing.TB) (map[string]map[string]any, []string) {
	t.Helper()
	root := sharedPath(t, "vectors")
	docs := map[string]map[string]any{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".jsonld")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var v any
		if json.Unmarshal(b, &v) != nil {
			return nil
		}
		if m, ok := v.(map[string]any); ok && m["@context"] != nil {
			rel, _ := filepath.Rel(root, path)
			docs[filepath.ToSlash(rel)] = m
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	slices.Sort(names)
	return docs, names
}

// proofConfigs returns each proof of a signed document as a Data Integrity
// proof configuration: without proofValue (or jws), with the document's
// @context.
func proofConfigs(doc map[string]any) []map[string]any {
	var proofs []any
	switch p := doc["proof"].(type) {
	case map[string]any:
		proofs = []any{p}
	case []any:
		proofs = p
	}
	var out []map[string]any
	for _, p := range proofs {
		m, ok := p.(map[string]any)
		if !ok {
			continue
		}
		cfg := map[string]any{"@context": doc["@context"]}
		for k, v := range m {
			if k != "proofValue" && k != "jws" && k != "@context" {
				cfg[k] = v
			}
		}
		out = append(out, cfg)
	}
	return out
}

func withoutProof(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			out[k] = v
		}
	}
	return out
}

// TestCanonicalizeMatchesJSONGold: for every credential and presentation in
// ../shared/vectors (as is, without its proof, and each proof configuration)
// and Satchel's own sample records, Canonicalize gives exactly what
// json-gold gives, in safe mode and on plain expansion.
func TestCanonicalizeMatchesJSONGold(t *testing.T) {
	l := withMissingFromShared(t)
	docs, names := vectorDocuments(t)
	counts := map[string]int{}
	plain := map[string]int{}
	check := func(name string, doc map[string]any) {
		counts[compareWithJSONGold(t, name, doc, l)]++
		plain[comparePlain(t, name, doc, l)]++
	}
	for _, name := range names {
		doc := docs[name]
		check(name, doc)
		if _, signed := doc["proof"]; signed {
			check(name+" without proof", withoutProof(doc))
			for i, cfg := range proofConfigs(doc) {
				check(fmt.Sprintf("%s proof %d", name, i), cfg)
			}
		}
	}
	golden, err := filepath.Glob("../transcript/testdata/golden/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(golden) == 0 {
		t.Error("no ../transcript/testdata/golden/*.json")
	}
	for _, f := range golden {
		doc := readJSON(t, f).(map[string]any)
		if got := compareWithJSONGold(t, f, doc, l); got != "same" {
			t.Errorf("%s: %s, want the same canonical form", f, got)
		}
		plain[comparePlain(t, f, doc, l)]++
	}
	t.Logf("vectors: %d documents; safe mode: %v; plain expansion: %v", len(names), counts, plain)
	if counts["same"] < 100 {
		t.Errorf("only %d documents compared; expected most vectors to canonicalise", counts["same"])
	}
}

// TestCanonicalizeManifestVectors checks the canonical forms the vector
// manifests publish ("canonical" for the document without its proof,
// "proof_canonical" for the proof configuration).
func TestCanonicalizeManifestVectors(t *testing.T) {
	l := withMissingFromShared(t)
	checked := 0
	for _, folder := range []string{"w3c-vc-di-eddsa", "1edtech-spec-ldp-test-vectors"} {
		dir := sharedPath(t, "vectors/"+folder)
		var manifest []struct {
			File           string `json:"file"`
			Canonical      string `json:"canonical"`
			ProofCanonical string `json:"proof_canonical"`
			ProofConfig    string `json:"proof_config"`
		}
		if err := json.Unmarshal(mustReadFile(t, filepath.Join(dir, "manifest.json")), &manifest); err != nil {
			t.Fatal(err)
		}
		for _, e := range manifest {
			if e.Canonical == "" && e.ProofCanonical == "" {
				continue
			}
			signed := readJSON(t, filepath.Join(dir, e.File)).(map[string]any)
			type vector struct {
				what      string
				doc       any
				canonical string
			}
			var vectors []vector
			if e.Canonical != "" {
				vectors = append(vectors, vector{"document", withoutProof(signed), e.Canonical})
			}
			if e.ProofCanonical != "" {
				var cfg any
				if e.ProofConfig != "" {
					cfg = readJSON(t, filepath.Join(dir, e.ProofConfig))
				} else if cfgs := proofConfigs(signed); len(cfgs) == 1 {
					cfg = cfgs[0]
				}
				vectors = append(vectors, vector{"proof configuration", cfg, e.ProofCanonical})
			}
			for _, v := range vectors {
				name := folder + "/" + v.canonical
				if strings.Contains(v.canonical, "JCS") {
					continue // eddsa-jcs-2022: JCS, not RDF canonicalisation
				}
				t.Run(name, func(t *testing.T) {
					want := string(mustReadFile(t, filepath.Join(dir, v.canonical)))
					got, err := Canonicalize(v.doc, l)
					if errors.Is(err, ErrUnknownContext) {
						t.Skipf("%s of %s: %v", v.what, e.File, err)
					}
					if err != nil {
						t.Fatalf("%s of %s: %v", v.what, e.File, err)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s of %s differs from the published canonical form (-published +got):\n%s", v.what, e.File, diff)
					}
					checked++
				})
			}
		}
	}
	if checked < 6 {
		t.Errorf("only %d published canonical forms checked", checked)
	}
}

func mustReadFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestJSONLiteralsMatchJSONGold exercises rdf:JSON literals, which the
// vectors barely use.
func TestJSONLiteralsMatchJSONGold(t *testing.T) {
	const ctx = `{"@context": {"@vocab": "https://example.org/", "data": {"@id": "https://example.org/data", "@type": "@json"}}, "@id": "urn:x", `
	tests := []struct {
		name string
		data string
		fail bool // json-gold writes an error into the literal; Canonicalize fails
	}{
		{name: "ok/object", data: `{"b": 1, "a": [true, null, "x"], "c": {"z": 1.5, "y": -0}}`},
		{name: "ok/numbers", data: `{"n": [1e21, 1e-7, 123456789012345680000, 0.1, 5e-324, 1.7976931348623157e308, 100, 1e300, 333333333.33333329]}`},
		{name: "ok/strings", data: `{"s": "tab\t nl\n quote\" bs\\ ctl\u0001 del\u007f lt< amp& ls\u2028 é 😀"}`},
		{name: "ok/key-order-utf16", data: `{"\ud83d\ude00": 1, "\ufb33": 2, "a": 3, "€": 4, "\r": 5, "1": 6}`},
		{name: "ok/nested-empty", data: `{"a": {}, "b": [], "c": [{}]}`},
		{name: "ok/number", data: `1.5`},
		{name: "ok/integer", data: `42`},
		{name: "ok/boolean", data: `true`},
		{name: "fail/array", data: `[1, 2]`, fail: true},
		{name: "fail/string", data: `"plain"`, fail: true},
		{name: "ok/string-holding-json", data: `"{\"b\":1,\"a\":2}"`},
		{name: "fail/null", data: `null`, fail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustJSON(t, ctx+`"data": `+tt.data+`}`)
			want, errRef := canonicalizeJSONGold(doc, nil)
			got, err := Canonicalize(doc, nil)
			if errRef != nil {
				t.Fatalf("json-gold: %v", errRef)
			}
			if jsonGoldLiteralError(want) != tt.fail {
				t.Errorf("json-gold wrote an error into the literal: %v, want %v:\n%s", !tt.fail, tt.fail, want)
			}
			if jsonGoldLiteralError(want) {
				if err == nil {
					t.Errorf("Canonicalize succeeded where json-gold wrote an error:\n%s", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Canonicalize: %v (json-gold: %s)", err, want)
			}
			if got != want {
				t.Errorf("differs (-json-gold +ours):\n%s", cmp.Diff(want, got))
			}
		})
	}
}

// FuzzCanonicalizeMatchesJSONGold: what json-gold canonicalises,
// Canonicalize canonicalises to the same bytes — through the public API
// (safe mode) and on plain expansion. What json-gold refuses may be refused.
func FuzzCanonicalizeMatchesJSONGold(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	if _, err := os.Stat(filepath.Join(sharedDir, "vectors")); err == nil {
		docs, names := vectorDocuments(f)
		for _, n := range names {
			b, _ := json.Marshal(docs[n])
			f.Add(b)
		}
	}
	if b, err := os.ReadFile("testdata/ob3-achievement-credential.json"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		watchdog := time.AfterFunc(20*time.Second, func() { panic(fmt.Sprintf("slow input: %q", data)) })
		defer watchdog.Stop()
		got, err := Canonicalize(data, nil)
		if errors.Is(err, ErrTooComplex) {
			return // json-gold would take too long to compare
		}
		want, errRef := canonicalizeJSONGold(data, nil)
		switch {
		case errRef != nil:
		case jsonGoldLiteralError(want):
		case err != nil:
			t.Fatalf("json-gold succeeds, Canonicalize: %v\njson-gold:\n%s", err, want)
		case got != want:
			t.Fatalf("differs (-json-gold +ours):\n%s", cmp.Diff(want, got))
		}
		input, err := jsonValue(data)
		if err != nil {
			return
		}
		var expanded []any
		if guard(func() error {
			var err error
			expanded, err = ld.NewJsonLdProcessor().Expand(input, options(DefaultLoader()))
			return err
		}) != nil {
			return
		}
		ours, err := oursFromExpanded(ld.CloneDocument(expanded).([]any))
		if errors.Is(err, ErrTooComplex) {
			return
		}
		ref, errRef := jsonGoldFromExpanded(ld.CloneDocument(expanded).([]any))
		switch {
		case errRef != nil:
		case jsonGoldLiteralError(ref):
		case err != nil:
			t.Fatalf("plain expansion: json-gold succeeds, ours: %v\njson-gold:\n%s", err, ref)
		case ours != ref:
			t.Fatalf("plain expansion: differs (-json-gold +ours):\n%s", cmp.Diff(ref, ours))
		}
	})
}

// fuzzSeeds reach the corners of the RDF conversion: lists (nested, empty,
// with relative references), JSON literals, numbers, languages, directions,
// named and blank graphs, reverse properties, invalid IRIs, blank node
// types and properties, duplicate values, self references.
var fuzzSeeds = []string{
	`{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential", "foo": 1}`,
	`{"@context": {"@vocab": "_:"}, "@graph": [{"@id": "_:b0", "p": {"@list": [1, 2.5, true, null]}}]}`,
	`[{"@context": null}, {"@reverse": {"p": {"@id": "x"}}}]`,
	`{"@context": {"v": {"@id": "https://e/v", "@container": "@language"}}, "v": {"en": "a", "@none": "b"}}`,
	`{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/s", "l": {"@list": [{"@list": [1, "a"]}, [], {"@id": "rel"}]}}`,
	`{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://ex.org/s", "l": {"@list": []}, "n": [1, 1.0, 1.5, -0.0, 1e21, 1e-7, 12345678901234567890, {"@value": 3, "@type": "http://www.w3.org/2001/XMLSchema#double"}, {"@value": "5", "@type": "http://www.w3.org/2001/XMLSchema#integer"}]}`,
	`{"@context": {"@vocab": "http://ex.org/", "@language": "en-US", "@direction": "rtl"}, "@id": "http://ex.org/s", "t": ["a", {"@value": "b", "@language": "x_y"}, {"@value": "c", "@direction": "ltr"}, {"@value": "d", "@language": "de", "@direction": "ltr"}]}`,
	`{"@context": {"@vocab": "http://ex.org/", "g": {"@container": "@graph"}}, "@id": "http://ex.org/s", "g": [{"@id": "_:x", "p": {"@id": "_:x"}}, {"p": "v"}], "h": {"@id": "_:g", "@graph": {"@id": "http://ex.org/n", "q": 1}}}`,
	`{"@context": {"@vocab": "http://ex.org/"}, "@id": "http://bad host/x", "p": {"@id": "http://ex.org/o"}, "q": {"@id": "https://exa mple.org"}, "r": {"@value": "x", "@type": "http://bad type/"}, "s": "ok"}`,
	`{"@context": {"@vocab": "http://ex.org/"}, "@type": ["_:t", "Rel", "http://ex.org/T"], "_:p": 1, "@id": "_:s", "d": [{"@id": "http://ex.org/a"}, {"@id": "http://ex.org/a"}, "x", "x"]}`,
	`{"@context": {"@vocab": "http://ex.org/", "i": {"@container": "@index"}}, "@id": "http://ex.org/s", "i": {"a": "x", "b": "x"}}`,
	`{"@context": {"@vocab": "http://ex.org/"}, "@graph": [{"@id": "_:a", "p": {"@id": "_:b"}}, {"@id": "_:b", "p": {"@id": "_:c"}}, {"@id": "_:c", "p": {"@id": "_:a"}}, {"@id": "_:d", "p": {"@id": "_:d"}}]}`,
	`{"@context": {"@vocab": "http://ex.org/", "j": {"@type": "@json"}}, "@id": "http://ex.org/s", "j": [{"b": [1, {"a": "\u0000"}]}, "str", 2.5, true]}`,
	`{"@context": {"@vocab": "http://ex.org/"}, "@id": "urn:s", "p": {"@id": "http://127.0.0.1:8080/x"}, "q": {"@id": "http://[::1]/"}, "r": {"@id": "http://a.b/%zz"}, "s": {"@id": "http://user:pw@host.com/"}, "t": {"@id": "http://münchen.de/"}, "u": {"@id": "mailto:x%41"}}`,
	`{"@context": {"@vocab": "http://ex.org/"}, "@id": "urn:s", "p": [{"@value": "x\\\"\n\r\t\b\f\u0001"}, {"@id": "urn:a\\b"}]}`,
}

// TestExpandCachedEqualsPlain: expansion from a Loader's processed @context
// gives exactly what json-gold's own expansion gives, for every vector —
// the first time (when the context is processed) and the second (when it
// is reused).
func TestExpandCachedEqualsPlain(t *testing.T) {
	l, err := withMissingFromShared(t).With(fstest.MapFS{"index.json": {Data: []byte(`{}`)}}) // a fresh cache
	if err != nil {
		t.Fatal(err)
	}
	docs, names := vectorDocuments(t)
	compared := 0
	for round := range 2 {
		for _, name := range names {
			want, errWant := expandWith(docs[name], l, nil)
			got, err := expandCached(docs[name], l)
			if (err == nil) != (errWant == nil) || err != nil && err.Error() != errWant.Error() {
				t.Errorf("round %d, %s: error %v, json-gold %v", round, name, err, errWant)
				continue
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round %d, %s: expansion differs (-json-gold +cached):\n%s", round, name, diff)
			}
			compared++
		}
	}
	var kept int
	l.active.m.Range(func(k, v any) bool { kept++; return true })
	t.Logf("%d expansions compared; %d processed contexts kept", compared, kept)
	if kept == 0 {
		t.Error("no processed context kept")
	}
}

// TestCanonicalizeConcurrent shares a Loader (and its processed contexts)
// between goroutines; run with -race.
func TestCanonicalizeConcurrent(t *testing.T) {
	docs := []any{readJSON(t, "testdata/ob3-achievement-credential.json")}
	golden, _ := filepath.Glob("../transcript/testdata/golden/*.json")
	for _, f := range golden {
		docs = append(docs, readJSON(t, f))
	}
	l, err := DefaultLoader().With(fstest.MapFS{"index.json": {Data: []byte(`{}`)}})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]string, len(docs))
	for i, d := range docs {
		if want[i], err = canonicalizeJSONGold(d, l); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range docs {
				j := (i + g) % len(docs)
				got, err := Canonicalize(docs[j], l)
				if err != nil {
					t.Error(err)
				} else if got != want[j] {
					t.Errorf("document %d differs from json-gold when run concurrently", j)
				}
			}
		})
	}
	wg.Wait()
}

func TestActiveContextKey(t *testing.T) {
	long := strings.Repeat("https://www.w3.org/ns/credentials/v2", 60)
	tests := []struct {
		name string
		ctx  string
		want string
	}{
		{name: "ok/one-url", ctx: `"https://www.w3.org/ns/credentials/v2"`, want: "https://www.w3.org/ns/credentials/v2"},
		{name: "ok/urls", ctx: `["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]`,
			want: "https://www.w3.org/ns/credentials/v2\nhttps://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		{name: "fail/inline-context", ctx: `["https://www.w3.org/ns/credentials/v2", {"x": "https://example.org/x"}]`},
		{name: "fail/null", ctx: `null`},
		{name: "fail/empty", ctx: `[]`},
		{name: "fail/newline", ctx: `["a\nb"]`},
		{name: "fail/too-long", ctx: `"` + long + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := activeContextKey(mustJSON(t, tt.ctx)); got != tt.want {
				t.Errorf("key %q, want %q", got, tt.want)
			}
		})
	}
}
