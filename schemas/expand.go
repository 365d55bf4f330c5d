package schemas

import (
	"errors"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/piprate/json-gold/ld"
)

// This file is JSON-LD 1.1 expansion as json-gold v0.9.1 does it
// (JsonLdApi.Expand: expandElement, expandObject and expandIndexMap in its
// api_expand.go), step for step and quirk for quirk — its output is what
// Satchel has always signed and verified — over scopes (scope.go), so that
// each context is processed once per Loader instead of once per node.
//
// It leaves to json-gold what it does not do itself: any document json-gold
// fails on (json-gold then reports the error, or ignores it where json-gold
// ignores errors, as inside @list and @set), and contexts whose processing
// scope.go cannot reproduce exactly. Those return errFallback, and
// expandSafe expands the document with json-gold instead. Framing
// expansion (JsonLd_1_1_Frame) and element handlers are never used here.

// errFallback says json-gold must expand the document.
var errFallback = errors.New("schemas: expansion left to json-gold")

// fallbacks counts documents left to json-gold; tests use it to check that
// ordinary documents are not.
var fallbacks atomic.Int64

// expand expands input as JsonLdProcessor.Expand does with options(...) and
// the safe-mode ExpandContext, or reports false if json-gold must.
func (l *Loader) expand(input any) ([]any, bool) {
	base := l.baseScope()
	if base == nil {
		fallbacks.Add(1)
		return nil, false
	}
	x := expansion{l: l}
	var expanded any
	err := guard(func() error {
		var err error
		expanded, err = x.element(base, "", input, false, nil)
		return err
	})
	if err != nil {
		fallbacks.Add(1)
		return nil, false
	}
	// The end of JsonLdProcessor.Expand: a lone @graph is the result; the
	// result is always an array.
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
		return list, true
	}
	return []any{expanded}, true
}

type expansion struct {
	l   *Loader
	key []byte // scratch space for Loader.fromDocument
}

// element is expandElement.
func (x *expansion) element(active *scope, activeProperty string, element any, insideIndex bool, typeScoped *scope) (any, error) {
	if element == nil {
		return nil, nil
	}
	switch elem := element.(type) {
	case []any:
		resultList := make([]any, 0, len(elem))
		list := activeProperty == "@list" || active.hasContainer(activeProperty, "@list")
		for _, item := range elem {
			v, err := x.element(active, activeProperty, item, insideIndex, typeScoped)
			if err != nil {
				return nil, err
			}
			if vl, isList := v.([]any); list && isList {
				v = map[string]any{"@list": vl}
			}
			if v != nil {
				if vl, isList := v.([]any); isList {
					resultList = append(resultList, vl...)
				} else {
					resultList = append(resultList, v)
				}
			}
		}
		return resultList, nil
	case map[string]any:
		return x.object(active, activeProperty, elem, insideIndex, typeScoped)
	default:
		if activeProperty == "" || activeProperty == "@graph" {
			return nil, nil
		}
		return active.expandValue(activeProperty, element)
	}
}

