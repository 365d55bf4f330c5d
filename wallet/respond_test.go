package wallet_test

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/employer"
	"github.com/satchel-wallet/satchel/verifier/requirements"
	"github.com/satchel-wallet/satchel/verifier/status"
	"github.com/satchel-wallet/satchel/wallet"
)

// employerPage is the real employer page (verifier/employer) on a fixed
// 127.0.0.1 port, which can be stopped and started again with its
// requests kept (they live in the handler's memory).
type employerPage struct {
	t    *testing.T
	base string
	h    http.Handler
	mu   sync.Mutex
	srv  *http.Server
}

// startEmployer serves the EMT sample job, verifying offline with what the
// wallet cached from the issuer (the employer fetches nothing).
func startEmployer(t *testing.T, w *wallet.Wallet) *employerPage {
	t.Helper()
	ctx := context.Background()
	raw, err := os.ReadFile(filepath.Join("..", "verifier", "requirements", "testdata", "jobs", "emt-sierra-vista-ambulance.json"))
	if err != nil {
		t.Fatal(err)
	}
	job, err := requirements.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	dids, lists := did.NewCache(), status.NewCache()
	docs, _ := w.Store.CachedAll(ctx, wallet.CacheDIDDocument)
	for _, d := range docs {
		if _, err := dids.Add(d.Data, d.FetchedAt); err != nil {
			t.Fatal(err)
		}
	}
	sl, _ := w.Store.CachedAll(ctx, wallet.CacheStatusList)
	for _, l := range sl {
		lists.Add(l.Key, l.Data, l.FetchedAt)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &employerPage{t: t, base: "http://" + ln.Addr().String()}
	if e.h, err = employer.New(employer.Config{Jobs: []*requirements.Job{job}, DIDs: dids, StatusLists: lists, BaseURL: e.base}); err != nil {
		t.Fatal(err)
	}
	e.serve(ln)
	t.Cleanup(e.stop)
	return e
}

func (e *employerPage) serve(ln net.Listener) {
	srv := &http.Server{Handler: e.h}
	e.mu.Lock()
	e.srv = srv
	e.mu.Unlock()
	go srv.Serve(ln)
}

func (e *employerPage) stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.srv != nil {
		e.srv.Close()
		e.srv = nil
	}
}

