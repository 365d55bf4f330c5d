package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"sync"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/verifier/status"
)

// Sync queue action kinds.
const (
	// ActionRedeemOffer redeems a credential offer: payload {"offer":
	// <offer JSON>} or {"offerUri": URL}, with "txCode".
	ActionRedeemOffer = "offer.redeem"
	// ActionPostResponse posts a presentation to a verifier: payload
	// {"responseUri", "form": {"vp_token", "presentation_submission",
	// "state"}}.
	ActionPostResponse = "oid4vp.post"
	// ActionRefreshStatus fetches a status list again: payload {"url"}.
	ActionRefreshStatus = "status.refresh"
	// ActionRefreshDID fetches a did:web document again: payload {"did"}.
	ActionRefreshDID = "did.refresh"
)

type refreshPayload struct {
	URL string `json:"url,omitempty"`
	DID string `json:"did,omitempty"`
}

type postPayload struct {
	ResponseURI string            `json:"responseUri"`
	Form        map[string]string `json:"form"`
}

// SyncReport says what RunQueue did, action by action.
type SyncReport struct {
	Done []ActionOutcome
	// Abandoned actions failed for good (a refusal, a malformed answer, an
	// expired offer) and will not run again.
	Abandoned []ActionOutcome
	// Skipped actions stay pending: a redemption when no holder key was
	// given, or an action another run finished first.
	Skipped []ActionOutcome
	// Stopped is the action whose network failure stopped the run (it
	// stays pending, in its place, with one more attempt counted); nil
	// when the queue ran to its end.
	Stopped *ActionOutcome
	// Credentials are what redemptions stored; Responses what verifiers
	// answered to the presentations posted.
	Credentials []Credential
	Responses   []Response
}

// ActionOutcome is one action as it was taken from the queue, and what
// happened to it.
type ActionOutcome struct {
	Action Action
	Detail string
}

// queueLocks serialises the runners of one Store in this process, so that
// two screens of the app do not post the same presentation twice. Runners
// in other processes are kept apart by MarkDone (see RunQueue).
var queueLocks sync.Map // Store → *sync.Mutex

// RunQueue runs the pending actions of the sync queue, oldest first:
// "offer.redeem" (needs holder; skipped without it), "oid4vp.post",
// "status.refresh" and "did.refresh".
//
// An action is done exactly once: it is marked done in the same
// transaction as its local effects (the credentials stored, the document
// cached), and MarkDone fails for a second runner, whose transaction then
// stores nothing. A network failure (ErrOffline) is recorded on the action
// (MarkFailed) and stops the run, so that later actions keep waiting
// behind it, in order. A permanent failure abandons the action with the
// reason, and the run goes on.
func (w *Wallet) RunQueue(ctx context.Context, holder proof.Signer, opt NetOptions) (SyncReport, error) {
	if reflect.TypeOf(w.Store).Comparable() {
		mu, _ := queueLocks.LoadOrStore(w.Store, new(sync.Mutex))
		mu.(*sync.Mutex).Lock()
		defer mu.(*sync.Mutex).Unlock()
	}
	var rep SyncReport
	seen := map[int64]bool{}
	for {
		batch, err := w.Store.PendingActions(ctx, MaxLimit)
		if err != nil {
			return rep, fmt.Errorf("sync: %w", err)
		}
		progressed := false
		for _, a := range batch {
			if seen[a.ID] {
				continue
			}
			seen[a.ID], progressed = true, true
			if a.Kind == ActionRedeemOffer && holder == nil {
				rep.Skipped = append(rep.Skipped, ActionOutcome{a, "needs the holder's key: unlock the wallet to receive the credentials"})
				continue
			}
			detail, err := w.runAction(ctx, a, holder, opt, &rep)
			now := w.now()
			switch {
			case err == nil:
				rep.Done = append(rep.Done, ActionOutcome{a, detail})
			case errors.Is(err, ErrNotPending):
				rep.Skipped = append(rep.Skipped, ActionOutcome{a, "finished by another run"})
			case ctx.Err() != nil:
				return rep, ctx.Err()
			case transient(err):
				if err := w.Store.MarkFailed(ctx, a.ID, now, clip(err.Error(), 2000)); err != nil && !errors.Is(err, ErrNotPending) {
					return rep, fmt.Errorf("sync: action %d: %w", a.ID, err)
				}
				rep.Stopped = &ActionOutcome{a, err.Error()}
				return rep, nil
			default:
				if err := w.Store.Abandon(ctx, a.ID, now, clip(err.Error(), 2000)); err != nil && !errors.Is(err, ErrNotPending) {
					return rep, fmt.Errorf("sync: action %d: %w", a.ID, err)
				}
				rep.Abandoned = append(rep.Abandoned, ActionOutcome{a, err.Error()})
			}
		}
		if !progressed || len(batch) < MaxLimit {
			return rep, nil
		}
	}
}

