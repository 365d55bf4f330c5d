package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/satchel-wallet/satchel/issuer/store"
)

func testStatusLists(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "sierra-vista", "jst")
	list := func(id, inst, purpose string, n int) store.StatusList {
		l := NewStatusList(id, inst, purpose)
		l.Created = at(n)
		return l
	}
	storedList := func(l store.StatusList) store.StatusList { l.Created = stored(l.Created); return l }
	tests := []struct {
		name string
		l    store.StatusList
		want error
	}{
		{name: "ok/revocation-2", l: list("sv-revocation-2", "sierra-vista", store.PurposeRevocation, 1)},
		{name: "ok/suspension-1", l: list("sv-suspension-1", "sierra-vista", store.PurposeSuspension, 0)},
		{name: "ok/revocation-1-older", l: list("sv-revocation-1", "sierra-vista", store.PurposeRevocation, 0)},
		{name: "ok/other-institution", l: list("jst-revocation-1", "jst", store.PurposeRevocation, 0)},
		{name: "fail/id-in-use", l: list("sv-revocation-1", "jst", store.PurposeRevocation, 2), want: store.ErrDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "add list", s.AddStatusList(ctx, tt.l), tt.want)
			if tt.want != nil {
				return
			}
			got, err := s.StatusList(ctx, tt.l.ID)
			must(t, "status list", err)
			diff(t, "list", got, storedList(tt.l))
		})
	}
	t.Run("ok/by-purpose-oldest-first", func(t *testing.T) {
		got, err := s.StatusLists(ctx, "sierra-vista", store.PurposeRevocation)
		must(t, "status lists", err)
		diff(t, "revocation lists", got, []store.StatusList{
			storedList(list("sv-revocation-1", "sierra-vista", store.PurposeRevocation, 0)),
			storedList(list("sv-revocation-2", "sierra-vista", store.PurposeRevocation, 1)),
		})
		got, err = s.StatusLists(ctx, "jst", store.PurposeSuspension)
		must(t, "status lists", err)
		if got != nil {
			t.Errorf("jst's suspension lists: %v, want nil", got)
		}
	})
	t.Run("fail/unknown", func(t *testing.T) {
		_, err := s.StatusList(ctx, "nope")
		wantErr(t, "status list", err, store.ErrNotFound)
	})
}

func testReserveIndices(t *testing.T, open opener) {
	ctx := t.Context()
	s := withList(t, open)
	const list = "svc-revocation-1"
	size := NewStatusList(list, "svc", store.PurposeRevocation).Size
	tests := []struct {
		name         string
		list         string
		candidates   []int64
		want         []int64
		wantReserved int64
		wantErr      error
	}{
		{name: "ok/free", list: list, candidates: []int64{70000, 5, 131071}, want: []int64{70000, 5, 131071}, wantReserved: 3},
		{name: "ok/none", list: list, candidates: nil, want: nil, wantReserved: 3},
		{name: "ok/reserved-ones-skipped", list: list, candidates: []int64{5, 6, 70000, 7}, want: []int64{6, 7}, wantReserved: 5},
		{name: "ok/duplicates-once", list: list, candidates: []int64{9, 8, 9, 8, 9}, want: []int64{9, 8}, wantReserved: 7},
		{name: "ok/out-of-range-skipped", list: list, candidates: []int64{-1, size, size + 1, 10, 1 << 40}, want: []int64{10}, wantReserved: 8},
		{name: "ok/nothing-free", list: list, candidates: []int64{5, 6, -3}, want: nil, wantReserved: 8},
		{name: "ok/zero", list: list, candidates: []int64{0}, want: []int64{0}, wantReserved: 9},
		{name: "fail/unknown-list", list: "nope", candidates: []int64{1}, wantErr: store.ErrNotFound, wantReserved: 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ReserveIndices(ctx, tt.list, tt.candidates)
			wantErr(t, "reserve", err, tt.wantErr)
			diff(t, "reserved", got, tt.want)
			l, err := s.StatusList(ctx, list)
			must(t, "status list", err)
			if l.Reserved != tt.wantReserved {
				t.Errorf("Reserved = %d, want %d", l.Reserved, tt.wantReserved)
			}
			if l.Version != 0 {
				t.Errorf("Version = %d after reserving, want 0", l.Version)
			}
		})
	}
	t.Run("ok/using-does-not-count-again", func(t *testing.T) {
		must(t, "add", s.AddCredential(ctx, NewCredential("urn:uuid:1", "svc", revocation(5))))
		l, err := s.StatusList(ctx, list)
		must(t, "status list", err)
		if l.Reserved != 9 {
			t.Errorf("Reserved = %d after using a reserved index, want 9", l.Reserved)
		}
	})
}

