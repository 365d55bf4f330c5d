package employer

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/schemas"
	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/requirements"
	"github.com/satchel-wallet/satchel/verifier/status"
)

// Defaults for Config's limits.
const (
	// DefaultMaxBodyBytes bounds a request body: an uploaded file, pasted
	// text or a wallet's response.
	DefaultMaxBodyBytes = 8 << 20
	// DefaultRequestTTL is how long a wallet has to answer a request.
	DefaultRequestTTL = 10 * time.Minute
	// DefaultMaxRequests is how many wallet requests are kept in memory.
	DefaultMaxRequests = 1000
	// DefaultMaxConcurrent is how many verifications run at once.
	DefaultMaxConcurrent = 4
	// requestKeep is how long a request (and its report) is kept at most.
	requestKeep = time.Hour
	// maxFieldBytes bounds a form field other than the document.
	maxFieldBytes = 4 << 10
)

// Config is the server's world: what it verifies with, what it offers, and
// its limits. Everything that could be fetched is preloaded here.
type Config struct {
	// Jobs are the jobs a screener picks from (requirements.LoadDir). With
	// none, applications are verified without requirements.
	Jobs []*requirements.Job
	// Trust is the registry of recognised institutions; nil: not checked.
	Trust *verifier.Registry
	// DIDs holds the preloaded DID documents (did:key and did:jwk need
	// none). It is only ever read: a DID missing from it is not fetched.
	DIDs *did.Cache
	// StatusLists holds the preloaded status list credentials.
	StatusLists *status.Cache
	// Contexts holds the JSON-LD contexts; nil means the embedded ones.
	Contexts *schemas.Loader
	// At verifies as of this time (a demo with sample credentials); zero
	// means the time of each request.
	At time.Time
	// Skew is verifier.Options.Skew: zero the default, negative none.
	Skew time.Duration

	// BaseURL is where browsers and wallets reach the server
	// ("http://127.0.0.1:8090", or the proxy's https URL): the QR code,
	// the wallet link and the OpenID4VP response_uri are made from it.
	BaseURL string
	// ClientName names the employer to the wallet
	// (client_metadata.client_name); default "Satchel employer check".
	ClientName string

	// Limits; zero means the default.
	MaxBodyBytes     int64         // DefaultMaxBodyBytes
	MaxDocumentBytes int           // verifier.DefaultMaxBytes
	MaxConcurrent    int           // DefaultMaxConcurrent
	RequestTTL       time.Duration // DefaultRequestTTL
	MaxRequests      int           // DefaultMaxRequests

	// Clock and Random: time.Now and crypto/rand when nil.
	Clock  func() time.Time
	Random io.Reader
	// Logf reports what goes wrong on the server's side (never a document
	// or a key); nil discards.
	Logf func(format string, args ...any)
}

// Server is the employer page. It is an http.Handler; New makes one.
type Server struct {
	cfg         Config
	jobs        map[string]*requirements.Job
	base        string // BaseURL without a trailing slash
	responseURI string
	mux         *http.ServeMux
	pages       map[string]*template.Template
	requests    *requestStore
	sem         chan struct{}
}

//go:embed templates static
var assets embed.FS

