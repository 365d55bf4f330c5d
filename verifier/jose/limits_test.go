package jose

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func nested(depth int) any {
	var v any = "leaf"
	for range depth {
		v = map[string]any{"n": v}
	}
	return v
}

func TestLimits(t *testing.T) {
	ring := testRing(t)
	big := credential20()
	big["credentialSubject"].(map[string]any)["blob"] = strings.Repeat("x", 2<<20)
	deep := with(credential20(), "deep", nested(100))
	deepArr := func() string {
		h := encodeB64([]byte(`{"alg":"EdDSA","typ":"vc+jwt"}`))
		p := encodeB64([]byte(`{"a":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`))
		return h + "." + p + ".AA"
	}()
	manyDiscs := func(n int) string {
		var b strings.Builder
		tok, _ := Sign(credential20(), issuerEd, issuerDID+"#ed", SignOptions{})
		b.WriteString(tok)
		for i := range n {
			e, _ := disc(t, fmt.Sprint(i), "c", i)
			b.WriteString("~" + e)
		}
		b.WriteString("~")
		return b.String()
	}
	bigDisc := func() string {
		e, _ := disc(t, "s", "c", strings.Repeat("y", 100<<10))
		return craftSD(t, "vc+sd-jwt", credential20(), e)
	}()
	// Disclosures nested inside each other deeper than MaxDepth in total,
	// though each one alone is shallow.
	chain := func(n int) string {
		var discs []string
		var digest string
		for i := range n {
			var v any = map[string]any{"leaf": i}
			if digest != "" {
				v = map[string]any{"_sd": []any{digest}}
			}
			e, d := disc(t, fmt.Sprint(i), "c", v)
			discs = append(discs, e)
			digest = d
		}
		return craftSD(t, "vc+sd-jwt", with(credential20(), "_sd", []any{digest}), discs...)
	}

	tests := []struct {
		name  string
		token string
		opts  Options
		want  error
	}{
		{"fail/token-over-1MiB", rawToken(t, map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "kid": issuerDID + "#ed"}, big, issuerEd), Options{}, ErrLimit},
		{"fail/token-over-MaxBytes", vcJWT(t, AlgEdDSA, nil), Options{MaxBytes: 100}, ErrLimit},
		{"fail/payload-depth", rawToken(t, map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "kid": issuerDID + "#ed"}, deep, issuerEd), Options{}, ErrLimit},
		{"fail/array-depth", deepArr, Options{}, ErrLimit},
		{"ok/payload-depth-raised", rawToken(t, map[string]any{"alg": "EdDSA", "typ": "vc+jwt", "kid": issuerDID + "#ed"}, deep, issuerEd), Options{MaxDepth: 200}, nil},
		{"fail/disclosures-over-256", manyDiscs(257), Options{}, ErrLimit},
		{"fail/disclosures-over-MaxDisclosures", manyDiscs(3), Options{MaxDisclosures: 2}, ErrLimit},
		{"fail/disclosure-over-64KiB", bigDisc, Options{}, ErrLimit},
		{"ok/disclosure-size-raised", bigDisc, Options{MaxDisclosureBytes: 1 << 20}, ErrDisclosure}, // parses; the disclosure is unreferenced
		{"ok/disclosure-chain-10", chain(10), Options{}, nil},
		{"fail/disclosure-chain-depth", chain(80), Options{}, ErrLimit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Now = now
			_, err := Verify(context.Background(), []byte(tc.token), ring, opts)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestCheckJSON: duplicates anywhere are found, also in an object of many
// members (which the checker walks once: BenchmarkCheckJSON measures it).
func TestCheckJSON(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 100000 {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	b.WriteString(`"k5":0}`)
	if err := checkJSON([]byte(b.String()), 64); !errors.Is(err, ErrMalformed) {
		t.Errorf("duplicate in a large object: %v", err)
	}
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{`{"a":1,"b":{"a":2}}`, true},
		{`{"a":"}\"{","b":["a","a"]}`, true},
		{`{"a":1,"a":2}`, false},
		{`{"a":1,"\u0061":2}`, false},
		{`{"a":{"x":1,"x":1}}`, false},
		{`{"a":"unterminated`, false},
		{`}}`, false},
	} {
		if err := checkJSON([]byte(tc.in), 64); (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.in, err)
		}
	}
}

// BenchmarkCheckJSON is the duplicate-key check over an object of 100,000
// members.
func BenchmarkCheckJSON(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("{")
	for i := range 100000 {
		fmt.Fprintf(&sb, `"k%d":%d,`, i, i)
	}
	sb.WriteString(`"k5":0}`)
	doc := []byte(sb.String())
	for b.Loop() {
		if err := checkJSON(doc, 64); !errors.Is(err, ErrMalformed) {
			b.Fatal(err)
		}
	}
}
