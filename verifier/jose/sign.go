package jose

import (
	"crypto"
	"encoding/json"
	"fmt"
	"io"
)

// SignOptions for Sign.
type SignOptions struct {
	// Format is FormatJWTVC or FormatJWTVP (payload is JWT claims with a vc
	// or vp claim; see ClaimsFromCredential), or FormatJOSEVC or FormatJOSEVP
	// (payload is the VC 2.0 document). Empty: chosen from the payload.
	Format Format
	// PSS makes an RSA signer sign PS256 instead of RS256.
	PSS bool
	// Rand is the randomness for ECDSA and RSA-PSS (nil: crypto/rand).
	Rand io.Reader
}

// Sign secures payload as a compact JWS: typ JWT for a VCDM 1.1 vc-jwt /
// vp-jwt, typ vc+jwt / vp+jwt (with cty vc / vp) for VC 2.0. The algorithm
// follows the signer's key: Ed25519 → EdDSA, ECDSA P-256 → ES256, P-384 →
// ES384, RSA (2048 bits or more) → RS256, or PS256 with SignOptions.PSS.
// kid goes into the header unless empty; it is what a verifier's Keys will
// be asked for, normally a DID URL.
//
// Sign refuses a payload that Verify would find inconsistent (a vc claim in
// a vc+jwt, iss that contradicts issuer, ...) and checks the signature it
// made, so that what Satchel signs is what it verifies.
func Sign(payload map[string]any, signer crypto.Signer, kid string, opts SignOptions) (string, error) {
	f := opts.Format
	if f == "" {
		switch {
		case payload["vc"] != nil:
			f = FormatJWTVC
		case payload["vp"] != nil:
			f = FormatJWTVP
		case hasType(payload, "VerifiablePresentation"):
			f = FormatJOSEVP
		default:
			f = FormatJOSEVC
		}
	}
	header := map[string]any{}
	switch f {
	case FormatJWTVC, FormatJWTVP:
		header["typ"] = "JWT"
	case FormatJOSEVC:
		header["typ"], header["cty"] = "vc+jwt", "vc"
	case FormatJOSEVP:
		header["typ"], header["cty"] = "vp+jwt", "vp"
	default:
		return "", fmt.Errorf("sign: format %s is not signed by Sign (SD-JWT: IssueSDJWT)", short(string(f)))
	}
	if kid != "" {
		header["kid"] = kid
	}
	if err := checkSignable(payload, f); err != nil {
		return "", fmt.Errorf("sign %s: %w", f, err)
	}
	alg, err := algFor(signer.Public(), opts.PSS)
	if err != nil {
		return "", fmt.Errorf("sign %s: %w", f, err)
	}
	header["alg"] = alg
	tok, err := signJWS(header, payload, signer, alg, opts.Rand)
	if err != nil {
		return "", fmt.Errorf("sign %s: %w", f, err)
	}
	return tok, nil
}

// checkSignable applies Verify's structural and consistency rules to a
// payload about to be signed, on its JSON form (so that Go integers and
// times compare as they will decode).
func checkSignable(payload map[string]any, f Format) error {
	claims, err := roundTrip(payload)
	if err != nil {
		return err
	}
	r := &Result{Format: f, Claims: claims}
	if _, err := r.timeClaim("iat"); err != nil {
		return err
	}
	if r.NotBefore, err = r.timeClaim("nbf"); err != nil {
		return err
	}
	if r.Expiry, err = r.timeClaim("exp"); err != nil {
		return err
	}
	var problems []error
	switch f {
	case FormatJWTVC, FormatJWTVP:
		if _, problems, err = decode11(r); err != nil {
			return err
		}
	default:
		if claims["@context"] == nil {
			return fmt.Errorf("a %s payload is a VC 2.0 document and needs @context", f)
		}
		problems = consistency20(claims, claims, f)
	}
	if len(problems) > 0 {
		return problems[0]
	}
	return nil
}

// roundTrip returns v as it will decode from JSON.
func roundTrip(v map[string]any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// signJWS encodes and signs a compact JWS, then verifies what it made: a
// faulty signer (a keystore returning garbage, a key that is not the one
// announced) fails here rather than at every verifier.
func signJWS(header, payload map[string]any, signer crypto.Signer, alg string, rnd io.Reader) (string, error) {
	hb, err := marshal(header)
	if err != nil {
		return "", err
	}
	pb, err := marshal(payload)
	if err != nil {
		return "", err
	}
	input := encodeB64(hb) + "." + encodeB64(pb)
	sig, err := signBytes(signer, alg, []byte(input), rnd)
	if err != nil {
		return "", err
	}
	if err := verifySignature(alg, signer.Public(), []byte(input), sig); err != nil {
		return "", fmt.Errorf("the signer's signature does not verify with its public key: %w", err)
	}
	return input + "." + encodeB64(sig), nil
}