// New checks the configuration and makes the server.
func New(cfg Config) (*Server, error) {
	base, err := checkBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.ClientName == "" {
		cfg.ClientName = "Satchel employer check"
	}
	if cfg.DIDs == nil {
		cfg.DIDs = did.NewCache()
	}
	if cfg.StatusLists == nil {
		// A nil *status.Cache in the Source interface would not be nil.
		cfg.StatusLists = status.NewCache()
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxDocumentBytes <= 0 {
		cfg.MaxDocumentBytes = verifier.DefaultMaxBytes
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = DefaultMaxConcurrent
	}
	if cfg.RequestTTL <= 0 {
		cfg.RequestTTL = DefaultRequestTTL
	}
	if cfg.MaxRequests <= 0 {
		cfg.MaxRequests = DefaultMaxRequests
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Random == nil {
		cfg.Random = rand.Reader
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	s := &Server{cfg: cfg, jobs: map[string]*requirements.Job{}, base: base,
		responseURI: base + "/oid4vp/response",
		requests:    newRequestStore(cfg.MaxRequests),
		sem:         make(chan struct{}, cfg.MaxConcurrent)}
	for i, j := range cfg.Jobs {
		if j == nil || j.ID == "" {
			return nil, fmt.Errorf("employer: job %d has no id", i)
		}
		if _, dup := s.jobs[j.ID]; dup {
			return nil, fmt.Errorf("employer: job id %q is given twice", j.ID)
		}
		s.jobs[j.ID] = j
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// checkBaseURL accepts an absolute http or https URL with a host and no
// path, query or fragment; it returns it without a trailing slash.
func checkBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("employer: base URL %q: want an http or https URL such as http://127.0.0.1:8090", raw)
	}
	if u.Path != "" && u.Path != "/" {
		// The pages link to /static/… and /oid4vp/…: a proxy serves them
		// at the root of its host.
		return "", fmt.Errorf("employer: base URL %q: the page is served at the root of a host, so the URL has no path", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.index)
	m.HandleFunc("POST /verify", s.verifyForm)
	m.HandleFunc("/api/verify", s.apiVerify)
	m.HandleFunc("POST /oid4vp/requests", s.createRequest)
	m.HandleFunc("GET /oid4vp/requests/{id}", s.requestObject)
	m.HandleFunc("GET /oid4vp/requests/{id}/page", s.requestPage)
	m.HandleFunc("GET /oid4vp/requests/{id}/qr.png", s.requestQR)
	m.HandleFunc("GET /oid4vp/requests/{id}/result", s.requestResult)
	m.HandleFunc("GET /oid4vp/requests/{id}/result-page", s.requestResultPage)
	m.HandleFunc("/oid4vp/response", s.walletResponse)
	static, _ := fs.Sub(assets, "static")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	s.mux = m
}

// ServeHTTP sets the security headers every answer carries, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Scripts, styles and images come from this server only: no inline
	// script or style, no CDN, nothing to load from elsewhere.
	h.Set("Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// Request ids in URLs are capabilities: they do not go to other sites.
	h.Set("Referrer-Policy", "no-referrer")
	s.mux.ServeHTTP(w, r)
}

// Errors the handlers branch on, besides the verifier's.
var (
	errEmpty   = errors.New("nothing to check: choose a file or paste the presentation, credential or token")
	errBusy    = errors.New("the server is busy: try again in a moment")
	errUnknown = errors.New("unknown job")
)

// statusOf is the one place errors become HTTP statuses.
func statusOf(err error) int {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe), errors.Is(err, verifier.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, errBusy):
		return http.StatusServiceUnavailable
	default:
		return http.StatusBadRequest
	}
}

// message is an error as the caller reads it; the body limit is named.
func (s *Server) message(err error) string {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fmt.Sprintf("the request is larger than the limit of %d bytes (%s)", mbe.Limit, size(mbe.Limit))
	}
	return err.Error()
}

func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// job finds a job by id; "" is no job.
func (s *Server) job(id string) (*requirements.Job, error) {
	if id == "" {
		return nil, nil
	}
	j, ok := s.jobs[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", errUnknown, truncate(id, 80))
	}
	return j, nil
}

// options is the verifier's world for one verification. The resolver
// has no WebFetcher: nothing an applicant sends is fetched.
func (s *Server) options(job *requirements.Job, challenge, domain string) verifier.Options {
	now := s.cfg.At
	if now.IsZero() {
		now = s.cfg.Clock()
	}
	return verifier.Options{Now: now, Skew: s.cfg.Skew, Loader: s.cfg.Contexts,
		DIDs: &did.Local{Cache: s.cfg.DIDs}, StatusLists: s.cfg.StatusLists, Trust: s.cfg.Trust,
		Requirements: job, Challenge: challenge, Domain: domain, MaxBytes: s.cfg.MaxDocumentBytes}
}

// verify runs the verifier when a slot is free.
func (s *Server) verify(ctx context.Context, input []byte, opt verifier.Options) (verifier.Report, error) {
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-ctx.Done():
		return verifier.Report{}, errBusy
	}
	return verifier.Verify(ctx, input, opt)
}

// EncodeReport writes a report exactly as `verify --json` prints it: JSON
// indented by two spaces, with a final newline. The command and POST
// /api/verify both use it, so they answer byte for byte the same.
func EncodeReport(w io.Writer, rep verifier.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

func reportJSON(rep verifier.Report) []byte {
	var b bytes.Buffer
	if err := EncodeReport(&b, rep); err != nil {
		// A report is plain data: it always encodes.
		panic(fmt.Sprintf("employer: encode report: %v", err))
	}
	return b.Bytes()
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeJSONError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeJSONError(w, http.StatusMethodNotAllowed, "use "+allow)
}

// truncate shortens what a caller sent before an error quotes it.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
