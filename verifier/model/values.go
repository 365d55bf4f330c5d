package model

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// join and index build finding paths: join("issuer", "id") is "issuer.id",
// index("credentialSubject", 0) is "credentialSubject[0]".
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// items returns v as a list: an array's elements, or v itself. JSON-LD
// writes a set of one either way.
func items(v any) []any {
	if a, ok := v.([]any); ok {
		return a
	}
	return []any{v}
}

// itemPath is the path of the i-th of items(v).
func itemPath(path string, v any, i int) string {
	if _, ok := v.([]any); ok {
		return index(path, i)
	}
	return path
}

// typeValues returns the strings of a type value (a string or an array of
// strings) and whether it is well formed: at least one value, every one a
// non-empty string without spaces.
func typeValues(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, isTerm(x)
	case []any:
		ok := len(x) > 0
		var out []string
		for _, e := range x {
			s, isString := e.(string)
			if !isString {
				ok = false
				continue
			}
			out = append(out, s)
			ok = ok && isTerm(s)
		}
		return out, ok
	}
	return nil, false
}

// isTerm: a type value is a term or an IRI, so it is neither empty nor
// holds white space.
func isTerm(s string) bool {
	return s != "" && utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f })
}

// hasType reports whether the object's type includes any of want.
func hasType(v any, want ...string) bool {
	types, _ := typeValues(v)
	for _, t := range types {
		if slices.Contains(want, t) {
			return true
		}
	}
	return false
}

// isURL reports whether s is an absolute URL (an IRI with a scheme):
// "https://example.edu/1", "did:example:123", "urn:uuid:…", "data:…".
// An http(s) URL needs a host. Relative references, bare words and strings
// with white space or characters IRIs exclude are not URLs.
func isURL(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon < 1 || colon == len(s)-1 || !utf8.ValidString(s) {
		return false
	}
	scheme := s[:colon]
	for i := 0; i < len(scheme); i++ {
		b := scheme[i]
		switch {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z':
		case i > 0 && ('0' <= b && b <= '9' || b == '+' || b == '-' || b == '.'):
		default:
			return false
		}
	}
	for i, r := range s {
		switch {
		case r <= ' ', r == 0x7f, strings.ContainsRune("<>\"{}|\\^`", r):
			return false
		case r == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
		}
	}
	if strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return false
		}
	}
	return true
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}

// isIRIish reports whether a JSON-LD context value meant as an IRI could be
// one: an absolute IRI, a compact IRI ("schema:name"), a blank node id, or a
// term or relative reference (no colon); never a string with white space or
// a colon after something that is not a scheme or prefix.
func isIRIish(s string) bool {
	if s == "" || !isTerm(s) {
		return false
	}
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return true
	}
	if s[:colon] == "_" {
		return colon < len(s)-1
	}
	return isURL(s) || colon > 0 && isURL(s[:colon]+":x")
}

// dateTimeRE is the lexical form of an XML Schema dateTimeStamp (RFC 3339
// with a time zone); time.Parse then rejects impossible dates.
var dateTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

// parseDateTime parses a date-time stamp. lower allows the lower-case "t"
// and "z" RFC 3339 permits (VC 1.1 cites RFC 3339; VC 2.0 cites XML Schema,
// which does not).
func parseDateTime(s string, lower bool) (time.Time, bool) {
	if lower {
		s = strings.Map(func(r rune) rune {
			if r == 't' || r == 'z' {
				return r - 'a' + 'A'
			}
			return r
		}, s)
	}
	if !dateTimeRE.MatchString(s) {
		return time.Time{}, false
	}
	// Time zones lie within ±14:00 (XML Schema; RFC 3339 allows no more
	// than 23:59, and time.Parse checks neither).
	if n := len(s); s[n-1] != 'Z' {
		hh, _ := strconv.Atoi(s[n-5 : n-3])
		mm, _ := strconv.Atoi(s[n-2:])
		if mm > 59 || hh*60+mm > 14*60 {
			return time.Time{}, false
		}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// text returns the display text of a string-valued property: a string, a
// language value object ({"@value": …}), a language map ({"en": …}, as
// OB 3.0's schema allows), or the first of an array of these.
func text(v any) string {
	if a, ok := v.([]any); ok {
		for _, e := range a {
			if s := scalarText(e); s != "" {
				return s
			}
		}
		return ""
	}
	return scalarText(v)
}

func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if s, ok := x["@value"].(string); ok {
			return s
		}
		if s, ok := x["en"].(string); ok {
			return s
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if s, ok := x[k].(string); ok && !strings.HasPrefix(k, "@") {
				return s
			}
		}
	}
	return ""
}

// str returns v if it is a string.
func str(v any) string {
	s, _ := v.(string)
	return s
}

// number returns v as a float64 if it is a JSON number.
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

// idOf returns the id of a value that names something: the string itself,
// or the object's id.
func idOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		return str(x["id"])
	}
	return ""
}
