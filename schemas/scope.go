package schemas

import (
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/piprate/json-gold/ld"
)

// Expansion (expand.go) keeps every context it processes, so that a context
// is processed once per Loader rather than once per node: json-gold copies
// the whole active context — hundreds of terms under the VC and OB 3.0
// contexts — for every node whose type has a scoped context, and that was
// most of the cost of verifying a credential.
//
// A scope is an active context: json-gold's processed ld.Context, read-only
// once made, and the scope a type-scoped context reverts to. Each scope
// remembers the scopes derived from it — by a scoped context (named by the
// term definition that holds it, whose pointer is stable for the life of
// the scope) or by an @context written in the document (named by its
// encoding) — so the tree of scopes a Loader holds grows with the kinds of
// documents it sees, not with their number. Processing itself is
// json-gold's own Context.Parse; what that cannot express — the private
// flags json-gold passes for scoped contexts — is handled here, and
// anything whose outcome would depend on more than that is left to
// json-gold's own expansion (errFallback).

// maxScopes bounds the derived scopes a Loader keeps (each a few
// kilobytes: a copy of its parent's term definitions). An OB 3.0
// credential and a CLR 2.0 transcript take about thirty; past the bound,
// scopes are still derived, once per call, just not kept.
const maxScopes = 1024

// maxDerived bounds the scopes one scope keeps derived from it.
const maxDerived = 256

// maxContextKey bounds the encoding of an @context written in a document
// that a scope is kept for; a longer one is processed once per call.
const maxContextKey = 4096

type scopes struct {
	once sync.Once
	base *scope
	n    atomic.Int32
}

type scope struct {
	c *ld.Context
	// prev is json-gold's previousContext: the scope a non-propagated
	// (type-scoped) context reverts to when expansion enters a node.
	prev *scope
	// kept: held by the Loader's tree of scopes, shared by every call.
	// A scope that is not kept lives for one call.
	kept bool

	// The scopes derived from this one, by a term definition's scoped
	// context or by an @context written in a document (by its
	// encoding, see appendContextKey). Copied on write, so that
	// expansion reads them without locking or allocating.
	mu        sync.Mutex
	byTerm    atomic.Pointer[map[termKey]*scope]
	byContext atomic.Pointer[map[string]*scope]
}

// derivation is how json-gold processes a context, by the flags its private
// Context.parse takes.
type derivation uint8

const (
	// deriveEmbedded is Context.Parse: an @context in the document, and
	// a type-scoped context applied for a key of an @type map.
	deriveEmbedded derivation = iota
	// deriveType is a type-scoped context, which does not propagate:
	// nodes below revert to the scope it was applied to.
	deriveType
	// deriveProperty is a property-scoped context, which may redefine
	// protected terms.
	deriveProperty
)

type termKey struct {
	how derivation
	td  *ld.TermDefinition // the term definition whose @context it is
}

// baseScope is what expansion starts from: no context but the safe-mode
// vocabulary, processed as JsonLdProcessor.Expand processes
// JsonLdOptions.ExpandContext.
func (l *Loader) baseScope() *scope {
	l.scopes.once.Do(func() {
		var c *ld.Context
		err := guard(func() error {
			var err error
			c, err = ld.NewContext(nil, options(&callLoader{l: l})).Parse(map[string]any{"@vocab": undefinedVocab})
			return err
		})
		if err == nil {
			l.scopes.base = &scope{c: c, kept: true}
		}
	})
	return l.scopes.base
}

// fromTerm returns the scope json-gold's expansion makes by processing the
// scoped context of td, the given way, on top of parent.
func (l *Loader) fromTerm(parent *scope, how derivation, td *ld.TermDefinition) (*scope, error) {
	key := termKey{how, td}
	if m := parent.byTerm.Load(); m != nil {
		if s, ok := (*m)[key]; ok {
			return s, nil
		}
	}
	s, err := l.process(parent, how, td.Context)
	if err != nil || s == parent {
		return s, err
	}
	return keep(l, parent, &parent.byTerm, key, s), nil
}

