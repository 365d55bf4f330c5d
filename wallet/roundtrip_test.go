package wallet_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/issuer"
	"github.com/satchel-wallet/satchel/issuer/client"
	"github.com/satchel-wallet/satchel/issuer/httpapi"
	"github.com/satchel-wallet/satchel/issuer/store/sqlite"
	"github.com/satchel-wallet/satchel/transcript/samples"
	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

// The wallet's network side is tested against the real issuer service,
// started here on 127.0.0.1 over a SQLite file as issuer/httpapi's own
// tests start it (the wallet imports no issuer code outside its tests).

const adminToken = "admin-token-for-wallet-tests-0123"

// issuerServer is the issuer service on a fixed 127.0.0.1 port that can be
// stopped and started again, counting the requests it serves.
type issuerServer struct {
	t      *testing.T
	url    string // http://localhost:PORT, the service's base URL
	addr   string // 127.0.0.1:PORT
	svc    *issuer.Service
	h      http.Handler
	tokens map[string]string

	mu   sync.Mutex
	srv  *http.Server
	hits map[string]int
	// hook, when set, runs before a request is served.
	hook func(r *http.Request)
}

func startIssuer(t *testing.T) *issuerServer {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "issuer.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	// The issuer's clock stands still: its self-check verifies a batch at
	// the batch's time, and fails when the status list the batch creates
	// a moment later is dated a second after it (the list's validFrom is
	// checked without skew) — a flake on a slow machine, not what this
	// test is about. The wallet's real clock is ahead, within the minute
	// the issuer allows a proof's iat.
	start := time.Now().Truncate(time.Second)
	svc, err := issuer.New(ctx, issuer.Config{Store: db, BaseURL: "http://localhost:" + port, Passphrase: []byte("correct horse battery"),
		KDF: issuer.KDF{Time: 1, MemoryKiB: 64, Threads: 1}, Skills: set.Skills, Now: func() time.Time { return start }})
	if err != nil {
		t.Fatal(err)
	}
	s := &issuerServer{t: t, url: "http://localhost:" + port, addr: ln.Addr().String(), svc: svc, hits: map[string]int{},
		h: httpapi.New(svc, httpapi.Options{AdminToken: adminToken, MaxBody: 1 << 20})}
	s.serve(ln)
	t.Cleanup(s.stop)
	admin := &client.Client{BaseURL: "http://" + s.addr, Token: adminToken}
	if s.tokens, err = admin.CreateSamples(ctx, ""); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *issuerServer) serve(ln net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.Method+" "+r.URL.Path]++
		hook := s.hook
		s.mu.Unlock()
		if hook != nil {
			hook(r)
		}
		s.h.ServeHTTP(w, r)
	})}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln)
}

func (s *issuerServer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		s.srv.Close()
		s.srv = nil
	}
}

// restart serves again on the same port.
func (s *issuerServer) restart() {
	s.t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatalf("listen on %s again: %v", s.addr, err)
	}
	s.serve(ln)
}

func (s *issuerServer) setHook(h func(*http.Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = h
}

func (s *issuerServer) count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[key]
}

func (s *issuerServer) resetHits() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits = map[string]int{}
}

func (s *issuerServer) as(slug string) *client.Client {
	return &client.Client{BaseURL: "http://" + s.addr, Token: s.tokens[slug]}
}

// submitJST issues the sample JST military records and returns the batch.
func (s *issuerServer) submitJST() issuer.BatchResult {
	s.t.Helper()
	body, err := os.ReadFile(filepath.Join("..", "issuer", "intake", "testdata", "jst-military.json"))
	if err != nil {
		s.t.Fatal(err)
	}
	res, _, err := s.as("jst").Submit(context.Background(), "jst", "application/json", body, "")
	if err != nil {
		s.t.Fatal(err)
	}
	return res
}

// offer makes an offer of a learner's credentials.
func (s *issuerServer) offer(learner string, ids []string, txCode bool) issuer.Offer {
	s.t.Helper()
	o, err := s.as("jst").Offer(context.Background(), "jst", learner, ids, txCode)
	if err != nil {
		s.t.Fatal(err)
	}
	return o
}

// learnerWallet is a new wallet in a temporary SQLite file with an
// unlocked holder key.
func learnerWallet(t *testing.T) (*wallet.Wallet, proof.Signer, string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "wallet.db"), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys := &wallet.Keyring{Store: st, KDF: wallet.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}}
	hk, err := keys.Create(ctx, []byte("correct horse battery staple"))
	if err != nil {
		t.Fatal(err)
	}
	holder, err := keys.Unlock(ctx, hk.DID, []byte("correct horse battery staple"))
	if err != nil {
		t.Fatal(err)
	}
	return &wallet.Wallet{Store: st}, holder, hk.DID
}