func testAddCredential(t *testing.T, open opener) {
	ctx := t.Context()
	s := withList(t, open, 1, 2, 3, 4, 5, 6, 7, 8, 9)
	must(t, "add suspension list", s.AddStatusList(ctx, NewStatusList("svc-suspension-1", "svc", store.PurposeSuspension)))
	reserve(t, s, "svc-suspension-1", 1, 2)
	must(t, "add other institution", s.CreateInstitution(ctx, NewInstitution("other")))
	must(t, "add other list", s.AddStatusList(ctx, NewStatusList("other-revocation-1", "other", store.PurposeRevocation)))
	reserve(t, s, "other-revocation-1", 1)
	suspension := func(idx int64) store.StatusEntry {
		return store.StatusEntry{List: "svc-suspension-1", Purpose: store.PurposeSuspension, Index: idx}
	}
	clr := NewCredential("urn:uuid:clr", "svc")
	clr.Kind, clr.Record, clr.RecordBody, clr.Mapping, clr.Subject, clr.Format = store.KindCLR, "", nil, nil, "", "jwt"
	clr.Body = []byte("eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln")
	withBatch := NewCredential("urn:uuid:batch", "svc", revocation(9))
	withBatch.Batch = "b-1"

	tests := []struct {
		name string
		c    store.Credential
		want error
	}{
		{name: "ok/one-entry", c: NewCredential("urn:uuid:1", "svc", revocation(1))},
		{name: "ok/two-entries", c: NewCredential("urn:uuid:2", "svc", revocation(2), suspension(1))},
		{name: "ok/entries-kept-in-order", c: NewCredential("urn:uuid:3", "svc", suspension(2), revocation(3))},
		{name: "ok/no-entries", c: NewCredential("urn:uuid:4", "svc")},
		{name: "ok/clr", c: clr},
		{name: "ok/batch", c: withBatch},
		{name: "fail/id-in-use", c: NewCredential("urn:uuid:1", "svc", revocation(4)), want: store.ErrDuplicate},
		{name: "fail/index-not-reserved", c: NewCredential("urn:uuid:5", "svc", revocation(100)), want: store.ErrInvalid},
		{name: "fail/index-used", c: NewCredential("urn:uuid:5", "svc", revocation(1)), want: store.ErrInvalid},
		{name: "fail/second-entry-used", c: NewCredential("urn:uuid:5", "svc", revocation(5), suspension(1)), want: store.ErrInvalid},
		{name: "fail/same-index-twice", c: NewCredential("urn:uuid:5", "svc", revocation(6), revocation(6)), want: store.ErrInvalid},
		{name: "fail/unknown-list", c: NewCredential("urn:uuid:5", "svc", store.StatusEntry{List: "nope", Purpose: store.PurposeRevocation, Index: 1}), want: store.ErrInvalid},
		{name: "fail/purpose-not-the-lists", c: NewCredential("urn:uuid:5", "svc", store.StatusEntry{List: "svc-revocation-1", Purpose: store.PurposeSuspension, Index: 7}), want: store.ErrInvalid},
		{name: "fail/two-entries-one-purpose", c: NewCredential("urn:uuid:5", "svc", revocation(7), revocation(8)), want: store.ErrInvalid},
		{name: "fail/other-institutions-list", c: NewCredential("urn:uuid:5", "svc", store.StatusEntry{List: "other-revocation-1", Purpose: store.PurposeRevocation, Index: 1}), want: store.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.AddCredential(ctx, tt.c)
			wantErr(t, "add credential", err, tt.want)
			got, gerr := s.Credential(ctx, tt.c.ID)
			if tt.want == nil {
				must(t, "read back", gerr)
				diff(t, "credential", got, storedCredential(tt.c))
				return
			}
			if tt.c.ID == "urn:uuid:5" && !errors.Is(gerr, store.ErrNotFound) {
				t.Errorf("a refused credential was stored: %v", gerr)
			}
		})
	}
	t.Run("ok/refusals-left-their-indices-free", func(t *testing.T) {
		// Every index the refused credentials named that was reserved and
		// unused is still usable.
		c := NewCredential("urn:uuid:6", "svc", revocation(5))
		must(t, "add", s.AddCredential(ctx, c))
		c = NewCredential("urn:uuid:7", "svc", revocation(6))
		must(t, "add", s.AddCredential(ctx, c))
		c = NewCredential("urn:uuid:8", "svc", revocation(7))
		must(t, "add", s.AddCredential(ctx, c))
	})
	t.Run("ok/set-on-input-is-ignored", func(t *testing.T) {
		e := revocation(8)
		e.Set = true
		must(t, "add", s.AddCredential(ctx, NewCredential("urn:uuid:9", "svc", e)))
		got, err := s.Credential(ctx, "urn:uuid:9")
		must(t, "read back", err)
		if got.Revoked() {
			t.Error("a new credential is revoked")
		}
		_, version, err := s.SetIndices(ctx, "svc-revocation-1")
		must(t, "set indices", err)
		if version != 0 {
			t.Errorf("list version %d after adding credentials, want 0", version)
		}
	})
	t.Run("fail/unknown", func(t *testing.T) {
		_, err := s.Credential(ctx, "urn:uuid:404")
		wantErr(t, "credential", err, store.ErrNotFound)
	})
}

