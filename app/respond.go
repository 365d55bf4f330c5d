package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode"

	"fyne.io/fyne/v2/lang"

	"github.com/satchel-wallet/satchel/wallet"
)

// Errors of answering an employer's request, said in words by message.
var (
	// ErrRequestGone: the employer's page no longer has the request
	// (expired, already answered, or never made there).
	ErrRequestGone = errors.New("the request has expired or was answered")
	// ErrEmployerOffline: the employer's page cannot be reached.
	ErrEmployerOffline = errors.New("the employer's page cannot be reached")
	// ErrEmployerRefused: the employer's page would not give the request.
	ErrEmployerRefused = errors.New("the employer's page refused")
	// ErrEmptyPortfolio: there is nothing to answer with.
	ErrEmptyPortfolio = errors.New("the portfolio is empty")
	// ErrNoRequestLink: Continue with no link pasted.
	ErrNoRequestLink = errors.New("no request link")
)

// RespondVM answers an employer's OpenID4VP request with one portfolio:
// Fetch reads the request and says what it asks for and what the
// portfolio holds for it; Share sends the portfolio's records, all of them
// in its order (as `wallet respond --portfolio` does), to the employer.
// Its methods may run off the UI goroutine.
type RespondVM struct {
	s         *Session
	portfolio int64
	// Net is how the wallet reaches the employer's page: the zero value is
	// https to public addresses only.
	Net wallet.NetOptions

	mu      sync.Mutex
	req     *wallet.Request
	records []int64
	claims  map[int64][]string
}

// NewRespondVM is the model for answering with a portfolio.
func NewRespondVM(s *Session, portfolio int64, net wallet.NetOptions) *RespondVM {
	return &RespondVM{s: s, portfolio: portfolio, Net: net}
}

// RequestView is what the confirmation shows before anything is sent.
type RequestView struct {
	// Verifier is the name the employer's page gives itself (unchecked,
	// empty when it gives none); Host is where the answer goes.
	Verifier string
	Host     string
	// Name and Purpose are what the request as a whole says it is for.
	Name, Purpose string
	Descriptors   []DescriptorView
	// Records are the portfolio's records, in its order: all of them are
	// sent.
	Records []RecordView
}

// DescriptorView is one thing the employer asks for, and the portfolio's
// records that meet it.
type DescriptorView struct {
	Name, Purpose string
	// MetBy are the titles of the portfolio's records that meet it;
	// Unverified those that would but failed their last check (the
	// employer's verifier would refuse them).
	MetBy      []string
	Unverified []string
}

// RecordView is a record that will be sent.
type RecordView struct {
	ID            int64
	Title, Issuer string
	// Badge is what its last verification found: the employer's verifier
	// will find the same of a record that is revoked or did not verify.
	Badge Badge
	// Claims are an SD-JWT record's selectively disclosable claims: hidden
	// unless the learner chooses to show them.
	Claims []ClaimView
}

// ClaimView is a claim the learner may disclose.
type ClaimView struct {
	Path, Label, Value string
}

// RespondResult is the employer's answer.
type RespondResult struct {
	// Accepted: the employer's page took the answer; Redirect is where it
	// says to go next (may be empty).
	Accepted bool
	Redirect string
	// Queued: the page could not be reached; the answer waits in the
	// wallet's queue until the network is back.
	Queued bool
	// Refused: the page answered with a refusal, for Reason.
	Refused bool
	Reason  string
}

// Fetch reads an employer's request link (openid4vp://…), fetches the
// request and matches it against the portfolio.
func (vm *RespondVM) Fetch(ctx context.Context, link string) (RequestView, error) {
	link = strings.TrimSpace(link)
	if link == "" {
		return RequestView{}, ErrNoRequestLink
	}
	w, err := vm.s.Wallet(ctx)
	if err != nil {
		return RequestView{}, err
	}
	p, err := w.Store.Portfolio(ctx, vm.portfolio)
	if err != nil {
		return RequestView{}, err
	}
	if len(p.Items) == 0 {
		return RequestView{}, ErrEmptyPortfolio
	}
	req, err := w.FetchRequest(ctx, link, vm.Net)
	if err != nil {
		return RequestView{}, fetchError(err)
	}
	matches, err := w.Match(ctx, req)
	if err != nil {
		return RequestView{}, err
	}
	view := RequestView{Verifier: req.ClientName, Host: hostOf(req.ClientID)}
	var def struct{ Name, Purpose string }
	if json.Unmarshal(req.Definition, &def) == nil {
		view.Name, view.Purpose = clipText(def.Name, 200), clipText(def.Purpose, 500)
	}
	trust, err := vm.s.Trust(ctx)
	if err != nil {
		return RequestView{}, err
	}
	title := map[int64]string{}
	var records []int64
	claims := map[int64][]string{}
	for _, it := range p.Items {
		records = append(records, it.ID)
		card, err := cardOf(ctx, w.Store, it.Entry, trust, vm.s.now())
		if err != nil {
			return RequestView{}, err
		}
		title[it.ID] = card.Title
		rv := RecordView{ID: it.ID, Title: card.Title, Issuer: card.Issuer, Badge: card.Badge}
		c, err := w.Store.Credential(ctx, it.ID)
		if err != nil {
			return RequestView{}, err
		}
		cs, err := wallet.SelectiveClaims(c)
		if err != nil {
			return RequestView{}, err
		}
		for _, cl := range cs {
			rv.Claims = append(rv.Claims, ClaimView{Path: cl.Path, Label: claimLabel(cl.Path), Value: claimValue(cl.Value)})
			claims[it.ID] = append(claims[it.ID], cl.Path)
		}
		view.Records = append(view.Records, rv)
	}
	for _, m := range matches {
		d := DescriptorView{Name: clipText(m.Name, 200), Purpose: clipText(m.Purpose, 500)}
		if d.Name == "" {
			d.Name = clipText(m.ID, 200)
		}
		// In the portfolio's order, not the wallet's: that is what is sent.
		for _, id := range records {
			if slices.ContainsFunc(m.Credentials, func(e wallet.Entry) bool { return e.ID == id }) {
				d.MetBy = append(d.MetBy, title[id])
			} else if slices.ContainsFunc(m.Unverified, func(e wallet.Entry) bool { return e.ID == id }) {
				d.Unverified = append(d.Unverified, title[id])
			}
		}
		view.Descriptors = append(view.Descriptors, d)
	}
	vm.mu.Lock()
	vm.req, vm.records, vm.claims = &req, records, claims
	vm.mu.Unlock()
	vm.s.Touch()
	return view, nil
}

