package jose

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The only SD-JWT digest algorithm supported (and the default, RFC 9901
// §4.1.1).
const sdAlg = "sha-256"

// notDisclosable are top-level claims that a disclosure must not carry: the
// verifier reads them from the issuer-signed payload (validity, holder key,
// type), so hiding or supplying them through a disclosure would be a way
// around the checks (SD-JWT VC §3.2.2.2 lists the same).
var notDisclosable = []string{"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status", "_sd_alg"}

// splitSDJWT splits "<jwt>~<disclosure>~...~[<kb-jwt>]". sdHashInput is
// everything up to and including the last "~", what a key binding JWT's
// sd_hash covers. A token without "~" is a plain JWS (sd false).
func splitSDJWT(s string, o Options) (jwt string, discs []string, kb, sdHashInput string, sd bool, err error) {
	last := strings.LastIndexByte(s, '~')
	if last < 0 {
		return s, nil, "", "", false, nil
	}
	if n := strings.Count(s, "~") - 1; n > o.MaxDisclosures {
		return "", nil, "", "", true, fail(ErrLimit, "%d disclosures, more than %d", n, o.MaxDisclosures)
	}
	parts := strings.Split(s[:last], "~")
	jwt, discs, kb, sdHashInput = parts[0], parts[1:], s[last+1:], s[:last+1]
	for i, d := range discs {
		if d == "" {
			return "", nil, "", "", true, fail(ErrMalformed, "disclosure %d is empty", i)
		}
		if len(d) > o.MaxDisclosureBytes {
			return "", nil, "", "", true, fail(ErrLimit, "disclosure %d is %d bytes, more than %d", i, len(d), o.MaxDisclosureBytes)
		}
	}
	return jwt, discs, kb, sdHashInput, true, nil
}

// disclosure is one decoded disclosure.
type disclosure struct {
	index   int
	encoded string
	digest  string
	name    string // "" for an array element
	array   bool
	value   any
	used    bool
}

func sdDigest(s string) string {
	d := sha256.Sum256([]byte(s))
	return encodeB64(d[:])
}

func parseDisclosure(i int, enc string, o Options) (*disclosure, error) {
	b, err := decodeB64(enc)
	if err != nil {
		return nil, failWith(ErrDisclosure, err, "disclosure %d", i)
	}
	if err := checkJSON(b, o.MaxDepth); err != nil {
		return nil, failWith(ErrDisclosure, err, "disclosure %d", i)
	}
	var arr []any
	if err := json.Unmarshal(b, &arr); err != nil || arr == nil {
		return nil, fail(ErrDisclosure, "disclosure %d is not a JSON array", i)
	}
	if len(arr) != 2 && len(arr) != 3 {
		return nil, fail(ErrDisclosure, "disclosure %d has %d elements, want 2 or 3", i, len(arr))
	}
	if _, ok := arr[0].(string); !ok {
		return nil, fail(ErrDisclosure, "disclosure %d: salt is not a string", i)
	}
	d := &disclosure{index: i, encoded: enc, digest: sdDigest(enc)}
	switch len(arr) {
	case 2:
		d.array, d.value = true, arr[1]
	case 3:
		name, ok := arr[1].(string)
		if !ok {
			return nil, fail(ErrDisclosure, "disclosure %d: claim name is not a string", i)
		}
		if name == "_sd" || name == "..." {
			return nil, fail(ErrDisclosure, "disclosure %d: claim name %q is reserved", i, name)
		}
		d.name, d.value = name, arr[2]
	default:
		return nil, fail(ErrDisclosure, "disclosure %d has %d elements, want 2 or 3", i, len(arr))
	}
	return d, nil
}

// sdState reconstructs the disclosed document (RFC 9901 §7.1).
type sdState struct {
	byDigest map[string]*disclosure
	seen     map[string]bool
	maxDepth int
	out      []Disclosure
	order    []int
}

func (st *sdState) digestSeen(d string) error {
	if st.seen[d] {
		return fail(ErrDisclosure, "digest %s appears more than once", short(d))
	}
	st.seen[d] = true
	return nil
}

func (st *sdState) record(d *disclosure, path string, v any) {
	d.used = true
	st.out = append(st.out, Disclosure{Path: path, Name: d.name, Value: v, Digest: d.digest, Encoded: d.encoded})
	st.order = append(st.order, d.index)
}

func (st *sdState) value(v any, path string, depth int) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		return st.object(t, path, depth)
	case []any:
		return st.array(t, path, depth)
	}
	return v, nil
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (st *sdState) object(in map[string]any, path string, depth int) (map[string]any, error) {
	if depth >= st.maxDepth {
		return nil, fail(ErrLimit, "disclosed document nested deeper than %d", st.maxDepth)
	}
	out := make(map[string]any, len(in))
	for k, v := range in {
		if k == "_sd" || path == "" && k == "_sd_alg" {
			continue
		}
		nv, err := st.value(v, joinPath(path, k), depth+1)
		if err != nil {
			return nil, err
		}
		out[k] = nv
	}
	sd, ok := in["_sd"]
	if !ok {
		return out, nil
	}
	digests, ok := sd.([]any)
	if !ok {
		return nil, fail(ErrDisclosure, "%s_sd is a %s, not an array", prefix(path), jsonType(sd))
	}
	for _, dv := range digests {
		dg, ok := dv.(string)
		if !ok {
			return nil, fail(ErrDisclosure, "%s_sd lists a %s, not a digest", prefix(path), jsonType(dv))
		}
		if err := st.digestSeen(dg); err != nil {
			return nil, err
		}
		d := st.byDigest[dg]
		if d == nil {
			continue // a decoy, or a claim the holder did not disclose
		}
		if d.array {
			return nil, fail(ErrDisclosure, "disclosure %d is an array element but %s_sd references it", d.index, prefix(path))
		}
		if _, exists := out[d.name]; exists {
			return nil, fail(ErrDisclosure, "disclosure %d: claim %s already exists at %s", d.index, short(d.name), orTop(path))
		}
		if path == "" && slices.Contains(notDisclosable, d.name) {
			return nil, fail(ErrDisclosure, "disclosure %d: claim %s must not be selectively disclosed", d.index, short(d.name))
		}
		p := joinPath(path, d.name)
		nv, err := st.value(d.value, p, depth+1)
		if err != nil {
			return nil, err
		}
		out[d.name] = nv
		st.record(d, p, nv)
	}
	return out, nil
}

