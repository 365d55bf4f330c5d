package jose

import (
	"crypto"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math"
	"strings"
	"time"
)

// jws is one parsed compact JWS: the issuer-signed JWT or a key binding JWT.
type jws struct {
	header       map[string]any
	payload      map[string]any
	alg, kid     string
	typ, cty     string
	signingInput string
	sig          []byte
	headerKey    crypto.PublicKey
}

// parseJWS splits and decodes a compact JWS and checks its protected header:
// a supported alg, no crit, no unencoded payload, string typ/cty/kid, a
// public jwk. It does not verify the signature.
func parseJWS(s string, o Options, what string) (*jws, error) {
	if s == "" {
		return nil, fail(ErrMalformed, "empty %s", what)
	}
	switch n := strings.Count(s, "."); n {
	case 2:
	case 4:
		return nil, unsupported("encrypted JWT (JWE)")
	default:
		return nil, fail(ErrMalformed, "%s is not a compact JWS: %d parts, want 3", what, n+1)
	}
	i := strings.IndexByte(s, '.')
	j := strings.LastIndexByte(s, '.')
	hb, err := decodeB64(s[:i])
	if err != nil {
		return nil, failWith(ErrMalformed, err, "%s header", what)
	}
	header, err := decodeObject(hb, o.MaxDepth, what+" header")
	if err != nil {
		return nil, err
	}
	t := &jws{header: header, signingInput: s[:j]}
	alg, ok := header["alg"].(string)
	if !ok || alg == "" {
		return nil, fail(ErrMalformed, "%s header has no alg", what)
	}
	if !supportedAlg(alg) {
		return nil, unsupported("JOSE algorithm %s", algName(alg))
	}
	t.alg = alg
	if c, ok := header["crit"]; ok {
		// We implement no JWS extension, so any critical one is unknown.
		list, _ := c.([]any)
		if len(list) == 0 {
			return nil, fail(ErrMalformed, "%s header crit is not a non-empty array", what)
		}
		names := make([]string, 0, len(list))
		for _, v := range list {
			n, ok := v.(string)
			if !ok {
				return nil, fail(ErrMalformed, "%s header crit lists a non-string", what)
			}
			names = append(names, short(n))
		}
		return nil, unsupported("critical header parameter %s", strings.Join(names, ", "))
	}
	if _, ok := header["b64"]; ok {
		return nil, unsupported("unencoded JWS payload (b64)")
	}
	if _, ok := header["enc"]; ok {
		return nil, unsupported("encrypted JWT (JWE)")
	}
	for _, p := range []struct {
		name string
		dst  *string
	}{{"typ", &t.typ}, {"cty", &t.cty}, {"kid", &t.kid}} {
		if v, ok := header[p.name]; ok {
			s, ok := v.(string)
			if !ok {
				return nil, fail(ErrMalformed, "%s header %s is not a string", what, p.name)
			}
			*p.dst = s
		}
	}
	if v, ok := header["jwk"]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fail(ErrMalformed, "%s header jwk is not an object", what)
		}
		k, err := publicKeyFromMap(m)
		if err != nil {
			return nil, failWith(ErrKey, err, "%s header jwk", what)
		}
		t.headerKey = k
	}
	if i+1 == j {
		return nil, unsupported("detached JWS payload")
	}
	pb, err := decodeB64(s[i+1 : j])
	if err != nil {
		return nil, failWith(ErrMalformed, err, "%s payload", what)
	}
	if t.payload, err = decodeObject(pb, o.MaxDepth, what+" payload"); err != nil {
		return nil, err
	}
	if j+1 == len(s) {
		return nil, fail(ErrMalformed, "%s has no signature", what)
	}
	if t.sig, err = decodeB64(s[j+1:]); err != nil {
		return nil, failWith(ErrMalformed, err, "%s signature", what)
	}
	return t, nil
}

// mediaType normalises a typ or cty value: media types are case-insensitive
// and "application/" may be omitted (RFC 7515 §4.1.9).
func mediaType(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.TrimPrefix(s, "application/")
}

