// Package jose signs and verifies JOSE-secured credentials and presentations:
//
//   - VC-JWT of the VC Data Model 1.1 (§6.3.1): a JWT whose vc or vp claim is
//     the document, with iss, sub, jti, nbf and exp standing for its
//     properties (formats "vc-jwt", "vp-jwt");
//   - VC 2.0 secured with JOSE (W3C VC-JOSE-COSE): the JWS payload is the
//     document, typ vc+jwt or vp+jwt ("vc+jwt", "vp+jwt");
//   - SD-JWT (RFC 9901): VC 2.0 documents (typ vc+sd-jwt, vp+sd-jwt) and
//     IETF SD-JWT VCs (typ dc+sd-jwt), with disclosures and key binding.
//
// Verify returns a Result whose Findings are the checks a verifier reports
// (issuer-key, proof, validity, consistency, disclosures, key-binding,
// challenge); Sign, IssueSDJWT and PresentSDJWT make what Verify checks, so
// the issuer and the wallet sign exactly what the verifier accepts.
//
// Only EdDSA (Ed25519), ES256, ES384, RS256 and PS256 are accepted, and a
// key must fit its alg. "none", HMAC and every other algorithm, COSE
// messages, unknown critical headers and SD-JWT digests other than sha-256
// are reported as *UnsupportedError — never verified. Keys are looked up
// through the Keys interface (a DID resolver, a trust registry); the package
// fetches nothing (jku and x5u are never followed, x5c is not a trust
// anchor), and a key carried in a header (jwk) is used only if Keys accepts
// it. Limits on size, nesting and disclosures are in Options.
//
// It is not a DID resolver (verifier/did), a Data Integrity verifier
// (verifier/proof), nor a data-model checker: validFrom, validUntil,
// credentialStatus and the shape of the document are the verifier's to
// check on Result.Document. It verifies one token; the credentials inside a
// presentation are listed by Credentials for the caller to verify in turn.
package jose
