// Package schemas holds every JSON-LD context Satchel understands and the
// machinery to use them offline.
//
// It is for three things:
//
//   - the contexts themselves, embedded in the binary and taken byte for byte
//     from pinned, published npm packages (contexts/index.json says which
//     package, version and file each one came from, with its sha256;
//     contexts/SOURCES.md says it for people; contexts/fetch.sh re-checks it);
//   - an offline json-gold document loader ([Loader]) that answers only from
//     those contexts, plus any a caller adds from a directory with
//     [Loader.With]; an unknown URL is the error [ErrUnknownContext], never a
//     download;
//   - canonicalisation helpers ([Expand], [Canonicalize]) that run JSON-LD 1.1
//     expansion in safe mode — a term or type that does not expand to an
//     absolute IRI is the error [ErrUndefinedTerm], not silently dropped — and
//     RDF Dataset Canonicalization (RDFC-1.0 / URDNA2015) to N-Quads, the input
//     to Data Integrity proofs. All three are done here and give json-gold's
//     output byte for byte: expansion is json-gold's algorithm over contexts
//     json-gold processes, each once per [Loader] rather than once per node
//     (and json-gold's own expansion for what it does not reproduce); the
//     conversion to RDF and RDFC-1.0 avoid json-gold's quadratic output
//     building and bound their work ([ErrTooComplex]).
//
// It is not for fetching anything (it does no I/O at all: no net, no os), and
// not for signing or verifying: proofs live in verifier/proof, which hashes
// what [Canonicalize] returns.
package schemas
