package schemas

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/piprate/json-gold/ld"
)

// This file turns expanded JSON-LD into an RDF dataset: the JSON-LD 1.1
// "Deserialize JSON-LD to RDF" algorithm, done the way json-gold v0.9.1 does
// it, because the canonical N-Quads must be byte for byte what json-gold
// produced (signatures made with it must keep verifying). Where json-gold
// departs from the specification, this follows json-gold and says so:
//
//   - @direction is ignored (json-gold has no rdfDirection option): a
//     language-tagged string keeps only its language, a string with only a
//     direction is a plain string;
//   - a native number is an xsd:integer when it has no fraction, else an
//     xsd:double written like 1.5E0; a number typed @json is formatted the
//     same way (not per JCS);
//   - only IRIs starting with http:// or https:// are checked for validity,
//     by json-gold's URL regular expression (here: by a hand-written check
//     for the common shapes, falling back to json-gold's own function), and a
//     statement with an invalid one is dropped;
//   - a statement whose subject, property or object is a relative IRI is
//     dropped; a relative IRI as an @type value is kept; a list holding a
//     relative IRI reference is an error (json-gold fails on it);
//   - an rdf:JSON literal that is not a JSON object goes through json-gold's
//     own conversion (which reads a string as JSON text), and json-gold's
//     errors, which it writes into the literal, are errors here.
//
// The node map (nodemap.go) is built the way json-gold's GenerateNodeMap
// builds it, so merging of nodes and duplicate detection are exactly its own.

// dataset is an RDF dataset in the shape RDFC-1.0 works on: blank nodes are
// small integers, indexes into labels.
type dataset struct {
	quads []quad
	// labels are the blank node identifiers json-gold would have used
	// ("_:b3"). Canonicalisation never outputs them, but orders permutations
	// by them, as json-gold does.
	labels []string
}

type termKind uint8

const (
	noTerm termKind = iota // the default graph as a graph name
	iriTerm
	blankTerm
	literalTerm
)

type term struct {
	kind     termKind
	bnode    int32  // blank node: index into dataset.labels
	value    string // IRI, or a literal's lexical form
	datatype string // literal
	language string // literal
}

// quad is one statement. The predicate is always an IRI.
type quad struct {
	s, o, g term
	p       string
}

const (
	rdfType       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	rdfFirst      = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
	rdfRest       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
	rdfNil        = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
	rdfJSON       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
	rdfLangString = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
	xsdString     = "http://www.w3.org/2001/XMLSchema#string"
	xsdBoolean    = "http://www.w3.org/2001/XMLSchema#boolean"
	xsdInteger    = "http://www.w3.org/2001/XMLSchema#integer"
	xsdDouble     = "http://www.w3.org/2001/XMLSchema#double"
)

// errListRelative is json-gold's behaviour for a list holding a relative IRI
// reference: it builds a statement without an object and then fails on it.
var errListRelative = errors.New("a list item is a relative IRI reference, which RDF cannot represent")

// toRDF converts expanded JSON-LD to an RDF dataset.
func toRDF(expanded []any) (*dataset, error) {
	m := newNodeMap()
	c := rdfConverter{
		nodes:  m,
		blanks: make(map[string]int32),
		checks: iriChecks{valid: make(map[string]bool), absolute: make(map[string]bool)},
	}
	err := guard(func() error {
		if err := m.add(expanded, "@default", subject{}, "", nil); err != nil {
			return err
		}
		c.ds.quads = make([]quad, 0, m.values)
		return c.convert()
	})
	if err != nil {
		return nil, err
	}
	return &c.ds, nil
}

type rdfConverter struct {
	ds     dataset
	nodes  *nodeMap
	blanks map[string]int32 // blank node label -> index
	checks iriChecks
	// nilObject is set when a surviving statement has no object (see
	// errListRelative).
	nilObject bool
}

func (c *rdfConverter) convert() error {
	// json-gold visits graphs and nodes in map order; any order gives the
	// same dataset up to blank node labels, which canonicalisation removes.
	for _, graphName := range c.nodes.graphOrder {
		if c.checks.relative(graphName) {
			continue
		}
		var g term
		switch {
		case graphName == "@default":
		case strings.HasPrefix(graphName, "_:"):
			g = c.blank(graphName)
		default:
			g = term{kind: iriTerm, value: graphName}
		}
		// Every statement of a graph with an invalid name is dropped, list
		// statements included, so the graph can be skipped whole.
		if g.kind == iriTerm && !c.checks.validIRI(graphName) {
			continue
		}
		if err := c.graph(c.nodes.graphs[graphName], g); err != nil {
			return err
		}
	}
	if c.nilObject {
		return errListRelative
	}
	return nil
}

