package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/issuer/store"
)

func testTimes(t *testing.T, open opener) {
	ctx := t.Context()
	s := open(t)
	zones := []*time.Location{time.FixedZone("PST", -8*60*60), time.FixedZone("IST", 5*60*60+30*60), time.UTC}
	tests := []struct {
		name string
		in   time.Time
	}{
		{name: "ok/nanoseconds-dropped", in: time.Date(2026, 3, 2, 9, 30, 15, 123456789, zones[0])},
		{name: "ok/half-hour-zone", in: time.Date(2026, 12, 31, 23, 59, 59, 999999999, zones[1])},
		{name: "ok/utc-micro", in: time.Date(2027, 1, 1, 0, 0, 0, 1000, zones[2])},
		{name: "ok/before-1970", in: time.Date(1969, 7, 20, 20, 17, 40, 999, zones[0])},
		{name: "ok/far-future", in: time.Date(2999, 1, 1, 0, 0, 0, 500, zones[1])},
		{name: "ok/monotonic-reading", in: time.Now()},
	}
	// Each stored time of each kind of record, written and read back.
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slug := "inst-" + string(rune('a'+i))
			in := NewInstitution(slug)
			in.Created = tt.in
			must(t, "create", s.CreateInstitution(ctx, in))
			k := newKey(slug, "key-1", false, tt.in)
			k.Retired = tt.in
			must(t, "key", s.AddKey(ctx, k))
			l := NewStatusList(slug+"-list", slug, store.PurposeRevocation)
			l.Created = tt.in
			must(t, "list", s.AddStatusList(ctx, l))
			must(t, "reserve", errOnly(s.ReserveIndices(ctx, l.ID, []int64{1})))
			c := NewCredential("urn:uuid:"+slug, slug, store.StatusEntry{List: l.ID, Purpose: store.PurposeRevocation, Index: 1})
			c.Issued = tt.in
			must(t, "credential", s.AddCredential(ctx, c))
			o := newOffer(slug)
			o.Institution, o.Credentials, o.Expires, o.Created = slug, []string{c.ID}, tt.in, tt.in
			must(t, "offer", s.AddOffer(ctx, o))
			must(t, "redeem", s.RedeemOffer(ctx, o.CodeHash, hash("token-"+slug), "n", tt.in, tt.in))
			must(t, "audit", s.Audit(ctx, store.AuditEntry{At: tt.in, Actor: "admin", Action: "time.check", Institution: slug}))
			must(t, "learner", s.PutLearner(ctx, store.Learner{Institution: slug, ID: "L-1", Updated: tt.in}))

			var got []time.Time
			gi, err := s.Institution(ctx, slug)
			must(t, "institution", err)
			got = append(got, gi.Created)
			keys, err := s.Keys(ctx, slug)
			must(t, "keys", err)
			got = append(got, keys[0].Created, keys[0].Retired)
			gl, err := s.StatusList(ctx, l.ID)
			must(t, "list", err)
			got = append(got, gl.Created)
			gc, err := s.Credential(ctx, c.ID)
			must(t, "credential", err)
			got = append(got, gc.Issued)
			gorr, err := s.OfferByCode(ctx, o.CodeHash)
			must(t, "offer", err)
			got = append(got, gorr.Expires, gorr.Created, gorr.TokenExpires)
			log, err := s.AuditLog(ctx, slug, 1)
			must(t, "audit", err)
			got = append(got, log[0].At)
			lr, err := s.Learner(ctx, slug, "L-1")
			must(t, "learner", err)
			got = append(got, lr.Updated)

			want := tt.in.Truncate(time.Microsecond).UTC()
			for j, g := range got {
				if !g.Equal(want) {
					t.Errorf("time %d: got %v, want %v", j, g, want)
				}
				if g.Location() != time.UTC {
					t.Errorf("time %d: location %q, want UTC", j, g.Location())
				}
			}
		})
	}
	t.Run("ok/zero-stays-zero", func(t *testing.T) {
		must(t, "create", s.CreateInstitution(ctx, NewInstitution("zero")))
		k := newKey("zero", "key-1", true, time.Time{})
		must(t, "key", s.AddKey(ctx, k))
		o := newOffer("zero", "urn:uuid:zero")
		o.Institution, o.Expires = "zero", time.Time{}
		must(t, "offer", s.AddOffer(ctx, o))
		keys, err := s.Keys(ctx, "zero")
		must(t, "keys", err)
		got, err := s.OfferByCode(ctx, o.CodeHash)
		must(t, "offer", err)
		for what, tm := range map[string]time.Time{"key created": keys[0].Created, "key retired": keys[0].Retired,
			"offer expires": got.Expires, "offer token expires": got.TokenExpires} {
			if !tm.IsZero() {
				t.Errorf("%s: %v, want the zero time", what, tm)
			}
		}
	})
}

