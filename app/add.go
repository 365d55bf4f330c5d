package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/satchel-wallet/satchel/wallet"
)

// ErrNotALink: pasted text that is neither a credential nor a link.
var ErrNotALink = errors.New("not a credential or a link to one")

// AddVM is the "Add a record" screen's model: it imports what the learner
// opened or pasted, and remembers a refused credential so that the learner
// can keep it as not verified.
type AddVM struct {
	s *Session
	// Fetch downloads a pasted link; nil means a plain HTTPS GET with a
	// timeout and the wallet's size limit.
	Fetch func(ctx context.Context, url string) ([]byte, error)
	// Net is how offers reach institutions: the zero value is https to
	// public addresses only (the wallet's production setting).
	Net wallet.NetOptions

	refused []byte
}

// NewAddVM is the model over an open session.
func NewAddVM(s *Session, fetch func(ctx context.Context, url string) ([]byte, error)) *AddVM {
	return &AddVM{s: s, Fetch: fetch}
}

// ImportResult is what the screen says after an import.
type ImportResult struct {
	// OK: the record is in the wallet (ID), verified or kept.
	OK    bool
	ID    int64
	Title string
	Badge Badge
	// Credit says what college credit it carries, if any.
	Credit string
	// Reason says why it was refused; CanKeep offers to keep it anyway.
	Reason  string
	CanKeep bool
	// Duplicate is the id of the record it duplicates (0: none).
	Duplicate int64
}

// Import verifies a credential (JSON-LD, JWT, SD-JWT, baked PNG or SVG) and
// stores it. Refused, it is held so that KeepRefused can keep it.
func (vm *AddVM) Import(ctx context.Context, raw []byte) (ImportResult, error) {
	vm.refused = nil
	return vm.importRaw(ctx, raw, false)
}

// KeepRefused keeps the last refused credential, marked not verified.
func (vm *AddVM) KeepRefused(ctx context.Context) (ImportResult, error) {
	if vm.refused == nil {
		return ImportResult{}, errors.New("nothing to keep")
	}
	raw := vm.refused
	vm.refused = nil
	return vm.importRaw(ctx, raw, true)
}

func (vm *AddVM) importRaw(ctx context.Context, raw []byte, keep bool) (ImportResult, error) {
	w, err := vm.s.Wallet(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	c, _, err := w.Import(ctx, raw, wallet.ImportOptions{KeepUnverified: keep})
	var nv *wallet.NotVerifiedError
	var dup *wallet.DuplicateError
	switch {
	case errors.As(err, &nv):
		vm.refused = append([]byte(nil), raw...)
		return ImportResult{Reason: refusalReason(nv), CanKeep: true, Title: nv.Report.Name}, nil
	case errors.As(err, &dup):
		return ImportResult{Reason: lang.L("This record is in your wallet already."), Duplicate: dup.ID}, nil
	case errors.Is(err, wallet.ErrUnreadable):
		return ImportResult{Reason: lang.L("This is not a record Satchel can read: {{.Why}}", map[string]any{"Why": strings.TrimPrefix(err.Error(), wallet.ErrUnreadable.Error()+": ")})}, nil
	case err != nil:
		return ImportResult{}, err
	}
	trust := w.Verifier.Trust // the registries the import was checked with
	card, err := cardOf(ctx, w.Store, c.Entry, trust, vm.s.now())
	if err != nil {
		return ImportResult{}, err
	}
	vm.s.Touch()
	return ImportResult{OK: true, ID: c.ID, Title: card.Title, Badge: card.Badge, Credit: card.Credit}, nil
}

// refusalReason says in words why a credential did not verify.
func refusalReason(nv *wallet.NotVerifiedError) string {
	var why []string
	for _, c := range nv.Report.Checks {
		if !c.OK {
			why = append(why, checkName(c.Check)+": "+c.Detail)
		}
	}
	why = append(why, nv.Report.Errors...)
	if len(why) == 0 {
		return lang.L("It did not verify.")
	}
	return strings.Join(why, "\n")
}

// ImportText imports pasted text: a credential itself (JSON or a JWT) or a
// link to one (downloaded). A credential offer is for AcceptOffer
// (ErrIsOffer), which may need a code.
func (vm *AddVM) ImportText(ctx context.Context, text string) (ImportResult, error) {
	t := strings.TrimSpace(text)
	switch {
	case t == "":
		return ImportResult{}, ErrNotALink
	case strings.HasPrefix(t, "{") || isCompactJWS(t):
		return vm.Import(ctx, []byte(t))
	case isOffer(t):
		return ImportResult{}, ErrIsOffer
	}
	u, err := url.Parse(t)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ImportResult{}, ErrNotALink
	}
	fetch := vm.Fetch
	if fetch == nil {
		fetch = httpFetch
	}
	raw, err := fetch(ctx, t)
	if err != nil {
		return ImportResult{}, fmt.Errorf("download %s: %w", u.Host, err)
	}
	return vm.Import(ctx, raw)
}