func (c *rdfConverter) graph(graph *graphNodes, g term) error {
	for _, id := range graph.order {
		if c.checks.relative(id) {
			continue
		}
		node := graph.nodes[id]
		var s term
		if strings.HasPrefix(id, "_:") {
			s = c.blank(id)
		} else {
			s = term{kind: iriTerm, value: id}
		}
		subjectOK := s.kind == blankTerm || c.checks.validIRI(id)
		if len(node.types) > 0 {
			keep := subjectOK && c.checks.validIRI(rdfType)
			for _, t := range node.types {
				// An @type value is never checked for being relative.
				o := term{kind: iriTerm, value: t}
				if strings.HasPrefix(t, "_:") {
					o = c.blank(t)
				}
				if keep && c.checks.validObject(o) {
					c.ds.quads = append(c.ds.quads, quad{s: s, p: rdfType, o: o, g: g})
				}
			}
		}
		for i := range node.props {
			p := node.props[i].name
			switch {
			case ld.IsKeyword(p):
				continue
			case strings.HasPrefix(p, "_:"):
				continue // would be generalized RDF
			case c.checks.relative(p):
				continue
			}
			// Objects are converted even when the statement itself will be
			// dropped: the statements of a list they hold are not.
			keep := subjectOK && c.checks.validIRI(p)
			for _, v := range node.props[i].values {
				o, err := c.object(v, g)
				if err != nil {
					return err
				}
				if o.kind != noTerm && keep && c.checks.validObject(o) {
					c.ds.quads = append(c.ds.quads, quad{s: s, p: p, o: o, g: g})
				}
			}
		}
	}
	return nil
}

// blank returns the term for a blank node label.
func (c *rdfConverter) blank(label string) term {
	id, ok := c.blanks[label]
	if !ok {
		id = int32(len(c.ds.labels))
		c.ds.labels = append(c.ds.labels, label)
		c.blanks[label] = id
	}
	return term{kind: blankTerm, bnode: id}
}

// object converts one value of a property: a value object to a literal, a
// list to its list statements, a node reference to an IRI or blank node. A
// relative IRI reference gives noTerm.
func (c *rdfConverter) object(v nodeValue, g term) (term, error) {
	switch v.kind {
	case valueObject:
		return literal(v.value)
	case listObject:
		return c.list(*v.list, g)
	}
	if c.checks.relative(v.id) {
		return term{}, nil
	}
	if strings.HasPrefix(v.id, "_:") {
		return c.blank(v.id), nil
	}
	return term{kind: iriTerm, value: v.id}, nil
}

// list writes the rdf:first / rdf:rest statements of a list and returns its
// head: a blank node, or rdf:nil when the list is empty. Its blank nodes
// come from the node map's issuer, as in json-gold.
func (c *rdfConverter) list(items []nodeValue, g term) (term, error) {
	if len(items) == 0 {
		return term{kind: iriTerm, value: rdfNil}, nil
	}
	head := c.blank(c.nodes.issuer.id(""))
	subject := head
	for i, item := range items {
		o, err := c.object(item, g)
		if err != nil {
			return term{}, err
		}
		next := term{kind: iriTerm, value: rdfNil}
		if i < len(items)-1 {
			next = c.blank(c.nodes.issuer.id(""))
		}
		// json-gold keeps a statement whose object is a relative IRI
		// reference (as nil) and fails later; so does this, unless the
		// statement is dropped first.
		switch {
		case o.kind == noTerm:
			c.nilObject = true
		case c.checks.validObject(o):
			c.ds.quads = append(c.ds.quads, quad{s: subject, p: rdfFirst, o: o, g: g})
		}
		c.ds.quads = append(c.ds.quads, quad{s: subject, p: rdfRest, o: next, g: g})
		subject = next
	}
	return head, nil
}

