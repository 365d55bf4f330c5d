package requirements

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The JSONPath subset Presentation Exchange fields are written in. It is a
// small, bounded evaluator of our own rather than a general JSONPath library
// because definitions can come from anyone (a job file, an OpenID4VP request)
// and every expression has to be safe to run against every credential:
//
//	$                    the document
//	.name  ['name']      a member (dot names: letters, digits, _ - $ @)
//	[0]  [-1]            an array element (negative counts from the end)
//	['a','b']  [0,2]     several members or elements
//	.*  [*]              every member or element
//	..name  ..*  ..[…]   the same, at any depth below
//	[?(@.a.b == 'x')]    elements or members whose relative path equals a
//	                     literal ('string', "string", number, true, false,
//	                     null); != too; [?(@.a)] tests existence; the
//	                     parentheses are optional (RFC 9535)
//
// Slices, script expressions, functions, && and || are not supported: a
// path that uses them is a parse error, not a silent mismatch.

const (
	// maxPathLen bounds one JSONPath expression.
	maxPathLen = 512
	// maxPathSegments bounds the segments of one expression.
	maxPathSegments = 32
	// maxPathNodes bounds the nodes one evaluation visits; past it the
	// evaluation stops and the path counts as matching nothing.
	maxPathNodes = 100_000
	// maxDocDepth bounds how deep recursive descent goes.
	maxDocDepth = 128
)

type jsonPath struct {
	text string
	segs []pathSegment
}

type pathSegment struct {
	descend bool // ".." before the selector
	sel     pathSelector
}

type selectorKind int

const (
	selKeys     selectorKind = iota // one or more names or indexes
	selWildcard                     // * or [*]
	selFilter                       // [?(…)]
)

type pathSelector struct {
	kind   selectorKind
	keys   []pathKey
	filter *filterExpr
}

type pathKey struct {
	name    string
	index   int
	isIndex bool
}

type filterExpr struct {
	rel []pathKey // the singular path after @
	op  string    // "", "==" or "!="
	lit any       // string, float64, bool or nil
}

func (k pathKey) String() string {
	if k.isIndex {
		return strconv.Itoa(k.index)
	}
	return strconv.Quote(k.name)
}

// parsePath parses one expression of the supported subset.
func parsePath(s string) (*jsonPath, error) {
	if len(s) > maxPathLen {
		return nil, fmt.Errorf("longer than %d bytes", maxPathLen)
	}
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("not valid UTF-8")
	}
	p := &pathParser{s: s}
	segs, err := p.parse()
	if err != nil {
		return nil, err
	}
	return &jsonPath{text: s, segs: segs}, nil
}

type pathParser struct {
	s   string
	pos int
}

