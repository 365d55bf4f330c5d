package employer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/satchel-wallet/satchel/verifier/requirements"
)

// The verifier side of OpenID for Verifiable Presentations: the page makes
// an authorization request (by reference: the QR code carries request_uri),
// the wallet fetches it, and answers with response_mode direct_post at
// response_uri. client_id_scheme is redirect_uri, so client_id is the
// response_uri and the request object is plain JSON, not a signed JWT.

// request is one wallet request, kept in memory.
type request struct {
	id, state, nonce string
	seq              uint64 // creation order: the clock may not move between two
	job              *requirements.Job
	created, expires time.Time
	answering        bool // a response is being verified
	done             bool
	answered         time.Time
	report           []byte // as EncodeReport writes it
	page             *resultPage
}

// open: the wallet may still answer.
func (q *request) open(now time.Time) bool { return !q.done && !q.answering && now.Before(q.expires) }

func (q *request) status(now time.Time) string {
	switch {
	case q.done:
		return "done"
	case !now.Before(q.expires):
		return "expired"
	}
	return "pending"
}

// requestStore holds requests by id and by state, at most max of them.
type requestStore struct {
	mu      sync.Mutex
	max     int
	seq     uint64
	byID    map[string]*request
	byState map[string]*request
}

func newRequestStore(max int) *requestStore {
	return &requestStore{max: max, byID: map[string]*request{}, byState: map[string]*request{}}
}

func (st *requestStore) drop(q *request) {
	delete(st.byID, q.id)
	delete(st.byState, q.state)
}

// add keeps q: requests older than requestKeep go first; at the cap the
// oldest request that is no longer open makes room; when all are open, q
// is refused.
func (st *requestStore) add(q *request, now time.Time) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	var oldest *request
	for _, x := range st.byID {
		if now.Sub(x.created) >= requestKeep {
			st.drop(x)
			continue
		}
		if !x.open(now) && !x.answering && (oldest == nil || x.seq < oldest.seq) {
			oldest = x
		}
	}
	if len(st.byID) >= st.max {
		if oldest == nil {
			return fmt.Errorf("%w: %d wallet requests are open; one frees up when it is answered or expires", errBusy, len(st.byID))
		}
		st.drop(oldest)
	}
	st.seq++
	q.seq = st.seq
	st.byID[q.id] = q
	st.byState[q.state] = q
	return nil
}

// get returns a copy of the request's fields under the lock; a request
// older than requestKeep is gone.
func (st *requestStore) get(id string, now time.Time) (request, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	q, ok := st.byID[id]
	if !ok || now.Sub(q.created) >= requestKeep {
		return request{}, false
	}
	return *q, true
}

// Errors a wallet's response gets, as error_description.
var (
	errNoState   = errors.New("state is missing")
	errState     = errors.New("no request has this state: it is unknown, or was dropped")
	errExpired   = errors.New("the request has expired")
	errAnswered  = errors.New("the request was already answered")
	errNoVPToken = errors.New("vp_token is missing")
)

// begin marks the request with this state as being answered, if it is
// open; the caller must finish or abandon it.
func (st *requestStore) begin(state string, now time.Time) (request, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	q, ok := st.byState[state]
	switch {
	case !ok || now.Sub(q.created) >= requestKeep:
		return request{}, errState
	case q.done || q.answering:
		return request{}, errAnswered
	case !now.Before(q.expires):
		return request{}, errExpired
	}
	q.answering = true
	return *q, nil
}

func (st *requestStore) abandon(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if q, ok := st.byID[id]; ok {
		q.answering = false
	}
}

func (st *requestStore) finish(id string, report []byte, page *resultPage, now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if q, ok := st.byID[id]; ok {
		q.answering, q.done, q.answered, q.report, q.page = false, true, now, report, page
	}
}