func errOnly[T any](_ T, err error) error { return err }

func testBytes(t *testing.T, open opener) {
	ctx := t.Context()
	s := withList(t, open, 1)
	every := make([]byte, 512)
	for i := range every {
		every[i] = byte(i)
	}
	notUTF8 := []byte{0xff, 0xfe, 0, 0, 'a', 0xc3, 0x28, 0}
	t.Run("ok/key", func(t *testing.T) {
		k := newKey("svc", "key-1", true, at(0))
		k.Public, k.Sealed = notUTF8, every
		must(t, "add", s.AddKey(ctx, k))
		keys, err := s.Keys(ctx, "svc")
		must(t, "keys", err)
		diff(t, "key", keys, []store.Key{storedKey(k)})
	})
	t.Run("ok/credential", func(t *testing.T) {
		c := NewCredential("urn:uuid:bytes", "svc", revocation(1))
		c.Body, c.RecordBody, c.Mapping = every, notUTF8, []byte{0}
		must(t, "add", s.AddCredential(ctx, c))
		got, err := s.Credential(ctx, c.ID)
		must(t, "read", err)
		diff(t, "credential", got, storedCredential(c))
	})
	t.Run("ok/hashes", func(t *testing.T) {
		h := make([]byte, 32) // all zeros
		tok := store.Token{Hash: h, Institution: "svc", Created: at(0)}
		must(t, "token", s.AddToken(ctx, tok))
		got, err := s.TokenByHash(ctx, h)
		must(t, "token", err)
		diff(t, "token hash", got.Hash, h)
		o := newOffer("bytes", "urn:uuid:bytes")
		o.CodeHash, o.TxCodeHash = every[:32], notUTF8
		must(t, "offer", s.AddOffer(ctx, o))
		gotO, err := s.OfferByCode(ctx, every[:32])
		must(t, "offer", err)
		diff(t, "offer", gotO, storedOffer(o))
		b := store.Batch{ID: "b", Institution: "svc", IdempotencyKey: "k", RequestHash: every[200:232], Response: notUTF8, Created: at(0)}
		must(t, "batch", s.AddBatch(ctx, b))
		gotB, err := s.BatchByKey(ctx, "svc", "k")
		must(t, "batch", err)
		b.Created = stored(b.Created)
		diff(t, "batch", gotB, b)
		// A hash differing in its last byte finds nothing.
		other := append([]byte(nil), every[:32]...)
		other[31] ^= 1
		if _, err := s.OfferByCode(ctx, other); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("offer by a different hash: %v", err)
		}
	})
	t.Run("ok/list-credential", func(t *testing.T) {
		must(t, "put", s.PutListCredential(ctx, "svc-revocation-1", 1, every, at(0)))
		body, _, err := s.ListCredential(ctx, "svc-revocation-1")
		must(t, "get", err)
		diff(t, "body", body, every)
	})
	t.Run("ok/empty-reads-nil", func(t *testing.T) {
		in := NewInstitution("empty")
		in.Profile = []byte{}
		must(t, "create", s.CreateInstitution(ctx, in))
		got, err := s.Institution(ctx, "empty")
		must(t, "read", err)
		if got.Profile != nil {
			t.Errorf("empty profile read back as %#v, want nil", got.Profile)
		}
	})
}

// testEmptyLists checks that every list method answers nil, not an empty
// slice or map, when there is nothing to list.
func testEmptyLists(t *testing.T, open opener) {
	ctx := t.Context()
	s := open(t)
	check := func(what string, isNil bool, err error) {
		t.Helper()
		must(t, what, err)
		if !isNil {
			t.Errorf("%s: not nil", what)
		}
	}
	ins, err := s.Institutions(ctx)
	check("institutions", ins == nil, err)
	keys, err := s.Keys(ctx, "")
	check("service keys", keys == nil, err)
	must(t, "create", s.CreateInstitution(ctx, NewInstitution("svc")))
	tables, err := s.Tables(ctx, "svc")
	check("tables", tables == nil, err)
	lists, err := s.StatusLists(ctx, "svc", store.PurposeRevocation)
	check("status lists", lists == nil, err)
	cs, err := s.Credentials(ctx, store.CredentialQuery{})
	check("credentials", cs == nil, err)
	log, err := s.AuditLog(ctx, "", 0)
	check("audit log", log == nil, err)
	must(t, "list", s.AddStatusList(ctx, NewStatusList("l", "svc", store.PurposeRevocation)))
	got, err := s.ReserveIndices(ctx, "l", []int64{})
	check("reserve nothing", got == nil, err)
	got, err = s.ReserveIndices(ctx, "l", []int64{-1})
	check("reserve nothing free", got == nil, err)
	set, _, err := s.SetIndices(ctx, "l")
	check("set indices", set == nil, err)
	must(t, "credential", s.AddCredential(ctx, NewCredential("urn:uuid:a", "svc")))
	c, err := s.Credential(ctx, "urn:uuid:a")
	check("credential status", c.Status == nil, err)
	o := newOffer("o", "urn:uuid:a")
	must(t, "offer", s.AddOffer(ctx, o))
	gotO, err := s.OfferByCode(ctx, o.CodeHash)
	check("offer delivered", gotO.Delivered == nil, err)
	check("offer tx code", gotO.TxCodeHash == nil, err)
	check("offer token", gotO.TokenHash == nil, err)
}

