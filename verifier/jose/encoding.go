package jose

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
)

var b64 = base64.RawURLEncoding.Strict()

// decodeB64 decodes unpadded base64url, refusing any byte outside its
// alphabet (the standard decoder skips newlines) and non-canonical trailing
// bits, so that one value has exactly one encoding.
func decodeB64(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if !isB64(s[i]) {
			return nil, fail(ErrMalformed, "invalid base64url character at offset %d", i)
		}
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, fail(ErrMalformed, "invalid base64url: %v", err)
	}
	return b, nil
}

func isB64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

func encodeB64(b []byte) string { return b64.EncodeToString(b) }

// CheckJSON is checkJSON for the verifier's other JSON inputs (JSON-LD
// credentials and presentations): the same rules everywhere the verifier
// reads JSON. Its errors match ErrMalformed.
func CheckJSON(b []byte, maxDepth int) error { return checkJSON(b, maxDepth) }

// checkJSON bounds the nesting of b and rejects duplicate member names, which
// different parsers resolve differently (RFC 7515 §4: a JOSE header with
// duplicates must be rejected or the last one used; we reject everywhere).
// It does not validate syntax; json.Unmarshal does that afterwards. It never
// reads past b and does constant work per byte apart from key bookkeeping.
func checkJSON(b []byte, maxDepth int) error {
	type frame struct {
		object  bool
		wantKey bool
		// keys are the members seen, as slices of b (or unescaped copies);
		// set takes over past 16 of them.
		keys [][]byte
		set  map[string]struct{}
	}
	var stack []frame
	// spare keeps each depth's key list for the next object at that depth,
	// so a large document costs allocations by depth, not by object.
	var spare [][][]byte
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '{', '[':
			if len(stack) >= maxDepth {
				return fail(ErrLimit, "JSON nested deeper than %d", maxDepth)
			}
			f := frame{object: c == '{', wantKey: c == '{'}
			if d := len(stack); d < len(spare) {
				f.keys = spare[d][:0]
			}
			stack = append(stack, f)
		case '}', ']':
			if len(stack) == 0 {
				return fail(ErrMalformed, "unbalanced JSON")
			}
			d := len(stack) - 1
			for len(spare) <= d {
				spare = append(spare, nil)
			}
			spare[d] = stack[d].keys
			stack = stack[:d]
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].wantKey = true
			}
		case '"':
			j, escaped := i+1, false
			for ; j < len(b) && b[j] != '"'; j++ {
				if b[j] == '\\' {
					j++
					escaped = true
				}
			}
			if j >= len(b) {
				return fail(ErrMalformed, "unterminated JSON string")
			}
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
				f := &stack[n-1]
				f.wantKey = false
				key := b[i+1 : j]
				if escaped {
					var k string
					if err := json.Unmarshal(b[i:j+1], &k); err != nil {
						return fail(ErrMalformed, "invalid JSON string")
					}
					key = []byte(k)
				}
				// A short list is cheaper than a map for the usual handful
				// of members; a map keeps hostile objects linear.
				if f.set != nil {
					if _, dup := f.set[string(key)]; dup {
						return fail(ErrMalformed, "duplicate JSON member %s", short(string(key)))
					}
					f.set[string(key)] = struct{}{}
				} else {
					for _, k := range f.keys {
						if bytes.Equal(k, key) {
							return fail(ErrMalformed, "duplicate JSON member %s", short(string(key)))
						}
					}
					f.keys = append(f.keys, key)
					if len(f.keys) > 16 {
						f.set = make(map[string]struct{}, 32)
						for _, k := range f.keys {
							f.set[string(k)] = struct{}{}
						}
						f.keys = f.keys[:0]
					}
				}
			}
			i = j
		}
	}
	return nil
}

// decodeObject parses b, checked by checkJSON, as a JSON object.
func decodeObject(b []byte, maxDepth int, what string) (map[string]any, error) {
	if err := checkJSON(b, maxDepth); err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fail(ErrMalformed, "%s is not JSON: %v", what, err)
	}
	if m == nil {
		return nil, fail(ErrMalformed, "%s is not a JSON object", what)
	}
	return m, nil
}

// marshal encodes v as compact JSON without HTML escaping, so that signed
// bytes read as what they say.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
