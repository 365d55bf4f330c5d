package wallet

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/satchel-wallet/satchel/verifier/did"
)

// NetOptions say how the wallet talks to issuers and verifiers. The zero
// value is the production setting: https only, public addresses only.
type NetOptions struct {
	// HTTP makes the requests; its CheckRedirect is replaced by the
	// wallet's rules (at most three redirects, on the same host, none for a
	// POST). When nil, a client is used that connects only to public
	// internet addresses (and loopback ones with LoopbackHTTP) through no
	// proxy: an offer or a verifier's request must not make the wallet
	// probe the learner's home or office network. Tests and wallets behind
	// a proxy inject their own.
	HTTP *http.Client
	// LoopbackHTTP allows plain http to localhost, 127.0.0.1 and ::1, and
	// did:web:localhost documents over http (did.WebFetcher.LoopbackHTTP):
	// the issuer service and employer page of a development machine or the
	// local demo. Never set it in production.
	LoopbackHTTP bool
	// Timeout bounds each request; DefaultNetTimeout when zero.
	Timeout time.Duration
	// MaxBytes bounds each response body; DefaultNetMaxBytes when zero.
	// Metadata, tokens, request objects, answers, DID documents and status
	// lists have smaller limits of their own.
	MaxBytes int64
}

// Network defaults.
const (
	DefaultNetTimeout = 20 * time.Second
	// DefaultNetMaxBytes fits a credential response carrying the largest
	// credential the store accepts.
	DefaultNetMaxBytes = MaxCredentialBytes + 64<<10
	// maxSmallBytes bounds issuer metadata, token responses, request
	// objects and a verifier's answer.
	maxSmallBytes = 256 << 10
	maxRedirects  = 3
)

// Errors of the wallet's network side. Every error RedeemOffer,
// FetchRequest, Respond and RunQueue return for a network exchange wraps
// one of them (or the caller's context error).
var (
	// ErrOffline: the other end could not be reached, or answered with a
	// server error (5xx, 429): worth trying again later.
	ErrOffline = errors.New("network unavailable")
	// ErrRefused: the other end answered with a refusal (4xx); see
	// *RemoteError. Trying again will not help.
	ErrRefused = errors.New("refused")
	// ErrBadResponse: the answer is not what the protocol says it must be
	// (not JSON, a missing member, too large).
	ErrBadResponse = errors.New("malformed answer")
	// ErrUnsafeURL: a URL the wallet will not use: not https (nor loopback
	// http with NetOptions.LoopbackHTTP), a private address, a redirect to
	// another host, an untrusted certificate.
	ErrUnsafeURL = errors.New("unsafe URL")
	// ErrQueued is matched by a *QueuedError: the work waits in the sync
	// queue for the network to return.
	ErrQueued = errors.New("queued until the network returns")
)

// RemoteError is an error answer of an issuer or verifier: the HTTP status
// and, when the body is an OAuth error, its code and description.
type RemoteError struct {
	Method, URL string
	Status      int
	Code        string
	Description string
}

func (e *RemoteError) Error() string {
	s := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.Code != "" {
		s += ": " + e.Code
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Is makes a server error (5xx) or 429 ErrOffline, and any other status
// ErrRefused.
func (e *RemoteError) Is(target error) bool {
	transient := e.Status >= 500 || e.Status == http.StatusTooManyRequests
	return (target == ErrOffline && transient) || (target == ErrRefused && !transient)
}

// QueuedError says that the work was put in the sync queue because the
// network failed; Cause is that failure.
type QueuedError struct {
	Action int64
	Kind   string
	Cause  error
}

func (e *QueuedError) Error() string {
	return fmt.Sprintf("%s queued as action %d: %v", e.Kind, e.Action, e.Cause)
}

// Is makes errors.Is(err, ErrQueued) true.
func (e *QueuedError) Is(target error) bool { return target == ErrQueued }

func (e *QueuedError) Unwrap() error { return e.Cause }

// policyError is a refusal by the wallet's own rules (dial, redirect).
type policyError struct{ msg string }

func (e *policyError) Error() string { return e.msg }

func (e *policyError) Is(target error) bool { return target == ErrUnsafeURL }

func (o NetOptions) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultNetTimeout
}

func (o NetOptions) maxBytes() int64 {
	if o.MaxBytes > 0 {
		return o.MaxBytes
	}
	return DefaultNetMaxBytes
}

// isLoopbackHost: localhost, or a loopback IP address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// checkURL applies the wallet's rules to a URL it is about to use: absolute,
// no user info, https — or http to a loopback host, when loopbackHTTP.
func checkURL(raw string, loopbackHTTP bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a URL", ErrUnsafeURL, quote(raw))
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "", u.Opaque != "":
		return nil, fmt.Errorf("%w: %s is not an absolute http(s) URL", ErrUnsafeURL, quote(raw))
	case u.User != nil:
		return nil, fmt.Errorf("%w: %s carries a user name or password", ErrUnsafeURL, quote(raw))
	case u.Scheme == "http" && !isLoopbackHost(u.Hostname()):
		return nil, fmt.Errorf("%w: %s is plain http; only https is used", ErrUnsafeURL, quote(raw))
	case u.Scheme == "http" && !loopbackHTTP:
		return nil, fmt.Errorf("%w: %s is plain http to this machine, allowed for development only (NetOptions.LoopbackHTTP; the wallet command's --insecure-localhost)", ErrUnsafeURL, quote(raw))
	}
	return u, nil
}

