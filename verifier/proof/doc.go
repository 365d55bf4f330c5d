// Package proof creates and checks Data Integrity proofs on JSON-LD
// credentials and presentations: eddsa-rdfc-2022 (RDF canonicalisation and
// Ed25519, what Open Badges 3.0 uses), eddsa-jcs-2022, and the older
// Ed25519Signature2020 and Ed25519Signature2018 suites, with proof sets and
// proof chains.
//
// The issuer signs with Sign and every verifier checks with Verify, so what
// Satchel signs is exactly what it verifies. Keys come in through interfaces
// (Signer to sign, Keys to look public keys up), so a phone keystore or an
// HSM can hold the private key. JOSE-secured credentials are verifier/jose's;
// resolving DIDs is verifier/did's.
package proof