// token is 128 random bits, base64url.
func (s *Server) token() (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(s.cfg.Random, b); err != nil {
		return "", fmt.Errorf("randomness: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// createRequest is POST /oid4vp/requests (form job=ID): a new request, and
// a redirect to its page. The page's button submits the whole form, pasted
// text included, so the body limit is the page's; only job is read.
func (s *Server) createRequest(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	var jobID string
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch mt {
	case "multipart/form-data":
		var f submission
		if f, err = s.readForm(w, r, s.cfg.MaxBodyBytes); err == nil {
			jobID = f.job
		}
	default:
		if err = r.ParseForm(); err == nil {
			jobID = r.PostForm.Get("job")
		}
	}
	var job *requirements.Job
	if err == nil {
		job, err = s.job(jobID)
	}
	if err != nil {
		s.renderIndex(w, statusOf(err), jobID, s.message(err))
		return
	}
	now := s.cfg.Clock()
	q := &request{job: job, created: now, expires: now.Add(s.cfg.RequestTTL)}
	for _, p := range []*string{&q.id, &q.state, &q.nonce} {
		if *p, err = s.token(); err != nil {
			s.cfg.Logf("employer: new wallet request: %v", err)
			s.renderIndex(w, http.StatusInternalServerError, jobID, "A wallet request could not be made: the server has no randomness.")
			return
		}
	}
	if err := s.requests.add(q, now); err != nil {
		s.renderIndex(w, statusOf(err), jobID, s.message(err))
		return
	}
	if wantsJSON(r) {
		// For scripts (the demo): where the wallet is sent, and where the
		// answer will be.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"id": q.id, "uri": s.walletLink(q.id), "request_uri": s.base + "/oid4vp/requests/" + q.id,
			"result": s.base + "/oid4vp/requests/" + q.id + "/result", "expires": q.expires.UTC().Format(time.RFC3339),
		})
		return
	}
	http.Redirect(w, r, "/oid4vp/requests/"+q.id+"/page", http.StatusSeeOther)
}

// wantsJSON reports whether the client asked for JSON rather than a page.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// AuthorizationRequest is the OpenID4VP request object GET
// /oid4vp/requests/{id} serves.
type AuthorizationRequest struct {
	ResponseType           string          `json:"response_type"`
	ResponseMode           string          `json:"response_mode"`
	ClientID               string          `json:"client_id"`
	ClientIDScheme         string          `json:"client_id_scheme"`
	ResponseURI            string          `json:"response_uri"`
	Nonce                  string          `json:"nonce"`
	State                  string          `json:"state"`
	PresentationDefinition json.RawMessage `json:"presentation_definition"`
	ClientMetadata         ClientMetadata  `json:"client_metadata"`
}

// ClientMetadata is the request's client_metadata.
type ClientMetadata struct {
	ClientName string                    `json:"client_name"`
	VPFormats  map[string]map[string]any `json:"vp_formats"`
}

// definition is the job's Presentation Exchange definition. A job without
// one (or no job) asks for any verifiable credential; its skill
// requirements are matched on what the wallet sends.
func definition(job *requirements.Job) json.RawMessage {
	if job != nil && len(job.Definition) > 0 {
		return job.Definition
	}
	id, name := "any-credential", "Your credentials"
	if job != nil {
		id, name = job.ID, job.Title
	}
	d := map[string]any{"id": id, "name": name, "input_descriptors": []any{map[string]any{
		"id": "credentials", "name": "Credentials for this application",
		"purpose": "Share the credentials that show the skills and training this job asks for.",
		"constraints": map[string]any{"fields": []any{map[string]any{
			"path":   []string{"$.type"},
			"filter": map[string]any{"type": "array", "contains": map[string]any{"const": "VerifiableCredential"}},
		}}},
	}}}
	b, _ := json.Marshal(d)
	return b
}

func definitionID(raw json.RawMessage) string {
	var d struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &d)
	return d.ID
}

func (s *Server) authorizationRequest(q request) AuthorizationRequest {
	return AuthorizationRequest{ResponseType: "vp_token", ResponseMode: "direct_post",
		ClientID: s.responseURI, ClientIDScheme: "redirect_uri", ResponseURI: s.responseURI,
		Nonce: q.nonce, State: q.state, PresentationDefinition: definition(q.job),
		ClientMetadata: ClientMetadata{ClientName: s.cfg.ClientName, VPFormats: map[string]map[string]any{
			"ldp_vp":      {"proof_type": []string{"DataIntegrityProof", "Ed25519Signature2020"}},
			"jwt_vp_json": {"alg": []string{"EdDSA", "ES256"}},
		}}}
}