func (p *pathParser) errf(format string, args ...any) error {
	return fmt.Errorf("at offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *pathParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *pathParser) eof() bool { return p.pos >= len(p.s) }

func (p *pathParser) skipSpace() {
	for !p.eof() && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

func (p *pathParser) expect(c byte) error {
	p.skipSpace()
	if p.peek() != c {
		if p.eof() {
			return p.errf("expected %q, found the end", c)
		}
		return p.errf("expected %q, found %q", c, p.s[p.pos])
	}
	p.pos++
	return nil
}

func (p *pathParser) parse() ([]pathSegment, error) {
	if p.peek() != '$' {
		return nil, p.errf("a path starts with $")
	}
	p.pos++
	var segs []pathSegment
	for !p.eof() {
		if len(segs) == maxPathSegments {
			return nil, p.errf("more than %d segments", maxPathSegments)
		}
		var seg pathSegment
		switch p.peek() {
		case '.':
			p.pos++
			if p.peek() == '.' {
				p.pos++
				seg.descend = true
				if p.peek() == '[' {
					sel, err := p.bracket()
					if err != nil {
						return nil, err
					}
					seg.sel = sel
					break
				}
			}
			sel, err := p.dotSelector()
			if err != nil {
				return nil, err
			}
			seg.sel = sel
		case '[':
			sel, err := p.bracket()
			if err != nil {
				return nil, err
			}
			seg.sel = sel
		default:
			return nil, p.errf("unexpected %q (expected . or [)", p.s[p.pos])
		}
		segs = append(segs, seg)
	}
	return segs, nil
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '-' || c == '$' || c == '@' || c >= 0x80
}

func (p *pathParser) dotSelector() (pathSelector, error) {
	if p.peek() == '*' {
		p.pos++
		return pathSelector{kind: selWildcard}, nil
	}
	start := p.pos
	for !p.eof() && isNameByte(p.s[p.pos]) {
		p.pos++
	}
	if p.pos == start {
		if p.eof() {
			return pathSelector{}, p.errf("a name must follow the dot")
		}
		return pathSelector{}, p.errf("unexpected %q after the dot (use ['…'] for such names)", p.s[p.pos])
	}
	return pathSelector{kind: selKeys, keys: []pathKey{{name: p.s[start:p.pos]}}}, nil
}

func (p *pathParser) bracket() (pathSelector, error) {
	p.pos++ // [
	p.skipSpace()
	switch p.peek() {
	case '*':
		p.pos++
		if err := p.expect(']'); err != nil {
			return pathSelector{}, err
		}
		return pathSelector{kind: selWildcard}, nil
	case '?':
		p.pos++
		f, err := p.filter()
		if err != nil {
			return pathSelector{}, err
		}
		if err := p.expect(']'); err != nil {
			return pathSelector{}, err
		}
		return pathSelector{kind: selFilter, filter: f}, nil
	}
	var keys []pathKey
	for {
		p.skipSpace()
		k, err := p.key()
		if err != nil {
			return pathSelector{}, err
		}
		keys = append(keys, k)
		p.skipSpace()
		if p.peek() == ',' {
			p.pos++
			continue
		}
		if err := p.expect(']'); err != nil {
			return pathSelector{}, err
		}
		return pathSelector{kind: selKeys, keys: keys}, nil
	}
}

// key reads a quoted name or an integer index.
func (p *pathParser) key() (pathKey, error) {
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		s, err := p.quoted()
		return pathKey{name: s}, err
	case c == '-' || c >= '0' && c <= '9':
		start := p.pos
		if c == '-' {
			p.pos++
		}
		for !p.eof() && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			p.pos++
		}
		if p.peek() == ':' {
			return pathKey{}, p.errf("array slices are not supported")
		}
		n, err := strconv.Atoi(p.s[start:p.pos])
		if err != nil || p.pos-start > 10 {
			p.pos = start
			return pathKey{}, p.errf("bad array index")
		}
		return pathKey{index: n, isIndex: true}, nil
	case c == ':':
		return pathKey{}, p.errf("array slices are not supported")
	case c == 0:
		return pathKey{}, p.errf("unfinished [")
	default:
		return pathKey{}, p.errf("unexpected %q in [] (expected a quoted name, an index, * or ?)", c)
	}
}

func (p *pathParser) quoted() (string, error) {
	q := p.s[p.pos]
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.errf("unterminated string")
		}
		c := p.s[p.pos]
		switch {
		case c == q:
			p.pos++
			return b.String(), nil
		case c == '\\':
			p.pos++
			if p.eof() {
				return "", p.errf("unterminated string")
			}
			e := p.s[p.pos]
			p.pos++
			switch e {
			case '\\', '/', '\'', '"':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				if p.pos+4 > len(p.s) {
					return "", p.errf("short \\u escape")
				}
				n, err := strconv.ParseUint(p.s[p.pos:p.pos+4], 16, 32)
				if err != nil {
					return "", p.errf("bad \\u escape")
				}
				p.pos += 4
				b.WriteRune(rune(n))
			default:
				p.pos--
				return "", p.errf("unknown escape \\%c", e)
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

func (p *pathParser) filter() (*filterExpr, error) {
	p.skipSpace()
	paren := p.peek() == '('
	if paren {
		p.pos++
		p.skipSpace()
	}
	if p.peek() != '@' {
		return nil, p.errf("a filter tests the current element: it starts with @")
	}
	p.pos++
	f := &filterExpr{}
rel:
	for {
		switch p.peek() {
		case '.':
			p.pos++
			start := p.pos
			for !p.eof() && isNameByte(p.s[p.pos]) {
				p.pos++
			}
			if p.pos == start {
				return nil, p.errf("a name must follow the dot")
			}
			f.rel = append(f.rel, pathKey{name: p.s[start:p.pos]})
		case '[':
			p.pos++
			p.skipSpace()
			k, err := p.key()
			if err != nil {
				return nil, err
			}
			if err := p.expect(']'); err != nil {
				return nil, err
			}
			f.rel = append(f.rel, k)
		default:
			break rel
		}
		if len(f.rel) > maxPathSegments {
			return nil, p.errf("more than %d segments", maxPathSegments)
		}
	}
	p.skipSpace()
	if rest := p.s[p.pos:]; strings.HasPrefix(rest, "==") || strings.HasPrefix(rest, "!=") {
		f.op = rest[:2]
		p.pos += 2
		p.skipSpace()
		lit, err := p.literal()
		if err != nil {
			return nil, err
		}
		f.lit = lit
		p.skipSpace()
	}
	if c := p.peek(); c != ')' && c != ']' {
		if p.eof() {
			return nil, p.errf("unfinished filter")
		}
		return nil, p.errf("unsupported filter syntax at %q (only @path, or @path == or != a literal)", c)
	}
	if paren {
		if err := p.expect(')'); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (p *pathParser) literal() (any, error) {
	switch c := p.peek(); {
	case c == '\'' || c == '"':
		return p.quoted()
	case c == '-' || c >= '0' && c <= '9':
		start := p.pos
		for !p.eof() && strings.IndexByte("+-.eE0123456789", p.s[p.pos]) >= 0 {
			p.pos++
		}
		f, err := strconv.ParseFloat(p.s[start:p.pos], 64)
		if err != nil {
			p.pos = start
			return nil, p.errf("bad number")
		}
		return f, nil
	}
	for _, w := range []struct {
		word string
		v    any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if strings.HasPrefix(p.s[p.pos:], w.word) {
			p.pos += len(w.word)
			return w.v, nil
		}
	}
	return nil, p.errf("expected a literal: a quoted string, a number, true, false or null")
}

// eval returns the values the path selects in doc, in document order (object
// members by name). ok is false when the evaluation went past maxPathNodes.
func (jp *jsonPath) eval(doc any) (vals []any, ok bool) {
	budget := maxPathNodes
	nodes := []any{doc}
	for _, seg := range jp.segs {
		var next []any
		for _, n := range nodes {
			if seg.descend {
				if !descendants(n, 0, &budget, func(d any) bool {
					next = seg.sel.apply(d, next, &budget)
					return budget >= 0
				}) {
					return nil, false
				}
			} else {
				next = seg.sel.apply(n, next, &budget)
			}
			if budget < 0 {
				return nil, false
			}
		}
		nodes = next
		if len(nodes) == 0 {
			return nil, true
		}
	}
	return nodes, true
}

// descendants calls f on n and every value below it, depth first; it stops
// early, returning false, when f does or the document is too deep.
func descendants(n any, depth int, budget *int, f func(any) bool) bool {
	if *budget--; *budget < 0 || depth > maxDocDepth {
		*budget = -1
		return false
	}
	if !f(n) {
		return false
	}
	switch x := n.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if !descendants(x[k], depth+1, budget, f) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !descendants(e, depth+1, budget, f) {
				return false
			}
		}
	}
	return true
}

func (s pathSelector) apply(n any, out []any, budget *int) []any {
	add := func(v any) {
		*budget--
		out = append(out, v)
	}
	switch s.kind {
	case selKeys:
		for _, k := range s.keys {
			if v, ok := child(n, k); ok {
				add(v)
			}
		}
	case selWildcard:
		eachChild(n, func(v any) { add(v) })
	case selFilter:
		eachChild(n, func(v any) {
			if s.filter.holds(v) {
				add(v)
			}
		})
	}
	return out
}

func child(n any, k pathKey) (any, bool) {
	switch x := n.(type) {
	case map[string]any:
		if !k.isIndex {
			v, ok := x[k.name]
			return v, ok
		}
	case []any:
		if k.isIndex {
			i := k.index
			if i < 0 {
				i += len(x)
			}
			if i >= 0 && i < len(x) {
				return x[i], true
			}
		}
	}
	return nil, false
}

func eachChild(n any, f func(any)) {
	switch x := n.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			f(x[k])
		}
	case []any:
		for _, e := range x {
			f(e)
		}
	}
}

func (f *filterExpr) holds(v any) bool {
	for _, k := range f.rel {
		var ok bool
		if v, ok = child(v, k); !ok {
			return f.op == "!="
		}
	}
	switch f.op {
	case "==":
		return scalarEqual(v, f.lit)
	case "!=":
		return !scalarEqual(v, f.lit)
	}
	return true
}

// scalarEqual compares a document value with a filter literal: numbers by
// value, whatever their Go type; objects and arrays equal no literal.
func scalarEqual(v, lit any) bool {
	if a, ok := number(v); ok {
		b, ok := lit.(float64)
		return ok && a == b
	}
	switch x := v.(type) {
	case string:
		s, ok := lit.(string)
		return ok && x == s
	case bool:
		b, ok := lit.(bool)
		return ok && x == b
	case nil:
		return lit == nil
	}
	return false
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
