package proof

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"unicode/utf16"

	"github.com/satchel-wallet/satchel/schemas"
)

// jcsSuite is eddsa-jcs-2022: the JSON Canonicalization Scheme (RFC 8785)
// instead of RDF canonicalisation; the proof options carry the document's
// @context.
type jcsSuite struct{ rdfcSuite }

func (jcsSuite) name() string { return EddsaJCS }

func (jcsSuite) hashData(_ context.Context, unsecured, cfg map[string]any, _ *schemas.Loader) ([]byte, error) {
	if c, ok := unsecured["@context"]; ok {
		if _, has := cfg["@context"]; !has {
			cfg["@context"] = c
		}
		if !jsonEqual(c, cfg["@context"]) {
			return nil, fmt.Errorf("%w: the proof's @context differs from the document's", ErrInvalid)
		}
	}
	d, err := jcs(unsecured)
	if err != nil {
		return nil, err
	}
	c, err := jcs(cfg)
	if err != nil {
		return nil, err
	}
	return joinHashes(string(c), string(d)), nil
}

func (s jcsSuite) verify(pub crypto.PublicKey, data []byte, value string) error {
	return s.rdfcSuite.verify(pub, data, value)
}

// jcs writes v in the JSON Canonicalization Scheme: object keys sorted by
// UTF-16 code units, no whitespace, numbers in ECMAScript form, strings
// with minimal escaping.
func jcs(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := jcsWrite(&b, v, 0); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func jcsWrite(b *bytes.Buffer, v any, depth int) error {
	if depth > schemas.MaxDepth {
		return fmt.Errorf("%w: JSON nests deeper than %d", ErrInvalid, schemas.MaxDepth)
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case string:
		jcsString(b, x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%w: number %v has no JSON form", ErrInvalid, x)
		}
		b.WriteString(jcsNumber(x))
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return err
		}
		b.WriteString(jcsNumber(f))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := jcsWrite(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return utf16Less(keys[i], keys[j]) })
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			jcsString(b, k)
			b.WriteByte(':')
			if err := jcsWrite(b, x[k], depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("%w: cannot canonicalise %T", ErrInvalid, v)
	}
	return nil
}

func utf16Less(a, b string) bool {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

func jcsString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// jcsNumber formats like ECMAScript's Number.prototype.toString.
func jcsNumber(f float64) string {
	if f == 0 {
		return "0"
	}
	abs := math.Abs(f)
	if abs >= 1e21 || abs < 1e-6 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		// Go writes e+21 / e-07; ECMAScript writes e+21 / e-7.
		if i := bytes.IndexByte([]byte(s), 'e'); i >= 0 {
			mant, exp := s[:i], s[i+1:]
			sign := exp[0]
			digits := bytes.TrimLeft([]byte(exp[1:]), "0")
			return mant + "e" + string(sign) + string(digits)
		}
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