// walletLink is what the QR code carries.
func (s *Server) walletLink(id string) string {
	return "openid4vp://authorize?client_id=" + url.QueryEscape(s.responseURI) +
		"&request_uri=" + url.QueryEscape(s.base+"/oid4vp/requests/"+id)
}

// requestObject is GET /oid4vp/requests/{id}: the request object, while
// the request is open (404 unknown, 410 expired or answered).
func (s *Server) requestObject(w http.ResponseWriter, r *http.Request) {
	q, ok := s.requests.get(r.PathValue("id"), s.cfg.Clock())
	if !ok {
		writeJSON(w, http.StatusNotFound, oauthError("invalid_request_uri", "no such request"))
		return
	}
	now := s.cfg.Clock()
	switch {
	case q.done || q.answering:
		writeJSON(w, http.StatusGone, oauthError("invalid_request_uri", errAnswered.Error()))
		return
	case !now.Before(q.expires):
		writeJSON(w, http.StatusGone, oauthError("invalid_request_uri", errExpired.Error()))
		return
	}
	writeJSON(w, http.StatusOK, s.authorizationRequest(q))
}

func oauthError(code, desc string) map[string]string {
	return map[string]string{"error": code, "error_description": desc}
}

// walletResponse is POST /oid4vp/response: the wallet's vp_token, verified
// against the request's nonce (challenge) and client_id (domain) and the
// job. The request is answered once: a second response is refused and
// leaves the first report as it is. A response that cannot be read does
// not use the request up.
func (s *Server) walletResponse(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, oauthError("invalid_request", "use POST"))
		return
	}
	fail := func(err error) {
		code := http.StatusBadRequest
		if statusOf(err) == http.StatusRequestEntityTooLarge {
			code = http.StatusRequestEntityTooLarge
		}
		writeJSON(w, code, oauthError("invalid_request", s.message(err)))
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		fail(errors.New("the response must be application/x-www-form-urlencoded (response_mode direct_post)"))
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(fmt.Errorf("read the response: %w", err))
		return
	}
	form := r.PostForm
	state := form.Get("state")
	if state == "" {
		fail(errNoState)
		return
	}
	token := strings.TrimSpace(form.Get("vp_token"))
	if token == "" {
		fail(errNoVPToken)
		return
	}
	now := s.cfg.Clock()
	q, err := s.requests.begin(state, now)
	if err != nil {
		fail(err)
		return
	}
	answered := false
	defer func() {
		if !answered {
			s.requests.abandon(q.id)
		}
	}()
	if err := checkSubmission(form.Get("presentation_submission"), definitionID(definition(q.job))); err != nil {
		fail(err)
		return
	}
	vp, err := vpToken(token)
	if err != nil {
		fail(err)
		return
	}
	rep, err := s.verify(r.Context(), vp, s.options(q.job, q.nonce, s.responseURI))
	if err != nil {
		fail(fmt.Errorf("vp_token: %w", err))
		return
	}
	if rep.Kind != "presentation" {
		fail(errors.New("vp_token is a credential, not a presentation: the holder must sign a presentation with the request's nonce"))
		return
	}
	s.requests.finish(q.id, reportJSON(rep), s.resultPage(rep, q.job, "applicant's wallet (OpenID4VP)"), now)
	answered = true
	writeJSON(w, http.StatusOK, map[string]string{"redirect_uri": s.base + "/oid4vp/requests/" + q.id + "/result-page"})
}

// checkSubmission reads presentation_submission: a JSON object that
// answers this request's definition.
func checkSubmission(raw, defID string) error {
	if strings.TrimSpace(raw) == "" {
		return errors.New("presentation_submission is missing")
	}
	var sub struct {
		ID            string `json:"id"`
		DefinitionID  string `json:"definition_id"`
		DescriptorMap []struct {
			ID     string `json:"id"`
			Format string `json:"format"`
			Path   string `json:"path"`
		} `json:"descriptor_map"`
	}
	if err := json.Unmarshal([]byte(raw), &sub); err != nil {
		return fmt.Errorf("presentation_submission is not a JSON object: %v", err)
	}
	if sub.DefinitionID != defID {
		return fmt.Errorf("presentation_submission answers definition %q, not this request's %q", truncate(sub.DefinitionID, 80), defID)
	}
	return nil
}