// object is expandElement for a JSON object.
func (x *expansion) object(active *scope, activeProperty string, elem map[string]any, insideIndex bool, typeScoped *scope) (any, error) {
	expandedActiveProperty, err := active.expandIRI(activeProperty, false, true)
	if err != nil {
		return nil, err
	}
	// The property-scoped context of the active property, looked up before
	// reverting and applied after.
	propertyTerm := active.term(activeProperty)

	// Revert a type-scoped context, unless elem is a value object or a node
	// reference (or inside an index map).
	if typeScoped == nil && active.prev != nil {
		typeScoped = active
	}
	mustRevert := !insideIndex
	keys := sortedMapKeys(elem)
	elemCtx, hasContext := elem["@context"]
	if mustRevert && typeScoped != nil && len(keys) <= 2 && !hasContext {
		for _, key := range keys {
			isValue, err := typeScoped.expandsTo(key, "@value")
			if err != nil {
				return nil, err
			}
			if isValue {
				mustRevert = false
				active = typeScoped
				break
			}
			isID, err := typeScoped.expandsTo(key, "@id")
			if err != nil {
				return nil, err
			}
			if isID && len(keys) == 1 {
				mustRevert = false
				break
			}
		}
	}
	if mustRevert {
		active = active.revert()
	}
	if propertyTerm != nil && propertyTerm.Context != nil {
		if active, err = x.l.fromTerm(active, deriveProperty, propertyTerm); err != nil {
			return nil, err
		}
	}
	if hasContext {
		if active, x.key, err = x.l.fromDocument(active, elemCtx, x.key); err != nil {
			return nil, err
		}
	}
	typeScoped = active

	// Apply the scoped contexts of the node's types, in lexical order.
	var typeKey string
	for _, key := range keys {
		isType, err := active.expandsTo(key, "@type")
		if err != nil {
			return nil, err
		}
		if !isType {
			continue
		}
		var types []string
		switch v := elem[key].(type) {
		case []any:
			for _, t := range v {
				s, ok := t.(string)
				if !ok {
					return nil, errFallback // invalid type value
				}
				types = append(types, s)
			}
			sort.Strings(types)
		case string:
			types = []string{v}
		default:
			return nil, errFallback // invalid type value
		}
		for _, t := range types {
			if td := typeScoped.term(t); td != nil && td.HasContext {
				if active, err = x.l.fromTerm(active, deriveType, td); err != nil {
					return nil, err
				}
			}
		}
		typeKey = key
	}

	resultMap := make(map[string]any, len(keys))
	if err := x.properties(active, activeProperty, expandedActiveProperty, elem, keys, resultMap, typeKey, typeScoped); err != nil {
		return nil, err
	}

	// 8) value objects
	if rval, hasValue := resultMap["@value"]; hasValue {
		for key := range resultMap {
			switch key {
			case "@value", "@index", "@language", "@type", "@direction":
			default:
				return nil, errFallback // value object has unknown keys
			}
		}
		_, hasLanguage := resultMap["@language"]
		_, hasDirection := resultMap["@direction"]
		typeValue, hasType := resultMap["@type"]
		if (hasLanguage || hasDirection) && hasType {
			return nil, errFallback // @type with @language or @direction
		}
		if rval == nil && typeValue != "@json" {
			return nil, nil
		}
		if hasLanguage {
			for _, v := range ld.Arrayify(rval) {
				if _, isString := v.(string); !(isString || isEmptyObject(v)) {
					return nil, errFallback // only strings may be language-tagged
				}
			}
		} else if hasType {
			types := ld.Arrayify(typeValue)
			if !(len(types) == 1 && types[0] == "@json") {
				for _, v := range types {
					s, isString := v.(string)
					if !(isEmptyObject(v) || (isString && isAbsoluteIRI(s) && !strings.HasPrefix(s, "_:"))) {
						return nil, errFallback // @type of a value must be an absolute IRI
					}
				}
			}
		}
	} else if rtype, hasType := resultMap["@type"]; hasType { // 9)
		if _, isList := rtype.([]any); !isList {
			resultMap["@type"] = []any{rtype}
		}
	} else { // 10)
		rset, hasSet := resultMap["@set"]
		_, hasList := resultMap["@list"]
		if hasSet || hasList {
			maxSize := 1
			if _, hasIndex := resultMap["@index"]; hasIndex {
				maxSize = 2
			}
			if len(resultMap) > maxSize {
				return nil, errFallback // @set or @list may only contain @index
			}
			if hasSet {
				return rset, nil
			}
		}
	}
	// 11)
	if _, hasLanguage := resultMap["@language"]; hasLanguage && len(resultMap) == 1 {
		return nil, nil
	}
	// 12)
	if activeProperty == "" || activeProperty == "@graph" {
		_, hasValue := resultMap["@value"]
		_, hasList := resultMap["@list"]
		_, hasID := resultMap["@id"]
		if len(resultMap) == 0 || hasValue || hasList || hasID && len(resultMap) == 1 {
			return nil, nil
		}
	}
	return resultMap, nil
}

func isEmptyObject(v any) bool {
	m, ok := v.(map[string]any)
	return ok && len(m) == 0
}

