package schemas

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// ErrTooComplex is what [Canonicalize] wraps when a document's RDF graph has
// so many blank nodes that look alike that RDFC-1.0 would need more than
// maxCanonWork steps of its N-degree hashing to tell them apart — a "poison"
// dataset, whose canonicalisation time grows factorially. Real credentials
// need a handful of steps, if any.
var ErrTooComplex = errors.New("RDF dataset too complex to canonicalize")

// maxCanonWork bounds the N-degree hashing of one canonicalisation, counted
// in calls of the Hash N-Degree Quads algorithm plus permutations tried. A
// step costs about a microsecond, so a poison dataset is refused in about a
// tenth of a second. Telling apart the items of a list of equal values takes
// about 3n² steps: lists of up to some 180 equal values canonicalise.
// (rdf-canonize, the JavaScript implementation, by default allows as many
// calls as there are blank nodes to tell apart: far fewer.)
const maxCanonWork = 100_000

// canonicalNQuads is RDFC-1.0 (URDNA2015) over ds: the canonical N-Quads,
// one statement per line, sorted.
//
// It follows https://www.w3.org/TR/rdf-canon/ and, where the two differ,
// json-gold v0.9.1's URDNA2015, whose output signatures were made with:
//   - literal escaping is json-gold's: \\ \" \n \r \t, nothing else;
//   - a statement mentioning a blank node in two positions (an edge from a
//     node to itself) is listed twice for it, so it is hashed twice;
//   - duplicate statements are kept, and so output twice.
func canonicalNQuads(ds *dataset) (string, error) {
	c := newCanonicalizer(ds)
	if err := c.label(); err != nil {
		return "", err
	}
	return c.serialize(), nil
}

type canonicalizer struct {
	ds *dataset
	// quadsOf lists, per blank node, the statements it occurs in: once per
	// position it occurs in (json-gold's blank node to quads map).
	quadsOf [][]int32
	// first holds first-degree hashes, computed when first needed.
	first    [][sha256.Size]byte
	hasFirst []bool
	// canon is the canonical issuer: the canonical number of each blank
	// node, or -1; issued counts them.
	canon  []int32
	issued int32
	work   int

	buf   []byte // scratch for serialising and hashing
	spans []span
}

type span struct{ start, end int }

func newCanonicalizer(ds *dataset) *canonicalizer {
	n := len(ds.labels)
	c := &canonicalizer{
		ds:       ds,
		quadsOf:  make([][]int32, n),
		first:    make([][sha256.Size]byte, n),
		hasFirst: make([]bool, n),
		canon:    make([]int32, n),
	}
	for i := range c.canon {
		c.canon[i] = -1
	}
	for i := range ds.quads {
		q := &ds.quads[i]
		for _, t := range [3]*term{&q.s, &q.o, &q.g} {
			if t.kind == blankTerm {
				c.quadsOf[t.bnode] = append(c.quadsOf[t.bnode], int32(i))
			}
		}
	}
	return c
}

// label issues a canonical identifier to every blank node (steps 2 to 6 of
// the canonicalisation algorithm).
func (c *canonicalizer) label() error {
	// Step 5: first-degree hashes; a node whose hash is unique gets its
	// canonical identifier in hash order.
	type hashed struct {
		hash [sha256.Size]byte
		node int32
	}
	var all []hashed
	for n := range c.quadsOf {
		if len(c.quadsOf[n]) > 0 {
			all = append(all, hashed{c.firstDegree(int32(n)), int32(n)})
		}
	}
	slices.SortStableFunc(all, func(a, b hashed) int { return bytes.Compare(a.hash[:], b.hash[:]) })
	var shared [][]int32 // groups of nodes sharing a first-degree hash, in hash order
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].hash == all[i].hash {
			j++
		}
		if j-i == 1 {
			c.issue(all[i].node)
		} else {
			group := make([]int32, 0, j-i)
			for _, h := range all[i:j] {
				group = append(group, h.node)
			}
			shared = append(shared, group)
		}
		i = j
	}
	// Step 6: N-degree hashes for the rest, group by group.
	type result struct {
		hash   [sha256.Size]byte
		issuer *issuer
	}
	for _, group := range shared {
		var results []result
		for _, n := range group {
			if c.canon[n] >= 0 {
				continue
			}
			is := &issuer{}
			is.id(n)
			h, is, err := c.nDegree(n, is)
			if err != nil {
				return err
			}
			results = append(results, result{h, is})
		}
		slices.SortStableFunc(results, func(a, b result) int { return bytes.Compare(a.hash[:], b.hash[:]) })
		for _, r := range results {
			for _, n := range r.issuer.order {
				c.issue(n)
			}
		}
	}
	return nil
}

