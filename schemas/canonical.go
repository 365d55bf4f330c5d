package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// ErrUndefinedTerm is what [Expand] and [Canonicalize] wrap when a document
// uses a term, type or vocabulary value that does not expand to an absolute
// IRI. Plain JSON-LD drops such data silently, so it would be neither signed
// nor verified; VC Data Model 2.0 requires processors to reject it instead
// ("safe mode").
var ErrUndefinedTerm = errors.New("term does not expand to an absolute IRI")

// UndefinedTermError says which term is undefined and where it is.
type UndefinedTermError struct {
	Kind string // "term" (a property), "type" (an @type value) or "value" (a vocabulary-relative value)
	Term string // as written in the document
	Path string // JSON path in the document, e.g. credentialSubject.achievement.foo
	More int    // how many further undefined terms the document has
}

func (e *UndefinedTermError) Error() string {
	path := e.Path
	if path == "" {
		path = "the top level"
	}
	msg := fmt.Sprintf("schemas: %s %q at %s does not expand to an IRI", e.Kind, e.Term, path)
	if e.More > 0 {
		msg += fmt.Sprintf(" (and %d more)", e.More)
	}
	return msg
}

// Is makes errors.Is(err, ErrUndefinedTerm) true.
func (e *UndefinedTermError) Is(target error) bool { return target == ErrUndefinedTerm }

// MaxDepth is how deeply a document's JSON may nest. Real credentials nest a
// dozen levels; the limit keeps hostile input from exhausting the stack.
const MaxDepth = 64

// undefinedVocab is the vocabulary mapping expansion starts with. Without one,
// a term no context defines is dropped; with it, the term expands to an IRI
// under this prefix, which no context and no real document uses, so finding
// the prefix in the output finds exactly the undefined terms. A document whose
// own context sets "@vocab" (e.g. the VC 2.0 undefined-terms context) replaces
// it, as it should: its terms then do expand to IRIs.
const undefinedVocab = "urn:satchel:schemas:undefined-term:"

// Expand runs JSON-LD 1.1 expansion on doc with loader l (nil means
// [DefaultLoader]) in safe mode: a term or type that does not expand to an
// absolute IRI is an *UndefinedTermError, a context the loader does not hold
// an *UnknownContextError.
//
// doc is a decoded JSON value (map[string]any or []any), raw JSON ([]byte or
// json.RawMessage), or any value encoding/json can marshal. It is not
// modified.
func Expand(doc any, l *Loader) ([]any, error) {
	if l == nil {
		l = DefaultLoader()
	}
	input, err := jsonValue(doc)
	if err != nil {
		return nil, fmt.Errorf("schemas: expand: %w", err)
	}
	return expandSafe(input, l)
}

// Canonicalize returns the canonical N-Quads of doc: JSON-LD 1.1 expansion in
// safe mode as [Expand] does it, conversion to RDF, and RDF Dataset
// Canonicalization (RDFC-1.0, which is URDNA2015) — the bytes a Data Integrity
// proof such as eddsa-rdfc-2022 hashes. l nil means [DefaultLoader].
//
// Expansion, the conversion to RDF and RDFC-1.0 are this package's own
// (expand.go, rdf.go, rdfc.go) — json-gold re-processes scoped contexts for
// every node and builds its output in quadratic time — and give json-gold
// v0.9.1's output byte for byte, which the tests check against json-gold
// itself. A graph too costly to canonicalise is an error wrapping
// [ErrTooComplex].
func Canonicalize(doc any, l *Loader) (string, error) {
	if l == nil {
		l = DefaultLoader()
	}
	input, err := jsonValue(doc)
	if err != nil {
		return "", fmt.Errorf("schemas: canonicalize: %w", err)
	}
	expanded, err := expandSafe(input, l)
	if err != nil {
		return "", err
	}
	ds, err := toRDF(expanded)
	if err != nil {
		return "", processorError("canonicalize", err)
	}
	out, err := canonicalNQuads(ds)
	if err != nil {
		return "", fmt.Errorf("schemas: canonicalize: %w", err)
	}
	return out, nil
}

func options(l ld.DocumentLoader) *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions("")
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.DocumentLoader = l
	return opts
}

// expandSafe expands with the sentinel vocabulary, and fails if the sentinel
// (or any other non-absolute type IRI) shows up in the result. The common case
// — nothing undefined — costs one expansion (this package's, over the
// loader's processed contexts, see expand.go) and one walk; a document that
// expansion leaves to json-gold is expanded by json-gold (from the loader's
// processed @context, see activecontext.go), and only a document that fails
// is expanded a second time to say where.
func expandSafe(input any, l *Loader) ([]any, error) {
	expanded, ok := l.expand(input)
	if !ok {
		var err error
		if expanded, err = expandCached(input, l); err != nil {
			return nil, processorError("expand", err)
		}
	}
	if first, ok := findUndefined(expanded); ok {
		return nil, locateUndefined(input, l, first)
	}
	return expanded, nil
}

