package requirements

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// decodeStrict reads exactly one JSON value. Objects become map[string]any
// and numbers json.Number (JSON Schema filters keep their exact numbers); a
// key repeated in an object, nesting deeper than MaxDepth and anything after
// the value are errors, because encoding/json would quietly keep the last
// duplicate and an employer would not see the requirement they wrote.
func decodeStrict(data []byte) (any, error) {
	if !utf8.Valid(data) {
		return nil, &FieldError{Reason: "the file is not valid UTF-8"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec, "", 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &FieldError{Reason: "data after the top-level JSON value"}
	}
	return v, nil
}

func syntaxError(dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &FieldError{Reason: fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)}
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return &FieldError{Reason: fmt.Sprintf("invalid JSON: unexpected end at byte %d", dec.InputOffset())}
	}
	return &FieldError{Reason: fmt.Sprintf("invalid JSON at byte %d: %v", dec.InputOffset(), err)}
}

func decodeValue(dec *json.Decoder, path string, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(dec, err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil // string, json.Number, bool or nil
	}
	if depth >= MaxDepth {
		return nil, &FieldError{Path: path, Reason: fmt.Sprintf("nested deeper than %d levels", MaxDepth)}
	}
	switch d {
	case '{':
		m := map[string]any{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, syntaxError(dec, err)
			}
			k, _ := kt.(string)
			kp := joinKey(path, k)
			if _, dup := m[k]; dup {
				return nil, &FieldError{Path: kp, Reason: "the key appears twice in the object"}
			}
			v, err := decodeValue(dec, kp, depth+1)
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		if _, err := dec.Token(); err != nil {
			return nil, syntaxError(dec, err)
		}
		return m, nil
	default: // '['
		a := []any{}
		for dec.More() {
			v, err := decodeValue(dec, joinIndex(path, len(a)), depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, syntaxError(dec, err)
		}
		return a, nil
	}
}

// joinKey extends a path with an object member: a.b, or a["b c"] when the
// name is not a plain identifier.
func joinKey(path, key string) string {
	plain := key != ""
	for _, r := range key {
		if !(r == '_' || r == '-' || r == '$' || r == '@' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	switch {
	case !plain:
		return path + "[" + strconv.Quote(key) + "]"
	case path == "":
		return key
	}
	return path + "." + key
}

func joinIndex(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// reader walks decoded JSON, collecting every problem with the path where it
// is, up to maxErrors.
type reader struct {
	errs []error
}

const maxErrors = 20

func (r *reader) fail(path, format string, args ...any) {
	if len(r.errs) < maxErrors {
		r.errs = append(r.errs, &FieldError{Path: path, Reason: fmt.Sprintf(format, args...)})
	} else if len(r.errs) == maxErrors {
		r.errs = append(r.errs, &FieldError{Reason: "more problems not shown"})
	}
}

func (r *reader) err() error { return errors.Join(r.errs...) }

// object is one JSON object being read: every member must be asked for by
// name (done reports the others as unknown fields).
type object struct {
	r    *reader
	path string
	m    map[string]any
	used map[string]bool
}

func (r *reader) object(path string, v any) *object {
	m, ok := v.(map[string]any)
	if !ok {
		r.fail(path, "want a JSON object, got %s", kindOf(v))
		return nil
	}
	return &object{r: r, path: path, m: m, used: map[string]bool{}}
}

func (o *object) at(key string) string { return joinKey(o.path, key) }

func (o *object) get(key string) (any, bool) {
	o.used[key] = true
	v, ok := o.m[key]
	return v, ok
}

// done reports the members no one asked for.
func (o *object) done() {
	var unknown []string
	for k := range o.m {
		if !o.used[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	known := make([]string, 0, len(o.used))
	for k := range o.used {
		known = append(known, k)
	}
	sort.Strings(known)
	for _, k := range unknown {
		o.r.fail(o.at(k), "unknown field (known here: %s)", strings.Join(known, ", "))
	}
}

// str reads a string member of at most max bytes; required says whether it
// must be present and non-blank.
func (o *object) str(key string, required bool, max int) string {
	v, ok := o.get(key)
	if !ok {
		if required {
			o.r.fail(o.at(key), "required")
		}
		return ""
	}
	s, isStr := v.(string)
	switch {
	case !isStr:
		o.r.fail(o.at(key), "want a string, got %s", kindOf(v))
	case strings.TrimSpace(s) == "":
		o.r.fail(o.at(key), "must not be empty")
	case len(s) > max:
		o.r.fail(o.at(key), "longer than %d bytes", max)
	case strings.ContainsAny(s, "\x00\r\n"):
		o.r.fail(o.at(key), "must be one line of text")
	default:
		return strings.TrimSpace(s)
	}
	return ""
}

// text reads an optional string member that may span lines.
func (o *object) text(key string, max int) string {
	v, ok := o.get(key)
	if !ok {
		return ""
	}
	s, isStr := v.(string)
	switch {
	case !isStr:
		o.r.fail(o.at(key), "want a string, got %s", kindOf(v))
	case len(s) > max:
		o.r.fail(o.at(key), "longer than %d bytes", max)
	case strings.ContainsRune(s, 0):
		o.r.fail(o.at(key), "must not contain NUL")
	default:
		return strings.TrimSpace(s)
	}
	return ""
}

// number reads a positive finite number no larger than max.
func (o *object) number(key string, max float64) float64 {
	v, ok := o.get(key)
	if !ok {
		return 0
	}
	n, isNum := v.(json.Number)
	if !isNum {
		o.r.fail(o.at(key), "want a number, got %s", kindOf(v))
		return 0
	}
	f, err := n.Float64()
	switch {
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		o.r.fail(o.at(key), "not a usable number")
	case f <= 0:
		o.r.fail(o.at(key), "must be greater than 0")
	case f > max:
		o.r.fail(o.at(key), "must be at most %g", max)
	default:
		return f
	}
	return 0
}

func (o *object) boolean(key string) bool {
	v, ok := o.get(key)
	if !ok {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		o.r.fail(o.at(key), "want true or false, got %s", kindOf(v))
	}
	return b
}

// array reads an array member of at most max elements.
func (o *object) array(key string, required bool, max int) []any {
	v, ok := o.get(key)
	if !ok {
		if required {
			o.r.fail(o.at(key), "required")
		}
		return nil
	}
	a, isArr := v.([]any)
	switch {
	case !isArr:
		o.r.fail(o.at(key), "want an array, got %s", kindOf(v))
		return nil
	case len(a) > max:
		o.r.fail(o.at(key), "more than %d entries", max)
		return nil
	}
	return a
}

// enum reads a string member that must be one of values.
func (o *object) enum(key string, values ...string) string {
	v, ok := o.get(key)
	if !ok {
		return ""
	}
	s, _ := v.(string)
	for _, w := range values {
		if s == w {
			return s
		}
	}
	o.r.fail(o.at(key), "want one of %s", strings.Join(quoteAll(values), ", "))
	return ""
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