// properties is expandObject: elem's entries (keys, sorted) into resultMap.
func (x *expansion) properties(active *scope, activeProperty, expandedActiveProperty string, elem map[string]any, keys []string, resultMap map[string]any, typeKey string, typeScoped *scope) error {
	inputType := elem[typeKey]
	if inputType != nil {
		if types, isArray := inputType.([]any); isArray {
			if len(types) > 0 {
				inputType = types[len(types)-1]
			} else {
				inputType = nil
			}
		}
		if inputType != nil {
			s, ok := inputType.(string)
			if !ok {
				return errFallback // json-gold fails on (or panics at) a non-string type
			}
			t, err := active.expandIRI(s, false, true)
			if err != nil {
				return err
			}
			inputType = t
		}
	}

	var nests []string
	for _, key := range keys {
		value := elem[key]
		if key == "@context" {
			continue
		}
		expandedProperty, err := active.expandIRI(key, false, true)
		if err != nil {
			return err
		}
		// 7.3) drop what does not expand to an IRI or keyword (safe mode
		// is off: the safe-mode vocabulary makes undefined terms IRIs).
		if expandedProperty == "" || (!strings.Contains(expandedProperty, ":") && !ld.IsKeyword(expandedProperty)) {
			continue
		}
		if ld.IsKeyword(expandedProperty) {
			isNest, err := x.keyword(active, activeProperty, expandedActiveProperty, key, expandedProperty, value, inputType, resultMap, typeScoped)
			if err != nil {
				return err
			}
			if isNest {
				nests = append(nests, key)
			}
			continue
		}
		if err := x.property(active, key, expandedProperty, value, resultMap); err != nil {
			return err
		}
	}

	for _, n := range nests {
		for _, nv := range ld.Arrayify(elem[n]) {
			nvMap, isMap := nv.(map[string]any)
			if !isMap {
				return errFallback // nested value must be a node object
			}
			for k := range nvMap {
				isValue, err := active.expandsTo(k, "@value")
				if err != nil {
					return err
				}
				if isValue {
					return errFallback // nested value must be a node object
				}
			}
			if err := x.properties(active, activeProperty, expandedActiveProperty, nvMap, sortedMapKeys(nvMap), resultMap, typeKey, typeScoped); err != nil {
				return err
			}
		}
	}
	return nil
}

