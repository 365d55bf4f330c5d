package verifier_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/baked"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/jose"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/verifier/status"
)

// The tamper matrix: from a genuine credential of every format Satchel
// reads, make the variants an attacker (or a broken transport) would, and
// check that each one fails the check it should — and that the variants a
// verifier must tolerate (JSON key order, whitespace, the picture around a
// baked credential) still verify. The expected failing checks are spelled
// out per variant and compared exactly, so a check that passes when it
// should not (or fails for the wrong reason) shows up as a diff.

// Times: every base is issued at tamperIssued and checked an hour later.
var (
	tamperIssued = time.Date(2026, 9, 1, 17, 0, 0, 0, time.UTC)
	tamperNow    = tamperIssued.Add(time.Hour)
	tamperAsOf   = transcript.MustDate("2026-09-01")
)

// What a presentation is asked for.
const (
	tamperChallenge = "c-9f1b2e"
	tamperDomain    = "https://hire.sierra-ambulance.example"
	tamperListURL   = "https://etranscript.example/institutions/sierra-vista/status/1"
	tamperIndex     = 42 // the base credential's status index: not revoked
	tamperRevoked   = 7  // another credential's index: revoked in every list
)

// Check names the verifier passes through from verifier/jose.
const (
	checkConsistency = jose.CheckConsistency
	checkKeyBinding  = jose.CheckKeyBinding
)

// tamperKey is a signing key and the DID URL that names it.
type tamperKey struct {
	priv crypto.Signer
	did  string // the controller
	vm   string // the verification method
}

func (k tamperKey) signer() proof.Signer { return proof.NewSigner(k.priv, k.vm) }

// tamperWorld is what every base shares: keys, the did:web documents in a
// DID cache, the published status lists, the sample learner and records.
type tamperWorld struct {
	dids  *did.Cache
	lists *status.Cache // the issuer's list: index 42 clear, 7 set

	keyIssuer tamperKey // a did:key issuer (Ed25519)
	jstEd     tamperKey // did:web JST, key-1: Ed25519, assertionMethod
	jstP256   tamperKey // did:web JST, key-2: P-256, assertionMethod
	jstAuth   tamperKey // did:web JST, key-3: Ed25519, authentication only
	college   tamperKey // did:web Sierra Vista, key-1
	foreign   tamperKey // someone else's did:key (Ed25519)
	foreignEC tamperKey // someone else's did:key (P-256)
	holder    tamperKey // the learner's wallet key (did:key)

	jst, sierra transcript.Institution
	learner     transcript.Learner // with the holder's DID
	military    []transcript.CLRItem
	course      transcript.CLRItem // a college course with a letter grade
}

func newTamperWorld(t *testing.T) *tamperWorld {
	t.Helper()
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := set.Engine()
	if err != nil {
		t.Fatal(err)
	}
	w := &tamperWorld{dids: did.NewCache(), lists: status.NewCache()}
	w.keyIssuer = didKeyOf(t, newEd25519(t))
	w.foreign = didKeyOf(t, newEd25519(t))
	w.foreignEC = didKeyOf(t, newP256(t))
	w.holder = didKeyOf(t, newEd25519(t))
	w.jst, _ = set.Institution("jst")
	w.sierra, _ = set.Institution("sierra-vista")
	web := addWebDID(t, w.dids, w.jst.ID, []crypto.Signer{newEd25519(t), newP256(t), newEd25519(t)}, [][]string{{"assertionMethod"}, {"assertionMethod"}, {"authentication"}})
	w.jstEd, w.jstP256, w.jstAuth = web[0], web[1], web[2]
	w.college = addWebDID(t, w.dids, w.sierra.ID, []crypto.Signer{newEd25519(t)}, [][]string{{"assertionMethod"}})[0]

	l, _ := set.Learner("L-1001")
	l.DID = w.holder.did // the learner's wallet showed this key
	w.learner = l
	recs := set.RecordsOf(l.ID)
	maps := eng.MapLearner(recs, tamperAsOf)
	for i, r := range recs {
		item := transcript.CLRItem{Record: r, Mapping: maps[i]}
		switch {
		case r.Institution == "jst" && len(maps[i].Grants) > 0:
			w.military = append(w.military, item)
		case r.Institution == "sierra-vista":
			w.course = item
		}
	}
	if len(w.military) < 2 || w.course.Record.ID == "" {
		t.Fatalf("the sample learner lacks mapped military records or a college course: %d, %q", len(w.military), w.course.Record.ID)
	}
	w.lists.Add(tamperListURL, w.statusList(t, w.college, tamperRevoked), tamperIssued)
	return w
}

