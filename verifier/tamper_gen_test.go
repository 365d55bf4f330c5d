package verifier_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mr-tron/base58"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/baked"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/jose"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/verifier/status"
)

// The tamper generators: each takes a base and returns its variants with
// the checks that must fail. They change JSON objects, tokens and images
// the way an attacker would — keeping the signature, or signing again with
// a key that is not the issuer's — and leave out what does not apply.

// --- JSON-LD with Data Integrity proofs --------------------------------

// ldpVariants tampers with a JSON-LD credential or presentation.
func ldpVariants(t *testing.T, w *tamperWorld, b *tamperBase) []tamperVariant {
	pf := b.proofFails
	vp := isPresentation(b.doc)
	binding := verifier.CheckIssuerKey
	if vp {
		binding = verifier.CheckHolder
	}
	var out []tamperVariant
	edit := func(name string, want []string, f func(m map[string]any) bool) {
		m := clone(t, b.doc)
		if f(m) {
			out = append(out, tamperVariant{name: name, input: mustJSON(t, m), fail: want})
		}
	}
	resign := func(name string, want []string, k tamperKey, f func(m map[string]any) bool) {
		m := clone(t, b.doc)
		delete(m, "proof")
		if f(m) {
			out = append(out, tamperVariant{name: name, input: mustJSON(t, b.resign(t, m, k)), fail: want})
		}
	}
	always := func(map[string]any) bool { return true }

	// JSON is not what is signed: the RDF graph (or, for eddsa-jcs-2022, the
	// canonical JSON) is. Key order and whitespace must not matter.
	out = append(out, tamperVariant{name: "ok/JSON keys reordered (the proof's too), re-indented", input: reorderedJSON(b.doc)})

	// Arrays that JSON-LD reads as sets, and contexts that define
	// different terms, may be reordered under an RDF-canonicalised proof;
	// eddsa-jcs-2022 signs the JSON itself, order and all.
	reorder := func(name string, f func(m map[string]any) bool) {
		want := []string(nil)
		if jcs := firstProof(b.doc)["cryptosuite"] == "eddsa-jcs-2022"; jcs {
			name, want = "fail/"+name, pf
		} else {
			name = "ok/" + name
		}
		edit(name, want, f)
	}
	swapFirstTwo := func(v any) bool {
		l, ok := v.([]any)
		if ok && len(l) > 1 {
			l[0], l[1] = l[1], l[0]
		}
		return ok && len(l) > 1
	}
	reorder("type array reordered", func(m map[string]any) bool { return swapFirstTwo(m["type"]) })
	reorder("evidence array reordered", func(m map[string]any) bool { return swapFirstTwo(m["evidence"]) })
	reorder("OB context and OB extensions swapped", func(m map[string]any) bool {
		c, _ := m["@context"].([]any)
		if len(c) < 3 {
			return false
		}
		ext, _ := c[2].(string)
		return strings.HasSuffix(ext, "/extensions.json") && swapFirstTwo(c[1:])
	})

	edit("fail/proofValue: one byte of the signature", pf, func(m map[string]any) bool {
		return editProofValue(firstProof(m), func(sig []byte) []byte { sig[17] ^= 0x01; return sig })
	})
	edit("fail/proofValue truncated", pf, func(m map[string]any) bool {
		p := firstProof(m)
		pv, ok := p["proofValue"].(string)
		if ok {
			p["proofValue"] = pv[:len(pv)-8]
		}
		return ok
	})
	edit("fail/proof removed", pf, func(m map[string]any) bool { delete(m, "proof"); return true })
	edit("fail/an empty proof set", pf, func(m map[string]any) bool { m["proof"] = []any{}; return true })
	// A proof the verifier cannot check is not skipped.
	edit("fail/an unsupported proof added to the set", pf, func(m map[string]any) bool {
		p := firstProof(m)
		m["proof"] = append(asList(m["proof"]), map[string]any{"type": "BbsBlsSignature2020", "proofPurpose": p["proofPurpose"],
			"verificationMethod": p["verificationMethod"], "created": p["created"], "proofValue": "zabc"})
		return true
	})
	edit("fail/proof created moved a day earlier", pf, func(m map[string]any) bool {
		p := firstProof(m)
		p["created"] = tamperIssued.AddDate(0, 0, -1).Format(time.RFC3339)
		return true
	})
	edit("fail/proofPurpose changed", pf, func(m map[string]any) bool {
		p := firstProof(m)
		if p["proofPurpose"] == "authentication" {
			p["proofPurpose"] = "assertionMethod"
		} else {
			p["proofPurpose"] = "authentication"
		}
		return true
	})

	// What the credential says.
	edit("fail/name changed", pf, func(m map[string]any) bool {
		if a, ok := path(m, "credentialSubject", "achievement").(map[string]any); ok {
			a["name"] = a["name"].(string) + " (Advanced)"
			return true
		}
		if n, ok := m["name"].(string); ok {
			m["name"] = n + " (Advanced)"
			return true
		}
		return false
	})
	edit("fail/units changed (creditsEarned)", pf, func(m map[string]any) bool {
		s, ok := path(m, "credentialSubject").(map[string]any)
		if !ok || s["creditsEarned"] == nil {
			return false
		}
		s["creditsEarned"] = s["creditsEarned"].(float64) * 10
		return true
	})
	if res, ok := path(b.doc, "credentialSubject", "result").([]any); ok && len(res) > 0 {
		from, _ := res[0].(map[string]any)["value"].(string)
		what, to := "units", from+"0"
		if from != "" && strings.Contains("ABCDF", from[:1]) {
			what, to = "grade", "A+"
		}
		edit(fmt.Sprintf("fail/%s changed in the result (%s→%s)", what, from, to), pf, func(m map[string]any) bool {
			path(m, "credentialSubject", "result").([]any)[0].(map[string]any)["value"] = to
			return true
		})
	}
	edit("fail/issuer swapped to another DID, proof kept", pf, func(m map[string]any) bool {
		switch is := m["issuer"].(type) {
		case map[string]any:
			is["id"] = w.foreign.did
		case string:
			m["issuer"] = w.foreign.did
		default:
			return false
		}
		return true
	})
	edit("fail/validFrom moved 10 years earlier", pf, func(m map[string]any) bool { return shiftDate(m, "validFrom", -10) })
	edit("fail/validUntil set 10 years on", pf, func(m map[string]any) bool {
		if vp {
			return false
		}
		m["validUntil"] = tamperIssued.AddDate(10, 0, 0).Format(time.RFC3339)
		return true
	})
	ctxWant := pf
	if !vp {
		// Without its OB or CLR context the document is no longer an OB
		// 3.0 or CLR 2.0 credential, and the terms it signed mean
		// something else.
		ctxWant = fails(verifier.CheckDataModel, verifier.CheckProof)
	}
	edit("fail/an @context entry removed", ctxWant, func(m map[string]any) bool {
		c, ok := m["@context"].([]any)
		if !ok || len(c) < 2 {
			return false
		}
		m["@context"] = append(c[:1:1], c[2:]...)
		return true
	})

	// Keys that are not the issuer's (the holder's).
	edit("fail/verificationMethod swapped to a foreign key, signature kept", pf, func(m map[string]any) bool {
		firstProof(m)["verificationMethod"] = w.foreign.vm
		return true
	})
	resign("fail/signed again by a foreign key", fails(binding), w.foreign, always)
	if _, single := b.doc["proof"].(map[string]any); single {
		m := b.resign(t, clone(t, b.doc), w.foreign) // joins the proof set
		out = append(out, tamperVariant{name: "fail/a foreign key's proof added to the set", input: mustJSON(t, m), fail: fails(binding)})
	}
	if !vp {
		reg, err := verifier.ParseRegistry(mustJSON(t, map[string]any{"name": "tamper test registry",
			"issuers": []any{map[string]any{"id": b.key.did, "name": "the genuine issuer"}}}), "")
		if err != nil {
			t.Fatal(err)
		}
		m := clone(t, b.doc)
		delete(m, "proof")
		setIssuer(m, w.foreign.did)
		out = append(out, tamperVariant{name: "fail/issued again by a foreign DID, checked against a registry",
			input: mustJSON(t, b.resign(t, m, w.foreign)), fail: fails(verifier.CheckTrust),
			opt: func(o *verifier.Options) { o.Trust = reg }})
	}

	// Validity: signed dates that are wrong, and signed dates moved.
	if !vp {
		resign("fail/expired, validly signed", fails(verifier.CheckValidity), b.key, func(m map[string]any) bool {
			m["validUntil"] = tamperNow.Add(-30 * time.Minute).Format(time.RFC3339)
			return true
		})
		resign("fail/not yet valid, validly signed", fails(verifier.CheckValidity), b.key, func(m map[string]any) bool {
			m["validFrom"] = tamperIssued.AddDate(1, 0, 0).Format(time.RFC3339)
			return true
		})
		m := clone(t, b.doc)
		delete(m, "proof")
		m["validUntil"] = tamperNow.Add(-30 * time.Minute).Format(time.RFC3339)
		m = b.resign(t, m, b.key)
		m["validUntil"] = tamperNow.AddDate(10, 0, 0).Format(time.RFC3339)
		out = append(out, tamperVariant{name: "fail/expired, validUntil moved 10 years on", input: mustJSON(t, m), fail: pf})
	}
	return out
}