// fetchError says why a request could not be fetched, for message.
func fetchError(err error) error {
	var re *wallet.RemoteError
	switch {
	case errors.Is(err, wallet.ErrBadRequest) || errors.Is(err, wallet.ErrUnsafeURL):
		return err
	case errors.As(err, &re) && (re.Status == http.StatusGone || re.Status == http.StatusNotFound):
		return fmt.Errorf("%w: %w", ErrRequestGone, err)
	case errors.Is(err, wallet.ErrOffline):
		return fmt.Errorf("%w: %w", ErrEmployerOffline, err)
	case errors.Is(err, wallet.ErrRefused):
		return fmt.Errorf("%w: %w", ErrEmployerRefused, err)
	}
	return err
}

// Share sends the portfolio's records, as Fetch listed them, to the
// employer: a presentation signed with the learner's key for this request.
// disclose names, by record, the SD-JWT claims the learner chose to show
// (none: only what the issuer always shows). A refusal or a network
// failure is an outcome, not an error.
func (vm *RespondVM) Share(ctx context.Context, disclose map[int64][]string) (RespondResult, error) {
	vm.mu.Lock()
	req, records, claims := vm.req, vm.records, vm.claims
	vm.mu.Unlock()
	if req == nil {
		return RespondResult{}, errors.New("share: no request fetched")
	}
	chosen := map[int64][]string{}
	for id, paths := range disclose {
		for _, p := range paths {
			if !slices.Contains(claims[id], p) {
				return RespondResult{}, fmt.Errorf("share: record %d has no claim %s to disclose", id, p)
			}
		}
		if len(paths) > 0 {
			chosen[id] = paths
		}
	}
	signer, err := vm.s.Signer()
	if err != nil {
		return RespondResult{}, err
	}
	w, err := vm.s.Wallet(ctx)
	if err != nil {
		return RespondResult{}, err
	}
	resp, err := w.Respond(ctx, *req, records, signer, wallet.RespondOptions{NetOptions: vm.Net, Format: formatFor(*req), Disclose: chosen})
	vm.s.Touch()
	var queued *wallet.QueuedError
	switch {
	case errors.As(err, &queued):
		return RespondResult{Queued: true}, nil
	case errors.Is(err, wallet.ErrRefused):
		return RespondResult{Refused: true, Reason: remoteReason(err)}, nil
	case err != nil:
		return RespondResult{}, err
	}
	return RespondResult{Accepted: true, Redirect: resp.RedirectURI}, nil
}

// formatFor is the presentation format the employer takes: JSON-LD unless
// it says it only takes a JWT.
func formatFor(req wallet.Request) string {
	if len(req.Formats) > 0 && !slices.Contains(req.Formats, "ldp_vp") &&
		(slices.Contains(req.Formats, "jwt_vp_json") || slices.Contains(req.Formats, "jwt_vp")) {
		return wallet.FormatJWT
	}
	return wallet.FormatLDP
}

// remoteReason is why the other end refused, as it said it, or its status.
func remoteReason(err error) string {
	var re *wallet.RemoteError
	if !errors.As(err, &re) {
		return err.Error()
	}
	if re.Description != "" {
		return re.Description
	}
	if re.Code != "" {
		return re.Code
	}
	return lang.L("it answered {{.Status}}", map[string]any{"Status": fmt.Sprintf("%d %s", re.Status, http.StatusText(re.Status))})
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return u
}

// claimLabel names a claim by the last part of its path, in words:
// "credentialSubject.licenseNumber" is "License number".
func claimLabel(path string) string {
	last := path
	if i := strings.LastIndex(path, "."); i >= 0 {
		last = path[i+1:]
	}
	var b strings.Builder
	for i, r := range last {
		switch {
		case r == '_' || r == '-':
			b.WriteRune(' ')
		case unicode.IsUpper(r) && i > 0:
			b.WriteRune(' ')
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
	}
	s := []rune(b.String())
	if len(s) == 0 {
		return path
	}
	s[0] = unicode.ToUpper(s[0])
	return string(s)
}

// claimValue is a claim's value as short text.
func claimValue(v any) string {
	if s, ok := v.(string); ok {
		return clipText(s, 80)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return clipText(string(b), 80)
}

// clipText shortens text from the other end, at a rune boundary.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