// literal converts a value object.
func literal(v map[string]any) (term, error) {
	value := v["@value"]
	datatype, hasType := v["@type"]
	if hasType && datatype == nil {
		hasType = false
	}
	dt := ""
	if hasType {
		s, ok := datatype.(string)
		if !ok {
			return term{}, fmt.Errorf("value object @type is %T", datatype)
		}
		dt = s
		if dt == "@json" {
			dt = rdfJSON
		}
	}
	// typed is json-gold's NewLiteral: an empty datatype means xsd:string.
	typed := func(lexical, datatype, language string) term {
		if datatype == "" {
			datatype = xsdString
		}
		return term{kind: literalTerm, value: lexical, datatype: datatype, language: language}
	}
	var (
		f       float64
		isFloat bool
	)
	switch n := value.(type) {
	case bool:
		if !hasType {
			dt = xsdBoolean
		}
		return typed(strconv.FormatBool(n), dt, ""), nil
	case float64:
		f, isFloat = n, true
	case interface{ Float64() (float64, error) }: // json.Number
		var err error
		f, err = n.Float64()
		isFloat = err == nil
	}
	if isFloat {
		isInteger := f == float64(int64(f))
		if !isInteger || dt == xsdDouble {
			if !hasType {
				dt = xsdDouble
			}
			return typed(canonicalDouble(f), dt, ""), nil
		}
		if !hasType {
			dt = xsdInteger
		}
		return typed(strconv.FormatInt(int64(f), 10), dt, ""), nil
	}
	if lang, ok := v["@language"]; ok {
		s, ok1 := value.(string)
		l, ok2 := lang.(string)
		if !ok1 || !ok2 {
			return term{}, fmt.Errorf("language-tagged value %v", v)
		}
		if !hasType {
			dt = rdfLangString
		}
		return typed(s, dt, l), nil
	}
	if dt == rdfJSON {
		s, err := jsonLiteral(v)
		if err != nil {
			return term{}, err
		}
		return typed(s, dt, ""), nil
	}
	s, ok := value.(string)
	if !ok {
		return term{}, fmt.Errorf("value object @value is %T", value)
	}
	return typed(s, dt, ""), nil
}

// canonicalDouble is json-gold's GetCanonicalDouble — %1.15E with trailing
// zeros of the fraction and leading zeros of the exponent removed
// (1.5 -> 1.5E0, 100 -> 1.0E2, 1e-7 -> 1.0E-7) — without its regular
// expression.
func canonicalDouble(f float64) string {
	s := strconv.FormatFloat(f, 'E', 15, 64)
	e := strings.IndexByte(s, 'E')
	if e < 0 {
		return s // NaN, ±Inf: not reachable from JSON
	}
	mantissa := strings.TrimRight(s[:e], "0")
	if strings.HasSuffix(mantissa, ".") {
		mantissa += "0"
	}
	exp := s[e+1:]
	sign := ""
	switch exp[0] {
	case '-':
		sign = "-"
		exp = exp[1:]
	case '+':
		exp = exp[1:]
	}
	exp = strings.TrimLeft(exp, "0")
	if exp == "" {
		exp = "0"
	}
	return mantissa + "E" + sign + exp
}

// jsonLiteral is the lexical form of an rdf:JSON literal: for a JSON object,
// its JCS (RFC 8785) serialisation, computed here. json-gold treats anything
// else — a string is taken for JSON text, an array or null is an error it
// writes into the literal — in ways this does not reproduce, so those go to
// json-gold's own conversion, and its in-band errors become errors.
func jsonLiteral(v map[string]any) (string, error) {
	if obj, ok := v["@value"].(map[string]any); ok {
		if b, ok := appendJCS(nil, obj); ok {
			return string(b), nil
		}
	}
	graph := map[string]any{
		"urn:x:s": map[string]any{"@id": "urn:x:s", "urn:x:p": []any{v}},
	}
	ds := ld.NewRDFDataset()
	ds.GraphToRDF("@default", graph, ld.NewIdentifierIssuer("_:b"), false)
	quads := ds.GetQuads("@default")
	if len(quads) != 1 {
		return "", errors.New("JSON literal: json-gold produced no statement")
	}
	lit, ok := quads[0].Object.(ld.Literal)
	if !ok {
		return "", fmt.Errorf("JSON literal: json-gold produced %T", quads[0].Object)
	}
	if strings.HasPrefix(lit.Value, "JSON Canonicalization error") || strings.HasPrefix(lit.Value, "JSON Marshal error") {
		return "", errors.New("JSON literal: " + lit.Value)
	}
	return lit.Value, nil
}

