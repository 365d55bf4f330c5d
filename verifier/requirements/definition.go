package requirements

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// definition is a parsed DIF Presentation Exchange v2 presentation_definition:
// what evaluating its input descriptors against a credential needs.
type definition struct {
	id          string
	descriptors []*descriptor
}

type descriptor struct {
	id, name, purpose string
	fields            []*field
	subjectIsIssuer   bool
}

type field struct {
	label    string // name, id or first path, for people
	paths    []*jsonPath
	filter   *jsonschema.Schema
	optional bool
}

// filterURL is where a compiled filter says it lives; nothing is ever
// fetched from it (the .invalid domain cannot resolve anyway).
const filterURL = "https://requirements.satchel.invalid/filter.json"

// offlineLoader refuses every URL: a filter must be self-contained, so
// evaluating one never reads a file or the network.
type offlineLoader struct{}

func (offlineLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("%s is not part of the filter: filters must be self-contained, schemas are never fetched", url)
}

// unsupportedKeywords are Presentation Exchange filter keywords (from
// ajv-formats) that JSON Schema itself does not define: a JSON Schema
// validator would ignore them and accept any value, so they are rejected.
var unsupportedKeywords = []string{"formatMinimum", "formatMaximum", "formatExclusiveMinimum", "formatExclusiveMaximum"}

func (r *reader) definition(path string, v any) *definition {
	o := r.object(path, v)
	if o == nil {
		return nil
	}
	d := &definition{}
	d.id = o.str("id", true, maxNameLen)
	o.str("name", false, maxNameLen)
	o.text("purpose", maxTextLen)
	// format and frame concern how a wallet submits (proof formats, JSON-LD
	// framing); the verifier checks proofs itself. They are accepted, not
	// evaluated.
	for _, k := range []string{"format", "frame"} {
		if fv, ok := o.get(k); ok {
			r.object(o.at(k), fv)
		}
	}
	groups := map[string]bool{}
	fieldIDs := map[string]bool{}
	ids := map[string]bool{}
	descs := o.array("input_descriptors", true, MaxInputDescriptors)
	if descs != nil && len(descs) == 0 {
		r.fail(o.at("input_descriptors"), "list at least one input descriptor")
	}
	for i, dv := range descs {
		dp := joinIndex(o.at("input_descriptors"), i)
		x := r.descriptor(dp, dv, groups, fieldIDs)
		if x == nil || x.id == "" {
			continue
		}
		if ids[x.id] {
			r.fail(dp+".id", "%q is already the id of an earlier input descriptor", x.id)
			continue
		}
		ids[x.id] = true
		d.descriptors = append(d.descriptors, x)
	}
	// Submission requirements say which descriptors a wallet must submit;
	// here each requirement names the descriptor it rests on, so they are
	// checked for sense and otherwise not evaluated.
	for i, sv := range o.array("submission_requirements", false, MaxInputDescriptors) {
		r.submission(joinIndex(o.at("submission_requirements"), i), sv, groups)
	}
	o.done()
	return d
}

func (r *reader) descriptor(path string, v any, groups, fieldIDs map[string]bool) *descriptor {
	o := r.object(path, v)
	if o == nil {
		return nil
	}
	d := &descriptor{}
	d.id = o.str("id", true, maxNameLen)
	d.name = o.str("name", false, maxNameLen)
	d.purpose = o.str("purpose", false, maxNameLen)
	for i, g := range o.array("group", false, MaxInputDescriptors) {
		if s, ok := g.(string); ok && strings.TrimSpace(s) != "" {
			groups[s] = true
		} else {
			r.fail(joinIndex(o.at("group"), i), "want a group name")
		}
	}
	if fv, ok := o.get("format"); ok {
		r.object(o.at("format"), fv)
	}
	if cv, ok := o.get("constraints"); !ok {
		r.fail(o.at("constraints"), "required: an input descriptor says what it wants in constraints.fields")
	} else {
		r.constraints(o.at("constraints"), cv, d, fieldIDs)
	}
	o.done()
	return d
}

