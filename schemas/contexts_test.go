package schemas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/piprate/json-gold/ld"
)

// knownMissing lists the context URLs of ../shared/contexts/index.json that
// are deliberately not embedded, and why. A shared context that is neither
// embedded nor listed here fails TestSharedContextsAreEmbedded, so a new gap
// is noticed rather than discovered by a user.
var knownMissing = map[string]string{
	"https://w3id.org/security/jwk/v1": "no published npm package (or Go module in use) carries it; " +
		"users who need it load it from a directory of extra contexts (Loader.With)",
	"https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "no published npm package carries it " +
		"(LearnCard's didkit WASM has only CLR context.json); users load it from a directory of extra contexts (Loader.With)",
}

// knownNewerUpstream lists, per URL, the term definitions the shared copy has
// that the embedded (npm) copy lacks. Terms only added leave the meaning of
// documents that do not use them unchanged; a document that does use them
// fails safe mode until the package catches up.
var knownNewerUpstream = map[string][]string{
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": {
		"endorsementJwt",
		"jti",
	},
}

func TestEmbeddedIndex(t *testing.T) {
	idx, err := embeddedIndex()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, c := range idx {
		files[c.File] = true
		t.Run(c.URL, func(t *testing.T) {
			b, err := fs.ReadFile(embeddedFS(), c.File)
			if err != nil {
				t.Fatal(err)
			}
			if got := sha256Hex(b); got != c.SHA256 {
				t.Errorf("%s: sha256 %s, index.json says %s", c.File, got, c.SHA256)
			}
			doc, err := parseContextFile(c.File, b)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := doc.(map[string]any)["@context"]; !ok {
				t.Errorf("%s has no @context", c.File)
			}
			if c.Package == "" || c.Version == "" || c.Path == "" || c.Extract == "" || c.License == "" {
				t.Errorf("incomplete provenance: %+v", c)
			}
			if strings.ContainsAny(c.Version, "^~*<> ") {
				t.Errorf("version %q is not pinned", c.Version)
			}
		})
	}
	// Every file under contexts/ is in the index: nothing is embedded without
	// saying where it came from.
	entries, err := fs.ReadDir(embeddedFS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "index.json" && !files[e.Name()] {
			t.Errorf("contexts/%s is embedded but not in index.json", e.Name())
		}
	}
}

func TestSourcesMDListsEveryContext(t *testing.T) {
	md := mustReadRepoFile(t, "contexts/SOURCES.md")
	for _, c := range Contexts() {
		if !strings.Contains(md, c.URL) || !strings.Contains(md, c.SHA256) || !strings.Contains(md, c.Source()) {
			t.Errorf("contexts/SOURCES.md lacks a row for %s (%s, %s)", c.URL, c.Source(), c.SHA256)
		}
	}
	for u := range knownMissing {
		if !strings.Contains(md, u) {
			t.Errorf("contexts/SOURCES.md does not mention missing context %s", u)
		}
	}
}

func mustReadRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestContextsListing(t *testing.T) {
	cs := Contexts()
	if len(cs) == 0 {
		t.Fatal("no contexts")
	}
	if !sort.SliceIsSorted(cs, func(i, j int) bool { return cs[i].URL < cs[j].URL }) {
		t.Error("Contexts() not sorted by URL")
	}
	cs[0].URL = "mutated"
	if Contexts()[0].URL == "mutated" {
		t.Error("Contexts() hands out its internal slice")
	}
}

// TestEmbeddedMatchesShared compares every embedded context with the copy in
// ../shared/contexts (gathered independently, from the publishers' repos):
// byte-equal, else the same JSON, else the same meaning for every term the
// embedded copy defines.
func TestEmbeddedMatchesShared(t *testing.T) {
	sharedFS := sharedContextsFS(t)
	index := map[string]string{}
	if err := json.Unmarshal(mustRead(sharedFS, "index.json"), &index); err != nil {
		t.Fatal(err)
	}
	shared := fsLoader(t, sharedFS)
	var byteEqual, jsonEqual, probed []string
	for _, c := range Contexts() {
		file, ok := index[c.URL]
		if !ok {
			t.Logf("%s: not in ../shared/contexts (nothing to compare)", c.URL)
			continue
		}
		t.Run(c.URL, func(t *testing.T) {
			mine, err := fs.ReadFile(embeddedFS(), c.File)
			if err != nil {
				t.Fatal(err)
			}
			theirs := mustRead(sharedFS, file)
			if bytes.Equal(mine, theirs) {
				byteEqual = append(byteEqual, c.URL)
				return
			}
			var a, b any
			if err := json.Unmarshal(mine, &a); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(theirs, &b); err != nil {
				t.Fatal(err)
			}
			if reflect.DeepEqual(a, b) {
				jsonEqual = append(jsonEqual, c.URL)
				return
			}
			// Different JSON: the embedded copy must still mean the same for
			// every term it defines, and anything extra upstream must be known.
			mineTerms, theirTerms := termPaths(a), termPaths(b)
			var missing, extra []string
			for p := range mineTerms {
				if _, ok := theirTerms[p]; !ok {
					missing = append(missing, p)
				}
			}
			for p := range theirTerms {
				if _, ok := mineTerms[p]; !ok {
					extra = append(extra, p)
				}
			}
			sort.Strings(missing)
			sort.Strings(extra)
			if len(missing) > 0 {
				t.Errorf("embedded copy defines terms the shared copy does not: %v", missing)
			}
			if diff := cmp.Diff(knownNewerUpstream[c.URL], extra); diff != "" {
				t.Errorf("terms only the shared copy defines differ from knownNewerUpstream (-known +found):\n%s", diff)
			}
			probe := probeDocument(c.URL, a.(map[string]any)["@context"])
			gotMine, errMine := plainExpand(probe, DefaultLoader())
			gotTheirs, errTheirs := plainExpand(probe, shared)
			if errMine != nil || errTheirs != nil {
				t.Fatalf("probe expansion failed: embedded: %v; shared: %v", errMine, errTheirs)
			}
			if diff := cmp.Diff(gotTheirs, gotMine); diff != "" {
				t.Errorf("probe document using every term expands differently (-shared +embedded):\n%s", diff)
			}
			probed = append(probed, c.URL)
		})
	}
	t.Logf("byte-equal to ../shared (%d): %s", len(byteEqual), strings.Join(byteEqual, " "))
	t.Logf("same JSON as ../shared (%d): %s", len(jsonEqual), strings.Join(jsonEqual, " "))
	t.Logf("same meaning per probe document (%d): %s", len(probed), strings.Join(probed, " "))
}

