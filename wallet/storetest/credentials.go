package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/satchel-wallet/satchel/wallet"
)

func testAddCredential(t *testing.T, open opener) {
	full := NewCredential(2)
	full.Container = ""
	full.Status, full.VerifiedAt = wallet.StatusVerified, day(2026, 9, 2)
	full.ExpiresAt = day(2031, 9, 1)
	full.Report = json.RawMessage(`{"verified":true,"kind":"credential","checks":[],"errors":[]}`)

	minimal := wallet.Credential{Entry: wallet.Entry{Kind: wallet.KindOther, Status: wallet.StatusUnchecked}, Raw: []byte("eyJhbGciOiJFZERTQSJ9.e30.c2ln")}

	// Bytes exactly as received: a BOM, CRLF, trailing blanks, NUL and
	// bytes that are not UTF-8 (a baked PNG badge).
	odd := NewCredential(3)
	odd.Raw = append([]byte("\xef\xbb\xbf"), append(odd.Raw, "\r\n  \x00\x89PNG\r\n\x1a\n\xff\xfe"...)...)
	odd.Container = "png"

	noID1, noID2 := NewCredential(4), NewCredential(5)
	noID1.CredentialID, noID2.CredentialID = "", ""

	sameBytes := NewCredential(6)
	sameBytes.CredentialID = "urn:uuid:other"
	sameBytes.Raw = NewCredential(0).Raw

	sameID := NewCredential(7)
	sameID.CredentialID = NewCredential(0).CredentialID

	mutate := func(f func(c *wallet.Credential)) wallet.Credential {
		c := NewCredential(8)
		f(&c)
		return c
	}
	tests := []struct {
		name     string
		existing []wallet.Credential
		add      wallet.Credential
		want     error
		dupOf    int // index into existing, with want ErrDuplicate
		dupSame  string
	}{
		{name: "ok/full", add: full},
		{name: "ok/minimal", add: minimal},
		{name: "ok/bytes-exactly-as-received", add: odd},
		{name: "ok/no-credential-id-twice", existing: []wallet.Credential{noID1}, add: noID2},
		{name: "ok/same-title-other-bytes", existing: []wallet.Credential{NewCredential(0)}, add: NewCredential(5)},
		{name: "fail/duplicate-bytes", existing: []wallet.Credential{NewCredential(1), NewCredential(0)}, add: sameBytes,
			want: wallet.ErrDuplicate, dupOf: 1, dupSame: "bytes"},
		{name: "fail/duplicate-credential-id", existing: []wallet.Credential{NewCredential(0)}, add: sameID,
			want: wallet.ErrDuplicate, dupOf: 0, dupSame: "id"},
		{name: "fail/duplicate-of-itself", existing: []wallet.Credential{NewCredential(0)}, add: NewCredential(0),
			want: wallet.ErrDuplicate, dupOf: 0, dupSame: "bytes"},
		{name: "fail/no-bytes", add: mutate(func(c *wallet.Credential) { c.Raw = nil }), want: wallet.ErrInvalid},
		{name: "fail/too-large", add: mutate(func(c *wallet.Credential) { c.Raw = make([]byte, wallet.MaxCredentialBytes+1) }), want: wallet.ErrInvalid},
		{name: "fail/report-too-large", add: mutate(func(c *wallet.Credential) { c.Report = make([]byte, wallet.MaxReportBytes+1) }), want: wallet.ErrInvalid},
		{name: "fail/unknown-kind", add: mutate(func(c *wallet.Credential) { c.Kind = "university" }), want: wallet.ErrInvalid},
		{name: "fail/no-kind", add: mutate(func(c *wallet.Credential) { c.Kind = "" }), want: wallet.ErrInvalid},
		{name: "fail/unknown-status", add: mutate(func(c *wallet.Credential) { c.Status = "maybe" }), want: wallet.ErrInvalid},
		{name: "fail/title-too-long", add: mutate(func(c *wallet.Credential) { c.Title = strings.Repeat("x", wallet.MaxTextBytes+1) }), want: wallet.ErrInvalid},
		{name: "fail/too-many-skills", add: mutate(func(c *wallet.Credential) { c.Skills = make([]wallet.Skill, wallet.MaxListItems+1) }), want: wallet.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			existing := add(t, s, tt.existing...)
			c := tt.add
			err := s.AddCredential(t.Context(), &c)
			wantErr(t, "add", err, tt.want)
			if tt.want != nil {
				if c.ID != 0 {
					t.Errorf("failed add set ID %d", c.ID)
				}
				if n := count(t, s); n != len(existing) {
					t.Errorf("%d credentials after a failed add, want %d", n, len(existing))
				}
				if errors.Is(tt.want, wallet.ErrDuplicate) {
					var dup *wallet.DuplicateError
					if !errors.As(err, &dup) {
						t.Fatalf("duplicate error %v is not a *wallet.DuplicateError", err)
					}
					diff(t, "duplicate", *dup, wallet.DuplicateError{ID: existing[tt.dupOf].ID, Same: tt.dupSame})
				}
				return
			}
			if c.ID == 0 {
				t.Fatal("add did not set ID")
			}
			for _, e := range existing {
				if e.ID == c.ID {
					t.Fatalf("ID %d reused", c.ID)
				}
			}
			if c.Digest != wallet.Digest(tt.add.Raw) {
				t.Errorf("digest %x, want SHA-256 of the bytes", c.Digest)
			}
			got, err := s.Credential(t.Context(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			diff(t, "stored credential", got, c)
			if string(got.Raw) != string(tt.add.Raw) {
				t.Error("bytes changed in the store")
			}
		})
	}
}

func testGetCredential(t *testing.T, open opener) {
	s := open(t)
	cs := add(t, s, NewCredential(0), NewCredential(1))
	tests := []struct {
		name string
		id   int64
		want error
	}{
		{"ok/first", cs[0].ID, nil},
		{"ok/second", cs[1].ID, nil},
		{"fail/missing", cs[1].ID + 100, wallet.ErrNotFound},
		{"fail/zero", 0, wallet.ErrNotFound},
		{"fail/negative", -1, wallet.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Credential(t.Context(), tt.id)
			wantErr(t, "get", err, tt.want)
			if tt.want == nil && got.ID != tt.id {
				t.Errorf("got #%d, want #%d", got.ID, tt.id)
			}
		})
	}
}

