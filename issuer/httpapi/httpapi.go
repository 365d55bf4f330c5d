// Package httpapi is the issuer service's HTTP layer: it decodes requests,
// authenticates the caller, calls package issuer and renders JSON. It holds
// no business rules; one function (writeError) maps errors to status codes.
//
// The routes are described for people and tools in openapi.json, served at
// /openapi.json.
package httpapi

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	qrcode "github.com/yeqown/go-qrcode/v2"
	"github.com/yeqown/go-qrcode/writer/standard"

	"github.com/satchel-wallet/satchel/issuer"
	"github.com/satchel-wallet/satchel/issuer/intake"
	"github.com/satchel-wallet/satchel/transcript"
)

//go:embed openapi.json
var openAPI []byte

// DefaultMaxBody bounds a request body: an intake batch at its largest
// (intake.MaxBytes) fits.
const DefaultMaxBody = intake.MaxBytes

// Options configure the handler.
type Options struct {
	// AdminToken authorises creating institutions; empty disables it.
	AdminToken string
	// MaxBody bounds request bodies (zero: DefaultMaxBody); a larger body
	// is a 413.
	MaxBody int64
	Log     *slog.Logger
}

type api struct {
	svc  *issuer.Service
	opt  Options
	log  *slog.Logger
	mux  *http.ServeMux
	base string
}

// New returns the service's HTTP handler.
func New(svc *issuer.Service, opt Options) http.Handler {
	if opt.MaxBody == 0 {
		opt.MaxBody = DefaultMaxBody
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	a := &api{svc: svc, opt: opt, log: opt.Log, mux: http.NewServeMux(), base: svc.BaseURL()}
	m := a.mux
	m.HandleFunc("GET /healthz", a.healthz)
	m.HandleFunc("GET /openapi.json", a.openapi)
	m.HandleFunc("GET /.well-known/did.json", a.didDocument)
	m.HandleFunc("GET /institutions/{slug}/did.json", a.didDocument)
	m.HandleFunc("GET /.well-known/openid-credential-issuer", a.json(func(r *http.Request) (any, error) { return a.svc.Metadata(), nil }))
	m.HandleFunc("GET /.well-known/oauth-authorization-server", a.json(func(r *http.Request) (any, error) { return a.svc.AuthorizationServerMetadata(), nil }))
	m.HandleFunc("GET /status/{id}", a.statusList)

	m.HandleFunc("POST /institutions", a.authed(a.createInstitution))
	m.HandleFunc("GET /institutions", a.authed(func(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
		ins, err := a.svc.Institutions(r.Context(), who)
		return a.reply(w, http.StatusOK, ins, err)
	}))
	m.HandleFunc("GET /institutions/{slug}", a.authed(func(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
		in, err := a.svc.Institution(r.Context(), who, r.PathValue("slug"))
		return a.reply(w, http.StatusOK, in, err)
	}))
	m.HandleFunc("POST /institutions/{slug}/keys", a.authed(a.rotateKey))
	m.HandleFunc("POST /institutions/{slug}/tokens", a.authed(a.newToken))
	m.HandleFunc("POST /institutions/{slug}/tables", a.authed(a.uploadTable))
	m.HandleFunc("GET /institutions/{slug}/tables", a.authed(func(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
		ts, err := a.svc.Tables(r.Context(), who, r.PathValue("slug"))
		return a.reply(w, http.StatusOK, ts, err)
	}))
	m.HandleFunc("POST /institutions/{slug}/batches", a.authed(a.submit))
	m.HandleFunc("GET /institutions/{slug}/credentials/{id}", a.authed(a.credential))
	m.HandleFunc("POST /institutions/{slug}/credentials/{id}/{action}", a.authed(a.setStatus))
	m.HandleFunc("GET /institutions/{slug}/learners/{learner}/credentials", a.authed(func(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
		cs, err := a.svc.LearnerCredentials(r.Context(), who, r.PathValue("slug"), r.PathValue("learner"))
		return a.reply(w, http.StatusOK, cs, err)
	}))
	m.HandleFunc("POST /institutions/{slug}/learners/{learner}/clr", a.authed(func(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
		c, err := a.svc.IssueCLR(r.Context(), who, r.PathValue("slug"), r.PathValue("learner"))
		return a.reply(w, http.StatusCreated, c, err)
	}))
	m.HandleFunc("POST /institutions/{slug}/learners/{learner}/offers", a.authed(a.createOffer))
	m.HandleFunc("GET /institutions/{slug}/audit", a.authed(func(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		log, err := a.svc.Audit(r.Context(), who, r.PathValue("slug"), limit)
		return a.reply(w, http.StatusOK, log, err)
	}))

	m.HandleFunc("GET /oid4vci/offers/{code}", a.offerObject)
	m.HandleFunc("POST /oid4vci/token", a.token)
	m.HandleFunc("POST /oid4vci/credential", a.oid4vciCredential)

	m.HandleFunc("POST /credentials/issue", a.authed(a.vcapiIssue))
	m.HandleFunc("POST /credentials/verify", a.vcapiVerify)
	return a
}

type ctxKey int

const requestIDKey ctxKey = 0

// ServeHTTP adds a request ID, bounds the body, recovers from panics and
// logs one line per request (never a header or body: they carry tokens).
func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var b [8]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
	w.Header().Set("X-Request-Id", id)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, a.opt.MaxBody)
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if p := recover(); p != nil {
			a.log.ErrorContext(r.Context(), "panic", "request", id, "panic", fmt.Sprint(p))
			if !rec.wrote {
				writeJSON(rec, http.StatusInternalServerError, map[string]string{"error": "internal error", "request": id})
			}
		}
		a.log.InfoContext(r.Context(), "request", "request", id, "method", r.Method, "path", loggedPath(r.URL.Path),
			"status", rec.status, "ms", time.Since(start).Milliseconds())
	}()
	a.mux.ServeHTTP(rec, r)
}

