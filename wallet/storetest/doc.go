// Package storetest is the conformance suite of wallet.Store: every
// implementation runs Run against fresh stores of its own, so that the
// wallet behaves the same whatever keeps its data.
//
// The suite pins down the contract the interface's comments state —
// duplicates by id and by bytes, not-found and invalid input, all-or-none
// transactions in which a failed method changes nothing, search and its
// filters and paging, portfolio order, the sync queue's order and
// exactly-once marking, caches, keys and settings — with table tests named
// ok/... and fail/....
//
// NewCredential makes realistic test credentials for the suite and for
// benchmarks. The package is for tests only; nothing in the wallet imports
// it.
package storetest
