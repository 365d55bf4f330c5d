package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/issuer/store"
)

// RawExecer is implemented by a store under test that can run SQL of its
// own on the database the store uses, behind the store's back, as an
// operator with a database shell could. The suite uses it to check that
// the audit log cannot be rewritten by SQL either. Production code has no
// such door: implementations provide it in their test adapters.
type RawExecer interface {
	ExecRaw(ctx context.Context, sql string) error
}

// Run runs the conformance suite. open returns a new, empty store for each
// sub-test; Run closes it when the sub-test ends. Sub-tests run in
// parallel with each other, so open must give each its own database.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	newStore := func(t *testing.T) store.Store {
		t.Helper()
		s := open(t)
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
		return s
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, open opener)
	}{
		{"institutions", testInstitutions},
		{"keys", testKeys},
		{"key-rotation", testKeyRotation},
		{"tokens", testTokens},
		{"tables", testTables},
		{"learners", testLearners},
		{"batches", testBatches},
		{"status-lists", testStatusLists},
		{"reserve-indices", testReserveIndices},
		{"add-credential", testAddCredential},
		{"credentials-query", testCredentialsQuery},
		{"credentials-max-list", testCredentialsMaxList},
		{"set-status", testSetStatus},
		{"list-credential", testListCredential},
		{"offers", testOffers},
		{"offer-delivery", testOfferDelivery},
		{"audit", testAudit},
		{"audit-append-only-sql", testAuditAppendOnlySQL},
		{"tx", testTx},
		{"tx-panic", testTxPanic},
		{"times", testTimes},
		{"bytes", testBytes},
		{"empty-lists", testEmptyLists},
		{"text", testText},
		{"cancelled-context", testCancelled},
		{"concurrent-reserve", testConcurrentReserve},
		{"concurrent-set-status", testConcurrentSetStatus},
		{"concurrent-offers", testConcurrentOffers},
		{"ping", testPing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore)
		})
	}
}

// opener is Run's open, closing the store when the test ends.
type opener func(t *testing.T) store.Store

// wantErr checks err against want: nil for none, else errors.Is.
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("%s: unexpected error: %v", what, err)
	case want != nil && !errors.Is(err, want):
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

// must fails the test on err.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func diff(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

var errStop = errors.New("stop here")

// withInstitutions returns a new store holding institutions with these
// slugs.
func withInstitutions(t *testing.T, open opener, slugs ...string) store.Store {
	t.Helper()
	s := open(t)
	for _, slug := range slugs {
		must(t, "create institution "+slug, s.CreateInstitution(t.Context(), NewInstitution(slug)))
	}
	return s
}

// reserve reserves exactly these indices of list.
func reserve(t *testing.T, s store.Ops, list string, idx ...int64) {
	t.Helper()
	got, err := s.ReserveIndices(t.Context(), list, idx)
	must(t, "reserve", err)
	diff(t, "reserved", got, idx)
}

// withList returns a store holding institution "svc" and its revocation
// list "svc-revocation-1" with the given indices reserved.
func withList(t *testing.T, open opener, reserved ...int64) store.Store {
	t.Helper()
	s := withInstitutions(t, open, "svc")
	must(t, "add list", s.AddStatusList(t.Context(), NewStatusList("svc-revocation-1", "svc", store.PurposeRevocation)))
	if len(reserved) > 0 {
		reserve(t, s, "svc-revocation-1", reserved...)
	}
	return s
}

// revocation is a revocation entry in list svc-revocation-1.
func revocation(idx int64) store.StatusEntry {
	return store.StatusEntry{List: "svc-revocation-1", Purpose: store.PurposeRevocation, Index: idx}
}

// storedCredential is c as it reads back.
func storedCredential(c store.Credential) store.Credential {
	c.Issued = stored(c.Issued)
	return c
}

func testPing(t *testing.T, open opener) {
	s := open(t)
	must(t, "ping", s.Ping(t.Context()))
}
