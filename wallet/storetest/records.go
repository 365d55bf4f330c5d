package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/satchel-wallet/satchel/wallet"
)

// items lists a portfolio's credential ids and notes.
func items(p wallet.Portfolio) []string {
	out := []string{}
	for _, it := range p.Items {
		out = append(out, fmt.Sprintf("#%d %s", it.ID, it.Note))
	}
	return out
}

func testPortfolios(t *testing.T, open opener) {
	// Each test starts from a wallet of credentials #a, #b, #c and a
	// portfolio "Nursing" holding a ("CNA") then b ("EMT").
	type fixture struct {
		s       wallet.Store
		a, b, c int64
		nursing int64
	}
	setup := func(t *testing.T) fixture {
		s := open(t)
		cs := add(t, s, NewCredential(0), NewCredential(1), NewCredential(2))
		p, err := s.CreatePortfolio(t.Context(), "Nursing", day(2026, 9, 5))
		if err != nil {
			t.Fatal(err)
		}
		f := fixture{s: s, a: cs[0].ID, b: cs[1].ID, c: cs[2].ID, nursing: p.ID}
		if err := s.AddToPortfolio(t.Context(), p.ID, f.a, "CNA"); err != nil {
			t.Fatal(err)
		}
		if err := s.AddToPortfolio(t.Context(), p.ID, f.b, "EMT"); err != nil {
			t.Fatal(err)
		}
		return f
	}
	tests := []struct {
		name string
		do   func(t *testing.T, f fixture) error
		want error
		// items of Nursing afterwards, by fixture letter and note
		after func(f fixture) []string
	}{
		{name: "ok/add-appends", do: func(t *testing.T, f fixture) error {
			return f.s.AddToPortfolio(t.Context(), f.nursing, f.c, "anatomy for the LVN program")
		}, after: func(f fixture) []string {
			return []string{fmt.Sprintf("#%d CNA", f.a), fmt.Sprintf("#%d EMT", f.b), fmt.Sprintf("#%d anatomy for the LVN program", f.c)}
		}},
		{name: "ok/empty-note", do: func(t *testing.T, f fixture) error {
			return f.s.AddToPortfolio(t.Context(), f.nursing, f.c, "")
		}, after: func(f fixture) []string {
			return []string{fmt.Sprintf("#%d CNA", f.a), fmt.Sprintf("#%d EMT", f.b), fmt.Sprintf("#%d ", f.c)}
		}},
		{name: "ok/remove", do: func(t *testing.T, f fixture) error {
			return f.s.RemoveFromPortfolio(t.Context(), f.nursing, f.a)
		}, after: func(f fixture) []string { return []string{fmt.Sprintf("#%d EMT", f.b)} }},
		{name: "ok/remove-then-add-goes-last", do: func(t *testing.T, f fixture) error {
			return errors.Join(f.s.RemoveFromPortfolio(t.Context(), f.nursing, f.a), f.s.AddToPortfolio(t.Context(), f.nursing, f.a, "again"))
		}, after: func(f fixture) []string {
			return []string{fmt.Sprintf("#%d EMT", f.b), fmt.Sprintf("#%d again", f.a)}
		}},
		{name: "ok/reorder", do: func(t *testing.T, f fixture) error {
			if err := f.s.AddToPortfolio(t.Context(), f.nursing, f.c, "C"); err != nil {
				return err
			}
			return f.s.ReorderPortfolio(t.Context(), f.nursing, []int64{f.c, f.a, f.b})
		}, after: func(f fixture) []string {
			return []string{fmt.Sprintf("#%d C", f.c), fmt.Sprintf("#%d CNA", f.a), fmt.Sprintf("#%d EMT", f.b)}
		}},
		{name: "ok/set-note", do: func(t *testing.T, f fixture) error {
			return f.s.SetPortfolioNote(t.Context(), f.nursing, f.b, "EMT — 5 units of EMS 101")
		}, after: func(f fixture) []string {
			return []string{fmt.Sprintf("#%d CNA", f.a), fmt.Sprintf("#%d EMT — 5 units of EMS 101", f.b)}
		}},
		{name: "ok/same-credential-in-two-portfolios", do: func(t *testing.T, f fixture) error {
			p, err := f.s.CreatePortfolio(t.Context(), "EMS", day(2026, 9, 6))
			if err != nil {
				return err
			}
			return f.s.AddToPortfolio(t.Context(), p.ID, f.a, "")
		}},
		{name: "fail/add-twice", want: wallet.ErrDuplicate, do: func(t *testing.T, f fixture) error {
			return f.s.AddToPortfolio(t.Context(), f.nursing, f.a, "again")
		}},
		{name: "fail/add-missing-credential", want: wallet.ErrNotFound, do: func(t *testing.T, f fixture) error {
			return f.s.AddToPortfolio(t.Context(), f.nursing, f.c+100, "")
		}},
		{name: "fail/add-to-missing-portfolio", want: wallet.ErrNotFound, do: func(t *testing.T, f fixture) error {
			return f.s.AddToPortfolio(t.Context(), f.nursing+100, f.c, "")
		}},
		{name: "fail/note-too-long", want: wallet.ErrInvalid, do: func(t *testing.T, f fixture) error {
			return f.s.AddToPortfolio(t.Context(), f.nursing, f.c, strings.Repeat("n", wallet.MaxTextBytes+1))
		}},
		{name: "fail/remove-not-in", want: wallet.ErrNotFound, do: func(t *testing.T, f fixture) error {
			return f.s.RemoveFromPortfolio(t.Context(), f.nursing, f.c)
		}},
		{name: "fail/set-note-not-in", want: wallet.ErrNotFound, do: func(t *testing.T, f fixture) error {
			return f.s.SetPortfolioNote(t.Context(), f.nursing, f.c, "x")
		}},
		{name: "fail/reorder-missing-item", want: wallet.ErrInvalid, do: func(t *testing.T, f fixture) error {
			return f.s.ReorderPortfolio(t.Context(), f.nursing, []int64{f.b})
		}},
		{name: "fail/reorder-extra-item", want: wallet.ErrInvalid, do: func(t *testing.T, f fixture) error {
			return f.s.ReorderPortfolio(t.Context(), f.nursing, []int64{f.b, f.a, f.c})
		}},
		{name: "fail/reorder-repeated-item", want: wallet.ErrInvalid, do: func(t *testing.T, f fixture) error {
			return f.s.ReorderPortfolio(t.Context(), f.nursing, []int64{f.b, f.b})
		}},
		{name: "fail/reorder-missing-portfolio", want: wallet.ErrNotFound, do: func(t *testing.T, f fixture) error {
			return f.s.ReorderPortfolio(t.Context(), f.nursing+100, nil)
		}},
		{name: "fail/create-duplicate-name", want: wallet.ErrDuplicate, do: func(t *testing.T, f fixture) error {
			_, err := f.s.CreatePortfolio(t.Context(), "Nursing", day(2026, 9, 6))
			return err
		}},
		{name: "fail/create-duplicate-name-other-case", want: wallet.ErrDuplicate, do: func(t *testing.T, f fixture) error {
			_, err := f.s.CreatePortfolio(t.Context(), "  nursing ", day(2026, 9, 6))
			return err
		}},
		{name: "fail/create-empty-name", want: wallet.ErrInvalid, do: func(t *testing.T, f fixture) error {
			_, err := f.s.CreatePortfolio(t.Context(), " \t", day(2026, 9, 6))
			return err
		}},
		{name: "fail/get-missing", want: wallet.ErrNotFound, do: func(t *testing.T, f fixture) error {
			_, err := f.s.Portfolio(t.Context(), f.nursing+100)
			return err
		}},
		{name: "fail/delete-missing", want: wallet.ErrNotFound, do: func(t *testing.T, f fixture) error {
			return f.s.DeletePortfolio(t.Context(), f.nursing+100)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			wantErr(t, "operation", tt.do(t, f), tt.want)
			p, err := f.s.Portfolio(t.Context(), f.nursing)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{fmt.Sprintf("#%d CNA", f.a), fmt.Sprintf("#%d EMT", f.b)}
			if tt.after != nil {
				want = tt.after(f)
			}
			diff(t, "Nursing items", items(p), want)
		})
	}

	t.Run("ok/get-and-list", func(t *testing.T) {
		f := setup(t)
		ems, err := f.s.CreatePortfolio(t.Context(), "EMS jobs", day(2026, 9, 6))
		if err != nil {
			t.Fatal(err)
		}
		if ems.Name != "EMS jobs" || !ems.Created.Equal(day(2026, 9, 6)) || ems.ID == 0 || ems.ID == f.nursing {
			t.Errorf("created %+v", ems)
		}
		a, err := f.s.Credential(t.Context(), f.a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Portfolio(t.Context(), f.nursing)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Items) != 2 || got.Name != "Nursing" || !got.Created.Equal(day(2026, 9, 5)) {
			t.Fatalf("Nursing: %+v", got)
		}
		diff(t, "first item's entry", got.Items[0].Entry, a.Entry)
		all, err := f.s.Portfolios(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range all {
			names = append(names, fmt.Sprintf("%s %d", p.Name, len(p.Items)))
		}
		diff(t, "portfolios by name", names, []string{"EMS jobs 0", "Nursing 2"})
		diff(t, "Nursing in the list", all[1], got)
	})

	t.Run("ok/delete-keeps-credentials", func(t *testing.T) {
		f := setup(t)
		if err := f.s.DeletePortfolio(t.Context(), f.nursing); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Portfolio(t.Context(), f.nursing); !errors.Is(err, wallet.ErrNotFound) {
			t.Errorf("deleted portfolio: %v", err)
		}
		if n := count(t, f.s); n != 3 {
			t.Errorf("%d credentials after deleting a portfolio, want 3", n)
		}
		// Its credentials are free to go now.
		if err := f.s.DeleteCredential(t.Context(), f.a); err != nil {
			t.Errorf("delete a credential of a deleted portfolio: %v", err)
		}
		// And the name is free.
		if _, err := f.s.CreatePortfolio(t.Context(), "Nursing", day(2026, 9, 7)); err != nil {
			t.Errorf("reuse the name: %v", err)
		}
	})

	t.Run("ok/none", func(t *testing.T) {
		ps, err := open(t).Portfolios(t.Context())
		if err != nil || len(ps) != 0 {
			t.Errorf("portfolios of an empty wallet: %v, %v", ps, err)
		}
	})
}

func testCache(t *testing.T, open opener) {
	doc := wallet.Cached{Kind: wallet.CacheDIDDocument, Key: "did:web:sv.example", Data: []byte(`{"id":"did:web:sv.example"}`), FetchedAt: day(2026, 9, 1)}
	list := wallet.Cached{Kind: wallet.CacheStatusList, Key: "https://sv.example/status/1", Data: []byte(`{"type":["VerifiableCredential"]}`), FetchedAt: day(2026, 9, 2)}
	sameKey := wallet.Cached{Kind: wallet.CacheStatusList, Key: doc.Key, Data: []byte("other"), FetchedAt: day(2026, 9, 3)}
	newer := doc
	newer.Data, newer.FetchedAt = []byte(`{"id":"did:web:sv.example","rotated":true}`), day(2026, 10, 1)
	tests := []struct {
		name string
		put  []wallet.Cached
		want error
	}{
		{name: "ok/did-document", put: []wallet.Cached{doc}},
		{name: "ok/status-list", put: []wallet.Cached{list}},
		{name: "ok/kinds-are-apart", put: []wallet.Cached{doc, sameKey}},
		{name: "ok/replace", put: []wallet.Cached{doc, newer}},
		{name: "fail/unknown-kind", put: []wallet.Cached{{Kind: "jwks", Key: "k", Data: []byte("x")}}, want: wallet.ErrInvalid},
		{name: "fail/no-key", put: []wallet.Cached{{Kind: wallet.CacheDIDDocument, Data: []byte("x")}}, want: wallet.ErrInvalid},
		{name: "fail/no-data", put: []wallet.Cached{{Kind: wallet.CacheDIDDocument, Key: "did:web:x"}}, want: wallet.ErrInvalid},
		{name: "fail/too-large", put: []wallet.Cached{{Kind: wallet.CacheStatusList, Key: "https://x", Data: make([]byte, wallet.MaxCachedBytes+1)}}, want: wallet.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			var err error
			for _, c := range tt.put {
				if err = s.PutCached(t.Context(), c); err != nil {
					break
				}
			}
			wantErr(t, "put", err, tt.want)
			// What a reader sees: the last put of each kind and key.
			want := map[wallet.CacheKind]map[string]wallet.Cached{}
			if tt.want == nil {
				for _, c := range tt.put {
					if want[c.Kind] == nil {
						want[c.Kind] = map[string]wallet.Cached{}
					}
					want[c.Kind][c.Key] = c
				}
			}
			for _, kind := range []wallet.CacheKind{wallet.CacheDIDDocument, wallet.CacheStatusList} {
				got, err := s.CachedAll(t.Context(), kind)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want[kind]) {
					t.Errorf("%s: %d cached, want %d", kind, len(got), len(want[kind]))
				}
				for _, c := range want[kind] {
					one, err := s.Cached(t.Context(), kind, c.Key)
					if err != nil {
						t.Fatal(err)
					}
					diff(t, "cached", one, c)
				}
			}
		})
	}
	t.Run("fail/missing", func(t *testing.T) {
		s := open(t)
		if err := s.PutCached(t.Context(), doc); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Cached(t.Context(), wallet.CacheStatusList, doc.Key); !errors.Is(err, wallet.ErrNotFound) {
			t.Errorf("other kind: %v, want ErrNotFound", err)
		}
		if _, err := s.Cached(t.Context(), wallet.CacheDIDDocument, "did:web:nobody"); !errors.Is(err, wallet.ErrNotFound) {
			t.Errorf("other key: %v, want ErrNotFound", err)
		}
	})
	t.Run("ok/all-by-key", func(t *testing.T) {
		s := open(t)
		for _, k := range []string{"did:web:c", "did:web:a", "did:web:b"} {
			if err := s.PutCached(t.Context(), wallet.Cached{Kind: wallet.CacheDIDDocument, Key: k, Data: []byte(k)}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.CachedAll(t.Context(), wallet.CacheDIDDocument)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, c := range got {
			keys = append(keys, c.Key)
		}
		diff(t, "keys", keys, []string{"did:web:a", "did:web:b", "did:web:c"})
	})
}

func testHolderKeys(t *testing.T, open opener) {
	k1 := wallet.HolderKey{DID: "did:key:z6MkFirst", Sealed: []byte{1, 2, 3}, Created: day(2026, 9, 1)}
	k2 := wallet.HolderKey{DID: "did:key:z6MkSecond", Sealed: []byte{4, 5, 6}, Created: day(2026, 8, 1)}
	tests := []struct {
		name string
		do   func(t *testing.T, s wallet.Store) error
		want error
		keys []wallet.HolderKey
	}{
		{name: "ok/add-in-order", keys: []wallet.HolderKey{k1, k2}, do: func(t *testing.T, s wallet.Store) error {
			return s.AddHolderKey(t.Context(), k2)
		}},
		{name: "ok/reseal", keys: []wallet.HolderKey{{DID: k1.DID, Sealed: []byte{9, 9}, Created: k1.Created}}, do: func(t *testing.T, s wallet.Store) error {
			return s.ResealHolderKey(t.Context(), k1.DID, []byte{9, 9})
		}},
		{name: "fail/duplicate", keys: []wallet.HolderKey{k1}, want: wallet.ErrDuplicate, do: func(t *testing.T, s wallet.Store) error {
			return s.AddHolderKey(t.Context(), wallet.HolderKey{DID: k1.DID, Sealed: []byte{7}})
		}},
		{name: "fail/no-did", keys: []wallet.HolderKey{k1}, want: wallet.ErrInvalid, do: func(t *testing.T, s wallet.Store) error {
			return s.AddHolderKey(t.Context(), wallet.HolderKey{Sealed: []byte{7}})
		}},
		{name: "fail/no-sealed-key", keys: []wallet.HolderKey{k1}, want: wallet.ErrInvalid, do: func(t *testing.T, s wallet.Store) error {
			return s.AddHolderKey(t.Context(), wallet.HolderKey{DID: "did:key:z6MkThird"})
		}},
		{name: "fail/reseal-missing", keys: []wallet.HolderKey{k1}, want: wallet.ErrNotFound, do: func(t *testing.T, s wallet.Store) error {
			return s.ResealHolderKey(t.Context(), "did:key:z6MkNobody", []byte{1})
		}},
		{name: "fail/reseal-empty", keys: []wallet.HolderKey{k1}, want: wallet.ErrInvalid, do: func(t *testing.T, s wallet.Store) error {
			return s.ResealHolderKey(t.Context(), k1.DID, nil)
		}},
		{name: "fail/get-missing", keys: []wallet.HolderKey{k1}, want: wallet.ErrNotFound, do: func(t *testing.T, s wallet.Store) error {
			_, err := s.HolderKey(t.Context(), "did:key:z6MkNobody")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			if err := s.AddHolderKey(t.Context(), k1); err != nil {
				t.Fatal(err)
			}
			wantErr(t, "operation", tt.do(t, s), tt.want)
			got, err := s.HolderKeys(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			diff(t, "keys", got, tt.keys)
			for _, k := range tt.keys {
				one, err := s.HolderKey(t.Context(), k.DID)
				if err != nil {
					t.Fatal(err)
				}
				diff(t, "key", one, k)
			}
		})
	}
}

func testQueue(t *testing.T, open opener) {
	at := day(2026, 9, 10)
	// Each test starts with actions a, b, c enqueued in that order.
	tests := []struct {
		name    string
		do      func(t *testing.T, s wallet.Store, ids []int64) error
		want    error
		pending []int // indexes into a, b, c (3 and on: enqueued by do)
		check   func(t *testing.T, s wallet.Store, ids []int64)
	}{
		{name: "ok/in-order", pending: []int{0, 1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error { return nil }},
		{name: "ok/done-leaves-the-queue", pending: []int{0, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			return s.MarkDone(t.Context(), ids[1], at)
		}, check: func(t *testing.T, s wallet.Store, ids []int64) {
			a, err := s.Action(t.Context(), ids[1])
			if err != nil || a.State != wallet.ActionDone || !a.Finished.Equal(at) {
				t.Errorf("done action: %+v, %v", a, err)
			}
		}},
		{name: "ok/failed-keeps-its-place", pending: []int{0, 1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			return errors.Join(s.MarkFailed(t.Context(), ids[0], at, "offline"), s.MarkFailed(t.Context(), ids[0], at.Add(1e9), "HTTP 503"))
		}, check: func(t *testing.T, s wallet.Store, ids []int64) {
			a, err := s.Action(t.Context(), ids[0])
			if err != nil || a.State != wallet.ActionPending || a.Attempts != 2 || a.LastError != "HTTP 503" || !a.LastAttempt.Equal(at.Add(1e9)) {
				t.Errorf("failed action: %+v, %v", a, err)
			}
		}},
		{name: "ok/abandon", pending: []int{0, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			return s.Abandon(t.Context(), ids[1], at, "offer expired")
		}, check: func(t *testing.T, s wallet.Store, ids []int64) {
			a, err := s.Action(t.Context(), ids[1])
			if err != nil || a.State != wallet.ActionAbandoned || a.LastError != "offer expired" || !a.Finished.Equal(at) {
				t.Errorf("abandoned action: %+v, %v", a, err)
			}
		}},
		{name: "ok/ids-never-reused", pending: []int{3}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			for _, id := range ids {
				if err := s.MarkDone(t.Context(), id, at); err != nil {
					return err
				}
			}
			id, err := s.Enqueue(t.Context(), wallet.Action{Kind: "d"})
			if err == nil && id <= ids[2] {
				err = fmt.Errorf("new action #%d after #%d", id, ids[2])
			}
			return err
		}},
		{name: "ok/done-rolled-back-stays-pending", pending: []int{0, 1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			err := s.Tx(t.Context(), func(tx wallet.Ops) error {
				if err := tx.MarkDone(t.Context(), ids[0], at); err != nil {
					return err
				}
				return errStop
			})
			if errors.Is(err, errStop) {
				return nil
			}
			return err
		}},
		{name: "fail/done-twice", want: wallet.ErrNotPending, pending: []int{1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			if err := s.MarkDone(t.Context(), ids[0], at); err != nil {
				return err
			}
			return s.MarkDone(t.Context(), ids[0], at)
		}},
		{name: "fail/fail-after-done", want: wallet.ErrNotPending, pending: []int{1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			if err := s.MarkDone(t.Context(), ids[0], at); err != nil {
				return err
			}
			return s.MarkFailed(t.Context(), ids[0], at, "late")
		}},
		{name: "fail/done-after-abandon", want: wallet.ErrNotPending, pending: []int{1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			if err := s.Abandon(t.Context(), ids[0], at, "gone"); err != nil {
				return err
			}
			return s.MarkDone(t.Context(), ids[0], at)
		}},
		{name: "fail/done-missing", want: wallet.ErrNotFound, pending: []int{0, 1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			return s.MarkDone(t.Context(), ids[2]+100, at)
		}},
		{name: "fail/failed-missing", want: wallet.ErrNotFound, pending: []int{0, 1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			return s.MarkFailed(t.Context(), ids[2]+100, at, "x")
		}},
		{name: "fail/abandon-missing", want: wallet.ErrNotFound, pending: []int{0, 1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			return s.Abandon(t.Context(), ids[2]+100, at, "x")
		}},
		{name: "fail/get-missing", want: wallet.ErrNotFound, pending: []int{0, 1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			_, err := s.Action(t.Context(), ids[2]+100)
			return err
		}},
		{name: "fail/no-kind", want: wallet.ErrInvalid, pending: []int{0, 1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			_, err := s.Enqueue(t.Context(), wallet.Action{Payload: []byte("x")})
			return err
		}},
		{name: "fail/payload-too-large", want: wallet.ErrInvalid, pending: []int{0, 1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			_, err := s.Enqueue(t.Context(), wallet.Action{Kind: "x", Payload: make([]byte, wallet.MaxPayloadBytes+1)})
			return err
		}},
		{name: "fail/zero-limit", want: wallet.ErrInvalid, pending: []int{0, 1, 2}, do: func(t *testing.T, s wallet.Store, ids []int64) error {
			_, err := s.PendingActions(t.Context(), 0)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			var ids []int64
			queued := []wallet.Action{
				{Kind: "status-refresh", Payload: []byte(`{"url":"https://sv.example/status/1"}`), Enqueued: day(2026, 9, 1)},
				{Kind: "vp-post", Payload: []byte("\x00binary\xff"), Enqueued: day(2026, 9, 2)},
				{Kind: "offer-redeem", Enqueued: day(2026, 9, 3)},
			}
			for _, a := range queued {
				id, err := s.Enqueue(t.Context(), a)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			wantErr(t, "operation", tt.do(t, s, ids), tt.want)
			got, err := s.PendingActions(t.Context(), 10)
			if err != nil {
				t.Fatal(err)
			}
			var gotIdx []int
			for _, a := range got {
				i := len(ids)
				for j, id := range ids {
					if a.ID == id {
						i = j
						if a.Kind != queued[j].Kind || !bytes.Equal(a.Payload, queued[j].Payload) || !a.Enqueued.Equal(queued[j].Enqueued) {
							t.Errorf("action #%d: %+v, enqueued %+v", id, a, queued[j])
						}
					}
				}
				gotIdx = append(gotIdx, i)
			}
			diff(t, "pending", gotIdx, tt.pending)
			if tt.check != nil {
				tt.check(t, s, ids)
			}
		})
	}
	t.Run("ok/limit", func(t *testing.T) {
		s := open(t)
		for i := range 5 {
			if _, err := s.Enqueue(t.Context(), wallet.Action{Kind: "k" + strconv.Itoa(i)}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.PendingActions(t.Context(), 2)
		if err != nil || len(got) != 2 || got[0].Kind != "k0" || got[1].Kind != "k1" {
			t.Errorf("first two: %+v, %v", got, err)
		}
	})
}

// testExactlyOnce runs the queue with several runners at once. Each marks
// an action done in the same Tx as its effect (a setting): whoever loses
// the race gets ErrNotPending and its effect is rolled back.
func testExactlyOnce(t *testing.T, open opener) {
	s := open(t)
	const actions, runners = 20, 4
	for i := range actions {
		if _, err := s.Enqueue(t.Context(), wallet.Action{Kind: "count", Payload: []byte(strconv.Itoa(i))}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := map[int64]int{}
	lost := 0
	for r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				pending, err := s.PendingActions(t.Context(), 2)
				if err != nil {
					t.Errorf("runner %d: %v", r, err)
					return
				}
				if len(pending) == 0 {
					return
				}
				a := pending[len(pending)-1] // two runners often pick the same
				err = s.Tx(t.Context(), func(tx wallet.Ops) error {
					if err := tx.MarkDone(t.Context(), a.ID, day(2026, 9, 10)); err != nil {
						return err
					}
					key := "effect/" + string(a.Payload)
					if _, err := tx.Setting(t.Context(), key); err == nil {
						t.Errorf("action #%d took effect twice", a.ID)
					}
					return tx.SetSetting(t.Context(), key, strconv.Itoa(r))
				})
				switch {
				case errors.Is(err, wallet.ErrNotPending):
					mu.Lock()
					lost++
					mu.Unlock()
				case err != nil:
					t.Errorf("runner %d: %v", r, err)
					return
				default:
					mu.Lock()
					done[a.ID]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d actions, %d runners: %d races lost (ErrNotPending, effect rolled back)", actions, runners, lost)
	if len(done) != actions {
		t.Errorf("%d actions done, want %d", len(done), actions)
	}
	for id, n := range done {
		if n != 1 {
			t.Errorf("action #%d done %d times", id, n)
		}
	}
	for i := range actions {
		if _, err := s.Setting(t.Context(), "effect/"+strconv.Itoa(i)); err != nil {
			t.Errorf("effect of action %d: %v", i, err)
		}
	}
}

func testSettings(t *testing.T, open opener) {
	tests := []struct {
		name       string
		key, value string
		want       error
	}{
		{name: "ok/set", key: "language", value: "es"},
		{name: "ok/overwrite", key: "theme", value: "light"},
		{name: "ok/empty-value", key: "holder.did", value: ""},
		{name: "ok/unicode", key: "nombre", value: "Marcos Delgado — técnico"},
		{name: "fail/empty-key", key: "", value: "x", want: wallet.ErrInvalid},
		{name: "fail/value-too-long", key: "big", value: strings.Repeat("v", wallet.MaxTextBytes+1), want: wallet.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			if err := s.SetSetting(t.Context(), "theme", "dark"); err != nil {
				t.Fatal(err)
			}
			wantErr(t, "set", s.SetSetting(t.Context(), tt.key, tt.value), tt.want)
			got, err := s.Setting(t.Context(), tt.key)
			if tt.want != nil {
				if !errors.Is(err, wallet.ErrNotFound) {
					t.Errorf("after a failed set: %q, %v", got, err)
				}
				return
			}
			if err != nil || got != tt.value {
				t.Errorf("got %q, %v, want %q", got, err, tt.value)
			}
		})
	}
	t.Run("fail/missing", func(t *testing.T) {
		if _, err := open(t).Setting(t.Context(), "nothing"); !errors.Is(err, wallet.ErrNotFound) {
			t.Errorf("missing setting: %v, want ErrNotFound", err)
		}
	})
}
