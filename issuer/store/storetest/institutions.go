package storetest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/issuer/store"
)

// storedInstitution is in as it reads back.
func storedInstitution(in store.Institution) store.Institution {
	in.Created = stored(in.Created)
	return in
}

func testInstitutions(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "sierra-vista", "adult-school")
	tests := []struct {
		name string
		in   store.Institution
		want error
	}{
		{name: "ok/new", in: NewInstitution("jst")},
		{name: "ok/no-profile", in: func() store.Institution { in := NewInstitution("bare"); in.Profile = nil; return in }()},
		{name: "fail/slug-in-use", in: func() store.Institution {
			in := NewInstitution("sierra-vista")
			in.DID = "did:web:etranscript.example:institutions:other"
			return in
		}(), want: store.ErrDuplicate},
		{name: "fail/did-in-use", in: func() store.Institution {
			in := NewInstitution("other")
			in.DID = NewInstitution("adult-school").DID
			return in
		}(), want: store.ErrDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.CreateInstitution(ctx, tt.in)
			wantErr(t, "create", err, tt.want)
			if tt.want != nil {
				return
			}
			got, err := s.Institution(ctx, tt.in.Slug)
			must(t, "read back", err)
			diff(t, "institution", got, storedInstitution(tt.in))
		})
	}
	// A refused institution left nothing behind.
	if _, err := s.Institution(ctx, "other"); err == nil {
		t.Error("the institution refused for its DID was stored")
	}
	if got, _ := s.Institution(ctx, "sierra-vista"); got.DID != NewInstitution("sierra-vista").DID {
		t.Errorf("a refused duplicate changed the stored institution: DID %q", got.DID)
	}

	t.Run("ok/list-by-slug", func(t *testing.T) {
		all, err := s.Institutions(ctx)
		must(t, "list", err)
		var slugs []string
		for _, in := range all {
			slugs = append(slugs, in.Slug)
		}
		diff(t, "slugs", slugs, []string{"adult-school", "bare", "jst", "sierra-vista"})
	})
	t.Run("ok/update", func(t *testing.T) {
		up := NewInstitution("sierra-vista")
		up.Name, up.Profile, up.Format = "Sierra Vista Community College", []byte(`{"renamed":true}`), "jwt"
		// What may not change is ignored.
		up.DID, up.Created = "did:web:elsewhere.example", at(60)
		must(t, "update", s.UpdateInstitution(ctx, up))
		got, err := s.Institution(ctx, "sierra-vista")
		must(t, "read back", err)
		want := storedInstitution(NewInstitution("sierra-vista"))
		want.Name, want.Profile, want.Format = up.Name, up.Profile, up.Format
		diff(t, "updated institution", got, want)
	})
	t.Run("fail/update-unknown", func(t *testing.T) {
		wantErr(t, "update", s.UpdateInstitution(ctx, NewInstitution("nobody")), store.ErrNotFound)
		if _, err := s.Institution(ctx, "nobody"); err == nil {
			t.Error("updating an unknown institution created it")
		}
	})
	t.Run("fail/unknown", func(t *testing.T) {
		_, err := s.Institution(ctx, "nobody")
		wantErr(t, "institution", err, store.ErrNotFound)
	})
}

func newKey(owner, id string, active bool, created time.Time) store.Key {
	return store.Key{
		Owner:   owner,
		ID:      id,
		Type:    "Ed25519",
		Public:  []byte(`{"kty":"OKP","crv":"Ed25519","x":"` + id + `"}`),
		Sealed:  append([]byte{0, 1, 2, 0xff}, id...),
		Active:  active,
		Created: created,
	}
}

func storedKey(k store.Key) store.Key {
	k.Created, k.Retired = stored(k.Created), stored(k.Retired)
	return k
}

