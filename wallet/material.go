package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/status"
)

// What a credential needs to be verified offline is its issuer's DID
// document (for a did:web; did:key and did:jwk need nothing) and the status
// lists its credentialStatus names — with the documents of whoever signed
// those lists. The wallet fetches them when a credential arrives and when
// the learner refreshes, and keeps them in its cache (PutCached).

// needs lists the did:web DIDs and status list URLs of credentials, read
// from the verifier's reports (which decode every format the verifier
// reads, and the credentials a CLR carries).
type needs struct {
	dids  map[string]bool
	lists map[string]bool
}

func (n *needs) add(r verifier.Report) {
	if strings.HasPrefix(r.Issuer, "did:web:") {
		n.dids[r.Issuer] = true
	}
	if cs, ok := r.Document["credentialStatus"]; ok {
		b, _ := json.Marshal(cs)
		// Entries returns the entries it could read even when others fail;
		// those fail the status check later, offline, with the reason.
		entries, _ := status.Entries(b)
		for _, e := range entries {
			n.lists[e.ListCredential] = true
		}
	}
	for _, c := range r.Credentials {
		n.add(c)
	}
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// fetchMaterial fetches the DID documents and status lists the credentials
// need, and the documents of the status lists' signers.
func (w *Wallet) fetchMaterial(ctx context.Context, raws [][]byte, opt NetOptions) ([]Cached, error) {
	n := needs{dids: map[string]bool{}, lists: map[string]bool{}}
	for i, raw := range raws {
		// Read, not verified: no DID documents are given yet.
		rep, err := verifier.Verify(ctx, raw, verifier.Options{Now: w.now(), Loader: w.Verifier.Loader})
		if err != nil {
			return nil, fmt.Errorf("%w: credential %d of %d: %v", ErrUnreadable, i+1, len(raws), err)
		}
		n.add(rep)
	}
	var out []Cached
	for _, u := range sorted(n.lists) {
		c, signer, err := w.fetchStatusList(ctx, u, opt)
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(signer, "did:web:") {
			n.dids[signer] = true
		}
		out = append(out, c)
	}
	for _, d := range sorted(n.dids) {
		c, err := w.fetchDID(ctx, d, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// fetchStatusList fetches a status list credential and returns it with its
// signer. It must read as a status list; its proof is checked when a
// credential's status is (a list that does not verify fails that check),
// and before a refresh replaces a cached list.
func (w *Wallet) fetchStatusList(ctx context.Context, u string, opt NetOptions) (Cached, string, error) {
	fail := func(err error) (Cached, string, error) {
		return Cached{}, "", fmt.Errorf("status list %s: %w", u, err)
	}
	if _, err := checkURL(u, opt.LoopbackHTTP); err != nil {
		return fail(err)
	}
	x, err := opt.do(ctx, http.MethodGet, u, "", nil, http.Header{"Accept": {"application/vc+ld+json, application/vc+jwt, application/json;q=0.9"}}, status.MaxCredentialBytes)
	if err != nil {
		return fail(err)
	}
	if x.Status != http.StatusOK {
		return fail(remoteError(http.MethodGet, u, x))
	}
	// JSON-LD only: the verifier reads status lists no other way.
	l, err := status.ParseListCredential(x.Body)
	if err != nil {
		return fail(fmt.Errorf("%w: not a status list credential: %v", ErrBadResponse, err))
	}
	return Cached{Kind: CacheStatusList, Key: u, Data: x.Body, FetchedAt: w.now()}, l.Issuer, nil
}

// fetchDID fetches a did:web document.
func (w *Wallet) fetchDID(ctx context.Context, d string, opt NetOptions) (Cached, error) {
	doc, err := opt.webFetcher().Fetch(ctx, d)
	if err != nil {
		return Cached{}, classifyDID(ctx, err)
	}
	return Cached{Kind: CacheDIDDocument, Key: doc.ID, Data: []byte(doc.Raw), FetchedAt: w.now()}, nil
}

var statusLine = regexp.MustCompile(`: ([1-5][0-9][0-9]) [^:]*$`)

// classifyDID sorts a did.WebFetcher error as the wallet's network errors
// are sorted: a missing or malformed document is final, an unreachable
// server or a server error is worth another try.
func classifyDID(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	msg := err.Error()
	switch {
	case errors.Is(err, did.ErrNotFound):
		return fmt.Errorf("%w: %v", ErrRefused, err)
	case errors.Is(err, did.ErrInvalid):
		return fmt.Errorf("%w: %v", ErrBadResponse, err)
	case strings.Contains(msg, "refusing to connect") || strings.Contains(msg, "redirect"):
		return fmt.Errorf("%w: %v", ErrUnsafeURL, err)
	}
	if m := statusLine.FindStringSubmatch(msg); m != nil {
		if code, _ := strconv.Atoi(m[1]); code >= 400 && code < 500 && code != http.StatusTooManyRequests {
			return fmt.Errorf("%w: %v", ErrRefused, err)
		}
	}
	return fmt.Errorf("%w: %v", ErrOffline, err)
}

// cacheVerifier is the wallet's verifier settings with the DID documents
// and status lists of the cache as tx sees it (and its trusted registries,
// unless the settings name a registry of their own).
func (w *Wallet) cacheVerifier(ctx context.Context, tx Ops) (verifier.Options, error) {
	off, err := OfflineVerifier(ctx, tx)
	if err != nil {
		return verifier.Options{}, err
	}
	vo := w.Verifier
	vo.DIDs, vo.StatusLists = off.DIDs, off.StatusLists
	if vo.Trust == nil {
		vo.Trust = off.Trust
	}
	return vo, nil
}

// storeReceived fetches what the credentials need offline, then in one
// transaction caches it, verifies the credentials against the cache and
// stores them: all or nothing, the cached documents included (a refused
// credential leaves the cache as it was).
func (w *Wallet) storeReceived(ctx context.Context, raws [][]byte, opt NetOptions, commit func(Ops) error) ([]Credential, error) {
	material, err := w.fetchMaterial(ctx, raws, opt)
	if err != nil {
		return nil, err
	}
	var out []Credential
	err = w.Store.Tx(ctx, func(tx Ops) error {
		out = out[:0]
		for _, c := range material {
			if err := tx.PutCached(ctx, c); err != nil {
				return err
			}
		}
		vo, err := w.cacheVerifier(ctx, tx)
		if err != nil {
			return err
		}
		for i, raw := range raws {
			c, _, err := w.importOne(ctx, tx, raw, ImportOptions{}, vo)
			if err != nil {
				return fmt.Errorf("credential %d of %d: %w", i+1, len(raws), err)
			}
			out = append(out, c)
		}
		if commit != nil {
			return commit(tx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