// loggedPath is a request's path as the log may keep it: an offer by
// reference is named by its pre-authorised code, a secret.
func loggedPath(p string) string {
	if strings.HasPrefix(p, "/oid4vci/offers/") {
		return "/oid4vci/offers/…"
	}
	return p
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey).(string)
	return id
}

// authed wraps a handler that needs a caller.
func (a *api) authed(h func(http.ResponseWriter, *http.Request, issuer.Actor) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		bearer, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		who, err := a.svc.Authenticate(r.Context(), strings.TrimSpace(bearer), a.opt.AdminToken)
		if err == nil {
			who.Request = requestID(r)
			err = h(w, r, who)
		}
		if err != nil {
			a.writeError(w, r, err)
		}
	}
}

func (a *api) json(f func(*http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := f(r)
		if err := a.reply(w, http.StatusOK, v, err); err != nil {
			a.writeError(w, r, err)
		}
	}
}

// reply writes v with status, or returns err for the caller to map.
func (a *api) reply(w http.ResponseWriter, status int, v any, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, v)
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// recordError is an intake problem as JSON.
type recordError struct {
	Index   int    `json:"index"`
	Record  string `json:"record,omitempty"`
	Learner string `json:"learner,omitempty"`
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field,omitempty"`
	Reason  string `json:"reason"`
}

// writeError is the one place errors become status codes. What an error
// says goes to the caller only for the caller's own mistakes; a server
// fault is logged with the request ID and answered with that ID alone.
func (a *api) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		mbe *http.MaxBytesError
		ie  *intake.Errors
		oe  *issuer.OAuthError
	)
	body := map[string]any{"error": err.Error()}
	status := http.StatusInternalServerError
	switch {
	case errors.As(err, &mbe):
		status, body["error"] = http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is over the limit of %d bytes", mbe.Limit)
	case errors.As(err, &oe):
		writeJSON(w, oe.Status, oe)
		return
	case errors.As(err, &ie):
		status = http.StatusBadRequest
		if errors.Is(err, intake.ErrTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		list := make([]recordError, 0, len(ie.List))
		for _, e := range ie.List {
			list = append(list, recordError{e.Index, e.Record, e.Learner, e.Line, e.Field, e.Reason})
		}
		body["records"], body["format"], body["truncated"] = list, ie.Format, ie.Truncated
		body["error"] = fmt.Sprintf("the batch was refused: %d problem(s); nothing was stored or issued", len(list))
	case errors.Is(err, intake.ErrMediaType):
		status = http.StatusUnsupportedMediaType
	case errors.Is(err, issuer.ErrUnauthorized):
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Bearer realm="satchel-issuer"`)
	case errors.Is(err, issuer.ErrForbidden):
		status = http.StatusForbidden
	case errors.Is(err, issuer.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, issuer.ErrInvalid):
		status = http.StatusBadRequest
	case errors.Is(err, issuer.ErrConflict):
		status = http.StatusConflict
	case errors.Is(err, issuer.ErrSelfCheck):
		// The reason is the verifier's report on what we signed: it names
		// no secret and tells the institution why nothing was issued.
		a.log.ErrorContext(r.Context(), "self-check failed", "request", requestID(r), "error", err.Error())
	default:
		a.log.ErrorContext(r.Context(), "internal error", "request", requestID(r), "error", err.Error())
		body["error"] = "internal error"
	}
	body["request"] = requestID(r)
	writeJSON(w, status, body)
}

// decode reads a JSON body into v, strictly.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return fmt.Errorf("%w: the body is not the JSON expected: %v", issuer.ErrInvalid, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: data after the JSON body", issuer.ErrInvalid)
	}
	return nil
}

func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("%w: reading the body: %v", issuer.ErrInvalid, err)
	}
	return b, nil
}

func (a *api) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.svc.Healthy(ctx); err != nil {
		a.log.ErrorContext(r.Context(), "health check failed", "error", err.Error())
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *api) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}

func (a *api) didDocument(w http.ResponseWriter, r *http.Request) {
	doc, err := a.svc.DIDDocument(r.Context(), r.PathValue("slug"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/did+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(doc)
}

// statusList serves a status list credential with caching headers: it may
// be cached for five minutes, and revalidated by its version.
func (a *api) statusList(w http.ResponseWriter, r *http.Request) {
	body, version, err := a.svc.StatusListCredential(r.Context(), r.PathValue("id"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	etag := `"` + strconv.FormatInt(version, 10) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, max-age=300")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/vc+ld+json")
	_, _ = w.Write(body)
}