func (st *sdState) array(in []any, path string, depth int) ([]any, error) {
	if depth >= st.maxDepth {
		return nil, fail(ErrLimit, "disclosed document nested deeper than %d", st.maxDepth)
	}
	out := make([]any, 0, len(in))
	for _, e := range in {
		if m, ok := e.(map[string]any); ok && len(m) == 1 {
			if dv, ok := m["..."]; ok {
				dg, ok := dv.(string)
				if !ok {
					return nil, fail(ErrDisclosure, "%s: array digest is a %s", orTop(path), jsonType(dv))
				}
				if err := st.digestSeen(dg); err != nil {
					return nil, err
				}
				d := st.byDigest[dg]
				if d == nil {
					continue // undisclosed element: it is left out
				}
				if !d.array {
					return nil, fail(ErrDisclosure, "disclosure %d names claim %s but an array element references it", d.index, short(d.name))
				}
				p := fmt.Sprintf("%s[%d]", path, len(out))
				nv, err := st.value(d.value, p, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, nv)
				st.record(d, p, nv)
				continue
			}
		}
		nv, err := st.value(e, fmt.Sprintf("%s[%d]", path, len(out)), depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, nv)
	}
	return out, nil
}

func prefix(path string) string {
	if path == "" {
		return ""
	}
	return path + "."
}

func orTop(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}