// fromDocument returns the scope json-gold's expansion makes by processing
// ctx, an @context written in the document, on top of parent. buf is
// scratch space for the key, returned for reuse.
func (l *Loader) fromDocument(parent *scope, ctx any, buf []byte) (*scope, []byte, error) {
	buf, ok := appendContextKey(buf[:0], ctx)
	ok = ok && len(buf) <= maxContextKey
	if ok {
		if m := parent.byContext.Load(); m != nil {
			if s, found := (*m)[string(buf)]; found {
				return s, buf, nil
			}
		}
	}
	// The scope outlives the document, and term definitions keep their
	// scoped contexts by reference.
	s, err := l.process(parent, deriveEmbedded, ld.CloneDocument(ctx))
	if err != nil || !ok || s == parent {
		return s, buf, err
	}
	return keep(l, parent, &parent.byContext, string(buf), s), buf, nil
}

// keep records s as derived from parent by key, if the Loader may keep it,
// and returns the scope derived by key (s, or one another call kept first).
func keep[K comparable](l *Loader, parent *scope, derived *atomic.Pointer[map[K]*scope], key K, s *scope) *scope {
	parent.mu.Lock()
	defer parent.mu.Unlock()
	var m map[K]*scope
	if old := derived.Load(); old != nil {
		if kept, ok := (*old)[key]; ok {
			return kept
		}
		if len(*old) >= maxDerived {
			return s
		}
		m = maps.Clone(*old)
	} else {
		m = make(map[K]*scope, 1)
	}
	if parent.kept {
		if l.scopes.n.Add(1) > maxScopes {
			l.scopes.n.Add(-1)
			return s
		}
		s.kept = true
	}
	m[key] = s
	derived.Store(&m)
	return s
}

// process is json-gold's Context.parse with the flags expansion passes for
// each derivation (see the doc comment of derivation).
func (l *Loader) process(parent *scope, how derivation, ctx any) (*scope, error) {
	if list, ok := ctx.([]any); ok && len(list) == 0 {
		return parent, nil // json-gold returns the active context itself
	}
	if ctx == nil {
		// A null context: an empty active context, which does not revert.
		// Only a property-scoped one may drop protected terms; a
		// type-scoped one would leave json-gold a previous context this
		// cannot name.
		if how == deriveType || how == deriveEmbedded && len(parent.c.Protected) > 0 {
			return nil, errFallback
		}
		return &scope{c: ld.NewContext(nil, options(nil))}, nil
	}
	// Which scope a context reverts to depends on @propagate and on null
	// contexts anywhere in it, the URLs it names included: those are left
	// to json-gold.
	if !l.simpleContext(ctx, parent.c.Values.Base, 0) {
		return nil, errFallback
	}
	c, err := l.parse(parent.c, parent.c.TermDefinitions, parent.c.Protected, ctx)
	if err != nil {
		return nil, errFallback
	}
	if how == deriveProperty {
		// json-gold lets a property-scoped context redefine protected terms
		// — except for terms it defines while resolving another term of
		// the same context, in map order. Keep the result only where that
		// makes no difference: where processing with and without
		// protection gives the same context.
		o, err := l.parseOverriding(parent.c, ctx)
		if err != nil || !sameContext(c, o) {
			return nil, errFallback
		}
	}
	s := &scope{c: c, prev: parent.prev}
	if how == deriveType && s.prev == nil {
		s.prev = parent
	}
	return s, nil
}

// parse runs json-gold's Context.Parse on a view of parent with the given
// term definitions and protected terms (which it copies, never changes).
func (l *Loader) parse(parent *ld.Context, terms map[string]*ld.TermDefinition, protected map[string]bool, ctx any) (*ld.Context, error) {
	var c *ld.Context
	err := guard(func() error {
		view := ld.NewContext(nil, options(&callLoader{l: l}))
		values := *parent.Values
		view.Values = &values
		view.TermDefinitions = terms
		view.Protected = protected
		var err error
		c, err = view.Parse(ctx)
		return err
	})
	return c, err
}