// quote quotes an untrusted string for an error, shortened.
func quote(s string) string {
	const n = 120
	if len(s) > n {
		return fmt.Sprintf("%q…", s[:n])
	}
	return fmt.Sprintf("%q", s)
}

// The default transports: direct connections to public addresses (and
// loopback ones for LoopbackHTTP) only, checked after DNS resolution.
var (
	publicTransport   = newTransport(false)
	loopbackTransport = newTransport(true)
)

func newTransport(loopback bool) *http.Transport {
	return &http.Transport{
		DialContext: (&net.Dialer{
			Timeout: 10 * time.Second,
			Control: func(network, address string, _ syscall.RawConn) error { return dialPolicy(address, loopback) },
		}).DialContext,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    10 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
		IdleConnTimeout:        30 * time.Second,
	}
}

var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

func dialPolicy(address string, loopback bool) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return &policyError{fmt.Sprintf("dial %s: not an IP address", address)}
	}
	ip = ip.Unmap()
	if ip.IsLoopback() && loopback {
		return nil
	}
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || sharedAddressSpace.Contains(ip) {
		return &policyError{fmt.Sprintf("refusing to connect to non-public address %s", ip)}
	}
	return nil
}

// client is the HTTP client with the wallet's redirect rules.
func (o NetOptions) client() *http.Client {
	var c http.Client
	switch {
	case o.HTTP != nil:
		c = *o.HTTP
	case o.LoopbackHTTP:
		c.Transport = loopbackTransport
	default:
		c.Transport = publicTransport
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if via[0].Method != http.MethodGet {
			return http.ErrUseLastResponse // a POST's answer is the answer
		}
		if len(via) >= maxRedirects {
			return &policyError{fmt.Sprintf("more than %d redirects", maxRedirects)}
		}
		if !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
			return &policyError{fmt.Sprintf("redirect to another host (%s) refused", quote(req.URL.Host))}
		}
		if _, err := checkURL(req.URL.String(), o.LoopbackHTTP); err != nil {
			return &policyError{err.Error()}
		}
		return nil
	}
	return &c
}

// webFetcher fetches did:web documents by the same rules.
func (o NetOptions) webFetcher() *did.WebFetcher {
	return &did.WebFetcher{Client: o.HTTP, Timeout: o.timeout(), LoopbackHTTP: o.LoopbackHTTP, MaxBytes: min(o.maxBytes(), did.DefaultWebMaxBytes)}
}

// exchange is one request and its answer.
type exchange struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends a request to a URL that passed checkURL and reads at most limit
// bytes of the answer. It returns the answer whatever its status; errors
// are network failures, classified.
func (o NetOptions) do(ctx context.Context, method, u, contentType string, body []byte, header http.Header, limit int64) (exchange, error) {
	if _, err := checkURL(u, o.LoopbackHTTP); err != nil {
		return exchange{}, err
	}
	limit = min(limit, o.maxBytes())
	rctx, cancel := context.WithTimeout(ctx, o.timeout())
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(rctx, method, u, rd)
	if err != nil {
		return exchange{}, fmt.Errorf("%w: %s: %v", ErrUnsafeURL, quote(u), err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "Satchel-wallet")
	resp, err := o.client().Do(req)
	if err != nil {
		return exchange{}, classify(ctx, err)
	}
	defer resp.Body.Close()
	if resp.ContentLength > limit {
		return exchange{}, fmt.Errorf("%w: %s %s: the answer is %d bytes, more than the %d-byte limit", ErrBadResponse, method, u, resp.ContentLength, limit)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return exchange{}, classify(ctx, err)
	}
	if int64(len(b)) > limit {
		return exchange{}, fmt.Errorf("%w: %s %s: the answer is more than the %d-byte limit", ErrBadResponse, method, u, limit)
	}
	return exchange{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// classify sorts a failed request: the caller's cancellation stays itself,
// a refusal by the wallet's rules or an untrusted certificate is
// ErrUnsafeURL, and anything else (refused connection, timeout, DNS,
// reset) is ErrOffline.
func classify(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var (
		cv  *tls.CertificateVerificationError
		ua  x509.UnknownAuthorityError
		hn  x509.HostnameError
		inv x509.CertificateInvalidError
	)
	switch {
	case errors.Is(err, ErrUnsafeURL):
		return err
	case errors.As(err, &cv), errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &inv):
		return fmt.Errorf("%w: %v", ErrUnsafeURL, err)
	}
	return fmt.Errorf("%w: %v", ErrOffline, err)
}

// remoteError reads an error answer: an OAuth error object when there is
// one.
func remoteError(method, u string, x exchange) error {
	e := &RemoteError{Method: method, URL: u, Status: x.Status}
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(x.Body, &body) == nil {
		e.Code, e.Description = clip(body.Error, 100), clip(body.Description, 300)
	}
	return e
}

// clip shortens text from the other end before it goes into an error.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// getJSON fetches a JSON object.
func (o NetOptions) getJSON(ctx context.Context, u string, limit int64, out any) error {
	x, err := o.do(ctx, http.MethodGet, u, "", nil, http.Header{"Accept": {"application/json"}}, limit)
	if err != nil {
		return err
	}
	if x.Status != http.StatusOK {
		return remoteError(http.MethodGet, u, x)
	}
	if err := json.Unmarshal(x.Body, out); err != nil {
		return fmt.Errorf("%w: GET %s: not the JSON expected: %v", ErrBadResponse, u, err)
	}
	return nil
}

// transient reports whether err is worth trying again later.
func transient(err error) bool { return errors.Is(err, ErrOffline) }