// testCancelled checks that a cancelled context stops reads and writes
// and that nothing is written.
func testCancelled(t *testing.T, open opener) {
	s := open(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.CreateInstitution(ctx, NewInstitution("svc")); err == nil {
		t.Error("create with a cancelled context succeeded")
	}
	if _, err := s.Institutions(ctx); err == nil {
		t.Error("list with a cancelled context succeeded")
	}
	if err := s.Tx(ctx, func(tx store.Ops) error { return tx.CreateInstitution(ctx, NewInstitution("svc")) }); err == nil {
		t.Error("Tx with a cancelled context succeeded")
	}
	ins, err := s.Institutions(t.Context())
	must(t, "institutions", err)
	if ins != nil {
		t.Errorf("stored with a cancelled context: %v", ins)
	}
	// And the store still works.
	must(t, "create", s.CreateInstitution(t.Context(), NewInstitution("svc")))
}

// testText checks that text is kept exactly when it is UTF-8, and refused
// (ErrInvalid, nothing stored) when it holds a NUL byte or is not UTF-8,
// which PostgreSQL cannot store: every implementation answers the same.
func testText(t *testing.T, open opener) {
	ctx := t.Context()
	s := withList(t, open, 1)
	must(t, "add", s.AddCredential(ctx, NewCredential("urn:uuid:a", "svc", revocation(1))))
	t.Run("ok/unicode", func(t *testing.T) {
		in := NewInstitution("unicode")
		in.Name = "Collège Sierra Vista — 加州 🎓\t\n"
		must(t, "create", s.CreateInstitution(ctx, in))
		got, err := s.Institution(ctx, "unicode")
		must(t, "read", err)
		diff(t, "name", got.Name, in.Name)
	})
	tests := []struct {
		name string
		fn   func(tx store.Ops) error
	}{
		{"fail/nul-in-name", func(tx store.Ops) error {
			in := NewInstitution("nul")
			in.Name = "Sierra\x00Vista"
			return tx.CreateInstitution(ctx, in)
		}},
		{"fail/not-utf8-in-audit", func(tx store.Ops) error {
			return tx.Audit(ctx, store.AuditEntry{At: at(0), Actor: "admin", Action: "x", Detail: "caf\xe9"})
		}},
		{"fail/nul-in-learner-id", func(tx store.Ops) error {
			return tx.PutLearner(ctx, store.Learner{Institution: "svc", ID: "L-\x00", Updated: at(0)})
		}},
		{"fail/not-utf8-in-reason", func(tx store.Ops) error {
			return tx.SetStatus(ctx, "urn:uuid:a", store.PurposeRevocation, true, "\xff", at(0))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.fn(s)
			if !errors.Is(err, store.ErrInvalid) {
				t.Errorf("on the store: %v, want ErrInvalid", err)
			}
			// Inside a Tx, the refusal leaves the transaction usable.
			err = s.Tx(ctx, func(tx store.Ops) error {
				if err := tt.fn(tx); err == nil {
					return errors.New("succeeded inside Tx")
				}
				return tx.Audit(ctx, store.AuditEntry{At: at(1), Actor: "admin", Action: "after." + tt.name})
			})
			must(t, "Tx", err)
		})
	}
	if _, err := s.Institution(ctx, "nul"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("institution with a NUL in its name: %v, want ErrNotFound", err)
	}
	if c, err := s.Credential(ctx, "urn:uuid:a"); err != nil || c.Revoked() {
		t.Errorf("revoked with a reason that is not UTF-8: %v, %v", c.Revoked(), err)
	}
	if _, version, err := s.SetIndices(ctx, "svc-revocation-1"); err != nil || version != 0 {
		t.Errorf("list version %d, %v after refused changes; want 0", version, err)
	}
	log, err := s.AuditLog(ctx, "", 0)
	must(t, "audit log", err)
	if len(log) != len(tests) {
		t.Errorf("%d audit entries, want the %d written after each refusal", len(log), len(tests))
	}
}