// keyword is expandObject for an entry whose key expands to a keyword. It
// reports whether the entry is an @nest, which the caller expands last.
func (x *expansion) keyword(active *scope, activeProperty, expandedActiveProperty, key, expandedProperty string, value, inputType any, resultMap map[string]any, typeScoped *scope) (bool, error) {
	if expandedActiveProperty == "@reverse" {
		return false, errFallback // a keyword cannot be used as a @reverse property
	}
	if _, exists := resultMap[expandedProperty]; exists && expandedProperty != "@type" && expandedProperty != "@included" {
		return false, errFallback // colliding keywords
	}
	var expandedValue any
	var err error
	switch expandedProperty {
	case "@id":
		s, isString := value.(string)
		if !isString {
			return false, errFallback // value of @id must be a string
		}
		if expandedValue, err = active.expandIRI(s, true, false); err != nil {
			return false, err
		}
	case "@included":
		ev, err := x.element(active, activeProperty, value, false, nil)
		if err != nil {
			return false, err
		}
		included := ld.Arrayify(ev)
		for _, v := range included {
			if !ld.IsSubject(v) {
				return false, errFallback // values of @included must expand to node objects
			}
		}
		if prev, found := resultMap["@included"]; found {
			prevList, ok := prev.([]any)
			if !ok {
				return false, errFallback
			}
			included = append(prevList, included...)
		}
		expandedValue = included
	case "@type":
		switch v := value.(type) {
		case []any:
			var list []any // nil for an empty array, as json-gold's
			if len(v) > 0 {
				list = make([]any, 0, len(v))
			}
			for _, e := range v {
				s, isString := e.(string)
				if !isString {
					return false, errFallback // @type value must be a string or array of strings
				}
				t, err := typeScoped.expandIRI(s, true, true)
				if err != nil {
					return false, err
				}
				list = append(list, t)
			}
			expandedValue = list
		case string:
			t, err := typeScoped.expandIRI(v, true, true)
			if err != nil {
				return false, err
			}
			expandedValue = t
			if prev, exists := resultMap[expandedProperty]; exists {
				expandedValue = append(ld.Arrayify(prev), t)
			}
		case map[string]any:
			if len(v) != 0 {
				return false, errFallback // @type value must be an empty object for framing
			}
			expandedValue = value
		default:
			return false, errFallback // invalid type value
		}
	case "@graph":
		ev, err := x.element(active, "@graph", value, false, nil)
		if err != nil {
			return false, err
		}
		expandedValue = ld.Arrayify(ev)
	case "@value":
		if inputType != "@json" {
			switch value.(type) {
			case map[string]any, []any:
				return false, errFallback // value of @value must be a scalar or null
			}
		}
		if value == nil {
			resultMap["@value"] = nil
			return false, nil
		}
		expandedValue = value
	case "@language":
		s, isString := value.(string)
		if !isString {
			return false, errFallback // @language value must be a string
		}
		expandedValue = strings.ToLower(s)
	case "@direction":
		if _, isString := value.(string); !isString {
			return false, errFallback // @direction must be a string
		}
		expandedValue = value
	case "@index":
		if _, isString := value.(string); !isString {
			return false, errFallback // @index must be a string
		}
		expandedValue = value
	case "@list":
		if activeProperty == "" || activeProperty == "@graph" {
			return false, nil
		}
		// json-gold ignores errors here; leave them to it.
		ev, err := x.element(active, activeProperty, value, false, nil)
		if err != nil {
			return false, err
		}
		expandedValue = ld.Arrayify(ev)
	case "@set":
		if expandedValue, err = x.element(active, activeProperty, value, false, nil); err != nil {
			return false, err
		}
	case "@reverse":
		return false, x.reverse(active, value, resultMap)
	case "@nest":
		return true, nil
	case "@default":
		if expandedValue, err = x.element(active, expandedProperty, value, false, nil); err != nil {
			return false, err
		}
	case "@explicit", "@embed", "@requireAll", "@omitDefault":
		expandedValue = []any{value}
	}
	if expandedValue != nil {
		resultMap[expandedProperty] = expandedValue
	}
	return false, nil
}

// reverse is expandObject for an @reverse entry.
func (x *expansion) reverse(active *scope, value any, resultMap map[string]any) error {
	if _, isMap := value.(map[string]any); !isMap {
		return errFallback // @reverse value must be an object
	}
	ev, err := x.element(active, "@reverse", value, false, nil)
	if err != nil {
		return err
	}
	expanded, isMap := ev.(map[string]any)
	if !isMap {
		return errFallback // json-gold panics
	}
	reverseValue, containsReverse := expanded["@reverse"]
	if containsReverse {
		reverseMap, ok := reverseValue.(map[string]any)
		if !ok {
			return errFallback
		}
		for property, item := range reverseMap {
			var propertyList []any
			if pv, exists := resultMap[property]; exists {
				if propertyList, ok = pv.([]any); !ok {
					return errFallback
				}
			}
			if itemList, isList := item.([]any); isList {
				propertyList = append(propertyList, itemList...)
			} else {
				propertyList = append(propertyList, item)
			}
			if propertyList == nil {
				propertyList = []any{}
			}
			resultMap[property] = propertyList
		}
	}
	maxSize := 0
	if containsReverse {
		maxSize = 1
	}
	if len(expanded) <= maxSize {
		return nil
	}
	var reverseMap map[string]any
	if rv, exists := resultMap["@reverse"]; exists {
		var ok bool
		if reverseMap, ok = rv.(map[string]any); !ok {
			return errFallback
		}
	} else {
		reverseMap = make(map[string]any)
		resultMap["@reverse"] = reverseMap
	}
	for property, propertyValue := range expanded {
		if property == "@reverse" {
			continue
		}
		items, ok := propertyValue.([]any)
		if !ok {
			return errFallback
		}
		for _, item := range items {
			itemMap, ok := item.(map[string]any)
			if !ok {
				return errFallback
			}
			_, containsValue := itemMap["@value"]
			_, containsList := itemMap["@list"]
			if containsValue || containsList {
				return errFallback // invalid reverse property value
			}
			var list []any
			if pv, exists := reverseMap[property]; exists {
				if list, ok = pv.([]any); !ok {
					return errFallback
				}
			} else {
				list = make([]any, 0)
			}
			reverseMap[property] = append(list, item)
		}
	}
	return nil
}

