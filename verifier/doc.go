// Package verifier checks verifiable credentials and presentations offline:
// proofs, the issuer's key, validity dates, revocation status, the data model
// of OB 3.0 and CLR 2.0, trust in the issuer, the holder's binding, and which
// of a job's required skills the credentials prove. Findings are data
// (checks with a name, a result and a detail), not strings to parse.
//
// It never fetches what a credential names except through the explicit,
// cached resolvers it is given, and it holds no state between calls.
package verifier