// TestSharedContextsAreEmbedded: every context URL in ../shared is embedded
// or explained in knownMissing; and nothing in knownMissing is embedded.
func TestSharedContextsAreEmbedded(t *testing.T) {
	sharedFS := sharedContextsFS(t)
	index := map[string]string{}
	if err := json.Unmarshal(mustRead(sharedFS, "index.json"), &index); err != nil {
		t.Fatal(err)
	}
	embedded := map[string]bool{}
	for _, c := range Contexts() {
		embedded[c.URL] = true
	}
	for _, u := range sortedKeys(index) {
		if strings.HasPrefix(index[u], "schemas/") {
			continue // JSON Schemas, not JSON-LD contexts
		}
		_, missing := knownMissing[u]
		switch {
		case embedded[u] && missing:
			t.Errorf("%s is embedded now: remove it from knownMissing", u)
		case !embedded[u] && !missing:
			t.Errorf("%s is in ../shared/contexts but neither embedded nor in knownMissing", u)
		}
	}
	for u := range knownMissing {
		if _, ok := index[u]; !ok {
			t.Errorf("knownMissing lists %s, which ../shared/contexts does not have", u)
		}
	}
}

// plainExpand is json-gold expansion without safe mode: for comparing
// contexts, where the probe may legitimately leave terms unused.
func plainExpand(doc any, l *Loader) ([]any, error) {
	return ld.NewJsonLdProcessor().Expand(doc, options(l))
}

// termPaths lists every term a context defines, scoped ones as
// "Scope/term", with their definitions.
func termPaths(doc any) map[string]any {
	out := map[string]any{}
	var walk func(ctx any, prefix string)
	walk = func(ctx any, prefix string) {
		switch c := ctx.(type) {
		case []any:
			for _, e := range c {
				walk(e, prefix)
			}
		case map[string]any:
			for term, def := range c {
				if strings.HasPrefix(term, "@") {
					continue
				}
				out[prefix+term] = def
				if m, ok := def.(map[string]any); ok {
					if scoped, ok := m["@context"]; ok {
						walk(scoped, prefix+term+"/")
					}
				}
			}
		}
	}
	if m, ok := doc.(map[string]any); ok {
		walk(m["@context"], "")
	}
	return out
}

// probeDocument builds a document that uses every term of a context: one
// node with every term as a property, and for each term with a scoped context
// one node of that type and one property-scoped node using the scoped terms.
func probeDocument(url string, ctx any) map[string]any {
	var graph []any
	n := 0
	id := func() string { n++; return fmt.Sprintf("urn:probe:%d", n) }
	var fill func(node map[string]any, ctx any, depth int)
	fill = func(node map[string]any, ctx any, depth int) {
		defs := map[string]any{}
		for _, c := range asSlice(ctx) {
			if m, ok := c.(map[string]any); ok {
				for k, v := range m {
					defs[k] = v
				}
			}
		}
		for _, term := range sortedMapKeys(defs) {
			def := defs[term]
			if strings.HasPrefix(term, "@") || isKeywordAlias(def) {
				continue
			}
			node[term] = probeValue(def)
			m, ok := def.(map[string]any)
			if !ok || depth > 2 {
				continue
			}
			scoped, ok := m["@context"]
			if !ok {
				continue
			}
			typed := map[string]any{"@id": id(), "@type": term}
			fill(typed, scoped, depth+1)
			graph = append(graph, typed)
			prop := map[string]any{"@id": id()}
			fill(prop, scoped, depth+1)
			graph = append(graph, map[string]any{"@id": id(), term: prop})
		}
	}
	top := map[string]any{"@id": id()}
	fill(top, ctx, 0)
	graph = append([]any{top}, graph...)
	return map[string]any{"@context": url, "@graph": graph}
}

func isKeywordAlias(def any) bool {
	switch d := def.(type) {
	case string:
		return strings.HasPrefix(d, "@")
	case map[string]any:
		id, _ := d["@id"].(string)
		return strings.HasPrefix(id, "@")
	}
	return false
}

func probeValue(def any) any {
	m, ok := def.(map[string]any)
	if !ok {
		return "probe"
	}
	containers := map[string]bool{}
	for _, c := range asSlice(m["@container"]) {
		if s, ok := c.(string); ok {
			containers[s] = true
		}
	}
	switch {
	case containers["@language"]:
		return map[string]any{"en": "probe"}
	case containers["@index"]:
		return map[string]any{"k": "probe"}
	case containers["@graph"]:
		return map[string]any{"@id": "urn:probe:graph"}
	case containers["@list"]:
		return []any{"probe"}
	}
	switch m["@type"] {
	case "@id", "@vocab":
		return "urn:probe:value"
	case "@json":
		return map[string]any{"a": 1.0}
	}
	return "probe"
}