// appendJCS appends the JCS form of v, exactly as json-gold's
// json.Marshal-then-canonicalize produces it. It reports false for what it
// does not handle that way: values that are not plain decoded JSON, invalid
// UTF-8 and non-finite numbers.
func appendJCS(b []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), true
	case bool:
		return strconv.AppendBool(b, v), true
	case float64:
		s, ok := es6Number(v)
		return append(b, s...), ok
	case string:
		if !utf8.ValidString(v) {
			return b, false
		}
		return appendJCSString(b, v), true
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendJCS(b, e); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			if !utf8.ValidString(k) {
				return b, false
			}
			keys = append(keys, k)
		}
		slices.SortFunc(keys, compareUTF16)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJCSString(b, k)
			b = append(b, ':')
			var ok bool
			if b, ok = appendJCS(b, v[k]); !ok {
				return b, false
			}
		}
		return append(b, '}'), true
	}
	return b, false
}

// appendJCSString quotes s as JCS does: the two-character escapes for \ " and
// \b \f \n \r \t, \u00xx for the other control characters, everything else
// as is.
func appendJCSString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '"':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

// compareUTF16 orders strings by their UTF-16 code units, as JCS sorts
// object keys.
func compareUTF16(a, b string) int {
	return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b)))
}

// es6Number formats a number as ECMAScript's Number.prototype.toString
// does, step for step as json-gold's JCS implementation (its NumberToJSON)
// does it.
func es6Number(f float64) (string, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", false
	}
	if f == 0 {
		return "0", true // -0 too
	}
	sign := ""
	if f < 0 {
		f, sign = -f, "-"
	}
	format := byte('e')
	if f < 1e21 && f >= 1e-6 {
		format = 'f'
	}
	s := strconv.FormatFloat(f, format, -1, 64)
	if e := strings.IndexByte(s, 'e'); e > 0 {
		if g := strconv.FormatFloat(f, 'g', 17, 64); len(g) == len(s) {
			s = g
		}
		if s[e+2] == '0' { // 1e+09 -> 1e+9
			s = s[:e+2] + s[e+3:]
		}
	} else if strings.IndexByte(s, '.') < 0 && len(s) >= 12 {
		i := len(s)
		for s[i-1] == '0' {
			i--
		}
		if i != len(s) {
			fix := strconv.FormatFloat(f, 'f', 0, 64)
			if fix[i] >= '5' {
				s = fix[:i-1] + string(fix[i-1]+1) + s[i:]
			}
		}
	}
	return sign + s, true
}

// iriChecks answers json-gold's two questions about IRIs — is it relative
// (IsRelativeIri), is it valid (validIRI) — quickly for the common shapes and
// through json-gold itself otherwise, remembering the answers for the call
// (a document repeats its IRIs, predicates above all).
type iriChecks struct {
	valid    map[string]bool
	absolute map[string]bool
}

// relative is ld.IsRelativeIri: neither a keyword nor an absolute IRI (a
// blank node label counts as absolute).
func (c *iriChecks) relative(s string) bool {
	if ld.IsKeyword(s) {
		return false
	}
	abs, ok := c.absolute[s]
	if !ok {
		var sure bool
		if abs, sure = absoluteIRI(s); !sure {
			abs = ld.IsAbsoluteIri(s)
		}
		c.absolute[s] = abs
	}
	return !abs
}

// validIRI is json-gold's validIRI: an IRI is invalid only if it starts with
// http:// or https:// and fails json-gold's IsURL.
func (c *iriChecks) validIRI(s string) bool {
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		return true
	}
	ok, seen := c.valid[s]
	if !seen {
		ok = simpleHTTPURL(s) || ld.IsURL(s)
		c.valid[s] = ok
	}
	return ok
}

// validObject is json-gold's check of an object: IRIs as validIRI, literals
// by their language tag and datatype.
func (c *iriChecks) validObject(t term) bool {
	switch t.kind {
	case iriTerm:
		return c.validIRI(t.value)
	case literalTerm:
		return (t.language == "" || validLanguage(t.language)) && c.validIRI(t.datatype)
	}
	return true
}

