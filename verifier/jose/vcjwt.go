package jose

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// decode11 turns a VCDM 1.1 JWT into its credential or presentation (VCDM
// 1.1 §6.3.1, "JWT decoding"): the vc / vp claim with iss, jti, sub, nbf and
// exp written into the properties they stand for. A claim fills a property
// that is absent; when both are present and disagree, that is a consistency
// problem (returned, not fatal, so Verify can report it as a finding).
func decode11(r *Result) (map[string]any, []error, error) {
	name, holderProp := "vc", "issuer"
	if r.Format == FormatJWTVP {
		name, holderProp = "vp", "holder"
	}
	obj, ok := r.Claims[name].(map[string]any)
	if !ok {
		return nil, nil, fail(ErrMalformed, "%s claim is a %s, not an object", name, jsonType(r.Claims[name]))
	}
	doc := maps.Clone(obj)
	var problems []error
	problem := func(format string, args ...any) {
		problems = append(problems, fail(ErrInconsistent, format, args...))
	}
	if v, ok := r.Claims["iss"]; ok {
		iss, ok := v.(string)
		if !ok {
			return nil, nil, fail(ErrMalformed, "iss claim is a %s, not a string", jsonType(v))
		}
		mergeID(doc, holderProp, "iss", iss, problem)
	}
	if v, ok := r.Claims["jti"]; ok {
		jti, ok := v.(string)
		if !ok {
			return nil, nil, fail(ErrMalformed, "jti claim is a %s, not a string", jsonType(v))
		}
		switch id := doc["id"].(type) {
		case nil:
			doc["id"] = jti
		case string:
			if id != jti {
				problem("jti claim %s does not match id %s", short(jti), short(id))
			}
		default:
			problem("id is a %s, not a string", jsonType(id))
		}
	}
	if r.Format == FormatJWTVP {
		return doc, problems, nil
	}
	if v, ok := r.Claims["sub"]; ok {
		sub, ok := v.(string)
		if !ok {
			return nil, nil, fail(ErrMalformed, "sub claim is a %s, not a string", jsonType(v))
		}
		mergeSubject(doc, sub, problem)
	}
	mergeDate(doc, "issuanceDate", "nbf", r.NotBefore, problem)
	mergeDate(doc, "expirationDate", "exp", r.Expiry, problem)
	return doc, problems, nil
}

// mergeID writes a claim into prop, which is an IRI or an object with an id.
func mergeID(doc map[string]any, prop, claim, val string, problem func(string, ...any)) {
	switch v := doc[prop].(type) {
	case nil:
		doc[prop] = val
	case string:
		if v != val {
			problem("%s claim %s does not match %s %s", claim, short(val), prop, short(v))
		}
	case map[string]any:
		switch id := v["id"].(type) {
		case nil:
			c := maps.Clone(v)
			c["id"] = val
			doc[prop] = c
		case string:
			if id != val {
				problem("%s claim %s does not match %s.id %s", claim, short(val), prop, short(id))
			}
		default:
			problem("%s.id is a %s, not a string", prop, jsonType(id))
		}
	default:
		problem("%s is a %s, neither an IRI nor an object", prop, jsonType(v))
	}
}

// mergeSubject writes sub into credentialSubject.id. With several subjects,
// sub must name one of them.
func mergeSubject(doc map[string]any, sub string, problem func(string, ...any)) {
	switch cs := doc["credentialSubject"].(type) {
	case nil:
		doc["credentialSubject"] = map[string]any{"id": sub}
	case map[string]any:
		switch id := cs["id"].(type) {
		case nil:
			c := maps.Clone(cs)
			c["id"] = sub
			doc["credentialSubject"] = c
		case string:
			if id != sub {
				problem("sub claim %s does not match credentialSubject.id %s", short(sub), short(id))
			}
		default:
			problem("credentialSubject.id is a %s, not a string", jsonType(id))
		}
	case []any:
		if len(cs) == 1 {
			one := map[string]any{"credentialSubject": cs[0]}
			mergeSubject(one, sub, problem)
			doc["credentialSubject"] = []any{one["credentialSubject"]}
			return
		}
		for _, s := range cs {
			if id, _ := idOf(s); id == sub {
				return
			}
		}
		problem("sub claim %s matches none of the %d credentialSubject ids", short(sub), len(cs))
	default:
		problem("credentialSubject is a %s, not an object", jsonType(cs))
	}
}

