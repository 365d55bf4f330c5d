package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/satchel-wallet/satchel/issuer/client"
	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
)

// TestMain lets the test binary be the issuer command, so tests can run
// the service as a real process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("SATCHEL_ISSUER_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

type serverProc struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
	logs *strings.Builder
	mu   *sync.Mutex
}

var listening = regexp.MustCompile(`"issuer service listening" addr=(127\.0\.0\.1:\d+)`)

// startServer runs `issuer serve` as a child process on a free port and
// waits until it listens.
func startServer(t *testing.T, dir string, extra ...string) *serverProc {
	t.Helper()
	admin := filepath.Join(dir, "admin-token")
	pass := filepath.Join(dir, "passphrase")
	for f, v := range map[string]string{admin: "admin-token-for-tests-0123456789", pass: "a long service passphrase"} {
		if err := os.WriteFile(f, []byte(v+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	args := append([]string{"serve", "--db", "sqlite:" + filepath.Join(dir, "issuer.db"), "--addr", "127.0.0.1:0",
		"--admin-token-file", admin, "--passphrase-file", pass}, extra...)
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SATCHEL_ISSUER_MAIN=1")
	stderr, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProc{cmd: cmd, done: make(chan struct{}), logs: &strings.Builder{}, mu: &sync.Mutex{}}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.logs.WriteString(line + "\n")
			p.mu.Unlock()
			if m := listening.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
		_ = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.kill() })
	select {
	case a := <-addr:
		p.url = "http://" + a
	case <-p.done:
		t.Fatalf("the server exited:\n%s", p.log())
	case <-time.After(60 * time.Second):
		t.Fatalf("the server did not start:\n%s", p.log())
	}
	return p
}

func (p *serverProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

func (p *serverProc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func (p *serverProc) admin() *client.Client {
	return &client.Client{BaseURL: p.url, Token: "admin-token-for-tests-0123456789"}
}

// TestKilledMidBatch kills the service (SIGKILL) while it issues a large
// batch. After a restart the batch is wholly there or wholly absent, the
// status list still verifies with no bit set, and the database is intact;
// retrying with the same Idempotency-Key then completes it exactly once.
func TestKilledMidBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the service as a process")
	}
	dir := t.TempDir()
	p := startServer(t, dir)
	ctx := context.Background()
	tokens, err := p.admin().CreateSamples(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	jst := func(url string) *client.Client { return &client.Client{BaseURL: url, Token: tokens["jst"]} }
	// A first small batch, so a status list exists before the crash.
	if _, _, err := jst(p.url).Submit(ctx, "jst", "application/json", client.MilitaryBatch("K-", 0, 1), "warm-up"); err != nil {
		t.Fatal(err)
	}
	const n = 300
	body := client.MilitaryBatch("K-", 0, n)
	errc := make(chan error, 1)
	go func() {
		_, _, err := jst(p.url).Submit(ctx, "jst", "application/json", body, "big-batch")
		errc <- err
	}()
	time.Sleep(700 * time.Millisecond)
	p.kill()
	if err := <-errc; err == nil {
		t.Log("the batch finished before the kill; the test still checks consistency")
	}

	db, err := sql.Open("sqlite", filepath.Join(dir, "issuer.db"))
	if err != nil {
		t.Fatal(err)
	}
	var integrity string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check: %q %v", integrity, err)
	}
	db.Close()

	// Same database, same base URL (its DIDs are named by it), new port.
	p2 := startServer(t, dir, "--base-url", strings.Replace(p.url, "127.0.0.1", "localhost", 1))
	c := jst(p2.url)
	counted := 0
	for i := 0; i < n; i++ {
		cs, err := c.LearnerCredentials(ctx, "jst", fmt.Sprintf("K-%07d", i))
		if err != nil {
			t.Fatal(err)
		}
		counted += len(cs)
	}
	// K-00000 also had the warm-up credential.
	t.Logf("after the kill %d of %d credentials are there (1: the batch is absent, %d: wholly there)", counted, n, n)
	if counted != 1 && counted != n {
		t.Fatalf("after the crash %d of %d credentials are there", counted, n)
	}
	list, err := c.Get(ctx, "/status/jst-revocation-1")
	if err != nil {
		t.Fatal(err)
	}
	rep := verifyWith(t, c, list)
	if !rep.Verified {
		t.Fatalf("the status list does not verify after the crash: %+v", rep.Checks)
	}
	res, replayed, err := c.Submit(ctx, "jst", "application/json", body, "big-batch")
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Issued; !replayed && got != n-1 {
		t.Fatalf("retry issued %d, want %d (the warm-up learner's record is new too: %v)", got, n-1, res.Records[0])
	}
	again, replayed2, err := c.Submit(ctx, "jst", "application/json", body, "big-batch")
	if err != nil || !replayed2 || again.Batch != res.Batch {
		t.Fatalf("second retry: replayed=%v err=%v", replayed2, err)
	}
	_ = replayed
	// Graceful stop: SIGTERM lets the process exit 0.
	_ = p2.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p2.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the service did not stop on SIGTERM")
	}
	if code := p2.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit status %d after SIGTERM:\n%s", code, p2.log())
	}
	// Another base URL is refused: it would serve DID documents under
	// names no credential points to.
	p3 := exec.Command(os.Args[0], "serve", "--db", "sqlite:"+filepath.Join(dir, "issuer.db"), "--addr", "127.0.0.1:0",
		"--passphrase-file", filepath.Join(dir, "passphrase"), "--base-url", "https://elsewhere.example")
	p3.Env = append(os.Environ(), "SATCHEL_ISSUER_MAIN=1")
	if out, err := p3.CombinedOutput(); err == nil || !strings.Contains(string(out), "another base URL") {
		t.Fatalf("a changed base URL: %v\n%s", err, out)
	}
	if strings.Contains(p2.log(), "a long service passphrase") || strings.Contains(p2.log(), tokens["jst"]) {
		t.Fatal("a secret is in the service's log")
	}
	if resp, err := http.Get(p2.url + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatal("the service still answers after SIGTERM")
	}
}