// didWebVariants: what a did:web issuer's document allows.
func didWebVariants(t *testing.T, w *tamperWorld, b *tamperBase) []tamperVariant {
	m := clone(t, b.doc)
	delete(m, "proof")
	return []tamperVariant{
		{name: "fail/signed by the issuer's authentication-only key", input: mustJSON(t, b.resign(t, m, w.jstAuth)), fail: b.proofFails},
		{name: "fail/the issuer's DID document is not at hand", input: b.input, fail: b.proofFails,
			opt: func(o *verifier.Options) { o.DIDs = &did.Local{Cache: did.NewCache()} }},
	}
}

// statusVariants: revocation, and status lists that should not be
// believed.
func statusVariants(t *testing.T, w *tamperWorld, b *tamperBase) []tamperVariant {
	lists := func(raw []byte) func(*verifier.Options) {
		return func(o *verifier.Options) {
			c := status.NewCache()
			if raw != nil {
				c.Add(tamperListURL, raw, tamperIssued)
			}
			o.StatusLists = c
		}
	}
	revoked := w.statusList(t, w.college, tamperRevoked, tamperIndex)
	// The revoked list with the genuine list's bits: "un-revoked", its
	// signature kept.
	var unrevoked, genuine map[string]any
	_ = json.Unmarshal(revoked, &unrevoked)
	_ = json.Unmarshal(w.statusList(t, w.college, tamperRevoked), &genuine)
	unrevoked["credentialSubject"].(map[string]any)["encodedList"] = genuine["credentialSubject"].(map[string]any)["encodedList"]

	moved := clone(t, b.doc)
	moved["credentialStatus"].(map[string]any)["statusListIndex"] = fmt.Sprint(tamperRevoked)
	noStatus := clone(t, b.doc)
	delete(noStatus, "credentialStatus")
	return []tamperVariant{
		{name: "fail/revoked: the list sets its bit", input: b.input, opt: lists(revoked), fail: fails(verifier.CheckStatus)},
		{name: "fail/status index moved to a revoked bit", input: mustJSON(t, moved), fail: fails(verifier.CheckProof, verifier.CheckStatus)},
		{name: "fail/status entry removed", input: mustJSON(t, noStatus), fail: fails(verifier.CheckProof)},
		{name: "fail/status list not at hand", input: b.input, opt: lists(nil), fail: fails(verifier.CheckStatus)},
		{name: "fail/status list un-revoked, its signature kept", input: b.input, opt: lists(mustJSON(t, unrevoked)), fail: fails(verifier.CheckStatus)},
		// Bitstring Status List lets another party than the credential's
		// issuer publish its list, and leaves trusting that party to the
		// verifier (w3c/vc-bitstring-status-list#129; DCC's published
		// fixtures use a separate list issuer). Without a trust registry
		// such a list is believed and its signer named; with one, its
		// signer must be in it.
		{name: "ok/status list signed by another party, no registry (its signer is named)", input: b.input, opt: lists(w.statusList(t, w.foreign, tamperRevoked))},
		{name: "fail/status list signed by another party not in the registry", input: b.input, fail: fails(verifier.CheckStatus),
			opt: func(o *verifier.Options) {
				lists(w.statusList(t, w.foreign, tamperRevoked))(o)
				o.Trust = registryOf(t, b.key.did)
			}},
		{name: "ok/status list signed by another party the registry names", input: b.input,
			opt: func(o *verifier.Options) {
				lists(w.statusList(t, w.foreign, tamperRevoked))(o)
				o.Trust = registryOf(t, b.key.did, w.foreign.did)
			}},
	}
}