func testSetVerification(t *testing.T, open opener) {
	report := json.RawMessage(`{"verified":false,"checks":[{"check":"status","ok":false,"detail":"revoked"}],"errors":[]}`)
	tests := []struct {
		name    string
		v       wallet.Verification
		missing bool
		want    error
	}{
		{name: "ok/verified", v: wallet.Verification{Status: wallet.StatusVerified, At: day(2026, 9, 3), Report: json.RawMessage(`{"verified":true}`)}},
		{name: "ok/revoked-later", v: wallet.Verification{Status: wallet.StatusFailed, At: day(2026, 10, 1), Report: report}},
		{name: "ok/no-report", v: wallet.Verification{Status: wallet.StatusUnchecked}},
		{name: "fail/missing", v: wallet.Verification{Status: wallet.StatusVerified}, missing: true, want: wallet.ErrNotFound},
		{name: "fail/unknown-status", v: wallet.Verification{Status: "ok"}, want: wallet.ErrInvalid},
		{name: "fail/report-too-large", v: wallet.Verification{Status: wallet.StatusFailed, Report: make([]byte, wallet.MaxReportBytes+1)}, want: wallet.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			c := NewCredential(1)
			c.Report = json.RawMessage(`{"verified":true,"first":true}`)
			c.Status, c.VerifiedAt = wallet.StatusVerified, day(2026, 9, 2)
			c = add(t, s, c)[0]
			id := c.ID
			if tt.missing {
				id += 1000
			}
			err := s.SetVerification(t.Context(), id, tt.v)
			wantErr(t, "set verification", err, tt.want)
			got, err := s.Credential(t.Context(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := c
			if tt.want == nil {
				want.Status, want.VerifiedAt, want.Report = tt.v.Status, tt.v.At, tt.v.Report
			}
			diff(t, "credential", got, want)
		})
	}
}

func testDeleteCredential(t *testing.T, open opener) {
	tests := []struct {
		name        string
		inPortfolio bool
		missing     bool
		want        error
	}{
		{name: "ok/delete"},
		{name: "fail/missing", missing: true, want: wallet.ErrNotFound},
		{name: "fail/in-portfolio", inPortfolio: true, want: wallet.ErrInUse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			cs := add(t, s, NewCredential(0), NewCredential(1))
			victim := cs[0]
			if tt.inPortfolio {
				p, err := s.CreatePortfolio(t.Context(), "Nursing jobs", day(2026, 9, 4))
				if err != nil {
					t.Fatal(err)
				}
				if err := s.AddToPortfolio(t.Context(), p.ID, victim.ID, "CNA"); err != nil {
					t.Fatal(err)
				}
			}
			id := victim.ID
			if tt.missing {
				id += 1000
			}
			err := s.DeleteCredential(t.Context(), id)
			wantErr(t, "delete", err, tt.want)
			_, getErr := s.Credential(t.Context(), victim.ID)
			p, searchErr := s.Search(t.Context(), wallet.Query{Text: victim.Title})
			if searchErr != nil {
				t.Fatal(searchErr)
			}
			if tt.want != nil {
				if getErr != nil || len(p.Entries) != 1 {
					t.Fatalf("after a failed delete: get %v, search found %d", getErr, len(p.Entries))
				}
				return
			}
			if !errors.Is(getErr, wallet.ErrNotFound) {
				t.Errorf("get after delete: %v, want ErrNotFound", getErr)
			}
			if len(p.Entries) != 0 {
				t.Errorf("search still finds the deleted credential: %+v", p.Entries)
			}
			if n := count(t, s); n != 1 {
				t.Errorf("%d credentials left, want 1", n)
			}
			if err := s.DeleteCredential(t.Context(), victim.ID); !errors.Is(err, wallet.ErrNotFound) {
				t.Errorf("second delete: %v, want ErrNotFound", err)
			}
			// The same bytes can come back.
			again := NewCredential(0)
			if err := s.AddCredential(t.Context(), &again); err != nil {
				t.Fatalf("add again after delete: %v", err)
			}
		})
	}
}