// parseOverriding processes ctx on parent as if no term were protected, then
// restores parent's definitions and protection where ctx left them: what
// json-gold's parse does with overrideProtected set.
func (l *Loader) parseOverriding(parent *ld.Context, ctx any) (*ld.Context, error) {
	terms := make(map[string]*ld.TermDefinition, len(parent.TermDefinitions))
	original := make(map[*ld.TermDefinition]*ld.TermDefinition)
	for k, td := range parent.TermDefinitions {
		if td != nil && td.Protected {
			open := td.Copy()
			open.Protected = false
			original[open] = td
			td = open
		}
		terms[k] = td
	}
	c, err := l.parse(parent, terms, map[string]bool{}, ctx)
	if err != nil {
		return nil, err
	}
	for k, td := range c.TermDefinitions {
		if o, ok := original[td]; ok {
			c.TermDefinitions[k] = o
		}
	}
	for k, v := range parent.Protected {
		if _, ok := c.Protected[k]; !ok {
			c.Protected[k] = v
		}
	}
	return c, nil
}

func sameContext(a, b *ld.Context) bool {
	return reflect.DeepEqual(*a.Values, *b.Values) &&
		reflect.DeepEqual(a.TermDefinitions, b.TermDefinitions) &&
		reflect.DeepEqual(a.Protected, b.Protected)
}

