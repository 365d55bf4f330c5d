package jose

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Verify parses token (a compact JWS or an SD-JWT, surrounding whitespace
// ignored) and checks it:
//
//   - issuer-key: Keys finds the key for kid, iss and the format's
//     relationship, a header jwk agrees with it, and it fits alg;
//   - proof: the JWS signature verifies with that key;
//   - validity: nbf, exp and iat against Options.Now with Options.Skew;
//   - consistency: the JWT claims agree with the document (VCDM 1.1 claim
//     rules; for VC 2.0 payloads no vc/vp claim, iss = issuer, secured
//     credentials in presentations);
//   - disclosures (SD-JWT): each disclosure matched exactly one digest;
//   - key-binding (SD-JWT, when presented or required): the key binding JWT
//     is signed by cnf.jwk over this presentation, for Options' aud/nonce;
//   - challenge (vp-jwt, vp+jwt, when Options asks): aud and nonce.
//
// It returns an error without a Result when the token cannot be parsed (see
// Parse); an *UnsupportedError for what it recognises but does not verify
// (COSE, other algorithms). When a check fails it returns the Result — its
// Findings say which passed and which did not — together with a
// *VerifyError; the Result's Document must then not be trusted.
func Verify(ctx context.Context, token []byte, keys Keys, opts Options) (*Result, error) {
	o := opts.withDefaults()
	r, err := parse(token, o)
	if err != nil {
		return nil, err
	}
	r.verify(ctx, keys, o)
	var failed []Finding
	for _, f := range r.Findings {
		if !f.OK {
			failed = append(failed, f)
		}
	}
	if len(failed) > 0 {
		return r, &VerifyError{Failed: failed}
	}
	return r, nil
}

func (r *Result) add(f Finding) { r.Findings = append(r.Findings, f) }

func (r *Result) failed(check string, err error) {
	r.add(Finding{Check: check, Detail: err.Error(), Err: err})
}

func (r *Result) verify(ctx context.Context, keys Keys, o Options) {
	if pub, desc, err := r.resolveKey(ctx, keys); err != nil {
		r.failed(CheckIssuerKey, err)
		r.add(Finding{Check: CheckProof, Detail: "not checked: no usable key"})
	} else {
		r.add(Finding{Check: CheckIssuerKey, OK: true, Detail: desc})
		if err := verifySignature(r.Alg, pub, []byte(r.signingInput), r.signature); err != nil {
			r.failed(CheckProof, err)
		} else {
			r.add(Finding{Check: CheckProof, OK: true, Detail: fmt.Sprintf("%s signature of the %s verifies", r.Alg, r.Format)})
		}
	}

	r.add(r.checkValidity(o))

	if len(r.inconsistent) > 0 {
		msgs := make([]string, len(r.inconsistent))
		for i, e := range r.inconsistent {
			msgs[i] = e.Error()
		}
		r.add(Finding{Check: CheckConsistency, Detail: strings.Join(msgs, "; "), Err: errors.Join(r.inconsistent...)})
	} else {
		r.add(Finding{Check: CheckConsistency, OK: true, Detail: "claims agree with the document"})
	}

	if r.Format.SelectiveDisclosure() {
		r.add(Finding{Check: CheckDisclosures, OK: true, Detail: fmt.Sprintf("%d disclosure(s) presented, each matching one digest", len(r.Disclosed))})
		if f, ok := r.checkKeyBinding(o); ok {
			r.add(f)
		}
	}

	if (r.Format == FormatJWTVP || r.Format == FormatJOSEVP) && (o.Audience != "" || o.Nonce != "") {
		r.add(r.checkChallenge(o))
	}
}

// resolveKey asks keys for the signing key and checks it fits the header.
func (r *Result) resolveKey(ctx context.Context, keys Keys) (crypto.PublicKey, string, error) {
	if keys == nil {
		return nil, "", fail(ErrKey, "no key resolver")
	}
	rel := r.Format.Relationship()
	who := r.Issuer
	if who == "" {
		who = "an unnamed signer"
	}
	var (
		pub  crypto.PublicKey
		err  error
		name = r.KeyID
	)
	if r.headerKey != nil && r.KeyID == "" {
		tp, terr := Thumbprint(r.headerKey)
		if terr != nil {
			return nil, "", terr
		}
		name = ThumbprintURIPrefix + tp
		if hk, ok := keys.(HeaderKeys); ok {
			pub, err = hk.HeaderKey(ctx, r.headerKey, name, r.Issuer, rel)
		} else {
			pub, err = keys.Key(ctx, name, r.Issuer, rel)
		}
	} else {
		pub, err = keys.Key(ctx, r.KeyID, r.Issuer, rel)
	}
	if name == "" {
		name = "(no kid)"
	}
	if err != nil {
		return nil, "", failWith(ErrKey, err, "key %s for %s", short(name), short(who))
	}
	if pub == nil {
		return nil, "", fail(ErrKey, "no key %s for %s", short(name), short(who))
	}
	if r.headerKey != nil && !sameKey(r.headerKey, pub) {
		return nil, "", fail(ErrKey, "header jwk is not the key %s names for %s", short(name), short(who))
	}
	if err := keyFits(r.Alg, pub); err != nil {
		return nil, "", err
	}
	return pub, fmt.Sprintf("%s key %s of %s (%s)", keyType(pub), short(name), short(who), rel), nil
}

func (r *Result) checkValidity(o Options) Finding {
	now := o.Now
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	bad := func(err error) Finding { return Finding{Check: CheckValidity, Detail: err.Error(), Err: err} }
	if !r.Expiry.IsZero() && !now.Before(r.Expiry.Add(o.Skew)) {
		return bad(fail(ErrExpired, "expired at %s", stamp(r.Expiry)))
	}
	if !r.NotBefore.IsZero() && now.Before(r.NotBefore.Add(-o.Skew)) {
		return bad(fail(ErrNotYetValid, "not valid before %s", stamp(r.NotBefore)))
	}
	if !r.IssuedAt.IsZero() && now.Before(r.IssuedAt.Add(-o.Skew)) {
		return bad(fail(ErrNotYetValid, "issued in the future, at %s", stamp(r.IssuedAt)))
	}
	var parts []string
	if !r.NotBefore.IsZero() {
		parts = append(parts, "not before "+stamp(r.NotBefore))
	}
	if !r.Expiry.IsZero() {
		parts = append(parts, "expires "+stamp(r.Expiry))
	} else {
		parts = append(parts, "no exp")
	}
	detail := fmt.Sprintf("valid at %s (%s)", stamp(now), strings.Join(parts, ", "))
	return Finding{Check: CheckValidity, OK: true, Detail: detail}
}

func (r *Result) checkChallenge(o Options) Finding {
	bad := func(format string, args ...any) Finding {
		err := fail(ErrChallenge, format, args...)
		return Finding{Check: CheckChallenge, Detail: err.Error(), Err: err}
	}
	if o.Audience != "" && !slices.Contains(r.Audience, o.Audience) {
		if len(r.Audience) == 0 {
			return bad("presentation has no aud; want %s", short(o.Audience))
		}
		return bad("presentation aud %s is not %s", short(strings.Join(r.Audience, " ")), short(o.Audience))
	}
	if o.Nonce != "" && r.Nonce != o.Nonce {
		if r.Nonce == "" {
			return bad("presentation has no nonce; want %s", short(o.Nonce))
		}
		return bad("presentation nonce %s is not %s", short(r.Nonce), short(o.Nonce))
	}
	return Finding{Check: CheckChallenge, OK: true, Detail: "aud and nonce are the ones asked for"}
}