// chainVariants: a proof chain may be listed in any order, but every
// previousProof must name a proof that is there.
func chainVariants(t *testing.T, w *tamperWorld, b *tamperBase) []tamperVariant {
	chain := func(f func(ps []any) []any) []byte {
		m := clone(t, b.doc)
		m["proof"] = f(m["proof"].([]any))
		return mustJSON(t, m)
	}
	return []tamperVariant{
		{name: "ok/proof chain listed in reverse order", input: chain(func(ps []any) []any { return []any{ps[1], ps[0]} })},
		{name: "ok/the later proof dropped (the first stands alone)", input: chain(func(ps []any) []any { return ps[:1] })},
		{name: "fail/the earlier proof dropped", input: chain(func(ps []any) []any { return ps[1:] }), fail: b.proofFails},
		{name: "fail/proof ids swapped", input: chain(func(ps []any) []any {
			a, c := ps[0].(map[string]any), ps[1].(map[string]any)
			a["id"], c["id"] = c["id"], a["id"]
			return ps
		}), fail: b.proofFails},
		{name: "fail/previousProof names another proof", input: chain(func(ps []any) []any {
			ps[1].(map[string]any)["previousProof"] = "urn:uuid:proof-0"
			return ps
		}), fail: b.proofFails},
		{name: "fail/previousProof removed", input: chain(func(ps []any) []any {
			delete(ps[1].(map[string]any), "previousProof")
			return ps
		}), fail: b.proofFails},
	}
}

