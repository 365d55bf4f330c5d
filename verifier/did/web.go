package did

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// WebFetcher defaults.
const (
	DefaultWebTimeout  = 5 * time.Second
	DefaultWebMaxBytes = MaxDocumentSize
	maxWebRedirects    = 3
)

// WebFetcher fetches did:web documents over HTTPS. It is only used when a
// caller opts in (Local.Web); Satchel otherwise resolves offline.
//
// Requests go to the URL WebURL computes, only over https (but see
// LoopbackHTTP); a redirect may only go to an https URL on the same host,
// at most three times. The response must be 200 and at most MaxBytes long,
// and the document's id must equal the DID.
type WebFetcher struct {
	// Client makes the requests; its CheckRedirect is replaced by the rules
	// above. When nil, a client is used that connects only to public
	// internet addresses (no loopback, private or link-local: a credential
	// must not make a verifier service probe its own network) and uses no
	// proxy. Tests and deployments behind a proxy inject their own.
	Client *http.Client
	// Timeout bounds the whole fetch; DefaultWebTimeout when zero.
	Timeout time.Duration
	// MaxBytes bounds the response body; DefaultWebMaxBytes when zero. A
	// document is never accepted above MaxDocumentSize.
	MaxBytes int64
	// LoopbackHTTP fetches the documents of did:web:localhost (any port)
	// over plain http, and the default client then connects only to
	// loopback addresses. It is for development and the local demo, where
	// the issuer service runs at http://localhost:PORT and its DIDs are
	// did:web:localhost%3APORT:…; every other did:web keeps the rules
	// above. Never set it in production: a document fetched over http can
	// be altered by anything between the two ends.
	LoopbackHTTP bool
}

// Fetch downloads, parses and checks the document of a did:web. It does
// not add it to a cache; Local does.
func (w *WebFetcher) Fetch(ctx context.Context, did string) (*Document, error) {
	doc, err := w.fetch(ctx, did)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", short(did), err)
	}
	return doc, nil
}

func (w *WebFetcher) fetch(ctx context.Context, did string) (*Document, error) {
	u, err := webURL(did)
	if err != nil {
		return nil, err
	}
	loopback := w.LoopbackHTTP && isLocalhost(u)
	if loopback {
		u = "http://" + strings.TrimPrefix(u, "https://")
	} else if !strings.HasPrefix(u, "https://") {
		return nil, errorf(ErrInvalid, "refusing non-https URL %s", short(u))
	}
	timeout := w.Timeout
	if timeout <= 0 {
		timeout = DefaultWebTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, errorf(ErrInvalid, "bad URL %s", short(u))
	}
	req.Header.Set("Accept", "application/did+json, application/did+ld+json, application/json;q=0.9")
	resp, err := w.client(loopback).Do(req)
	if err != nil {
		return nil, err // *url.Error: names the method and URL, wraps the cause
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, errorf(ErrNotFound, "GET %s: %s", u, resp.Status)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	limit := w.MaxBytes
	if limit <= 0 {
		limit = DefaultWebMaxBytes
	}
	if resp.ContentLength > limit {
		return nil, errorf(ErrInvalid, "GET %s: document is %d bytes, more than the %d-byte limit", u, resp.ContentLength, limit)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if int64(len(body)) > limit {
		return nil, errorf(ErrInvalid, "GET %s: document is more than the %d-byte limit", u, limit)
	}
	doc, err := ParseDocument(body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if doc.ID != did {
		return nil, errorf(ErrInvalid, "GET %s: document id %s is not the DID", u, short(doc.ID))
	}
	return doc, nil
}

func (w *WebFetcher) client(loopback bool) *http.Client {
	var c http.Client
	switch {
	case w.Client != nil:
		c = *w.Client
	case loopback:
		c.Transport = loopbackTransport
	default:
		c.Transport = publicTransport
	}
	c.CheckRedirect = checkRedirect
	if loopback {
		c.CheckRedirect = checkLoopbackRedirect
	}
	return &c
}

// isLocalhost reports whether a document URL is on the host localhost.
func isLocalhost(u string) bool {
	p, err := url.Parse(u)
	return err == nil && strings.EqualFold(p.Hostname(), "localhost")
}

// checkLoopbackRedirect is checkRedirect for LoopbackHTTP: http is allowed,
// on the same host.
func checkLoopbackRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxWebRedirects {
		return fmt.Errorf("more than %d redirects", maxWebRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirect to a non-http URL (%s) refused", short(req.URL.Scheme))
	}
	if !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
		return fmt.Errorf("redirect to another host (%s) refused", short(req.URL.Host))
	}
	return nil
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxWebRedirects {
		return fmt.Errorf("more than %d redirects", maxWebRedirects)
	}
	if req.URL.Scheme != "https" {
		return fmt.Errorf("redirect to a non-https URL (%s) refused", req.URL.Scheme)
	}
	if !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
		return fmt.Errorf("redirect to another host (%s) refused", short(req.URL.Host))
	}
	return nil
}

// publicTransport is the default client's transport: direct connections to
// public addresses only.
var publicTransport = &http.Transport{
	DialContext: (&net.Dialer{
		Timeout: DefaultWebTimeout,
		Control: publicAddressOnly,
	}).DialContext,
	TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
	TLSHandshakeTimeout:    DefaultWebTimeout,
	MaxResponseHeaderBytes: 64 << 10,
	ForceAttemptHTTP2:      true,
	IdleConnTimeout:        30 * time.Second,
}

// loopbackTransport is the default client's transport for LoopbackHTTP:
// direct connections to loopback addresses only, so that "localhost"
// mapped elsewhere is not followed off the machine.
var loopbackTransport = &http.Transport{
	DialContext: (&net.Dialer{
		Timeout: DefaultWebTimeout,
		Control: loopbackAddressOnly,
	}).DialContext,
	MaxResponseHeaderBytes: 64 << 10,
	IdleConnTimeout:        30 * time.Second,
}

// loopbackAddressOnly is a net.Dialer Control function that refuses to
// connect to anything but a loopback address.
func loopbackAddressOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.Unmap().IsLoopback() {
		return fmt.Errorf("did:web: refusing to connect to non-loopback address %s for localhost", host)
	}
	return nil
}

