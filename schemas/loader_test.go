package schemas

import (
	"errors"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/piprate/json-gold/ld"
)

const (
	credentialsV2 = "https://www.w3.org/ns/credentials/v2"
	ob303         = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

func TestLoadDocument(t *testing.T) {
	l := DefaultLoader()
	tests := []struct {
		name, url, wantURL string
		wantErr            string
	}{
		{name: "ok/exact", url: credentialsV2, wantURL: credentialsV2},
		{name: "ok/fragment-ignored", url: credentialsV2 + "#VerifiableCredential", wantURL: credentialsV2},
		{name: "ok/alias", url: "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld",
			wantURL: "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld"},
		{name: "fail/unknown", url: "https://example.org/contexts/v1",
			wantErr: "unknown JSON-LD context https://example.org/contexts/v1: contexts are never fetched"},
		{name: "fail/query-string-is-another-url", url: credentialsV2 + "?v=1",
			wantErr: "unknown JSON-LD context " + credentialsV2 + "?v=1: contexts are never fetched"},
		{name: "fail/trailing-slash-is-another-url", url: credentialsV2 + "/",
			wantErr: "unknown JSON-LD context " + credentialsV2 + "/: contexts are never fetched"},
		{name: "fail/http-is-another-url", url: "http://www.w3.org/ns/credentials/v2",
			wantErr: "unknown JSON-LD context http://www.w3.org/ns/credentials/v2: contexts are never fetched"},
		{name: "fail/empty", url: "",
			wantErr: "unknown JSON-LD context : contexts are never fetched"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := l.LoadDocument(tt.url)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("LoadDocument(%q) succeeded, want error", tt.url)
				}
				if err.Error() != tt.wantErr {
					t.Errorf("error = %q, want %q", err, tt.wantErr)
				}
				if !errors.Is(err, ErrUnknownContext) {
					t.Errorf("errors.Is(%v, ErrUnknownContext) = false", err)
				}
				var u *UnknownContextError
				if !errors.As(err, &u) || u.URL != tt.url {
					t.Errorf("errors.As: got %+v, want URL %q", u, tt.url)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rd.DocumentURL != tt.wantURL {
				t.Errorf("DocumentURL = %q, want %q", rd.DocumentURL, tt.wantURL)
			}
			if _, ok := rd.Document.(map[string]any)["@context"]; !ok {
				t.Errorf("document has no @context")
			}
		})
	}
}

func TestUnknownContextThroughHelpers(t *testing.T) {
	const u = "https://example.org/never-fetched/v1"
	want := "unknown JSON-LD context " + u + ": contexts are never fetched"
	docs := map[string]any{
		"ok/top-level":     mustJSON(t, `{"@context": ["`+credentialsV2+`", "`+u+`"], "type": "VerifiableCredential"}`),
		"ok/scoped":        mustJSON(t, `{"@context": {"x": {"@id": "https://example.org/x", "@context": "`+u+`"}}, "x": {"y": 1}}`),
		"ok/imported":      mustJSON(t, `{"@context": {"@import": "`+u+`"}, "x": 1}`),
		"ok/inside-array":  mustJSON(t, `[{"@context": "`+u+`"}]`),
		"ok/with-fragment": mustJSON(t, `{"@context": "`+u+`#frag", "x": 1}`),
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			_, errE := Expand(doc, nil)
			_, errC := Canonicalize(doc, nil)
			for op, err := range map[string]error{"Expand": errE, "Canonicalize": errC} {
				if !errors.Is(err, ErrUnknownContext) {
					t.Errorf("%s: errors.Is(%v, ErrUnknownContext) = false", op, err)
					continue
				}
				if name == "ok/with-fragment" {
					continue // the message names the URL as written, fragment and all
				}
				if err.Error() != want {
					t.Errorf("%s: error = %q, want %q", op, err, want)
				}
			}
		})
	}
}

// json-gold wraps a loader error in *ld.JsonLdError; the cause must stay
// reachable even for callers that use json-gold directly with our loader.
func TestUnknownContextThroughJSONGold(t *testing.T) {
	doc := mustJSON(t, `{"@context": "https://example.org/x", "a": 1}`)
	_, err := ld.NewJsonLdProcessor().Expand(doc, options(DefaultLoader()))
	var jerr *ld.JsonLdError
	if !errors.As(err, &jerr) {
		t.Fatalf("json-gold error is %T, not *ld.JsonLdError: %v", err, err)
	}
	if !errors.Is(err, ErrUnknownContext) {
		t.Errorf("errors.Is through *ld.JsonLdError = false: %v", err)
	}
}

