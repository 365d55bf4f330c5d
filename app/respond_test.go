package app

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/employer"
	"github.com/satchel-wallet/satchel/verifier/jose"
	"github.com/satchel-wallet/satchel/verifier/requirements"
	"github.com/satchel-wallet/satchel/verifier/status"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sample"
)

// employerPage is the real employer page (verifier/employer) on
// 127.0.0.1, serving the sample EMT job and a job of the app's tests
// (testdata/ems-screening-job.json), verifying offline with the issuers'
// DID documents and status lists the sample wallet cached.
type employerPage struct {
	t      *testing.T
	base   string
	mu     sync.Mutex
	srv    *http.Server
	posted []string // the vp_tokens wallets posted
}

func startEmployer(t *testing.T, st wallet.Store) *employerPage {
	t.Helper()
	ctx := context.Background()
	var jobs []*requirements.Job
	for _, f := range []string{
		filepath.Join("..", "verifier", "requirements", "testdata", "jobs", "emt-sierra-vista-ambulance.json"),
		filepath.Join("testdata", "ems-screening-job.json"),
	} {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		job, err := requirements.Parse(raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		jobs = append(jobs, job)
	}
	dids, lists := did.NewCache(), status.NewCache()
	docs, err := st.CachedAll(ctx, wallet.CacheDIDDocument)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if _, err := dids.Add(d.Data, d.FetchedAt); err != nil {
			t.Fatal(err)
		}
	}
	sl, err := st.CachedAll(ctx, wallet.CacheStatusList)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range sl {
		lists.Add(l.Key, l.Data, l.FetchedAt)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &employerPage{t: t, base: "http://" + ln.Addr().String()}
	h, err := employer.New(employer.Config{Jobs: jobs, DIDs: dids, StatusLists: lists, BaseURL: e.base, At: now})
	if err != nil {
		t.Fatal(err)
	}
	// Keep what wallets post, so that a test can read what was disclosed.
	e.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/oid4vp/response" {
			b, _ := io.ReadAll(r.Body)
			if q, err := url.ParseQuery(string(b)); err == nil {
				e.mu.Lock()
				e.posted = append(e.posted, q.Get("vp_token"))
				e.mu.Unlock()
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		h.ServeHTTP(w, r)
	})}
	go e.srv.Serve(ln)
	t.Cleanup(e.stop)
	return e
}

func (e *employerPage) stop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.srv != nil {
		e.srv.Close()
		e.srv = nil
	}
}

var walletLink = regexp.MustCompile(`openid4vp://[^"'<\s]+`)

// request asks for a wallet's answer as the screener does (the page's
// form) and returns the link the page shows and the request's id.
func (e *employerPage) request(job string) (link, id string) {
	e.t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(e.base+"/oid4vp/requests", url.Values{"job": {job}})
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	page := resp.Header.Get("Location")
	id = strings.TrimSuffix(strings.TrimPrefix(page, "/oid4vp/requests/"), "/page")
	resp, err = http.Get(e.base + page)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	link = walletLink.FindString(string(body))
	if link == "" {
		e.t.Fatalf("no wallet link on the request page (%d)", resp.StatusCode)
	}
	return html.UnescapeString(link), id
}

