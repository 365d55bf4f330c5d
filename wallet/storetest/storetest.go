package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/wallet"
)

// Run runs the conformance suite. open returns a new, empty store for each
// subtest; Run closes it.
func Run(t *testing.T, open func(t *testing.T) wallet.Store) {
	newStore := func(t *testing.T) wallet.Store {
		t.Helper()
		s := open(t)
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
		return s
	}
	t.Run("add-credential", func(t *testing.T) { testAddCredential(t, newStore) })
	t.Run("get-credential", func(t *testing.T) { testGetCredential(t, newStore) })
	t.Run("set-verification", func(t *testing.T) { testSetVerification(t, newStore) })
	t.Run("delete-credential", func(t *testing.T) { testDeleteCredential(t, newStore) })
	t.Run("tx", func(t *testing.T) { testTx(t, newStore) })
	t.Run("search", func(t *testing.T) { testSearch(t, newStore) })
	t.Run("search-paging", func(t *testing.T) { testPaging(t, newStore) })
	t.Run("portfolios", func(t *testing.T) { testPortfolios(t, newStore) })
	t.Run("cache", func(t *testing.T) { testCache(t, newStore) })
	t.Run("holder-keys", func(t *testing.T) { testHolderKeys(t, newStore) })
	t.Run("queue", func(t *testing.T) { testQueue(t, newStore) })
	t.Run("queue-exactly-once", func(t *testing.T) { testExactlyOnce(t, newStore) })
	t.Run("settings", func(t *testing.T) { testSettings(t, newStore) })
	t.Run("cancelled-context", func(t *testing.T) { testCancelled(t, newStore) })
}

// opener is Run's open, closing the store when the test ends.
type opener func(t *testing.T) wallet.Store

// day is a date at noon UTC.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

// add stores credentials and returns them with their ids.
func add(t *testing.T, s wallet.Ops, cs ...wallet.Credential) []wallet.Credential {
	t.Helper()
	out := make([]wallet.Credential, len(cs))
	for i := range cs {
		c := cs[i]
		if err := s.AddCredential(t.Context(), &c); err != nil {
			t.Fatalf("add %q: %v", c.Title, err)
		}
		out[i] = c
	}
	return out
}

// all lists every credential, page by page.
func all(t *testing.T, s wallet.Ops) []wallet.Entry {
	t.Helper()
	var out []wallet.Entry
	q := wallet.Query{Limit: wallet.MaxLimit}
	for {
		p, err := s.Search(t.Context(), q)
		if err != nil {
			t.Fatalf("search: %v", err)
		}
		out = append(out, p.Entries...)
		if p.Next == "" {
			return out
		}
		q.After = p.Next
	}
}

func count(t *testing.T, s wallet.Ops) int { t.Helper(); return len(all(t, s)) }

// wantErr checks err against want: nil for none, else errors.Is.
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("%s: unexpected error %v", what, err)
	case want != nil && !errors.Is(err, want):
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

func diff(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

var errStop = errors.New("stop here")

func testCancelled(t *testing.T, open opener) {
	s := open(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	c := NewCredential(0)
	if err := s.AddCredential(ctx, &c); !errors.Is(err, context.Canceled) {
		t.Errorf("add with a cancelled context: %v, want context.Canceled", err)
	}
	if _, err := s.Search(ctx, wallet.Query{}); !errors.Is(err, context.Canceled) {
		t.Errorf("search with a cancelled context: %v, want context.Canceled", err)
	}
	if err := s.Tx(ctx, func(tx wallet.Ops) error { return tx.AddCredential(ctx, &c) }); err == nil {
		t.Error("Tx with a cancelled context succeeded")
	}
	if n := count(t, s); n != 0 {
		t.Errorf("%d credentials stored with a cancelled context", n)
	}
}