// disclose checks every disclosure against the payload's digests and builds
// Document and Disclosed; it also reads the holder key from cnf.
func (r *Result) disclose(encoded []string, o Options) error {
	if v, ok := r.Claims["_sd_alg"]; ok {
		alg, ok := v.(string)
		if !ok {
			return fail(ErrMalformed, "_sd_alg is a %s, not a string", jsonType(v))
		}
		if alg != sdAlg {
			return unsupported("SD-JWT digest algorithm %s", short(alg))
		}
	}
	st := &sdState{byDigest: make(map[string]*disclosure, len(encoded)), seen: map[string]bool{}, maxDepth: o.MaxDepth}
	all := make([]*disclosure, 0, len(encoded))
	for i, e := range encoded {
		d, err := parseDisclosure(i, e, o)
		if err != nil {
			return err
		}
		if prev := st.byDigest[d.digest]; prev != nil {
			return fail(ErrDisclosure, "disclosure %d repeats disclosure %d", i, prev.index)
		}
		st.byDigest[d.digest] = d
		all = append(all, d)
	}
	doc, err := st.object(r.Claims, "", 0)
	if err != nil {
		return err
	}
	for _, d := range all {
		if !d.used {
			return fail(ErrDisclosure, "disclosure %d is not referenced by any digest", d.index)
		}
	}
	// Token order, not the order the payload happened to be walked in.
	idx := make([]int, len(st.out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return st.order[a] - st.order[b] })
	r.Disclosed = make([]Disclosure, len(idx))
	for i, j := range idx {
		r.Disclosed[i] = st.out[j]
	}
	delete(doc, "cnf")
	r.Document = doc

	if v, ok := r.Claims["cnf"]; ok {
		cnf, ok := v.(map[string]any)
		if !ok {
			return fail(ErrMalformed, "cnf claim is a %s, not an object", jsonType(v))
		}
		if j, ok := cnf["jwk"]; ok {
			m, ok := j.(map[string]any)
			if !ok {
				return fail(ErrMalformed, "cnf.jwk is a %s, not an object", jsonType(j))
			}
			// A holder key we cannot use fails key binding, not the
			// credential: it matters only when binding is presented or asked.
			if r.HolderKey, r.holderKeyErr = publicKeyFromMap(m); r.holderKeyErr != nil {
				r.Warnings = append(r.Warnings, "cnf.jwk: "+r.holderKeyErr.Error())
			}
		} else {
			r.Warnings = append(r.Warnings, "cnf names no jwk; only cnf.jwk can be checked")
		}
	}
	return nil
}