func (r *reader) constraints(path string, v any, d *descriptor, fieldIDs map[string]bool) {
	o := r.object(path, v)
	if o == nil {
		return
	}
	// limit_disclosure, is_holder, same_subject and statuses concern what a
	// wallet reveals and how it binds credentials to the holder; the
	// verifier's holder and status checks cover the rest. Accepted, checked
	// for shape, not evaluated here.
	o.enum("limit_disclosure", "required", "preferred")
	d.subjectIsIssuer = o.enum("subject_is_issuer", "required", "preferred") == "required"
	fields := o.array("fields", true, MaxFields)
	if fields != nil && len(fields) == 0 {
		r.fail(o.at("fields"), "list at least one field: a descriptor without fields would accept any credential")
	}
	local := map[string]bool{}
	for i, fv := range fields {
		if f, id := r.field(joinIndex(o.at("fields"), i), fv, fieldIDs); f != nil {
			d.fields = append(d.fields, f)
			if id != "" {
				local[id] = true
			}
		}
	}
	for _, k := range []string{"is_holder", "same_subject"} {
		for i, hv := range o.array(k, false, MaxFields) {
			hp := joinIndex(o.at(k), i)
			ho := r.object(hp, hv)
			if ho == nil {
				continue
			}
			refs := ho.array("field_id", true, MaxFields)
			for j, ref := range refs {
				if s, ok := ref.(string); !ok || !local[s] {
					r.fail(joinIndex(ho.at("field_id"), j), "want the id of a field of this input descriptor")
				}
			}
			if ho.enum("directive", "required", "preferred") == "" {
				if _, ok := ho.m["directive"]; !ok {
					r.fail(ho.at("directive"), "required")
				}
			}
			ho.done()
		}
	}
	if sv, ok := o.get("statuses"); ok {
		r.object(o.at("statuses"), sv)
	}
	o.done()
}

func (r *reader) field(path string, v any, fieldIDs map[string]bool) (*field, string) {
	o := r.object(path, v)
	if o == nil {
		return nil, ""
	}
	before := len(r.errs)
	f := &field{}
	id := o.str("id", false, maxNameLen)
	if id != "" {
		if fieldIDs[id] {
			r.fail(o.at("id"), "%q is already the id of another field", id)
		}
		fieldIDs[id] = true
	}
	name := o.str("name", false, maxNameLen)
	o.text("purpose", maxTextLen)
	paths := o.array("path", true, MaxPaths)
	if paths != nil && len(paths) == 0 {
		r.fail(o.at("path"), "list at least one JSONPath")
	}
	for i, pv := range paths {
		pp := joinIndex(o.at("path"), i)
		s, ok := pv.(string)
		if !ok {
			r.fail(pp, "want a JSONPath string, got %s", kindOf(pv))
			continue
		}
		jp, err := parsePath(s)
		if err != nil {
			r.fail(pp, "JSONPath %q: %v", s, err)
			continue
		}
		f.paths = append(f.paths, jp)
	}
	fv, hasFilter := o.get("filter")
	if hasFilter {
		f.filter = r.filter(o.at("filter"), fv)
	}
	f.optional = o.boolean("optional")
	if o.enum("predicate", "required", "preferred") != "" && !hasFilter {
		r.fail(o.at("predicate"), "a predicate needs a filter")
	}
	o.boolean("intent_to_retain")
	o.done()
	switch {
	case name != "":
		f.label = name
	case id != "":
		f.label = id
	case len(f.paths) > 0:
		f.label = f.paths[0].text
	}
	if len(r.errs) != before {
		return nil, id
	}
	return f, id
}

// filter compiles a field's filter as a JSON Schema (draft 7 unless it says
// otherwise), refusing references to anything outside it.
func (r *reader) filter(path string, v any) *jsonschema.Schema {
	if _, ok := v.(map[string]any); !ok {
		r.fail(path, "want a JSON Schema object, got %s", kindOf(v))
		return nil
	}
	if k, where := findKeyword(v, path, unsupportedKeywords); k != "" {
		r.fail(where, "%s is not JSON Schema (Presentation Exchange borrows it from ajv-formats) and is not supported: a validator would ignore it and accept any value", k)
		return nil
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseLoader(offlineLoader{})
	if err := c.AddResource(filterURL, v); err != nil {
		r.fail(path, "not a usable JSON Schema: %v", err)
		return nil
	}
	s, err := c.Compile(filterURL)
	if err != nil {
		r.fail(path, "not a usable JSON Schema: %s", oneLine(err.Error()))
		return nil
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// findKeyword finds the first of keys used as an object member anywhere in v.
func findKeyword(v any, path string, keys []string) (string, string) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			for _, bad := range keys {
				if k == bad {
					return k, joinKey(path, k)
				}
			}
			if k, where := findKeyword(x[k], joinKey(path, k), keys); k != "" {
				return k, where
			}
		}
	case []any:
		for i, e := range x {
			if k, where := findKeyword(e, joinIndex(path, i), keys); k != "" {
				return k, where
			}
		}
	}
	return "", ""
}