func testCredentialsQuery(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "svc", "jst")
	type spec struct{ id, inst, learner, record, batch, kind string }
	specs := []spec{
		{"urn:uuid:a", "svc", "L-1", "R-1", "b-1", store.KindAchievement},
		{"urn:uuid:b", "jst", "L-1", "R-1", "b-2", store.KindAchievement},
		{"urn:uuid:c", "svc", "L-2", "R-2", "b-1", store.KindAchievement},
		{"urn:uuid:d", "svc", "L-1", "", "", store.KindCLR},
		{"urn:uuid:e", "svc", "L-1", "R-3", "b-3", store.KindAchievement},
	}
	for i, sp := range specs {
		c := NewCredential(sp.id, sp.inst)
		c.Learner, c.Record, c.Batch, c.Kind = sp.learner, sp.record, sp.batch, sp.kind
		// Issue order is the order of issuing, whatever the Issued
		// dates say.
		c.Issued = at(-i)
		must(t, "add", s.AddCredential(ctx, c))
	}
	tests := []struct {
		name string
		q    store.CredentialQuery
		want []string
	}{
		{name: "ok/all", q: store.CredentialQuery{}, want: []string{"a", "b", "c", "d", "e"}},
		{name: "ok/institution", q: store.CredentialQuery{Institution: "svc"}, want: []string{"a", "c", "d", "e"}},
		{name: "ok/learner", q: store.CredentialQuery{Institution: "svc", Learner: "L-1"}, want: []string{"a", "d", "e"}},
		{name: "ok/learner-any-institution", q: store.CredentialQuery{Learner: "L-1"}, want: []string{"a", "b", "d", "e"}},
		{name: "ok/record", q: store.CredentialQuery{Institution: "svc", Record: "R-1"}, want: []string{"a"}},
		{name: "ok/batch", q: store.CredentialQuery{Batch: "b-1"}, want: []string{"a", "c"}},
		{name: "ok/kind", q: store.CredentialQuery{Kind: store.KindCLR}, want: []string{"d"}},
		{name: "ok/limit", q: store.CredentialQuery{Institution: "svc", Limit: 2}, want: []string{"a", "c"}},
		{name: "ok/limit-above-count", q: store.CredentialQuery{Limit: 50}, want: []string{"a", "b", "c", "d", "e"}},
		{name: "ok/no-match", q: store.CredentialQuery{Institution: "jst", Kind: store.KindCLR}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Credentials(ctx, tt.q)
			must(t, "credentials", err)
			if got == nil != (tt.want == nil) {
				t.Errorf("credentials: %d, nil %v; want nil %v", len(got), got == nil, tt.want == nil)
			}
			var ids []string
			for _, c := range got {
				ids = append(ids, c.ID[len("urn:uuid:"):])
			}
			diff(t, "credentials", ids, tt.want)
		})
	}
	t.Run("ok/full-credentials", func(t *testing.T) {
		got, err := s.Credentials(ctx, store.CredentialQuery{Record: "R-2"})
		must(t, "credentials", err)
		want := NewCredential("urn:uuid:c", "svc")
		want.Learner, want.Record, want.Batch, want.Issued = "L-2", "R-2", "b-1", stored(at(-2))
		diff(t, "credentials", got, []store.Credential{want})
	})
}