// clrVariants: a CLR's nested credentials each verify on their own.
func clrVariants(t *testing.T, w *tamperWorld, b *tamperBase) []tamperVariant {
	nested := func(m map[string]any) []any {
		return path(m, "credentialSubject", "verifiableCredential").([]any)
	}
	rename := func(c any) {
		a := path(c.(map[string]any), "credentialSubject", "achievement").(map[string]any)
		a["name"] = a["name"].(string) + " (Advanced)"
	}
	unsigned := func(f func(list []any)) map[string]any {
		m := clone(t, b.doc)
		delete(m, "proof")
		f(nested(m))
		return b.resign(t, m, b.key)
	}
	after := clone(t, b.doc)
	rename(nested(after)[0])
	fewer := clone(t, b.doc)
	fewer["credentialSubject"].(map[string]any)["verifiableCredential"] = nested(fewer)[1:]
	want := fails(verifier.CheckNested)
	return []tamperVariant{
		{name: "fail/a nested credential changed after the CLR was signed", input: mustJSON(t, after),
			fail: fails(verifier.CheckProof, verifier.CheckNested), nested: map[int][]string{0: {verifier.CheckProof}}},
		{name: "fail/the CLR signed over a tampered credential", fail: want, nested: map[int][]string{0: {verifier.CheckProof}},
			input: mustJSON(t, unsigned(func(l []any) { rename(l[0]) }))},
		{name: "fail/the CLR signed over a credential a foreign key signed", fail: want, nested: map[int][]string{1: {verifier.CheckIssuerKey}},
			input: mustJSON(t, unsigned(func(l []any) {
				c := l[1].(map[string]any)
				delete(c, "proof")
				l[1] = signLDP(t, c, w.foreign, proof.Options{})
			}))},
		{name: "fail/the CLR signed over an expired credential", fail: want, nested: map[int][]string{0: {verifier.CheckValidity}},
			input: mustJSON(t, unsigned(func(l []any) {
				c := l[0].(map[string]any)
				delete(c, "proof")
				c["validUntil"] = tamperNow.Add(-30 * time.Minute).Format(time.RFC3339)
				l[0] = signLDP(t, c, b.key, proof.Options{})
			}))},
		{name: "fail/a nested credential removed, signature kept", input: mustJSON(t, fewer), fail: b.proofFails},
	}
}

// ldpVPVariants: a presentation is for one verifier, one request, one
// holder.
func ldpVPVariants(t *testing.T, w *tamperWorld, b *tamperBase) []tamperVariant {
	pf := b.proofFails
	resign := func(k tamperKey, f func(m map[string]any)) []byte {
		m := clone(t, b.doc)
		delete(m, "proof")
		f(m)
		return mustJSON(t, b.resign(t, m, k))
	}
	resignWith := func(opt func(o *struct{ purpose, challenge, domain string })) []byte {
		o := struct{ purpose, challenge, domain string }{"authentication", tamperChallenge, tamperDomain}
		opt(&o)
		m := clone(t, b.doc)
		delete(m, "proof")
		return mustJSON(t, signLDP(t, m, b.key, proof.Options{Purpose: o.purpose, Challenge: o.challenge, Domain: o.domain}))
	}
	cred := func(m map[string]any) map[string]any { return m["verifiableCredential"].([]any)[0].(map[string]any) }
	rename := func(c map[string]any) {
		a := path(c, "credentialSubject", "achievement").(map[string]any)
		a["name"] = a["name"].(string) + " (Advanced)"
	}
	after := clone(t, b.doc)
	rename(cred(after))
	editProof := func(f func(p map[string]any)) []byte {
		m := clone(t, b.doc)
		f(firstProof(m))
		return mustJSON(t, m)
	}
	return []tamperVariant{
		{name: "fail/the verifier asked another challenge", input: b.input, fail: pf, opt: func(o *verifier.Options) { o.Challenge = "c-other" }},
		{name: "fail/the verifier asked another domain", input: b.input, fail: pf, opt: func(o *verifier.Options) { o.Domain = "https://other.example" }},
		{name: "fail/challenge in the proof changed", input: editProof(func(p map[string]any) { p["challenge"] = "c-other" }), fail: pf},
		{name: "fail/domain in the proof changed", input: editProof(func(p map[string]any) { p["domain"] = "https://other.example" }), fail: pf},
		{name: "fail/signed for no challenge or domain", input: resignWith(func(o *struct{ purpose, challenge, domain string }) { o.challenge, o.domain = "", "" }), fail: pf},
		{name: "fail/signed for assertionMethod, not authentication", input: resignWith(func(o *struct{ purpose, challenge, domain string }) { o.purpose = "assertionMethod" }), fail: pf},
		{name: "fail/the credential changed after the holder signed", input: mustJSON(t, after),
			fail: append(fails(verifier.CheckNested), pf...), nested: map[int][]string{0: {verifier.CheckProof}}},
		{name: "fail/the holder signed over a tampered credential", input: resign(b.key, func(m map[string]any) { rename(cred(m)) }),
			fail: fails(verifier.CheckNested), nested: map[int][]string{0: {verifier.CheckProof}}},
		{name: "fail/replayed by another holder with its own key", input: resign(w.foreign, func(m map[string]any) { m["holder"] = w.foreign.did }),
			fail: fails(verifier.CheckSubjectBinding)},
		{name: "fail/no credential, signed", input: resign(b.key, func(m map[string]any) { delete(m, "verifiableCredential") }),
			fail: fails(verifier.CheckNested)},
		// The credential is genuine, but anyone with a copy could send it.
		{name: "fail/the credential sent alone, without the presentation", input: mustJSON(t, cred(b.doc)), fail: fails(verifier.CheckChallenge)},
	}
}

// --- JOSE ---------------------------------------------------------------

