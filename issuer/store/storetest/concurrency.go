package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/satchel-wallet/satchel/issuer/store"
)

// Writers race on purpose here; run the suite with -race.
const writers = 6

// testConcurrentReserve has several goroutines reserve overlapping
// candidates in one list, some inside a Tx that also stores a credential
// on what they got, as issuing does: no index may be handed out twice.
func testConcurrentReserve(t *testing.T, open opener) {
	ctx := t.Context()
	s := withList(t, open)
	const list, rounds = "svc-revocation-1", 12
	var (
		mu  sync.Mutex
		got = map[int64]int{}
		wg  sync.WaitGroup
	)
	errs := make(chan error, writers*rounds)
	for g := range writers {
		wg.Go(func() {
			for r := range rounds {
				// Everyone asks for the same eight indices per round.
				cands := []int64{int64(r * 4), int64(r*4 + 1), int64(r*4 + 2), int64(r*4 + 3), int64(r*4 + 4), int64(r*4 + 5), int64(r*4 + 6), int64(r*4 + 7)}
				var idx []int64
				var err error
				if g%2 == 0 {
					idx, err = s.ReserveIndices(ctx, list, cands)
				} else {
					err = s.Tx(ctx, func(tx store.Ops) error {
						idx, err = tx.ReserveIndices(ctx, list, cands)
						if err != nil || len(idx) == 0 {
							return err
						}
						return tx.AddCredential(ctx, NewCredential(fmt.Sprintf("urn:uuid:%d-%d", g, r), "svc", revocation(idx[0])))
					})
				}
				if err != nil {
					errs <- fmt.Errorf("writer %d round %d: %w", g, r, err)
					return
				}
				mu.Lock()
				for _, i := range idx {
					got[i]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var all []int64
	for i, n := range got {
		if n > 1 {
			t.Errorf("index %d reserved %d times", i, n)
		}
		all = append(all, i)
	}
	slices.Sort(all)
	// Every candidate was free when first asked for, so all were given out.
	var want []int64
	for i := range int64(rounds*4 + 4) {
		want = append(want, i)
	}
	diff(t, "indices given out", all, want)
	l, err := s.StatusList(ctx, list)
	must(t, "status list", err)
	if l.Reserved != int64(len(want)) {
		t.Errorf("Reserved = %d, want %d", l.Reserved, len(want))
	}
}

// testConcurrentSetStatus revokes credentials of one list from several
// goroutines at once: every change counts once in the list's version.
func testConcurrentSetStatus(t *testing.T, open opener) {
	ctx := t.Context()
	s := withList(t, open)
	const list, n = "svc-revocation-1", 24
	var idx []int64
	for i := range int64(n) {
		idx = append(idx, i*3)
	}
	reserve(t, s, list, idx...)
	for i, ix := range idx {
		must(t, "add", s.AddCredential(ctx, NewCredential(fmt.Sprintf("urn:uuid:%d", i), "svc", revocation(ix))))
	}
	var wg sync.WaitGroup
	errs := make(chan error, n*2)
	for g := range writers {
		wg.Go(func() {
			// Each credential is revoked by two writers: the second
			// finds the bit set and must not count.
			for i := range n {
				if i%writers != g && (i+1)%writers != g {
					continue
				}
				if err := s.SetStatus(ctx, fmt.Sprintf("urn:uuid:%d", i), store.PurposeRevocation, true, "bulk", at(i)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	set, version, err := s.SetIndices(ctx, list)
	must(t, "set indices", err)
	diff(t, "set", set, idx)
	if version != n {
		t.Errorf("version %d after %d changes", version, n)
	}
}

// testConcurrentOffers redeems one code and delivers one credential from
// several goroutines at once: each works exactly once. Then each
// credential of an offer is delivered by a goroutine of its own: the
// offer must end delivered.
func testConcurrentOffers(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "svc")
	o := newOffer("o", "urn:uuid:a", "urn:uuid:b")
	must(t, "add", s.AddOffer(ctx, o))
	race := func(what string, fn func(g int) error) {
		t.Helper()
		var wg sync.WaitGroup
		results := make(chan error, writers)
		for g := range writers {
			wg.Go(func() { results <- fn(g) })
		}
		wg.Wait()
		close(results)
		ok := 0
		for err := range results {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, store.ErrUsed):
				t.Errorf("%s: %v, want nil or ErrUsed", what, err)
			}
		}
		if ok != 1 {
			t.Errorf("%s: %d succeeded, want exactly 1", what, ok)
		}
	}
	race("redeem", func(g int) error {
		return s.RedeemOffer(ctx, o.CodeHash, hash(fmt.Sprint("token-", g)), "n", at(5), at(1))
	})
	race("deliver", func(g int) error {
		return s.DeliverCredential(ctx, o.CodeHash, "urn:uuid:a", fmt.Sprint("urn:uuid:a-", g), at(2))
	})

	var ids []string
	for i := range writers {
		ids = append(ids, fmt.Sprint("urn:uuid:many-", i))
	}
	many := newOffer("many", ids...)
	must(t, "add", s.AddOffer(ctx, many))
	must(t, "redeem", s.RedeemOffer(ctx, many.CodeHash, hash("token-many"), "n", at(5), at(1)))
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			if err := s.DeliverCredential(ctx, many.CodeHash, id, id, at(2)); err != nil {
				t.Errorf("deliver %s: %v", id, err)
			}
		})
	}
	wg.Wait()
	got, err := s.OfferByCode(ctx, many.CodeHash)
	must(t, "offer", err)
	if got.State != store.OfferDelivered || len(got.Delivered) != writers {
		t.Errorf("after every credential was delivered at once: state %s, %d delivered", got.State, len(got.Delivered))
	}
}
