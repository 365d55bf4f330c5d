package wallet

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/verifier/jose"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

// Presentation formats.
const (
	// FormatLDP is a JSON-LD Verifiable Presentation with an
	// eddsa-rdfc-2022 proof by the holder.
	FormatLDP = "ldp_vp"
	// FormatJWT is a VC-JOSE presentation (typ vp+jwt) signed by the
	// holder, its credentials enveloped.
	FormatJWT = "vp+jwt"
)

const (
	contextV2 = "https://www.w3.org/ns/credentials/v2"
	contextV1 = "https://www.w3.org/2018/credentials/v1"
)

// PresentOptions are what the employer asked for.
type PresentOptions struct {
	// Format is FormatLDP (default) or FormatJWT.
	Format string
	// Challenge and Domain bind the presentation to one request of one
	// verifier, so it cannot be replayed elsewhere.
	Challenge string
	Domain    string
	// Disclose names, for each SD-JWT credential (by wallet id), the claims
	// the learner chose to disclose: paths as SelectiveClaims lists them
	// ("credentialSubject.achievement.name"). Only those, and what the
	// issuer made always visible, are shown; a credential it does not
	// name discloses nothing selectively disclosable.
	Disclose map[int64][]string
}

// ErrCannotPresent: the portfolio cannot be presented as asked.
var ErrCannotPresent = errors.New("cannot present")

// Present makes a portfolio into a presentation signed by the holder:
// the credentials exactly as they were received (an SD-JWT with the claims
// chosen in opt.Disclose), in the portfolio's order.
func (w *Wallet) Present(ctx context.Context, portfolio int64, holder proof.Signer, opt PresentOptions) ([]byte, error) {
	p, err := w.Store.Portfolio(ctx, portfolio)
	if err != nil {
		return nil, err
	}
	if len(p.Items) == 0 {
		return nil, fmt.Errorf("%w: portfolio %q is empty", ErrCannotPresent, p.Name)
	}
	ids := make([]int64, len(p.Items))
	for i, it := range p.Items {
		ids[i] = it.ID
	}
	return w.PresentCredentials(ctx, ids, holder, opt)
}

// PresentCredentials makes the credentials with these wallet ids, in this
// order, into a presentation signed by the holder, as Present does for a
// portfolio.
func (w *Wallet) PresentCredentials(ctx context.Context, ids []int64, holder proof.Signer, opt PresentOptions) ([]byte, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("%w: no credentials chosen", ErrCannotPresent)
	}
	if holder == nil {
		return nil, fmt.Errorf("%w: the holder's key is needed (unlock it)", ErrCannotPresent)
	}
	chosen := map[int64]bool{}
	for _, id := range ids {
		if chosen[id] {
			return nil, fmt.Errorf("%w: credential %d is chosen twice", ErrCannotPresent, id)
		}
		chosen[id] = true
	}
	for id := range opt.Disclose {
		if !chosen[id] {
			return nil, fmt.Errorf("%w: claims are chosen for credential %d, which is not presented", ErrCannotPresent, id)
		}
	}
	now := w.now()
	holderDID, _, _ := strings.Cut(holder.VerificationMethod(), "#")
	var creds []any
	versions := map[string]bool{}
	for _, id := range ids {
		c, err := w.Store.Credential(ctx, id)
		if err != nil {
			return nil, err
		}
		v, err := embed(c, holder, opt, now)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrCannotPresent, c.Title, err)
		}
		if m, ok := v.(map[string]any); ok {
			versions[firstContext(m)] = true
		}
		creds = append(creds, v)
	}
	ctxURL := contextV2
	if opt.Format != FormatJWT && len(versions) == 1 && versions[contextV1] {
		ctxURL = contextV1 // VC 1.1 credentials travel in a VC 1.1 presentation
	} else if len(versions) > 1 {
		return nil, fmt.Errorf("%w: the credentials mix VC 1.1 and 2.0; present them as %s, or separately", ErrCannotPresent, FormatJWT)
	}
	vp := map[string]any{
		"@context":             []any{ctxURL},
		"type":                 []any{"VerifiablePresentation"},
		"holder":               holderDID,
		"verifiableCredential": creds,
	}
	switch opt.Format {
	case FormatJWT:
		claims := map[string]any{}
		for k, v := range vp {
			claims[k] = v
		}
		if opt.Domain != "" {
			claims["aud"] = opt.Domain
		}
		if opt.Challenge != "" {
			claims["nonce"] = opt.Challenge
		}
		claims["iat"] = now.Unix()
		token, err := jose.Sign(claims, holder, holder.VerificationMethod(), jose.SignOptions{Format: jose.FormatJOSEVP})
		if err != nil {
			return nil, fmt.Errorf("present: %w", err)
		}
		return []byte(token), nil
	case "", FormatLDP:
		signed, err := proof.Sign(ctx, vp, holder, proof.Options{Created: now.UTC().Truncate(time.Second),
			Purpose: proof.Authentication, Challenge: opt.Challenge, Domain: opt.Domain})
		if err != nil {
			return nil, fmt.Errorf("present: %w", err)
		}
		return json.MarshalIndent(signed, "", "  ")
	}
	return nil, fmt.Errorf("%w: unknown format %q (want %s or %s)", ErrCannotPresent, opt.Format, FormatLDP, FormatJWT)
}