// jwtVariants tampers with a JWS: VC-JWT, VC-JOSE, an SD-JWT's issuer JWT,
// or a presentation.
func jwtVariants(t *testing.T, w *tamperWorld, b *tamperBase) []tamperVariant {
	tok := string(b.input)
	jws, rest, sd := strings.Cut(tok, "~")
	if sd {
		rest = "~" + rest
	}
	parts := strings.Split(jws, ".")
	header, payload := decodeSegment(t, parts[0]), decodeSegment(t, parts[1])
	vp := header["typ"] == "vp+jwt" || payload["vp"] != nil
	binding := verifier.CheckIssuerKey
	if vp {
		binding = verifier.CheckHolder
	}
	// An SD-JWT's key binding JWT signs a hash of the issuer JWT: what
	// changes the one breaks the other.
	kb := func(checks ...string) []string {
		if sd {
			return append(checks, checkKeyBinding)
		}
		return checks
	}
	var out []tamperVariant
	keep := func(name string, want []string, f func(h, p, d map[string]any) bool) {
		h, p := clone(t, header), clone(t, payload)
		d := p
		if vc, ok := p["vc"].(map[string]any); ok {
			d = vc
		}
		if f(h, p, d) {
			out = append(out, tamperVariant{name: name, fail: want,
				input: []byte(b64JSON(t, h) + "." + b64JSON(t, p) + "." + parts[2] + rest)})
		}
	}
	resign := func(name string, want []string, k tamperKey, f func(h, p, d map[string]any)) {
		h, p := clone(t, header), clone(t, payload)
		if sd {
			p = clone(t, b.doc) // an SD-JWT is issued from the document, not its digests
		}
		d := p
		if vc, ok := p["vc"].(map[string]any); ok {
			d = vc
		}
		h["kid"] = k.vm
		h["alg"] = algOf(k)
		f(h, p, d)
		var input string
		if sd {
			input = b.issueSD(t, p, k)
		} else {
			input = b.signJWT(t, h, p, k)
		}
		out = append(out, tamperVariant{name: name, fail: want, input: []byte(input)})
	}
	sig := func(name string, f func(s []byte) []byte) {
		s, err := base64.RawURLEncoding.DecodeString(parts[2])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tamperVariant{name: name, fail: kb(verifier.CheckProof),
			input: []byte(parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(f(s)) + rest)})
	}

	out = append(out, tamperVariant{name: "ok/surrounded by whitespace", input: []byte("\n  " + tok + "\n")})
	sig("fail/signature: one byte", func(s []byte) []byte { s[len(s)/2] ^= 0x01; return s })
	sig("fail/signature truncated", func(s []byte) []byte { return s[:len(s)-4] })

	// The payload, signature kept.
	if vp {
		keep("fail/nonce changed, signature kept", fails(verifier.CheckProof, verifier.CheckChallenge), func(h, p, d map[string]any) bool {
			p["nonce"] = "c-other"
			return true
		})
	}
	keep("fail/name changed, signature kept", kb(verifier.CheckProof), func(h, p, d map[string]any) bool {
		a, ok := path(d, "credentialSubject", "achievement").(map[string]any)
		if ok {
			a["name"] = a["name"].(string) + " (Advanced)"
		}
		return ok
	})
	keep("fail/units changed, signature kept", kb(verifier.CheckProof), func(h, p, d map[string]any) bool {
		s, ok := path(d, "credentialSubject").(map[string]any)
		if !ok || s["creditsEarned"] == nil {
			return false
		}
		s["creditsEarned"] = s["creditsEarned"].(float64) * 10
		return true
	})
	keep("fail/validFrom moved 10 years earlier, signature kept", kb(verifier.CheckProof), func(h, p, d map[string]any) bool {
		return shiftDate(d, "validFrom", -10)
	})
	if _, ok := payload["nbf"]; ok {
		keep("fail/nbf and issuanceDate moved 10 years earlier, signature kept", kb(verifier.CheckProof), func(h, p, d map[string]any) bool {
			p["nbf"] = time.Unix(int64(p["nbf"].(float64)), 0).AddDate(-10, 0, 0).Unix()
			return shiftDate(d, "issuanceDate", -10)
		})
	}
	// Another issuer, signature kept: the key the header names is not
	// that issuer's, so the signature is not even checked.
	keep("fail/issuer swapped to another DID, signature kept", kb(verifier.CheckIssuerKey, verifier.CheckProof), func(h, p, d map[string]any) bool {
		if vp {
			return false
		}
		setIssuer(d, w.foreign.did)
		if p["iss"] != nil {
			p["iss"] = w.foreign.did
		}
		return true
	})

	// The header, signature kept.
	for _, alg := range []string{"none", "HS256"} {
		// An algorithm the verifier refuses stops it before any other check.
		keep("fail/alg "+alg+", signature kept", fails(verifier.CheckProof), func(h, p, d map[string]any) bool { h["alg"] = alg; return true })
	}
	keep("fail/kid names a foreign key, signature kept", kb(binding, verifier.CheckProof), func(h, p, d map[string]any) bool {
		h["kid"] = w.foreign.vm
		return true
	})
	out = append(out, tamperVariant{name: "fail/alg none, no signature", fail: fails(verifier.CheckProof),
		input: []byte(b64JSON(t, withAlg(t, header, "none")) + "." + parts[1] + "." + rest)})

	// Signed again, by a key that is not the issuer's.
	resign("fail/signed again by a foreign key, its kid", fails(binding, verifier.CheckProof), w.foreign, func(h, p, d map[string]any) {})
	if !sd {
		foreign := w.foreign
		if algOf(b.key) == "ES256" {
			foreign = w.foreignEC
		}
		resign("fail/signed again by a foreign key, the genuine kid", fails(verifier.CheckProof), foreign, func(h, p, d map[string]any) { h["kid"] = b.key.vm })
		// iss is who signed: a foreign signer naming itself there still
		// contradicts the document's issuer, and its key is not theirs.
		resign("fail/signed by a foreign key naming itself as iss, the document unchanged", fails(checkConsistency, binding), w.foreign, func(h, p, d map[string]any) {
			p["iss"] = w.foreign.did
		})
		resign("fail/iss names another DID, signed by the genuine key", fails(checkConsistency, binding, verifier.CheckProof), b.key, func(h, p, d map[string]any) {
			p["iss"] = w.foreign.did
		})
	}

	if b.key.did == w.jstAuth.did && !vp {
		resign("fail/signed by the issuer's authentication-only key", fails(verifier.CheckIssuerKey, verifier.CheckProof), w.jstAuth, func(h, p, d map[string]any) {})
	}

	// Validity claims, validly signed.
	resign("fail/exp in the past, validly signed", fails(verifier.CheckValidity), b.key, func(h, p, d map[string]any) {
		p["exp"] = tamperNow.Add(-30 * time.Minute).Unix()
		if d["expirationDate"] != nil || p["vc"] != nil {
			d["expirationDate"] = tamperNow.Add(-30 * time.Minute).Format(time.RFC3339)
		}
	})
	resign("fail/nbf in the future, validly signed", fails(verifier.CheckValidity), b.key, func(h, p, d map[string]any) {
		p["nbf"] = tamperNow.AddDate(1, 0, 0).Unix()
		if p["vc"] != nil {
			d["issuanceDate"] = tamperNow.AddDate(1, 0, 0).Format(time.RFC3339)
		}
	})
	return out
}