// ErrIsOffer: pasted text is a credential offer, which goes in the
// "Receive from an institution" box (it may need a code).
var ErrIsOffer = errors.New("this is a credential offer")

// ErrNeedsCode: the offer needs the code the institution sent separately.
var ErrNeedsCode = errors.New("the offer needs its code")

// OfferResult is what receiving an offer brought.
type OfferResult struct {
	Issuer  string
	Records []ImportResult
	// Queued: the institution could not be reached; the wallet will
	// receive the records when the network is back.
	Queued bool
}

// AcceptOffer receives the records an institution offers
// (openid-credential-offer://…, from its QR code or link) over OpenID for
// Verifiable Credential Issuance: the wallet proves it holds the learner's
// key, so the records are issued to the learner's DID, and verifies every
// one before keeping any. txCode is the code the institution sent
// separately, when the offer asks for one (ErrNeedsCode otherwise).
func (vm *AddVM) AcceptOffer(ctx context.Context, link, txCode string) (OfferResult, error) {
	o, err := wallet.ParseOffer(strings.TrimSpace(link))
	if err != nil {
		return OfferResult{}, err
	}
	if o.ByReference() {
		if o, err = wallet.ResolveOffer(ctx, o, vm.Net); err != nil {
			return OfferResult{}, err
		}
	}
	txCode = strings.TrimSpace(txCode)
	if o.TxCode != nil && txCode == "" {
		return OfferResult{}, ErrNeedsCode
	}
	if err := o.CheckTxCode(txCode); err != nil {
		return OfferResult{}, err
	}
	signer, err := vm.s.Signer()
	if err != nil {
		return OfferResult{}, err
	}
	w, err := vm.s.Wallet(ctx)
	if err != nil {
		return OfferResult{}, err
	}
	res := OfferResult{Issuer: o.CredentialIssuer}
	cs, err := w.RedeemOffer(ctx, o, txCode, signer, vm.Net)
	var queued *wallet.QueuedError
	if errors.As(err, &queued) {
		res.Queued = true
		return res, nil
	}
	if err != nil {
		return OfferResult{}, err
	}
	trust := w.Verifier.Trust // the registries the import was checked with
	for _, c := range cs {
		card, err := cardOf(ctx, w.Store, c.Entry, trust, vm.s.now())
		if err != nil {
			return OfferResult{}, err
		}
		res.Records = append(res.Records, ImportResult{OK: true, ID: c.ID, Title: card.Title, Badge: card.Badge, Credit: card.Credit})
	}
	vm.s.Touch()
	return res, nil
}

func isOffer(t string) bool {
	return strings.HasPrefix(t, "openid-credential-offer:") || strings.Contains(t, "credential_offer=") || strings.Contains(t, "credential_offer_uri=")
}

// isCompactJWS: three (or, for SD-JWT, more ~-separated) base64url parts.
func isCompactJWS(t string) bool {
	first, _, _ := strings.Cut(t, "~")
	parts := strings.Split(first, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts[:2] {
		if p == "" || strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			return false
		}
	}
	return true
}

// httpFetch downloads a credential: one redirect-free GET with a timeout
// and the wallet's size limit.
func httpFetch(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the server answered %s", resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, wallet.MaxCredentialBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > wallet.MaxCredentialBytes {
		return nil, fmt.Errorf("more than %d bytes", wallet.MaxCredentialBytes)
	}
	return b, nil
}