// absoluteIRI is ld.IsAbsoluteIri (url.Parse succeeds and finds a scheme)
// where that is certain without parsing: sure is false when the caller must
// ask url.Parse.
func absoluteIRI(s string) (abs, sure bool) {
	if strings.HasPrefix(s, "_:") {
		return true, true
	}
	// A scheme is [a-zA-Z][a-zA-Z0-9+.-]* followed by ':'. Without one
	// the IRI is not absolute, whether or not it parses.
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if isASCIILetter(c) || i > 0 && (isASCIIDigit(c) || c == '+' || c == '-' || c == '.') {
			continue
		}
		break
	}
	if i == 0 || i == len(s) || s[i] != ':' {
		return false, true
	}
	// It has a scheme: absolute if it parses. Control characters and
	// percent-escapes can fail parsing; so can an authority with a port,
	// user info or an IP literal. Leave those to url.Parse.
	for j := 0; j < len(s); j++ {
		if c := s[j]; c < 0x20 || c == 0x7f || c == '%' {
			return false, false
		}
	}
	rest := s[i+1:]
	if j := strings.IndexByte(rest, '#'); j >= 0 {
		rest = rest[:j]
	}
	if j := strings.IndexByte(rest, '?'); j >= 0 {
		rest = rest[:j]
	}
	if authority, ok := strings.CutPrefix(rest, "//"); ok {
		if j := strings.IndexByte(authority, '/'); j >= 0 {
			authority = authority[:j]
		}
		for j := 0; j < len(authority); j++ {
			c := authority[j]
			if !isASCIILetter(c) && !isASCIIDigit(c) && c != '.' && c != '-' && c != '_' && c != '~' {
				return false, false
			}
		}
	}
	return true, true
}

// simpleHTTPURL reports whether s is an http(s) URL of a shape json-gold's
// IsURL certainly accepts: printable ASCII, no percent-escapes, no user info
// or port, a host of dot-separated labels (letters and digits, single inner
// hyphens) that fits json-gold's URL regular expression as explained below,
// then nothing or a path, query or fragment. False means "ask IsURL", not
// "invalid".
func simpleHTTPURL(s string) bool {
	// IsURL rejects 2083 runes and more; bytes count at least as many.
	if len(s) >= 2083 {
		return false
	}
	rest, ok := strings.CutPrefix(s, "http://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "https://"); !ok {
			return false
		}
	}
	// The URL regular expression ends in ((/|\?|#)[^\s]*)?$; url.Parse
	// rejects control characters and bad percent-escapes.
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; c <= ' ' || c >= 0x7f || c == '%' {
			return false
		}
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	// host = L1 "." ... "." Ln, each label [a-zA-Z0-9]+(-[a-zA-Z0-9]+)*.
	// The regular expression's host is
	//   (prefix)? label (\.tld)?
	// with label = ([a-zA-Z0-9..]+-?-?)*[a-zA-Z0-9..]+, tld letters only, and
	// prefix one of several forms, among them
	//   [a-zA-Z0-9]([a-zA-Z0-9-_]+)?[a-zA-Z0-9]([-.][a-zA-Z0-9]+)*
	// So:
	//   - one label: it is the regular expression's label;
	//   - two labels, the last all letters: label and tld;
	//   - otherwise, if L1 has at least two characters and Ln has at least
	//     two, the second not a hyphen: prefix = L1 "." ... "." Ln[0] and
	//     label = Ln[1:].
	// Anything else may or may not match: IsURL decides.
	first := host
	if i := strings.IndexByte(host, '.'); i >= 0 {
		first = host[:i]
	}
	last := host[strings.LastIndexByte(host, '.')+1:]
	n := 0
	for l := range strings.SplitSeq(host, ".") {
		if !hostLabel(l) {
			return false
		}
		n++
	}
	switch {
	case n == 1:
		return true
	case n == 2 && allLetters(last):
		return true
	}
	return len(first) >= 2 && len(last) >= 2 && last[1] != '-'
}

func hostLabel(l string) bool {
	if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case isASCIILetter(c) || isASCIIDigit(c):
		case c == '-' && l[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isASCIILetter(s[i]) {
			return false
		}
	}
	return s != ""
}

// validLanguage matches json-gold's ^[a-zA-Z]+(-[a-zA-Z0-9]+)*$.
func validLanguage(s string) bool {
	i := 0
	for i < len(s) && isASCIILetter(s[i]) {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(s) {
		if s[i] != '-' {
			return false
		}
		i++
		start := i
		for i < len(s) && (isASCIILetter(s[i]) || isASCIIDigit(s[i])) {
			i++
		}
		if i == start {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isASCIIDigit(c byte) bool  { return '0' <= c && c <= '9' }
