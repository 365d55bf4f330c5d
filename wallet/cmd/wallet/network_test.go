package main

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/employer"
)

// cli runs the wallet command on one wallet file.
type cli struct {
	t   *testing.T
	db  string
	env map[string]string
}

func (c cli) run(stdin string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"--db", c.db}, args...), strings.NewReader(stdin), &out, &errOut, func(k string) string { return c.env[k] })
	return code, out.String(), errOut.String()
}

type step struct {
	name   string
	stdin  string
	args   []string
	code   int
	stdout string
	stderr string
}

func (c cli) steps(steps []step) {
	c.t.Helper()
	for _, s := range steps {
		code, out, errOut := c.run(s.stdin, s.args...)
		if code != s.code || !strings.Contains(out, s.stdout) || !strings.Contains(errOut, s.stderr) {
			c.t.Fatalf("%s: exit %d (want %d)\nstdout: %s\nstderr: %s", s.name, code, s.code, out, errOut)
		}
		if strings.Contains(out+errOut, c.env["SATCHEL_PASSPHRASE"]) {
			c.t.Fatalf("%s: the passphrase was printed", s.name)
		}
	}
}

var requestLink = regexp.MustCompile(`openid4vp://[^"'<\s]+`)

// employerRequest starts the real employer page on 127.0.0.1, verifying
// with the DID document given, and makes a wallet request; it returns the
// link the page shows and a function reading the request's result.
func employerRequest(t *testing.T, didDoc []byte) (string, func() (string, bool)) {
	t.Helper()
	cache := did.NewCache()
	if _, err := cache.Add(didDoc, time.Now()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	h, err := employer.New(employer.Config{DIDs: cache, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(base+"/oid4vp/requests", url.Values{"job": {""}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	page := resp.Header.Get("Location")
	resp, err = http.Get(base + page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	link := html.UnescapeString(requestLink.FindString(string(body)))
	if link == "" {
		t.Fatalf("no wallet link on %s", page)
	}
	result := func() (string, bool) {
		resp, err := http.Get(base + strings.TrimSuffix(page, "/page") + "/result")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Status string `json:"status"`
			Report struct {
				Verified bool `json:"verified"`
			} `json:"report"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&r)
		return r.Status, r.Report.Verified
	}
	return link, result
}

func TestRespondCommand(t *testing.T) {
	dir := t.TempDir()
	badge(t, dir)
	p := func(n string) string { return filepath.Join(dir, n) }
	c := cli{t: t, db: p("wallet.db"), env: map[string]string{"SATCHEL_PASSPHRASE": "correct horse battery staple"}}
	c.steps([]step{
		{name: "ok/init", args: []string{"init"}, stdout: "your DID"},
		{name: "ok/import", args: []string{"import", "--did-document", p("did.json"), p("cna.json")}, stdout: "imported 1"},
	})
	doc, _ := os.ReadFile(p("did.json"))
	link, result := employerRequest(t, doc)
	c.steps([]step{
		{name: "fail/http without the opt-in", args: []string{"respond", link}, code: 1, stderr: "--insecure-localhost"},
		{name: "fail/not a request", args: []string{"respond", "openid4vp://authorize?client_id=x"}, code: 2, stderr: "request_uri"},
		{name: "fail/two choices", args: []string{"respond", link, "--choose", "1", "--yes"}, code: 2, stderr: "give one"},
		{name: "ok/show what is asked and what matches", args: []string{"respond", "--insecure-localhost", link}, stdout: "   1  Certified Nurse Assistant — Harbor Adult School (sample)"},
	})
	code, out, _ := c.run("", "respond", link, "--insecure-localhost", "--json")
	var shown struct {
		Verifier string `json:"verifier"`
		Matches  []struct {
			ID          string `json:"id"`
			Credentials []struct {
				ID int64 `json:"id"`
			} `json:"credentials"`
		} `json:"matches"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &shown) != nil || len(shown.Matches) != 1 || len(shown.Matches[0].Credentials) != 1 || !strings.HasSuffix(shown.Verifier, "/oid4vp/response") {
		t.Fatalf("respond --json: exit %d %s", code, out)
	}
	if st, _ := result(); st != "pending" {
		t.Fatalf("showing the request answered it: %s", st)
	}
	c.steps([]step{
		{name: "ok/answer with every match", args: []string{"respond", link, "--yes", "--insecure-localhost"}, stdout: "sent 1 credential(s) to 127.0.0.1:"},
		{name: "fail/answered twice", args: []string{"respond", link, "--choose", "1", "--insecure-localhost"}, code: 1, stderr: "410"},
	})
	if st, verified := result(); st != "done" || !verified {
		t.Fatalf("the employer's result: %s, verified %v", st, verified)
	}
	// Answering with a portfolio sends its credentials, whatever matches.
	link2, result2 := employerRequest(t, doc)
	c.steps([]step{
		{name: "fail/portfolio and yes", args: []string{"respond", link2, "--portfolio", "Job", "--yes"}, code: 2, stderr: "give one"},
		{name: "fail/unknown portfolio", args: []string{"respond", link2, "--portfolio", "Nope", "--insecure-localhost"}, code: 1, stderr: "not found"},
		{name: "ok/portfolio", args: []string{"portfolio", "create", "Job"}, stdout: "created portfolio"},
		{name: "ok/add", args: []string{"portfolio", "add", "Job", "1"}},
		{name: "ok/answer with a portfolio", args: []string{"respond", link2, "--portfolio", "Job", "--insecure-localhost"}, stdout: "sent 1 credential(s) to 127.0.0.1:"},
	})
	if st, verified := result2(); st != "done" || !verified {
		t.Fatalf("the employer's result for the portfolio: %s, verified %v", st, verified)
	}
}

func TestOfferCommand(t *testing.T) {
	dir := t.TempDir()
	badge(t, dir)
	c := cli{t: t, db: filepath.Join(dir, "wallet.db"), env: map[string]string{"SATCHEL_PASSPHRASE": "correct horse battery staple"}}
	// An issuer on this machine that is not running.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	issuer := "http://localhost:" + strings.TrimPrefix(ln.Addr().String(), "127.0.0.1:")
	ln.Close()
	offer := `{"credential_issuer":"` + issuer + `","credential_configuration_ids":["OpenBadgeCredential_ldp_vc"],
"grants":{"urn:ietf:params:oauth:grant-type:pre-authorized_code":{"pre-authorized_code":"c0de","tx_code":{"input_mode":"numeric","length":6}}}}`
	link := "openid-credential-offer://?credential_offer=" + url.QueryEscape(offer)
	if err := os.WriteFile(filepath.Join(dir, "offer.txt"), []byte(link+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.steps([]step{
		{name: "ok/init", args: []string{"init"}, stdout: "your DID"},
		{name: "fail/malformed offer", args: []string{"import", "openid-credential-offer://?credential_offer=%7B"}, code: 2, stderr: "not a usable credential offer"},
		{name: "fail/the code is missing and stdin is no terminal", args: []string{"import", "--insecure-localhost", link}, code: 2, stderr: "--tx-code"},
		{name: "fail/a code of the wrong shape", args: []string{"import", "--insecure-localhost", "--tx-code", "12ab", link}, code: 2, stderr: "the offer says 6"},
		{name: "fail/an http issuer without the opt-in", args: []string{"import", "--tx-code", "123456", link}, code: 1, stderr: "--insecure-localhost"},
		{name: "fail/--tx-code with a credential", args: []string{"import", "--tx-code", "1", filepath.Join(dir, "cna.json")}, code: 2, stderr: "not one"},
		{name: "ok/offline: queued", args: []string{"import", filepath.Join(dir, "offer.txt"), "--tx-code", "123456", "--insecure-localhost"}, code: 1, stdout: "the offer waits in the queue as action 1"},
		{name: "ok/from stdin, queued too", stdin: link, args: []string{"import", "--insecure-localhost", "--tx-code", "654321", "-"}, code: 1, stdout: "as action 2"},
		{name: "ok/sync while still offline", args: []string{"sync", "--insecure-localhost"}, code: 1, stdout: "offline      1 offer.redeem"},
		{name: "ok/refresh waits too", args: []string{"refresh", "--insecure-localhost"}, code: 0, stdout: "verified 0 credential(s) again"},
	})
	delete(c.env, "SATCHEL_PASSPHRASE")
	code, out, errOut := c.run("", "sync", "--json", "--insecure-localhost")
	var rep struct {
		Skipped []struct {
			Kind string `json:"kind"`
		} `json:"skipped"`
		Stopped *struct{} `json:"stopped"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Skipped) != 2 || rep.Stopped != nil {
		t.Fatalf("sync without the passphrase: exit %d %s %s", code, out, errOut)
	}
}
