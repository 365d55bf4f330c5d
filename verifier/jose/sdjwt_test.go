package jose

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var sdPaths = []string{
	"credentialSubject.name",
	"credentialSubject.address",
	"credentialSubject.address.street",
	"credentialSubject.address.city",
	"credentialSubject.phoneNumbers[1]",
}

// issueSD issues credential20 with sdPaths disclosable, bound to holderEd.
// Salts come from a fixed reader, so the token is the same every run.
func issueSD(t testing.TB) string {
	t.Helper()
	tok, err := IssueSDJWT(credential20(), sdPaths, issuerEd, issuerDID+"#ed", holderEd.Public(), bytes.NewReader(bytes.Repeat([]byte{7, 1, 3}, 200)))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// disc encodes one disclosure and returns it with its digest.
func disc(t testing.TB, parts ...any) (enc, digest string) {
	t.Helper()
	b, err := marshal(parts)
	if err != nil {
		t.Fatal(err)
	}
	enc = encodeB64(b)
	return enc, sdDigest(enc)
}

// craftSD signs payload as a vc+sd-jwt (no checks) and appends disclosures.
func craftSD(t testing.TB, typ string, payload map[string]any, discs ...string) string {
	t.Helper()
	tok := rawToken(t, map[string]any{"alg": "EdDSA", "typ": typ, "kid": issuerDID + "#ed"}, payload, issuerEd)
	return tok + "~" + strings.Join(append(discs, ""), "~")
}

// kbJWT signs a key binding JWT over presentation (which ends with "~").
func kbJWT(t testing.TB, presentation string, signer ed25519.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	h := map[string]any{"alg": "EdDSA", "typ": "kb+jwt"}
	c := map[string]any{"iat": now.Unix() - 10, "aud": "https://employer.example", "nonce": "n-1", "sd_hash": sdDigest(presentation)}
	for k, v := range header {
		h[k] = v
	}
	for k, v := range claims {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return rawToken(t, h, c, signer)
}

func TestSDJWTIssuePresentVerify(t *testing.T) {
	issued := issueSD(t)
	if again := issueSD(t); again != issued {
		t.Error("issuing with the same salts is not deterministic")
	}
	// The holder lists what can be disclosed.
	all, err := Parse([]byte(issued), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, d := range all.Disclosed {
		paths = append(paths, d.Path)
	}
	slices.Sort(paths)
	want := slices.Clone(sdPaths)
	slices.Sort(want)
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("disclosure paths (-want +got):\n%s", diff)
	}
	full := credential20()
	if diff := cmp.Diff(full, all.Document); diff != "" {
		t.Errorf("fully disclosed document (-want +got):\n%s", diff)
	}

	// The holder discloses only the street (and so the address it sits in).
	pres, err := PresentSDJWT(issued, []string{"credentialSubject.address.street"}, holderEd, "https://employer.example", "n-1", now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Verify(context.Background(), []byte(pres), testRing(t), Options{Now: now, RequireKeyBinding: true, Audience: "https://employer.example", Nonce: "n-1"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.KeyBound || r.Format != FormatSDJWTVC {
		t.Errorf("KeyBound %v format %s", r.KeyBound, r.Format)
	}
	cs := r.Document["credentialSubject"].(map[string]any)
	wantCS := map[string]any{
		"id":           holderDID,
		"type":         "AchievementSubject",
		"address":      map[string]any{"street": "1 College Way", "country": "US"},
		"phoneNumbers": []any{"+1-555-0100"},
		"achievement":  map[string]any{"id": "https://example.edu/achievements/math-101", "type": "Achievement", "name": "MATH 101"},
	}
	if diff := cmp.Diff(wantCS, cs); diff != "" {
		t.Errorf("disclosed credentialSubject (-want +got):\n%s", diff)
	}
	for _, k := range []string{"_sd", "_sd_alg", "cnf"} {
		if _, ok := r.Document[k]; ok {
			t.Errorf("Document keeps %s", k)
		}
	}
	if !sameKey(r.HolderKey, holderEd.Public()) {
		t.Error("HolderKey is not the cnf key")
	}
	gotPaths := []string{}
	for _, d := range r.Disclosed {
		gotPaths = append(gotPaths, d.Path)
	}
	slices.Sort(gotPaths)
	if diff := cmp.Diff([]string{"credentialSubject.address", "credentialSubject.address.street"}, gotPaths); diff != "" {
		t.Errorf("presented disclosures (-want +got):\n%s", diff)
	}

	// Disclosing the address discloses what is nested in it.
	pres2, err := PresentSDJWT(issued, []string{"credentialSubject.address", "credentialSubject.phoneNumbers[1]"}, nil, "", "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Verify(context.Background(), []byte(pres2), testRing(t), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(r2.Disclosed) != 4 || r2.KeyBound {
		t.Errorf("%d disclosures, KeyBound %v", len(r2.Disclosed), r2.KeyBound)
	}
	if got := r2.Document["credentialSubject"].(map[string]any)["phoneNumbers"]; !cmp.Equal(got, []any{"+1-555-0100", "+1-555-0101"}) {
		t.Errorf("phoneNumbers %v", got)
	}
}

func TestPresentSDJWTErrors(t *testing.T) {
	issued := issueSD(t)
	tests := []struct {
		name    string
		paths   []string
		holder  ed25519.PrivateKey
		aud, nc string
	}{
		{"fail/no-such-claim", []string{"credentialSubject.shoeSize"}, nil, "", ""},
		{"fail/bad-path", []string{"credentialSubject..name"}, nil, "", ""},
		{"fail/not-the-cnf-key", nil, otherEd, "a", "n"},
		{"fail/no-nonce", nil, holderEd, "a", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h any
			if tc.holder != nil {
				h = tc.holder
			}
			var err error
			if h != nil {
				_, err = PresentSDJWT(issued, tc.paths, tc.holder, tc.aud, tc.nc, now)
			} else {
				_, err = PresentSDJWT(issued, tc.paths, nil, tc.aud, tc.nc, now)
			}
			if err == nil {
				t.Error("no error")
			}
		})
	}
	// An always-visible claim may be named; it adds nothing.
	p, err := PresentSDJWT(issued, []string{"credentialSubject.id"}, nil, "", "", time.Time{})
	if err != nil || strings.Count(p, "~") != 1 {
		t.Errorf("PresentSDJWT(visible claim) = %q, %v", p, err)
	}
}

func TestSDJWTVerify(t *testing.T) {
	ring := testRing(t)
	issued := issueSD(t)
	parts := strings.Split(strings.TrimSuffix(issued, "~"), "~")
	jwt, discs := parts[0], parts[1:]
	join := func(ds ...string) string { return jwt + "~" + strings.Join(append(ds, ""), "~") }
	present := func(paths ...string) string {
		p, err := PresentSDJWT(issued, paths, holderEd, "https://employer.example", "n-1", now)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	streetOnly := present("credentialSubject.address.street")
	withoutKB := streetOnly[:strings.LastIndexByte(streetOnly, '~')+1]

	extra, _ := disc(t, "c2FsdA", "shoeSize", 42)
	nameEnc, nameDg := disc(t, "c2FsdA", "name", "Ada")
	elemEnc, elemDg := disc(t, "c2FsdA", "an element")
	expEnc, expDg := disc(t, "c2FsdA", "exp", 1)
	base := func(sd ...any) map[string]any {
		m := credential20()
		cs := m["credentialSubject"].(map[string]any)
		delete(cs, "name")
		cs["_sd"] = sd
		return m
	}
	tamperedDiscs := slices.Clone(discs)
	for i, d := range tamperedDiscs {
		b, _ := decodeB64(d)
		if bytes.Contains(b, []byte("Ada Learner")) {
			tamperedDiscs[i] = encodeB64(bytes.Replace(b, []byte("Ada Learner"), []byte("Eve Learner"), 1))
		}
	}

	tests := []struct {
		name    string
		token   string
		opts    Options
		wantErr error
		unsupp  bool
		msg     string
	}{
		{name: "ok/all-disclosures-no-kb", token: issued},
		{name: "ok/no-disclosures", token: jwt + "~"},
		{name: "ok/kb-required", token: streetOnly, opts: Options{RequireKeyBinding: true, Audience: "https://employer.example", Nonce: "n-1"}},
		{name: "ok/decoy-digests", token: craftSD(t, "vc+sd-jwt", base(nameDg, sdDigest("decoy-1"), sdDigest("decoy-2")), nameEnc)},
		{name: "ok/dc+sd-jwt-typ", token: craftSD(t, "dc+sd-jwt", map[string]any{"vct": "https://example.edu/transcript", "iss": issuerDID, "_sd": []any{nameDg}}, nameEnc)},

		{name: "ok/unusable-cnf-not-required", token: craftSD(t, "vc+sd-jwt", with(credential20(), "cnf", map[string]any{"jwk": map[string]any{"kty": "OKP", "crv": "X25519", "x": "G80iskrv_nE69qbGLSpeOHJgmV4MKIzsy5l5iT6pCww"}}))},
		{name: "fail/unusable-cnf-required", token: craftSD(t, "vc+sd-jwt", with(credential20(), "cnf", map[string]any{"jwk": map[string]any{"kty": "OKP", "crv": "X25519", "x": "G80iskrv_nE69qbGLSpeOHJgmV4MKIzsy5l5iT6pCww"}})), opts: Options{RequireKeyBinding: true}, wantErr: ErrKeyBinding},
		{name: "fail/unreferenced-disclosure", token: join(append(slices.Clone(discs), extra)...), wantErr: ErrDisclosure, msg: "not referenced"},
		{name: "fail/duplicate-disclosure", token: join(append(slices.Clone(discs), discs[0])...), wantErr: ErrDisclosure, msg: "repeats"},
		{name: "fail/duplicate-digest", token: craftSD(t, "vc+sd-jwt", base(nameDg, nameDg), nameEnc), wantErr: ErrDisclosure, msg: "more than once"},
		{name: "fail/digest-in-two-places", token: craftSD(t, "vc+sd-jwt", with(base(nameDg), "_sd", []any{nameDg}), nameEnc), wantErr: ErrDisclosure, msg: "more than once"},
		{name: "fail/tampered-disclosure", token: join(tamperedDiscs...), wantErr: ErrDisclosure, msg: "not referenced"},
		{name: "fail/tampered-payload", token: swapPart(jwt, 1, strings.Split(craftSD(t, "vc+sd-jwt", credential20()), ".")[1]) + "~", wantErr: ErrSignature},
		{name: "fail/claim-collision", token: craftSD(t, "vc+sd-jwt", func() map[string]any {
			m := base(nameDg)
			m["credentialSubject"].(map[string]any)["name"] = "Mallory"
			return m
		}(), nameEnc), wantErr: ErrDisclosure, msg: "already exists"},
		{name: "fail/array-element-in-_sd", token: craftSD(t, "vc+sd-jwt", base(elemDg), elemEnc), wantErr: ErrDisclosure},
		{name: "fail/claim-in-array", token: craftSD(t, "vc+sd-jwt", with(base(), "extra", []any{map[string]any{"...": nameDg}}), nameEnc), wantErr: ErrDisclosure},
		{name: "fail/exp-disclosed", token: craftSD(t, "vc+sd-jwt", with(credential20(), "_sd", []any{expDg}), expEnc), wantErr: ErrDisclosure, msg: "must not be selectively disclosed"},
		{name: "fail/reserved-name", token: craftSD(t, "vc+sd-jwt", base(), func() string { e, _ := disc(t, "s", "_sd", "x"); return e }()), wantErr: ErrDisclosure},
		{name: "fail/disclosure-not-array", token: craftSD(t, "vc+sd-jwt", base(), encodeB64([]byte(`{"a":1}`))), wantErr: ErrDisclosure},
		{name: "fail/disclosure-4-elements", token: craftSD(t, "vc+sd-jwt", base(), func() string { e, _ := disc(t, "s", "a", 1, 2); return e }()), wantErr: ErrDisclosure},
		{name: "fail/sd-alg-sha-512", token: craftSD(t, "vc+sd-jwt", with(base(nameDg), "_sd_alg", "sha-512"), nameEnc), unsupp: true, msg: "sha-512"},
		{name: "fail/_sd-not-array", token: craftSD(t, "vc+sd-jwt", with(credential20(), "_sd", "x")), wantErr: ErrDisclosure},
		{name: "fail/dc+sd-jwt-without-vct", token: craftSD(t, "dc+sd-jwt", map[string]any{"iss": issuerDID}), wantErr: ErrInconsistent},
		{name: "fail/vc-claim-in-sd-jwt", token: craftSD(t, "vc+sd-jwt", with(credential20(), "vc", map[string]any{})), wantErr: ErrInconsistent},
		{name: "fail/plain-jwt-typ", token: craftSD(t, "JWT", credential20()), wantErr: ErrMediaType},
		{name: "fail/empty-disclosure", token: jwt + "~~", wantErr: ErrMalformed},

		{name: "fail/kb-missing-required", token: withoutKB, opts: Options{RequireKeyBinding: true}, wantErr: ErrKeyBinding},
		{name: "fail/kb-missing-nonce-asked", token: withoutKB, opts: Options{Nonce: "n-1"}, wantErr: ErrKeyBinding},
		{name: "fail/kb-wrong-sd_hash", token: withoutKB + kbJWT(t, issued, holderEd, nil, nil), wantErr: ErrKeyBinding, msg: "sd_hash"},
		{name: "fail/kb-disclosure-dropped", token: func() string {
			p := present("credentialSubject.name", "credentialSubject.address.city")
			ps := strings.Split(p, "~")
			return strings.Join(append(ps[:1], ps[2:]...), "~") // drop the first disclosure, keep the KB-JWT
		}(), wantErr: ErrKeyBinding, msg: "sd_hash"},
		{name: "fail/kb-wrong-aud", token: streetOnly, opts: Options{Audience: "https://evil.example"}, wantErr: ErrChallenge},
		{name: "fail/kb-wrong-nonce", token: streetOnly, opts: Options{Nonce: "n-2"}, wantErr: ErrChallenge},
		{name: "fail/kb-other-key", token: withoutKB + kbJWT(t, withoutKB, otherEd, nil, nil), wantErr: ErrKeyBinding, msg: "not signed by the cnf key"},
		{name: "fail/kb-typ", token: withoutKB + kbJWT(t, withoutKB, holderEd, map[string]any{"typ": "JWT"}, nil), wantErr: ErrKeyBinding, msg: "kb+jwt"},
		{name: "fail/kb-future", token: withoutKB + kbJWT(t, withoutKB, holderEd, nil, map[string]any{"iat": now.Unix() + 3600}), wantErr: ErrKeyBinding, msg: "future"},
		{name: "fail/kb-too-old", token: withoutKB + kbJWT(t, withoutKB, holderEd, nil, map[string]any{"iat": now.Unix() - 3600}), opts: Options{KeyBindingMaxAge: 5 * time.Minute}, wantErr: ErrKeyBinding, msg: "older"},
		{name: "fail/kb-no-nonce", token: withoutKB + kbJWT(t, withoutKB, holderEd, nil, map[string]any{"nonce": nil}), wantErr: ErrKeyBinding},
		{name: "fail/kb-alg-none", token: withoutKB + unsignedToken(t, map[string]any{"alg": "none", "typ": "kb+jwt"}, map[string]any{"iat": now.Unix()}, ""), unsupp: true},
		{name: "fail/kb-without-cnf", token: func() string {
			p := craftSD(t, "vc+sd-jwt", credential20())
			return p + kbJWT(t, p, holderEd, nil, nil)
		}(), wantErr: ErrKeyBinding, msg: "cnf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Now = now
			r, err := Verify(context.Background(), []byte(tc.token), ring, opts)
			var ue *UnsupportedError
			switch {
			case tc.unsupp:
				if !errors.As(err, &ue) {
					t.Fatalf("err = %v, want *UnsupportedError", err)
				}
			case tc.wantErr == nil:
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if !r.Format.SelectiveDisclosure() {
					t.Errorf("format %s", r.Format)
				}
			default:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			}
			if tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg)) {
				t.Errorf("err = %v, want it to contain %q", err, tc.msg)
			}
		})
	}
}

func TestIssueSDJWTErrors(t *testing.T) {
	tests := []struct {
		name    string
		payload map[string]any
		paths   []string
	}{
		{"fail/no-context-or-vct", map[string]any{"a": 1}, nil},
		{"fail/no-such-claim", credential20(), []string{"credentialSubject.shoeSize"}},
		{"fail/index-out-of-range", credential20(), []string{"credentialSubject.phoneNumbers[9]"}},
		{"fail/index-on-object", credential20(), []string{"credentialSubject[0]"}},
		{"fail/key-on-string", credential20(), []string{"credentialSubject.name.first"}},
		{"fail/issuer-claim", with(credential20(), "iss", issuerDID), []string{"iss"}},
		{"fail/existing-_sd", with(credential20(), "_sd", []any{}), nil},
		{"fail/vc-claim", with(credential20(), "vc", map[string]any{}), nil},
		{"fail/bad-path", credential20(), []string{"a[x]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := IssueSDJWT(tc.payload, tc.paths, issuerEd, "", nil, nil); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestParsePath(t *testing.T) {
	for _, p := range []string{"a", "a.b", "a[0]", "a[0].b", "a.b[1][2].c", "verifiableCredential[0]"} {
		segs, err := parsePath(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if got := formatPath(segs); got != p {
			t.Errorf("%s round-trips to %s", p, got)
		}
	}
	for _, p := range []string{"", ".", "a.", ".a", "a..b", "[0]", "a[", "a[-1]", "a[x]", "a[0]b", "a.[0]"} {
		if _, err := parsePath(p); err == nil {
			t.Errorf("%q: no error", p)
		}
	}
}

// TestIssueDCSDJWT: an IETF SD-JWT VC (dc+sd-jwt) round-trips.
func TestIssueDCSDJWT(t *testing.T) {
	payload := map[string]any{
		"vct": "https://credentials.example/transcript", "iss": issuerDID, "iat": float64(issuedAt.Unix()),
		"exp": float64(now.Add(24 * time.Hour).Unix()), "sub": holderDID,
		"given_name": "Ada", "family_name": "Learner",
		"courses": []any{"MATH 101", "ENGL 1A", "CS 50"},
	}
	issued, err := IssueSDJWT(payload, []string{"given_name", "family_name", "courses[0]", "courses[2]"}, issuerEd, issuerDID+"#ed", holderEd.Public(), nil)
	if err != nil {
		t.Fatal(err)
	}
	pres, err := PresentSDJWT(issued, []string{"family_name", "courses[2]"}, holderEd, "https://employer.example", "n-7", now)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Verify(context.Background(), []byte(pres), testRing(t), Options{Now: now, Audience: "https://employer.example", Nonce: "n-7"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"vct": "https://credentials.example/transcript", "iss": issuerDID, "iat": float64(issuedAt.Unix()),
		"exp": float64(now.Add(24 * time.Hour).Unix()), "sub": holderDID,
		"family_name": "Learner", "courses": []any{"ENGL 1A", "CS 50"},
	}
	if r.Format != FormatDCSDJWT || !r.KeyBound || r.Issuer != issuerDID || r.Subject != holderDID {
		t.Errorf("format %s bound %v issuer %s subject %s", r.Format, r.KeyBound, r.Issuer, r.Subject)
	}
	if diff := cmp.Diff(want, r.Document); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}
	if _, err := IssueSDJWT(payload, []string{"exp"}, issuerEd, "", nil, nil); err == nil {
		t.Error("exp made selectively disclosable")
	}
}
