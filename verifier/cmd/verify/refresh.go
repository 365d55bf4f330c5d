package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/status"
)

// listRefresher fetches again the status lists the operator preloaded
// (--status-list URL=FILE), so that a revocation reaches a page that runs
// for days, and the preloaded did:web documents. It fetches only those URLs — never one that an applicant's
// credential names — and keeps a new copy only when it verifies as a status
// list credential with the page's own world; otherwise the old copy stays
// and the failure is logged.
type listRefresher struct {
	urls  []string
	cache *status.Cache
	// dids, when set, holds the preloaded DID documents: those that are
	// did:web are fetched again from where their DIDs say (an issuer that
	// rotated its key publishes the new one there).
	dids *did.Cache
	// opt is the world lists are verified with (DIDs, contexts, trust).
	opt verifier.Options
	// localhostHTTP allows http to localhost, 127.0.0.1 and ::1
	// (development and make demo); otherwise only https is fetched.
	localhostHTTP bool
	client        *http.Client
	now           func() time.Time
	logf          func(format string, args ...any)
}

// refresh fetches every did:web document and every list once, and reports
// how many were replaced.
func (r *listRefresher) refresh(ctx context.Context) int {
	n := 0
	if r.dids != nil {
		web := &did.WebFetcher{LoopbackHTTP: r.localhostHTTP}
		for _, id := range r.dids.IDs() {
			if !strings.HasPrefix(id, "did:web:") {
				continue
			}
			doc, err := web.Fetch(ctx, id)
			if err == nil {
				_, err = r.dids.Add(doc.Raw, r.now())
			}
			if err != nil {
				r.logf("verify serve: refresh DID document %s: %v (the copy held stays)", id, err)
				continue
			}
			n++
		}
	}
	for _, u := range r.urls {
		if err := r.one(ctx, u); err != nil {
			r.logf("verify serve: refresh status list %s: %v (the copy held stays)", u, err)
			continue
		}
		n++
	}
	return n
}

func (r *listRefresher) one(ctx context.Context, u string) error {
	pu, err := url.Parse(u)
	if err != nil {
		return err
	}
	local := slices.Contains([]string{"localhost", "127.0.0.1", "::1"}, pu.Hostname())
	if pu.Scheme != "https" && !(pu.Scheme == "http" && local && r.localhostHTTP) {
		return fmt.Errorf("only https is fetched (http to this machine with --insecure-localhost)")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vc+ld+json, application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", resp.Status)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, status.MaxCredentialBytes+1))
	if err != nil {
		return err
	}
	if len(raw) > status.MaxCredentialBytes {
		return fmt.Errorf("larger than %d bytes", status.MaxCredentialBytes)
	}
	if _, err := status.ParseListCredential(raw); err != nil {
		return err
	}
	opt := r.opt
	opt.Now = r.now()
	rep, err := verifier.Verify(ctx, raw, opt)
	if err != nil {
		return err
	}
	if !rep.Verified {
		return fmt.Errorf("the new copy does not verify")
	}
	r.cache.Add(u, raw, opt.Now)
	return nil
}

// refreshClient connects only to what a status list URL names, without a
// proxy and without following redirects elsewhere.
func refreshClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{Proxy: nil, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 || req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
				return fmt.Errorf("redirect to %s refused", req.URL.Host)
			}
			return nil
		},
	}
}
