package schemas

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/piprate/json-gold/ld"
)

// parseNQuads reads a dataset written as N-Quads, for json-gold and for
// canonicalNQuads.
func parseNQuads(t testing.TB, nquads string) (*ld.RDFDataset, *dataset) {
	t.Helper()
	theirs, err := ld.ParseNQuads(nquads)
	if err != nil {
		t.Fatalf("bad test N-Quads: %v\n%s", err, nquads)
	}
	again, _ := ld.ParseNQuads(nquads) // json-gold's algorithm rewrites its input
	ours := &dataset{}
	blanks := map[string]int32{}
	convert := func(n ld.Node) term {
		switch n := n.(type) {
		case ld.IRI:
			return term{kind: iriTerm, value: n.Value}
		case ld.BlankNode:
			id, ok := blanks[n.Attribute]
			if !ok {
				id = int32(len(ours.labels))
				ours.labels = append(ours.labels, n.Attribute)
				blanks[n.Attribute] = id
			}
			return term{kind: blankTerm, bnode: id}
		case ld.Literal:
			return term{kind: literalTerm, value: n.Value, datatype: n.Datatype, language: n.Language}
		}
		return term{}
	}
	for _, name := range sortedMapKeys(anyMap(again.Graphs)) {
		for _, q := range again.Graphs[name] {
			var g term
			if q.Graph != nil {
				g = convert(q.Graph)
			}
			ours.quads = append(ours.quads, quad{s: convert(q.Subject), p: q.Predicate.GetValue(), o: convert(q.Object), g: g})
		}
	}
	return theirs, ours
}

func anyMap[V any](m map[string]V) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func jsonGoldNormalize(t testing.TB, ds *ld.RDFDataset) string {
	t.Helper()
	opts := ld.NewJsonLdOptions("")
	opts.Format = "application/n-quads"
	res, err := ld.NewNormalisationAlgorithm(ld.AlgorithmURDNA2015).Main(ds, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res.(string)
}

const ex = "http://example.org/vocab#"

// cycle writes a directed cycle of n blank nodes named prefix0...
func cycle(prefix string, n int, graph string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "_:%s%d <%snext> _:%s%d%s .\n", prefix, i, ex, prefix, (i+1)%n, graph)
	}
	return b.String()
}

// clique writes n blank nodes each related to every other: every node looks
// the same to RDFC-1.0, at every degree — a poison graph.
func clique(n int) string {
	var b strings.Builder
	for i := range n {
		for j := range n {
			if i != j {
				fmt.Fprintf(&b, "_:e%d <%sp> _:e%d .\n", i, ex, j)
			}
		}
	}
	return b.String()
}

