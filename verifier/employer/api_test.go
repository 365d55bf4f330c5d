package employer_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/employer"
)

func TestAPIVerify(t *testing.T) {
	w := sample(t)
	s := start(t, nil)
	medic := mustJSON(t, w.medic(t))
	vp := w.present(t, "ldp_vp", "c-1", "jobs.example", w.creds...)
	jwtVP := w.present(t, "jwt_vp_json", "c-2", "jobs.example", w.creds...)
	tampered := bytes.Replace(medic, []byte("Combat Medic Specialist"), []byte("Flight Paramedic"), 1)
	big := append([]byte(`{"pad": "`), bytes.Repeat([]byte("x"), 2<<20)...)
	big = append(big, `"}`...)
	huge := bytes.Repeat([]byte(" "), employer.DefaultMaxBodyBytes+1)

	tests := []struct {
		name     string
		method   string
		query    string
		body     []byte
		code     int
		verified bool
		kind     string
		checks   map[string]bool // check name → ok
		met      map[string]bool // requirement id → met
		detail   string          // in some requirement's detail
		err      string
	}{
		{name: "ok/verified credential", body: medic, code: 200, verified: true, kind: "credential",
			checks: map[string]bool{"proof": true, "trust": true}},
		{name: "ok/verified presentation meets the job", query: "?job=" + emtJob + "&challenge=c-1&domain=jobs.example", body: vp, code: 200, verified: true, kind: "presentation",
			checks: map[string]bool{"proof": true, "challenge": true, "subject-binding": true, "credentials": true},
			met:    map[string]bool{"emt-course": true}, detail: "military-cpl v2025.1 row M01"},
		{name: "ok/jwt presentation", query: "?job=" + emtJob + "&challenge=c-2&domain=jobs.example", body: jwtVP, code: 200, verified: true, kind: "presentation",
			met: map[string]bool{"emt-course": true}},
		{name: "fail/tampered credential", body: tampered, code: 200, verified: false, kind: "credential",
			checks: map[string]bool{"proof": false}},
		{name: "fail/presentation for another challenge", query: "?challenge=other&domain=jobs.example", body: vp, code: 200, verified: false, kind: "presentation",
			checks: map[string]bool{"proof": false, "challenge": false}},
		{name: "fail/a job's requirements are not met by a tampered credential", query: "?job=" + emtJob, body: tampered, code: 200, verified: false, kind: "credential",
			met: map[string]bool{"emt-course": false}},
		{name: "fail/garbage", body: []byte("hello, employer"), code: 400, err: "not a credential"},
		{name: "fail/empty", body: []byte("  \n"), code: 400, err: "nothing to check"},
		{name: "fail/unknown job", query: "?job=nope", body: medic, code: 400, err: `unknown job "nope"`},
		{name: "fail/document above the verifier's limit", body: big, code: 413, err: "too large"},
		{name: "fail/body above the limit", body: huge, code: 413, err: "larger than the limit of 8388608 bytes (8 MiB)"},
		{name: "fail/GET", method: http.MethodGet, code: 405, err: "use POST"},
		{name: "fail/PUT", method: http.MethodPut, body: medic, code: 405, err: "use POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			res := s.do(t, method, "/api/verify"+tt.query, "application/json", tt.body)
			if res.code != tt.code {
				t.Fatalf("status %d, want %d: %.300s", res.code, tt.code, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if tt.code == 405 && res.header.Get("Allow") != "POST" {
				t.Errorf("Allow %q", res.header.Get("Allow"))
			}
			if tt.code != 200 {
				e := decode[map[string]string](t, res.body)
				if !strings.Contains(e["error"], tt.err) {
					t.Errorf("error %q lacks %q", e["error"], tt.err)
				}
				return
			}
			rep := decode[verifier.Report](t, res.body)
			if rep.Verified != tt.verified || rep.Kind != tt.kind {
				t.Fatalf("verified %v kind %s, want %v %s: %+v", rep.Verified, rep.Kind, tt.verified, tt.kind, rep.Checks)
			}
			for name, ok := range tt.checks {
				c, found := check(rep, name)
				if !found || c.OK != ok {
					t.Errorf("check %s = %+v (found %v), want ok %v", name, c, found, ok)
				}
			}
			for id, met := range tt.met {
				if q := requirement(rep, id); q.ID == "" || q.Met != met {
					t.Errorf("requirement %s = %+v, want met %v", id, q, met)
				}
			}
			if tt.detail != "" && !strings.Contains(string(res.body), tt.detail) {
				t.Errorf("report lacks %q", tt.detail)
			}
		})
	}
}

// POST /api/verify answers byte for byte what `verify --json` prints for
// the same document and world: both verify with the same options and
// encode with EncodeReport. (verifier/cmd/verify's tests compare with the
// command's output itself.)
func TestAPIVerifyIsVerifyJSON(t *testing.T) {
	w := sample(t)
	s := start(t, nil)
	vp := w.present(t, "ldp_vp", "c-9", "jobs.example", w.creds...)
	var job = w.jobs[0]
	for _, j := range w.jobs {
		if j.ID == emtJob {
			job = j
		}
	}
	for _, tt := range []struct {
		name  string
		query string
		opt   verifier.Options
		doc   []byte
	}{
		{"ok/presentation with job and challenge", "?job=" + emtJob + "&challenge=c-9&domain=jobs.example",
			verifier.Options{Requirements: job, Challenge: "c-9", Domain: "jobs.example"}, vp},
		{"fail/tampered credential", "", verifier.Options{}, bytes.Replace(mustJSON(t, w.medic(t)), []byte("Combat"), []byte("Kombat"), 1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := s.do(t, http.MethodPost, "/api/verify"+tt.query, "", tt.doc)
			opt := tt.opt
			opt.Now, opt.DIDs, opt.Trust = s.clock.Now(), &did.Local{Cache: w.dids}, w.trust
			rep, err := verifier.Verify(context.Background(), tt.doc, opt)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := employer.EncodeReport(&want, rep); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.String(), string(res.body)); diff != "" {
				t.Errorf("API answer differs from verify --json (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := start(t, nil)
	for _, path := range []string{"/", "/static/style.css", "/static/poll.js", "/nope"} {
		res := s.get(t, path)
		if csp := res.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if res.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, res.header.Get("X-Content-Type-Options"))
		}
	}
	if res := s.get(t, "/static/style.css"); res.code != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/css") {
		t.Errorf("style.css: %d %s", res.code, res.header.Get("Content-Type"))
	}
	if res := s.get(t, "/"); bytes.Contains(res.body, []byte("http://")) && bytes.Contains(res.body, []byte("<script src=\"http")) {
		t.Error("the page loads a script from elsewhere")
	}
	for _, path := range []string{"/", "/oid4vp/requests/x/page"} {
		res := s.get(t, path)
		for _, bad := range []string{"https://fonts.", "cdn.", "<script>", "style=\""} {
			if bytes.Contains(res.body, []byte(bad)) {
				t.Errorf("%s contains %q: everything comes from the server, nothing inline", path, bad)
			}
		}
	}
	if res := s.postForm(t, "/verify", url.Values{"text": {"x"}}); res.code != 400 {
		t.Errorf("garbage form: %d", res.code)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	w := sample(t)
	for _, tt := range []struct {
		name string
		cfg  employer.Config
		err  string
	}{
		{"fail/no base URL", employer.Config{}, "base URL"},
		{"fail/base URL with a path", employer.Config{BaseURL: "https://jobs.example/employer"}, "no path"},
		{"fail/base URL not http", employer.Config{BaseURL: "ftp://jobs.example"}, "http or https"},
		{"fail/job twice", employer.Config{BaseURL: "http://127.0.0.1:8090", Jobs: append(w.jobs, w.jobs[0])}, "given twice"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := employer.New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}