// mergeDate writes a NumericDate claim into a date-time property; an
// existing value must be the same second.
func mergeDate(doc map[string]any, prop, claim string, t time.Time, problem func(string, ...any)) {
	if t.IsZero() {
		return
	}
	switch v := doc[prop].(type) {
	case nil:
		doc[prop] = t.UTC().Format(time.RFC3339)
	case string:
		pt, err := time.Parse(time.RFC3339, v)
		if err != nil {
			problem("%s %s is not an RFC 3339 date-time", prop, short(v))
			return
		}
		if !pt.Truncate(time.Second).Equal(t.Truncate(time.Second)) {
			problem("%s claim %s does not match %s %s", claim, t.UTC().Format(time.RFC3339), prop, short(v))
		}
	default:
		problem("%s is a %s, not a date-time string", prop, jsonType(v))
	}
}

// consistency20 checks a VC 2.0 payload secured with JOSE or SD-JWT: no vc or
// vp claim (VC-JOSE-COSE: "MUST NOT be present"), registered claims that
// agree with the properties they duplicate, and presentations whose
// credentials are secured.
func consistency20(doc, claims map[string]any, f Format) []error {
	var problems []error
	problem := func(format string, args ...any) {
		problems = append(problems, fail(ErrInconsistent, format, args...))
	}
	for _, c := range []string{"vc", "vp"} {
		if _, ok := claims[c]; ok {
			problem("a %s payload must not have a %s claim", f, c)
		}
	}
	prop := "issuer"
	if f.Presentation() {
		prop = "holder"
	}
	compare := func(claim, prop string, v any) {
		s, ok := claims[claim].(string)
		if _, present := claims[claim]; present && !ok {
			problem("%s claim is a %s, not a string", claim, jsonType(claims[claim]))
			return
		}
		if !ok || v == nil {
			return
		}
		// An issuer object without id (or whose id was not disclosed) has
		// nothing to contradict.
		if id, has := idOf(v); has && id != s {
			problem("%s claim %s does not match %s %s", claim, short(s), prop, short(id))
		}
	}
	compare("iss", prop, doc[prop])
	compare("jti", "id", doc["id"])
	if !f.Presentation() {
		if sub, ok := claims["sub"].(string); ok {
			var ids []string
			for _, s := range list(doc["credentialSubject"]) {
				if id, ok := idOf(s); ok {
					ids = append(ids, id)
				}
			}
			if len(ids) > 0 && !slices.Contains(ids, sub) {
				problem("sub claim %s does not match credentialSubject.id %s", short(sub), short(ids[0]))
			}
		}
	} else {
		problems = append(problems, checkEnvelopes(doc)...)
	}
	return problems
}

// ClaimsFromCredential encodes a VCDM 1.1 credential or presentation as the
// claims of a vc-jwt / vp-jwt (VCDM 1.1 §6.3.1, "JWT encoding"): iss from
// issuer (holder), jti from id, sub from credentialSubject.id, nbf from
// issuanceDate, exp from expirationDate, and the document itself as the vc
// (vp) claim. The document keeps those properties, so the JWT decodes back
// to exactly it.
func ClaimsFromCredential(doc map[string]any) (map[string]any, error) {
	claims := map[string]any{}
	if hasType(doc, "VerifiablePresentation") {
		if id, ok := idOf(doc["holder"]); ok && id != "" {
			claims["iss"] = id
		}
		if id, ok := doc["id"].(string); ok {
			claims["jti"] = id
		}
		claims["vp"] = doc
		return claims, nil
	}
	if !hasType(doc, "VerifiableCredential") {
		return nil, fmt.Errorf("encode VC-JWT claims: type has neither VerifiableCredential nor VerifiablePresentation")
	}
	if id, ok := idOf(doc["issuer"]); ok && id != "" {
		claims["iss"] = id
	}
	if id, ok := doc["id"].(string); ok {
		claims["jti"] = id
	}
	if subs := list(doc["credentialSubject"]); len(subs) == 1 {
		if id, ok := idOf(subs[0]); ok && id != "" {
			claims["sub"] = id
		}
	}
	for prop, claim := range map[string]string{"issuanceDate": "nbf", "expirationDate": "exp"} {
		v, ok := doc[prop]
		if !ok {
			continue
		}
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, fmt.Errorf("encode VC-JWT claims: %s %s is not an RFC 3339 date-time", prop, short(s))
		}
		claims[claim] = t.Unix()
	}
	claims["vc"] = doc
	return claims, nil
}
