package schemas

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/piprate/json-gold/ld"
)

// Documents that this package's expansion (expand.go) leaves to json-gold
// are expanded here. Processing a document's top-level @context — turning
// the VC 2.0 and OB 3.0 contexts into hundreds of term definitions — is
// about a third of json-gold's expansion of a credential, and every
// credential of a kind names the same contexts. So a Loader keeps the
// processed result (json-gold's active context) for @context values that
// are only context URLs, and expansion starts from it instead of from the
// @context.
//
// This is safe because json-gold never changes an active context in place:
// context processing copies it first (CopyContext) and expansion only reads
// it. Each call gets its own ld.Context around the shared term definitions,
// with the call's own options (and so its own document loader). A context
// that leaves a "previous context" behind (@propagate: false) is not kept:
// it could not be rebuilt through json-gold's exported fields.

// maxActiveContexts bounds the processed contexts a Loader keeps. Only
// @context values made of URLs the loader knows are kept, and a handful of
// combinations covers every real credential.
const maxActiveContexts = 64

type activeContexts struct {
	m sync.Map // key (see activeContextKey) -> *activeContext
	n atomic.Int32
}

// activeContext is a processed top-level @context, read-only once stored.
type activeContext struct {
	values    ld.Values
	terms     map[string]*ld.TermDefinition
	protected map[string]bool
	// copying is set when processing loaded a context holding "@import":
	// later loads of the call must be copies (see callLoader).
	copying bool
}

// maxActiveContextKey bounds the length of a kept @context value (its URLs
// joined), so that a hostile document cannot make the Loader keep megabytes.
const maxActiveContextKey = 2048

// activeContextKey is the cache key for a document's top-level @context: its
// URLs joined by newlines, or "" when it is not only URLs (inline contexts
// are not kept: they are as varied as the documents that carry them) or is
// too long.
func activeContextKey(ctx any) string {
	var b strings.Builder
	for i, e := range asSlice(ctx) {
		s, ok := e.(string)
		if !ok || strings.IndexByte(s, '\n') >= 0 || b.Len()+len(s) >= maxActiveContextKey {
			return ""
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
	}
	return b.String()
}

// expandCached is expandWith(input, l, nil) — safe-mode expansion without a
// handler — starting from the Loader's processed @context where it can. It
// gives the same result as expandWith; TestExpandCachedEqualsPlain and the
// differential tests against json-gold check it.
func expandCached(input any, l *Loader) ([]any, error) {
	doc, ok := input.(map[string]any)
	if !ok {
		return expandWith(input, l, nil)
	}
	key := activeContextKey(doc["@context"])
	if key == "" {
		return expandWith(input, l, nil)
	}
	var ac *activeContext
	if v, ok := l.active.m.Load(key); ok {
		ac = v.(*activeContext)
	} else {
		if ac = l.processContext(doc["@context"]); ac == nil {
			// Let the ordinary path process it and report what is wrong.
			return expandWith(input, l, nil)
		}
		if l.active.n.Add(1) <= maxActiveContexts {
			v, _ := l.active.m.LoadOrStore(key, ac)
			ac = v.(*activeContext)
		}
	}
	return expandFrom(ac, doc, l)
}

// processContext processes a top-level @context as json-gold's expansion
// would — the safe-mode vocabulary first, then the document's context — and
// returns nil if it fails or cannot be kept.
func (l *Loader) processContext(ctx any) *activeContext {
	loader := &callLoader{l: l}
	var ac *activeContext
	_ = guard(func() error {
		opts := options(loader)
		c, err := ld.NewContext(nil, opts).Parse(map[string]any{"@vocab": undefinedVocab})
		if err != nil {
			return err
		}
		if c, err = c.Parse(ctx); err != nil {
			return err
		}
		if _, hasPrevious := c.AsMap()["previousContext"]; hasPrevious {
			return nil
		}
		ac = &activeContext{values: *c.Values, terms: c.TermDefinitions, protected: c.Protected, copying: loader.copying}
		return nil
	})
	return ac
}

// expandFrom expands doc, whose @context ac is, as json-gold's
// JsonLdProcessor.Expand does after processing that @context.
func expandFrom(ac *activeContext, doc map[string]any, l *Loader) ([]any, error) {
	var out []any
	err := guard(func() error {
		opts := options(&callLoader{l: l, copying: ac.copying || hasKey(doc, "@import")})
		ctx := ld.NewContext(nil, opts)
		values := ac.values
		ctx.Values = &values
		ctx.TermDefinitions = ac.terms
		ctx.Protected = ac.protected
		// The @context is in ctx already; expansion would skip the key
		// anyway after processing it.
		rest := make(map[string]any, len(doc))
		for k, v := range doc {
			if k != "@context" {
				rest[k] = v
			}
		}
		expanded, err := ld.NewJsonLdApi().Expand(ctx, "", rest, opts, false, nil)
		if err != nil {
			return err
		}
		// The end of JsonLdProcessor.Expand: a lone @graph is the result;
		// the result is always an array.
		m, isMap := expanded.(map[string]any)
		if isMap && len(m) == 0 {
			expanded = nil
		}
		if graph, ok := m["@graph"]; isMap && ok && len(m) == 1 {
			expanded = graph
		} else if expanded == nil {
			expanded = []any{}
		}
		if list, ok := expanded.([]any); ok {
			out = list
		} else {
			out = []any{expanded}
		}
		return nil
	})
	return out, err
}
