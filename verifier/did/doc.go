// Package did turns DIDs and DID URLs into public keys for proof
// verification, offline, and makes did:key identifiers for the keys Satchel
// holds (the learner's holder key, an issuer's signing key).
//
// did:key and did:jwk are computed from the identifier itself. Every other
// document — an institution's did:web, a preloaded did:example, an https
// controller document named by an older Ed25519Signature2020 proof — comes
// from a Cache of documents that were preloaded or fetched earlier. Only a
// caller that opts in with a WebFetcher lets a did:web miss go to the
// network, over HTTPS with a timeout, a size limit and no redirects to
// other hosts.
//
// ResolveMethod is what a proof verifier calls: it returns the verification
// method a DID URL names after checking that the document authorises it for
// the relationship (assertionMethod for credentials, authentication for
// presentations) and that the document's DID controls it. Callers branch on
// ErrNotFound, ErrUnsupportedMethod, ErrUnsupportedKey, ErrNotAuthorized and
// ErrInvalid, and check a key's Go type (ed25519.PublicKey, *ecdsa.PublicKey,
// *rsa.PublicKey), not the method's Type string: a did:key names the same key
// as a Multikey whether the proof calls it Ed25519VerificationKey2020 or not.
//
// It is not a general DID resolver: no JSON-LD processing (@context is read
// as plain JSON and never fetched), no did:ion, did:ethr or other ledger
// methods unless their documents are preloaded, no DID URL paths, queries or
// services, no key agreement keys, and no decision about whom to trust —
// that is the trust registry's job.
package did