var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10") // RFC 6598 carrier-grade NAT

// publicAddressOnly is a net.Dialer Control function that refuses to
// connect to anything but a public unicast address. It runs after DNS
// resolution, so a public name pointing at 127.0.0.1 is refused too.
func publicAddressOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("did:web: dial %s: not an IP address", address)
	}
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || sharedAddressSpace.Contains(ip) {
		return fmt.Errorf("did:web: refusing to connect to non-public address %s", ip)
	}
	return nil
}

// WebURL maps a did:web to the https URL of its document, per the did:web
// method specification:
//
//	did:web:example.com              → https://example.com/.well-known/did.json
//	did:web:example.com:a:b          → https://example.com/a/b/did.json
//	did:web:example.com%3A8443       → https://example.com:8443/.well-known/did.json
//
// The host must be a domain name (the specification forbids IP addresses)
// with an optional percent-encoded port; path segments may not be empty,
// "." or "..", or contain a slash once decoded.
func WebURL(did string) (string, error) {
	u, err := webURL(did)
	if err != nil {
		return "", fmt.Errorf("did:web URL of %s: %w", short(did), err)
	}
	return u, nil
}

func webURL(did string) (string, error) {
	method, msid, err := parseDID(did)
	if err != nil {
		return "", err
	}
	if method != "web" {
		return "", errorf(ErrInvalid, "not a did:web")
	}
	segs := strings.Split(msid, ":")
	hostport, err := url.PathUnescape(segs[0])
	if err != nil {
		return "", errorf(ErrInvalid, "bad percent-encoding in the host")
	}
	if strings.HasPrefix(hostport, "[") {
		return "", errorf(ErrInvalid, "host %s is an IP address; did:web needs a domain name", short(hostport))
	}
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '0' {
			return "", errorf(ErrInvalid, "bad port %s", short(port))
		}
	}
	if err := checkHostname(host); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("https://")
	b.WriteString(strings.ToLower(host))
	if port != "" {
		b.WriteString(":" + port)
	}
	if len(segs) == 1 {
		b.WriteString("/.well-known/did.json")
		return b.String(), nil
	}
	for _, s := range segs[1:] {
		seg, err := url.PathUnescape(s)
		if err != nil {
			return "", errorf(ErrInvalid, "bad percent-encoding in path segment %s", short(s))
		}
		if seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "/\\") || hasControl(seg) {
			return "", errorf(ErrInvalid, "bad path segment %s", short(s))
		}
		b.WriteString("/" + url.PathEscape(seg))
	}
	b.WriteString("/did.json")
	return b.String(), nil
}

// checkHostname accepts a DNS name: dot-separated labels of letters, digits
// and hyphens, not starting or ending with a hyphen, and not ending in an
// all-numeric label (which URL parsers read as an IPv4 address).
func checkHostname(host string) error {
	if host == "" || len(host) > 253 {
		return errorf(ErrInvalid, "bad host %s", short(host))
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return errorf(ErrInvalid, "host %s is an IP address; did:web needs a domain name", short(host))
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return errorf(ErrInvalid, "bad host %s", short(host))
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return errorf(ErrInvalid, "bad host %s", short(host))
			}
		}
	}
	if last := strings.ToLower(labels[len(labels)-1]); strings.Trim(last, "0123456789") == "" ||
		strings.HasPrefix(last, "0x") && strings.Trim(last[2:], "0123456789abcdef") == "" {
		return errorf(ErrInvalid, "host %s looks like an IP address; did:web needs a domain name", short(host))
	}
	return nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}