func (c *canonicalizer) issue(n int32) {
	if c.canon[n] < 0 {
		c.canon[n] = c.issued
		c.issued++
	}
}

// firstDegree is the Hash First Degree Quads algorithm: the hash of the
// sorted statements n occurs in, n written _:a and other blank nodes _:z.
func (c *canonicalizer) firstDegree(n int32) [sha256.Size]byte {
	if c.hasFirst[n] {
		return c.first[n]
	}
	buf, spans := c.buf[:0], c.spans[:0]
	for _, qi := range c.quadsOf[n] {
		q := &c.ds.quads[qi]
		start := len(buf)
		buf = appendQuad(buf, q, firstDegreeLabel(q.s, n), firstDegreeLabel(q.o, n), firstDegreeLabel(q.g, n))
		spans = append(spans, span{start, len(buf)})
	}
	h := sha256.New()
	sortSpans(buf, spans)
	for _, s := range spans {
		h.Write(buf[s.start:s.end])
	}
	h.Sum(c.first[n][:0])
	c.hasFirst[n] = true
	c.buf, c.spans = buf, spans
	return c.first[n]
}

func firstDegreeLabel(t term, n int32) string {
	if t.kind == blankTerm && t.bnode == n {
		return "_:a"
	}
	return "_:z"
}

// issuer is an identifier issuer for temporary "_:bN" identifiers: order[i]
// was issued "_:b<i>". Issuers are copied for every permutation tried, and
// are small, so lookups scan; a map is kept once one grows.
type issuer struct {
	order []int32
	index map[int32]int32
}

const issuerScanMax = 16

func (is *issuer) lookup(n int32) (int32, bool) {
	if is.index != nil {
		i, ok := is.index[n]
		return i, ok
	}
	for i, m := range is.order {
		if m == n {
			return int32(i), true
		}
	}
	return 0, false
}

// id issues n an identifier if it has none, and returns its number.
func (is *issuer) id(n int32) int32 {
	if i, ok := is.lookup(n); ok {
		return i
	}
	i := int32(len(is.order))
	is.order = append(is.order, n)
	if is.index != nil {
		is.index[n] = i
	} else if len(is.order) > issuerScanMax {
		is.index = make(map[int32]int32, len(is.order))
		for j, m := range is.order {
			is.index[m] = int32(j)
		}
	}
	return i
}

func (is *issuer) clone() *issuer {
	out := &issuer{order: slices.Clone(is.order)}
	if is.index != nil {
		out.index = make(map[int32]int32, len(is.index))
		for k, v := range is.index {
			out.index[k] = v
		}
	}
	return out
}

// related is a blank node related to the one being hashed, with the hash of
// the relation.
type related struct {
	hash [sha256.Size]byte
	node int32
}

// relatedHash is the Hash Related Blank Node algorithm.
func (c *canonicalizer) relatedHash(n int32, q *quad, is *issuer, position byte) [sha256.Size]byte {
	// The identifier for n: canonical, else temporary, else its
	// first-degree hash (computed first: it uses c.buf too).
	k, i, temporary := c.canon[n], int32(0), false
	var first [sha256.Size]byte
	if k < 0 {
		if i, temporary = is.lookup(n); !temporary {
			first = c.firstDegree(n)
		}
	}
	b := append(c.buf[:0], position)
	if position != 'g' {
		b = append(b, '<')
		b = append(b, q.p...)
		b = append(b, '>')
	}
	switch {
	case k >= 0:
		b = append(b, "_:c14n"...)
		b = strconv.AppendInt(b, int64(k), 10)
	case temporary:
		b = append(b, "_:b"...)
		b = strconv.AppendInt(b, int64(i), 10)
	default:
		b = hex.AppendEncode(b, first[:])
	}
	c.buf = b
	return sha256.Sum256(b)
}

