package schemas

import (
	"strconv"
	"testing"
)

// Canonicalisation sizes its two big buffers up front — the dataset's
// statements (nodeMap.values) and the canonical document (quadLen) — so
// that verifying a large CLR does not allocate them twice.

// TestBuffersSizedExactly: for the statements of every vector, golden
// credential and fuzz seed (escapes included), quadLen is the length
// appendQuad writes and the dataset never outgrows nodeMap.values.
func TestBuffersSizedExactly(t *testing.T) {
	var docs []any
	for _, s := range fuzzSeeds {
		docs = append(docs, mustJSON(t, s))
	}
	_, inputs := expansionInputs(t)
	docs = append(docs, inputs...)
	docs = append(docs, clrWithCredentials(t, 20))
	checked := 0
	for _, doc := range docs {
		expanded, err := Expand(doc, nil)
		if err != nil {
			continue
		}
		m := newNodeMap()
		if err := m.add(expanded, "@default", subject{}, "", nil); err != nil {
			continue
		}
		ds, err := toRDF(expanded)
		if err != nil {
			continue
		}
		if len(ds.quads) > m.values {
			t.Errorf("%d statements, nodeMap.values %d", len(ds.quads), m.values)
		}
		for i := range ds.quads {
			q := &ds.quads[i]
			label := func(t term) string {
				if t.kind == blankTerm {
					return "_:c14n" + strconv.Itoa(int(t.bnode))
				}
				return ""
			}
			b := appendQuad(nil, q, label(q.s), label(q.o), label(q.g))
			if n := quadLen(q, label(q.s), label(q.o), label(q.g)); n != len(b) {
				t.Errorf("quadLen = %d, appendQuad wrote %d bytes: %q", n, len(b), b)
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("only %d statements checked", checked)
	}
}