func expandWith(input any, l *Loader, handler ld.ElementHandler) ([]any, error) {
	var out []any
	err := guard(func() error {
		opts := options(&callLoader{l: l, copying: hasKey(input, "@import")})
		opts.ExpandContext = map[string]any{"@vocab": undefinedVocab}
		opts.ExpandedElementHandler = handler
		var err error
		out, err = ld.NewJsonLdProcessor().Expand(input, opts)
		return err
	})
	return out, err
}

// guard turns a panic inside json-gold into an error: a hostile document must
// get an answer, not crash the wallet or the verifier service.
func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("JSON-LD processor failed: %v", r)
		}
	}()
	return f()
}

// processorError names the operation and keeps the loader's error reachable:
// json-gold wraps a loader error in an *ld.JsonLdError whose Details is the
// cause, and an unknown context is returned as the loader's own error, so its
// message stays exactly "unknown JSON-LD context URL: contexts are never
// fetched".
func processorError(op string, err error) error {
	var unknown *UnknownContextError
	if errors.As(err, &unknown) {
		return unknown
	}
	return fmt.Errorf("schemas: %s: %w", op, err)
}

// jsonValue turns doc into what json-gold takes: map[string]any / []any trees
// with float64 numbers, nested no deeper than MaxDepth.
func jsonValue(doc any) (any, error) {
	var v any
	switch d := doc.(type) {
	case map[string]any, []any:
		v = d
	case []byte:
		if err := decodeJSON(d, &v); err != nil {
			return nil, err
		}
	case json.RawMessage:
		if err := decodeJSON(d, &v); err != nil {
			return nil, err
		}
	case string:
		// json-gold would take a string for a URL to fetch; refuse rather
		// than guess whether it is JSON text.
		return nil, errors.New("document is a Go string; pass decoded JSON or []byte")
	case nil:
		return nil, errors.New("document is empty")
	default:
		b, err := json.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("document: %w", err)
		}
		if err := decodeJSON(b, &v); err != nil {
			return nil, err
		}
	}
	switch v.(type) {
	case map[string]any, []any:
	default:
		return nil, fmt.Errorf("document is %s, want a JSON object or array", jsonKind(v))
	}
	if depth(v, 0) > MaxDepth {
		return nil, fmt.Errorf("document nests deeper than %d levels", MaxDepth)
	}
	return v, nil
}

func decodeJSON(b []byte, v *any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("document is not valid JSON: %w", err)
	}
	if dec.More() {
		return errors.New("document is not valid JSON: data after the top-level value")
	}
	return nil
}

// depth reports how deeply v nests, stopping once past MaxDepth.
func depth(v any, d int) int {
	if d > MaxDepth {
		return d
	}
	max := d
	switch v := v.(type) {
	case map[string]any:
		for _, c := range v {
			if n := depth(c, d+1); n > max {
				max = n
			}
		}
	case []any:
		for _, c := range v {
			if n := depth(c, d+1); n > max {
				max = n
			}
		}
	}
	return max
}

// finding is one undefined term found in expanded output.
type finding struct {
	kind string // "term", "type", "value"
	term string
}

// findUndefined walks expanded JSON-LD for IRIs under undefinedVocab (and
// @type values that are not absolute IRIs) and returns the first, in key
// order. Nearly every document has none, which a walk in map order (no
// sorting) establishes first.
func findUndefined(v any) (finding, bool) {
	if !hasUndefined(v) {
		return finding{}, false
	}
	return firstUndefined(v)
}

func hasUndefined(v any) bool {
	switch v := v.(type) {
	case []any:
		for _, c := range v {
			if hasUndefined(c) {
				return true
			}
		}
	case map[string]any:
		for k, c := range v {
			if _, ok := undefinedIn(k, c); ok {
				return true
			}
			if k != "@value" && hasUndefined(c) {
				return true
			}
		}
	}
	return false
}

func firstUndefined(v any) (finding, bool) {
	switch v := v.(type) {
	case []any:
		for _, c := range v {
			if f, ok := firstUndefined(c); ok {
				return f, true
			}
		}
	case map[string]any:
		for _, k := range sortedMapKeys(v) {
			if f, ok := undefinedIn(k, v[k]); ok {
				return f, true
			}
			if k == "@value" {
				continue // literal data, JSON literals included: not IRIs
			}
			if f, ok := firstUndefined(v[k]); ok {
				return f, true
			}
		}
	}
	return finding{}, false
}

// undefinedIn checks one entry of an expanded object itself (not what it
// contains).
func undefinedIn(key string, val any) (finding, bool) {
	if term, ok := strings.CutPrefix(key, undefinedVocab); ok {
		return finding{"term", term}, true
	}
	switch key {
	case "@type":
		switch t := val.(type) {
		case string:
			return undefinedType(t)
		case []any:
			for _, e := range t {
				if s, ok := e.(string); ok {
					if f, ok := undefinedType(s); ok {
						return f, true
					}
				}
			}
		}
	case "@id":
		if s, ok := val.(string); ok {
			if term, ok := strings.CutPrefix(s, undefinedVocab); ok {
				return finding{"value", term}, true
			}
		}
	}
	return finding{}, false
}

