package storetest

import (
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/satchel-wallet/satchel/issuer/store"
)

func hash(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

// newOffer is an offer of these credentials of institution svc, code
// "code-"+name.
func newOffer(name string, credentials ...string) store.Offer {
	return store.Offer{
		CodeHash:    hash("code-" + name),
		Institution: "svc",
		Learner:     "L-1",
		Credentials: credentials,
		Expires:     at(10),
		State:       store.OfferOffered,
		Created:     at(0),
	}
}

func storedOffer(o store.Offer) store.Offer {
	o.Expires, o.TokenExpires, o.Created = stored(o.Expires), stored(o.TokenExpires), stored(o.Created)
	return o
}

func testOffers(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "svc")
	withTxCode := newOffer("tx", "urn:uuid:a")
	withTxCode.TxCodeHash = hash("1234")
	tests := []struct {
		name string
		o    store.Offer
		want error
	}{
		{name: "ok/one", o: newOffer("one", "urn:uuid:a")},
		{name: "ok/several", o: newOffer("several", "urn:uuid:c", "urn:uuid:a", "urn:uuid:b")},
		{name: "ok/tx-code", o: withTxCode},
		{name: "fail/code-in-use", o: newOffer("one", "urn:uuid:b"), want: store.ErrDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "add offer", s.AddOffer(ctx, tt.o), tt.want)
			if tt.want != nil {
				return
			}
			got, err := s.OfferByCode(ctx, tt.o.CodeHash)
			must(t, "offer by code", err)
			diff(t, "offer", got, storedOffer(tt.o))
		})
	}
	t.Run("ok/refused-offer-left-the-first", func(t *testing.T) {
		got, err := s.OfferByCode(ctx, hash("code-one"))
		must(t, "offer by code", err)
		diff(t, "credentials", got.Credentials, []string{"urn:uuid:a"})
	})
	t.Run("fail/unknown-code", func(t *testing.T) {
		_, err := s.OfferByCode(ctx, hash("code-404"))
		wantErr(t, "offer by code", err, store.ErrNotFound)
	})
	t.Run("fail/by-token-before-redeemed", func(t *testing.T) {
		_, err := s.OfferByToken(ctx, hash("token-one"))
		wantErr(t, "offer by token", err, store.ErrNotFound)
		_, err = s.OfferByToken(ctx, nil)
		wantErr(t, "offer by nil token", err, store.ErrNotFound)
	})

	// Redemption steps run in order.
	steps := []struct {
		name  string
		code  string
		token string
		want  error
	}{
		{name: "ok/redeem", code: "one", token: "token-one"},
		{name: "fail/redeem-again", code: "one", token: "token-one-again", want: store.ErrUsed},
		{name: "fail/redeem-unknown", code: "404", token: "token-404", want: store.ErrNotFound},
		{name: "fail/token-in-use", code: "several", token: "token-one", want: store.ErrDuplicate},
		{name: "ok/redeem-other", code: "several", token: "token-several"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			err := s.RedeemOffer(ctx, hash("code-"+st.code), hash(st.token), "nonce-"+st.token, at(5), at(1))
			wantErr(t, "redeem", err, st.want)
		})
	}
	t.Run("ok/redeemed", func(t *testing.T) {
		want := newOffer("one", "urn:uuid:a")
		want.State, want.TokenHash, want.Nonce, want.TokenExpires = store.OfferRedeemed, hash("token-one"), "nonce-token-one", at(5)
		got, err := s.OfferByCode(ctx, hash("code-one"))
		must(t, "offer by code", err)
		diff(t, "by code", got, storedOffer(want))
		got, err = s.OfferByToken(ctx, hash("token-one"))
		must(t, "offer by token", err)
		diff(t, "by token", got, storedOffer(want))
		if _, err := s.OfferByToken(ctx, hash("token-one-again")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the refused second redemption's token finds an offer: %v", err)
		}
		got, err = s.OfferByCode(ctx, hash("code-several"))
		must(t, "offer by code", err)
		if got.State != store.OfferRedeemed || string(got.TokenHash) != string(hash("token-several")) {
			t.Errorf("offer refused for a token in use, then redeemed: state %s", got.State)
		}
	})
	t.Run("ok/set-nonce", func(t *testing.T) {
		must(t, "set nonce", s.SetOfferNonce(ctx, hash("code-one"), "nonce-2"))
		got, err := s.OfferByToken(ctx, hash("token-one"))
		must(t, "offer by token", err)
		if got.Nonce != "nonce-2" {
			t.Errorf("nonce %q, want nonce-2", got.Nonce)
		}
	})
	t.Run("fail/set-nonce-unknown", func(t *testing.T) {
		wantErr(t, "set nonce", s.SetOfferNonce(ctx, hash("code-404"), "n"), store.ErrNotFound)
	})
}