// detectFormat decides what a JWS secures from typ, cty and the payload.
func detectFormat(t *jws, sd bool) (Format, error) {
	typ, cty := mediaType(t.typ), mediaType(t.cty)
	var f Format
	switch typ {
	case "", "jwt":
		// VCDM 1.1 JWTs use typ JWT or none; a VC 2.0 payload signed without
		// typ (1EdTech's Open Badges 3.0 JWTs) is read by its content.
		if sd {
			return "", fail(ErrMediaType, "an SD-JWT must have typ vc+sd-jwt, vp+sd-jwt or dc+sd-jwt, not %s", short(t.typ))
		}
		_, vc := t.payload["vc"]
		_, vp := t.payload["vp"]
		switch {
		case vc && vp:
			return "", fail(ErrMalformed, "payload has both a vc and a vp claim")
		case vc:
			f = FormatJWTVC
		case vp:
			f = FormatJWTVP
		case t.payload["@context"] != nil:
			f = FormatJOSEVC
			if hasType(t.payload, "VerifiablePresentation") {
				f = FormatJOSEVP
			}
		default:
			return "", fail(ErrMediaType, "a JWT with neither a vc or vp claim nor @context is not a credential or presentation")
		}
		if cty == "jwt" {
			return "", unsupported("nested JWT (cty JWT)")
		}
		return f, nil
	case "vc+jwt":
		f = FormatJOSEVC
	case "vp+jwt":
		f = FormatJOSEVP
	case "vc+sd-jwt":
		f = FormatSDJWTVC
	case "vp+sd-jwt":
		f = FormatSDJWTVP
	case "dc+sd-jwt":
		f = FormatDCSDJWT
	case "kb+jwt":
		return "", fail(ErrMediaType, "a key binding JWT (typ kb+jwt) is not a credential")
	default:
		return "", fail(ErrMediaType, "typ %s is not a credential or presentation media type", short(t.typ))
	}
	if f.SelectiveDisclosure() && !sd {
		return "", fail(ErrMediaType, "typ %s but the token is not an SD-JWT (no ~)", short(t.typ))
	}
	if !f.SelectiveDisclosure() && sd {
		return "", fail(ErrMediaType, "typ %s but the token carries SD-JWT disclosures", short(t.typ))
	}
	if cty != "" && f != FormatDCSDJWT {
		want := "vc"
		if f.Presentation() {
			want = "vp"
		}
		if cty != want {
			return "", fail(ErrMediaType, "cty %s does not fit typ %s", short(t.cty), short(t.typ))
		}
	}
	if f == FormatSDJWTVC && t.payload["@context"] == nil && t.payload["vct"] == nil {
		return "", fail(ErrMediaType, "typ vc+sd-jwt payload has neither @context nor vct")
	}
	return f, nil
}

// Sniff cheaply recognises input for this package: a compact JWS, an SD-JWT
// or a COSE message (which Verify reports as unsupported). ok is false for
// anything else, such as a JSON-LD document. format is the best guess from
// the header (and, for a typ-less JWT, the payload), empty when the typ is
// not one Verify accepts — Verify then says why.
func Sniff(b []byte) (format Format, ok bool) {
	s := strings.TrimSpace(string(b))
	if isCOSE(s) {
		return FormatCOSE, true
	}
	jwt, _, sd := strings.Cut(s, "~")
	if strings.Count(jwt, ".") != 2 {
		return "", false
	}
	for i := 0; i < len(jwt); i++ {
		if c := jwt[i]; c != '.' && !isB64(c) {
			return "", false
		}
	}
	head, rest, _ := strings.Cut(jwt, ".")
	hb, err := decodeB64(head)
	if err != nil {
		return "", false
	}
	var h struct {
		Alg any    `json:"alg"`
		Typ string `json:"typ"`
	}
	if json.Unmarshal(hb, &h) != nil || h.Alg == nil {
		return "", false
	}
	t := &jws{typ: h.Typ}
	payload, _, _ := strings.Cut(rest, ".")
	pb, err := decodeB64(payload)
	if err != nil || json.Unmarshal(pb, &t.payload) != nil {
		return "", true
	}
	f, err := detectFormat(t, sd)
	if err != nil {
		return "", true
	}
	return f, true
}