func TestCanonicalNQuads(t *testing.T) {
	tests := []struct {
		name   string
		nquads string
		want   string // if set, also the expected output (from the RDFC-1.0 specification's examples)
	}{
		{name: "ok/no-blank-nodes", nquads: `<http://ex.org/s> <http://ex.org/p> "b" .
<http://ex.org/s> <http://ex.org/p> "a" .
<http://ex.org/s> <http://ex.org/p> <http://ex.org/o> <http://ex.org/g> .
`},
		{name: "ok/unique-blank-nodes", nquads: `_:x <http://ex.org/p> "1" .
_:y <http://ex.org/p> "2" .
_:x <http://ex.org/q> _:y .
`},
		{name: "ok/spec-example-next-prev-cycle", nquads: `_:e0 <http://example.org/vocab#next> _:e1 .
_:e0 <http://example.org/vocab#prev> _:e2 .
_:e1 <http://example.org/vocab#next> _:e2 .
_:e1 <http://example.org/vocab#prev> _:e0 .
_:e2 <http://example.org/vocab#next> _:e0 .
_:e2 <http://example.org/vocab#prev> _:e1 .
`, want: `_:c14n0 <http://example.org/vocab#next> _:c14n2 .
_:c14n0 <http://example.org/vocab#prev> _:c14n1 .
_:c14n1 <http://example.org/vocab#next> _:c14n0 .
_:c14n1 <http://example.org/vocab#prev> _:c14n2 .
_:c14n2 <http://example.org/vocab#next> _:c14n1 .
_:c14n2 <http://example.org/vocab#prev> _:c14n0 .
`},
		{name: "ok/spec-example-unique-hashes", nquads: `<http://example.com/#p> <http://example.com/#q> _:e0 .
<http://example.com/#p> <http://example.com/#r> _:e1 .
_:e0 <http://example.com/#s> <http://example.com/#u> .
_:e1 <http://example.com/#t> <http://example.com/#u> .
`, want: `<http://example.com/#p> <http://example.com/#q> _:c14n0 .
<http://example.com/#p> <http://example.com/#r> _:c14n1 .
_:c14n0 <http://example.com/#s> <http://example.com/#u> .
_:c14n1 <http://example.com/#t> <http://example.com/#u> .
`},
		{name: "ok/spec-example-shared-hashes", nquads: `<http://example.com/#p> <http://example.com/#q> _:e0 .
<http://example.com/#p> <http://example.com/#q> _:e1 .
_:e0 <http://example.com/#p> _:e2 .
_:e1 <http://example.com/#p> _:e3 .
_:e2 <http://example.com/#r> _:e3 .
`, want: `<http://example.com/#p> <http://example.com/#q> _:c14n2 .
<http://example.com/#p> <http://example.com/#q> _:c14n3 .
_:c14n0 <http://example.com/#r> _:c14n1 .
_:c14n2 <http://example.com/#p> _:c14n1 .
_:c14n3 <http://example.com/#p> _:c14n0 .
`},
		{name: "ok/duplicated-structures", nquads: `<http://ex.org/s> <http://ex.org/p> _:a .
<http://ex.org/s> <http://ex.org/p> _:b .
_:a <http://ex.org/name> "same" .
_:b <http://ex.org/name> "same" .
_:a <http://ex.org/child> _:c .
_:b <http://ex.org/child> _:d .
_:c <http://ex.org/name> "leaf" .
_:d <http://ex.org/name> "leaf" .
`},
		{name: "ok/one-cycle", nquads: cycle("a", 5, "")},
		{name: "ok/two-equal-cycles", nquads: cycle("a", 3, "") + cycle("b", 3, "")},
		{name: "ok/cycles-of-different-length", nquads: cycle("a", 3, "") + cycle("b", 4, "")},
		{name: "ok/cycle-in-blank-graph", nquads: cycle("a", 4, " _:g") + "_:g <http://ex.org/p> \"named\" .\n"},
		{name: "ok/symmetric-square", nquads: `_:a <http://ex.org/p> _:b .
_:b <http://ex.org/p> _:a .
_:b <http://ex.org/p> _:c .
_:c <http://ex.org/p> _:b .
_:c <http://ex.org/p> _:d .
_:d <http://ex.org/p> _:c .
_:d <http://ex.org/p> _:a .
_:a <http://ex.org/p> _:d .
`},
		{name: "ok/small-clique", nquads: clique(4)},
		{name: "ok/self-references", nquads: `_:a <http://ex.org/p> _:a .
_:b <http://ex.org/p> _:b .
_:a <http://ex.org/q> _:b .
_:c <http://ex.org/p> _:c _:c .
`},
		{name: "ok/blank-graph-names", nquads: `_:s <http://ex.org/p> "x" _:g1 .
_:s <http://ex.org/p> "x" _:g2 .
_:t <http://ex.org/p> "x" _:g1 .
<http://ex.org/a> <http://ex.org/in> _:g1 .
<http://ex.org/a> <http://ex.org/in> _:g2 .
`},
		{name: "ok/literals-and-escapes", nquads: `_:a <http://ex.org/p> "tab\there \"q\" back\\slash\nnl\rcr"@en-GB .
_:a <http://ex.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
_:a <http://ex.org/p> "é ü 😀" .
_:b <http://ex.org/p> "x"^^<http://www.w3.org/2001/XMLSchema#string> .
`},
		{name: "ok/list-of-equal-values", nquads: list(12, `"v"`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			theirs, ours := parseNQuads(t, tt.nquads)
			want := jsonGoldNormalize(t, theirs)
			got, err := canonicalNQuads(ours)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("differs from json-gold (-json-gold +ours):\n%s", diff)
			}
			if tt.want != "" {
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("differs from the specification (-spec +ours):\n%s", diff)
				}
			}
		})
	}
}