// sdjwtVariants: disclosures and key binding.
func sdjwtVariants(t *testing.T, w *tamperWorld, b *tamperBase) []tamperVariant {
	tok := string(b.input)
	segs := strings.Split(tok, "~")
	jws, discs, kbJWT := segs[0], segs[1:len(segs)-1], segs[len(segs)-1]
	join := func(d []string, kb string) []byte {
		return []byte(jws + "~" + strings.Join(d, "~") + "~" + kb)
	}
	// One disclosure's value changed and encoded again: its digest is no
	// longer in the payload.
	altered := append([]string{}, discs...)
	for i, d := range altered {
		var arr []any
		raw, _ := base64.RawURLEncoding.DecodeString(d)
		_ = json.Unmarshal(raw, &arr)
		if len(arr) == 3 && arr[1] == "creditsEarned" {
			arr[2] = arr[2].(float64) * 10
			altered[i] = base64.RawURLEncoding.EncodeToString(mustJSON(t, arr))
		}
	}
	extra := base64.RawURLEncoding.EncodeToString(mustJSON(t, []any{"c2FsdHNhbHRzYWx0", "gradeOverride", "A"}))
	issued := jws + "~" + strings.Join(discs, "~") + "~"
	present := func(disclose []string, holder tamperKey, aud, nonce string) []byte {
		return []byte(presentSD(t, issued, disclose, holder, aud, nonce))
	}
	kb := fails(checkKeyBinding)
	return []tamperVariant{
		{name: "fail/a disclosure's value changed", input: join(altered, kbJWT), fail: fails(verifier.CheckFormat)},
		{name: "fail/a disclosure added that no digest names", input: join(append(append([]string{}, discs...), extra), kbJWT), fail: fails(verifier.CheckFormat)},
		{name: "fail/a disclosure dropped, key binding kept", input: join(discs[1:], kbJWT), fail: kb},
		{name: "ok/a disclosure withheld, bound again", input: present([]string{"credentialSubject.creditsEarned", "credentialSubject.result"}, w.holder, tamperDomain, tamperChallenge)},
		{name: "fail/key binding for another nonce", input: present(sdDisclosable, w.holder, tamperDomain, "c-other"), fail: kb},
		{name: "fail/key binding for another audience", input: present(sdDisclosable, w.holder, "https://other.example", tamperChallenge), fail: kb},
		{name: "fail/key binding by another key", input: []byte(issued + keyBindingJWT(t, issued, w.foreign, tamperDomain, tamperChallenge)), fail: kb},
		{name: "fail/no key binding", input: join(discs, ""), fail: kb},
		{name: "fail/key binding: one byte of its signature", input: join(discs, flipJWSByte(t, kbJWT)), fail: kb},
		{name: "fail/the verifier asked another nonce", input: b.input, fail: kb, opt: func(o *verifier.Options) { o.Challenge = "c-other" }},
	}
}