// property is expandObject for an entry whose key expands to an IRI.
func (x *expansion) property(active *scope, key, expandedProperty string, value any, resultMap map[string]any) error {
	termCtx := active
	td := active.term(key)
	if td != nil && td.HasContext {
		var err error
		if termCtx, err = x.l.fromTerm(active, deriveProperty, td); err != nil {
			return err
		}
	}

	// The key's definition where its value is expanded: its containers
	// (ld.Context.HasContainerMapping) and whether it is reverse.
	keyTerm := termCtx.term(key)

	var expandedValue any
	var err error
	valueMap, isMap := value.(map[string]any)
	switch {
	case isMap && inContainer(keyTerm, "@language"):
		var list []any
		dir, hasDir := td.Direction, td.HasDirection
		for _, language := range sortedMapKeys(valueMap) {
			expandedLanguage, err := termCtx.expandIRI(language, false, true)
			if err != nil {
				return err
			}
			for _, item := range ld.Arrayify(valueMap[language]) {
				if item == nil {
					continue
				}
				if _, isString := item.(string); !isString {
					return errFallback // language map values must be strings
				}
				v := map[string]any{"@value": item}
				if expandedLanguage != "@none" {
					v["@language"] = strings.ToLower(language)
				}
				if hasDir {
					if dir != nil {
						v["@direction"] = dir // sic: json-gold stores the *string
					}
				} else if defaultDir := termCtx.c.Values.Direction; defaultDir != "" {
					v["@direction"] = defaultDir
				}
				list = append(list, v)
			}
		}
		expandedValue = list
	case isMap && inContainer(keyTerm, "@index"):
		asGraph := inContainer(keyTerm, "@graph")
		indexKey := "@index"
		if keyTerm.Index != "" {
			indexKey = keyTerm.Index
		}
		var propertyIndex string
		if indexKey != "@index" {
			if propertyIndex, err = active.expandIRI(indexKey, false, true); err != nil {
				return err
			}
		}
		expandedValue, err = x.indexMap(termCtx, key, valueMap, indexKey, asGraph, propertyIndex)
	case isMap && inContainer(keyTerm, "@id"):
		asGraph := inContainer(keyTerm, "@graph")
		expandedValue, err = x.indexMap(termCtx, key, valueMap, "@id", asGraph, "")
	case isMap && inContainer(keyTerm, "@type"):
		// the type-scoped context is reverted for the values of a type map
		expandedValue, err = x.indexMap(termCtx.revert(), key, valueMap, "@type", false, "")
	default:
		// (json-gold also checks here for an expanded property of @list or
		// @set, which a non-keyword cannot be.)
		if tdKey := active.term(key); tdKey != nil && tdKey.Type == "@json" {
			expandedValue = map[string]any{"@type": "@json", "@value": value}
		} else {
			expandedValue, err = x.element(termCtx, key, value, false, nil)
		}
	}
	if err != nil {
		return err
	}
	if expandedValue == nil {
		return nil
	}

	if inContainer(keyTerm, "@list") {
		m, isMap := expandedValue.(map[string]any)
		if _, containsList := m["@list"]; !isMap || !containsList {
			if list, isList := expandedValue.([]any); isList {
				expandedValue = map[string]any{"@list": list}
			} else {
				expandedValue = map[string]any{"@list": []any{expandedValue}}
			}
		}
	}
	if inContainer(keyTerm, "@graph") && !inContainer(keyTerm, "@id") && !inContainer(keyTerm, "@index") {
		values := ld.Arrayify(expandedValue)
		graphs := make([]any, 0, len(values))
		for _, ev := range values {
			graphs = append(graphs, map[string]any{"@graph": ld.Arrayify(ev)})
		}
		expandedValue = graphs
	}

	if keyTerm != nil && keyTerm.Reverse {
		var reverseMap map[string]any
		if rv, exists := resultMap["@reverse"]; exists {
			var ok bool
			if reverseMap, ok = rv.(map[string]any); !ok {
				return errFallback
			}
		} else {
			reverseMap = make(map[string]any)
			resultMap["@reverse"] = reverseMap
		}
		for _, item := range ld.Arrayify(expandedValue) {
			var list []any
			if pv, exists := reverseMap[expandedProperty]; exists {
				var ok bool
				if list, ok = pv.([]any); !ok {
					return errFallback
				}
			} else {
				list = make([]any, 0)
			}
			switch v := item.(type) {
			case map[string]any:
				_, containsValue := v["@value"]
				_, containsList := v["@list"]
				if containsValue || containsList {
					return errFallback // invalid reverse property value
				}
				list = append(list, v)
			case []any:
				list = append(list, v...)
			default:
				list = append(list, v)
			}
			reverseMap[expandedProperty] = list
		}
		return nil
	}

	values, isList := expandedValue.([]any)
	var list []any
	if pv, exists := resultMap[expandedProperty]; exists {
		var ok bool
		if list, ok = pv.([]any); !ok {
			return errFallback
		}
	} else if isList && values != nil {
		// The slices expansion returns are its own, held nowhere else:
		// the first values of a property need no copy.
		resultMap[expandedProperty] = values
		return nil
	} else {
		list = make([]any, 0)
	}
	if isList {
		list = append(list, values...)
	} else {
		list = append(list, expandedValue)
	}
	resultMap[expandedProperty] = list
	return nil
}