var dev = wallet.NetOptions{LoopbackHTTP: true, Timeout: 5 * time.Second}

func subjectOf(t *testing.T, raw []byte) string {
	t.Helper()
	var c struct {
		Subject struct {
			ID string `json:"id"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c.Subject.ID
}

func checkOf(rep verifier.Report, name string) (verifier.Check, bool) {
	for _, c := range rep.Checks {
		if c.Check == name {
			return c, true
		}
	}
	return verifier.Check{}, false
}

// TestIssuerRoundTrip: an offer from the real issuer, redeemed into a real
// wallet, presented, verified offline with what the wallet cached; then
// revoked, refreshed, and shown revoked.
func TestIssuerRoundTrip(t *testing.T) {
	ctx := context.Background()
	is := startIssuer(t)
	res := is.submitJST()
	learner := res.Records[0].Learner
	offer := is.offer(learner, nil, true)
	w, holder, holderDID := learnerWallet(t)

	o, err := wallet.ParseOffer(offer.URI)
	if err != nil {
		t.Fatal(err)
	}
	if o.TxCode == nil || o.TxCode.Length != 6 || o.TxCode.InputMode != "numeric" {
		t.Fatalf("tx_code %+v", o.TxCode)
	}
	t.Run("fail/without --insecure-localhost the http issuer is refused", func(t *testing.T) {
		_, err := w.RedeemOffer(ctx, o, offer.TxCode, holder, wallet.NetOptions{})
		if !errors.Is(err, wallet.ErrUnsafeURL) {
			t.Fatalf("err = %v, want ErrUnsafeURL", err)
		}
	})
	t.Run("fail/wrong transaction code stores nothing", func(t *testing.T) {
		wrong := "000000"
		if wrong == offer.TxCode {
			wrong = "111111"
		}
		_, err := w.RedeemOffer(ctx, o, wrong, holder, dev)
		var re *wallet.RemoteError
		if !errors.As(err, &re) || re.Code != "invalid_grant" || !errors.Is(err, wallet.ErrRefused) {
			t.Fatalf("err = %v, want invalid_grant", err)
		}
		if n := count(t, w); n != 0 {
			t.Fatalf("%d credentials stored", n)
		}
	})

	creds, err := w.RedeemOffer(ctx, o, offer.TxCode, holder, dev)
	if err != nil {
		t.Fatal(err)
	}
	if len(creds) != len(offer.Credentials) {
		t.Fatalf("%d credentials, the offer had %d", len(creds), len(offer.Credentials))
	}
	for _, c := range creds {
		if got := subjectOf(t, c.Raw); got != holderDID {
			t.Errorf("credential %d is about %s, not the holder %s", c.ID, got, holderDID)
		}
		if c.Status != wallet.StatusVerified || c.Kind != wallet.KindMilitary {
			t.Errorf("credential %d: %s %s", c.ID, c.Status, c.Kind)
		}
	}
	// What offline verification needs is cached: the institution's DID
	// document and its status list.
	docs, _ := w.Store.CachedAll(ctx, wallet.CacheDIDDocument)
	lists, _ := w.Store.CachedAll(ctx, wallet.CacheStatusList)
	if len(docs) != 1 || !strings.HasPrefix(docs[0].Key, "did:web:localhost%3A") || len(lists) == 0 {
		t.Fatalf("cached %d DID documents (%v), %d status lists", len(docs), docs, len(lists))
	}
	t.Run("fail/an offer works once", func(t *testing.T) {
		_, err := w.RedeemOffer(ctx, o, offer.TxCode, holder, dev)
		if !errors.Is(err, wallet.ErrRefused) {
			t.Fatalf("err = %v", err)
		}
		if n := count(t, w); n != len(creds) {
			t.Fatalf("%d credentials after a refused redemption, want %d", n, len(creds))
		}
	})

	p, err := w.Store.CreatePortfolio(ctx, "EMT application", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range creds {
		if err := w.Store.AddToPortfolio(ctx, p.ID, c.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	offline, err := wallet.OfflineVerifier(ctx, w.Store)
	if err != nil {
		t.Fatal(err)
	}
	verify := func(b []byte, challenge, domain string) verifier.Report {
		vo := offline
		vo.Challenge, vo.Domain = challenge, domain
		rep, err := verifier.Verify(ctx, b, vo)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	for _, format := range []string{wallet.FormatLDP, wallet.FormatJWT} {
		t.Run("ok/present "+format, func(t *testing.T) {
			vp, err := w.Present(ctx, p.ID, holder, wallet.PresentOptions{Format: format, Challenge: "c-7f1", Domain: "https://jobs.sierravista.example"})
			if err != nil {
				t.Fatal(err)
			}
			rep := verify(vp, "c-7f1", "https://jobs.sierravista.example")
			if !rep.Verified || rep.Holder != holderDID || len(rep.Credentials) != len(creds) {
				t.Fatalf("verified %v holder %s credentials %d: %+v", rep.Verified, rep.Holder, len(rep.Credentials), rep.Checks)
			}
			if c, _ := checkOf(rep, verifier.CheckSubjectBinding); !c.OK || !strings.Contains(c.Detail, "every credential is about the holder") {
				t.Errorf("subject binding: %+v", c)
			}
			if rep := verify(vp, "c-other", "https://jobs.sierravista.example"); rep.Verified {
				t.Error("verified with another challenge")
			}
			if format == wallet.FormatLDP {
				bad := []byte(strings.Replace(string(vp), "Combat Medic", "Flight Surgeon", 1))
				if string(bad) == string(vp) {
					t.Fatal("nothing to tamper with")
				}
				if rep := verify(bad, "c-7f1", "https://jobs.sierravista.example"); rep.Verified {
					t.Error("a tampered presentation verified")
				}
			}
		})
	}

	// The institution revokes one credential: a refresh fetches the list
	// again and the wallet shows it revoked.
	revoked := creds[0]
	var revokedID struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(revoked.Raw, &revokedID)
	if _, err := is.as("jst").SetStatus(ctx, "jst", revokedID.ID, "revoke", "issued in error"); err != nil {
		t.Fatal(err)
	}
	if rc, err := w.RecheckAll(ctx); err != nil || len(rc) != len(creds) || rc[0].Status != wallet.StatusVerified {
		t.Fatalf("before the refresh the cache still says verified: %+v %v", rc, err)
	}
	is.resetHits()
	rr, err := w.Refresh(ctx, dev)
	if err != nil {
		t.Fatal(err)
	}
	if rr.Sync.Stopped != nil || len(rr.Sync.Abandoned) != 0 || len(rr.Sync.Done) != len(docs)+len(lists) {
		t.Fatalf("refresh: %+v", rr.Sync)
	}
	if n := is.count("GET /institutions/jst/did.json"); n != 1 {
		t.Errorf("the DID document was fetched %d times", n)
	}
	for _, rc := range rr.Credentials {
		want := wallet.StatusVerified
		if rc.ID == revoked.ID {
			want = wallet.StatusFailed
			if c, _ := checkOf(rc.Report, verifier.CheckStatus); c.OK || !strings.Contains(c.Detail, "revoked") {
				t.Errorf("status check of the revoked credential: %+v", c)
			}
		}
		if rc.Status != want || rc.Before != wallet.StatusVerified {
			t.Errorf("credential %d: %s → %s, want %s", rc.ID, rc.Before, rc.Status, want)
		}
	}
	if c, _ := w.Store.Credential(ctx, revoked.ID); c.Status != wallet.StatusFailed {
		t.Errorf("stored status %s", c.Status)
	}
	if again, err := w.Store.PendingActions(ctx, 10); err != nil || len(again) != 0 {
		t.Errorf("pending after the refresh: %v %v", again, err)
	}

	t.Run("fail/a refused credential refuses the redemption and caches nothing", func(t *testing.T) {
		w2, holder2, _ := learnerWallet(t)
		// The learner trusts only another institution: the JST's
		// credentials fail the trust check.
		reg := `{"name": "Sierra Vista only", "issuers": [{"id": "did:web:etranscript.example:institutions:sierra-vista", "name": "Sierra Vista"}]}`
		if _, err := wallet.AddTrustedRegistry(ctx, w2.Store, []byte(reg), ""); err != nil {
			t.Fatal(err)
		}
		o2, _ := wallet.ParseOffer(is.offer(res.Records[len(res.Records)-1].Learner, nil, false).URI)
		_, err := w2.RedeemOffer(ctx, o2, "", holder2, dev)
		var nv *wallet.NotVerifiedError
		if !errors.As(err, &nv) || !strings.Contains(err.Error(), "is not in Sierra Vista only") {
			t.Fatalf("err = %v, want a trust refusal", err)
		}
		docs, _ := w2.Store.CachedAll(ctx, wallet.CacheDIDDocument)
		lists, _ := w2.Store.CachedAll(ctx, wallet.CacheStatusList)
		if n := count(t, w2); n != 0 || len(docs) != 0 || len(lists) != 0 {
			t.Fatalf("stored %d credentials, %d DID documents, %d status lists", n, len(docs), len(lists))
		}
	})
}

// TestQueueAcrossRestart: with the issuer stopped, a redemption and a
// refresh wait in the queue (attempts counted, order kept); with the issuer
// started again on the same port, each runs exactly once.
func TestQueueAcrossRestart(t *testing.T) {
	ctx := context.Background()
	is := startIssuer(t)
	res := is.submitJST()
	w, holder, holderDID := learnerWallet(t)
	// A first redemption fills the cache.
	first, err := wallet.ParseOffer(is.offer(res.Records[0].Learner, nil, false).URI)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.RedeemOffer(ctx, first, "", holder, dev); err != nil {
		t.Fatal(err)
	}
	held := count(t, w)
	second := is.offer(res.Records[len(res.Records)-1].Learner, nil, true)
	o, _ := wallet.ParseOffer(second.URI)

	is.stop()
	_, err = w.RedeemOffer(ctx, o, second.TxCode, holder, dev)
	var qe *wallet.QueuedError
	if !errors.As(err, &qe) || qe.Kind != wallet.ActionRedeemOffer || !errors.Is(err, wallet.ErrOffline) {
		t.Fatalf("redeem while the issuer is down: %v", err)
	}
	rr, err := w.Refresh(ctx, dev)
	if err != nil {
		t.Fatal(err)
	}
	if rr.Sync.Stopped == nil || rr.Sync.Stopped.Action.Kind != wallet.ActionRefreshDID || len(rr.Sync.Skipped) != 1 {
		t.Fatalf("refresh offline: stopped %+v, skipped %+v", rr.Sync.Stopped, rr.Sync.Skipped)
	}
	for _, rc := range rr.Credentials {
		if rc.Status != wallet.StatusVerified {
			t.Errorf("offline recheck of %d: %s", rc.ID, rc.Status)
		}
	}
	rep, err := w.RunQueue(ctx, holder, dev)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stopped == nil || rep.Stopped.Action.ID != qe.Action || len(rep.Done) != 0 {
		t.Fatalf("offline run: %+v", rep)
	}
	pending, err := w.Store.PendingActions(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{}
	for _, a := range pending {
		kinds = append(kinds, a.Kind)
	}
	if strings.Join(kinds, ",") != "offer.redeem,did.refresh,status.refresh" {
		t.Fatalf("pending %v", kinds)
	}
	if pending[0].Attempts != 1 || pending[1].Attempts != 1 || pending[2].Attempts != 0 || !strings.Contains(pending[0].LastError, "network unavailable") {
		t.Fatalf("attempts %d %d %d, last error %q", pending[0].Attempts, pending[1].Attempts, pending[2].Attempts, pending[0].LastError)
	}

	is.resetHits()
	is.restart()
	rep, err = w.RunQueue(ctx, holder, dev)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stopped != nil || len(rep.Done) != 3 || len(rep.Abandoned) != 0 || len(rep.Credentials) != len(second.Credentials) {
		t.Fatalf("online run: %+v", rep)
	}
	for _, c := range rep.Credentials {
		if subjectOf(t, c.Raw) != holderDID || c.Status != wallet.StatusVerified {
			t.Errorf("queued redemption stored %s about %s", c.Status, subjectOf(t, c.Raw))
		}
	}
	if got := count(t, w); got != held+len(second.Credentials) {
		t.Errorf("%d credentials, want %d", got, held+len(second.Credentials))
	}
	if n := is.count("POST /oid4vci/token"); n != 1 {
		t.Errorf("token endpoint hit %d times", n)
	}
	if n := is.count("POST /oid4vci/credential"); n != len(second.Credentials) {
		t.Errorf("credential endpoint hit %d times for %d credentials", n, len(second.Credentials))
	}
	// Once more: nothing is pending, nothing is fetched.
	before := is.count("GET /institutions/jst/did.json")
	rep, err = w.RunQueue(ctx, holder, dev)
	if err != nil || len(rep.Done)+len(rep.Abandoned)+len(rep.Skipped) != 0 || is.count("GET /institutions/jst/did.json") != before {
		t.Fatalf("second run: %+v %v", rep, err)
	}
	for _, id := range []int64{pending[0].ID, pending[1].ID, pending[2].ID} {
		a, _ := w.Store.Action(ctx, id)
		if a.State != wallet.ActionDone {
			t.Errorf("action %d is %s", id, a.State)
		}
	}
}

// TestQueueExactlyOnce: an action another runner finishes while this one
// fetches is not done twice: MarkDone fails in this runner's transaction,
// which then caches nothing.
func TestQueueExactlyOnce(t *testing.T) {
	ctx := context.Background()
	is := startIssuer(t)
	res := is.submitJST()
	w, holder, _ := learnerWallet(t)
	o, _ := wallet.ParseOffer(is.offer(res.Records[0].Learner, nil, false).URI)
	if _, err := w.RedeemOffer(ctx, o, "", holder, dev); err != nil {
		t.Fatal(err)
	}
	lists, _ := w.Store.CachedAll(ctx, wallet.CacheStatusList)
	payload, _ := json.Marshal(map[string]string{"url": lists[0].Key})
	id, err := w.Store.Enqueue(ctx, wallet.Action{Kind: wallet.ActionRefreshStatus, Payload: payload, Enqueued: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	is.setHook(func(r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/status/") {
			// The other runner commits first.
			if err := w.Store.MarkDone(ctx, id, time.Now()); err != nil {
				t.Error(err)
			}
		}
	})
	rep, err := w.RunQueue(ctx, holder, dev)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Done) != 0 || len(rep.Skipped) != 1 || rep.Skipped[0].Detail != "finished by another run" {
		t.Fatalf("report %+v", rep)
	}
	after, _ := w.Store.Cached(ctx, wallet.CacheStatusList, lists[0].Key)
	if !after.FetchedAt.Equal(lists[0].FetchedAt) {
		t.Errorf("the cache was written by the runner that lost: fetched %v, was %v", after.FetchedAt, lists[0].FetchedAt)
	}

	t.Run("fail/a refreshed list that does not verify is not cached", func(t *testing.T) {
		is.setHook(nil)
		forged := strings.Replace(string(lists[0].Data), "{", `{"description": "all clear",`, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(forged)) }))
		defer srv.Close()
		payload, _ := json.Marshal(map[string]string{"url": srv.URL + "/status/1"})
		id, err := w.Store.Enqueue(ctx, wallet.Action{Kind: wallet.ActionRefreshStatus, Payload: payload, Enqueued: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := w.RunQueue(ctx, holder, dev)
		if err != nil || len(rep.Abandoned) != 1 || rep.Abandoned[0].Action.ID != id || !strings.Contains(rep.Abandoned[0].Detail, "does not verify") {
			t.Fatalf("report %+v, %v", rep, err)
		}
		if _, err := w.Store.Cached(ctx, wallet.CacheStatusList, srv.URL+"/status/1"); !errors.Is(err, wallet.ErrNotFound) {
			t.Errorf("the forged list was cached: %v", err)
		}
	})
}

// TestQueuePermanentFailure: a refused action is abandoned with the reason
// and the run goes on to the next.
func TestQueuePermanentFailure(t *testing.T) {
	ctx := context.Background()
	is := startIssuer(t)
	w, holder, _ := learnerWallet(t)
	enqueue := func(kind, payload string) int64 {
		id, err := w.Store.Enqueue(ctx, wallet.Action{Kind: kind, Payload: []byte(payload), Enqueued: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	gone := enqueue(wallet.ActionRefreshStatus, `{"url":"`+is.url+`/status/no-such-list"}`)
	unknown := enqueue("frobnicate", `{}`)
	docOK := enqueue(wallet.ActionRefreshDID, `{"did":"did:web:`+strings.Replace(strings.TrimPrefix(is.url, "http://"), ":", "%3A", 1)+`:institutions:jst"}`)
	rep, err := w.RunQueue(ctx, holder, dev)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Abandoned) != 2 || len(rep.Done) != 1 || rep.Done[0].Action.ID != docOK {
		t.Fatalf("report %+v", rep)
	}
	for id, want := range map[int64]string{gone: "404", unknown: "unknown action kind"} {
		a, _ := w.Store.Action(ctx, id)
		if a.State != wallet.ActionAbandoned || !strings.Contains(a.LastError, want) {
			t.Errorf("action %d: %s %q, want abandoned for %q", id, a.State, a.LastError, want)
		}
	}
}
