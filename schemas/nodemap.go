package schemas

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// nodeMap is the node map of JSON-LD 1.1 (§7.2, "Node Map Generation") the
// way json-gold's GenerateNodeMap builds it, in typed form: which nodes each
// graph holds and their property values. It mirrors GenerateNodeMap step
// for step — the order blank node identifiers are issued in, which values
// count as duplicates (json-gold's CompareValues: @value, @type, @language
// and @index for value objects, @id for node references, never for lists),
// the error on conflicting @index values — because both decide the canonical
// output: duplicates that survive are written twice.
type nodeMap struct {
	graphs     map[string]*graphNodes
	graphOrder []string
	issuer     blankIssuer
	// values counts the statements the values kept (types, property
	// values, lists and their items, not duplicates) become: a bound on
	// the dataset's size, which conversion allocates up front.
	values int
}

type graphNodes struct {
	nodes map[string]*mapNode
	order []string
}

type mapNode struct {
	id     string
	types  []string
	index  any // @index, nil if none
	props  []nodeProperty
	hasIdx bool
}

type nodeProperty struct {
	name   string
	values []nodeValue
}

type valueKind uint8

const (
	valueObject valueKind = iota // a value object: value
	nodeRef                      // a node reference: id
	listObject                   // a list: list
)

type nodeValue struct {
	kind  valueKind
	value map[string]any
	id    string
	list  *[]nodeValue
}

// blankIssuer is json-gold's IdentifierIssuer with prefix "_:b".
type blankIssuer struct {
	counter  int
	existing map[string]string
}

func (is *blankIssuer) id(old string) string {
	if old != "" {
		if id, ok := is.existing[old]; ok {
			return id
		}
	}
	id := "_:b" + strconv.Itoa(is.counter)
	is.counter++
	if old != "" {
		if is.existing == nil {
			is.existing = make(map[string]string)
		}
		is.existing[old] = id
	}
	return id
}

func newNodeMap() *nodeMap {
	m := &nodeMap{graphs: make(map[string]*graphNodes)}
	m.graph("@default")
	return m
}

func (m *nodeMap) graph(name string) *graphNodes {
	g := m.graphs[name]
	if g == nil {
		g = &graphNodes{nodes: make(map[string]*mapNode)}
		m.graphs[name] = g
		m.graphOrder = append(m.graphOrder, name)
	}
	return g
}

// subject is GenerateNodeMap's active subject: none (the top level of a
// graph), a node of the active graph (by identifier), or the node a reverse
// property points back to.
type subject struct {
	id      string
	reverse bool // id is the node a reverse property value refers back to
}