// checkKeyBinding verifies the key binding JWT (RFC 9901 §7.3). It reports
// nothing when there is none and none is required.
func (r *Result) checkKeyBinding(o Options) (Finding, bool) {
	required := o.RequireKeyBinding || o.Audience != "" || o.Nonce != ""
	bad := func(err error) (Finding, bool) {
		return Finding{Check: CheckKeyBinding, Detail: err.Error(), Err: err}, true
	}
	kb := r.kb
	if kb == nil {
		if !required {
			return Finding{}, false
		}
		why := "key binding is required"
		if o.Nonce != "" || o.Audience != "" {
			why = "an audience or nonce was asked for"
		}
		return bad(fail(ErrKeyBinding, "no key binding JWT presented, but %s", why))
	}
	if mediaType(kb.typ) != "kb+jwt" {
		return bad(fail(ErrKeyBinding, "key binding JWT typ is %s, want kb+jwt", short(kb.typ)))
	}
	if r.holderKeyErr != nil {
		return bad(failWith(ErrKeyBinding, r.holderKeyErr, "cnf.jwk"))
	}
	if r.HolderKey == nil {
		return bad(fail(ErrKeyBinding, "the SD-JWT has no cnf.jwk to check its key binding JWT with"))
	}
	if err := keyFits(kb.alg, r.HolderKey); err != nil {
		return bad(failWith(ErrKeyBinding, err, "key binding JWT"))
	}
	if err := verifySignature(kb.alg, r.HolderKey, []byte(kb.signingInput), kb.sig); err != nil {
		return bad(fail(ErrKeyBinding, "key binding JWT not signed by the cnf key: %v", err))
	}
	iat, ok := kb.payload["iat"].(float64)
	if !ok || iat < 0 || iat > 253402300799 {
		return bad(fail(ErrKeyBinding, "key binding JWT has no numeric iat"))
	}
	aud, nonce, err := audNonce(kb.payload)
	if err != nil {
		return bad(failWith(ErrKeyBinding, err, "key binding JWT"))
	}
	if len(aud) == 0 || nonce == "" {
		return bad(fail(ErrKeyBinding, "key binding JWT lacks aud or nonce"))
	}
	r.Audience, r.Nonce = aud, nonce
	sdHash, _ := kb.payload["sd_hash"].(string)
	if sdHash != sdDigest(r.sdHashInput) {
		return bad(fail(ErrKeyBinding, "key binding JWT sd_hash does not match the presented SD-JWT"))
	}
	at := time.Unix(int64(iat), 0)
	if at.After(o.Now.Add(o.Skew)) {
		return bad(fail(ErrKeyBinding, "key binding JWT issued in the future (%s)", at.UTC().Format(time.RFC3339)))
	}
	if o.KeyBindingMaxAge > 0 && o.Now.Sub(at) > o.KeyBindingMaxAge+o.Skew {
		return bad(fail(ErrKeyBinding, "key binding JWT issued %s, older than %s", at.UTC().Format(time.RFC3339), o.KeyBindingMaxAge))
	}
	if o.Audience != "" && !slices.Contains(aud, o.Audience) {
		return bad(&detailError{kinds: []error{ErrKeyBinding, ErrChallenge}, msg: fmt.Sprintf("key binding JWT aud %s is not %s", short(strings.Join(aud, " ")), short(o.Audience))})
	}
	if o.Nonce != "" && nonce != o.Nonce {
		return bad(&detailError{kinds: []error{ErrKeyBinding, ErrChallenge}, msg: fmt.Sprintf("key binding JWT nonce %s is not %s", short(nonce), short(o.Nonce))})
	}
	r.KeyBound = true
	return Finding{Check: CheckKeyBinding, OK: true, Detail: fmt.Sprintf("bound to the holder key (%s, %s) for %s", kb.alg, keyType(r.HolderKey), short(strings.Join(aud, " ")))}, true
}

// pathSeg is one step of a claim path: a member name or an array index.
type pathSeg struct {
	key   string
	index int
	isIdx bool
}

// parsePath reads the claim paths the W3C test suite uses:
// "credentialSubject.address.street", "credentialSubject.phoneNumbers[0]",
// "verifiableCredential[0]". Member names containing "." or "[" cannot be
// addressed.
func parsePath(p string) ([]pathSeg, error) {
	if p == "" {
		return nil, fmt.Errorf("empty claim path")
	}
	var segs []pathSeg
	rest := p
	for rest != "" {
		if rest[0] == '[' {
			j := strings.IndexByte(rest, ']')
			if j < 0 {
				return nil, fmt.Errorf("claim path %s: unclosed [", short(p))
			}
			n, err := strconv.Atoi(rest[1:j])
			if err != nil || n < 0 || len(segs) == 0 {
				return nil, fmt.Errorf("claim path %s: bad index", short(p))
			}
			segs = append(segs, pathSeg{index: n, isIdx: true})
			rest = rest[j+1:]
		} else {
			i := strings.IndexAny(rest, ".[")
			key := rest
			if i >= 0 {
				key = rest[:i]
			}
			if key == "" {
				return nil, fmt.Errorf("claim path %s: empty name", short(p))
			}
			segs = append(segs, pathSeg{key: key})
			rest = rest[len(key):]
		}
		if strings.HasPrefix(rest, ".") {
			rest = rest[1:]
			if rest == "" || rest[0] == '.' || rest[0] == '[' {
				return nil, fmt.Errorf("claim path %s: empty name", short(p))
			}
		} else if rest != "" && rest[0] != '[' {
			return nil, fmt.Errorf("claim path %s: expected . or [", short(p))
		}
	}
	return segs, nil
}

