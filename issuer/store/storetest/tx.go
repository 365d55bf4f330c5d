package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/satchel-wallet/satchel/issuer/store"
)

// state is what the Tx tests look at after a transaction.
type state struct {
	Institutions []string
	Credentials  []string
	Reserved     int64
	Version      int64
	Audit        int
	Offer        string // the offer's state
	Learner      string // L-1's DID
}

func readState(t *testing.T, s store.Ops) state {
	t.Helper()
	ctx := t.Context()
	var st state
	ins, err := s.Institutions(ctx)
	must(t, "institutions", err)
	for _, in := range ins {
		st.Institutions = append(st.Institutions, in.Slug)
	}
	cs, err := s.Credentials(ctx, store.CredentialQuery{})
	must(t, "credentials", err)
	for _, c := range cs {
		st.Credentials = append(st.Credentials, c.ID)
	}
	l, err := s.StatusList(ctx, "svc-revocation-1")
	must(t, "status list", err)
	st.Reserved, st.Version = l.Reserved, l.Version
	log, err := s.AuditLog(ctx, "", 0)
	must(t, "audit log", err)
	st.Audit = len(log)
	o, err := s.OfferByCode(ctx, hash("code-o"))
	must(t, "offer", err)
	st.Offer = o.State
	lr, err := s.Learner(ctx, "svc", "L-1")
	must(t, "learner", err)
	st.Learner = lr.DID
	return st
}

// txFixture is a store with institution svc, its list with indices 1 and 2
// reserved, credential urn:uuid:a on index 1, an offer "o" of it, and
// learner L-1 without a DID.
func txFixture(t *testing.T, open opener) store.Store {
	t.Helper()
	ctx := t.Context()
	s := withList(t, open, 1, 2)
	must(t, "add", s.AddCredential(ctx, NewCredential("urn:uuid:a", "svc", revocation(1))))
	must(t, "offer", s.AddOffer(ctx, newOffer("o", "urn:uuid:a")))
	must(t, "learner", s.PutLearner(ctx, store.Learner{Institution: "svc", ID: "L-1", Updated: at(0)}))
	return s
}

var txBefore = state{Institutions: []string{"svc"}, Credentials: []string{"urn:uuid:a"}, Reserved: 2, Offer: store.OfferOffered}

// writeAll makes one write of each kind, as an issuing transaction would:
// the written state is txAfter.
func writeAll(ctx context.Context, tx store.Ops) error {
	got, err := tx.ReserveIndices(ctx, "svc-revocation-1", []int64{3, 4})
	if err != nil || len(got) != 2 {
		return fmt.Errorf("reserve: %v %v", got, err)
	}
	return errors.Join(
		tx.CreateInstitution(ctx, NewInstitution("tx-made")),
		tx.AddCredential(ctx, NewCredential("urn:uuid:b", "svc", revocation(3))),
		tx.SetStatus(ctx, "urn:uuid:a", store.PurposeRevocation, true, "tx", at(1)),
		tx.Audit(ctx, newEntry(1, "svc", "credential.issue")),
		tx.RedeemOffer(ctx, hash("code-o"), hash("token-o"), "n", at(5), at(1)),
		tx.PutLearner(ctx, store.Learner{Institution: "svc", ID: "L-1", DID: "did:key:z6MkTx", Updated: at(1)}),
	)
}

var txAfter = state{Institutions: []string{"svc", "tx-made"}, Credentials: []string{"urn:uuid:a", "urn:uuid:b"}, Reserved: 4, Version: 1, Audit: 1,
	Offer: store.OfferRedeemed, Learner: "did:key:z6MkTx"}