func newEd25519(t *testing.T) ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newP256(t *testing.T) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func didKeyOf(t *testing.T, k crypto.Signer) tamperKey {
	t.Helper()
	id, err := did.KeyDID(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	mk, _ := did.MultikeyEncode(k.Public())
	return tamperKey{priv: k, did: id, vm: id + "#" + mk}
}

// addWebDID puts a did:web document with the keys (key-1, key-2, ...)
// under the given relationships into the cache.
func addWebDID(t *testing.T, cache *did.Cache, id string, keys []crypto.Signer, rels [][]string) []tamperKey {
	t.Helper()
	doc := map[string]any{
		"@context": []any{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
		"id":       id,
	}
	var vms []any
	var out []tamperKey
	for i, k := range keys {
		mk, err := did.MultikeyEncode(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		vm := fmt.Sprintf("%s#key-%d", id, i+1)
		vms = append(vms, map[string]any{"id": vm, "type": "Multikey", "controller": id, "publicKeyMultibase": mk})
		for _, r := range rels[i] {
			list, _ := doc[r].([]any)
			doc[r] = append(list, vm)
		}
		out = append(out, tamperKey{priv: k, did: id, vm: vm})
	}
	doc["verificationMethod"] = vms
	if _, err := cache.Add(mustJSON(t, doc), tamperIssued); err != nil {
		t.Fatal(err)
	}
	return out
}

// statusList is a BitstringStatusListCredential signed by k with the given
// bits set.
func (w *tamperWorld) statusList(t *testing.T, k tamperKey, set ...uint64) []byte {
	t.Helper()
	bits := status.NewBitstring(status.MinBits)
	for _, i := range set {
		if err := status.Set(bits, i, true); err != nil {
			t.Fatal(err)
		}
	}
	subj, err := status.ListSubject(tamperListURL+"#list", status.PurposeRevocation, bits)
	if err != nil {
		t.Fatal(err)
	}
	return mustJSON(t, signLDP(t, map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "id": tamperListURL,
		"type": []any{"VerifiableCredential", "BitstringStatusListCredential"}, "issuer": k.did,
		"validFrom": "2026-01-01T00:00:00Z", "credentialSubject": subj}, k, proof.Options{}))
}

func (w *tamperWorld) options() verifier.Options {
	return verifier.Options{Now: tamperNow, DIDs: &did.Local{Cache: w.dids}, StatusLists: w.lists}
}

// achievement is the OB 3.0 credential of item issued by in (whose ID may
// be replaced by a did:key), as a JSON object ready to sign.
func (w *tamperWorld) achievement(t *testing.T, in transcript.Institution, item transcript.CLRItem, opt transcript.BuildOptions) map[string]any {
	t.Helper()
	if opt.ID == "" {
		opt.ID = "urn:uuid:5d0c1f4e-8b1a-4c53-9e55-" + fmt.Sprintf("%x", sha256.Sum256([]byte(item.Record.ID)))[:12]
	}
	if opt.Issued.IsZero() {
		opt.Issued = tamperIssued
	}
	// The builder issues as a did:web only: a did:key issuer takes the
	// institution's place afterwards.
	id := in.ID
	if strings.HasPrefix(id, "did:key:") {
		in.ID = w.jst.ID
	}
	c, err := transcript.BuildAchievement(in, w.learner, item.Record, item.Mapping, opt)
	if err != nil {
		t.Fatal(err)
	}
	raw := strings.ReplaceAll(string(mustJSON(t, c)), `"`+in.ID+`"`, `"`+id+`"`)
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func jsonObject(t *testing.T, v any) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(mustJSON(t, v), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// clone deep-copies a JSON object.
func clone(t *testing.T, m map[string]any) map[string]any { return jsonObject(t, m) }

func signLDP(t *testing.T, doc map[string]any, k tamperKey, opt proof.Options) map[string]any {
	t.Helper()
	if opt.Created.IsZero() {
		opt.Created = tamperIssued
	}
	signed, err := proof.Sign(context.Background(), doc, k.signer(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// tamperBase is one genuine credential or presentation the matrix starts
// from, with what a generator needs to make its variants.
type tamperBase struct {
	format string // the matrix row: how it is secured, by whom
	input  []byte
	opt    verifier.Options

	// JSON-LD: the signed document, and how to sign a changed one the same
	// way (with the same key, or another).
	doc    map[string]any
	resign func(t *testing.T, unsigned map[string]any, k tamperKey) map[string]any
	key    tamperKey
	// proofFails are the checks that fail when the outer proof does not
	// verify: the proof, and for a presentation asked for a challenge the
	// challenge too (the challenge is only as good as the proof carrying it).
	proofFails []string

	// JOSE: how to sign a changed header and payload with a key.
	signJWT func(t *testing.T, header, payload map[string]any, k tamperKey) string
	// SD-JWT: issue a payload with a key, and present it as the base was.
	issueSD func(t *testing.T, payload map[string]any, k tamperKey) string

	gens []tamperGen
}

// tamperVariant is one tampered (or harmlessly changed) input and what
// verifying it must say.
type tamperVariant struct {
	name  string // ok/... verifies; fail/... does not
	input []byte
	opt   func(*verifier.Options)
	// fail lists exactly the checks that must fail; nested, for a CLR or a
	// presentation, the checks that must fail in each nested report (the
	// others must verify).
	fail   []string
	nested map[int][]string
	// err: the input cannot be read at all (Verify's error).
	err error
}

// tamperGen makes a base's variants. Generators skip what does not apply
// (a presentation has no achievement to rename), so they can be combined
// freely over new bases.
type tamperGen func(t *testing.T, w *tamperWorld, b *tamperBase) []tamperVariant

func TestTamperMatrix(t *testing.T) {
	start := time.Now()
	w := newTamperWorld(t)
	bases := tamperBases(t, w)
	built := time.Since(start)
	ctx := context.Background()
	var rows [][3]string
	n := 0
	for _, b := range bases {
		t.Run(b.format, func(t *testing.T) {
			rep, err := verifier.Verify(ctx, b.input, b.opt)
			if err != nil || !rep.Verified {
				t.Fatalf("the genuine base does not verify: %v %+v %v", err, rep.Checks, nestedFailures(rep))
			}
			rows = append(rows, [3]string{b.format, "ok/genuine", "verified"})
			var vs []tamperVariant
			for _, g := range b.gens {
				vs = append(vs, g(t, w, b)...)
			}
			seen := map[string]bool{}
			for _, v := range vs {
				if seen[v.name] {
					t.Fatalf("two variants named %q", v.name)
				}
				seen[v.name] = true
				n++
				t.Run(v.name, func(t *testing.T) {
					got := checkVariant(t, ctx, b, v)
					rows = append(rows, [3]string{b.format, v.name, got})
				})
			}
		})
	}
	var sb strings.Builder
	tw := tabwriter.NewWriter(&sb, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nformat\tvariant\tfailing checks")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r[0], r[1], r[2])
	}
	tw.Flush()
	t.Logf("%d bases (built in %v), %d variants, %v in all:%s", len(bases), built.Round(time.Millisecond), n, time.Since(start).Round(time.Millisecond), sb.String())
}

// checkVariant verifies one variant against its expectation and returns
// the matrix cell: the failing checks (nested ones in brackets).
func checkVariant(t *testing.T, ctx context.Context, b *tamperBase, v tamperVariant) string {
	t.Helper()
	opt := b.opt
	if v.opt != nil {
		v.opt(&opt)
	}
	rep, err := verifier.Verify(ctx, v.input, opt)
	if v.err != nil {
		if !errors.Is(err, v.err) {
			t.Errorf("err = %v, want %v", err, v.err)
		}
		return "unreadable: " + firstLine(fmt.Sprint(err))
	}
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	ok := strings.HasPrefix(v.name, "ok/")
	if ok != (len(v.fail) == 0 && len(v.nested) == 0) {
		t.Fatalf("variant %q: an ok/ variant expects no failure, a fail/ one some", v.name)
	}
	if rep.Verified != ok {
		t.Errorf("Verified = %v, want %v", rep.Verified, ok)
	}
	if len(rep.Errors) > 0 {
		t.Errorf("errors besides the checks: %q", rep.Errors)
	}
	lying(t, rep)
	got := failing(rep)
	if diff := cmp.Diff(sorted(v.fail), got); diff != "" {
		t.Errorf("failing checks (-want +got):\n%s\nchecks: %s", diff, checksDetail(rep))
	}
	cell := strings.Join(got, ", ")
	for i, nr := range rep.Credentials {
		want := sorted(v.nested[i])
		lying(t, nr)
		ng := failing(nr)
		if diff := cmp.Diff(want, ng); diff != "" {
			t.Errorf("nested credential %d: failing checks (-want +got):\n%s\nchecks: %s", i, diff, checksDetail(nr))
		}
		if len(ng) > 0 {
			cell += fmt.Sprintf(" [%d: %s]", i, strings.Join(ng, ", "))
		}
	}
	for i := range v.nested {
		if i >= len(rep.Credentials) {
			t.Errorf("no nested report %d (of %d)", i, len(rep.Credentials))
		}
	}
	if cell == "" {
		cell = "verified"
	}
	return cell
}

// lying reports a check that says both that it passed and that it failed:
// a reader who looks for the first one would be told the wrong thing.
func lying(t *testing.T, r verifier.Report) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range r.Checks {
		if ok, dup := seen[c.Check]; dup && ok != c.OK {
			t.Errorf("check %s both passes and fails: %s", c.Check, checksDetail(r))
		}
		seen[c.Check] = c.OK
	}
}

// failing lists the checks that did not pass, sorted, each once.
func failing(r verifier.Report) []string {
	var out []string
	for _, c := range r.Checks {
		if !c.OK && !slices.Contains(out, c.Check) {
			out = append(out, c.Check)
		}
	}
	return sorted(out)
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func checksDetail(r verifier.Report) string {
	var parts []string
	for _, c := range r.Checks {
		mark := "✓"
		if !c.OK {
			mark = "✗"
		}
		parts = append(parts, fmt.Sprintf("\n  %s %s: %s", mark, c.Check, c.Detail))
	}
	return strings.Join(parts, "")
}

func nestedFailures(r verifier.Report) []string {
	var out []string
	for i, n := range r.Credentials {
		if !n.Verified {
			out = append(out, fmt.Sprintf("nested %d: %s", i, checksDetail(n)))
		}
	}
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}

// fails is a shorthand for the expected failing checks.
func fails(checks ...string) []string { return checks }

// --- the bases --------------------------------------------------------

func tamperBases(t *testing.T, w *tamperWorld) []*tamperBase {
	t.Helper()
	var bases []*tamperBase
	add := func(b *tamperBase) *tamperBase {
		if b.opt.Now.IsZero() {
			b.opt = w.options()
		}
		if b.proofFails == nil {
			b.proofFails = fails(verifier.CheckProof)
		}
		bases = append(bases, b)
		return b
	}
	keyIssuer := w.jst
	keyIssuer.ID = w.keyIssuer.did // the same institution, known by a did:key
	mil := w.military[1]

	// Data Integrity, every suite the signer has.
	ldp := func(format string, in transcript.Institution, item transcript.CLRItem, bo transcript.BuildOptions, k tamperKey, po proof.Options, extraContext string, gens ...tamperGen) *tamperBase {
		doc := w.achievement(t, in, item, bo)
		if extraContext != "" {
			doc["@context"] = append(doc["@context"].([]any), extraContext)
		}
		resign := func(t *testing.T, unsigned map[string]any, k tamperKey) map[string]any {
			return signLDP(t, unsigned, k, po)
		}
		signed := resign(t, doc, k)
		return add(&tamperBase{format: format, input: mustJSON(t, signed), doc: signed, resign: resign, key: k,
			gens: append([]tamperGen{ldpVariants}, gens...)})
	}
	ldp("ldp_vc eddsa-rdfc-2022 did:key", keyIssuer, mil, transcript.BuildOptions{}, w.keyIssuer, proof.Options{}, "")
	ldp("ldp_vc eddsa-rdfc-2022 did:web", w.jst, mil, transcript.BuildOptions{}, w.jstEd, proof.Options{}, "", didWebVariants)
	ldp("ldp_vc Ed25519Signature2020 did:web", w.jst, mil, transcript.BuildOptions{}, w.jstEd, proof.Options{Type: proof.Ed2020},
		"https://w3id.org/security/suites/ed25519-2020/v1")
	ldp("ldp_vc eddsa-jcs-2022 did:key", keyIssuer, mil, transcript.BuildOptions{}, w.keyIssuer, proof.Options{Cryptosuite: proof.EddsaJCS}, "")
	ldp("ldp_vc eddsa-rdfc-2022 did:web, grade, status", w.sierra, w.course, transcript.BuildOptions{Status: &transcript.Status{
		ID: fmt.Sprintf("%s#%d", tamperListURL, tamperIndex), Type: status.TypeBitstringEntry, StatusPurpose: status.PurposeRevocation,
		StatusListIndex: fmt.Sprint(tamperIndex), StatusListCredential: tamperListURL}}, w.college, proof.Options{}, "", statusVariants)

	// A proof chain: the issuer's proof, then a second one (another of
	// its keys would do as well) that chains to it.
	{
		doc := w.achievement(t, w.jst, mil, transcript.BuildOptions{})
		resign := func(t *testing.T, unsigned map[string]any, k tamperKey) map[string]any {
			first := signLDP(t, unsigned, k, proof.Options{ID: "urn:uuid:proof-1"})
			return signLDP(t, first, k, proof.Options{ID: "urn:uuid:proof-2", PreviousProof: []string{"urn:uuid:proof-1"}, Created: tamperIssued.Add(time.Minute)})
		}
		signed := resign(t, doc, w.jstEd)
		add(&tamperBase{format: "ldp_vc proof chain did:web", input: mustJSON(t, signed), doc: signed, resign: resign, key: w.jstEd,
			gens: []tamperGen{ldpVariants, chainVariants}})
	}

	// JOSE.
	jwt := func(format string, payload map[string]any, k tamperKey, f jose.Format) *tamperBase {
		tok, err := jose.Sign(payload, k.priv, k.vm, jose.SignOptions{Format: f})
		if err != nil {
			t.Fatal(err)
		}
		b := add(&tamperBase{format: format, input: []byte(tok), key: k, signJWT: signJWS, gens: []tamperGen{jwtVariants}})
		if f.Presentation() {
			b.gens = append(b.gens, vpJWTVariants)
		}
		return b
	}
	vcDoc := func(in transcript.Institution, bo transcript.BuildOptions) map[string]any {
		return w.achievement(t, in, mil, bo)
	}
	keyJWT := jwt("vc+jwt EdDSA did:key", vcDoc(keyIssuer, transcript.BuildOptions{}), w.keyIssuer, jose.FormatJOSEVC)
	jwt("vc+jwt ES256 did:web", vcDoc(w.jst, transcript.BuildOptions{}), w.jstP256, jose.FormatJOSEVC)
	claims, err := jose.ClaimsFromCredential(vcDoc(w.jst, transcript.BuildOptions{Envelope: transcript.VC11}))
	if err != nil {
		t.Fatal(err)
	}
	jwt("jwt_vc_json (VC 1.1) EdDSA did:web", claims, w.jstEd, jose.FormatJWTVC)

	// SD-JWT, bound to the holder's key and presented with a key binding
	// JWT for the verifier's nonce and audience.
	{
		issue := func(t *testing.T, payload map[string]any, k tamperKey) string {
			sd, err := jose.IssueSDJWT(payload, sdDisclosable, k.priv, k.vm, w.holder.priv.Public(), nil)
			if err != nil {
				t.Fatal(err)
			}
			return presentSD(t, sd, sdDisclosable, w.holder, tamperDomain, tamperChallenge)
		}
		b := add(&tamperBase{format: "vc+sd-jwt EdDSA did:web, key binding", key: w.jstEd, signJWT: signJWS, issueSD: issue,
			gens: []tamperGen{jwtVariants, sdjwtVariants}})
		b.opt.Challenge, b.opt.Domain = tamperChallenge, tamperDomain
		b.doc = vcDoc(w.jst, transcript.BuildOptions{})
		b.input = []byte(issue(t, b.doc, w.jstEd))
	}

	// Baked badges, Data Integrity inside.
	webCred := bases[1]
	png, err := baked.BakePNG(tamperPNG(t), webCred.input)
	if err != nil {
		t.Fatal(err)
	}
	add(&tamperBase{format: "png baked ldp_vc", input: png, doc: webCred.doc, gens: []tamperGen{bakedVariants}})
	svg, err := baked.BakeSVG([]byte(tamperSVG), webCred.input)
	if err != nil {
		t.Fatal(err)
	}
	add(&tamperBase{format: "svg baked ldp_vc", input: svg, doc: webCred.doc, gens: []tamperGen{bakedVariants}})

	// A CLR 2.0 transcript of the JST records, each credential signed.
	{
		var items []transcript.CLRItem
		for _, it := range w.military {
			it.Credential = mustJSON(t, signLDP(t, w.achievement(t, w.jst, it, transcript.BuildOptions{}), w.jstEd, proof.Options{}))
			items = append(items, it)
		}
		clr, err := transcript.BuildCLR(w.jst, w.learner, items, transcript.BuildOptions{ID: "urn:uuid:6a3f0c55-2d7e-4b8e-9c1a-0f2b3c4d5e6f", Issued: tamperIssued})
		if err != nil {
			t.Fatal(err)
		}
		doc := jsonObject(t, clr)
		resign := func(t *testing.T, unsigned map[string]any, k tamperKey) map[string]any {
			return signLDP(t, unsigned, k, proof.Options{})
		}
		signed := resign(t, doc, w.jstEd)
		add(&tamperBase{format: "ldp_vc CLR 2.0 did:web, nested", input: mustJSON(t, signed), doc: signed, resign: resign, key: w.jstEd,
			gens: []tamperGen{ldpVariants, clrVariants}})
	}

	// Presentations of a credential to an employer who asked for a
	// challenge and domain.
	{
		vp := map[string]any{
			"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
			"type":                 []any{"VerifiablePresentation"},
			"holder":               w.holder.did,
			"verifiableCredential": []any{webCred.doc},
		}
		resign := func(t *testing.T, unsigned map[string]any, k tamperKey) map[string]any {
			return signLDP(t, unsigned, k, proof.Options{Purpose: proof.Authentication, Challenge: tamperChallenge, Domain: tamperDomain})
		}
		signed := resign(t, vp, w.holder)
		b := add(&tamperBase{format: "ldp_vp eddsa-rdfc-2022 holder did:key", input: mustJSON(t, signed), doc: signed, resign: resign, key: w.holder,
			gens: []tamperGen{ldpVariants, ldpVPVariants}})
		b.opt.Challenge, b.opt.Domain = tamperChallenge, tamperDomain
		b.proofFails = fails(verifier.CheckProof, verifier.CheckChallenge)
	}
	{
		vp := map[string]any{
			"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
			"type":                 []any{"VerifiablePresentation"},
			"holder":               w.holder.did,
			"verifiableCredential": []any{envelopeJWT(string(keyJWT.input))},
			"aud":                  tamperDomain, "nonce": tamperChallenge, "iat": tamperIssued.Add(30 * time.Minute).Unix(),
		}
		b := jwt("vp+jwt EdDSA holder did:key", vp, w.holder, jose.FormatJOSEVP)
		b.opt.Challenge, b.opt.Domain = tamperChallenge, tamperDomain
	}
	return bases
}

// sdDisclosable are the claims of the SD-JWT base the holder may withhold.
var sdDisclosable = []string{"credentialSubject.creditsEarned", "credentialSubject.result", "evidence"}

func envelopeJWT(tok string) map[string]any {
	return map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": "EnvelopedVerifiableCredential",
		"id": "data:" + jose.MediaTypeVCJWT + "," + tok}
}

// signJWS signs a compact JWS as it is given: unlike jose.Sign it refuses
// nothing, so that validly signed but wrong tokens can be made.
func signJWS(t *testing.T, header, payload map[string]any, k tamperKey) string {
	t.Helper()
	input := b64JSON(t, header) + "." + b64JSON(t, payload)
	var sig []byte
	switch p := k.priv.(type) {
	case ed25519.PrivateKey:
		sig = ed25519.Sign(p, []byte(input))
	case *ecdsa.PrivateKey:
		h := sha256.Sum256([]byte(input))
		r, s, err := ecdsa.Sign(rand.Reader, p, h[:])
		if err != nil {
			t.Fatal(err)
		}
		sig = make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
	default:
		t.Fatalf("no JWS signing for %T", p)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func b64JSON(t *testing.T, v any) string { return base64.RawURLEncoding.EncodeToString(mustJSON(t, v)) }

// tamperPNG is a 2x2 PNG with a text chunk.
func tamperPNG(t *testing.T) []byte {
	t.Helper()
	p := pngWithoutBadge(t)
	return pngInsert(p, pngChunk("tEXt", []byte("Title\x00EMT badge")))
}

const tamperSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">
  <circle cx="60" cy="60" r="50" fill="#1f6feb"/>
  <text x="60" y="66" text-anchor="middle" fill="#ffffff">EMT</text>
</svg>
`