// nDegree is the Hash N-Degree Quads algorithm. is is not modified; the
// issuer returned may be it or a copy with more identifiers.
func (c *canonicalizer) nDegree(n int32, is *issuer) ([sha256.Size]byte, *issuer, error) {
	if err := c.step(); err != nil {
		return [sha256.Size]byte{}, nil, err
	}
	// Hash to related blank nodes, as a list sorted by hash (the order
	// within a hash does not matter: permutations start from sorted).
	var rel []related
	for _, qi := range c.quadsOf[n] {
		q := &c.ds.quads[qi]
		for _, p := range [3]struct {
			t   *term
			pos byte
		}{{&q.s, 's'}, {&q.o, 'o'}, {&q.g, 'g'}} {
			if p.t.kind == blankTerm && p.t.bnode != n {
				rel = append(rel, related{c.relatedHash(p.t.bnode, q, is, p.pos), p.t.bnode})
			}
		}
	}
	slices.SortStableFunc(rel, func(a, b related) int { return bytes.Compare(a.hash[:], b.hash[:]) })

	var data []byte // data to hash
	for i := 0; i < len(rel); {
		j := i + 1
		for j < len(rel) && rel[j].hash == rel[i].hash {
			j++
		}
		data = hex.AppendEncode(data, rel[i].hash[:])
		nodes := make([]int32, 0, j-i)
		for _, r := range rel[i:j] {
			nodes = append(nodes, r.node)
		}
		i = j

		var (
			chosenPath   []byte
			chosenIssuer *issuer
			chosen       bool
		)
		perm := newPermuter(nodes, c.ds.labels)
		for perm.next() {
			if err := c.step(); err != nil {
				return [sha256.Size]byte{}, nil, err
			}
			issuerCopy := is.clone()
			var path []byte
			var recursion []int32
			// Skipping a permutation as soon as its path sorts after the
			// chosen one (json-gold also asks that it be at least as long)
			// changes nothing: a longer path that sorts after the chosen
			// one cannot become the chosen one.
			skip := false
			for _, r := range perm.current {
				if k := c.canon[r]; k >= 0 {
					path = append(path, "_:c14n"...)
					path = strconv.AppendInt(path, int64(k), 10)
				} else {
					if _, ok := issuerCopy.lookup(r); !ok {
						recursion = append(recursion, r)
					}
					path = append(path, "_:b"...)
					path = strconv.AppendInt(path, int64(issuerCopy.id(r)), 10)
				}
				if chosen && bytes.Compare(path, chosenPath) > 0 {
					skip = true
					break
				}
			}
			if skip {
				continue
			}
			for _, r := range recursion {
				h, result, err := c.nDegree(r, issuerCopy)
				if err != nil {
					return [sha256.Size]byte{}, nil, err
				}
				path = append(path, "_:b"...)
				path = strconv.AppendInt(path, int64(issuerCopy.id(r)), 10)
				path = append(path, '<')
				path = hex.AppendEncode(path, h[:])
				path = append(path, '>')
				issuerCopy = result
				if chosen && bytes.Compare(path, chosenPath) > 0 {
					skip = true
					break
				}
			}
			if skip {
				continue
			}
			if !chosen || bytes.Compare(path, chosenPath) < 0 {
				chosenPath, chosenIssuer, chosen = path, issuerCopy, true
			}
		}
		data = append(data, chosenPath...)
		is = chosenIssuer
	}
	return sha256.Sum256(data), is, nil
}

func (c *canonicalizer) step() error {
	c.work++
	if c.work > maxCanonWork {
		return ErrTooComplex
	}
	return nil
}

// permuter yields the permutations of a list in json-gold's order
// (Steinhaus–Johnson–Trotter from the list sorted by blank node label, a
// direction per distinct element).
type permuter struct {
	list    []int32
	current []int32
	left    map[int32]bool
	labels  []string
	started bool
	done    bool
}

func newPermuter(nodes []int32, labels []string) *permuter {
	p := &permuter{list: slices.Clone(nodes), labels: labels, left: make(map[int32]bool, len(nodes))}
	slices.SortFunc(p.list, func(a, b int32) int { return strings.Compare(labels[a], labels[b]) })
	for _, n := range p.list {
		p.left[n] = true
	}
	p.current = make([]int32, len(p.list))
	return p
}

func (p *permuter) greater(a, b int32) bool { return p.labels[a] > p.labels[b] }

// next advances to the next permutation, in p.current, and reports whether
// there was one.
func (p *permuter) next() bool {
	if p.done {
		return false
	}
	copy(p.current, p.list)
	// Find the largest mobile element k: one greater than the neighbour it
	// is looking at.
	k, pos, found := int32(0), 0, false
	n := len(p.list)
	for i, e := range p.list {
		left := p.left[e]
		if (!found || p.greater(e, k)) &&
			(left && i > 0 && p.greater(e, p.list[i-1]) || !left && i < n-1 && p.greater(e, p.list[i+1])) {
			k, pos, found = e, i, true
		}
	}
	if !found {
		p.done = true
		return true // the last permutation
	}
	swap := pos + 1
	if p.left[k] {
		swap = pos - 1
	}
	p.list[pos], p.list[swap] = p.list[swap], k
	for _, e := range p.list {
		if p.greater(e, k) {
			p.left[e] = !p.left[e]
		}
	}
	return true
}