func formatPath(segs []pathSeg) string {
	var b strings.Builder
	for i, s := range segs {
		if s.isIdx {
			fmt.Fprintf(&b, "[%d]", s.index)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

// within reports whether path b is a or lies under a.
func within(a, b string) bool {
	return a == b || strings.HasPrefix(b, a+".") || strings.HasPrefix(b, a+"[")
}

func lookup(v any, segs []pathSeg) bool {
	for _, s := range segs {
		switch t := v.(type) {
		case map[string]any:
			if s.isIdx {
				return false
			}
			var ok bool
			if v, ok = t[s.key]; !ok {
				return false
			}
		case []any:
			if !s.isIdx || s.index >= len(t) {
				return false
			}
			v = t[s.index]
		default:
			return false
		}
	}
	return true
}

// sdNode is the tree of selectively disclosable paths.
type sdNode struct {
	sd   bool
	keys map[string]*sdNode
	idxs map[int]*sdNode
}

func (n *sdNode) child(s pathSeg) *sdNode {
	if s.isIdx {
		if n.idxs == nil {
			n.idxs = map[int]*sdNode{}
		}
		if n.idxs[s.index] == nil {
			n.idxs[s.index] = &sdNode{}
		}
		return n.idxs[s.index]
	}
	if n.keys == nil {
		n.keys = map[string]*sdNode{}
	}
	if n.keys[s.key] == nil {
		n.keys[s.key] = &sdNode{}
	}
	return n.keys[s.key]
}

// sdIssuer turns claims into disclosures.
type sdIssuer struct {
	rnd   io.Reader
	discs []string
}

func (is *sdIssuer) disclosure(parts ...any) (string, error) {
	salt := make([]byte, 16)
	if _, err := io.ReadFull(is.rnd, salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	b, err := marshal(append([]any{encodeB64(salt)}, parts...))
	if err != nil {
		return "", err
	}
	enc := encodeB64(b)
	is.discs = append(is.discs, enc)
	return sdDigest(enc), nil
}

func (is *sdIssuer) apply(v any, n *sdNode, path string) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		if len(n.idxs) > 0 {
			return nil, fmt.Errorf("claim path %s is an object, not an array", short(orTop(path)))
		}
		out := maps.Clone(t)
		var digests []any
		for _, k := range slices.Sorted(maps.Keys(n.keys)) {
			c := n.keys[k]
			cv, ok := out[k]
			if !ok {
				return nil, fmt.Errorf("no claim at %s", short(joinPath(path, k)))
			}
			nv, err := is.apply(cv, c, joinPath(path, k))
			if err != nil {
				return nil, err
			}
			if !c.sd {
				out[k] = nv
				continue
			}
			if path == "" && slices.Contains(notDisclosable, k) {
				return nil, fmt.Errorf("claim %s must not be selectively disclosable", short(k))
			}
			dg, err := is.disclosure(k, nv)
			if err != nil {
				return nil, err
			}
			digests = append(digests, dg)
			delete(out, k)
		}
		if len(digests) > 0 {
			// Sorted, so the order of digests says nothing about the claims.
			slices.SortFunc(digests, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
			out["_sd"] = digests
		}
		return out, nil
	case []any:
		if len(n.keys) > 0 {
			return nil, fmt.Errorf("claim path %s is an array, not an object", short(orTop(path)))
		}
		out := slices.Clone(t)
		for _, i := range slices.Sorted(maps.Keys(n.idxs)) {
			c := n.idxs[i]
			if i >= len(out) {
				return nil, fmt.Errorf("no element at %s[%d]", short(path), i)
			}
			nv, err := is.apply(out[i], c, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
			}
			if !c.sd {
				out[i] = nv
				continue
			}
			dg, err := is.disclosure(nv)
			if err != nil {
				return nil, err
			}
			out[i] = map[string]any{"...": dg}
		}
		return out, nil
	}
	if len(n.keys)+len(n.idxs) > 0 {
		return nil, fmt.Errorf("claim path %s is a %s, not an object or array", short(orTop(path)), jsonType(v))
	}
	return v, nil
}

// reserved finds SD-JWT syntax already in a payload, which would make the
// issued token ambiguous.
func reserved(v any, path string) error {
	switch t := v.(type) {
	case map[string]any:
		if _, ok := t["_sd"]; ok {
			return fmt.Errorf("payload already has _sd at %s", orTop(path))
		}
		if _, ok := t["..."]; ok && len(t) == 1 {
			return fmt.Errorf("payload already has an array digest at %s", orTop(path))
		}
		for k, c := range t {
			if err := reserved(c, joinPath(path, k)); err != nil {
				return err
			}
		}
	case []any:
		for i, c := range t {
			if err := reserved(c, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// IssueSDJWT secures payload as an SD-JWT whose claims at the disclosable
// paths (see Disclosure.Path for the syntax) are selectively disclosable, and
// returns "<jws>~<disclosure>~...~" with every disclosure, for the holder.
//
// The typ follows the payload: dc+sd-jwt when it has a vct claim, vp+sd-jwt
// for a VerifiablePresentation, vc+sd-jwt for any other @context document.
// A path under another disclosable path nests its disclosure inside that
// one. holder, when not nil, is bound as cnf.jwk so that presentations must
// carry a key binding JWT signed by it. rnd supplies the salts (nil:
// crypto/rand). kid goes into the header unless empty.
func IssueSDJWT(payload map[string]any, disclosable []string, signer crypto.Signer, kid string, holder crypto.PublicKey, rnd io.Reader) (string, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	var f Format
	switch {
	case payload["vct"] != nil:
		if _, ok := payload["vct"].(string); !ok {
			return "", fmt.Errorf("issue SD-JWT: vct is not a string")
		}
		f = FormatDCSDJWT
	case payload["@context"] != nil:
		f = FormatSDJWTVC
		if hasType(payload, "VerifiablePresentation") {
			f = FormatSDJWTVP
		}
		if problems := consistency20(payload, payload, f); len(problems) > 0 {
			return "", fmt.Errorf("issue SD-JWT: %w", problems[0])
		}
	default:
		return "", fmt.Errorf("issue SD-JWT: payload has neither @context nor vct")
	}
	if err := reserved(payload, ""); err != nil {
		return "", fmt.Errorf("issue SD-JWT: %w", err)
	}
	if _, ok := payload["_sd_alg"]; ok {
		return "", fmt.Errorf("issue SD-JWT: payload already has _sd_alg")
	}
	if _, ok := payload["cnf"]; ok && holder != nil {
		return "", fmt.Errorf("issue SD-JWT: payload already has cnf")
	}
	root := &sdNode{}
	for _, p := range disclosable {
		segs, err := parsePath(p)
		if err != nil {
			return "", fmt.Errorf("issue SD-JWT: %w", err)
		}
		n := root
		for _, s := range segs {
			n = n.child(s)
		}
		n.sd = true
	}
	is := &sdIssuer{rnd: rnd}
	v, err := is.apply(payload, root, "")
	if err != nil {
		return "", fmt.Errorf("issue SD-JWT: %w", err)
	}
	claims := v.(map[string]any)
	claims["_sd_alg"] = sdAlg
	if holder != nil {
		jwk, err := JWK(holder)
		if err != nil {
			return "", fmt.Errorf("issue SD-JWT: holder key: %w", err)
		}
		claims["cnf"] = map[string]any{"jwk": jwk}
	}
	alg, err := algFor(signer.Public(), false)
	if err != nil {
		return "", fmt.Errorf("issue SD-JWT: %w", err)
	}
	header := map[string]any{"alg": alg, "typ": string(f)}
	if kid != "" {
		header["kid"] = kid
	}
	if f != FormatDCSDJWT {
		header["cty"] = "vc"
		if f == FormatSDJWTVP {
			header["cty"] = "vp"
		}
	}
	jwt, err := signJWS(header, claims, signer, alg, rnd)
	if err != nil {
		return "", fmt.Errorf("issue SD-JWT: %w", err)
	}
	out := jwt + "~" + strings.Join(is.discs, "~")
	if len(is.discs) > 0 {
		out += "~"
	}
	// What we issue must read back as exactly the payload.
	r, err := Parse([]byte(out), Options{})
	if err != nil {
		return "", fmt.Errorf("issue SD-JWT: self-check: %w", err)
	}
	want, err := roundTrip(payload)
	if err != nil {
		return "", fmt.Errorf("issue SD-JWT: %w", err)
	}
	delete(want, "cnf")
	if !reflect.DeepEqual(r.Document, want) {
		return "", fmt.Errorf("issue SD-JWT: self-check: disclosed document differs from the payload")
	}
	return out, nil
}

// PresentSDJWT makes a presentation of an issued SD-JWT that discloses only
// the claims at the given paths (as Parse reports them in Disclosed, i.e.
// paths into the fully disclosed document). Disclosing a path discloses what
// lies under it and the disclosures it is nested in. A path that names an
// always-visible claim adds nothing; a path that names nothing is an error.
//
// With a holder signer it appends a key binding JWT for aud and nonce at
// iat; holder must be the credential's cnf key. With holder nil the result
// has no key binding (and ends with "~").
func PresentSDJWT(sdjwt string, disclose []string, holder crypto.Signer, aud, nonce string, iat time.Time) (string, error) {
	o := Options{}.withDefaults()
	s := strings.TrimSpace(sdjwt)
	jwt, discs, _, _, sd, err := splitSDJWT(s, o)
	if err != nil {
		return "", fmt.Errorf("present SD-JWT: %w", err)
	}
	if !sd {
		return "", fmt.Errorf("present SD-JWT: not an SD-JWT")
	}
	var full strings.Builder
	full.WriteString(jwt + "~")
	for _, d := range discs {
		full.WriteString(d + "~")
	}
	r, err := parse([]byte(full.String()), o)
	if err != nil {
		return "", fmt.Errorf("present SD-JWT: %w", err)
	}
	keep := make([]bool, len(r.Disclosed))
	for _, p := range disclose {
		segs, err := parsePath(p)
		if err != nil {
			return "", fmt.Errorf("present SD-JWT: %w", err)
		}
		if !lookup(r.Document, segs) {
			return "", fmt.Errorf("present SD-JWT: no claim at %s", short(p))
		}
		want := formatPath(segs)
		for i, d := range r.Disclosed {
			keep[i] = keep[i] || within(d.Path, want) || within(want, d.Path)
		}
	}
	var b strings.Builder
	b.WriteString(jwt + "~")
	for i, d := range r.Disclosed {
		if keep[i] {
			b.WriteString(d.Encoded + "~")
		}
	}
	out := b.String()
	if holder == nil {
		return out, nil
	}
	if aud == "" || nonce == "" {
		return "", fmt.Errorf("present SD-JWT: key binding needs an audience and a nonce")
	}
	if iat.IsZero() {
		return "", fmt.Errorf("present SD-JWT: key binding needs iat")
	}
	if r.HolderKey == nil {
		return "", fmt.Errorf("present SD-JWT: the credential has no cnf.jwk to bind to")
	}
	if !sameKey(r.HolderKey, holder.Public()) {
		return "", fmt.Errorf("present SD-JWT: the holder key is not the credential's cnf key")
	}
	alg, err := algFor(holder.Public(), false)
	if err != nil {
		return "", fmt.Errorf("present SD-JWT: %w", err)
	}
	kb, err := signJWS(
		map[string]any{"alg": alg, "typ": "kb+jwt"},
		map[string]any{"iat": iat.Unix(), "aud": aud, "nonce": nonce, "sd_hash": sdDigest(out)},
		holder, alg, nil)
	if err != nil {
		return "", fmt.Errorf("present SD-JWT: key binding: %w", err)
	}
	return out + kb, nil
}