// vpJWTVariants: a vp+jwt's challenge and the credentials it carries.
func vpJWTVariants(t *testing.T, w *tamperWorld, b *tamperBase) []tamperVariant {
	parts := strings.Split(string(b.input), ".")
	header, payload := decodeSegment(t, parts[0]), decodeSegment(t, parts[1])
	nestedTok := func(p map[string]any) (map[string]any, string) {
		env := p["verifiableCredential"].([]any)[0].(map[string]any)
		return env, strings.TrimPrefix(env["id"].(string), "data:application/vc+jwt,")
	}
	tampered := func() map[string]any {
		p := clone(t, payload)
		env, tok := nestedTok(p)
		env["id"] = "data:application/vc+jwt," + flipJWSByte(t, tok)
		return p
	}
	resign := func(k tamperKey, p map[string]any) []byte {
		h := clone(t, header)
		h["kid"] = k.vm
		return []byte(b.signJWT(t, h, p, k))
	}
	other := clone(t, payload)
	other["holder"] = w.foreign.did
	noNonce := clone(t, payload)
	delete(noNonce, "nonce")
	return []tamperVariant{
		{name: "fail/the verifier asked another nonce", input: b.input, fail: fails(verifier.CheckChallenge), opt: func(o *verifier.Options) { o.Challenge = "c-other" }},
		{name: "fail/the verifier asked another audience", input: b.input, fail: fails(verifier.CheckChallenge), opt: func(o *verifier.Options) { o.Domain = "https://other.example" }},
		{name: "fail/signed without a nonce", input: resign(b.key, noNonce), fail: fails(verifier.CheckChallenge)},
		{name: "fail/the credential changed, holder signature kept", input: []byte(parts[0] + "." + b64JSON(t, tampered()) + "." + parts[2]),
			fail: fails(verifier.CheckProof, verifier.CheckNested), nested: map[int][]string{0: {verifier.CheckProof}}},
		{name: "fail/the holder signed over a tampered credential", input: resign(b.key, tampered()),
			fail: fails(verifier.CheckNested), nested: map[int][]string{0: {verifier.CheckProof}}},
		{name: "fail/replayed by another holder with its own key", input: resign(w.foreign, other), fail: fails(verifier.CheckSubjectBinding)},
		{name: "fail/the credential sent alone, without the presentation", input: []byte(func() string { _, tok := nestedTok(payload); return tok }()),
			fail: fails(verifier.CheckChallenge)},
	}
}

// --- baked badges -------------------------------------------------------

// bakedVariants: the picture around a baked credential may change; the
// credential may not.
func bakedVariants(t *testing.T, w *tamperWorld, b *tamperBase) []tamperVariant {
	name := path(b.doc, "credentialSubject", "achievement", "name").(string)
	renamed := []byte("X" + name[1:])
	if !bytes.Contains(b.input, []byte(name)) {
		t.Fatalf("the achievement name %q is not in the image", name)
	}
	inside := bytes.Replace(b.input, []byte(name), renamed, 1)
	// Another credential, as a second one to bake in: the genuine one
	// renamed.
	inner := bytes.Replace(mustJSON(t, b.doc), []byte(name), renamed, 1)
	if img, _ := baked.Sniff(b.input); img == baked.SVG {
		return []tamperVariant{
			{name: "ok/the picture changed outside the credential", input: bytes.Replace(b.input, []byte(`fill="#1f6feb"`), []byte(`fill="#d1242f"`), 1)},
			{name: "ok/an element added after the credential", input: bytes.Replace(b.input, []byte("</svg>"), []byte(`<title>EMT</title></svg>`), 1)},
			{name: "fail/a byte inside the credential", input: inside, fail: fails(verifier.CheckProof)},
			{name: "fail/the XML broken", input: bytes.Replace(b.input, []byte("</svg>"), nil, 1), err: verifier.ErrUnreadable},
			// Two credentials: which one would a reader show?
			{name: "fail/a second credential added", input: bytes.Replace(b.input, []byte("</svg>"), []byte("<openbadges:credential><![CDATA["+string(inner)+"]]></openbadges:credential></svg>"), 1),
				err: verifier.ErrUnreadable},
		}
	}
	damaged := append([]byte{}, b.input...)
	damaged[20] ^= 0x01 // inside IHDR's data, its CRC left as it was
	return []tamperVariant{
		{name: "ok/a chunk added outside the credential", input: pngInsert(b.input, pngChunk("tEXt", []byte("Comment\x00re-saved by an editor")))},
		{name: "fail/a byte inside the credential, CRC fixed", input: pngFixCRC(t, inside), fail: fails(verifier.CheckProof)},
		{name: "fail/a byte inside the credential, CRC left", input: inside, err: verifier.ErrUnreadable},
		{name: "fail/a byte of the image, CRC left", input: damaged, err: verifier.ErrUnreadable},
		{name: "fail/a second credential chunk added", input: pngInsert(b.input, pngChunk("iTXt", append([]byte("openbadgecredential\x00\x00\x00\x00\x00"), inner...))),
			err: verifier.ErrUnreadable},
	}
}

// --- helpers ------------------------------------------------------------

func isPresentation(doc map[string]any) bool {
	ts, _ := doc["type"].([]any)
	for _, x := range ts {
		if x == "VerifiablePresentation" {
			return true
		}
	}
	return doc["type"] == "VerifiablePresentation"
}

// firstProof is the (first) proof of a document.
func firstProof(m map[string]any) map[string]any {
	switch p := m["proof"].(type) {
	case map[string]any:
		return p
	case []any:
		return p[0].(map[string]any)
	}
	return nil
}

