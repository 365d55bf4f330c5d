package wallet

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		url      string
		loopback bool
		fault    string // "" for ok
	}{
		{"https://jobs.example/oid4vp/response", false, ""},
		{"https://127.0.0.1:8443/x", false, ""},
		{"http://localhost:8080", true, ""},
		{"http://127.0.0.1:8090/oid4vp/requests/1", true, ""},
		{"http://[::1]:8090/x", true, ""},
		{"http://localhost:8080", false, "development only"},
		{"http://jobs.example/x", true, "plain http"},
		{"http://10.0.0.1/x", true, "plain http"},
		{"ftp://jobs.example/x", true, "not an absolute"},
		{"/relative", true, "not an absolute"},
		{"https:opaque", true, "not an absolute"},
		{"https://user:pw@jobs.example/", true, "user name"},
		{"https://jobs.example/%zz", true, "not a URL"},
	} {
		name := "ok/" + tc.url
		if tc.fault != "" {
			name = "fail/" + tc.url
		}
		t.Run(name, func(t *testing.T) {
			_, err := checkURL(tc.url, tc.loopback)
			switch {
			case tc.fault == "" && err != nil:
				t.Fatal(err)
			case tc.fault != "" && (!errors.Is(err, ErrUnsafeURL) || !strings.Contains(err.Error(), tc.fault)):
				t.Fatalf("err = %v, want ErrUnsafeURL %q", err, tc.fault)
			}
		})
	}
}

func TestDialPolicy(t *testing.T) {
	for _, tc := range []struct {
		addr     string
		loopback bool
		ok       bool
	}{
		{"93.184.216.34:443", false, true},
		{"[2606:2800:220:1::1]:443", false, true},
		{"127.0.0.1:8080", true, true},
		{"[::1]:8080", true, true},
		{"127.0.0.1:8080", false, false},
		{"10.1.2.3:443", true, false},
		{"192.168.1.1:443", true, false},
		{"169.254.169.254:80", true, false},
		{"100.64.0.1:443", false, false},
		{"[fd00::1]:443", false, false},
		{"0.0.0.0:443", true, false},
		{"localhost:443", true, false},
	} {
		err := dialPolicy(tc.addr, tc.loopback)
		if (err == nil) != tc.ok {
			t.Errorf("dialPolicy(%s, loopback %v) = %v, want ok=%v", tc.addr, tc.loopback, err, tc.ok)
		}
		if err != nil && tc.addr != "localhost:443" && !errors.Is(err, ErrUnsafeURL) {
			t.Errorf("dialPolicy(%s) = %v, not ErrUnsafeURL", tc.addr, err)
		}
	}
}

// TestNetworkRules: what a hostile or broken server gets from the wallet,
// through FetchRequest (the same client serves every exchange).
func TestNetworkRules(t *testing.T) {
	ctx := context.Background()
	mux := http.NewServeMux()
	mux.HandleFunc("/redirect-same", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/missing", http.StatusFound)
	})
	mux.HandleFunc("/redirect-other", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://evil.example/r", http.StatusFound)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"x":"` + strings.Repeat("a", MaxRequestBytes) + `"}`))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"temporarily_unavailable"}`, http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusGone)
		w.Write([]byte(`{"error":"invalid_request_uri","error_description":"the request has expired"}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	closed := httptest.NewServer(mux)
	closedURL := closed.URL
	closed.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	w := &Wallet{}
	dev := NetOptions{LoopbackHTTP: true, Timeout: 300 * time.Millisecond}
	link := func(base, path string) string {
		return "openid4vp://authorize?client_id=c&request_uri=" + url.QueryEscape(base+path)
	}
	for _, tc := range []struct {
		name string
		link string
		opt  NetOptions
		want error
		says string
	}{
		{"fail/redirect on the same host is followed", link(srv.URL, "/redirect-same"), dev, ErrRefused, "404"},
		{"fail/redirect to another host", link(srv.URL, "/redirect-other"), dev, ErrUnsafeURL, "another host"},
		{"fail/answer over the limit", link(srv.URL, "/big"), dev, ErrBadResponse, "limit"},
		{"fail/timeout is offline", link(srv.URL, "/slow"), dev, ErrOffline, "deadline"},
		{"fail/server error is offline", link(srv.URL, "/busy"), dev, ErrOffline, "503"},
		{"fail/refusal says why", link(srv.URL, "/gone"), dev, ErrRefused, "the request has expired"},
		{"fail/connection refused is offline", link(closedURL, "/x"), dev, ErrOffline, "connection refused"},
		{"fail/https to this machine needs the opt-in", link("https://localhost:"+port, "/x"), NetOptions{Timeout: time.Second}, ErrUnsafeURL, "non-public address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.FetchRequest(ctx, tc.link, tc.opt)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("err = %v, want %v saying %q", err, tc.want, tc.says)
			}
		})
	}
	t.Run("fail/the caller's cancellation is not offline", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := w.FetchRequest(cctx, link(srv.URL, "/slow"), dev)
		if !errors.Is(err, context.Canceled) || errors.Is(err, ErrOffline) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestStrictJSON(t *testing.T) {
	for in, ok := range map[string]bool{
		`{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}`: true,
		`[1,"a",{"x":[]},null]`:                     true,
		`"s"`:                                       true,
		`{"a":1,"a":2}`:                             false,
		`{"a":{"b":1,"b":2}}`:                       false,
		`[{"a":1},{"b":1,"b":1}]`:                   false,
		`{"a":1`:                                    false,
		`{"a":1,"\u0061":2}`:                        false,
		`{"a":1} {}`:                                false,
		strings.Repeat("[", 65) + strings.Repeat("]", 65): false,
	} {
		var v any
		if err := strictJSON([]byte(in), &v); (err == nil) != ok {
			t.Errorf("strictJSON(%.40s) = %v, want ok=%v", in, err, ok)
		}
	}
}