func testKeys(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "sierra-vista")
	tests := []struct {
		name string
		key  store.Key
		want error
	}{
		{name: "ok/service-key", key: newKey("", "key-1", true, at(0))},
		{name: "ok/institution-key", key: newKey("sierra-vista", "key-1", true, at(0))},
		{name: "ok/inactive-key", key: func() store.Key {
			k := newKey("sierra-vista", "key-0", false, at(-10))
			k.Retired = at(-5)
			return k
		}()},
		{name: "ok/p-256", key: func() store.Key { k := newKey("", "key-p256", false, at(1)); k.Type = "P-256"; return k }()},
		{name: "fail/id-in-use", key: newKey("sierra-vista", "key-1", false, at(2)), want: store.ErrDuplicate},
		{name: "fail/service-id-in-use", key: newKey("", "key-1", true, at(3)), want: store.ErrDuplicate},
		{name: "fail/unknown-owner", key: newKey("nobody", "key-1", true, at(0)), want: store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "add key", s.AddKey(ctx, tt.key), tt.want)
			if tt.want != nil {
				return
			}
			keys, err := s.Keys(ctx, tt.key.Owner)
			must(t, "keys", err)
			for _, k := range keys {
				if k.ID == tt.key.ID {
					diff(t, "key", k, storedKey(tt.key))
					return
				}
			}
			t.Fatalf("key %s of %q not listed", tt.key.ID, tt.key.Owner)
		})
	}
	t.Run("ok/refused-active-key-retired-nothing", func(t *testing.T) {
		keys, err := s.Keys(ctx, "")
		must(t, "keys", err)
		diff(t, "service keys", keys, []store.Key{storedKey(newKey("", "key-1", true, at(0))), storedKey(func() store.Key {
			k := newKey("", "key-p256", false, at(1))
			k.Type = "P-256"
			return k
		}())})
	})
	t.Run("ok/oldest-first", func(t *testing.T) {
		keys, err := s.Keys(ctx, "sierra-vista")
		must(t, "keys", err)
		var ids []string
		for _, k := range keys {
			ids = append(ids, k.ID)
		}
		diff(t, "key order", ids, []string{"key-0", "key-1"})
	})
	t.Run("ok/no-keys", func(t *testing.T) {
		must(t, "create", s.CreateInstitution(ctx, NewInstitution("keyless")))
		keys, err := s.Keys(ctx, "keyless")
		must(t, "keys", err)
		if keys != nil {
			t.Errorf("keys of a keyless institution: %#v, want nil", keys)
		}
	})
}

func testKeyRotation(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "sierra-vista", "jst")
	k1, k2, k3 := newKey("sierra-vista", "key-1", true, at(0)), newKey("sierra-vista", "key-2", true, at(10)), newKey("sierra-vista", "key-3", true, at(20))
	other := newKey("jst", "key-1", true, at(5))
	service := newKey("", "key-1", true, at(5))
	for _, k := range []store.Key{k1, other, service, k2} {
		must(t, "add "+k.Owner+"/"+k.ID, s.AddKey(ctx, k))
	}
	// An inactive key added later retires nothing.
	spare := newKey("sierra-vista", "key-spare", false, at(15))
	must(t, "add spare", s.AddKey(ctx, spare))
	must(t, "add key-3", s.AddKey(ctx, k3))

	r1, r2 := storedKey(k1), storedKey(k2)
	r1.Active, r1.Retired = false, stored(k2.Created)
	r2.Active, r2.Retired = false, stored(k3.Created)
	got, err := s.Keys(ctx, "sierra-vista")
	must(t, "keys", err)
	diff(t, "after two rotations", got, []store.Key{r1, r2, storedKey(spare), storedKey(k3)})

	// Other owners' keys are not touched.
	for _, k := range []store.Key{other, service} {
		got, err := s.Keys(ctx, k.Owner)
		must(t, "keys", err)
		diff(t, "keys of "+k.Owner, got, []store.Key{storedKey(k)})
	}
}