func TestDocumentsParsedOnce(t *testing.T) {
	l := DefaultLoader()
	first, _, err := l.load(ob303)
	if err != nil {
		t.Fatal(err)
	}
	before := parses.Load()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				rd, _, err := l.load(ob303)
				if err != nil {
					t.Error(err)
					return
				}
				if reflect.ValueOf(rd.Document).Pointer() != reflect.ValueOf(first.Document).Pointer() {
					t.Error("load returned a different parsed document")
					return
				}
				if _, err := l.LoadDocument(ob303); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if _, err := Canonicalize(readJSON(t, "testdata/ob3-achievement-credential.json"), nil); err != nil {
		t.Fatal(err)
	}
	if got := parses.Load() - before; got != 0 {
		t.Errorf("%d context files parsed again; want each parsed once per process", got)
	}
	// Aliases of one file share one parsed document.
	a, _, _ := l.load("https://purl.imsglobal.org/spec/ob/v3p0/context.json")
	b, _, _ := l.load("https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld")
	if reflect.ValueOf(a.Document).Pointer() != reflect.ValueOf(b.Document).Pointer() {
		t.Error("aliases of the same file are parsed separately")
	}
	if DefaultLoader() != l {
		t.Error("DefaultLoader is not a singleton")
	}
}

// What LoadDocument hands to other processors is theirs to change.
func TestLoadDocumentHandsOutCopies(t *testing.T) {
	l := DefaultLoader()
	rd, err := l.LoadDocument(credentialsV2)
	if err != nil {
		t.Fatal(err)
	}
	rd.Document.(map[string]any)["@context"] = "clobbered"
	again, err := l.LoadDocument(credentialsV2)
	if err != nil {
		t.Fatal(err)
	}
	if again.Document.(map[string]any)["@context"] == "clobbered" {
		t.Fatal("a caller's change to a loaded document reached the cache")
	}
}