// simpleContext reports whether processing ctx leaves json-gold's previous
// context where the propagation rule alone puts it: no @propagate, no null
// context (in ctx or in a context it loads), no @import, no nested
// @context, and URLs only where they cannot resolve against a base.
func (l *Loader) simpleContext(ctx any, base string, depth int) bool {
	if depth > 8 {
		return false
	}
	switch c := ctx.(type) {
	case string:
		if base != "" {
			return false
		}
		rd, _, err := l.load(c)
		if err != nil {
			return false
		}
		doc, _ := rd.Document.(map[string]any)
		inner, ok := doc["@context"]
		return ok && l.simpleContext(inner, "", depth+1)
	case map[string]any:
		for _, k := range []string{"@propagate", "@import", "@context", "@base"} {
			if _, ok := c[k]; ok {
				return false
			}
		}
		return true
	case []any:
		for _, e := range c {
			if e == nil || !l.simpleContext(e, base, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// appendContextKey appends the encoding of an @context written in a
// document, the key its scope is kept under, and reports whether it has
// one: only plain JSON values (what encoding/json decodes into an any) are
// encoded, so that two values json-gold would treat differently never share
// a key, and only up to maxContextKey bytes.
func appendContextKey(b []byte, v any) ([]byte, bool) {
	if len(b) > maxContextKey {
		return b, false
	}
	switch v := v.(type) {
	case nil:
		return append(b, 'n'), true
	case bool:
		if v {
			return append(b, 't'), true
		}
		return append(b, 'f'), true
	case float64:
		if math.IsNaN(v) {
			return b, false
		}
		b = append(b, 'd')
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
		return append(b, ';'), true
	case string:
		return strconv.AppendQuote(b, v), true
	case []any:
		b = append(b, '[')
		for _, e := range v {
			var ok bool
			if b, ok = appendContextKey(b, e); !ok {
				return b, false
			}
			b = append(b, ',')
		}
		return append(b, ']'), true
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for _, k := range keys {
			b = strconv.AppendQuote(b, k)
			b = append(b, ':')
			var ok bool
			if b, ok = appendContextKey(b, v[k]); !ok {
				return b, false
			}
			b = append(b, ',')
		}
		return append(b, '}'), true
	}
	return b, false
}

// Reading an active context, as json-gold's ld.Context methods do.

func (s *scope) term(key string) *ld.TermDefinition {
	return s.c.TermDefinitions[key]
}

func (s *scope) hasContainer(key, container string) bool {
	return inContainer(s.term(key), container)
}

// inContainer reports whether a term definition (nil if there is none) has
// the container mapping: ld.Context.HasContainerMapping given the term's
// definition.
func inContainer(td *ld.TermDefinition, container string) bool {
	return td != nil && slices.Contains(td.Container, container)
}

// revert is json-gold's RevertToPreviousContext.
func (s *scope) revert() *scope {
	if s.prev == nil {
		return s
	}
	return s.prev
}

// expandIRI is json-gold's Context.ExpandIri outside context processing
// (no local context), which never fails in json-gold — except by a nil
// pointer panic, for a compact IRI whose prefix is a term defined as null:
// errFallback here, so that json-gold reports it.
func (s *scope) expandIRI(value string, relative, vocab bool) (string, error) {
	if ld.IsKeyword(value) {
		return value, nil
	}
	if isReservedKeyword(value) {
		return "", nil
	}
	if vocab {
		if td, ok := s.c.TermDefinitions[value]; ok {
			if td != nil {
				return td.ID, nil
			}
			return "", nil
		}
	}
	if colon := strings.IndexByte(value, ':'); colon > 0 {
		prefix, suffix := value[:colon], value[colon+1:]
		if prefix == "_" || strings.HasPrefix(suffix, "//") {
			return value, nil
		}
		td, ok := s.c.TermDefinitions[prefix]
		if ok && td == nil {
			return "", errFallback
		}
		if ok && td.ID != "" && td.Prefix != nil && *td.Prefix {
			return td.ID + suffix, nil
		}
		if isAbsoluteIRI(value) {
			return value, nil
		}
	}
	if v := s.c.Values.Vocab; vocab && v != nil {
		return *v + value, nil
	}
	if relative && s.c.Values.Base != "" {
		return ld.Resolve(s.c.Values.Base, value), nil
	}
	return value, nil
}

// expandsTo reports whether expandIRI(value, false, true) is keyword, a
// keyword (which holds no colon), without building the expansion.
func (s *scope) expandsTo(value, keyword string) (bool, error) {
	if ld.IsKeyword(value) {
		return value == keyword, nil
	}
	if isReservedKeyword(value) {
		return false, nil
	}
	if td, ok := s.c.TermDefinitions[value]; ok {
		return td != nil && td.ID == keyword, nil
	}
	if colon := strings.IndexByte(value, ':'); colon > 0 {
		prefix, suffix := value[:colon], value[colon+1:]
		if prefix == "_" || strings.HasPrefix(suffix, "//") {
			return false, nil
		}
		td, ok := s.c.TermDefinitions[prefix]
		if ok && td == nil {
			return false, errFallback
		}
		if ok && td.ID != "" && td.Prefix != nil && *td.Prefix {
			return isConcat(keyword, td.ID, suffix), nil
		}
		// Whether or not value is an absolute IRI, what it expands to
		// holds its colon: not a keyword.
		return false, nil
	}
	if v := s.c.Values.Vocab; v != nil {
		return isConcat(keyword, *v, value), nil
	}
	return value == keyword, nil
}

// isConcat reports whether s is a+b.
func isConcat(s, a, b string) bool {
	return len(s) == len(a)+len(b) && strings.HasPrefix(s, a) && strings.HasSuffix(s, b)
}

// isAbsoluteIRI is ld.IsAbsoluteIri, without parsing where absoluteIRI
// (rdf.go) can tell.
func isAbsoluteIRI(s string) bool {
	if abs, sure := absoluteIRI(s); sure {
		return abs
	}
	return ld.IsAbsoluteIri(s)
}

// isReservedKeyword matches json-gold's ^@[a-zA-Z]+$: a string that looks
// like a keyword but is none, which expansion ignores.
func isReservedKeyword(s string) bool {
	if len(s) < 2 || s[0] != '@' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// expandValue is json-gold's Context.ExpandValue.
func (s *scope) expandValue(activeProperty string, value any) (map[string]any, error) {
	rval := make(map[string]any, 2)
	td := s.term(activeProperty)
	if td != nil && (td.Type == "@id" || td.Type == "@vocab") {
		if str, ok := value.(string); ok {
			id, err := s.expandIRI(str, true, td.Type == "@vocab")
			if err != nil {
				return nil, err
			}
			rval["@id"] = id
		} else {
			rval["@value"] = value
		}
		return rval, nil
	}
	rval["@value"] = value
	if td != nil && td.Type != "" && td.Type != "@none" {
		rval["@type"] = td.Type
	} else if _, isString := value.(string); isString {
		if td != nil && td.HasLanguage {
			if td.Language != nil {
				rval["@language"] = *td.Language
			}
		} else if s.c.Values.HasLanguage {
			rval["@language"] = s.c.Values.Language
		}
		if td != nil && td.HasDirection {
			if td.Direction != nil {
				rval["@direction"] = *td.Direction
			}
		} else if dir := s.c.Values.Direction; dir != "" {
			rval["@direction"] = dir
		}
	}
	return rval, nil
}
