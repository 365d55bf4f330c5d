// Package client is a Go client of the issuer service's HTTP API, for the
// issuer command line (institutions, tables, intake, offers, revocation),
// the demo and tests. It speaks the API openapi.json describes and nothing
// else; wallets use OpenID4VCI (package wallet), not this.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/issuer"
	"github.com/satchel-wallet/satchel/transcript"
)

// Client calls one issuer service with one token.
type Client struct {
	// BaseURL is the service's URL, e.g. http://127.0.0.1:8080.
	BaseURL string
	// Token is the administrator's or an institution's token.
	Token string
	HTTP  *http.Client
}

// maxResponse bounds what the client reads of an answer.
const maxResponse = 64 << 20

// Error is an answer other than 2xx.
type Error struct {
	Status  int
	Message string
	// Records lists a refused batch's problems.
	Records []RecordError
	Body    []byte
}

// RecordError is one problem of a refused batch.
type RecordError struct {
	Index   int    `json:"index"`
	Record  string `json:"record"`
	Learner string `json:"learner"`
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Reason  string `json:"reason"`
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), e.Message)
	for i, r := range e.Records {
		if i == 5 {
			s += fmt.Sprintf("; and %d more", len(e.Records)-5)
			break
		}
		s += fmt.Sprintf("; record %d %s %s: %s", r.Index, r.Record, r.Field, r.Reason)
	}
	return s
}

// Do sends a request and decodes a JSON answer into out (when not nil).
func (c *Client) Do(ctx context.Context, method, path, contentType string, body []byte, header http.Header, out any) (http.Header, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, rd)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 2 * time.Minute}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		e := &Error{Status: resp.StatusCode, Body: raw}
		var eb struct {
			Error       string        `json:"error"`
			Description string        `json:"error_description"`
			Records     []RecordError `json:"records"`
		}
		if json.Unmarshal(raw, &eb) == nil && eb.Error != "" {
			e.Message, e.Records = strings.TrimSpace(eb.Error+" "+eb.Description), eb.Records
		} else {
			e.Message = strings.TrimSpace(string(raw))
		}
		return resp.Header, e
	}
	if out != nil {
		if b, ok := out.(*[]byte); ok {
			*b = raw
			return resp.Header, nil
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.Header, fmt.Errorf("%s %s: the answer is not the JSON expected: %w", method, path, err)
		}
	}
	return resp.Header, nil
}

func (c *Client) postJSON(ctx context.Context, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	_, err := c.Do(ctx, http.MethodPost, path, "application/json", body, nil, out)
	return err
}

// CreateInstitution creates an institution (administrator token) and
// returns it with its first API token.
func (c *Client) CreateInstitution(ctx context.Context, n issuer.NewInstitution) (issuer.Institution, string, error) {
	var out struct {
		Institution issuer.Institution `json:"institution"`
		Token       string             `json:"token"`
	}
	err := c.postJSON(ctx, "/institutions", n, &out)
	return out.Institution, out.Token, err
}

// UploadTableJSON uploads a table version as JSON.
func (c *Client) UploadTableJSON(ctx context.Context, slug string, table []byte) (issuer.TableInfo, error) {
	var out issuer.TableInfo
	_, err := c.Do(ctx, http.MethodPost, "/institutions/"+url.PathEscape(slug)+"/tables", "application/json", table, nil, &out)
	return out, err
}

// UploadTableCSV uploads a table version as CSV rows with its header.
func (c *Client) UploadTableCSV(ctx context.Context, slug string, info transcript.TableInfo, rows []byte) (issuer.TableInfo, error) {
	q := url.Values{"id": {info.ID}, "version": {info.Version}, "title": {info.Title}, "owner": {info.Owner},
		"effectiveFrom": {info.EffectiveFrom.String()}}
	if !info.EffectiveUntil.IsZero() {
		q.Set("effectiveUntil", info.EffectiveUntil.String())
	}
	if info.UnitCap != 0 {
		q.Set("unitCap", fmt.Sprint(info.UnitCap))
	}
	var out issuer.TableInfo
	_, err := c.Do(ctx, http.MethodPost, "/institutions/"+url.PathEscape(slug)+"/tables?"+q.Encode(), "text/csv", rows, nil, &out)
	return out, err
}