// testCredentialsMaxList stores MaxList+1 credentials and checks that one
// list holds at most MaxList, whatever the Limit asked.
func testCredentialsMaxList(t *testing.T, open opener) {
	if testing.Short() {
		t.Skip("stores MaxList+1 credentials; skipped with -short")
	}
	ctx := t.Context()
	s := withInstitutions(t, open, "svc")
	// Small bodies: the rows' number is the point, not their size.
	err := s.Tx(ctx, func(tx store.Ops) error {
		for i := range store.MaxList + 1 {
			c := store.Credential{ID: fmt.Sprintf("urn:uuid:%05d", i), Institution: "svc", Learner: "L-1", Kind: store.KindAchievement, Format: "jwt", Body: []byte("x"), Issued: T0}
			if err := tx.AddCredential(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	must(t, "add", err)
	for _, limit := range []int{0, store.MaxList + 1} {
		got, err := s.Credentials(ctx, store.CredentialQuery{Limit: limit})
		must(t, "credentials", err)
		if len(got) != store.MaxList {
			t.Fatalf("limit %d: %d credentials, want MaxList = %d", limit, len(got), store.MaxList)
		}
		if got[0].ID != "urn:uuid:00000" || got[len(got)-1].ID != fmt.Sprintf("urn:uuid:%05d", store.MaxList-1) {
			t.Errorf("limit %d: first %s, last %s: not the first MaxList in issue order", limit, got[0].ID, got[len(got)-1].ID)
		}
	}
}

func testSetStatus(t *testing.T, open opener) {
	ctx := t.Context()
	s := withList(t, open, 10, 3, 7)
	must(t, "add suspension list", s.AddStatusList(ctx, NewStatusList("svc-suspension-1", "svc", store.PurposeSuspension)))
	reserve(t, s, "svc-suspension-1", 3)
	sus := store.StatusEntry{List: "svc-suspension-1", Purpose: store.PurposeSuspension, Index: 3}
	must(t, "add a", s.AddCredential(ctx, NewCredential("urn:uuid:a", "svc", revocation(10), sus)))
	must(t, "add b", s.AddCredential(ctx, NewCredential("urn:uuid:b", "svc", revocation(3))))
	must(t, "add c", s.AddCredential(ctx, NewCredential("urn:uuid:c", "svc", revocation(7))))
	must(t, "add d", s.AddCredential(ctx, NewCredential("urn:uuid:d", "svc")))

	// Steps run in order, each on the state the previous left.
	steps := []struct {
		name        string
		credential  string
		purpose     string
		on          bool
		reason      string
		want        error
		wantSet     []int64
		wantVersion int64
	}{
		{name: "ok/revoke", credential: "urn:uuid:a", purpose: store.PurposeRevocation, on: true, reason: "issued in error", wantSet: []int64{10}, wantVersion: 1},
		{name: "ok/revoke-again-same-version", credential: "urn:uuid:a", purpose: store.PurposeRevocation, on: true, reason: "still in error", wantSet: []int64{10}, wantVersion: 1},
		{name: "ok/revoke-another", credential: "urn:uuid:b", purpose: store.PurposeRevocation, on: true, reason: "fraud", wantSet: []int64{3, 10}, wantVersion: 2},
		{name: "ok/clear-unset-same-version", credential: "urn:uuid:c", purpose: store.PurposeRevocation, on: false, reason: "checked", wantSet: []int64{3, 10}, wantVersion: 2},
		{name: "ok/set-third", credential: "urn:uuid:c", purpose: store.PurposeRevocation, on: true, reason: "r", wantSet: []int64{3, 7, 10}, wantVersion: 3},
		{name: "ok/clear", credential: "urn:uuid:a", purpose: store.PurposeRevocation, on: false, reason: "reinstated", wantSet: []int64{3, 7}, wantVersion: 4},
		{name: "ok/other-list-does-not-count", credential: "urn:uuid:a", purpose: store.PurposeSuspension, on: true, reason: "hold", wantSet: []int64{3, 7}, wantVersion: 4},
		{name: "fail/unknown-credential", credential: "urn:uuid:404", purpose: store.PurposeRevocation, on: true, want: store.ErrNotFound, wantSet: []int64{3, 7}, wantVersion: 4},
		{name: "fail/no-entry-of-purpose", credential: "urn:uuid:b", purpose: store.PurposeSuspension, on: true, want: store.ErrNotFound, wantSet: []int64{3, 7}, wantVersion: 4},
		{name: "fail/no-entries", credential: "urn:uuid:d", purpose: store.PurposeRevocation, on: true, want: store.ErrNotFound, wantSet: []int64{3, 7}, wantVersion: 4},
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			err := s.SetStatus(ctx, st.credential, st.purpose, st.on, st.reason, at(i))
			wantErr(t, "set status", err, st.want)
			set, version, err := s.SetIndices(ctx, "svc-revocation-1")
			must(t, "set indices", err)
			diff(t, "set indices", set, st.wantSet)
			if version != st.wantVersion {
				t.Errorf("version %d, want %d", version, st.wantVersion)
			}
			l, err := s.StatusList(ctx, "svc-revocation-1")
			must(t, "status list", err)
			if l.Version != st.wantVersion {
				t.Errorf("StatusList.Version %d, want %d", l.Version, st.wantVersion)
			}
			if st.want != nil {
				return
			}
			c, err := s.Credential(ctx, st.credential)
			must(t, "credential", err)
			if c.Reason != st.reason {
				t.Errorf("reason %q, want %q", c.Reason, st.reason)
			}
			for _, e := range c.Status {
				if e.Purpose == st.purpose && e.Set != st.on {
					t.Errorf("entry %+v: Set %v, want %v", e, e.Set, st.on)
				}
			}
		})
	}
	t.Run("ok/credential-status", func(t *testing.T) {
		a, err := s.Credential(ctx, "urn:uuid:a")
		must(t, "credential", err)
		diff(t, "status of a", a.Status, []store.StatusEntry{revocation(10), {List: sus.List, Purpose: sus.Purpose, Index: 3, Set: true}})
		if a.Revoked() || !a.Suspended() {
			t.Errorf("a: revoked %v suspended %v, want false true", a.Revoked(), a.Suspended())
		}
		all, err := s.Credentials(ctx, store.CredentialQuery{Institution: "svc"})
		must(t, "credentials", err)
		var revoked []string
		for _, c := range all {
			if c.Revoked() {
				revoked = append(revoked, c.ID)
			}
		}
		diff(t, "revoked in a list", revoked, []string{"urn:uuid:b", "urn:uuid:c"})
	})
	t.Run("ok/empty-list", func(t *testing.T) {
		must(t, "add list", s.AddStatusList(ctx, NewStatusList("svc-revocation-2", "svc", store.PurposeRevocation)))
		set, version, err := s.SetIndices(ctx, "svc-revocation-2")
		must(t, "set indices", err)
		if set != nil || version != 0 {
			t.Errorf("a new list: %v, version %d; want nil, 0", set, version)
		}
	})
	t.Run("fail/set-indices-unknown-list", func(t *testing.T) {
		_, _, err := s.SetIndices(ctx, "nope")
		wantErr(t, "set indices", err, store.ErrNotFound)
	})
}

func testListCredential(t *testing.T, open opener) {
	ctx := t.Context()
	s := withList(t, open)
	const list = "svc-revocation-1"
	if _, _, err := s.ListCredential(ctx, list); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("list credential before any: %v, want ErrNotFound", err)
	}
	steps := []struct {
		name        string
		version     int64
		body        string
		wantBody    string
		wantVersion int64
	}{
		{name: "ok/first", version: 1, body: "v1", wantBody: "v1", wantVersion: 1},
		{name: "ok/newer", version: 3, body: "v3", wantBody: "v3", wantVersion: 3},
		{name: "ok/older-ignored", version: 2, body: "v2", wantBody: "v3", wantVersion: 3},
		{name: "ok/much-older-ignored", version: 0, body: "v0", wantBody: "v3", wantVersion: 3},
		{name: "ok/same-version-resigned", version: 3, body: "v3-again", wantBody: "v3-again", wantVersion: 3},
		{name: "ok/newest", version: 4, body: "v4", wantBody: "v4", wantVersion: 4},
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			must(t, "put", s.PutListCredential(ctx, list, st.version, []byte(st.body), at(i)))
			body, version, err := s.ListCredential(ctx, list)
			must(t, "list credential", err)
			if string(body) != st.wantBody || version != st.wantVersion {
				t.Errorf("got %q version %d, want %q version %d", body, version, st.wantBody, st.wantVersion)
			}
		})
	}
	t.Run("fail/unknown-list", func(t *testing.T) {
		_, _, err := s.ListCredential(ctx, "nope")
		wantErr(t, "list credential", err, store.ErrNotFound)
	})
}