// add is GenerateNodeMap(element, graphMap, activeGraph, issuer,
// activeSubject, activeProperty, list). list, when not nil, collects the
// items of the list being built instead of adding them to the subject.
func (m *nodeMap) add(element any, activeGraph string, subj subject, activeProperty string, list *[]nodeValue) error {
	if items, ok := element.([]any); ok {
		for _, item := range items {
			if err := m.add(item, activeGraph, subj, activeProperty, list); err != nil {
				return err
			}
		}
		return nil
	}
	elem, ok := element.(map[string]any)
	if !ok {
		return fmt.Errorf("expected map or list to GenerateNodeMap, got %T", element)
	}
	g := m.graph(activeGraph)
	// The active subject's node: json-gold adds values to graph[activeSubject]
	// (failing when there is none) and, for a reverse property, to a
	// throwaway map.
	var subjectNode *mapNode
	if !subj.reverse {
		subjectNode = g.nodes[subj.id]
	}

	// Blank node types are relabelled first, issuing identifiers.
	var types []string
	if typeVal, ok := elem["@type"]; ok {
		for _, t := range asSlice(typeVal) {
			s, ok := t.(string)
			if !ok {
				return fmt.Errorf("@type value is %T", t)
			}
			if strings.HasPrefix(s, "_:") {
				s = m.issuer.id(s)
			}
			types = append(types, s)
		}
	}

	if _, isValue := elem["@value"]; isValue {
		v := elem
		if len(types) > 0 && types[0] != elem["@type"] {
			v = make(map[string]any, len(elem))
			for k, x := range elem {
				v[k] = x
			}
			v["@type"] = types[0]
		}
		if list != nil {
			m.values++
			*list = append(*list, nodeValue{kind: valueObject, value: v})
			return nil
		}
		if subj.reverse {
			return nil
		}
		return m.addValue(subjectNode, activeProperty, nodeValue{kind: valueObject, value: v}, 1)
	}
	if items, isList := elem["@list"]; isList {
		result := &[]nodeValue{}
		if err := m.add(items, activeGraph, subj, activeProperty, result); err != nil {
			return err
		}
		// The statement naming the list and its rdf:rest statements (its
		// items counted theirs).
		statements := 1 + len(*result)
		if list != nil {
			m.values += statements
			*list = append(*list, nodeValue{kind: listObject, list: result})
			return nil
		}
		if subj.reverse {
			return nil
		}
		return m.addValue(subjectNode, activeProperty, nodeValue{kind: listObject, list: result}, statements)
	}

	// A node object.
	var id string
	switch v := elem["@id"].(type) {
	case nil: // absent or null
		id = m.issuer.id("")
	case string:
		id = v
		if strings.HasPrefix(id, "_:") {
			id = m.issuer.id(id)
		}
	default:
		return fmt.Errorf("@id is %T", v)
	}
	node := g.nodes[id]
	if node == nil {
		node = &mapNode{id: id}
		g.nodes[id] = node
		g.order = append(g.order, id)
	}
	switch {
	case subj.reverse:
		if err := m.addValue(node, activeProperty, nodeValue{kind: nodeRef, id: subj.id}, 1); err != nil {
			return err
		}
	case activeProperty != "":
		ref := nodeValue{kind: nodeRef, id: id}
		if list != nil {
			m.values++
			*list = append(*list, ref)
		} else if err := m.addValue(subjectNode, activeProperty, ref, 1); err != nil {
			return err
		}
	}
	for _, t := range types {
		if !slices.Contains(node.types, t) {
			node.types = append(node.types, t)
			m.values++
		}
	}
	if idx, ok := elem["@index"]; ok {
		if node.hasIdx && node.index != idx {
			return fmt.Errorf("conflicting @index property detected")
		}
		node.index, node.hasIdx = idx, true
	}
	if reverse, ok := elem["@reverse"]; ok {
		rm, ok := reverse.(map[string]any)
		if !ok {
			return fmt.Errorf("@reverse is %T", reverse)
		}
		// json-gold visits reverse properties in map order; the order only
		// changes blank node labels, which canonicalisation removes.
		for _, property := range sortedMapKeys(rm) {
			values, ok := rm[property].([]any)
			if !ok {
				return fmt.Errorf("@reverse %q is %T", property, rm[property])
			}
			for _, v := range values {
				if err := m.add(v, activeGraph, subject{id: id, reverse: true}, property, nil); err != nil {
					return err
				}
			}
		}
	}
	if graph, ok := elem["@graph"]; ok {
		if err := m.add(graph, id, subject{}, "", nil); err != nil {
			return err
		}
	}
	if included, ok := elem["@included"]; ok {
		if err := m.add(included, activeGraph, subject{}, "", nil); err != nil {
			return err
		}
	}
	var buf [16]string
	properties := buf[:0]
	for property := range elem {
		switch property {
		case "@id", "@type", "@index", "@reverse", "@graph", "@included":
			continue
		}
		properties = append(properties, property)
	}
	slices.Sort(properties) // json-gold's order, which decides blank node labels
	for _, property := range properties {
		value := elem[property]
		if strings.HasPrefix(property, "_:") {
			property = m.issuer.id(property)
		}
		node.property(property)
		if err := m.add(value, activeGraph, subject{id: id}, property, nil); err != nil {
			return err
		}
	}
	return nil
}

// property returns the values of a property, creating it (empty) if need
// be.
func (n *mapNode) property(name string) *nodeProperty {
	for i := range n.props {
		if n.props[i].name == name {
			return &n.props[i]
		}
	}
	n.props = append(n.props, nodeProperty{name: name})
	return &n.props[len(n.props)-1]
}

// addValue is json-gold's AddValue(node, property, value, true, false,
// false, false): append value unless an equal one (CompareValues) is there,
// and count the statements it becomes. A nil node is json-gold adding to a
// node the graph does not have, which panics there.
func (m *nodeMap) addValue(n *mapNode, property string, v nodeValue, statements int) error {
	if n == nil {
		return fmt.Errorf("no subject for property %q", property)
	}
	p := n.property(property)
	for _, w := range p.values {
		if sameValue(v, w) {
			return nil
		}
	}
	p.values = append(p.values, v)
	m.values += statements
	return nil
}

// sameValue is json-gold's CompareValues on node map values. Like it, it
// compares @value with == — which panics for two JSON literal objects or
// arrays, as json-gold does (guard turns that into an error).
func sameValue(a, b nodeValue) bool {
	switch {
	case a.kind == valueObject && b.kind == valueObject:
		return a.value["@value"] == b.value["@value"] &&
			a.value["@type"] == b.value["@type"] &&
			a.value["@language"] == b.value["@language"] &&
			a.value["@index"] == b.value["@index"]
	case a.kind == nodeRef && b.kind == nodeRef:
		return a.id == b.id
	}
	return false
}