func testTokens(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "sierra-vista")
	hash := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
	tok := store.Token{Hash: hash("secret-1"), Institution: "sierra-vista", Label: "registrar", Created: at(0)}
	tests := []struct {
		name string
		tok  store.Token
		want error
	}{
		{name: "ok/new", tok: tok},
		{name: "ok/second-token", tok: store.Token{Hash: hash("secret-2"), Institution: "sierra-vista", Label: "registrar", Created: at(1)}},
		{name: "fail/hash-in-use", tok: store.Token{Hash: hash("secret-1"), Institution: "sierra-vista", Label: "other", Created: at(2)}, want: store.ErrDuplicate},
		{name: "fail/unknown-institution", tok: store.Token{Hash: hash("secret-3"), Institution: "nobody", Label: "x", Created: at(2)}, want: store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "add token", s.AddToken(ctx, tt.tok), tt.want)
			if tt.want != nil {
				return
			}
			got, err := s.TokenByHash(ctx, tt.tok.Hash)
			must(t, "token by hash", err)
			want := tt.tok
			want.Created = stored(want.Created)
			diff(t, "token", got, want)
		})
	}
	t.Run("ok/refused-token-left-the-first", func(t *testing.T) {
		got, err := s.TokenByHash(ctx, hash("secret-1"))
		must(t, "token by hash", err)
		if got.Label != "registrar" {
			t.Errorf("label %q after a refused duplicate", got.Label)
		}
	})
	for _, h := range [][]byte{hash("secret-3"), hash("unknown"), nil, bytes.Repeat([]byte{0}, 32)} {
		if _, err := s.TokenByHash(ctx, h); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("token by hash %x: %v, want ErrNotFound", h, err)
		}
	}
}

func testTables(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "sierra-vista", "jst")
	table := func(inst, id, version string, n int) store.Table {
		return store.Table{Institution: inst, TableID: id, Version: version, Body: []byte(`{"id":"` + id + `","version":"` + version + `"}`), Uploaded: at(n)}
	}
	tests := []struct {
		name string
		t    store.Table
		want error
	}{
		{name: "ok/ems-v1", t: table("sierra-vista", "ems", "2025-1", 0)},
		{name: "ok/allied-health", t: table("sierra-vista", "allied-health", "1", 1)},
		{name: "ok/ems-v2", t: table("sierra-vista", "ems", "2026-1", 2)},
		// Versions are kept in upload order, not sorted as strings.
		{name: "ok/ems-v0-uploaded-last", t: table("sierra-vista", "ems", "2024-9", 3)},
		{name: "ok/same-table-other-institution", t: table("jst", "ems", "2025-1", 4)},
		{name: "fail/version-in-use", t: table("sierra-vista", "ems", "2025-1", 5), want: store.ErrDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "add table", s.AddTable(ctx, tt.t), tt.want)
		})
	}
	storedTable := func(tb store.Table) store.Table { tb.Uploaded = stored(tb.Uploaded); return tb }
	got, err := s.Tables(ctx, "sierra-vista")
	must(t, "tables", err)
	diff(t, "tables by ID then upload order", got, []store.Table{
		storedTable(table("sierra-vista", "allied-health", "1", 1)),
		storedTable(table("sierra-vista", "ems", "2025-1", 0)),
		storedTable(table("sierra-vista", "ems", "2026-1", 2)),
		storedTable(table("sierra-vista", "ems", "2024-9", 3)),
	})
	got, err = s.Tables(ctx, "jst")
	must(t, "tables", err)
	diff(t, "tables of jst", got, []store.Table{storedTable(table("jst", "ems", "2025-1", 4))})
}