func (a *api) createInstitution(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
	var n issuer.NewInstitution
	if err := decode(r, &n); err != nil {
		return err
	}
	in, token, err := a.svc.CreateInstitution(r.Context(), who, n)
	return a.reply(w, http.StatusCreated, map[string]any{"institution": in, "token": token}, err)
}

func (a *api) rotateKey(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
	var req struct {
		KeyType string `json:"keyType"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	k, err := a.svc.RotateKey(r.Context(), who, r.PathValue("slug"), req.KeyType)
	return a.reply(w, http.StatusCreated, k, err)
}

func (a *api) newToken(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
	var req struct {
		Label string `json:"label"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	t, err := a.svc.NewToken(r.Context(), who, r.PathValue("slug"), req.Label)
	return a.reply(w, http.StatusCreated, map[string]string{"token": t}, err)
}

// uploadTable takes a table as JSON, or as CSV rows with the header in the
// query (id, version, title, owner, effectiveFrom, effectiveUntil, unitCap).
func (a *api) uploadTable(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	info := transcript.TableInfo{ID: q.Get("id"), Version: q.Get("version"), Title: q.Get("title"), Owner: q.Get("owner")}
	for name, dst := range map[string]*transcript.Date{"effectiveFrom": &info.EffectiveFrom, "effectiveUntil": &info.EffectiveUntil} {
		if v := q.Get(name); v != "" {
			if *dst, err = transcript.ParseDate(v); err != nil {
				return fmt.Errorf("%w: %s: %v", issuer.ErrInvalid, name, err)
			}
		}
	}
	if v := q.Get("unitCap"); v != "" {
		if info.UnitCap, err = strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("%w: unitCap %q is not a number", issuer.ErrInvalid, v)
		}
	}
	t, err := a.svc.UploadTable(r.Context(), who, r.PathValue("slug"), r.Header.Get("Content-Type"), info, body)
	return a.reply(w, http.StatusCreated, t, err)
}