// result is what the employer's page polls: the request's status and
// whether the presentation verified.
func (e *employerPage) result(id string) (string, bool) {
	e.t.Helper()
	resp, err := http.Get(e.base + "/oid4vp/requests/" + id + "/result")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Status string `json:"status"`
		Report struct {
			Verified bool `json:"verified"`
		} `json:"report"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatal(err)
	}
	return out.Status, out.Report.Verified
}

var dev = wallet.NetOptions{LoopbackHTTP: true}

// portfolioTitles are the sample portfolio's records' titles, in order.
func portfolioTitles(t *testing.T, s *Session, id int64) []string {
	t.Helper()
	p, err := s.Store().Portfolio(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range p.Items {
		out = append(out, it.Title)
	}
	return out
}

// TestRespond: the sample portfolio answers the real employer page's EMT
// request; the confirmation says who asks, for what, which of the
// portfolio's records meet it and what is sent; the employer's verifier
// accepts the answer; a second answer, and the spent link, are refused
// with a reason.
func TestRespond(t *testing.T) {
	ctx := context.Background()
	s, info := openSample(t)
	emp := startEmployer(t, s.Store())
	link, id := emp.request("emt-sierra-vista-ambulance")
	vm := NewRespondVM(s, info.Portfolio, dev)
	view, err := vm.Fetch(ctx, "  "+link+"\n")
	if err != nil {
		t.Fatal(err)
	}
	titles := portfolioTitles(t, s, info.Portfolio)
	var records []string
	for _, r := range view.Records {
		records = append(records, r.Title)
		if r.Issuer == "" || r.Badge.Kind != BadgeVerified || len(r.Claims) != 0 {
			t.Errorf("record %+v: want its issuer, verified, and no selective claims", r)
		}
	}
	if diff := cmp.Diff(titles, records); diff != "" {
		t.Errorf("records sent (-portfolio +view):\n%s", diff)
	}
	if view.Verifier != "Satchel employer check" || view.Host != strings.TrimPrefix(emp.base, "http://") || !strings.Contains(view.Purpose, "hires on skills") {
		t.Errorf("who asks: %q at %q (%q)", view.Verifier, view.Host, view.Purpose)
	}
	// Nothing in the sample wallet carries HLTH 110: the employer will see
	// that requirement unmet.
	want := []DescriptorView{{Name: "Medical terminology credit",
		Purpose: "An Open Badges 3.0 credential for a medical terminology course (HLTH 110), taken or granted by equivalency."}}
	if diff := cmp.Diff(want, view.Descriptors); diff != "" {
		t.Errorf("descriptors (-want +got):\n%s", diff)
	}

	r, err := vm.Share(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Accepted || r.Redirect != emp.base+"/oid4vp/requests/"+id+"/result-page" {
		t.Fatalf("share: %+v", r)
	}
	if st, verified := emp.result(id); st != "done" || !verified {
		t.Fatalf("the employer's result: %s, verified %v", st, verified)
	}

	t.Run("fail/a request is answered once", func(t *testing.T) {
		r, err := vm.Share(ctx, nil)
		if err != nil || !r.Refused || r.Accepted || r.Queued || !strings.Contains(r.Reason, "already answered") {
			t.Fatalf("%+v, %v", r, err)
		}
	})
	t.Run("fail/the link is spent", func(t *testing.T) {
		_, err := NewRespondVM(s, info.Portfolio, dev).Fetch(ctx, link)
		if !errors.Is(err, ErrRequestGone) || !strings.Contains(message(err), "expired or was already answered") {
			t.Fatalf("%v: %s", err, message(err))
		}
	})
	t.Run("fail/claims the record does not have", func(t *testing.T) {
		if _, err := vm.Share(ctx, map[int64][]string{info.Credentials[sample.Medic]: {"credentialSubject.secret"}}); err == nil {
			t.Fatal("disclosed a claim that is not there")
		}
	})
}

// TestRespondMatch: each thing asked for lists the portfolio's records
// that meet it, in the portfolio's order, and only those: the OSHA record
// meets "Construction safety" but is not in the portfolio. The CPR card,
// added to it, would meet "CPR card" but did not verify.
func TestRespondMatch(t *testing.T) {
	ctx := context.Background()
	s, info := openSample(t)
	if err := AddToPortfolio(ctx, s, info.Portfolio, info.Credentials[sample.Untrusted], ""); err != nil {
		t.Fatal(err)
	}
	emp := startEmployer(t, s.Store())
	link, _ := emp.request("ems-screening")
	view, err := NewRespondVM(s, info.Portfolio, dev).Fetch(ctx, link)
	if err != nil {
		t.Fatal(err)
	}
	medic, cna := "Combat Medic Specialist", "Certified Nurse Assistant"
	if titles := portfolioTitles(t, s, info.Portfolio); titles[0] != medic || titles[2] != cna {
		t.Fatalf("the sample portfolio is %q", titles)
	}
	want := []DescriptorView{
		{Name: "EMT course", Purpose: "EMS 101, taken or granted by equivalency.", MetBy: []string{medic}},
		{Name: "First aid", Purpose: "KIN 120 or HLTH 105.", MetBy: []string{medic, cna}},
		{Name: "CPR card", Unverified: []string{"Heartsaver CPR AED"}},
		{Name: "Construction safety"},
	}
	if diff := cmp.Diff(want, view.Descriptors); diff != "" {
		t.Errorf("descriptors (-want +got):\n%s", diff)
	}
	if view.Name != "EMS screening (app test)" {
		t.Errorf("name %q", view.Name)
	}
}

// TestRespondDisclosure: an SD-JWT record in the portfolio lists the
// claims the learner may show; only the one ticked is disclosed, and the
// employer's verifier accepts the answer.
func TestRespondDisclosure(t *testing.T) {
	ctx := context.Background()
	s, _ := openSample(t)
	holder, err := s.Signer()
	if err != nil {
		t.Fatal(err)
	}
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	issuer, err := did.KeyDID(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	cred := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:example:credential:cna-sd",
		"type":      []any{"VerifiableCredential", "AchievementCredential"},
		"name":      "Certified Nurse Assistant (SD-JWT)",
		"issuer":    map[string]any{"id": issuer, "type": []any{"Profile"}, "name": "Harbor Adult School (app test)"},
		"validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": s.Holder(), "type": []any{"AchievementSubject"},
			"licenseNumber":   "CNA-LIC-98765",
			"activityEndDate": "2026-05-01T00:00:00Z",
			"achievement": map[string]any{"id": "https://etranscript.example/institutions/harbor-adult/achievements/adult-school/HAS-CNA",
				"type": []any{"Achievement"}, "name": "Certified Nurse Assistant", "description": "160-hour programme.", "criteria": map[string]any{"narrative": "Complete it."}}},
	}
	tok, err := jose.IssueSDJWT(cred, []string{"credentialSubject.licenseNumber", "credentialSubject.activityEndDate"},
		key, issuer+"#"+strings.TrimPrefix(issuer, "did:key:"), holder.Public(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadRegistry(ctx, s, []byte(`[{"id":"`+issuer+`","name":"Harbor Adult School (app test)"}]`), "app-test.json"); err != nil {
		t.Fatal(err)
	}
	imp, err := NewAddVM(s, nil).Import(ctx, []byte(tok))
	if err != nil || !imp.OK {
		t.Fatalf("import: %+v, %v", imp, err)
	}
	pid, err := CreatePortfolio(ctx, s, "CNA job")
	if err != nil {
		t.Fatal(err)
	}
	if err := AddToPortfolio(ctx, s, pid, imp.ID, ""); err != nil {
		t.Fatal(err)
	}

	emp := startEmployer(t, s.Store())
	link, id := emp.request("emt-sierra-vista-ambulance")
	vm := NewRespondVM(s, pid, dev)
	view, err := vm.Fetch(ctx, link)
	if err != nil {
		t.Fatal(err)
	}
	// The claims come in the token's order, which the salts decide.
	want := []RecordView{{ID: imp.ID, Title: "Certified Nurse Assistant (SD-JWT)", Issuer: "Harbor Adult School (app test)",
		Badge: Badge{Kind: BadgeVerified, Text: "Verified"}, Claims: []ClaimView{
			{Path: "credentialSubject.activityEndDate", Label: "Activity end date", Value: "2026-05-01T00:00:00Z"},
			{Path: "credentialSubject.licenseNumber", Label: "License number", Value: "CNA-LIC-98765"},
		}}}
	byPath := cmpopts.SortSlices(func(a, b ClaimView) bool { return a.Path < b.Path })
	if diff := cmp.Diff(want, view.Records, byPath); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
	r, err := vm.Share(ctx, map[int64][]string{imp.ID: {"credentialSubject.activityEndDate"}})
	if err != nil || !r.Accepted {
		t.Fatalf("share: %+v, %v", r, err)
	}
	if st, verified := emp.result(id); st != "done" || !verified {
		t.Fatalf("the employer's result: %s, verified %v", st, verified)
	}
	emp.mu.Lock()
	posted := emp.posted
	emp.mu.Unlock()
	if len(posted) != 1 {
		t.Fatalf("%d answers posted", len(posted))
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(posted[0]), &doc); err != nil {
		t.Fatal(err)
	}
	creds, err := jose.Credentials(doc)
	if err != nil || len(creds) != 1 {
		t.Fatalf("embedded %+v, %v", creds, err)
	}
	sd, err := jose.Parse([]byte(creds[0].Token), jose.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for _, d := range sd.Disclosed {
		shown = append(shown, d.Path)
	}
	if diff := cmp.Diff([]string{"credentialSubject.activityEndDate"}, shown); diff != "" {
		t.Errorf("disclosed (-want +got):\n%s", diff)
	}
}

// TestRespondFail: what goes wrong before anything is sent is said in
// words; an employer's page that went away after the request was read
// leaves the answer queued.
func TestRespondFail(t *testing.T) {
	ctx := context.Background()
	s, info := openSample(t)
	empty, err := CreatePortfolio(ctx, s, "Nothing yet")
	if err != nil {
		t.Fatal(err)
	}
	// Port 1 on this machine: nothing listens there.
	down := "openid4vp://authorize?client_id=" + url.QueryEscape("http://127.0.0.1:1/oid4vp/response") +
		"&request_uri=" + url.QueryEscape("http://127.0.0.1:1/oid4vp/requests/x")
	for _, tc := range []struct {
		name      string
		portfolio int64
		net       wallet.NetOptions
		link      string
		err       error
		says      string
	}{
		{"fail/nothing pasted", info.Portfolio, dev, "  ", ErrNoRequestLink, "Paste the link"},
		{"fail/not a request", info.Portfolio, dev, "https://jobs.example.org/apply", wallet.ErrBadRequest, "not an employer's request Satchel can answer: the link must carry exactly one client_id"},
		{"fail/an offer", info.Portfolio, dev, offerLink("https://issuer.example", false), wallet.ErrBadRequest, "not an employer's request"},
		{"fail/offline", info.Portfolio, dev, down, ErrEmployerOffline, "The employer's page cannot be reached"},
		{"fail/plain http without the development setting", info.Portfolio, wallet.NetOptions{}, down, wallet.ErrUnsafeURL, "Satchel will not follow this link"},
		{"fail/empty portfolio", empty, dev, down, ErrEmptyPortfolio, "This portfolio is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewRespondVM(s, tc.portfolio, tc.net).Fetch(ctx, tc.link)
			if !errors.Is(err, tc.err) || !strings.Contains(message(err), tc.says) {
				t.Fatalf("%v (%s); want %v saying %q", err, message(err), tc.err, tc.says)
			}
		})
	}

	t.Run("ok/queued when the page went away", func(t *testing.T) {
		emp := startEmployer(t, s.Store())
		link, _ := emp.request("emt-sierra-vista-ambulance")
		vm := NewRespondVM(s, info.Portfolio, dev)
		if _, err := vm.Fetch(ctx, link); err != nil {
			t.Fatal(err)
		}
		emp.stop()
		r, err := vm.Share(ctx, nil)
		if err != nil || !r.Queued || r.Accepted || r.Refused {
			t.Fatalf("%+v, %v", r, err)
		}
		acts, err := s.Store().PendingActions(ctx, 10)
		if err != nil || len(acts) != 1 || acts[0].Kind != wallet.ActionPostResponse {
			t.Fatalf("queue: %+v, %v", acts, err)
		}
	})

	t.Run("fail/locked", func(t *testing.T) {
		s.Lock()
		if _, err := NewRespondVM(s, info.Portfolio, dev).Fetch(ctx, down); !errors.Is(err, ErrLocked) {
			t.Fatalf("%v", err)
		}
	})
}

func TestClaimLabel(t *testing.T) {
	for path, want := range map[string]string{
		"credentialSubject.licenseNumber":    "License number",
		"credentialSubject.activityEndDate":  "Activity end date",
		"credentialSubject.achievement.name": "Name",
		"birth_date":                         "Birth date",
	} {
		if got := claimLabel(path); got != want {
			t.Errorf("claimLabel(%q) = %q, want %q", path, got, want)
		}
	}
}

// The window: paste the employer's link on the portfolio page and press
// Enter; the request is read off the UI goroutine; the confirmation says
// who asks, for what, what meets it and what is sent; Cancel sends
// nothing; Share sends, and the outcome shows with the employer's link; a
// spent link is said so.
func TestRespondWindow(t *testing.T) {
	path, _ := sampleWallet(t)
	p := &pending{}
	s := newShell(t, path, phoneSize, nil, p.run)
	s.cfg.Net = dev
	if err := s.Start(passphrase); err != nil {
		t.Fatal(err)
	}
	p.flush()
	emp := startEmployer(t, s.Sess.Store())
	w := s.Win
	s.ShowTab(TabPortfolios)
	p.flush()
	test.Tap(card(t, w, sample.PortfolioName))
	p.flush()
	wantText(t, w, "Answer an employer's request")

	link, id := emp.request("ems-screening")
	typeInto(w, entry(t, w, "openid4vp://…"), link)
	press(entry(t, w, "openid4vp://…"), fyne.KeyReturn)
	wantText(t, w, "Reading the employer's request…")
	if !button(t, w, "Continue").Disabled() {
		t.Error("Continue is on while the request is read")
	}
	p.flush()
	wantText(t, w, "Satchel employer check", "Your records go to "+strings.TrimPrefix(emp.base, "http://"),
		"EMT course", "Met by Combat Medic Specialist", "Met by Certified Nurse Assistant",
		"Construction safety", "Nothing in this portfolio meets this.",
		"All 3 records of \""+sample.PortfolioName+"\"", "1. Combat Medic Specialist", "3. Certified Nurse Assistant")
	if min := w.Content().MinSize(); min.Width > phoneSize.Width {
		t.Errorf("the confirmation needs %v wide on a phone", min.Width)
	}
	test.Tap(button(t, w, "Cancel"))
	p.flush()
	wantText(t, w, "Records, in the order the employer sees them")
	if st, _ := emp.result(id); st != "pending" {
		t.Fatalf("after Cancel the employer's request is %s", st)
	}

	test.Tap(button(t, w, "Continue")) // the link is still there
	p.flush()
	test.Tap(button(t, w, "Share"))
	wantText(t, w, "Sending your records…")
	if !button(t, w, "Share").Disabled() {
		t.Error("Share is on while the answer is sent")
	}
	p.flush()
	wantText(t, w, "Sent: the employer's page accepted your answer.", emp.base+"/oid4vp/requests/"+id+"/result-page")
	if st, verified := emp.result(id); st != "done" || !verified {
		t.Fatalf("the employer's result: %s, verified %v", st, verified)
	}
	test.Tap(button(t, w, "Done"))
	p.flush()
	e := entry(t, w, "openid4vp://…")
	if e.Text != "" {
		t.Errorf("the spent link stays in the entry: %q", e.Text)
	}
	typeInto(w, e, link)
	test.Tap(button(t, w, "Continue"))
	p.flush()
	wantText(t, w, "This request has expired or was already answered.")

	// Escape while the answer is on its way: the page goes, the outcome is
	// still said.
	link2, id2 := emp.request("ems-screening")
	e = entry(t, w, "openid4vp://…")
	e.SetText(link2)
	test.Tap(button(t, w, "Continue"))
	p.flush()
	test.Tap(button(t, w, "Share"))
	s.Escape()
	p.flush()
	wantText(t, w, "Sent: the employer's page accepted your answer.")
	if st, _ := emp.result(id2); st != "done" {
		t.Fatalf("the answer sent while leaving the page: %s", st)
	}
}

// The confirmation drawn alone: a ticked claim is what Share gets; while
// the answer is sent nothing can be pressed again; a long claim wraps on
// a phone.
func TestRespondScreen(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("Satchel")
	w.Resize(phoneSize)
	long := strings.Repeat("a long claim value ", 4)
	vm := &RespondScreenVM{Portfolio: "CNA job", View: RequestView{Host: "jobs.example",
		Descriptors: []DescriptorView{{Name: "CNA", Unverified: []string{"Old CNA"}}},
		Records: []RecordView{{ID: 4, Title: "Certified Nurse Assistant", Issuer: "Harbor", Claims: []ClaimView{
			{Path: "credentialSubject.licenseNumber", Label: "License number", Value: "CNA-LIC-98765"},
			{Path: "credentialSubject.note", Label: "Note", Value: long}}}}}}
	shared := 0
	draw := func() { w.SetContent(RespondScreen(vm, RespondActions{Share: func() { shared++ }})) }
	draw()
	wantText(t, w, "A page that gives no name", "Old CNA would meet it, but it did not verify", "The one record of \"CNA job\"", "License number: CNA-LIC-98765")
	if min := w.Content().MinSize(); min.Width > phoneSize.Width {
		t.Errorf("needs %v wide on a phone", min.Width)
	}
	if got := vm.Chosen(); len(got) != 0 {
		t.Errorf("chosen by default: %v", got)
	}
	check := find(w, func(*widget.Check) bool { return true })
	test.Tap(check)
	if diff := cmp.Diff(map[int64][]string{4: {"credentialSubject.licenseNumber"}}, vm.Chosen()); diff != "" {
		t.Errorf("chosen (-want +got):\n%s", diff)
	}
	test.Tap(button(t, w, "Share"))
	vm.Busy = true
	draw()
	if !button(t, w, "Share").Disabled() || !button(t, w, "Cancel").Disabled() || !find(w, func(*widget.Check) bool { return true }).Disabled() {
		t.Error("buttons or claims are on while the answer is sent")
	}
	test.Tap(button(t, w, "Share"))
	if shared != 1 {
		t.Errorf("shared %d times", shared)
	}
	vm.Busy, vm.Result = false, &RespondResult{Queued: true}
	draw()
	wantText(t, w, "it will be sent when you are back online")
	if find(w, func(b *keyButton) bool { return b.Text == "Share" }) != nil {
		t.Error("Share is offered again after the outcome")
	}
}

// restart serves the same page (the same open requests) again on the same
// address, after stop.
func (e *employerPage) restart(h http.Handler) {
	e.t.Helper()
	ln, err := net.Listen("tcp", strings.TrimPrefix(e.base, "http://"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.mu.Lock()
	e.srv = &http.Server{Handler: h}
	srv := e.srv
	e.mu.Unlock()
	go srv.Serve(ln)
}

// TestSyncSendsQueuedAnswer: an answer queued while the employer's page
// was away goes out when the session syncs with the page back, once.
func TestSyncSendsQueuedAnswer(t *testing.T) {
	ctx := context.Background()
	s, info := openSample(t)
	emp := startEmployer(t, s.Store())
	handler := emp.srv.Handler
	link, id := emp.request("emt-sierra-vista-ambulance")
	vm := NewRespondVM(s, info.Portfolio, dev)
	if _, err := vm.Fetch(ctx, link); err != nil {
		t.Fatal(err)
	}
	emp.stop()
	if r, err := vm.Share(ctx, nil); err != nil || !r.Queued {
		t.Fatalf("share while the page is away: %+v, %v", r, err)
	}
	// Still away: the answer waits.
	if rep, err := s.Sync(ctx, dev); err != nil || rep.Stopped == nil || len(rep.Done) != 0 {
		t.Fatalf("sync while away: %+v, %v", rep, err)
	}
	emp.restart(handler)
	rep, err := s.Sync(ctx, dev)
	if err != nil || len(rep.Done) != 1 || rep.Stopped != nil {
		t.Fatalf("sync with the page back: %+v, %v", rep, err)
	}
	if st, verified := emp.result(id); st != "done" || !verified {
		t.Fatalf("the employer's result: %s, verified %v", st, verified)
	}
	if rep, err := s.Sync(ctx, dev); err != nil || len(rep.Done) != 0 {
		t.Fatalf("a second sync did something: %+v, %v", rep, err)
	}
	s.Lock()
	if _, err := s.Sync(ctx, dev); !errors.Is(err, ErrLocked) {
		t.Fatalf("sync when locked: %v", err)
	}
}