// verifyWith verifies a document of the JST institution with its DID
// document fetched from the service.
func verifyWith(t *testing.T, c *client.Client, raw []byte) verifier.Report {
	t.Helper()
	ctx := context.Background()
	doc, err := c.Get(ctx, "/institutions/jst/did.json")
	if err != nil {
		t.Fatal(err)
	}
	cache := did.NewCache()
	if _, err := cache.Add(doc, time.Now()); err != nil {
		t.Fatal(err)
	}
	rep, err := verifier.Verify(ctx, raw, verifier.Options{DIDs: &did.Local{Cache: cache}})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestRemoteCommands: seed, submit, offer and revoke against a running
// service, and their refusals of bad usage (exit 2) before anything is sent.
func TestRemoteCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the service as a process")
	}
	dir := t.TempDir()
	p := startServer(t, dir)
	admin := filepath.Join(dir, "admin-token")
	tokens := filepath.Join(dir, "tokens.json")
	code, out, errOut := runCLI("seed", "--url", p.url, "--token-file", admin, "--tokens-out", tokens)
	if code != 0 || !strings.Contains(out, "created jst") {
		t.Fatalf("seed: %d %s %s", code, out, errOut)
	}
	raw, _ := os.ReadFile(tokens)
	var toks map[string]string
	if err := json.Unmarshal(raw, &toks); err != nil {
		t.Fatal(err)
	}
	jst := filepath.Join(dir, "jst.token")
	if err := os.WriteFile(jst, []byte(toks["jst"]), 0o600); err != nil {
		t.Fatal(err)
	}
	batch := filepath.Join("..", "..", "intake", "testdata", "jst-military.json")
	code, out, errOut = runCLI("submit", "--url", p.url, "--token-file", jst, "--institution", "jst", "--json", batch)
	var res struct {
		Records []struct {
			Credential string `json:"credential"`
		} `json:"records"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Records) == 0 {
		t.Fatalf("submit: %d %s %s", code, out, errOut)
	}
	code, out, errOut = runCLI("offer", "--url", p.url, "--token-file", jst, "--institution", "jst", "--learner", "L-1001", "--tx-code")
	if code != 0 || !strings.HasPrefix(out, "openid-credential-offer://?credential_offer_uri=") || !strings.Contains(errOut, "transaction code") {
		t.Fatalf("offer: %d %s %s", code, out, errOut)
	}
	code, out, errOut = runCLI("revoke", "--url", p.url, "--token-file", jst, "--institution", "jst", "--reason", "test", res.Records[0].Credential)
	if code != 0 || !strings.Contains(out, "revoked=true") {
		t.Fatalf("revoke: %d %s %s", code, out, errOut)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"fail/no token", []string{"submit", "--url", p.url, "--institution", "jst", batch}, 2, "token"},
		{"fail/no institution", []string{"submit", "--url", p.url, "--token-file", jst, batch}, 2, "--institution"},
		{"fail/not a batch file", []string{"submit", "--url", p.url, "--token-file", jst, "--institution", "jst", admin}, 2, ".json, .csv or .xml"},
		{"fail/another institution's data", []string{"submit", "--url", p.url, "--token-file", jst, "--institution", "harbor-adult", batch}, 1, "403"},
		{"fail/offer without a learner", []string{"offer", "--url", p.url, "--token-file", jst, "--institution", "jst"}, 2, "--learner"},
		{"fail/revoke what is not there", []string{"revoke", "--url", p.url, "--token-file", jst, "--institution", "jst", "urn:uuid:nope"}, 1, "404"},
		{"fail/table with a bad date", []string{"table", "--url", p.url, "--token-file", jst, "--institution", "jst", "--effective-from", "1 Sept", batch[:len(batch)-5] + ".csv"}, 2, "date"},
		{"fail/seed without where to write", []string{"seed", "--url", p.url, "--token-file", admin}, 2, "--tokens-out"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.says) {
				t.Fatalf("exit %d (want %d)\n%s%s\nwant %q", code, tc.code, out, errOut, tc.says)
			}
		})
	}
}