func (a *api) submit(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	res, err := a.svc.Submit(r.Context(), who, r.PathValue("slug"), r.Header.Get("Content-Type"), body, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if res.Replayed {
		w.Header().Set("Idempotent-Replayed", "true")
		status = http.StatusOK
	}
	writeJSON(w, status, res)
	return nil
}

// credential shows a credential; with ?download=1 it is the plain
// download of the signed credential itself.
func (a *api) credential(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
	c, err := a.svc.Credential(r.Context(), who, r.PathValue("slug"), r.PathValue("id"))
	if err != nil {
		return err
	}
	if r.URL.Query().Get("download") == "" {
		writeJSON(w, http.StatusOK, c)
		return nil
	}
	name := strings.NewReplacer(":", "-", "/", "-").Replace(c.ID)
	if c.Format == issuer.FormatJWT {
		var token string
		_ = json.Unmarshal(c.Credential, &token)
		w.Header().Set("Content-Type", "application/vc+jwt")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.jwt"`)
		_, _ = io.WriteString(w, token)
		return nil
	}
	w.Header().Set("Content-Type", "application/vc+ld+json")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
	_, _ = w.Write(c.Credential)
	return nil
}

func (a *api) setStatus(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
	action := map[string]string{"revoke": issuer.Revoke, "suspend": issuer.Suspend, "unsuspend": issuer.Unsuspend}[r.PathValue("action")]
	if action == "" {
		return fmt.Errorf("%w: unknown action %q: revoke, suspend or unsuspend", issuer.ErrNotFound, r.PathValue("action"))
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	c, err := a.svc.SetStatus(r.Context(), who, r.PathValue("slug"), r.PathValue("id"), action, req.Reason)
	return a.reply(w, http.StatusOK, c, err)
}

func (a *api) createOffer(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
	var req struct {
		Credentials []string `json:"credentials"`
		TxCode      bool     `json:"txCode"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	o, err := a.svc.CreateOffer(r.Context(), who, r.PathValue("slug"), r.PathValue("learner"), req.Credentials, req.TxCode)
	if err != nil {
		return err
	}
	png, err := qrPNG(o.URIByReference)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, struct {
		issuer.Offer
		QR string `json:"qr"`
	}{o, "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)})
	return nil
}

// qrPNG draws text as a QR code PNG.
func qrPNG(text string) ([]byte, error) {
	qr, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionLow))
	if err != nil {
		return nil, fmt.Errorf("QR code: %w", err)
	}
	var buf bufferCloser
	wr := standard.NewWithWriter(&buf, standard.WithQRWidth(6), standard.WithBuiltinImageEncoder(standard.PNG_FORMAT))
	if err := qr.Save(wr); err != nil {
		return nil, fmt.Errorf("QR code: %w", err)
	}
	return buf.b, nil
}

type bufferCloser struct{ b []byte }

func (b *bufferCloser) Write(p []byte) (int, error) { b.b = append(b.b, p...); return len(p), nil }
func (b *bufferCloser) Close() error                { return nil }

// offerObject serves an offer by reference (credential_offer_uri).
func (a *api) offerObject(w http.ResponseWriter, r *http.Request) {
	body, err := a.svc.OfferObject(r.Context(), r.PathValue("code"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

func (a *api) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		a.writeError(w, r, &issuer.OAuthError{Status: 400, Code: "invalid_request", Description: "the body is not a form"})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	resp, err := a.svc.Token(r.Context(), r.PostForm.Get("grant_type"), r.PostForm.Get("pre-authorized_code"), r.PostForm.Get("tx_code"))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (a *api) oid4vciCredential(w http.ResponseWriter, r *http.Request) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	var req issuer.CredentialRequest
	if err := decode(r, &req); err != nil {
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			err = &issuer.OAuthError{Status: 400, Code: "invalid_credential_request", Description: err.Error()}
		}
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	resp, err := a.svc.IssueCredential(r.Context(), strings.TrimSpace(token), req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (a *api) vcapiIssue(w http.ResponseWriter, r *http.Request, who issuer.Actor) error {
	var req struct {
		Credential map[string]any `json:"credential"`
		Options    map[string]any `json:"options"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Credential == nil {
		return fmt.Errorf("%w: the body needs a credential object", issuer.ErrInvalid)
	}
	c, err := a.svc.IssueDocument(r.Context(), who, req.Credential)
	return a.reply(w, http.StatusCreated, map[string]any{"verifiableCredential": c.Credential}, err)
}

func (a *api) vcapiVerify(w http.ResponseWriter, r *http.Request) {
	var req struct {
		VerifiableCredential   json.RawMessage `json:"verifiableCredential"`
		VerifiablePresentation json.RawMessage `json:"verifiablePresentation"`
		Options                map[string]any  `json:"options"`
	}
	if err := decode(r, &req); err != nil {
		a.writeError(w, r, err)
		return
	}
	doc := req.VerifiableCredential
	if len(doc) == 0 {
		doc = req.VerifiablePresentation
	}
	// A JWT arrives as a JSON string: verify the token itself.
	var s string
	if json.Unmarshal(doc, &s) == nil {
		doc = []byte(s)
	}
	if len(doc) == 0 {
		a.writeError(w, r, fmt.Errorf("%w: send verifiableCredential or verifiablePresentation", issuer.ErrInvalid))
		return
	}
	rep, err := a.svc.VerifyDocument(r.Context(), doc)
	if err != nil {
		a.writeError(w, r, fmt.Errorf("%w: %v", issuer.ErrInvalid, err))
		return
	}
	status := http.StatusOK
	if !rep.Verified {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, rep)
}