// runAction does one action and marks it done with its local effects.
func (w *Wallet) runAction(ctx context.Context, a Action, holder proof.Signer, opt NetOptions, rep *SyncReport) (string, error) {
	markDone := func(tx Ops) error { return tx.MarkDone(ctx, a.ID, w.now()) }
	switch a.Kind {
	case ActionRedeemOffer:
		var p redeemPayload
		if err := json.Unmarshal(a.Payload, &p); err != nil {
			return "", fmt.Errorf("%w: payload: %v", ErrInvalid, err)
		}
		offer := Offer{URI: p.OfferURI}
		if p.Offer != nil {
			var err error
			if offer, err = ParseOffer(string(p.Offer)); err != nil {
				return "", err
			}
		} else if _, err := offerURL(p.OfferURI); err != nil {
			return "", fmt.Errorf("%w: %v", ErrBadOffer, err)
		}
		creds, _, err := w.redeem(ctx, offer, p.TxCode, holder, opt, markDone)
		if err != nil {
			return "", err
		}
		rep.Credentials = append(rep.Credentials, creds...)
		return fmt.Sprintf("received %d credential(s) from %s", len(creds), offer.CredentialIssuer), nil
	case ActionPostResponse:
		var p postPayload
		if err := json.Unmarshal(a.Payload, &p); err != nil || p.ResponseURI == "" {
			return "", fmt.Errorf("%w: payload: no responseUri (%v)", ErrInvalid, err)
		}
		form := url.Values{}
		for k, v := range p.Form {
			form.Set(k, v)
		}
		resp, err := postResponse(ctx, p.ResponseURI, form, opt)
		if err != nil {
			return "", err
		}
		if err := w.Store.Tx(ctx, markDone); err != nil {
			return "", err
		}
		rep.Responses = append(rep.Responses, resp)
		return "the verifier at " + p.ResponseURI + " accepted the presentation", nil
	case ActionRefreshStatus, ActionRefreshDID:
		var p refreshPayload
		if err := json.Unmarshal(a.Payload, &p); err != nil {
			return "", fmt.Errorf("%w: payload: %v", ErrInvalid, err)
		}
		var c Cached
		var err error
		if a.Kind == ActionRefreshStatus {
			c, _, err = w.fetchStatusList(ctx, p.URL, opt)
		} else {
			c, err = w.fetchDID(ctx, p.DID, opt)
		}
		if err != nil {
			return "", err
		}
		err = w.Store.Tx(ctx, func(tx Ops) error {
			if a.Kind == ActionRefreshStatus {
				// A list that does not verify would make every credential
				// it covers fail: keep the one cached.
				if err := w.checkList(ctx, tx, c); err != nil {
					return err
				}
			}
			if err := tx.PutCached(ctx, c); err != nil {
				return err
			}
			return markDone(tx)
		})
		if err != nil {
			return "", err
		}
		return "fetched " + c.Key + " again", nil
	}
	return "", fmt.Errorf("%w: unknown action kind %s", ErrInvalid, quote(a.Kind))
}

