package wallet

import (
	"context"
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
}

// ErrCannotPresent: the portfolio cannot be presented as asked.
var ErrCannotPresent = errors.New("cannot present")

// Present makes a portfolio into a presentation signed by the holder:
// the credentials exactly as they were received, in the portfolio's order.
func (w *Wallet) Present(ctx context.Context, portfolio int64, holder proof.Signer, opt PresentOptions) ([]byte, error) {
	p, err := w.Store.Portfolio(ctx, portfolio)
	if err != nil {
		return nil, err
	}
	if len(p.Items) == 0 {
		return nil, fmt.Errorf("%w: portfolio %q is empty", ErrCannotPresent, p.Name)
	}
	holderDID, _, _ := strings.Cut(holder.VerificationMethod(), "#")
	var creds []any
	versions := map[string]bool{}
	for _, it := range p.Items {
		c, err := w.Store.Credential(ctx, it.ID)
		if err != nil {
			return nil, err
		}
		v, err := embed(c, opt.Format)
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
		return nil, fmt.Errorf("%w: the portfolio mixes VC 1.1 and 2.0 credentials; present them as %s, or separately", ErrCannotPresent, FormatJWT)
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
		claims["iat"] = w.now().Unix()
		token, err := jose.Sign(claims, holder, holder.VerificationMethod(), jose.SignOptions{Format: jose.FormatJOSEVP})
		if err != nil {
			return nil, fmt.Errorf("present: %w", err)
		}
		return []byte(token), nil
	case "", FormatLDP:
		signed, err := proof.Sign(ctx, vp, holder, proof.Options{Created: w.now().UTC().Truncate(time.Second),
			Purpose: proof.Authentication, Challenge: opt.Challenge, Domain: opt.Domain})
		if err != nil {
			return nil, fmt.Errorf("present: %w", err)
		}
		return json.MarshalIndent(signed, "", "  ")
	}
	return nil, fmt.Errorf("%w: unknown format %q (want %s or %s)", ErrCannotPresent, opt.Format, FormatLDP, FormatJWT)
}

// embed is a credential as a presentation carries it: a JSON-LD credential
// as itself, a JOSE-secured one enveloped in a data: URL.
func embed(c Credential, format string) (any, error) {
	raw := strings.TrimSpace(string(c.Raw))
	switch {
	case c.Container != "":
		return nil, errors.New("a baked badge is presented by its image; import its credential to present it")
	case strings.HasPrefix(raw, "{"):
		var m map[string]any
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return nil, err
		}
		return m, nil
	case strings.Contains(raw, "~"):
		return nil, errors.New("SD-JWT credentials are presented with the claims the learner chooses (not yet from a portfolio)")
	default:
		mt := "application/vc+jwt"
		if c.Format == "jwt_vc_json" {
			mt = "application/jwt"
		}
		return map[string]any{"@context": []any{contextV2}, "type": "EnvelopedVerifiableCredential", "id": "data:" + mt + "," + raw}, nil
	}
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