// A document that @imports an embedded context must not change it for
// everyone else (json-gold merges into the imported document in place).
func TestHostileImportDoesNotPoisonCache(t *testing.T) {
	doc := readJSON(t, "testdata/ob3-achievement-credential.json")
	want, err := Canonicalize(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	hostile := mustJSON(t, `{"@context": [{"@version": 1.1, "@import": "`+credentialsV2+`",
		"name": "https://evil.example/name"}], "name": "x"}`)
	_, _ = Canonicalize(hostile, nil)
	_, _ = Expand(hostile, nil)
	_, _ = ld.NewJsonLdProcessor().Expand(hostile, options(DefaultLoader()))
	got, err := Canonicalize(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("canonical form changed after a document @imported the VC context:\n%s", cmp.Diff(want, got))
	}
}

// json-gold must not change the shared parsed contexts: canonicalising real
// credentials leaves every cached document equal to a fresh parse.
func TestCachedDocumentsUnchanged(t *testing.T) {
	for _, f := range []string{"testdata/ob3-achievement-credential.json"} {
		if _, err := Canonicalize(readJSON(t, f), nil); err != nil {
			t.Fatal(err)
		}
	}
	if dir := sharedDir + "/vectors/1edtech-spec-ldp-test-vectors/obv3p0/signed-credential.json"; fileExists(dir) {
		if _, err := Canonicalize(readJSON(t, dir), nil); err != nil {
			t.Fatal(err)
		}
	}
	l := DefaultLoader()
	for _, c := range Contexts() {
		rd, err := l.LoadDocument(c.URL)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := parseContextFile(c.File, mustRead(embeddedFS(), c.File))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(fresh, rd.Document); diff != "" {
			t.Errorf("%s changed after use (-fresh +cached):\n%s", c.URL, diff)
		}
	}
}

// A context with @import is merged into by json-gold, so it is handed out as
// a copy.
func TestImportContextsAreCopied(t *testing.T) {
	l, err := DefaultLoader().With(fstest.MapFS{
		"index.json":     {Data: []byte(`{"https://example.org/imports": "imports.jsonld", "https://example.org/base": "base.jsonld"}`)},
		"imports.jsonld": {Data: []byte(`{"@context": {"@version": 1.1, "@import": "https://example.org/base", "b": "https://example.org/b"}}`)},
		"base.jsonld":    {Data: []byte(`{"@context": {"a": "https://example.org/a"}}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	doc := mustJSON(t, `{"@context": "https://example.org/imports", "a": 1, "b": 2}`)
	for range 2 {
		got, err := Canonicalize(doc, l)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, "<https://example.org/a>") || !strings.Contains(got, "<https://example.org/b>") {
			t.Errorf("@import not applied:\n%s", got)
		}
	}
	rd, _ := l.LoadDocument("https://example.org/base")
	if diff := cmp.Diff(mustJSON(t, `{"@context": {"a": "https://example.org/a"}}`), rd.Document); diff != "" {
		t.Errorf("imported context changed (-want +got):\n%s", diff)
	}
}

func TestWith(t *testing.T) {
	const extraURL = "https://example.org/extra/v1"
	extraCtx := `{"@context": {"@protected": true, "shoeSize": "https://example.org/extra#shoeSize"}}`
	v2, err := fs.ReadFile(embeddedFS(), "w3c-credentials-v2.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		wantErr string // substring
	}{
		{name: "ok/adds-context", fsys: fstest.MapFS{
			"index.json":   {Data: []byte(`{"` + extraURL + `": "extra.jsonld"}`)},
			"extra.jsonld": {Data: []byte(extraCtx)},
		}},
		{name: "ok/same-json-as-embedded", fsys: fstest.MapFS{
			"index.json":   {Data: []byte(`{"` + extraURL + `": "extra.jsonld", "` + credentialsV2 + `": "v2.jsonld"}`)},
			"extra.jsonld": {Data: []byte(extraCtx)},
			"v2.jsonld":    {Data: append(v2, '\n')},
		}},
		{name: "ok/two-urls-one-file", fsys: fstest.MapFS{
			"index.json":   {Data: []byte(`{"` + extraURL + `": "extra.jsonld", "https://example.org/alias": "extra.jsonld"}`)},
			"extra.jsonld": {Data: []byte(extraCtx)},
		}},
		{name: "fail/no-index", fsys: fstest.MapFS{"extra.jsonld": {Data: []byte(extraCtx)}},
			wantErr: "schemas: extra contexts: open index.json"},
		{name: "fail/index-not-a-map", fsys: fstest.MapFS{"index.json": {Data: []byte(`["` + extraURL + `"]`)}},
			wantErr: "index.json: want an object mapping URL to file name"},
		{name: "fail/bad-json-names-file", fsys: fstest.MapFS{
			"index.json":   {Data: []byte(`{"` + extraURL + `": "extra.jsonld"}`)},
			"extra.jsonld": {Data: []byte(`{"@context": {"shoeSize": }`)},
		}, wantErr: "context file extra.jsonld: invalid JSON"},
		{name: "fail/trailing-data", fsys: fstest.MapFS{
			"index.json":   {Data: []byte(`{"` + extraURL + `": "extra.jsonld"}`)},
			"extra.jsonld": {Data: []byte(extraCtx + `{}`)},
		}, wantErr: "context file extra.jsonld: invalid JSON: data after the top-level value"},
		{name: "fail/not-an-object", fsys: fstest.MapFS{
			"index.json":   {Data: []byte(`{"` + extraURL + `": "extra.jsonld"}`)},
			"extra.jsonld": {Data: []byte(`["https://example.org"]`)},
		}, wantErr: "context file extra.jsonld: want a JSON object, got an array"},
		{name: "fail/missing-file", fsys: fstest.MapFS{
			"index.json": {Data: []byte(`{"` + extraURL + `": "nope.jsonld"}`)},
		}, wantErr: "nope.jsonld"},
		{name: "fail/path-escapes-directory", fsys: fstest.MapFS{
			"index.json": {Data: []byte(`{"` + extraURL + `": "../etc/passwd"}`)},
		}, wantErr: `"../etc/passwd" is not a file name in the directory`},
		{name: "fail/relative-url", fsys: fstest.MapFS{
			"index.json":   {Data: []byte(`{"extra/v1": "extra.jsonld"}`)},
			"extra.jsonld": {Data: []byte(extraCtx)},
		}, wantErr: `"extra/v1" is not an absolute URL without a fragment`},
		{name: "fail/fragment-url", fsys: fstest.MapFS{
			"index.json":   {Data: []byte(`{"` + extraURL + `#x": "extra.jsonld"}`)},
			"extra.jsonld": {Data: []byte(extraCtx)},
		}, wantErr: "is not an absolute URL without a fragment"},
		{name: "fail/replaces-embedded", fsys: fstest.MapFS{
			"index.json":   {Data: []byte(`{"` + credentialsV2 + `": "extra.jsonld"}`)},
			"extra.jsonld": {Data: []byte(extraCtx)},
		}, wantErr: credentialsV2 + ": file extra.jsonld differs from the context this loader already has"},
	}
	base := DefaultLoader()
	nBase := len(base.Contexts())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := base.With(tt.fsys)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("With: error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			doc := mustJSON(t, `{"@context": ["`+credentialsV2+`", "`+extraURL+`"],
				"type": "VerifiableCredential", "issuer": "did:example:i", "credentialSubject": {"shoeSize": 42}}`)
			got, err := Canonicalize(doc, l)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got, "<https://example.org/extra#shoeSize>") {
				t.Errorf("extra context not used:\n%s", got)
			}
			if _, err := base.LoadDocument(extraURL); !errors.Is(err, ErrUnknownContext) {
				t.Errorf("With changed the loader it was called on")
			}
			var extra []Context
			for _, c := range l.Contexts() {
				if c.Package == "" {
					extra = append(extra, c)
				}
			}
			if len(extra) == 0 || len(l.Contexts()) != nBase+len(extra) {
				t.Errorf("Contexts() = %d entries (%d extra), base has %d", len(l.Contexts()), len(extra), nBase)
			}
			for _, c := range extra {
				if c.SHA256 == "" || c.File == "" {
					t.Errorf("extra context without file or sha256: %+v", c)
				}
			}
		})
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
