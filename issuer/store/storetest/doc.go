// Package storetest is the conformance suite of store.Store: the SQLite and
// PostgreSQL implementations both run Run against fresh, empty stores of
// their own, so the issuer service behaves the same whichever database
// keeps its state.
//
// The suite pins down what store.go's comments promise: the sentinel errors
// (ErrDuplicate, ErrNotFound, ErrUsed, ErrInvalid) for each rule, key
// rotation, learners keeping their DID, idempotency keys per institution,
// status-list index reservation, status changes and list versions, one-time
// offers and deliveries, the append-only audit log (also against raw SQL,
// when the store under test is a RawExecer), all-or-none transactions in
// which a failed method changes nothing, time and byte round trips, list
// limits, and concurrent writers that must not hand out an index, a code
// or a delivery twice. Tests are tables named ok/... and fail/....
//
// NewInstitution, NewStatusList and NewCredential make realistic values for
// the suite and for benchmarks. The package is for tests only; nothing in
// the service imports it.
package storetest
