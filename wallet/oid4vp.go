package wallet

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/satchel-wallet/satchel/verifier/jose"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/verifier/requirements"
)

// OpenID for Verifiable Presentations, the wallet's side: an employer's page
// shows a link (or its QR code)
//
//	openid4vp://authorize?client_id=<response_uri>&request_uri=<URL>
//
// the wallet fetches the request object at request_uri — a plain JSON
// object, client_id_scheme redirect_uri, response_mode direct_post, with a
// DIF Presentation Exchange definition — the learner chooses credentials
// that fit it, and the wallet posts a presentation bound to the request's
// nonce (challenge) and client_id (domain) to response_uri.

const (
	// RequestScheme starts a presentation request link.
	RequestScheme = "openid4vp://"
	// MaxRequestLinkBytes bounds a request link.
	MaxRequestLinkBytes = 16 << 10
	// MaxRequestBytes bounds a request object.
	MaxRequestBytes = requirements.MaxFileSize
)

// ErrBadRequest: the input is not a presentation request this wallet can
// answer.
var ErrBadRequest = errors.New("not a usable presentation request")

// RequestLink is what a request link carries: who asks, and where the
// request object is.
type RequestLink struct {
	ClientID   string
	RequestURI string
}

// ParseRequest reads a presentation request link: openid4vp://…, or an
// https link carrying the same parameters (client_id and request_uri). It
// fetches nothing. Requests passed by value or signed (request=…) are not
// supported. Errors wrap ErrBadRequest.
func ParseRequest(uri string) (RequestLink, error) {
	l, err := parseRequestLink(uri)
	if err != nil {
		return RequestLink{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	return l, nil
}

func parseRequestLink(s string) (RequestLink, error) {
	if len(s) > MaxRequestLinkBytes {
		return RequestLink{}, fmt.Errorf("the link is %d bytes, more than the %d-byte limit", len(s), MaxRequestLinkBytes)
	}
	if !utf8.ValidString(s) {
		return RequestLink{}, errors.New("the link is not UTF-8 text")
	}
	s = strings.TrimSpace(s)
	scheme, _, ok := strings.Cut(s, "://")
	if !ok {
		return RequestLink{}, errors.New("not an openid4vp:// or https link")
	}
	switch strings.ToLower(scheme) {
	case "openid4vp", "https", "http":
	default:
		return RequestLink{}, fmt.Errorf("a %s link is not a presentation request", quote(scheme))
	}
	u, err := url.Parse(s)
	if err != nil {
		return RequestLink{}, fmt.Errorf("not a link: %v", err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return RequestLink{}, fmt.Errorf("the link's query is malformed: %v", err)
	}
	for _, p := range []string{"request", "presentation_definition", "dcql_query"} {
		if q.Has(p) {
			return RequestLink{}, fmt.Errorf("requests passed by value (%s) are not supported; the verifier must use request_uri", p)
		}
	}
	if m := q.Get("request_uri_method"); m != "" && m != "get" {
		return RequestLink{}, fmt.Errorf("request_uri_method %s is not supported", quote(m))
	}
	for _, p := range []string{"client_id", "request_uri"} {
		if len(q[p]) != 1 || q.Get(p) == "" {
			return RequestLink{}, fmt.Errorf("the link must carry exactly one %s", p)
		}
	}
	l := RequestLink{ClientID: q.Get("client_id"), RequestURI: q.Get("request_uri")}
	if len(l.ClientID) > 2048 {
		return RequestLink{}, errors.New("client_id is longer than 2048 bytes")
	}
	if _, err := offerURL(l.RequestURI); err != nil {
		return RequestLink{}, fmt.Errorf("request_uri: %v", err)
	}
	return l, nil
}

// Request is a verifier's presentation request, checked.
type Request struct {
	// ClientID is who asks: for client_id_scheme redirect_uri, the URL the
	// answer goes to, which is also the presentation's domain.
	ClientID    string
	ResponseURI string
	// Nonce is the presentation's challenge; State goes back with the
	// answer.
	Nonce, State string
	// ClientName is the name the verifier gives itself (client_metadata),
	// unverified: show it as a claim, with ClientID's host.
	ClientName string
	// Definition is the Presentation Exchange definition; Descriptors its
	// input descriptors.
	Definition   json.RawMessage
	DefinitionID string
	Descriptors  []Descriptor
	// Formats are the presentation formats the verifier accepts
	// (client_metadata.vp_formats), empty when it does not say.
	Formats []string
}

// Descriptor is one input descriptor: one thing the verifier asks for.
type Descriptor struct {
	ID, Name, Purpose string
}

// FetchRequest reads a request link, fetches the request object and checks
// it: response_type vp_token, response_mode direct_post, client_id_scheme
// redirect_uri with client_id the response_uri and the link's client_id, a
// nonce, and a Presentation Exchange definition that package requirements
// reads.
func (w *Wallet) FetchRequest(ctx context.Context, uri string, opt NetOptions) (Request, error) {
	l, err := ParseRequest(uri)
	if err != nil {
		return Request{}, err
	}
	if _, err := checkURL(l.RequestURI, opt.LoopbackHTTP); err != nil {
		return Request{}, fmt.Errorf("fetch request: %w", err)
	}
	x, err := opt.do(ctx, http.MethodGet, l.RequestURI, "", nil, http.Header{"Accept": {"application/json"}}, MaxRequestBytes)
	if err != nil {
		return Request{}, fmt.Errorf("fetch request: %w", err)
	}
	if x.Status != http.StatusOK {
		return Request{}, fmt.Errorf("fetch request: %w", remoteError(http.MethodGet, l.RequestURI, x))
	}
	req, err := ParseRequestObject(x.Body, l)
	if err != nil {
		return Request{}, fmt.Errorf("fetch request: %w", err)
	}
	if _, err := checkURL(req.ResponseURI, opt.LoopbackHTTP); err != nil {
		return Request{}, fmt.Errorf("fetch request: response_uri: %w", err)
	}
	return req, nil
}

type requestObject struct {
	ResponseType           string          `json:"response_type"`
	ResponseMode           string          `json:"response_mode"`
	ClientID               string          `json:"client_id"`
	ClientIDScheme         string          `json:"client_id_scheme"`
	ResponseURI            string          `json:"response_uri"`
	Nonce                  string          `json:"nonce"`
	State                  string          `json:"state"`
	PresentationDefinition json.RawMessage `json:"presentation_definition"`
	ClientMetadata         *struct {
		ClientName string                     `json:"client_name"`
		VPFormats  map[string]json.RawMessage `json:"vp_formats"`
	} `json:"client_metadata"`
}

// ParseRequestObject checks a request object fetched for a link (see
// FetchRequest). Errors wrap ErrBadRequest.
func ParseRequestObject(raw []byte, link RequestLink) (Request, error) {
	r, err := parseRequestObject(raw, link)
	if err != nil {
		return Request{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	return r, nil
}

func parseRequestObject(raw []byte, link RequestLink) (Request, error) {
	if len(raw) > MaxRequestBytes {
		return Request{}, fmt.Errorf("the request is %d bytes, more than the %d-byte limit", len(raw), MaxRequestBytes)
	}
	if _, ok := jose.Sniff(bytes.TrimSpace(raw)); ok {
		return Request{}, errors.New("signed request objects are not supported")
	}
	var m map[string]json.RawMessage
	if err := strictJSON(raw, &m); err != nil || m == nil {
		return Request{}, fmt.Errorf("the request is not a JSON object: %v", err)
	}
	var o requestObject
	if err := json.Unmarshal(raw, &o); err != nil {
		return Request{}, fmt.Errorf("the request's members have the wrong types: %v", err)
	}
	clientID := o.ClientID
	scheme := o.ClientIDScheme
	if rest, ok := strings.CutPrefix(clientID, "redirect_uri:"); ok && scheme == "" {
		clientID, scheme = rest, "redirect_uri" // OpenID4VP 1.0 writes the scheme as a prefix
	}
	switch {
	case o.ResponseType != "vp_token":
		return Request{}, fmt.Errorf("response_type %s: only vp_token is supported", quote(o.ResponseType))
	case o.ResponseMode != "direct_post":
		return Request{}, fmt.Errorf("response_mode %s: only direct_post is supported", quote(o.ResponseMode))
	case scheme != "redirect_uri":
		return Request{}, fmt.Errorf("client_id_scheme %s: only redirect_uri is supported", quote(scheme))
	case o.ClientID != link.ClientID:
		return Request{}, fmt.Errorf("client_id %s is not the link's %s", quote(o.ClientID), quote(link.ClientID))
	case o.ResponseURI == "" || o.ResponseURI != clientID:
		return Request{}, fmt.Errorf("response_uri %s must be the client_id %s", quote(o.ResponseURI), quote(clientID))
	case o.Nonce == "" || len(o.Nonce) > 1024:
		return Request{}, errors.New("nonce is missing or longer than 1024 bytes")
	case len(o.State) > 1024:
		return Request{}, errors.New("state is longer than 1024 bytes")
	case len(o.PresentationDefinition) == 0 || string(o.PresentationDefinition) == "null":
		if _, ok := m["dcql_query"]; ok {
			return Request{}, errors.New("DCQL queries are not supported; the verifier must send a presentation_definition")
		}
		return Request{}, errors.New("presentation_definition is missing")
	}
	if _, err := offerURL(o.ResponseURI); err != nil {
		return Request{}, fmt.Errorf("response_uri: %v", err)
	}
	r := Request{ClientID: clientID, ResponseURI: o.ResponseURI, Nonce: o.Nonce, State: o.State,
		Definition: append(json.RawMessage(nil), o.PresentationDefinition...)}
	if o.ClientMetadata != nil {
		r.ClientName = clip(o.ClientMetadata.ClientName, 200)
		for f := range o.ClientMetadata.VPFormats {
			r.Formats = append(r.Formats, f)
		}
		slices.Sort(r.Formats)
	}
	if _, err := definitionJob(r.Definition); err != nil {
		return Request{}, err
	}
	var def struct {
		ID          string `json:"id"`
		Descriptors []struct {
			ID      string `json:"id"`
			Name    string `json:"name"`
			Purpose string `json:"purpose"`
		} `json:"input_descriptors"`
	}
	if err := json.Unmarshal(r.Definition, &def); err != nil {
		return Request{}, fmt.Errorf("presentation_definition: %v", err)
	}
	r.DefinitionID = def.ID
	for _, d := range def.Descriptors {
		r.Descriptors = append(r.Descriptors, Descriptor{ID: d.ID, Name: d.Name, Purpose: d.Purpose})
	}
	return r, nil
}

// definitionJob reads a Presentation Exchange definition as package
// requirements does for a job, so that the wallet and the employer's page
// judge a credential against it the same way.
func definitionJob(def json.RawMessage) (*requirements.Job, error) {
	b, err := json.Marshal(map[string]any{"id": "oid4vp-request", "title": "Presentation request", "presentation_definition": def})
	if err != nil {
		return nil, err
	}
	job, err := requirements.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("presentation_definition: %v", err)
	}
	return job, nil
}

// Match is one input descriptor of a request and the stored credentials
// that satisfy it.
type Match struct {
	Descriptor
	// Credentials are the credentials that satisfy it and verified when
	// last checked, newest issued first.
	Credentials []Entry
	// Unverified would satisfy it but failed their last verification: a
	// verifier would refuse them.
	Unverified []Entry
}

// Match says which stored credentials satisfy each input descriptor of the
// request (package requirements evaluates the descriptors' fields against
// each credential and the credentials a CLR carries). Baked badges are
// left out: they are presented by their image.
func (w *Wallet) Match(ctx context.Context, req Request) ([]Match, error) {
	job, err := definitionJob(req.Definition)
	if err != nil {
		return nil, fmt.Errorf("match: %w: %v", ErrBadRequest, err)
	}
	var entries []Entry
	var cands []requirements.Candidate
	q := Query{Limit: MaxLimit}
	for {
		page, err := w.Store.Search(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("match: %w", err)
		}
		for _, e := range page.Entries {
			if e.Container != "" {
				continue
			}
			c, err := w.Store.Credential(ctx, e.ID)
			if err != nil {
				return nil, fmt.Errorf("match: %w", err)
			}
			doc, err := documentOf(c)
			if err != nil {
				continue // unreadable now: it matches nothing
			}
			entries = append(entries, e)
			cands = append(cands, requirements.Candidate{Ref: fmt.Sprint(e.ID), Document: doc, Verified: e.Status == StatusVerified})
		}
		if page.Next == "" {
			break
		}
		q.After = page.Next
	}
	results := job.Match(cands)
	var out []Match
	for _, d := range req.Descriptors {
		m := Match{Descriptor: d}
		for _, r := range results {
			if r.ID != d.ID {
				continue
			}
			seen := map[int]bool{}
			for _, ev := range r.Evidence {
				if seen[ev.Candidate] || ev.Candidate < 0 || ev.Candidate >= len(entries) {
					continue
				}
				seen[ev.Candidate] = true
				if ev.Verified {
					m.Credentials = append(m.Credentials, entries[ev.Candidate])
				} else {
					m.Unverified = append(m.Unverified, entries[ev.Candidate])
				}
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// documentOf is a stored credential as a JSON document: a JSON-LD
// credential as itself, a JWT's decoded claims (an SD-JWT with every
// disclosure the wallet holds).
func documentOf(c Credential) (map[string]any, error) {
	raw := bytes.TrimSpace(c.Raw)
	if len(raw) > 0 && raw[0] == '{' {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		return m, nil
	}
	r, err := jose.Parse(raw, jose.Options{MaxBytes: MaxCredentialBytes})
	if err != nil {
		return nil, err
	}
	return r.Document, nil
}

// RespondOptions are the learner's choices for an answer.
type RespondOptions struct {
	NetOptions
	// Format is the presentation's: FormatLDP (default) or FormatJWT.
	Format string
	// Disclose chooses the claims of SD-JWT credentials, as for Present.
	Disclose map[int64][]string
}

// Response is what the wallet sent a verifier, and its answer.
type Response struct {
	// Presentation is the vp_token; Submission the presentation_submission.
	Presentation []byte
	Submission   json.RawMessage
	// RedirectURI is where the verifier sends the learner next (https, or
	// loopback http when allowed); empty when it names none.
	RedirectURI string
}

type descriptorMapEntry struct {
	ID         string       `json:"id"`
	Format     string       `json:"format"`
	Path       string       `json:"path"`
	PathNested *nestedEntry `json:"path_nested,omitempty"`
}

type nestedEntry struct {
	Format string `json:"format"`
	Path   string `json:"path"`
}

// Respond answers a request with the chosen credentials: a presentation
// signed by the holder with challenge = the request's nonce and domain =
// its client_id, and a presentation_submission that maps each input
// descriptor to the first chosen credential satisfying it, posted to the
// response_uri (direct_post). A refusal is a *RemoteError (ErrRefused).
// When the network fails, the answer is put in the sync queue (action
// "oid4vp.post") and the error is a *QueuedError; the Response still holds
// what will be sent.
func (w *Wallet) Respond(ctx context.Context, req Request, chosen []int64, holder proof.Signer, opt RespondOptions) (Response, error) {
	if _, err := checkURL(req.ResponseURI, opt.LoopbackHTTP); err != nil {
		return Response{}, fmt.Errorf("respond: %w", err)
	}
	if req.Nonce == "" || req.ClientID == "" {
		return Response{}, fmt.Errorf("respond: %w: the request has no nonce or client_id", ErrBadRequest)
	}
	vp, err := w.PresentCredentials(ctx, chosen, holder, PresentOptions{Format: opt.Format, Challenge: req.Nonce, Domain: req.ClientID, Disclose: opt.Disclose})
	if err != nil {
		return Response{}, fmt.Errorf("respond: %w", err)
	}
	sub, err := w.submission(ctx, req, chosen, opt.Format)
	if err != nil {
		return Response{}, fmt.Errorf("respond: %w", err)
	}
	token := string(vp)
	if opt.Format != FormatJWT {
		var buf bytes.Buffer
		if err := json.Compact(&buf, vp); err != nil {
			return Response{}, fmt.Errorf("respond: %w", err)
		}
		token = buf.String()
	}
	form := url.Values{"vp_token": {token}, "presentation_submission": {string(sub)}}
	if req.State != "" {
		form.Set("state", req.State)
	}
	resp, err := postResponse(ctx, req.ResponseURI, form, opt.NetOptions)
	resp.Presentation, resp.Submission = []byte(token), sub
	if err == nil || !transient(err) {
		return resp, err
	}
	p := postPayload{ResponseURI: req.ResponseURI, Form: map[string]string{}}
	for k := range form {
		p.Form[k] = form.Get(k)
	}
	b, merr := json.Marshal(p)
	if merr != nil {
		return resp, err
	}
	id, qerr := w.Store.Enqueue(ctx, Action{Kind: ActionPostResponse, Payload: b, Enqueued: w.now()})
	if qerr != nil {
		return resp, fmt.Errorf("%w (and it could not be queued: %v)", err, qerr)
	}
	return resp, &QueuedError{Action: id, Kind: ActionPostResponse, Cause: err}
}

// submission builds the presentation_submission for the chosen credentials.
func (w *Wallet) submission(ctx context.Context, req Request, chosen []int64, format string) (json.RawMessage, error) {
	job, err := definitionJob(req.Definition)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	var cands []requirements.Candidate
	var formats []string
	for _, id := range chosen {
		c, err := w.Store.Credential(ctx, id)
		if err != nil {
			return nil, err
		}
		doc, err := documentOf(c)
		if err != nil {
			return nil, fmt.Errorf("%w: credential %d: %v", ErrCannotPresent, id, err)
		}
		// The learner chose it: a verifier will judge it.
		cands = append(cands, requirements.Candidate{Document: doc, Verified: true})
		formats = append(formats, credentialFormat(c.Format))
	}
	vpFormat := "ldp_vp"
	if format == FormatJWT {
		vpFormat = "jwt_vp_json"
	}
	results := job.Match(cands)
	dm := []descriptorMapEntry{}
	for _, d := range req.Descriptors {
		for _, r := range results {
			if r.ID != d.ID || len(r.Evidence) == 0 {
				continue
			}
			i := r.Evidence[0].Candidate
			dm = append(dm, descriptorMapEntry{ID: d.ID, Format: vpFormat, Path: "$",
				PathNested: &nestedEntry{Format: formats[i], Path: fmt.Sprintf("$.verifiableCredential[%d]", i)}})
			break
		}
	}
	idb := make([]byte, 16)
	if _, err := rand.Read(idb); err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"id": fmt.Sprintf("%x", idb), "definition_id": req.DefinitionID, "descriptor_map": dm})
}

// credentialFormat is a stored credential's format as OpenID4VP names it.
func credentialFormat(f string) string {
	switch f {
	case "", "ldp_vc", "ldp":
		return "ldp_vc"
	}
	return f
}

// postResponse posts an answer (direct_post) and reads the verifier's.
func postResponse(ctx context.Context, responseURI string, form url.Values, opt NetOptions) (Response, error) {
	x, err := opt.do(ctx, http.MethodPost, responseURI, "application/x-www-form-urlencoded", []byte(form.Encode()), http.Header{"Accept": {"application/json"}}, maxSmallBytes)
	if err != nil {
		return Response{}, fmt.Errorf("post the presentation: %w", err)
	}
	if x.Status != http.StatusOK {
		return Response{}, fmt.Errorf("post the presentation: %w", remoteError(http.MethodPost, responseURI, x))
	}
	var answer struct {
		RedirectURI string `json:"redirect_uri"`
	}
	if len(bytes.TrimSpace(x.Body)) > 0 {
		if err := json.Unmarshal(x.Body, &answer); err != nil {
			return Response{}, fmt.Errorf("%w: the verifier's answer is not a JSON object: %v", ErrBadResponse, err)
		}
	}
	var r Response
	if answer.RedirectURI != "" {
		// A redirect the wallet would not follow is not passed on.
		if _, err := checkURL(answer.RedirectURI, opt.LoopbackHTTP); err == nil {
			r.RedirectURI = answer.RedirectURI
		}
	}
	return r, nil
}