func testTx(t *testing.T, open opener) {
	batch := func(n int, bad int, f func(c *wallet.Credential)) []wallet.Credential {
		cs := make([]wallet.Credential, n)
		for i := range cs {
			cs[i] = NewCredential(100 + i)
			if i == bad {
				f(&cs[i])
			}
		}
		return cs
	}
	importAll := func(cs []wallet.Credential) func(tx wallet.Ops, t *testing.T, _ wallet.Credential) error {
		return func(tx wallet.Ops, t *testing.T, _ wallet.Credential) error {
			for i := range cs {
				c := cs[i]
				if err := tx.AddCredential(t.Context(), &c); err != nil {
					return fmt.Errorf("item %d: %w", i, err)
				}
			}
			return nil
		}
	}
	tests := []struct {
		name    string
		fn      func(tx wallet.Ops, t *testing.T, stored wallet.Credential) error
		want    error
		wantAdd int
	}{
		{name: "ok/batch", fn: importAll(batch(600, -1, nil)), wantAdd: 600},
		{name: "fail/invalid-500th-item", fn: importAll(batch(600, 499, func(c *wallet.Credential) { c.Kind = "bogus" })), want: wallet.ErrInvalid},
		{name: "fail/duplicate-500th-item", fn: importAll(batch(600, 499, func(c *wallet.Credential) { c.Raw = NewCredential(110).Raw })), want: wallet.ErrDuplicate},
		{name: "fail/duplicate-of-stored", fn: importAll(batch(10, 9, func(c *wallet.Credential) { *c = NewCredential(0) })), want: wallet.ErrDuplicate},
		{name: "fail/fn-error-undoes-every-kind-of-write", want: errStop, fn: func(tx wallet.Ops, t *testing.T, stored wallet.Credential) error {
			ctx := t.Context()
			c := NewCredential(100)
			if err := tx.AddCredential(ctx, &c); err != nil {
				return err
			}
			p, err := tx.CreatePortfolio(ctx, "Applications", day(2026, 9, 1))
			if err != nil {
				return err
			}
			_, qerr := tx.Enqueue(ctx, wallet.Action{Kind: "status-refresh"})
			err = errors.Join(qerr,
				tx.AddToPortfolio(ctx, p.ID, c.ID, ""),
				tx.SetSetting(ctx, "theme", "dark"),
				tx.PutCached(ctx, wallet.Cached{Kind: wallet.CacheDIDDocument, Key: "did:web:x", Data: []byte("{}")}),
				tx.AddHolderKey(ctx, wallet.HolderKey{DID: "did:key:zTx", Sealed: []byte{1}}),
				tx.DeleteCredential(ctx, stored.ID),
			)
			if err != nil {
				return err
			}
			return errStop
		}},
		{name: "ok/failed-method-inside-changes-nothing", wantAdd: 2, fn: func(tx wallet.Ops, t *testing.T, _ wallet.Credential) error {
			a, b, dup := NewCredential(100), NewCredential(101), NewCredential(100)
			if err := tx.AddCredential(t.Context(), &a); err != nil {
				return err
			}
			if err := tx.AddCredential(t.Context(), &dup); !errors.Is(err, wallet.ErrDuplicate) {
				return fmt.Errorf("duplicate inside Tx: %v", err)
			}
			bad := NewCredential(102)
			bad.Status = "nope"
			if err := tx.AddCredential(t.Context(), &bad); !errors.Is(err, wallet.ErrInvalid) {
				return fmt.Errorf("invalid inside Tx: %v", err)
			}
			if err := tx.DeleteCredential(t.Context(), 424242); !errors.Is(err, wallet.ErrNotFound) {
				return fmt.Errorf("delete missing inside Tx: %v", err)
			}
			return tx.AddCredential(t.Context(), &b)
		}},
		{name: "ok/reads-own-writes", wantAdd: 1, fn: func(tx wallet.Ops, t *testing.T, _ wallet.Credential) error {
			c := NewCredential(100)
			if err := tx.AddCredential(t.Context(), &c); err != nil {
				return err
			}
			if _, err := tx.Credential(t.Context(), c.ID); err != nil {
				return fmt.Errorf("read inside Tx: %w", err)
			}
			p, err := tx.Search(t.Context(), wallet.Query{Text: c.Title})
			if err != nil || len(p.Entries) != 1 {
				return fmt.Errorf("search inside Tx: %d entries, %v", len(p.Entries), err)
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			stored := add(t, s, NewCredential(0))
			err := s.Tx(t.Context(), func(tx wallet.Ops) error { return tt.fn(tx, t, stored[0]) })
			wantErr(t, "Tx", err, tt.want)
			if n, want := count(t, s), len(stored)+tt.wantAdd; n != want {
				t.Errorf("%d credentials after Tx, want %d", n, want)
			}
			if tt.want == nil {
				return
			}
			if _, err := s.Credential(t.Context(), stored[0].ID); err != nil {
				t.Errorf("credential stored before the Tx: %v", err)
			}
			if ps, err := s.Portfolios(t.Context()); err != nil || len(ps) != 0 {
				t.Errorf("portfolios after a rolled back Tx: %v, %v", ps, err)
			}
			if _, err := s.Setting(t.Context(), "theme"); !errors.Is(err, wallet.ErrNotFound) {
				t.Errorf("setting after a rolled back Tx: %v", err)
			}
			if _, err := s.Cached(t.Context(), wallet.CacheDIDDocument, "did:web:x"); !errors.Is(err, wallet.ErrNotFound) {
				t.Errorf("cache after a rolled back Tx: %v", err)
			}
			if ks, err := s.HolderKeys(t.Context()); err != nil || len(ks) != 0 {
				t.Errorf("keys after a rolled back Tx: %v, %v", ks, err)
			}
			if as, err := s.PendingActions(t.Context(), 10); err != nil || len(as) != 0 {
				t.Errorf("actions after a rolled back Tx: %v, %v", as, err)
			}
		})
	}

	t.Run("fail/panic", func(t *testing.T) {
		s := open(t)
		func() {
			defer func() {
				if r := recover(); r != errStop {
					t.Errorf("recovered %v, want the panic of fn", r)
				}
			}()
			s.Tx(t.Context(), func(tx wallet.Ops) error {
				add(t, tx, NewCredential(1), NewCredential(2))
				panic(errStop)
			})
		}()
		if n := count(t, s); n != 0 {
			t.Errorf("%d credentials after a panic in Tx", n)
		}
		add(t, s, NewCredential(1)) // still usable
	})

	t.Run("ok/others-see-all-or-none", func(t *testing.T) {
		s := open(t)
		const n = 100
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var seen sync.Map
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				p, err := s.Search(t.Context(), wallet.Query{Limit: wallet.MaxLimit})
				if err != nil {
					t.Errorf("search beside Tx: %v", err)
					return
				}
				seen.Store(len(p.Entries), true)
				select {
				case <-stop:
					return
				default:
				}
			}
		}()
		err := s.Tx(t.Context(), func(tx wallet.Ops) error {
			for i := range n {
				c := NewCredential(i)
				if err := tx.AddCredential(t.Context(), &c); err != nil {
					return err
				}
			}
			return nil
		})
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		seen.Range(func(k, _ any) bool {
			if k != 0 && k != n {
				t.Errorf("a reader saw %d of the %d credentials of a Tx", k, n)
			}
			return true
		})
		if c := count(t, s); c != n {
			t.Errorf("%d credentials, want %d", c, n)
		}
	})
}
