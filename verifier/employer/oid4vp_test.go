package employer_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/employer"
)

// walletRequest is what a wallet learns from the QR code: the request id
// (from the page's redirect) and the request object.
type walletRequest struct {
	id  string
	obj map[string]any
}

func (r walletRequest) str(k string) string { s, _ := r.obj[k].(string); return s }

// newRequest does what the screener's button does, then fetches the request
// object as the wallet would.
func (s *site) newRequest(t testing.TB, job string) walletRequest {
	t.Helper()
	res := s.postForm(t, "/oid4vp/requests", url.Values{"job": {job}})
	if res.code != http.StatusSeeOther {
		t.Fatalf("create request: %d %.300s", res.code, res.body)
	}
	loc := res.header.Get("Location")
	m := regexp.MustCompile(`^/oid4vp/requests/([A-Za-z0-9_-]+)/page$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("redirect to %q", loc)
	}
	obj := s.get(t, "/oid4vp/requests/"+m[1])
	if obj.code != 200 || obj.header.Get("Content-Type") != "application/json" {
		t.Fatalf("request object: %d %s %.300s", obj.code, obj.header.Get("Content-Type"), obj.body)
	}
	return walletRequest{id: m[1], obj: decode[map[string]any](t, obj.body)}
}

// answer posts a wallet's direct_post response.
func (s *site) answer(t testing.TB, state string, vpToken []byte, defID string) response {
	t.Helper()
	sub, _ := json.Marshal(map[string]any{"id": "sub-1", "definition_id": defID,
		"descriptor_map": []any{map[string]any{"id": "medical-terminology", "format": "ldp_vp", "path": "$"}}})
	return s.postForm(t, "/oid4vp/response", url.Values{"vp_token": {string(vpToken)}, "presentation_submission": {string(sub)}, "state": {state}})
}

type result struct {
	Status string           `json:"status"`
	Report *verifier.Report `json:"report"`
}

func (s *site) result(t testing.TB, id string) (result, []byte) {
	t.Helper()
	res := s.get(t, "/oid4vp/requests/"+id+"/result")
	if res.code != 200 {
		t.Fatalf("result: %d %s", res.code, res.body)
	}
	return decode[result](t, res.body), res.body
}

func TestOID4VP(t *testing.T) {
	w := sample(t)
	s := start(t, nil)
	responseURI := s.URL + "/oid4vp/response"

	t.Run("ok/request as JSON for scripts", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/oid4vp/requests", strings.NewReader("job="+emtJob))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got map[string]string
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d, %v", resp.StatusCode, err)
		}
		want := "openid4vp://authorize?client_id=" + url.QueryEscape(responseURI) + "&request_uri=" + url.QueryEscape(s.URL+"/oid4vp/requests/"+got["id"])
		if got["uri"] != want || got["result"] != s.URL+"/oid4vp/requests/"+got["id"]+"/result" {
			t.Fatalf("answer %v", got)
		}
	})

	t.Run("ok/request object", func(t *testing.T) {
		q := s.newRequest(t, emtJob)
		for k, want := range map[string]string{"response_type": "vp_token", "response_mode": "direct_post",
			"client_id": responseURI, "client_id_scheme": "redirect_uri", "response_uri": responseURI} {
			if got := q.str(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		b64 := regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`) // 128 random bits
		for _, k := range []string{"nonce", "state"} {
			if !b64.MatchString(q.str(k)) {
				t.Errorf("%s = %q: want 128 random bits, base64url", k, q.str(k))
			}
		}
		if !b64.MatchString(q.id) || q.id == q.str("state") || q.id == q.str("nonce") || q.str("state") == q.str("nonce") {
			t.Errorf("id %q, state %q, nonce %q: want three different random values", q.id, q.str("state"), q.str("nonce"))
		}
		def, _ := q.obj["presentation_definition"].(map[string]any)
		if def["id"] != emtJob || def["input_descriptors"] == nil {
			t.Errorf("presentation_definition = %v", def)
		}
		meta, _ := q.obj["client_metadata"].(map[string]any)
		formats, _ := meta["vp_formats"].(map[string]any)
		if meta["client_name"] == "" || formats["ldp_vp"] == nil || formats["jwt_vp_json"] == nil {
			t.Errorf("client_metadata = %v", meta)
		}
		if r, _ := s.result(t, q.id); r.Status != "pending" || r.Report != nil {
			t.Errorf("result before an answer = %+v", r)
		}
		page := s.get(t, "/oid4vp/requests/"+q.id+"/page")
		link := "openid4vp://authorize?client_id=" + url.QueryEscape(responseURI) + "&amp;request_uri=" + url.QueryEscape(s.URL+"/oid4vp/requests/"+q.id)
		for _, want := range []string{link, `src="/oid4vp/requests/` + q.id + `/qr.png"`, "Check again", "/static/poll.js", "Emergency Medical Technician"} {
			if !strings.Contains(string(page.body), want) {
				t.Errorf("request page lacks %q", want)
			}
		}
		img := s.get(t, "/oid4vp/requests/"+q.id+"/qr.png")
		if img.header.Get("Content-Type") != "image/png" {
			t.Fatalf("qr.png: %s", img.header.Get("Content-Type"))
		}
		if _, err := png.Decode(bytes.NewReader(img.body)); err != nil {
			t.Errorf("qr.png: %v", err)
		}
	})

	t.Run("ok/wallet answers; the result is stored once", func(t *testing.T) {
		q := s.newRequest(t, emtJob)
		vp := w.present(t, "ldp_vp", q.str("nonce"), q.str("client_id"), w.creds...)
		res := s.answer(t, q.str("state"), vp, emtJob)
		if res.code != 200 {
			t.Fatalf("answer: %d %s", res.code, res.body)
		}
		if got := decode[map[string]string](t, res.body); got["redirect_uri"] != s.URL+"/oid4vp/requests/"+q.id+"/result-page" {
			t.Errorf("answer = %v", got)
		}
		r, first := s.result(t, q.id)
		if r.Status != "done" || r.Report == nil || !r.Report.Verified {
			t.Fatalf("result = %s", first)
		}
		if c, _ := check(*r.Report, verifier.CheckChallenge); !c.OK || !strings.Contains(c.Detail, q.str("nonce")) {
			t.Errorf("challenge check %+v", c)
		}
		if q := requirement(*r.Report, "emt-course"); !q.Met || !strings.Contains(q.Detail, "military-cpl") {
			t.Errorf("emt-course %+v", q)
		}
		page := s.get(t, "/oid4vp/requests/"+q.id+"/result-page")
		for _, want := range []string{"Verified", "counts as EMS 101 Emergency Medical Technician", "equivalency military-cpl v2025.1, row M01", "applicant's wallet (OpenID4VP)"} {
			if !strings.Contains(html(page.body), want) {
				t.Errorf("result page lacks %q", want)
			}
		}
		if p := s.get(t, "/oid4vp/requests/"+q.id+"/page"); p.code != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "/result-page") {
			t.Errorf("the request page once answered: %d %s", p.code, p.header.Get("Location"))
		}

		// A second answer, even a good one, is refused and changes nothing.
		again := s.answer(t, q.str("state"), vp, emtJob)
		e := decode[map[string]string](t, again.body)
		if again.code != 400 || e["error"] != "invalid_request" || !strings.Contains(e["error_description"], "already answered") {
			t.Errorf("second answer: %d %v", again.code, e)
		}
		other := w.present(t, "ldp_vp", q.str("nonce"), q.str("client_id"), w.medic(t))
		_ = s.answer(t, q.str("state"), other, emtJob)
		if _, now := s.result(t, q.id); !bytes.Equal(now, first) {
			t.Error("a second answer replaced the first report")
		}
		if obj := s.get(t, "/oid4vp/requests/"+q.id); obj.code != http.StatusGone {
			t.Errorf("request object once answered: %d", obj.code)
		}
	})

	t.Run("ok/JOSE answer (vp+jwt, as the wallet signs it)", func(t *testing.T) {
		q := s.newRequest(t, emtJob)
		vp := w.present(t, "jwt_vp_json", q.str("nonce"), q.str("client_id"), w.creds...)
		if res := s.answer(t, q.str("state"), vp, emtJob); res.code != 200 {
			t.Fatalf("answer: %d %s", res.code, res.body)
		}
		if r, b := s.result(t, q.id); !r.Report.Verified || r.Report.Format != "vp+jwt" {
			t.Errorf("result %s", b)
		}
	})

	t.Run("fail/wrong nonce: the report says the challenge fails", func(t *testing.T) {
		q := s.newRequest(t, emtJob)
		vp := w.present(t, "ldp_vp", "an-old-nonce", q.str("client_id"), w.creds...)
		if res := s.answer(t, q.str("state"), vp, emtJob); res.code != 200 {
			t.Fatalf("answer: %d %s", res.code, res.body)
		}
		r, b := s.result(t, q.id)
		c, _ := check(*r.Report, verifier.CheckChallenge)
		if r.Status != "done" || r.Report.Verified || c.OK {
			t.Fatalf("result %s", b)
		}
		page := html(s.get(t, "/oid4vp/requests/"+q.id+"/result-page").body)
		if !strings.Contains(page, "Not verified") || !strings.Contains(page, "made for a different request") {
			t.Errorf("result page does not say why:\n%s", page)
		}
	})

	t.Run("fail/wrong domain", func(t *testing.T) {
		q := s.newRequest(t, emtJob)
		vp := w.present(t, "ldp_vp", q.str("nonce"), "https://elsewhere.example/response", w.creds...)
		_ = s.answer(t, q.str("state"), vp, emtJob)
		if r, b := s.result(t, q.id); r.Report == nil || r.Report.Verified {
			t.Errorf("result %s", b)
		}
	})

	t.Run("fail/expired", func(t *testing.T) {
		q := s.newRequest(t, emtJob)
		vp := w.present(t, "ldp_vp", q.str("nonce"), q.str("client_id"), w.creds...)
		s.clock.Add(employer.DefaultRequestTTL + time.Second)
		defer s.clock.Add(-employer.DefaultRequestTTL - time.Second)
		res := s.answer(t, q.str("state"), vp, emtJob)
		e := decode[map[string]string](t, res.body)
		if res.code != 400 || e["error"] != "invalid_request" || !strings.Contains(e["error_description"], "expired") {
			t.Errorf("answer after expiry: %d %v", res.code, e)
		}
		if r, _ := s.result(t, q.id); r.Status != "expired" {
			t.Errorf("status %q", r.Status)
		}
		if obj := s.get(t, "/oid4vp/requests/"+q.id); obj.code != http.StatusGone {
			t.Errorf("request object after expiry: %d", obj.code)
		}
		if page := s.get(t, "/oid4vp/requests/"+q.id+"/page"); !strings.Contains(string(page.body), "This request has expired") {
			t.Errorf("page after expiry:\n%s", page.body)
		}
	})

	t.Run("fail/malformed answers leave the request open", func(t *testing.T) {
		q := s.newRequest(t, emtJob)
		state := q.str("state")
		vp := w.present(t, "ldp_vp", q.str("nonce"), q.str("client_id"), w.creds...)
		cred := mustJSON(t, w.medic(t))
		for _, tt := range []struct {
			name string
			form url.Values
			ct   string
			want string
		}{
			{"no state", url.Values{"vp_token": {string(vp)}}, "", "state is missing"},
			{"unknown state", url.Values{"vp_token": {string(vp)}, "state": {"nope"}, "presentation_submission": {`{"definition_id":"` + emtJob + `"}`}}, "", "no request has this state"},
			{"no vp_token", url.Values{"state": {state}}, "", "vp_token is missing"},
			{"no submission", url.Values{"vp_token": {string(vp)}, "state": {state}}, "", "presentation_submission is missing"},
			{"submission for another definition", url.Values{"vp_token": {string(vp)}, "state": {state}, "presentation_submission": {`{"definition_id":"other"}`}}, "", `not this request's "` + emtJob + `"`},
			{"submission not JSON", url.Values{"vp_token": {string(vp)}, "state": {state}, "presentation_submission": {`{`}}, "", "not a JSON object"},
			{"vp_token garbage", url.Values{"vp_token": {"hello"}, "state": {state}, "presentation_submission": {`{"definition_id":"` + emtJob + `"}`}}, "", "not a credential or presentation"},
			{"vp_token a bare credential", url.Values{"vp_token": {string(cred)}, "state": {state}, "presentation_submission": {`{"definition_id":"` + emtJob + `"}`}}, "", "not a presentation"},
			{"vp_token two presentations", url.Values{"vp_token": {"[" + string(vp) + "," + string(vp) + "]"}, "state": {state}, "presentation_submission": {`{"definition_id":"` + emtJob + `"}`}}, "", "send one"},
			{"JSON body", url.Values{"vp_token": {string(vp)}, "state": {state}}, "application/json", "x-www-form-urlencoded"},
		} {
			ct := tt.ct
			if ct == "" {
				ct = "application/x-www-form-urlencoded"
			}
			res := s.do(t, http.MethodPost, "/oid4vp/response", ct, []byte(tt.form.Encode()))
			e := decode[map[string]string](t, res.body)
			if res.code != 400 || e["error"] != "invalid_request" || !strings.Contains(e["error_description"], tt.want) {
				t.Errorf("%s: %d %v, want 400 with %q", tt.name, res.code, e, tt.want)
			}
		}
		if r, _ := s.result(t, q.id); r.Status != "pending" {
			t.Fatalf("status %q after malformed answers", r.Status)
		}
		// A list of one presentation, as some wallets send it, is read.
		if res := s.answer(t, state, []byte("["+string(vp)+"]"), emtJob); res.code != 200 {
			t.Fatalf("answer: %d %s", res.code, res.body)
		}
	})

	t.Run("fail/wrong method and unknown request", func(t *testing.T) {
		if res := s.get(t, "/oid4vp/response"); res.code != 405 || res.header.Get("Allow") != "POST" {
			t.Errorf("GET /oid4vp/response: %d", res.code)
		}
		if res := s.get(t, "/oid4vp/requests"); res.code != 405 {
			t.Errorf("GET /oid4vp/requests: %d", res.code)
		}
		for _, p := range []string{"", "/result", "/qr.png"} {
			if res := s.get(t, "/oid4vp/requests/AAAAAAAAAAAAAAAAAAAAAA"+p); res.code != 404 {
				t.Errorf("unknown request %s: %d", p, res.code)
			}
		}
		if res := s.postForm(t, "/oid4vp/requests", url.Values{"job": {"nope"}}); res.code != 400 || !strings.Contains(string(res.body), "unknown job") {
			t.Errorf("request for an unknown job: %d", res.code)
		}
	})

	t.Run("ok/no job: any credential is asked for", func(t *testing.T) {
		q := s.newRequest(t, "")
		def, _ := q.obj["presentation_definition"].(map[string]any)
		if def["id"] != "any-credential" {
			t.Errorf("definition %v", def)
		}
		vp := w.present(t, "ldp_vp", q.str("nonce"), q.str("client_id"), w.creds...)
		if res := s.answer(t, q.str("state"), vp, "any-credential"); res.code != 200 {
			t.Fatalf("answer: %d %s", res.code, res.body)
		}
		if r, b := s.result(t, q.id); !r.Report.Verified || len(r.Report.Requirements) != 0 {
			t.Errorf("result %s", b)
		}
	})
}