// serialize writes every statement with canonical blank node identifiers,
// sorted: the canonical N-Quads document.
func (c *canonicalizer) serialize() string {
	labels := make([]string, len(c.canon))
	for n, k := range c.canon {
		if k >= 0 {
			labels[n] = "_:c14n" + strconv.Itoa(int(k))
		}
	}
	label := func(t term) string {
		if t.kind == blankTerm {
			return labels[t.bnode]
		}
		return ""
	}
	size := 0
	for i := range c.ds.quads {
		q := &c.ds.quads[i]
		size += quadLen(q, label(q.s), label(q.o), label(q.g))
	}
	buf := make([]byte, 0, size)
	spans := make([]span, len(c.ds.quads))
	for i := range c.ds.quads {
		q := &c.ds.quads[i]
		start := len(buf)
		buf = appendQuad(buf, q, label(q.s), label(q.o), label(q.g))
		spans[i] = span{start, len(buf)}
	}
	sortSpans(buf, spans)
	var out strings.Builder
	out.Grow(len(buf))
	for _, s := range spans {
		out.Write(buf[s.start:s.end])
	}
	return out.String()
}

func sortSpans(buf []byte, spans []span) {
	slices.SortFunc(spans, func(a, b span) int {
		return bytes.Compare(buf[a.start:a.end], buf[b.start:b.end])
	})
}

// appendQuad appends q as one N-Quads line, written as json-gold writes it;
// blank nodes in subject, object and graph name are written as sLabel,
// oLabel, gLabel.
func appendQuad(b []byte, q *quad, sLabel, oLabel, gLabel string) []byte {
	b = appendTerm(b, &q.s, sLabel)
	b = append(b, " <"...)
	b = appendEscaped(b, q.p)
	b = append(b, "> "...)
	b = appendTerm(b, &q.o, oLabel)
	if q.g.kind != noTerm {
		b = append(b, ' ')
		b = appendTerm(b, &q.g, gLabel)
	}
	return append(b, " .\n"...)
}

func appendTerm(b []byte, t *term, blankLabel string) []byte {
	switch t.kind {
	case iriTerm:
		b = append(b, '<')
		b = appendEscaped(b, t.value)
		return append(b, '>')
	case blankTerm:
		return append(b, blankLabel...)
	case literalTerm:
		b = append(b, '"')
		b = appendEscaped(b, t.value)
		b = append(b, '"')
		switch t.datatype {
		case rdfLangString:
			b = append(b, '@')
			b = append(b, t.language...)
		case xsdString:
		default:
			b = append(b, "^^<"...)
			b = appendEscaped(b, t.datatype)
			b = append(b, '>')
		}
	}
	return b
}

// quadLen is len(appendQuad(nil, q, sLabel, oLabel, gLabel)), so that the
// canonical document is written without growing its buffer.
func quadLen(q *quad, sLabel, oLabel, gLabel string) int {
	n := termLen(&q.s, sLabel) + 2 + escapedLen(q.p) + 2 + termLen(&q.o, oLabel) + 3
	if q.g.kind != noTerm {
		n += 1 + termLen(&q.g, gLabel)
	}
	return n
}

// termLen is len(appendTerm(nil, t, blankLabel)).
func termLen(t *term, blankLabel string) int {
	switch t.kind {
	case iriTerm:
		return 1 + escapedLen(t.value) + 1
	case blankTerm:
		return len(blankLabel)
	case literalTerm:
		n := 1 + escapedLen(t.value) + 1
		switch t.datatype {
		case rdfLangString:
			n += 1 + len(t.language)
		case xsdString:
		default:
			n += 3 + escapedLen(t.datatype) + 1
		}
		return n
	}
	return 0
}

// escapedLen is len(appendEscaped(nil, s)).
func escapedLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\', '"', '\n', '\r', '\t':
			n++
		}
	}
	return n
}

// appendEscaped is json-gold's N-Quads escaping (of IRIs and literals
// alike): backslash, double quote, line feed, carriage return and tab.
func appendEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc byte
		switch s[i] {
		case '\\':
			esc = '\\'
		case '"':
			esc = '"'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		case '\t':
			esc = 't'
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, '\\', esc)
		start = i + 1
	}
	return append(b, s[start:]...)
}