// list writes an RDF list of n equal items, whose middle nodes share their
// first-degree hash.
func list(n int, item string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<http://ex.org/s> <http://ex.org/p> _:l0 .\n")
	for i := range n {
		next := fmt.Sprintf("_:l%d", i+1)
		if i == n-1 {
			next = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>"
		}
		fmt.Fprintf(&b, "_:l%d <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> %s .\n", i, item)
		fmt.Fprintf(&b, "_:l%d <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> %s .\n", i, next)
	}
	return b.String()
}

// TestCanonicalNQuadsLabelIndependent: renaming blank nodes and reordering
// statements changes nothing.
func TestCanonicalNQuadsLabelIndependent(t *testing.T) {
	in := cycle("a", 3, "") + cycle("b", 4, "") + clique(3) + "_:a0 <http://ex.org/p> \"x\" .\n"
	_, ds := parseNQuads(t, in)
	want, err := canonicalNQuads(ds)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(in, "\n")
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	renamed := strings.NewReplacer("_:a", "_:zz", "_:b", "_:c14n", "_:e", "_:b").Replace(strings.Join(lines, ""))
	_, ds = parseNQuads(t, renamed)
	got, err := canonicalNQuads(ds)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("relabelled input canonicalises differently:\n%s", cmp.Diff(want, got))
	}
}

// TestPoisonDataset: a graph built to make RDFC-1.0 run for ever is refused
// with ErrTooComplex. The work budget bounds it, not a clock: the test's
// own timeout is what catches a budget that stopped working (timings on a
// shared machine prove nothing; BenchmarkPoison measures the cost).
func TestPoisonDataset(t *testing.T) {
	for _, n := range []int{8, 10, 16} {
		t.Run(fmt.Sprintf("fail/clique-%d", n), func(t *testing.T) {
			_, ds := parseNQuads(t, clique(n))
			_, err := canonicalNQuads(ds)
			if !errors.Is(err, ErrTooComplex) {
				t.Fatalf("error %v, want ErrTooComplex", err)
			}
		})
	}
	t.Run("fail/through-Canonicalize", func(t *testing.T) {
		var graph []string
		for i := range 10 {
			var others []string
			for j := range 10 {
				if i != j {
					others = append(others, fmt.Sprintf(`"_:e%d"`, j))
				}
			}
			graph = append(graph, fmt.Sprintf(`{"@id": "_:e%d", "p": [%s]}`, i, strings.Join(others, ",")))
		}
		doc := `{"@context": {"p": {"@id": "http://example.org/p", "@type": "@id"}}, "@graph": [` + strings.Join(graph, ",") + `]}`
		_, err := Canonicalize([]byte(doc), nil)
		if !errors.Is(err, ErrTooComplex) {
			t.Fatalf("error %v, want ErrTooComplex", err)
		}
		if want := "schemas: canonicalize: RDF dataset too complex to canonicalize"; err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
	})
	t.Run("ok/long-list-of-equal-values", func(t *testing.T) {
		theirs, ours := parseNQuads(t, list(60, `"v"`))
		got, err := canonicalNQuads(ours)
		if err != nil {
			t.Fatal(err)
		}
		if want := jsonGoldNormalize(t, theirs); got != want {
			t.Errorf("differs from json-gold:\n%s", cmp.Diff(want, got))
		}
	})
}

func TestCanonicalDouble(t *testing.T) {
	values := []float64{0, math.Copysign(0, -1), 1, -1, 1.5, 0.1, 100, 1e21, 1e-7, 123.456, 1.25e-7,
		1e300, 5e-324, math.MaxFloat64, -math.SmallestNonzeroFloat64, 12345678901234567890, 0.30000000000000004, 2.5e+100}
	for i := -30; i <= 30; i++ {
		values = append(values, math.Pow(10, float64(i)), 7*math.Pow(10, float64(i))/3)
	}
	for _, v := range values {
		if got, want := canonicalDouble(v), ld.GetCanonicalDouble(v); got != want {
			t.Errorf("canonicalDouble(%v) = %s, json-gold %s", v, got, want)
		}
	}
}