func testOfferDelivery(t *testing.T, open opener) {
	ctx := t.Context()
	s := withInstitutions(t, open, "svc")
	o := newOffer("o", "urn:uuid:a", "urn:uuid:b")
	must(t, "add", s.AddOffer(ctx, o))
	must(t, "add other", s.AddOffer(ctx, newOffer("other", "urn:uuid:c")))
	must(t, "redeem", s.RedeemOffer(ctx, o.CodeHash, hash("token-o"), "n", at(5), at(1)))

	steps := []struct {
		name          string
		code          string
		offered       string
		delivered     string
		want          error
		wantState     string
		wantDelivered map[string]string
	}{
		{name: "ok/first", code: "o", offered: "urn:uuid:a", delivered: "urn:uuid:a-bound", wantState: store.OfferRedeemed,
			wantDelivered: map[string]string{"urn:uuid:a": "urn:uuid:a-bound"}},
		{name: "fail/first-again", code: "o", offered: "urn:uuid:a", delivered: "urn:uuid:a-bound-2", want: store.ErrUsed, wantState: store.OfferRedeemed,
			wantDelivered: map[string]string{"urn:uuid:a": "urn:uuid:a-bound"}},
		{name: "fail/not-offered", code: "o", offered: "urn:uuid:c", delivered: "urn:uuid:c", want: store.ErrNotFound, wantState: store.OfferRedeemed,
			wantDelivered: map[string]string{"urn:uuid:a": "urn:uuid:a-bound"}},
		{name: "fail/unknown-offer", code: "404", offered: "urn:uuid:a", delivered: "urn:uuid:a", want: store.ErrNotFound, wantState: store.OfferRedeemed,
			wantDelivered: map[string]string{"urn:uuid:a": "urn:uuid:a-bound"}},
		// The credential itself, not a bound copy.
		{name: "ok/last-delivers-the-offer", code: "o", offered: "urn:uuid:b", delivered: "urn:uuid:b", wantState: store.OfferDelivered,
			wantDelivered: map[string]string{"urn:uuid:a": "urn:uuid:a-bound", "urn:uuid:b": "urn:uuid:b"}},
		{name: "fail/after-delivered", code: "o", offered: "urn:uuid:b", delivered: "urn:uuid:b", want: store.ErrUsed, wantState: store.OfferDelivered,
			wantDelivered: map[string]string{"urn:uuid:a": "urn:uuid:a-bound", "urn:uuid:b": "urn:uuid:b"}},
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			err := s.DeliverCredential(ctx, hash("code-"+st.code), st.offered, st.delivered, at(2+i))
			wantErr(t, "deliver", err, st.want)
			got, err := s.OfferByCode(ctx, o.CodeHash)
			must(t, "offer by code", err)
			if got.State != st.wantState {
				t.Errorf("state %s, want %s", got.State, st.wantState)
			}
			diff(t, "delivered", got.Delivered, st.wantDelivered)
			diff(t, "credentials (in order)", got.Credentials, o.Credentials)
		})
	}
	t.Run("ok/other-offer-untouched", func(t *testing.T) {
		got, err := s.OfferByCode(ctx, hash("code-other"))
		must(t, "offer by code", err)
		diff(t, "other offer", got, storedOffer(newOffer("other", "urn:uuid:c")))
	})
}