// editProofValue decodes the multibase proofValue, changes the signature
// bytes and encodes them again, so the value stays well-formed.
func editProofValue(p map[string]any, f func(sig []byte) []byte) bool {
	pv, ok := p["proofValue"].(string)
	if !ok || !strings.HasPrefix(pv, "z") {
		return false
	}
	sig, err := base58.Decode(pv[1:])
	if err != nil {
		return false
	}
	p["proofValue"] = "z" + base58.Encode(f(sig))
	return true
}

func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func setIssuer(m map[string]any, id string) {
	if is, ok := m["issuer"].(map[string]any); ok {
		is["id"] = id
	} else {
		m["issuer"] = id
	}
}

func shiftDate(m map[string]any, key string, years int) bool {
	s, ok := m[key].(string)
	if !ok {
		return false
	}
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return false
	}
	m[key] = at.AddDate(years, 0, 0).Format(time.RFC3339)
	return true
}

func decodeSegment(t *testing.T, seg string) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func withAlg(t *testing.T, h map[string]any, alg string) map[string]any {
	c := clone(t, h)
	c["alg"] = alg
	return c
}

func algOf(k tamperKey) string {
	if _, ok := k.priv.(*ecdsa.PrivateKey); ok {
		return "ES256"
	}
	return "EdDSA"
}

// flipJWSByte changes one byte of a compact JWS's signature.
func flipJWSByte(t *testing.T, tok string) string {
	t.Helper()
	i := strings.LastIndexByte(tok, '.')
	s, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil {
		t.Fatal(err)
	}
	s[len(s)/2] ^= 0x01
	return tok[:i+1] + base64.RawURLEncoding.EncodeToString(s)
}

// reorderedJSON writes v with every object's keys in reverse order, tabs
// and extra spaces: the same JSON value, other bytes.
func reorderedJSON(v any) []byte {
	var b bytes.Buffer
	var write func(v any, indent string)
	write = func(v any, indent string) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Sort(sort.Reverse(sort.StringSlice(keys)))
			b.WriteString("{\n")
			for i, k := range keys {
				kb, _ := json.Marshal(k)
				b.WriteString(indent + "\t" + string(kb) + " :  ")
				write(x[k], indent+"\t")
				if i < len(keys)-1 {
					b.WriteString(" ,")
				}
				b.WriteString("\n")
			}
			b.WriteString(indent + "}")
		case []any:
			b.WriteString("[ ")
			for i, e := range x {
				write(e, indent+"\t")
				if i < len(x)-1 {
					b.WriteString(", ")
				}
			}
			b.WriteString(" ]")
		default:
			vb, _ := json.Marshal(x)
			b.Write(vb)
		}
	}
	write(v, "")
	return b.Bytes()
}

// PNG chunks.

func pngChunk(typ string, data []byte) []byte {
	var c bytes.Buffer
	_ = binary.Write(&c, binary.BigEndian, uint32(len(data)))
	c.WriteString(typ)
	c.Write(data)
	_ = binary.Write(&c, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return c.Bytes()
}

// pngInsert puts chunks just after IHDR.
func pngInsert(p []byte, chunks ...[]byte) []byte {
	const afterIHDR = 8 + 8 + 13 + 4
	out := append([]byte{}, p[:afterIHDR]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[afterIHDR:]...)
}

// pngFixCRC recomputes every chunk's CRC, as a careful forger would.
func pngFixCRC(t *testing.T, p []byte) []byte {
	t.Helper()
	out := append([]byte{}, p...)
	for i := 8; i+12 <= len(out); {
		n := int(binary.BigEndian.Uint32(out[i:]))
		if i+12+n > len(out) {
			t.Fatal("PNG chunk runs past the end")
		}
		binary.BigEndian.PutUint32(out[i+8+n:], crc32.ChecksumIEEE(out[i+4:i+8+n]))
		i += 12 + n
	}
	return out
}

// presentSD presents an issued SD-JWT with the chosen disclosures and a key
// binding JWT by holder for aud and nonce.
func presentSD(t *testing.T, issued string, disclose []string, holder tamperKey, aud, nonce string) string {
	t.Helper()
	p, err := jose.PresentSDJWT(issued, disclose, holder.priv, aud, nonce, tamperIssued.Add(30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// keyBindingJWT signs a key binding JWT over an SD-JWT with any key (the
// wallet's PresentSDJWT insists on the credential's own).
func keyBindingJWT(t *testing.T, sdjwt string, k tamperKey, aud, nonce string) string {
	t.Helper()
	h := sha256.Sum256([]byte(sdjwt))
	return signJWS(t, map[string]any{"alg": algOf(k), "typ": "kb+jwt"}, map[string]any{
		"iat": tamperIssued.Add(30 * time.Minute).Unix(), "aud": aud, "nonce": nonce,
		"sd_hash": base64.RawURLEncoding.EncodeToString(h[:])}, k)
}

func asList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	}
	return []any{v}
}

// registryOf is a trust registry of the given DIDs.
func registryOf(t *testing.T, dids ...string) *verifier.Registry {
	var issuers []any
	for _, d := range dids {
		issuers = append(issuers, map[string]any{"id": d, "name": "issuer " + d})
	}
	reg, err := verifier.ParseRegistry(mustJSON(t, map[string]any{"name": "status test registry", "issuers": issuers}), "")
	if err != nil {
		t.Fatal(err)
	}
	return reg
}
