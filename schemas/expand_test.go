package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/piprate/json-gold/ld"
)

// This file checks this package's expansion (expand.go) against json-gold's
// JsonLdProcessor.Expand — with the same offline loader, options and
// safe-mode vocabulary (expandWith) — for identical output, or for
// leaving the document to json-gold where json-gold fails on it.

// compareExpansion expands input both ways and reports how it went: "same",
// "fallback" (left to json-gold, which expands it), or "json-gold-fails"
// (and left to json-gold). A difference is a test error.
func compareExpansion(t testing.TB, name string, input any, l *Loader) string {
	t.Helper()
	want, errRef := expandWith(input, l, nil)
	got, ok := l.expand(input)
	switch {
	case errRef != nil && ok:
		t.Errorf("%s: json-gold fails (%v), expansion gives %v", name, errRef, got)
		return "error"
	case errRef != nil:
		return "json-gold-fails"
	case !ok:
		return "fallback"
	}
	if !reflect.DeepEqual(want, got) {
		// (cmp.Diff can take minutes on large documents that differ.)
		t.Errorf("%s: expansion differs from json-gold's at %s", name, firstDifference(want, got, ""))
		return "differs"
	}
	return "same"
}

// firstDifference describes where a (json-gold's) and b (ours) first differ,
// as reflect.DeepEqual sees them.
func firstDifference(a, b any, path string) string {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || (a == nil) != (bm == nil) {
			break
		}
		for _, k := range sortedMapKeys(a) {
			bv, ok := bm[k]
			if !ok {
				return fmt.Sprintf("%s: json-gold has %q, ours not", path, k)
			}
			if !reflect.DeepEqual(a[k], bv) {
				return firstDifference(a[k], bv, path+"."+k)
			}
		}
		for k := range bm {
			if _, ok := a[k]; !ok {
				return fmt.Sprintf("%s: ours has %q, json-gold's not", path, k)
			}
		}
	case []any:
		bs, ok := b.([]any)
		if !ok || (a == nil) != (bs == nil) || len(a) != len(bs) {
			break
		}
		for i := range a {
			if !reflect.DeepEqual(a[i], bs[i]) {
				return firstDifference(a[i], bs[i], fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return fmt.Sprintf("%s: json-gold %T %.300s, ours %T %.300s", path, a, ja, b, jb)
}

// allVectorJSON returns every JSON document under ../shared/vectors (any
// JSON value, not only credentials), by path relative to it.
func allVectorJSON(t testing.TB) (map[string]any, []string) {
	t.Helper()
	root := sharedPath(t, "vectors")
	docs := map[string]any{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var v any
		if json.Unmarshal(b, &v) != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		docs[filepath.ToSlash(rel)] = v
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

// expansionInputs is every document the differential tests expand: each
// JSON document under ../shared/vectors (and, for a signed one, the document
// without its proof and each proof configuration), the golden credentials
// of ../transcript/testdata/golden and this package's testdata.
func expansionInputs(t testing.TB) ([]string, []any) {
	t.Helper()
	var names []string
	var inputs []any
	add := func(name string, doc any) {
		input, err := jsonValue(doc)
		if err != nil {
			return // not a document expansion takes
		}
		names = append(names, name)
		inputs = append(inputs, input)
	}
	docs, vectors := allVectorJSON(t)
	for _, name := range vectors {
		add(name, docs[name])
		if m, ok := docs[name].(map[string]any); ok {
			if _, signed := m["proof"]; signed {
				add(name+" without proof", withoutProof(m))
				for i, cfg := range proofConfigs(m) {
					add(fmt.Sprintf("%s proof %d", name, i), cfg)
				}
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
	golden = append(golden, "testdata/ob3-achievement-credential.json")
	for _, f := range golden {
		add(f, readJSON(t, f))
	}
	return names, inputs
}

// TestExpandMatchesJSONGold: for every vector, golden credential and
// sample, expansion gives exactly what json-gold gives, or leaves the
// document to json-gold — the first time, when the Loader processes the
// contexts, and the second, when it reuses them.
func TestExpandMatchesJSONGold(t *testing.T) {
	l, err := withMissingFromShared(t).With(fstest.MapFS{"index.json": {Data: []byte(`{}`)}}) // a fresh Loader
	if err != nil {
		t.Fatal(err)
	}
	names, inputs := expansionInputs(t)
	for round := range 2 {
		counts := map[string]int{}
		var fellBack []string
		for i, name := range names {
			got := compareExpansion(t, fmt.Sprintf("round %d, %s", round, name), inputs[i], l)
			counts[got]++
			if got == "fallback" {
				fellBack = append(fellBack, name)
			}
		}
		t.Logf("round %d: %d documents: %v", round, len(names), counts)
		if len(fellBack) > 0 {
			// Not wrong, but slow: real credentials should not need it.
			t.Errorf("left to json-gold: %s", strings.Join(fellBack, ", "))
		}
		if counts["same"] < 200 {
			t.Errorf("round %d: only %d documents expanded the same; expected most vectors to", round, counts["same"])
		}
	}
}

// FuzzExpandMatchesJSONGold: what expansion expands, json-gold expands to
// the same; what json-gold fails on, expansion leaves to it.
func FuzzExpandMatchesJSONGold(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, s := range expandSeeds {
		f.Add([]byte(s))
	}
	if _, err := os.Stat(filepath.Join(sharedDir, "vectors")); err == nil {
		_, inputs := expansionInputs(f)
		for _, in := range inputs {
			b, _ := json.Marshal(in)
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		input, err := jsonValue(data)
		if err != nil {
			return
		}
		watchdog := time.AfterFunc(20*time.Second, func() { panic(fmt.Sprintf("slow input: %q", data)) })
		defer watchdog.Stop()
		compareExpansion(t, "fuzzed", input, DefaultLoader())
	})
}

// expandSeeds reach the parts of expansion the vectors do not: scoped
// contexts (type, property, null, @propagate, protected terms), containers,
// @nest, @reverse, @included, @json, keyword aliases, @base.
var expandSeeds = []string{
	`{"@context": {"@vocab": "http://ex.org/", "T": {"@context": {"p": {"@id": "http://ex.org/tp", "@type": "@id"}}}}, "@type": "T", "p": "rel", "q": {"p": "x", "@type": "T"}, "r": {"p": "y"}}`,
	`{"@context": {"@vocab": "http://ex.org/", "T": {"@context": {"@propagate": true, "p": "http://ex.org/tp"}}}, "@type": "T", "q": {"p": 1}}`,
	`{"@context": {"@vocab": "http://ex.org/", "T": {"@context": {"@propagate": false, "p": "http://ex.org/tp"}}}, "@type": "T", "p": {"p": 1}}`,
	`{"@context": {"@vocab": "http://ex.org/", "prop": {"@context": {"p": "http://ex.org/pp"}}}, "prop": {"p": {"p": 1}}, "p": 2}`,
	`{"@context": {"@vocab": "http://ex.org/", "prop": {"@context": null}}, "prop": {"p": 1, "@context": {"p": "http://ex.org/x"}}}`,
	`{"@context": {"@protected": true, "p": "http://ex.org/p", "prop": {"@id": "http://ex.org/prop", "@context": {"p": "http://ex.org/other"}}}, "prop": {"p": 1}}`,
	`{"@context": {"@protected": true, "p": "http://ex.org/p", "T": {"@id": "http://ex.org/T", "@context": {"p": "http://ex.org/other"}}}, "@type": "T", "p": 1}`,
	`{"@context": [{"@protected": true, "p": "http://ex.org/p"}, {"p": "http://ex.org/p"}], "p": 1}`,
	`{"@context": [{"@protected": true, "p": "http://ex.org/p"}, null], "p": 1}`,
	`{"@context": {"@vocab": "http://ex.org/", "t": {"@container": "@type", "@id": "http://ex.org/t"}, "A": {"@context": {"q": "http://ex.org/aq"}}}, "t": {"A": {"q": 1}, "B": [{"q": 2}], "@none": {"@id": "http://ex.org/n"}}}`,
	`{"@context": {"@vocab": "http://ex.org/", "i": {"@container": "@index", "@index": "prop"}, "d": {"@container": "@id"}, "g": {"@container": ["@graph", "@index"]}}, "i": {"a": {"@id": "http://ex.org/a"}, "@none": "v"}, "d": {"http://ex.org/x": {"p": 1}, "rel": {}}, "g": {"k": {"p": 2}}}`,
	`{"@context": {"@vocab": "http://ex.org/", "l": {"@container": "@list"}, "s": {"@container": "@set"}}, "l": [[1, 2], [], 3], "s": [], "x": {"@list": [{"@list": []}]}, "y": {"@set": [1, {"@value": 2, "@index": "i"}]}}`,
	`{"@context": {"@vocab": "http://ex.org/", "n": "@nest", "m": {"@id": "http://ex.org/m", "@nest": "n"}}, "n": {"m": 1, "n": {"q": 2}}, "@nest": [{"r": 3}]}`,
	`{"@context": {"@vocab": "http://ex.org/", "rev": {"@reverse": "http://ex.org/knows"}}, "@id": "http://ex.org/a", "rev": [{"@id": "http://ex.org/b"}, {"@id": "http://ex.org/c", "p": 1}], "@reverse": {"http://ex.org/k": {"@id": "http://ex.org/d"}}}`,
	`{"@context": {"@vocab": "http://ex.org/", "id": "@id", "type": "@type", "lang": "@language", "val": "@value", "inc": "@included"}, "id": "x", "type": ["A", "B"], "p": {"val": "v", "lang": "EN"}, "inc": [{"id": "y", "p": 1}]}`,
	`{"@context": {"@vocab": "http://ex.org/", "@base": "http://base.example/dir/", "@language": "en", "@direction": "rtl", "lm": {"@container": "@language", "@direction": null}, "ls": {"@language": null}}, "@id": "../rel", "p": "s", "ls": "t", "lm": {"de": ["a", null], "@none": "b"}, "q": {"@id": "#frag"}}`,
	`{"@context": {"@vocab": "http://ex.org/", "j": {"@type": "@json"}, "ex": "http://ex.org/", "pre": {"@id": "http://ex.org/pre#", "@prefix": true}}, "j": {"a": [1, {"b": null}]}, "ex:p": 1, "pre:q": 2, "un:known": 3, "p": {"@value": {"x": 1}, "@type": "@json"}}`,
	`{"@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"], "type": ["VerifiablePresentation"], "verifiableCredential": [{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential", "credentialSubject": {"foo": 1}}], "holder": "did:example:h"}`,
	`{"@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"], "type": ["VerifiableCredential", "OpenBadgeCredential"], "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"type": ["Achievement"], "name": "n", "criteria": {"narrative": "x"}, "alignment": [{"type": ["Alignment"], "targetName": "t", "targetUrl": "https://ex.org"}]}, "result": [{"type": "Result", "value": "A"}]}, "proof": {"type": "DataIntegrityProof", "proofPurpose": "assertionMethod", "cryptosuite": "eddsa-rdfc-2022"}}`,
	`{"@context": {"@vocab": "http://ex.org/", "T": {"@context": {"@vocab": "http://other.org/"}}}, "@type": "T", "v": {"@value": "x", "@language": "en"}, "w": {"@id": "http://ex.org/w"}, "x": {"y": 1}}`,
	`{"@context": {"@vocab": "http://ex.org/", "@type": {"@container": "@set"}, "A": {"@context": {"x": "http://ex.org/ax"}}, "B": {"@context": {"x": "http://ex.org/bx"}}}, "@type": ["B", "A"], "x": 1}`,
	`[{"@context": {"@vocab": "http://ex.org/"}, "@graph": [{"@id": "_:a", "p": 1}], "@id": "http://ex.org/g"}, {"@context": null, "@id": "http://ex.org/only"}, {"@context": [], "http://ex.org/p": {"@value": null}}]`,
}

// iriTestContexts are active contexts for checking IRI expansion: the
// safe-mode base, the VC 2.0 + OB 3.0 contexts, and inline ones with
// prefixes, terms defined as null, keyword aliases, a relative @vocab and a
// @base.
var iriTestContexts = []string{
	`[]`,
	`["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]`,
	`{"ex": "http://ex.org/", "nul": null, "t": "@type", "v": "@value", "i": {"@id": "@id"}, "pre": {"@id": "http://ex.org/pre#", "@prefix": true}, "@vocab": "http://vocab.org/"}`,
	`{"@vocab": "@", "x": "http://ex.org/x"}`,
	`{"@vocab": null, "@base": "http://base.example/a/b", "ex": "http://ex.org/"}`,
	`{"@vocab": "", "e": "http://e.org/"}`,
}

// FuzzExpandIRI: expandIRI is json-gold's Context.ExpandIri (outside
// context processing), errFallback where json-gold panics, and expandsTo
// agrees with it.
func FuzzExpandIRI(f *testing.F) {
	for _, s := range []string{"", "@", "@type", "@foo", "@Foo1", "type", "id", "ex:a", "ex://a", "_:b", "nul:x", "nul",
		"pre:q", "urn:uuid:1", "did:example:1", "http://a.b/c", "rel", "../up", "#frag", "?q", "t", "v", "i", "ty", "pe", "alue",
		"x:/p", "x:%zz", "a b:c", "credentialSubject", "Achievement", "achievement", "\x00:x"} {
		for i := range iriTestContexts {
			f.Add(s, uint8(i))
		}
	}
	l := DefaultLoader()
	base := l.baseScope()
	var scopes []*scope
	for _, ctx := range iriTestContexts {
		c, err := l.parse(base.c, base.c.TermDefinitions, base.c.Protected, mustJSON(f, ctx))
		if err != nil {
			f.Fatalf("%s: %v", ctx, err)
		}
		scopes = append(scopes, &scope{c: c})
	}
	f.Fuzz(func(t *testing.T, value string, which uint8) {
		s := scopes[int(which)%len(scopes)]
		for _, mode := range []struct{ relative, vocab bool }{{false, true}, {true, false}, {true, true}, {false, false}} {
			var want string
			errRef := guard(func() error {
				var err error
				want, err = s.c.ExpandIri(value, mode.relative, mode.vocab, nil, nil)
				return err
			})
			got, err := s.expandIRI(value, mode.relative, mode.vocab)
			switch {
			case errRef != nil && err == nil:
				t.Errorf("ExpandIri(%q, %v, %v) fails (%v), expandIRI gives %q", value, mode.relative, mode.vocab, errRef, got)
			case errRef == nil && err != nil:
				t.Errorf("ExpandIri(%q, %v, %v) = %q, expandIRI fails: %v", value, mode.relative, mode.vocab, want, err)
			case got != want:
				t.Errorf("ExpandIri(%q, %v, %v) = %q, expandIRI %q", value, mode.relative, mode.vocab, want, got)
			}
			if !mode.vocab || mode.relative {
				continue
			}
			for _, kw := range []string{"@type", "@value", "@id"} {
				is, err := s.expandsTo(value, kw)
				if (err != nil) != (errRef != nil) || err == nil && is != (want == kw) {
					t.Errorf("expandsTo(%q, %s) = %v, %v; ExpandIri gives %q, %v", value, kw, is, err, want, errRef)
				}
			}
		}
		if got, want := isAbsoluteIRI(value), ld.IsAbsoluteIri(value); got != want {
			t.Errorf("isAbsoluteIRI(%q) = %v, json-gold %v", value, got, want)
		}
	})
}

// TestExpandFallsBack: what expansion leaves to json-gold — documents
// json-gold fails on, and contexts whose processing scope.go does not
// reproduce — still expands exactly as json-gold expands it, through
// Expand; everything else is expanded here.
func TestExpandFallsBack(t *testing.T) {
	const (
		vc  = `"https://www.w3.org/ns/credentials/v2"`
		ob3 = `"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"`
	)
	tests := []struct {
		name string // fallback/... when json-gold must expand it
		doc  string
	}{
		{name: "ok/ob3-credential", doc: mustReadString(t, "testdata/ob3-achievement-credential.json")},
		{name: "ok/type-scoped", doc: expandSeeds[0]},
		{name: "ok/property-scoped", doc: expandSeeds[3]},
		{name: "ok/property-scoped-null", doc: expandSeeds[4]},
		{name: "ok/presentation-null-context", doc: `{"@context": [` + vc + `], "type": "VerifiablePresentation", "verifiableCredential": {"@context": [` + vc + `, ` + ob3 + `], "type": ["VerifiableCredential", "OpenBadgeCredential"], "credentialSubject": {"type": "AchievementSubject", "achievement": {"type": "Achievement", "name": "n"}}}}`},
		{name: "ok/empty-context", doc: `{"@context": [], "http://ex.org/p": 1}`},
		{name: "ok/null-context-unprotected", doc: `{"@context": null, "http://ex.org/p": 1}`},
		{name: "fallback/propagate", doc: expandSeeds[1]},
		{name: "fallback/null-in-context-array", doc: `{"@context": [{"p": "http://ex.org/p"}, null, {"q": "http://ex.org/q"}], "q": 1}`},
		{name: "fallback/import", doc: `{"@context": {"@import": ` + vc + `, "x": "http://ex.org/x"}, "x": 1}`},
		{name: "fallback/protected-redefined", doc: expandSeeds[6]},
		{name: "fallback/protected-null", doc: expandSeeds[8]},
		{name: "fallback/property-scoped-override", doc: expandSeeds[5]},
		{name: "fallback/unknown-context", doc: `{"@context": "https://example.org/unknown", "x": 1}`},
		{name: "fallback/invalid-type", doc: `{"@context": {"@vocab": "http://ex.org/"}, "@type": 5}`},
		{name: "fallback/colliding-keywords", doc: `{"@context": {"id": "@id"}, "@id": "urn:a", "id": "urn:b"}`},
		{name: "fallback/error-inside-list", doc: `{"@context": {"@vocab": "http://ex.org/"}, "p": {"@list": [{"@id": 5}]}}`},
		{name: "fallback/compact-iri-with-null-prefix", doc: `{"@context": {"@vocab": "http://ex.org/", "n": null}, "n:x": 1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fallback := strings.HasPrefix(tt.name, "fallback/")
			input := mustJSON(t, tt.doc)
			l, err := DefaultLoader().With(fstest.MapFS{"index.json": {Data: []byte(`{}`)}})
			if err != nil {
				t.Fatal(err)
			}
			before := fallbacks.Load()
			_, ok := l.expand(input)
			if ok == fallback {
				t.Errorf("left to json-gold: %v, want %v", !ok, fallback)
			}
			if n := fallbacks.Load() - before; n != 0 && !fallback {
				t.Errorf("%d fallbacks counted", n)
			}
			compareExpansion(t, tt.name, input, l)
			want, errWant := canonicalizeJSONGold(input, l)
			got, err := Canonicalize(input, l)
			switch {
			case errWant == nil && err != nil:
				t.Errorf("Canonicalize: %v; json-gold succeeds", err)
			case errWant != nil && err == nil:
				t.Errorf("Canonicalize succeeds; json-gold: %v", errWant)
			case errors.Is(errWant, ErrUndefinedTerm) || errors.Is(errWant, ErrUnknownContext):
				if err.Error() != errWant.Error() {
					t.Errorf("Canonicalize: %v; json-gold: %v", err, errWant)
				}
			case got != want:
				t.Errorf("Canonicalize differs from json-gold:\n%s", cmp.Diff(want, got))
			}
		})
	}
}

// TestScopesKept: a Loader processes each context once — a second
// credential of the same kind derives no new scope — and keeps no more
// scopes than its bounds allow.
func TestScopesKept(t *testing.T) {
	l, err := DefaultLoader().With(fstest.MapFS{"index.json": {Data: []byte(`{}`)}})
	if err != nil {
		t.Fatal(err)
	}
	doc := readJSON(t, "testdata/ob3-achievement-credential.json")
	if _, ok := l.expand(doc); !ok {
		t.Fatal("left to json-gold")
	}
	first := l.scopes.n.Load()
	if first == 0 {
		t.Fatal("no scope kept")
	}
	for _, f := range []string{"../transcript/testdata/golden/L-1001-clr-jst.json", "testdata/ob3-achievement-credential.json"} {
		if _, ok := l.expand(readJSON(t, f)); !ok {
			t.Fatalf("%s left to json-gold", f)
		}
	}
	again := l.scopes.n.Load()
	if _, ok := l.expand(doc); !ok {
		t.Fatal("left to json-gold")
	}
	if n := l.scopes.n.Load(); n != again {
		t.Errorf("expanding the same credential again kept %d more scopes", n-again)
	}
	t.Logf("scopes kept: %d for the OB 3.0 credential, %d with the CLR", first, again)

	// Documents with an inline @context each: one scope each, up to
	// maxDerived, and the rest are expanded without being kept.
	base := l.baseScope()
	for i := range maxDerived + 10 {
		input := mustJSON(t, fmt.Sprintf(`{"@context": {"@vocab": "http://ex.org/%d/"}, "@id": "urn:x", "p": %d}`, i, i))
		compareExpansion(t, fmt.Sprintf("inline context %d", i), input, l)
	}
	if m := base.byContext.Load(); m == nil || len(*m) != maxDerived {
		t.Errorf("base scope keeps %v scopes by @context, want %d", m, maxDerived)
	}
}

// FuzzExpandMutations: like FuzzExpandMatchesJSONGold, on credentials
// changed the way JSON-LD can vary rather than byte by byte: the fuzzer's
// bytes pick a document (a vector, golden credential or seed) and a list of
// edits — types with and without scoped contexts, keyword and term keys,
// value, list and set objects, inline contexts (scoped, protected, null,
// @propagate, @vocab, @base, containers), subtrees moved elsewhere.
func FuzzExpandMutations(f *testing.F) {
	_, inputs := expansionInputs(f)
	for _, s := range expandSeeds {
		inputs = append(inputs, mustJSON(f, s))
	}
	for i := range inputs {
		f.Add(uint16(i), []byte{})
		f.Add(uint16(i), []byte{byte(i), 1, 7, byte(i * 3), 4, 2, 9, 5})
	}
	f.Fuzz(func(t *testing.T, which uint16, edits []byte) {
		if len(edits) > 64 {
			return
		}
		doc := mutate(ld.CloneDocument(inputs[int(which)%len(inputs)]), edits)
		input, err := jsonValue(doc)
		if err != nil {
			return
		}
		compareExpansion(t, "mutated", input, DefaultLoader())
	})
}

var (
	mutationKeys = []string{"id", "type", "name", "description", "credentialSubject", "achievement", "alignment",
		"result", "resultDescription", "issuer", "validFrom", "proof", "evidence", "image", "criteria", "narrative",
		"targetName", "achievementType", "identifier", "endorsement", "verifiableCredential", "holder",
		"credentialStatus", "proofPurpose", "verificationMethod", "created", "cnf", "statusMessage", "foo",
		"@id", "@type", "@value", "@language", "@list", "@set", "@graph", "@reverse", "@index", "@nest",
		"@included", "@direction", "@json", "@none", "@foo", "http://ex.org/p", "ex:q", "_:b", "p", "t", "l", "i", "j"}
	mutationTypes = []string{"VerifiableCredential", "OpenBadgeCredential", "AchievementCredential", "AchievementSubject",
		"Achievement", "Alignment", "Result", "ResultDescription", "Profile", "Evidence", "IdentityObject", "Image",
		"Criteria", "EndorsementCredential", "VerifiablePresentation", "DataIntegrityProof", "BitstringStatusListEntry",
		"ClrCredential", "ClrSubject", "Unknown", "http://ex.org/T", "T", "A", "@json", "@id"}
	mutationContexts = []string{
		`{"T": {"@id": "http://ex.org/T", "@context": {"p": {"@id": "http://ex.org/tp", "@type": "@id"}}}}`,
		`{"p": {"@id": "http://ex.org/p", "@context": {"q": "http://ex.org/pq"}}}`,
		`{"p": {"@id": "http://ex.org/p", "@context": null}}`,
		`{"@vocab": "http://ex.org/v/"}`,
		`{"@vocab": null}`,
		`null`,
		`[]`,
		`{"@protected": true, "name": "http://ex.org/name"}`,
		`{"@propagate": false, "p": "http://ex.org/p"}`,
		`{"@base": "http://base.example/x/", "@language": "EN", "@direction": "rtl"}`,
		`{"l": {"@id": "http://ex.org/l", "@container": "@list"}, "i": {"@id": "http://ex.org/i", "@container": "@index"}, "t": {"@id": "http://ex.org/t", "@container": "@type"}, "j": {"@id": "http://ex.org/j", "@type": "@json"}}`,
		`{"g": {"@id": "http://ex.org/g", "@container": "@graph"}, "n": "@nest", "r": {"@reverse": "http://ex.org/r"}, "lm": {"@id": "http://ex.org/lm", "@container": "@language"}}`,
		`"https://www.w3.org/ns/credentials/v2"`,
		`["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]`,
		`{"A": {"@id": "http://ex.org/A", "@context": {"@propagate": true, "p": "http://ex.org/ap"}}, "ex": "http://ex.org/"}`,
		`{"@version": 1.1, "type": "@type", "id": "@id", "@import": "https://www.w3.org/ns/credentials/v2"}`,
	}
)

// mutate applies edits, read two bytes at a time (what, where), to doc's
// objects.
func mutate(doc any, edits []byte) any {
	for i := 0; i+1 < len(edits); i += 2 {
		var objects []map[string]any
		var collect func(v any)
		collect = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				objects = append(objects, v)
				for _, k := range sortedMapKeys(v) {
					collect(v[k])
				}
			case []any:
				for _, e := range v {
					collect(e)
				}
			}
		}
		collect(doc)
		if len(objects) == 0 {
			return doc
		}
		what, where := edits[i], int(edits[i+1])
		obj := objects[where%len(objects)]
		keys := sortedMapKeys(obj)
		pick := func(list []string) string { return list[int(what>>3)%len(list)] }
		key := ""
		if len(keys) > 0 {
			key = keys[int(what>>3)%len(keys)]
		}
		switch what % 8 {
		case 0:
			delete(obj, key)
		case 1:
			if what&0x80 != 0 {
				obj["type"] = []any{pick(mutationTypes), mutationTypes[int(what)%len(mutationTypes)]}
			} else {
				obj[pick([]string{"type", "@type"})] = pick(mutationTypes)
			}
		case 2:
			if key != "" {
				obj[key] = []any{obj[key]}
			}
		case 3:
			if key != "" {
				wrappers := []func(v any) any{
					func(v any) any { return map[string]any{"@value": v} },
					func(v any) any { return map[string]any{"@value": v, "@language": "en"} },
					func(v any) any { return map[string]any{"@list": []any{v}} },
					func(v any) any { return map[string]any{"@set": v} },
					func(v any) any { return map[string]any{"@id": "urn:x:1"} },
					func(v any) any { return map[string]any{"@value": v, "@type": "http://ex.org/dt"} },
				}
				obj[key] = wrappers[int(what>>3)%len(wrappers)](obj[key])
			}
		case 4:
			var ctx any
			_ = json.Unmarshal([]byte(pick(mutationContexts)), &ctx)
			if old, ok := obj["@context"]; ok && what&0x40 != 0 {
				ctx = append(asSlice(old), ctx)
			}
			obj["@context"] = ctx
		case 5:
			if len(objects) > 300 {
				break // copies of copies grow the document exponentially
			}
			from := objects[int(what>>3)%len(objects)]
			obj[pick(mutationKeys)] = ld.CloneDocument(from)
		case 6:
			scalars := []any{1.0, 2.5, true, nil, "x", "urn:uuid:1", "http://ex.org/v", "Achievement", "en", "_:b1"}
			obj[pick(mutationKeys)] = scalars[int(where)%len(scalars)]
		case 7:
			if key != "" {
				obj[pick(mutationKeys)] = obj[key]
				delete(obj, key)
			}
		}
	}
	return doc
}

// TestScopesBounded: however many different contexts documents bring, a
// Loader keeps at most maxScopes scopes, and expansion stays exact past
// the bound.
func TestScopesBounded(t *testing.T) {
	l, err := DefaultLoader().With(fstest.MapFS{"index.json": {Data: []byte(`{}`)}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range maxScopes + 100 {
		doc := fmt.Sprintf(`{"@context": {"@vocab": "http://ex.org/%d/"}, "@id": "urn:x", "x": {"@context": {"@vocab": "http://ex.org/x/%d/"}, "p": %d}}`, i/200, i, i)
		if got := compareExpansion(t, fmt.Sprintf("document %d", i), mustJSON(t, doc), l); got != "same" {
			t.Errorf("document %d: %s", i, got)
		}
	}
	if n := l.scopes.n.Load(); n != maxScopes {
		t.Errorf("%d scopes kept, want the bound, %d", n, maxScopes)
	}
}