func testLearners(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "sierra-vista", "jst")
	learner := func(id, did string, n int) store.Learner {
		return store.Learner{Institution: "sierra-vista", ID: id, Body: []byte(`{"id":"` + id + `","n":` + string(rune('0'+n)) + `}`), DID: did, Updated: at(n)}
	}
	storedLearner := func(l store.Learner) store.Learner { l.Updated = stored(l.Updated); return l }
	const did1, did2 = "did:key:z6MkFirst", "did:key:z6MkSecond"
	tests := []struct {
		name string
		puts []store.Learner
		want store.Learner
	}{
		{name: "ok/new", puts: []store.Learner{learner("L-1", "", 0)}, want: learner("L-1", "", 0)},
		{name: "ok/new-with-did", puts: []store.Learner{learner("L-2", did1, 0)}, want: learner("L-2", did1, 0)},
		{name: "ok/replace-keeps-did", puts: []store.Learner{learner("L-3", did1, 0), learner("L-3", "", 1)}, want: learner("L-3", did1, 1)},
		{name: "ok/replace-sets-did", puts: []store.Learner{learner("L-4", "", 0), learner("L-4", did1, 1)}, want: learner("L-4", did1, 1)},
		{name: "ok/replace-changes-did", puts: []store.Learner{learner("L-5", did1, 0), learner("L-5", did2, 1), learner("L-5", "", 2)}, want: learner("L-5", did2, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, l := range tt.puts {
				must(t, "put", s.PutLearner(ctx, l))
			}
			got, err := s.Learner(ctx, "sierra-vista", tt.want.ID)
			must(t, "learner", err)
			diff(t, "learner", got, storedLearner(tt.want))
		})
	}
	t.Run("fail/other-institutions-learner", func(t *testing.T) {
		_, err := s.Learner(ctx, "jst", "L-1")
		wantErr(t, "learner", err, store.ErrNotFound)
	})
	t.Run("fail/unknown", func(t *testing.T) {
		_, err := s.Learner(ctx, "sierra-vista", "L-404")
		wantErr(t, "learner", err, store.ErrNotFound)
	})
	t.Run("ok/same-id-two-institutions", func(t *testing.T) {
		l := learner("L-1", did2, 5)
		l.Institution = "jst"
		must(t, "put", s.PutLearner(ctx, l))
		got, err := s.Learner(ctx, "sierra-vista", "L-1")
		must(t, "learner", err)
		diff(t, "sierra-vista's L-1", got, storedLearner(learner("L-1", "", 0)))
	})
}

func testBatches(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "sierra-vista", "jst")
	batch := func(id, inst, key string) store.Batch {
		h := sha256.Sum256([]byte(id))
		return store.Batch{ID: id, Institution: inst, IdempotencyKey: key, RequestHash: h[:], Response: []byte(`{"batch":"` + id + `"}`), Records: 3, Created: at(0)}
	}
	tests := []struct {
		name string
		b    store.Batch
		want error
	}{
		{name: "ok/new", b: batch("b-1", "sierra-vista", "key-1")},
		{name: "ok/same-key-other-institution", b: batch("b-2", "jst", "key-1")},
		{name: "ok/no-key", b: batch("b-3", "sierra-vista", "")},
		{name: "ok/no-key-again", b: batch("b-4", "sierra-vista", "")},
		{name: "fail/key-in-use", b: batch("b-5", "sierra-vista", "key-1"), want: store.ErrDuplicate},
		{name: "fail/id-in-use", b: batch("b-1", "sierra-vista", "key-2"), want: store.ErrDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "add batch", s.AddBatch(ctx, tt.b), tt.want)
			if tt.want != nil || tt.b.IdempotencyKey == "" {
				return
			}
			got, err := s.BatchByKey(ctx, tt.b.Institution, tt.b.IdempotencyKey)
			must(t, "batch by key", err)
			want := tt.b
			want.Created = stored(want.Created)
			diff(t, "batch", got, want)
		})
	}
	t.Run("ok/refused-batch-left-the-first", func(t *testing.T) {
		got, err := s.BatchByKey(ctx, "sierra-vista", "key-1")
		must(t, "batch by key", err)
		if got.ID != "b-1" {
			t.Errorf("batch for key-1 is %s after a refused duplicate", got.ID)
		}
		if _, err := s.BatchByKey(ctx, "sierra-vista", "key-2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the batch refused for its ID was stored under its key: %v", err)
		}
	})
	for _, q := range []struct{ inst, key string }{{"sierra-vista", "key-404"}, {"sierra-vista", ""}, {"nobody", "key-1"}} {
		t.Run("fail/by-key-"+q.inst+"-"+q.key, func(t *testing.T) {
			_, err := s.BatchByKey(ctx, q.inst, q.key)
			wantErr(t, "batch by key", err, store.ErrNotFound)
		})
	}
}