// indexMap is expandIndexMap: the values of an @index, @id or @type map.
func (x *expansion) indexMap(active *scope, activeProperty string, value map[string]any, indexKey string, asGraph bool, propertyIndex string) (any, error) {
	var out []any
	for _, key := range sortedMapKeys(value) {
		indexCtx := active
		if td := active.term(key); indexKey == "@type" && td != nil && td.HasContext {
			var err error
			if indexCtx, err = x.l.fromTerm(active, deriveEmbedded, td); err != nil {
				return nil, err
			}
		}
		ev, err := x.element(indexCtx, activeProperty, ld.Arrayify(value[key]), true, nil)
		if err != nil {
			return nil, err
		}
		var expandedKey any
		if propertyIndex != "" {
			if key == "@none" {
				expandedKey = "@none"
			} else if expandedKey, err = indexCtx.expandValue(indexKey, key); err != nil {
				return nil, err
			}
		} else if expandedKey, err = indexCtx.expandIRI(key, false, true); err != nil {
			return nil, err
		}
		switch indexKey {
		case "@id":
			if key, err = indexCtx.expandIRI(key, true, false); err != nil {
				return nil, err
			}
		case "@type":
			key = expandedKey.(string)
		}
		items, ok := ev.([]any)
		if !ok {
			return nil, errFallback
		}
		for _, itemValue := range items {
			if asGraph && !ld.IsGraph(itemValue) {
				itemValue = map[string]any{"@graph": ld.Arrayify(itemValue)}
			}
			item, ok := itemValue.(map[string]any)
			if !ok {
				return nil, errFallback // json-gold panics
			}
			switch {
			case indexKey == "@type":
				if expandedKey == "@none" {
					// no type to add
				} else if types, hasType := item["@type"]; hasType {
					switch v := types.(type) {
					case string:
						item["@type"] = []any{key, v}
					case []any:
						item["@type"] = append([]any{key}, v...)
					}
				} else {
					item["@type"] = []any{key}
				}
			case ld.IsValue(item) && indexKey != "@language" && indexKey != "@index":
				return nil, errFallback // illegal key in a value object
			case propertyIndex != "":
				if expandedKey != "@none" {
					ld.AddValue(item, propertyIndex, expandedKey, true, false, true, true)
				}
			default:
				if _, exists := item[indexKey]; !exists && expandedKey != "@none" {
					item[indexKey] = key
				}
			}
			out = append(out, item)
		}
	}
	return out, nil
}
