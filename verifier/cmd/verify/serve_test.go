package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var jobsDir = filepath.Join("..", "..", "requirements", "testdata", "jobs")

// syncBuffer is a buffer the server's goroutine writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// serving runs `verify serve` with args on 127.0.0.1:0 and returns its URL
// and a channel with its exit status.
func serving(t *testing.T, ctx context.Context, args ...string) (string, <-chan int, *syncBuffer, *syncBuffer) {
	t.Helper()
	pr, pw := io.Pipe()
	var out, errOut syncBuffer
	code := make(chan int, 1)
	go func() {
		c := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), io.MultiWriter(pw, &out), &errOut)
		pw.Close()
		code <- c
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	if err != nil {
		t.Fatalf("verify serve did not start: %v\nstderr: %s", err, errOut.String())
	}
	m := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)/ `).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("verify serve printed %q", line)
	}
	return m[1], code, &out, &errOut
}

func post(t *testing.T, url string, body []byte) (int, []byte) {
	t.Helper()
	res, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// POST /api/verify answers byte for byte what verify --json prints for the
// same document and the same flags.
func TestServeAnswersAsVerifyJSON(t *testing.T) {
	dir := fixture(t)
	p := func(n string) string { return filepath.Join(dir, n) }
	world := []string{"--at=2026-06-01T00:00:00Z", "--did-document", p("did.json"), "--trust", p("trust.json")}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, code, out, _ := serving(t, ctx, append(world, "--jobs", jobsDir)...)

	for _, tt := range []struct {
		name, file, job string
		verified        bool
	}{
		{"ok/credential", "cred.json", "", true},
		{"ok/credential for a job", "cred.json", "emt-sierra-vista-ambulance", true},
		{"fail/tampered", "tampered.json", "emt-sierra-vista-ambulance", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--json"}, world...)
			query := ""
			if tt.job != "" {
				args = append(args, "--requirements", filepath.Join(jobsDir, tt.job+".json"))
				query = "?job=" + tt.job
			}
			exit, want, errOut := runCLI("", append(args, p(tt.file))...)
			if (exit == 0) != tt.verified {
				t.Fatalf("verify --json: exit %d: %s", exit, errOut)
			}
			doc, _ := os.ReadFile(p(tt.file))
			status, got := post(t, url+"/api/verify"+query, doc)
			if status != 200 {
				t.Fatalf("status %d: %s", status, got)
			}
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("POST /api/verify differs from verify --json (-cli +api):\n%s", diff)
			}
		})
	}
	if status, body := post(t, url+"/api/verify", []byte("hello")); status != 400 || !strings.Contains(string(body), "not a credential") {
		t.Errorf("garbage: %d %s", status, body)
	}
	res, err := http.Get(url + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()

	cancel()
	select {
	case c := <-code:
		if c != 0 || !strings.Contains(out.String(), "stopped") {
			t.Errorf("exit %d after shutdown; stdout %q", c, out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("verify serve did not stop")
	}
}

// SIGTERM stops the server gracefully: exit status 0.
func TestServeStopsOnSIGTERM(t *testing.T) {
	url, code, _, errOut := serving(t, context.Background())
	if res, err := http.Get(url + "/"); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	// serve has registered for the signal before it printed its URL.
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit %d after SIGTERM: %s", c, errOut.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("verify serve did not stop on SIGTERM")
	}
}

func TestServeRefusesToStart(t *testing.T) {
	dir := fixture(t)
	p := func(n string) string { return filepath.Join(dir, n) }
	badJobs := t.TempDir()
	good, _ := os.ReadFile(filepath.Join(jobsDir, "emt-sierra-vista-ambulance.json"))
	_ = os.WriteFile(filepath.Join(badJobs, "emt.json"), good, 0o644)
	_ = os.WriteFile(filepath.Join(badJobs, "welder.json"), []byte(`{"id": "welder", "title": "Welder", "requirements": [{"id": "x"}]}`), 0o644)
	for _, tt := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"fail/a bad job file is named", []string{"--jobs", badJobs}, "welder.json"},
		{"fail/no jobs directory", []string{"--jobs", p("no-such-dir")}, "--jobs"},
		{"fail/bad trust registry", []string{"--trust", p("did.json")}, "--trust"},
		{"fail/bad DID document", []string{"--did-document", p("garbage.txt")}, "--did-document"},
		{"fail/bad --at", []string{"--at", "tomorrow"}, "--at"},
		{"fail/bad base URL", []string{"--base-url", "jobs.example"}, "base URL"},
		{"fail/base URL with a path", []string{"--base-url", "https://jobs.example/check"}, "no path"},
		{"fail/no body limit", []string{"--max-bytes", "0"}, "--max-bytes"},
		{"fail/an argument", []string{p("cred.json")}, "unexpected argument"},
		{"fail/fetching is not a serve flag", []string{"--fetch-did-web"}, "flag provided but not defined"},
		{"fail/bad address", []string{"--addr", "nowhere:-1"}, "verify serve:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI("", append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)...)
			if code != 2 || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tt.stderr)
			}
		})
	}
	if code, _, errOut := runCLI("", "serve", "-h"); code != 0 || !strings.Contains(errOut, "usage: verify serve") || !strings.Contains(errOut, "-base-url") {
		t.Errorf("serve -h: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := runCLI("", "-h"); code != 0 || !strings.Contains(errOut, "verify serve [--addr 127.0.0.1:8090]") {
		t.Errorf("-h: exit %d\n%s", code, errOut)
	}
}
