package did

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestWebURL(t *testing.T) {
	for _, tc := range []struct{ did, want string }{
		{"did:web:example.com", "https://example.com/.well-known/did.json"},
		{"did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"},
		{"did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"},
		{"did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"},
		{"did:web:localhost%3a8443", "https://localhost:8443/.well-known/did.json"},
		{"did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf", "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json"},
		{"did:web:Example.COM", "https://example.com/.well-known/did.json"},
		{"did:web:example.com:a%20b", "https://example.com/a%20b/did.json"},
	} {
		t.Run("ok/"+tc.did, func(t *testing.T) {
			got, err := WebURL(tc.did)
			if err != nil || got != tc.want {
				t.Errorf("WebURL = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	for _, tc := range []struct{ name, did, fault string }{
		{"ip address", "did:web:127.0.0.1", "IP address"},
		{"ip address with port", "did:web:127.0.0.1%3A8443", "IP address"},
		{"ipv6 address", "did:web:%5B%3A%3A1%5D", "IP address"},
		{"numeric last label", "did:web:1.2.3", "looks like an IP"},
		{"hex number host", "did:web:0x7f000001", "looks like an IP"},
		{"path traversal", "did:web:example.com:..:etc", "bad path segment"},
		{"path traversal encoded", "did:web:example.com:%2E%2E:etc", "bad path segment"},
		{"dot segment", "did:web:example.com:.:x", "bad path segment"},
		{"encoded slash in path", "did:web:example.com:a%2Fb", "bad path segment"},
		{"encoded backslash in path", "did:web:example.com:a%5Cb", "bad path segment"},
		{"control character in path", "did:web:example.com:a%0Ab", "bad path segment"},
		{"empty path segment", "did:web:example.com::a", "bad path segment"},
		{"slash in host", "did:web:example.com%2Fevil", "bad host"},
		{"userinfo in host", "did:web:user%40example.com", "bad host"},
		{"port zero", "did:web:example.com%3A0", "bad port"},
		{"port too large", "did:web:example.com%3A99999", "bad port"},
		{"port not a number", "did:web:example.com%3Ahttps", "bad port"},
		{"empty port", "did:web:example.com%3A", "bad port"},
		{"hyphen label", "did:web:-example.com", "bad host"},
		{"underscore", "did:web:exa_mple.com", "bad host"},
		{"empty label", "did:web:example..com", "bad host"},
		{"NUL in host", "did:web:example.com%00", "bad host"},
		{"bad percent-encoding", "did:web:example.com%zz", "percent-encoding"},
		{"not did:web", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "not a did:web"},
		{"empty", "did:web:", "empty method-specific"},
		{"fragment", "did:web:example.com#key-1", "not allowed"},
		{"https URL", "https://example.com", "not a DID"},
	} {
		t.Run("fail/"+tc.name, func(t *testing.T) {
			got, err := WebURL(tc.did)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("WebURL = %q, %v; want ErrInvalid", got, err)
			}
			if !strings.Contains(err.Error(), tc.fault) {
				t.Errorf("error %q does not mention %q", err, tc.fault)
			}
		})
	}
}

// webServer starts an httptest TLS server and returns a client that sends
// every connection to it, and the did:web host (example.com, which the test
// certificate covers, with the server's port percent-encoded).
func webServer(t *testing.T, h http.Handler) (*httptest.Server, *http.Client, string) {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	tr := srv.Client().Transport.(*http.Transport).Clone()
	addr := srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	return srv, &http.Client{Transport: tr}, fmt.Sprintf("example.com%%3A%d", port)
}

func webDoc(t *testing.T, did string) []byte {
	return testDoc(t, func(d obj) {
		d["id"] = did
		for _, vm := range d["verificationMethod"].([]any) {
			vm.(obj)["controller"] = did
		}
		d["verificationMethod"].([]any)[1].(obj)["id"] = "#key-2"
	})
}

func TestWebFetcher(t *testing.T) {
	ctx := context.Background()
	var hits atomic.Int32
	var host string
	docs := map[string][]byte{}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/redirect/same/did.json":
			http.Redirect(w, r, "/moved/did.json", http.StatusFound)
		case "/redirect/http/did.json":
			http.Redirect(w, r, "http://"+r.Host+"/.well-known/did.json", http.StatusFound)
		case "/redirect/other/did.json":
			http.Redirect(w, r, "https://other.example/.well-known/did.json", http.StatusFound)
		case "/redirect/loop/did.json":
			http.Redirect(w, r, "/redirect/loop/did.json", http.StatusFound)
		case "/big/did.json":
			b := testDoc(t, func(d obj) { d["id"] = "did:web:" + host + ":big"; d["pad"] = strings.Repeat("x", 4096) })
			w.Header().Set("Content-Length", fmt.Sprint(len(b)))
			w.Write(b)
		case "/big-streamed/did.json":
			for i := 0; i < 64; i++ {
				w.Write([]byte(strings.Repeat(" ", 256)))
				w.(http.Flusher).Flush()
			}
		case "/wrong-id/did.json":
			w.Write(webDoc(t, "did:web:evil.example"))
		case "/not-json/did.json":
			w.Write([]byte("<html>hello</html>"))
		case "/private/did.json":
			w.Write(testDoc(t, func(d obj) {
				d["id"] = "did:web:" + host + ":private"
				vm0(func(m obj) { m["privateKeyMultibase"] = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq" })(d)
			}))
		case "/error/did.json":
			http.Error(w, "boom", http.StatusInternalServerError)
		case "/slow/did.json":
			<-r.Context().Done() // blocks until the client gives up
		default:
			if b, ok := docs[r.URL.Path]; ok {
				w.Header().Set("Content-Type", "application/did+json")
				w.Write(b)
				return
			}
			http.NotFound(w, r)
		}
	})
	_, client, h := webServer(t, mux)
	host = h
	wellKnown := "did:web:" + host
	withPath := "did:web:" + host + ":issuers:college"
	docs["/.well-known/did.json"] = webDoc(t, wellKnown)
	docs["/issuers/college/did.json"] = webDoc(t, withPath)
	docs["/moved/did.json"] = webDoc(t, "did:web:"+host+":redirect:same")

	fetcher := &WebFetcher{Client: client, Timeout: 2 * time.Second}

	t.Run("ok/resolve fetches once, then uses the cache", func(t *testing.T) {
		cache := NewCache()
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		local := &Local{Cache: cache, Web: fetcher, Now: func() time.Time { return now }}
		before := hits.Load()
		for i := 0; i < 3; i++ {
			vm, err := ResolveMethod(ctx, local, wellKnown+"#key-1", AssertionMethod)
			if err != nil {
				t.Fatal(err)
			}
			if vm.ID != wellKnown+"#key-1" {
				t.Errorf("method %s", vm.ID)
			}
		}
		if n := hits.Load() - before; n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
		if _, at, ok := cache.Get(wellKnown); !ok || !at.Equal(now) {
			t.Errorf("cache entry fetched %v, %v; want %v", at, ok, now)
		}
		// Without the fetcher the cached copy still serves: offline.
		offline := &Local{Cache: cache}
		if _, err := ResolveMethod(ctx, offline, wellKnown+"#key-1", AssertionMethod); err != nil {
			t.Error(err)
		}
	})
	t.Run("ok/path", func(t *testing.T) {
		doc, err := fetcher.Fetch(ctx, withPath)
		if err != nil {
			t.Fatal(err)
		}
		if doc.ID != withPath {
			t.Errorf("id %s", doc.ID)
		}
	})
	t.Run("ok/redirect on the same host", func(t *testing.T) {
		if _, err := fetcher.Fetch(ctx, "did:web:"+host+":redirect:same"); err != nil {
			t.Error(err)
		}
	})
	t.Run("ok/nil cache", func(t *testing.T) {
		if _, err := (&Local{Web: fetcher}).Resolve(ctx, wellKnown); err != nil {
			t.Error(err)
		}
	})

	for _, tc := range []struct {
		name, did string
		fetcher   *WebFetcher
		want      error // nil: any error
		fault     string
	}{
		{"fail/too large by Content-Length", "did:web:" + host + ":big", &WebFetcher{Client: client, MaxBytes: 1024}, ErrInvalid, "bytes, more than the 1024-byte limit"},
		{"fail/wrong id in fetched document", "did:web:" + host + ":wrong-id", fetcher, ErrInvalid, "is not the DID"},
		{"fail/too large, streamed", "did:web:" + host + ":big-streamed", &WebFetcher{Client: client, MaxBytes: 1024}, ErrInvalid, "document is more than the 1024-byte limit"},
		{"fail/not JSON", "did:web:" + host + ":not-json", fetcher, ErrInvalid, "not valid JSON"},
		{"fail/private key in fetched document", "did:web:" + host + ":private", fetcher, ErrInvalid, "private key"},
		{"fail/not found", "did:web:" + host + ":missing", fetcher, ErrNotFound, "404"},
		{"fail/server error", "did:web:" + host + ":error", fetcher, nil, "500"},
		{"fail/redirect to http refused", "did:web:" + host + ":redirect:http", fetcher, nil, "non-https"},
		{"fail/redirect to another host refused", "did:web:" + host + ":redirect:other", fetcher, nil, "another host"},
		{"fail/redirect loop", "did:web:" + host + ":redirect:loop", fetcher, nil, "redirects"},
		{"fail/timeout", "did:web:" + host + ":slow", &WebFetcher{Client: client, Timeout: 50 * time.Millisecond}, context.DeadlineExceeded, "deadline"},
		{"fail/not did:web", "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", fetcher, ErrInvalid, "not a did:web"},
		{"fail/IP address", "did:web:127.0.0.1%3A443", fetcher, ErrInvalid, "IP address"},
		{"fail/path traversal", "did:web:" + host + ":..:secret", fetcher, ErrInvalid, "bad path segment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := tc.fetcher.Fetch(ctx, tc.did)
			if err == nil {
				t.Fatalf("Fetch = %+v, want an error", doc)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Fetch error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.fault) {
				t.Errorf("error %q does not mention %q", err, tc.fault)
			}
		})
	}

	t.Run("fail/caller cancels", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := fetcher.Fetch(ctx, "did:web:"+host+":slow"); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("fail/resolve through Local reports the fetch error", func(t *testing.T) {
		cache := NewCache()
		local := &Local{Cache: cache, Web: fetcher}
		_, err := ResolveMethod(ctx, local, "did:web:"+host+":wrong-id#key-1", AssertionMethod)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("got %v", err)
		}
		if len(cache.IDs()) != 0 {
			t.Errorf("a refused document was cached: %v", cache.IDs())
		}
	})
	t.Run("fail/default client refuses loopback", func(t *testing.T) {
		port := strings.TrimPrefix(host, "example.com%3A")
		_, err := (&WebFetcher{Timeout: time.Second}).Fetch(ctx, "did:web:localhost%3A"+port)
		if err == nil || !strings.Contains(err.Error(), "non-public address") {
			t.Errorf("got %v", err)
		}
	})
}

func TestPublicAddressOnly(t *testing.T) {
	for addr, ok := range map[string]bool{
		"93.184.216.34:443":         true,
		"[2606:2800:220:1::1]:443":  true,
		"127.0.0.1:443":             false,
		"10.1.2.3:443":              false,
		"172.16.0.1:443":            false,
		"192.168.1.1:443":           false,
		"169.254.169.254:80":        false,
		"100.64.0.1:443":            false,
		"0.0.0.0:443":               false,
		"[::1]:443":                 false,
		"[fe80::1]:443":             false,
		"[fd00::1]:443":             false,
		"[::ffff:127.0.0.1]:443":    false,
		"224.0.0.1:443":             false,
		"255.255.255.255:443":       false,
		"not-an-ip.example.com:443": false,
	} {
		err := publicAddressOnly("tcp", addr, nil)
		if (err == nil) != ok {
			t.Errorf("publicAddressOnly(%s) = %v, want ok=%v", addr, err, ok)
		}
	}
}

func TestWebFetcherLoopbackHTTP(t *testing.T) {
	ctx := context.Background()
	var host string
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/.well-known/did.json":
			w.Write(webDoc(t, "did:web:"+host))
		case "/institutions/jst/did.json":
			w.Write(webDoc(t, "did:web:"+host+":institutions:jst"))
		case "/redirect/same/did.json":
			http.Redirect(w, r, "/institutions/jst/did.json", http.StatusFound)
		case "/redirect/other/did.json":
			http.Redirect(w, r, "https://other.example/.well-known/did.json", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	host = fmt.Sprintf("localhost%%3A%d", port)
	dev := &WebFetcher{LoopbackHTTP: true, Timeout: 2 * time.Second}

	for _, d := range []string{"did:web:" + host, "did:web:" + host + ":institutions:jst"} {
		t.Run("ok/"+d, func(t *testing.T) {
			doc, err := dev.Fetch(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			if doc.ID != d {
				t.Errorf("id %s", doc.ID)
			}
		})
	}
	t.Run("fail/redirect on the same host is followed, to another host refused", func(t *testing.T) {
		if _, err := dev.Fetch(ctx, "did:web:"+host+":redirect:same"); err == nil || !strings.Contains(err.Error(), "is not the DID") {
			t.Errorf("same-host redirect: %v (want the document, refused for its id)", err)
		}
		if _, err := dev.Fetch(ctx, "did:web:"+host+":redirect:other"); err == nil || !strings.Contains(err.Error(), "another host") {
			t.Errorf("redirect to another host: %v", err)
		}
	})
	t.Run("fail/without the opt-in localhost needs https", func(t *testing.T) {
		before := hits.Load()
		_, err := (&WebFetcher{Timeout: time.Second}).Fetch(ctx, "did:web:"+host)
		if err == nil || !strings.Contains(err.Error(), "non-public address") {
			t.Errorf("got %v", err)
		}
		if hits.Load() != before {
			t.Error("the server was reached")
		}
	})
	t.Run("fail/the opt-in does not make other hosts http", func(t *testing.T) {
		// example.com sent to the plain-http server: the fetcher still
		// speaks TLS, which the server does not.
		tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, srv.Listener.Addr().String())
		}}
		f := &WebFetcher{LoopbackHTTP: true, Client: &http.Client{Transport: tr}, Timeout: time.Second}
		_, err := f.Fetch(ctx, fmt.Sprintf("did:web:example.com%%3A%d", port))
		if err == nil || !strings.Contains(err.Error(), "https://example.com") {
			t.Errorf("got %v, want a failed https request", err)
		}
	})
}

func TestLoopbackAddressOnly(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:8080":          true,
		"127.9.9.9:8080":          true,
		"[::1]:8080":              true,
		"[::ffff:127.0.0.1]:8080": true,
		"10.1.2.3:8080":           false,
		"192.168.1.1:8080":        false,
		"93.184.216.34:443":       false,
		"[fe80::1]:8080":          false,
		"localhost:8080":          false,
		"not-an-address":          false,
	} {
		err := loopbackAddressOnly("tcp", addr, nil)
		if (err == nil) != ok {
			t.Errorf("loopbackAddressOnly(%s) = %v, want ok=%v", addr, err, ok)
		}
	}
}