func undefinedType(t string) (finding, bool) {
	if term, ok := strings.CutPrefix(t, undefinedVocab); ok {
		return finding{"type", term}, true
	}
	if !isAbsoluteOrBlank(t) && t != "@json" {
		return finding{"type", t}, true
	}
	return finding{}, false
}

func isAbsoluteOrBlank(iri string) bool {
	return strings.HasPrefix(iri, "_:") || strings.Contains(iri, ":")
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// located is a finding with the JSON path it was found at.
type located struct {
	finding
	path string
}

// locateUndefined expands input again, this time with json-gold reporting the
// JSON Pointer of every node object, and maps each undefined term back to
// where it is written in the input.
func locateUndefined(input any, l *Loader, first finding) error {
	type node struct {
		pointer  string
		expanded map[string]any
	}
	var nodes []node
	_, err := expandWith(input, l, func(pointer string, expanded any) {
		if m, ok := expanded.(map[string]any); ok {
			nodes = append(nodes, node{pointer, m})
		}
	})
	if err != nil {
		return processorError("expand", err)
	}
	seen := make(map[located]bool)
	var all []located
	add := func(f finding, path string) {
		loc := located{f, path}
		if !seen[loc] {
			seen[loc] = true
			all = append(all, loc)
		}
	}
	for _, n := range nodes {
		src, base := resolvePointer(input, n.pointer)
		for _, k := range sortedMapKeys(n.expanded) {
			val := n.expanded[k]
			if f, ok := undefinedIn(k, val); ok {
				switch f.kind {
				case "term":
					add(f, joinPath(base, f.term))
				default:
					add(f, joinPath(base, sourceKey(src, f.term, "type")))
				}
			}
			if strings.HasPrefix(k, "@") && k != "@list" && k != "@set" {
				continue
			}
			// Values that are not node objects of their own — value objects
			// and node references made from strings — are not reported by
			// json-gold, so look at them from their parent.
			for _, item := range leafObjects(val) {
				for _, ik := range sortedMapKeys(item) {
					if f, ok := undefinedIn(ik, item[ik]); ok && f.kind != "term" {
						f.kind = "value"
						add(f, joinPath(base, sourceKey(src, f.term, k)))
					}
				}
			}
		}
	}
	if len(all) == 0 {
		// Found in the first pass but in a place the second could not map
		// back to the input (e.g. inside @reverse): still an error.
		return &UndefinedTermError{Kind: first.kind, Term: first.term, Path: "?"}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].path < all[j].path })
	return &UndefinedTermError{Kind: all[0].kind, Term: all[0].term, Path: all[0].path, More: len(all) - 1}
}

// leafObjects returns the value objects and bare node references among an
// expanded property's values (looking inside @list).
func leafObjects(v any) []map[string]any {
	var out []map[string]any
	for _, item := range asSlice(v) {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		if list, ok := m["@list"]; ok {
			out = append(out, leafObjects(list)...)
			continue
		}
		_, isValue := m["@value"]
		_, hasID := m["@id"]
		if isValue || (hasID && len(m) == 1) {
			out = append(out, m)
		}
	}
	return out
}

func asSlice(v any) []any {
	if s, ok := v.([]any); ok {
		return s
	}
	return []any{v}
}

// sourceKey finds which key of the source object holds term as (part of) its
// value, for reporting; fallback is used when none does.
func sourceKey(src map[string]any, term, fallback string) string {
	for _, k := range sortedMapKeys(src) {
		if k != "@context" && containsString(src[k], term) {
			return k
		}
	}
	return fallback
}

func containsString(v any, s string) bool {
	switch v := v.(type) {
	case string:
		return v == s
	case []any:
		for _, e := range v {
			if containsString(e, s) {
				return true
			}
		}
	case map[string]any:
		for k, e := range v {
			if k != "@context" && containsString(e, s) {
				return true
			}
		}
	}
	return false
}

// resolvePointer follows an RFC 6901 JSON Pointer into doc and returns the
// object there (nil if it is not an object) and its path written the way
// people read JSON: credentialSubject.achievement.alignment[0].
func resolvePointer(doc any, pointer string) (map[string]any, string) {
	cur := doc
	var path strings.Builder
	if pointer != "" {
		for _, tok := range strings.Split(pointer[1:], "/") {
			tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
			switch c := cur.(type) {
			case map[string]any:
				if path.Len() > 0 {
					path.WriteByte('.')
				}
				path.WriteString(tok)
				cur = c[tok]
			case []any:
				i, err := strconv.Atoi(tok)
				if err != nil || i < 0 || i >= len(c) {
					return nil, path.String()
				}
				fmt.Fprintf(&path, "[%d]", i)
				cur = c[i]
			default:
				return nil, path.String()
			}
		}
	}
	m, _ := cur.(map[string]any)
	return m, path.String()
}

func joinPath(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}