func (r *reader) submission(path string, v any, groups map[string]bool) {
	o := r.object(path, v)
	if o == nil {
		return
	}
	o.str("name", false, maxNameLen)
	o.text("purpose", maxTextLen)
	if _, ok := o.m["rule"]; !ok {
		r.fail(o.at("rule"), "required")
	}
	rule := o.enum("rule", "all", "pick")
	count, min, max := o.count("count"), o.count("min"), o.count("max")
	if rule == "all" && (count >= 0 || min >= 0 || max >= 0) {
		r.fail(path, "count, min and max go with rule \"pick\"")
	}
	if min >= 0 && max >= 0 && min > max {
		r.fail(o.at("min"), "greater than max")
	}
	from := o.str("from", false, maxNameLen)
	nested := o.array("from_nested", false, MaxInputDescriptors)
	_, hasFrom := o.m["from"]
	_, hasNested := o.m["from_nested"]
	switch {
	case hasFrom == hasNested:
		r.fail(path, "give exactly one of from and from_nested")
	case from != "" && !groups[from]:
		r.fail(o.at("from"), "no input descriptor is in group %q", from)
	}
	for i, nv := range nested {
		r.submission(joinIndex(o.at("from_nested"), i), nv, groups)
	}
	o.done()
}

// count reads a non-negative integer member; -1 when absent.
func (o *object) count(key string) int {
	v, ok := o.get(key)
	if !ok {
		return -1
	}
	n, isNum := v.(json.Number)
	i, err := n.Int64()
	if !isNum || err != nil || i < 0 || i > MaxInputDescriptors {
		o.r.fail(o.at(key), "want a whole number from 0 to %d", MaxInputDescriptors)
		return -1
	}
	return int(i)
}

// satisfies reports whether doc meets every field of the descriptor (an
// optional field may be missing or fail its filter) and, when it does not,
// why.
func (d *descriptor) satisfies(doc map[string]any) (bool, string) {
	if d.subjectIsIssuer && !subjectIsIssuer(doc) {
		return false, "its subject is not its issuer"
	}
	for _, f := range d.fields {
		if ok, why := f.satisfied(doc); !ok && !f.optional {
			return false, why
		}
	}
	return true, ""
}

// satisfied applies PE v2 input evaluation to one field: try each path in
// turn; a value it selects that validates against the filter (or any value,
// without a filter) satisfies the field. Where a path selects several values
// (a wildcard), each is tried: PE v2 evaluates "the first JSONPath match",
// which makes [*] useless for the alignment lists credentials carry; trying
// every match is what PE implementations do in practice and is the same for
// a path that selects one value.
func (f *field) satisfied(doc map[string]any) (bool, string) {
	found := false
	for _, p := range f.paths {
		vals, ok := p.eval(doc)
		if !ok || len(vals) == 0 {
			continue
		}
		found = true
		if f.filter == nil {
			return true, ""
		}
		for _, v := range vals {
			if f.filter.Validate(v) == nil {
				return true, ""
			}
		}
	}
	if !found {
		return false, fmt.Sprintf("field %q has no value", f.label)
	}
	return false, fmt.Sprintf("no value of field %q passes its filter", f.label)
}

func subjectIsIssuer(doc map[string]any) bool {
	issuer, _ := doc["issuer"].(string)
	if m, ok := doc["issuer"].(map[string]any); ok {
		issuer, _ = m["id"].(string)
	}
	if issuer == "" {
		return false
	}
	var subjects []any
	switch s := doc["credentialSubject"].(type) {
	case map[string]any:
		subjects = []any{s}
	case []any:
		subjects = s
	}
	for _, s := range subjects {
		m, _ := s.(map[string]any)
		if id, _ := m["id"].(string); id != issuer {
			return false
		}
	}
	return len(subjects) > 0
}