// isCOSE recognises a COSE_Sign1 message (CBOR tag 18, an array of four) as
// raw bytes, base64 or hex — the encodings the W3C test suite uses.
func isCOSE(s string) bool {
	if len(s) < 4 {
		return false
	}
	cose := func(b []byte) bool {
		return len(b) >= 2 && (b[0] == 0xd2 && b[1] == 0x84 || b[0] == 0xd9 && b[1] == 0xd9) // tag 18 / self-described CBOR
	}
	if cose([]byte(s[:2])) {
		return true
	}
	if b, err := base64.StdEncoding.DecodeString(s[:4]); err == nil && cose(b) {
		return true
	}
	if b, err := hex.DecodeString(s[:4]); err == nil && cose(b) {
		return true
	}
	return false
}

// Parse decodes a token without verifying it: format detection, structure,
// limits, SD-JWT disclosures (each checked against its digest) and the
// document. A holder's wallet uses it to list the disclosures it may present;
// everything else should call Verify.
func Parse(token []byte, opts Options) (*Result, error) {
	return parse(token, opts.withDefaults())
}

func parse(token []byte, o Options) (*Result, error) {
	if len(token) > o.MaxBytes {
		return nil, fail(ErrLimit, "token is %d bytes, more than %d", len(token), o.MaxBytes)
	}
	s := strings.TrimSpace(string(token))
	switch {
	case s == "":
		return nil, fail(ErrMalformed, "empty token")
	case isCOSE(s):
		return nil, unsupported("proof type COSE")
	case s[0] == '{':
		var probe struct {
			Payload    any `json:"payload"`
			Signatures any `json:"signatures"`
			Signature  any `json:"signature"`
		}
		if json.Unmarshal([]byte(s), &probe) == nil && probe.Payload != nil && (probe.Signature != nil || probe.Signatures != nil) {
			return nil, unsupported("JWS JSON serialization")
		}
		return nil, fail(ErrMalformed, "a JSON document, not a compact JWS")
	}

	jwt, discs, kb, sdHashInput, sd, err := splitSDJWT(s, o)
	if err != nil {
		return nil, err
	}
	t, err := parseJWS(jwt, o, "JWT")
	if err != nil {
		return nil, err
	}
	f, err := detectFormat(t, sd)
	if err != nil {
		return nil, err
	}
	r := &Result{
		Format:       f,
		Header:       t.header,
		Claims:       t.payload,
		KeyID:        t.kid,
		Alg:          t.alg,
		signingInput: t.signingInput,
		signature:    t.sig,
		headerKey:    t.headerKey,
		sdHashInput:  sdHashInput,
	}
	if typ := mediaType(t.typ); (typ == "" || typ == "jwt") && (f == FormatJOSEVC || f == FormatJOSEVP) {
		r.Warnings = append(r.Warnings, "typ is not "+string(f)+"; read as "+string(f)+" by its content")
	}
	if r.NotBefore, err = r.timeClaim("nbf"); err != nil {
		return nil, err
	}
	if r.Expiry, err = r.timeClaim("exp"); err != nil {
		return nil, err
	}
	if r.IssuedAt, err = r.timeClaim("iat"); err != nil {
		return nil, err
	}

	switch f {
	case FormatJWTVC, FormatJWTVP:
		r.Document, r.inconsistent, err = decode11(r)
		if err != nil {
			return nil, err
		}
	case FormatJOSEVC, FormatJOSEVP:
		r.Document = r.Claims
		r.inconsistent = consistency20(r.Document, r.Claims, f)
	default: // SD-JWT
		if err := r.disclose(discs, o); err != nil {
			return nil, err
		}
		if f != FormatDCSDJWT && r.Claims["@context"] != nil {
			r.inconsistent = consistency20(r.Document, r.Claims, f)
		} else if _, ok := r.Claims["vct"].(string); !ok {
			r.inconsistent = append(r.inconsistent, fail(ErrInconsistent, "SD-JWT VC has no vct claim"))
		}
		if kb != "" {
			if r.kb, err = parseJWS(kb, o, "key binding JWT"); err != nil {
				return nil, err
			}
		}
	}
	r.Issuer, r.Subject = parties(r.Document, r.Claims, f)
	if f.Presentation() {
		r.Audience, r.Nonce, err = audNonce(r.Claims)
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// timeClaim reads a NumericDate claim. An RFC 3339 string is accepted too —
// the W3C VC-JOSE-COSE test vectors put one in iat — and noted.
func (r *Result) timeClaim(name string) (time.Time, error) {
	v, ok := r.Claims[name]
	if !ok || v == nil {
		return time.Time{}, nil
	}
	switch t := v.(type) {
	case float64:
		// Up to the end of year 9999; beyond that time.Time arithmetic and
		// RFC 3339 formatting stop making sense.
		if t < 0 || t > 253402300799 || math.IsNaN(t) {
			return time.Time{}, fail(ErrMalformed, "%s claim %v is out of range", name, t)
		}
		sec, frac := math.Modf(t)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	case string:
		tt, err := time.Parse(time.RFC3339, t)
		if err != nil {
			return time.Time{}, fail(ErrMalformed, "%s claim %s is neither a NumericDate nor an RFC 3339 date-time", name, short(t))
		}
		r.Warnings = append(r.Warnings, name+" is an RFC 3339 string, not a NumericDate (RFC 7519 §2)")
		return tt.UTC(), nil
	}
	return time.Time{}, fail(ErrMalformed, "%s claim is a %s, not a NumericDate", name, jsonType(v))
}

// audNonce reads the aud (string or array of strings) and nonce claims.
func audNonce(claims map[string]any) ([]string, string, error) {
	var aud []string
	switch a := claims["aud"].(type) {
	case nil:
	case string:
		aud = []string{a}
	case []any:
		for _, v := range a {
			s, ok := v.(string)
			if !ok {
				return nil, "", fail(ErrMalformed, "aud claim lists a non-string")
			}
			aud = append(aud, s)
		}
	default:
		return nil, "", fail(ErrMalformed, "aud claim is a %s", jsonType(a))
	}
	var nonce string
	if v, ok := claims["nonce"]; ok && v != nil {
		s, ok := v.(string)
		if !ok {
			return nil, "", fail(ErrMalformed, "nonce claim is a %s", jsonType(v))
		}
		nonce = s
	}
	return aud, nonce, nil
}

// parties names who signed (issuer, or holder of a presentation) and the
// subject, preferring the JWT claims, which the signature covers directly.
func parties(doc, claims map[string]any, f Format) (issuer, subject string) {
	issuer, _ = claims["iss"].(string)
	if issuer == "" {
		prop := "issuer"
		if f.Presentation() {
			prop = "holder"
		}
		issuer, _ = idOf(doc[prop])
	}
	subject, _ = claims["sub"].(string)
	if subject == "" && !f.Presentation() {
		if subs := list(doc["credentialSubject"]); len(subs) == 1 {
			subject, _ = idOf(subs[0])
		}
	}
	if subject == "" && f == FormatDCSDJWT {
		subject, _ = doc["sub"].(string)
	}
	return issuer, subject
}

// idOf is the id of a value that is either an IRI string or an object with
// an id.
func idOf(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case map[string]any:
		s, ok := t["id"].(string)
		return s, ok
	}
	return "", false
}

// list treats a JSON-LD value as a set: one value or an array of them.
func list(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	}
	return []any{v}
}

func hasType(m map[string]any, want string) bool {
	for _, t := range list(m["type"]) {
		if t == want {
			return true
		}
	}
	return false
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "value"
}