func (e *employerPage) restart() {
	ln, err := net.Listen("tcp", strings.TrimPrefix(e.base, "http://"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.serve(ln)
}

var walletLink = regexp.MustCompile(`openid4vp://[^"'<\s]+`)

// request asks for a wallet's answer as the screener does (the form), and
// returns the link the page shows and the request's id.
func (e *employerPage) request(job string) (string, string) {
	e.t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(e.base+"/oid4vp/requests", map[string][]string{"job": {job}})
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	page := resp.Header.Get("Location")
	id := strings.TrimSuffix(strings.TrimPrefix(page, "/oid4vp/requests/"), "/page")
	resp, err = http.Get(e.base + page)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	link := walletLink.FindString(string(body))
	if link == "" {
		e.t.Fatalf("no wallet link on the request page (%d)", resp.StatusCode)
	}
	return html.UnescapeString(link), id
}

// result is what the page polls.
func (e *employerPage) result(id string) (string, map[string]any) {
	e.t.Helper()
	resp, err := http.Get(e.base + "/oid4vp/requests/" + id + "/result")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Status string         `json:"status"`
		Report map[string]any `json:"report"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatal(err)
	}
	return out.Status, out.Report
}

// TestRespondRoundTrip: credentials from the real issuer, asked for by the
// real employer page over OpenID4VP, matched, presented and accepted.
func TestRespondRoundTrip(t *testing.T) {
	ctx := context.Background()
	is := startIssuer(t)
	is.submitJST()
	w, holder, holderDID := learnerWallet(t)
	// L-1003's Navy hospital corpsman rating was granted Medical
	// Terminology (HLTH 110), which the job's input descriptor asks for.
	o, _ := wallet.ParseOffer(is.offer("L-1003", nil, false).URI)
	creds, err := w.RedeemOffer(ctx, o, "", holder, dev)
	if err != nil {
		t.Fatal(err)
	}
	emp := startEmployer(t, w)

	link, id := emp.request("emt-sierra-vista-ambulance")
	req, err := w.FetchRequest(ctx, link, dev)
	if err != nil {
		t.Fatal(err)
	}
	if req.ClientID != emp.base+"/oid4vp/response" || req.ResponseURI != req.ClientID || req.Nonce == "" || req.DefinitionID != "emt-sierra-vista-ambulance" {
		t.Fatalf("request %+v", req)
	}
	if _, err := w.FetchRequest(ctx, link, wallet.NetOptions{}); !errors.Is(err, wallet.ErrUnsafeURL) {
		t.Errorf("without LoopbackHTTP: %v", err)
	}
	matches, err := w.Match(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(matches) != 1 || matches[0].ID != "medical-terminology" || len(matches[0].Credentials) != 1 {
		t.Fatalf("matches %+v", matches)
	}
	medTerm := matches[0].Credentials[0]
	if len(creds) != 2 || !strings.Contains(medTerm.Title, "Hospital Corpsman (HM)") {
		t.Errorf("matched %q", medTerm.Title)
	}
	// The learner sends the matching credential and one more.
	other := creds[0].ID
	if other == medTerm.ID {
		other = creds[1].ID
	}
	resp, err := w.Respond(ctx, req, []int64{other, medTerm.ID}, holder, wallet.RespondOptions{NetOptions: dev})
	if err != nil {
		t.Fatal(err)
	}
	if resp.RedirectURI != emp.base+"/oid4vp/requests/"+id+"/result-page" {
		t.Errorf("redirect %q", resp.RedirectURI)
	}
	var sub struct {
		DefinitionID  string `json:"definition_id"`
		DescriptorMap []struct {
			ID, Format, Path string
			PathNested       struct{ Format, Path string } `json:"path_nested"`
		} `json:"descriptor_map"`
	}
	if err := json.Unmarshal(resp.Submission, &sub); err != nil {
		t.Fatal(err)
	}
	if sub.DefinitionID != req.DefinitionID || len(sub.DescriptorMap) != 1 || sub.DescriptorMap[0].ID != "medical-terminology" ||
		sub.DescriptorMap[0].Format != "ldp_vp" || sub.DescriptorMap[0].PathNested.Path != "$.verifiableCredential[1]" || sub.DescriptorMap[0].PathNested.Format != "ldp_vc" {
		t.Errorf("submission %s", resp.Submission)
	}
	st, report := emp.result(id)
	if st != "done" || report["verified"] != true || report["kind"] != "presentation" {
		t.Fatalf("the employer's result: %s %v", st, report)
	}
	met := map[string]bool{}
	for _, r := range report["requirements"].([]any) {
		r := r.(map[string]any)
		met[r["id"].(string)] = r["met"].(bool)
	}
	if !met["medical-terminology"] || !met["first-aid-cpr"] || met["emt-course"] {
		t.Errorf("requirements met: %v", met)
	}
	if !strings.Contains(string(resp.Presentation), holderDID) {
		t.Error("the presentation does not name the holder")
	}

	t.Run("fail/a request is answered once", func(t *testing.T) {
		_, err := w.Respond(ctx, req, []int64{medTerm.ID}, holder, wallet.RespondOptions{NetOptions: dev})
		var re *wallet.RemoteError
		if !errors.As(err, &re) || re.Status != 400 || !strings.Contains(re.Description, "already answered") || errors.Is(err, wallet.ErrQueued) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("fail/the request object is gone once answered", func(t *testing.T) {
		if _, err := w.FetchRequest(ctx, link, dev); !errors.Is(err, wallet.ErrRefused) {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("ok/queued while the page is down, posted once it is back", func(t *testing.T) {
		link, id := emp.request("emt-sierra-vista-ambulance")
		req, err := w.FetchRequest(ctx, link, dev)
		if err != nil {
			t.Fatal(err)
		}
		emp.stop()
		_, err = w.Respond(ctx, req, []int64{medTerm.ID}, holder, wallet.RespondOptions{NetOptions: dev, Format: wallet.FormatJWT})
		var qe *wallet.QueuedError
		if !errors.As(err, &qe) || qe.Kind != wallet.ActionPostResponse {
			t.Fatalf("err = %v", err)
		}
		rep, err := w.RunQueue(ctx, nil, dev)
		if err != nil || rep.Stopped == nil || rep.Stopped.Action.ID != qe.Action {
			t.Fatalf("offline run: %+v %v", rep, err)
		}
		emp.restart()
		rep, err = w.RunQueue(ctx, nil, dev)
		if err != nil || len(rep.Done) != 1 || len(rep.Responses) != 1 || rep.Responses[0].RedirectURI == "" {
			t.Fatalf("online run: %+v %v", rep, err)
		}
		if st, report := emp.result(id); st != "done" || report["verified"] != true {
			t.Fatalf("the employer's result: %s %v", st, report)
		}
		a, _ := w.Store.Action(ctx, qe.Action)
		if a.State != wallet.ActionDone || a.Attempts != 1 {
			t.Errorf("action %+v", a)
		}
	})
}