// RefreshReport is what Refresh did: the queue run, and every credential
// verified again with what was fetched.
type RefreshReport struct {
	Sync        SyncReport
	Credentials []Rechecked
}

// Rechecked is a credential verified again: its entry with the new status,
// the status it had before, and the verifier's report.
type Rechecked struct {
	Entry
	Before Status
	Report verifier.Report
}

// Refresh fetches again every DID document and status list in the cache —
// through the sync queue, so that what cannot be fetched now waits there —
// and then verifies every credential again against the cache, so that a
// revocation shows. Offline, the queue stops at its first action and the
// credentials are checked against what the cache holds.
func (w *Wallet) Refresh(ctx context.Context, opt NetOptions) (RefreshReport, error) {
	err := w.Store.Tx(ctx, func(tx Ops) error {
		pending, err := tx.PendingActions(ctx, MaxLimit)
		if err != nil {
			return err
		}
		queued := map[string]bool{}
		for _, a := range pending {
			queued[a.Kind+" "+string(a.Payload)] = true
		}
		enqueue := func(kind string, p refreshPayload) error {
			b, err := json.Marshal(p)
			if err != nil || queued[kind+" "+string(b)] {
				return err
			}
			queued[kind+" "+string(b)] = true
			_, err = tx.Enqueue(ctx, Action{Kind: kind, Payload: b, Enqueued: w.now()})
			return err
		}
		// Documents first: a list signed with a rotated key needs the new
		// document to verify.
		docs, err := tx.CachedAll(ctx, CacheDIDDocument)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if strings.HasPrefix(d.Key, "did:web:") {
				if err := enqueue(ActionRefreshDID, refreshPayload{DID: d.Key}); err != nil {
					return err
				}
			}
		}
		lists, err := tx.CachedAll(ctx, CacheStatusList)
		if err != nil {
			return err
		}
		for _, l := range lists {
			if err := enqueue(ActionRefreshStatus, refreshPayload{URL: l.Key}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return RefreshReport{}, fmt.Errorf("refresh: %w", err)
	}
	var rep RefreshReport
	if rep.Sync, err = w.RunQueue(ctx, nil, opt); err != nil {
		return rep, err
	}
	rep.Credentials, err = w.RecheckAll(ctx)
	return rep, err
}

// RecheckAll verifies every stored credential again against the cache (see
// Recheck) and records the outcomes.
func (w *Wallet) RecheckAll(ctx context.Context) ([]Rechecked, error) {
	vo, err := w.cacheVerifier(ctx, w.Store)
	if err != nil {
		return nil, fmt.Errorf("recheck: %w", err)
	}
	var out []Rechecked
	q := Query{Limit: MaxLimit}
	for {
		page, err := w.Store.Search(ctx, q)
		if err != nil {
			return out, fmt.Errorf("recheck: %w", err)
		}
		for _, e := range page.Entries {
			c, rep, err := w.recheckWith(ctx, e.ID, vo)
			if err != nil {
				return out, err
			}
			out = append(out, Rechecked{Entry: c.Entry, Before: e.Status, Report: rep})
		}
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}

// checkList verifies a fetched status list credential with the cached DID
// documents (a list carries no status of its own, so the cached lists are
// not read for it).
func (w *Wallet) checkList(ctx context.Context, tx Ops, c Cached) error {
	dids, err := cachedDIDs(ctx, tx)
	if err != nil {
		return err
	}
	vo := w.Verifier
	vo.DIDs, vo.StatusLists, vo.Now = dids, status.NewCache(), w.now()
	if vo.Trust == nil {
		if vo.Trust, err = Trust(ctx, tx); err != nil {
			return err
		}
	}
	rep, err := verifier.Verify(ctx, c.Data, vo)
	if err != nil {
		return fmt.Errorf("%w: status list %s: %v", ErrBadResponse, c.Key, err)
	}
	if !rep.Verified {
		return fmt.Errorf("%w: the status list fetched from %s does not verify: %s", ErrBadResponse, c.Key, (&NotVerifiedError{Report: rep}).Error())
	}
	return nil
}