func testTx(t *testing.T, open opener) {
	tests := []struct {
		name string
		fn   func(ctx context.Context, tx store.Ops) error
		want error
		// after is the state once Tx returned.
		after state
	}{
		{name: "ok/commit", fn: writeAll, after: txAfter},
		{name: "ok/reads-own-writes", after: txAfter, fn: func(ctx context.Context, tx store.Ops) error {
			if err := writeAll(ctx, tx); err != nil {
				return err
			}
			c, err := tx.Credential(ctx, "urn:uuid:a")
			if err != nil {
				return err
			}
			if !c.Revoked() {
				return errors.New("inside Tx, a revoked credential reads as not revoked")
			}
			set, version, err := tx.SetIndices(ctx, "svc-revocation-1")
			if err != nil || version != 1 || len(set) != 1 {
				return fmt.Errorf("inside Tx: set indices %v version %d, %v", set, version, err)
			}
			if _, err := tx.Institution(ctx, "tx-made"); err != nil {
				return fmt.Errorf("inside Tx: %w", err)
			}
			return nil
		}},
		{name: "fail/fn-error-undoes-every-write", want: errStop, after: txBefore, fn: func(ctx context.Context, tx store.Ops) error {
			if err := writeAll(ctx, tx); err != nil {
				return err
			}
			return fmt.Errorf("wrapped: %w", errStop)
		}},
		{name: "ok/failed-methods-inside-change-nothing", after: txAfter, fn: func(ctx context.Context, tx store.Ops) error {
			// Each of these fails, and must leave the transaction usable
			// and nothing of its own behind.
			checks := []struct {
				what string
				err  error
				want error
			}{
				{"duplicate credential", tx.AddCredential(ctx, NewCredential("urn:uuid:a", "svc", revocation(2))), store.ErrDuplicate},
				{"unreserved index", tx.AddCredential(ctx, NewCredential("urn:uuid:x", "svc", revocation(99))), store.ErrInvalid},
				{"duplicate institution", tx.CreateInstitution(ctx, NewInstitution("svc")), store.ErrDuplicate},
				{"unknown credential", tx.SetStatus(ctx, "urn:uuid:404", store.PurposeRevocation, true, "", at(1)), store.ErrNotFound},
				{"bad audit", tx.Audit(ctx, store.AuditEntry{}), store.ErrInvalid},
				{"unknown key owner", tx.AddKey(ctx, newKey("nobody", "k", true, at(0))), store.ErrNotFound},
				{"deliver before", tx.DeliverCredential(ctx, hash("code-o"), "urn:uuid:404", "x", at(1)), store.ErrNotFound},
			}
			for _, c := range checks {
				if !errors.Is(c.err, c.want) {
					return fmt.Errorf("%s inside Tx: %v, want %v", c.what, c.err, c.want)
				}
			}
			if _, err := tx.ReserveIndices(ctx, "nope", []int64{1}); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("reserve in unknown list inside Tx: %v", err)
			}
			if err := writeAll(ctx, tx); err != nil {
				return err
			}
			if err := tx.RedeemOffer(ctx, hash("code-o"), hash("token-2"), "n", at(5), at(1)); !errors.Is(err, store.ErrUsed) {
				return fmt.Errorf("second redemption inside Tx: %v", err)
			}
			return nil
		}},
		{name: "ok/fn-error-after-failed-method", want: errStop, after: txBefore, fn: func(ctx context.Context, tx store.Ops) error {
			if err := writeAll(ctx, tx); err != nil {
				return err
			}
			tx.AddCredential(ctx, NewCredential("urn:uuid:a", "svc", revocation(2)))
			return errStop
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			s := txFixture(t, open)
			err := s.Tx(ctx, func(tx store.Ops) error { return tt.fn(ctx, tx) })
			wantErr(t, "Tx", err, tt.want)
			diff(t, "state after Tx", readState(t, s), tt.after)
		})
	}
	t.Run("ok/refused-index-still-free", func(t *testing.T) {
		ctx := t.Context()
		s := txFixture(t, open)
		err := s.Tx(ctx, func(tx store.Ops) error {
			if err := tx.AddCredential(ctx, NewCredential("urn:uuid:x", "svc", revocation(2), revocation(2))); !errors.Is(err, store.ErrInvalid) {
				return fmt.Errorf("same index twice: %v", err)
			}
			return tx.AddCredential(ctx, NewCredential("urn:uuid:y", "svc", revocation(2)))
		})
		must(t, "Tx", err)
		c, err := s.Credential(ctx, "urn:uuid:y")
		must(t, "credential", err)
		diff(t, "status", c.Status, []store.StatusEntry{revocation(2)})
	})
}

func testTxPanic(t *testing.T, open opener) {
	ctx := t.Context()
	s := txFixture(t, open)
	type boom struct{ msg string }
	func() {
		defer func() {
			r := recover()
			if b, ok := r.(boom); !ok || b.msg != "boom" {
				t.Errorf("recovered %#v, want the panic re-raised", r)
			}
		}()
		s.Tx(ctx, func(tx store.Ops) error {
			if err := writeAll(ctx, tx); err != nil {
				t.Errorf("writes: %v", err)
			}
			panic(boom{"boom"})
		})
		t.Error("Tx returned after fn panicked")
	}()
	diff(t, "state after a panic", readState(t, s), txBefore)
	// The store is still usable: the panic left no transaction open.
	must(t, "Tx after a panic", s.Tx(ctx, func(tx store.Ops) error { return writeAll(ctx, tx) }))
	diff(t, "state after the next Tx", readState(t, s), txAfter)
}