// Submit sends an intake batch (application/json, text/csv or
// application/xml). replayed reports an answer repeated for a retry.
func (c *Client) Submit(ctx context.Context, slug, contentType string, body []byte, idempotencyKey string) (res issuer.BatchResult, replayed bool, err error) {
	h := http.Header{}
	if idempotencyKey != "" {
		h.Set("Idempotency-Key", idempotencyKey)
	}
	hdr, err := c.Do(ctx, http.MethodPost, "/institutions/"+url.PathEscape(slug)+"/batches", contentType, body, h, &res)
	return res, hdr != nil && hdr.Get("Idempotent-Replayed") == "true", err
}

// Credential fetches one credential.
func (c *Client) Credential(ctx context.Context, slug, id string) (issuer.Credential, error) {
	var out issuer.Credential
	_, err := c.Do(ctx, http.MethodGet, "/institutions/"+url.PathEscape(slug)+"/credentials/"+url.PathEscape(id), "", nil, nil, &out)
	return out, err
}

// SetStatus revokes, suspends or unsuspends a credential (action revoke,
// suspend or unsuspend).
func (c *Client) SetStatus(ctx context.Context, slug, id, action, reason string) (issuer.Credential, error) {
	var out issuer.Credential
	err := c.postJSON(ctx, "/institutions/"+url.PathEscape(slug)+"/credentials/"+url.PathEscape(id)+"/"+url.PathEscape(action), map[string]string{"reason": reason}, &out)
	return out, err
}

// Offer makes an OpenID4VCI offer of a learner's credentials (all in force
// when ids is empty).
func (c *Client) Offer(ctx context.Context, slug, learner string, ids []string, txCode bool) (issuer.Offer, error) {
	var out issuer.Offer
	err := c.postJSON(ctx, "/institutions/"+url.PathEscape(slug)+"/learners/"+url.PathEscape(learner)+"/offers",
		map[string]any{"credentials": ids, "txCode": txCode}, &out)
	return out, err
}

// RotateKey gives the institution a new signing key.
func (c *Client) RotateKey(ctx context.Context, slug, keyType string) (issuer.KeyInfo, error) {
	var out issuer.KeyInfo
	err := c.postJSON(ctx, "/institutions/"+url.PathEscape(slug)+"/keys", map[string]string{"keyType": keyType}, &out)
	return out, err
}

// CLR issues the learner's CLR 2.0 transcript.
func (c *Client) CLR(ctx context.Context, slug, learner string) (issuer.Credential, error) {
	var out issuer.Credential
	err := c.postJSON(ctx, "/institutions/"+url.PathEscape(slug)+"/learners/"+url.PathEscape(learner)+"/clr", nil, &out)
	return out, err
}

// Get fetches a public document (a DID document, a status list) as bytes.
func (c *Client) Get(ctx context.Context, path string) ([]byte, error) {
	var raw []byte
	_, err := c.Do(ctx, http.MethodGet, path, "", nil, nil, &raw)
	return raw, err
}

// IsStatus reports whether err is an answer with that HTTP status.
func IsStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == status
}

// LearnerCredentials lists what the institution issued to a learner.
func (c *Client) LearnerCredentials(ctx context.Context, slug, learner string) ([]issuer.Credential, error) {
	var out []issuer.Credential
	_, err := c.Do(ctx, http.MethodGet, "/institutions/"+url.PathEscape(slug)+"/learners/"+url.PathEscape(learner)+"/credentials", "", nil, nil, &out)
	return out, err
}