// FuzzIRIChecks: the hand-written IRI and language checks agree with
// json-gold's (url.Parse and regular expressions).
func FuzzIRIChecks(f *testing.F) {
	for _, s := range []string{
		"http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://example.org", "https://a.b", "http://a", "http://a.1",
		"http://ab.1", "http://x.foo-bar", "http://xy.foo-bar", "http://my-site.example.com/a?b#c", "http://127.0.0.1:8080/x",
		"http://[::1]/", "http://a.b/%zz", "http://user@host.com/", "http://münchen.de/", "http://a_b.com/", "http://a..b",
		"http://-a.com", "http://a-.com", "http://a--b.com", "https://example.com.", "http://.com", "http://", "http:///x",
		"urn:uuid:1234", "did:example:123", "mailto:x%41", "_:b0", "rel/ative", "1http:x", ":x", "a:b c", "http://a b",
		"https://example.org/\x7f", "en", "en-US", "x_y", "de-1996", "-en", "en-", "a:\x00", "http://a.b/\u00e9",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checks := iriChecks{valid: map[string]bool{}, absolute: map[string]bool{}}
		if got, want := checks.validIRI(s), !ld.InvalidNode(ld.NewIRI(s)); got != want {
			t.Errorf("validIRI(%q) = %v, json-gold %v", s, got, want)
		}
		if simpleHTTPURL(s) && !ld.IsURL(s) {
			t.Errorf("simpleHTTPURL(%q) but not ld.IsURL", s)
		}
		if abs, sure := absoluteIRI(s); sure && abs != ld.IsAbsoluteIri(s) {
			t.Errorf("absoluteIRI(%q) = %v, json-gold %v", s, abs, ld.IsAbsoluteIri(s))
		}
		if got, want := checks.relative(s), ld.IsRelativeIri(s); got != want {
			t.Errorf("relative(%q) = %v, json-gold %v", s, got, want)
		}
		lit := term{kind: literalTerm, value: "x", datatype: xsdString, language: s}
		if got, want := checks.validObject(lit), !ld.InvalidNode(ld.NewLiteral("x", "", s)); got != want {
			t.Errorf("language %q valid: %v, json-gold %v", s, got, want)
		}
	})
}

// TestFastIRIChecksCoverRealIRIs: the IRIs of real credentials take the fast
// path, not json-gold's regular expression.
func TestFastIRIChecksCoverRealIRIs(t *testing.T) {
	doc := readJSON(t, "testdata/ob3-achievement-credential.json")
	expanded, err := Expand(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := toRDF(expanded)
	if err != nil {
		t.Fatal(err)
	}
	slow := 0
	for _, q := range ds.quads {
		for _, iri := range []string{q.s.value, q.p, q.o.value, q.o.datatype} {
			if (strings.HasPrefix(iri, "http://") || strings.HasPrefix(iri, "https://")) && !simpleHTTPURL(iri) {
				t.Logf("slow path: %s", iri)
				slow++
			}
		}
	}
	if slow > 0 {
		t.Errorf("%d IRIs of the OB 3.0 sample need json-gold's regular expression", slow)
	}
}

// TestSimpleHTTPURLHosts tries every host of up to three labels drawn from
// short label shapes: whatever simpleHTTPURL accepts, json-gold's IsURL
// must accept.
func TestSimpleHTTPURLHosts(t *testing.T) {
	labels := []string{"a", "0", "ab", "0a", "a0", "00", "abc", "a-b", "ab-c", "a-bc", "a--b", "-a", "a-", "a_b", "é", ""}
	suffixes := []string{"", "/", "/p/q.r?x=1&y#frag", "?q", "#f", ":80/x", "."}
	var hosts []string
	for _, a := range labels {
		hosts = append(hosts, a)
		for _, b := range labels {
			hosts = append(hosts, a+"."+b)
			for _, c := range labels {
				hosts = append(hosts, a+"."+b+"."+c)
			}
		}
	}
	fast := 0
	for _, h := range hosts {
		for _, scheme := range []string{"http://", "https://"} {
			for _, suffix := range suffixes {
				s := scheme + h + suffix
				if simpleHTTPURL(s) {
					fast++
					if !ld.IsURL(s) {
						t.Errorf("simpleHTTPURL(%q) but not ld.IsURL", s)
					}
				}
			}
		}
	}
	t.Logf("%d of %d URLs take the fast path", fast, len(hosts)*2*len(suffixes))
}

// BenchmarkPoison is what refusing a poisoned dataset costs.
func BenchmarkPoison(b *testing.B) {
	_, ds := parseNQuads(b, clique(16))
	for b.Loop() {
		if _, err := canonicalNQuads(ds); !errors.Is(err, ErrTooComplex) {
			b.Fatal(err)
		}
	}
}