// embed is a credential as a presentation carries it: a JSON-LD credential
// as itself, a JOSE-secured one enveloped in a data: URL, an SD-JWT with
// the chosen disclosures only.
func embed(c Credential, holder proof.Signer, opt PresentOptions, now time.Time) (any, error) {
	raw := strings.TrimSpace(string(c.Raw))
	sd := isSDJWT(c)
	if _, chose := opt.Disclose[c.ID]; chose && !sd {
		return nil, errors.New("claims were chosen, but it is not selectively disclosable (SD-JWT): it is presented whole")
	}
	switch {
	case c.Container != "":
		return nil, errors.New("a baked badge is presented by its image; import its credential to present it")
	case strings.HasPrefix(raw, "{"):
		var m map[string]any
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return nil, err
		}
		return m, nil
	case sd:
		tok, err := presentSDJWT(raw, opt.Disclose[c.ID], holder, opt, now)
		if err != nil {
			return nil, err
		}
		mt := jose.MediaTypeVCSDJWT
		if c.Format == string(jose.FormatDCSDJWT) {
			mt = jose.MediaTypeDCSDJWT
		}
		return envelope(mt, tok), nil
	default:
		mt := jose.MediaTypeVCJWT
		if c.Format == "jwt_vc_json" {
			mt = jose.MediaTypeJWT
		}
		return envelope(mt, raw), nil
	}
}

func envelope(mediaType, token string) map[string]any {
	return map[string]any{"@context": []any{contextV2}, "type": "EnvelopedVerifiableCredential", "id": "data:" + mediaType + "," + token}
}

func isSDJWT(c Credential) bool {
	return c.Format == string(jose.FormatSDJWTVC) || c.Format == string(jose.FormatDCSDJWT) ||
		(c.Container == "" && !strings.HasPrefix(strings.TrimSpace(string(c.Raw)), "{") && strings.Contains(string(c.Raw), "~"))
}

// presentSDJWT keeps the chosen disclosures. When the credential is bound
// to the holder's key (cnf) and the presentation to a request (challenge
// and domain), it adds a key binding JWT for that request; the
// presentation's own proof binds it to the holder in any case.
func presentSDJWT(raw string, disclose []string, holder proof.Signer, opt PresentOptions, now time.Time) (string, error) {
	r, err := jose.Parse([]byte(raw), jose.Options{Now: now})
	if err != nil {
		return "", err
	}
	var kb crypto.Signer
	if r.HolderKey != nil && opt.Challenge != "" && opt.Domain != "" {
		pub, ok := holder.Public().(interface{ Equal(crypto.PublicKey) bool })
		if !ok || !pub.Equal(r.HolderKey) {
			return "", errors.New("it is bound to another key than the holder's")
		}
		kb = holder
	}
	return jose.PresentSDJWT(raw, disclose, kb, opt.Domain, opt.Challenge, now)
}

// Claim is a claim of an SD-JWT credential that the learner may disclose
// or keep hidden.
type Claim struct {
	// Path locates it: "credentialSubject.achievement.name".
	Path  string
	Value any
}

// SelectiveClaims lists the claims of an SD-JWT credential that are
// selectively disclosable, in the order of the token; nil for any other
// credential.
func SelectiveClaims(c Credential) ([]Claim, error) {
	if !isSDJWT(c) {
		return nil, nil
	}
	r, err := jose.Parse(c.Raw, jose.Options{})
	if err != nil {
		return nil, fmt.Errorf("selective claims of %d: %w", c.ID, err)
	}
	out := make([]Claim, 0, len(r.Disclosed))
	for _, d := range r.Disclosed {
		out = append(out, Claim{Path: d.Path, Value: d.Value})
	}
	return out, nil
}

func firstContext(m map[string]any) string {
	switch c := m["@context"].(type) {
	case string:
		return c
	case []any:
		if len(c) > 0 {
			s, _ := c[0].(string)
			return s
		}
	}
	return ""
}
