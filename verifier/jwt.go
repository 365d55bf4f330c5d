package verifier

import (
	"context"
	"errors"
	"fmt"

	"github.com/satchel-wallet/satchel/verifier/jose"
	"github.com/satchel-wallet/satchel/verifier/model"
)

// formatNames maps JOSE formats to the report's names (the OpenID4VP
// credential format identifiers where there is one).
var formatNames = map[jose.Format]string{
	jose.FormatJWTVC: "jwt_vc_json",
	jose.FormatJWTVP: "jwt_vp_json",
}

func formatName(f jose.Format) string {
	if n, ok := formatNames[f]; ok {
		return n
	}
	return string(f)
}

// jwt verifies a JOSE-secured credential or presentation: VC-JWT (VC 1.1),
// VC-JOSE (vc+jwt / vp+jwt) or SD-JWT.
func (v *run) jwt(ctx context.Context, token []byte, level int) Report {
	opt := jose.Options{Now: v.opt.Now, Skew: v.opt.Skew}
	if level == 0 {
		// The verifier's challenge binds the outermost presentation.
		opt.Audience, opt.Nonce = v.opt.Domain, v.opt.Challenge
	}
	f, _ := jose.Sniff(token)
	r := Report{Kind: "credential", Format: formatName(f)}
	if f.Presentation() {
		r.Kind = "presentation"
	}
	res, err := jose.Verify(ctx, token, joseKeys{v.opt.DIDs}, opt)
	if res == nil {
		var unsup *jose.UnsupportedError
		if errors.As(err, &unsup) {
			r.add(CheckProof, false, err.Error())
		} else {
			r.add(CheckFormat, false, fmt.Sprintf("not a readable JWT: %v", err))
		}
		r.settle()
		return r
	}
	r.Format, r.Document = formatName(res.Format), res.Document
	if res.Format.Presentation() {
		r.Kind = "presentation"
	}
	sum, findings := model.Check(res.Document)
	describe(&r, sum)
	if r.Issuer == "" && r.Kind == "credential" {
		r.Issuer = res.Issuer
	}
	if r.Kind == "presentation" && r.Holder == "" {
		r.Holder = res.Issuer
	}
	r.add(CheckDataModel, len(findings) == 0, findingsDetail(sum, findings))
	signer, role := r.Issuer, "issuer"
	if r.Kind == "presentation" {
		signer, role = r.Holder, "holder"
	}
	for _, fd := range res.Findings {
		name := fd.Check
		switch {
		case name == jose.CheckIssuerKey && fd.OK && res.Issuer != signer:
			// verifier/jose binds the key to the iss claim; the report
			// names the document's issuer (holder), whose key it is not.
			// The consistency check says iss is wrong; this check must
			// not say the key is right.
			fd.OK, fd.Detail = false, fmt.Sprintf("the key belongs to %s (iss), not the %s %s", res.Issuer, role, signer)
		case name == jose.CheckValidity && fd.OK:
			continue // the document's own dates decide below
		}
		if name == jose.CheckIssuerKey && r.Kind == "presentation" {
			name = CheckHolder
		}
		r.add(name, fd.OK, fd.Detail)
	}
	if !r.failed(CheckValidity) {
		v.validity(&r, sum)
	}
	if err != nil && !r.anyFailed() {
		r.Errors = append(r.Errors, err.Error())
	}
	if r.Kind == "presentation" {
		embedded, err := jose.Credentials(res.Document)
		if err != nil {
			r.add(CheckNested, false, err.Error())
		} else {
			var list []any
			for _, e := range embedded {
				if e.Object != nil {
					list = append(list, e.Object)
				} else {
					list = append(list, string(e.Token))
				}
			}
			if len(list) == 0 {
				r.add(CheckNested, false, "the presentation carries no credential")
			} else {
				v.nestedList(ctx, &r, list, level)
				v.bindSubjects(&r, r.Holder)
			}
		}
		r.settle()
		return r
	}
	v.status(ctx, &r, res.Document)
	v.trust(&r)
	if sum.IsCLR {
		v.clrNested(ctx, &r, res.Document, level)
	}
	r.settle()
	return r
}

func (r *Report) failed(name string) bool {
	for _, c := range r.Checks {
		if c.Check == name && !c.OK {
			return true
		}
	}
	return false
}

func (r *Report) anyFailed() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return true
		}
	}
	return false
}