// vpToken is the presentation in vp_token: a JSON-LD presentation, a
// compact JWT, either of them as a JSON string, or a list of exactly one.
func vpToken(tok string) ([]byte, error) {
	b := []byte(tok)
	for range 2 {
		switch {
		case len(b) > 0 && b[0] == '[':
			var list []json.RawMessage
			if err := json.Unmarshal(b, &list); err != nil {
				return nil, fmt.Errorf("vp_token is not a JSON list: %v", err)
			}
			if len(list) != 1 {
				return nil, fmt.Errorf("vp_token holds %d presentations; send one", len(list))
			}
			b = bytes.TrimSpace(list[0])
		case len(b) > 0 && b[0] == '"':
			var s string
			if err := json.Unmarshal(b, &s); err != nil {
				return nil, fmt.Errorf("vp_token is not a JSON string: %v", err)
			}
			b = []byte(strings.TrimSpace(s))
		}
	}
	return b, nil
}

// requestResult is GET /oid4vp/requests/{id}/result, what the page polls.
func (s *Server) requestResult(w http.ResponseWriter, r *http.Request) {
	q, ok := s.requests.get(r.PathValue("id"), s.cfg.Clock())
	if !ok {
		writeJSONError(w, http.StatusNotFound, "no such request")
		return
	}
	out := struct {
		Status string          `json:"status"`
		Report json.RawMessage `json:"report,omitempty"`
	}{Status: q.status(s.cfg.Clock())}
	if q.done {
		out.Report = q.report
	}
	writeJSON(w, http.StatusOK, out)
}

type requestPageData struct {
	Title     string
	ID        string
	Job       *jobView
	Link      template.URL // openid4vp: is not a scheme html/template passes on its own
	Expires   string
	Minutes   int
	Status    string
	Requested []string
}

// requestPage is GET /oid4vp/requests/{id}/page: the QR code and the link
// while the request is open, the result once it is answered.
func (s *Server) requestPage(w http.ResponseWriter, r *http.Request) {
	q, ok := s.requests.get(r.PathValue("id"), s.cfg.Clock())
	if !ok {
		s.renderIndex(w, http.StatusNotFound, "", "That wallet request is unknown or was dropped. Make a new one.")
		return
	}
	now := s.cfg.Clock()
	st := q.status(now)
	if st == "done" {
		http.Redirect(w, r, "/oid4vp/requests/"+q.id+"/result-page", http.StatusSeeOther)
		return
	}
	d := requestPageData{Title: "Ask the applicant's wallet", ID: q.id, Link: template.URL(s.walletLink(q.id)),
		Expires: requestTime(q.expires), Minutes: int(s.cfg.RequestTTL / time.Minute), Status: st}
	if q.job != nil {
		d.Job = &jobView{ID: q.job.ID, Title: q.job.Title, Sector: q.job.Sector}
		for _, req := range q.job.Requirements {
			d.Requested = append(d.Requested, req.Name)
		}
	}
	s.render(w, http.StatusOK, "request.html", d)
}

// requestResultPage is GET /oid4vp/requests/{id}/result-page.
func (s *Server) requestResultPage(w http.ResponseWriter, r *http.Request) {
	q, ok := s.requests.get(r.PathValue("id"), s.cfg.Clock())
	if !ok {
		s.renderIndex(w, http.StatusNotFound, "", "That wallet request is unknown or was dropped. Make a new one.")
		return
	}
	if !q.done {
		http.Redirect(w, r, "/oid4vp/requests/"+q.id+"/page", http.StatusSeeOther)
		return
	}
	s.render(w, http.StatusOK, "result.html", q.page)
}

// requestQR is GET /oid4vp/requests/{id}/qr.png.
func (s *Server) requestQR(w http.ResponseWriter, r *http.Request) {
	q, ok := s.requests.get(r.PathValue("id"), s.cfg.Clock())
	if !ok {
		http.NotFound(w, r)
		return
	}
	png, err := qrPNG(s.walletLink(q.id))
	if err != nil {
		s.cfg.Logf("employer: QR code: %v", err)
		http.Error(w, "the QR code could not be drawn", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(png)
}