// Requests are bounded: at the cap an answered or expired request makes
// room; when every kept request is open, a new one is refused.
func TestOID4VPRequestCap(t *testing.T) {
	w := sample(t)
	s := start(t, func(c *employer.Config) { c.MaxRequests = 2 })
	a := s.newRequest(t, emtJob)
	b := s.newRequest(t, emtJob)
	if res := s.postForm(t, "/oid4vp/requests", url.Values{"job": {emtJob}}); res.code != http.StatusServiceUnavailable || !strings.Contains(string(res.body), "open") {
		t.Fatalf("third open request: %d", res.code)
	}
	vp := w.present(t, "ldp_vp", a.str("nonce"), a.str("client_id"), w.medic(t))
	if res := s.answer(t, a.str("state"), vp, emtJob); res.code != 200 {
		t.Fatalf("answer: %d %s", res.code, res.body)
	}
	c := s.newRequest(t, emtJob) // a, answered, makes room
	if res := s.get(t, "/oid4vp/requests/"+a.id+"/result"); res.code != 404 {
		t.Errorf("the answered request was kept: %d", res.code)
	}
	for _, q := range []walletRequest{b, c} {
		if r, _ := s.result(t, q.id); r.Status != "pending" {
			t.Errorf("open request %s: %q", q.id, r.Status)
		}
	}
	s.clock.Add(employer.DefaultRequestTTL)
	d := s.newRequest(t, emtJob) // b expired: it makes room
	if res := s.get(t, "/oid4vp/requests/"+b.id+"/result"); res.code != 404 {
		t.Errorf("the expired request was kept: %d", res.code)
	}
	_ = d
}

// html undoes the escaping the tests' expectations would otherwise need.
func html(b []byte) string {
	return strings.NewReplacer("&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&quot;", `"`).Replace(string(b))
}
