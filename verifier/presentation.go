package verifier

import (
	"context"
	"fmt"
	"strings"

	"github.com/satchel-wallet/satchel/verifier/jose"
	"github.com/satchel-wallet/satchel/verifier/model"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

// Check names specific to presentations.
const (
	CheckChallenge      = "challenge"
	CheckSubjectBinding = "subject-binding"
)

// presentation verifies a JSON-LD presentation: the holder's proof
// (authentication, with the verifier's challenge and domain), then every
// credential in it, each bound to the holder.
func (v *run) presentation(ctx context.Context, doc map[string]any, sum model.Summary, findings []model.Finding, level int) Report {
	r := Report{Kind: "presentation", Format: "ldp_vp", Document: doc}
	describe(&r, sum)
	r.add(CheckDataModel, len(findings) == 0, findingsDetail(sum, findings))
	results, err := proof.Verify(ctx, doc, didKeys{v.opt.DIDs}, proof.VerifyOptions{
		Purpose: proof.Authentication, Challenge: v.opt.Challenge, Domain: v.opt.Domain,
		Now: v.opt.Now, Skew: v.opt.Skew, Loader: v.opt.Loader})
	holder := r.Holder
	if holder == "" && err == nil && len(results) > 0 && results[0].Err == nil {
		// VC 2.0 makes holder optional: then the signer is the holder.
		holder = results[0].Controller
		r.Holder = holder
	}
	v.proofChecks(&r, results, err, holder, CheckHolder)
	v.challenge(&r)
	list := asList(doc["verifiableCredential"])
	if len(list) == 0 {
		r.add(CheckNested, false, "the presentation carries no credential")
	} else {
		v.nestedList(ctx, &r, list, level)
		v.bindSubjects(&r, holder)
	}
	r.settle()
	return r
}

// challenge records what the verifier asked for, so an employer can see the
// presentation was made for them and is not a replay.
func (v *run) challenge(r *Report) {
	switch {
	case v.opt.Challenge == "" && v.opt.Domain == "":
		r.add(CheckChallenge, true, "no challenge or domain was required")
	default:
		asked := v.asked()
		ok := true
		for _, c := range r.Checks {
			if c.Check == CheckProof && !c.OK {
				ok = false
			}
		}
		if ok {
			r.add(CheckChallenge, true, "the holder's proof carries the "+asked)
		} else {
			r.add(CheckChallenge, false, "the holder's proof does not carry the "+asked)
		}
	}
}

// asked is the challenge and domain the verifier asked for, in words.
func (v *run) asked() string {
	var parts []string
	if v.opt.Challenge != "" {
		parts = append(parts, fmt.Sprintf("challenge %q", v.opt.Challenge))
	}
	if v.opt.Domain != "" {
		parts = append(parts, fmt.Sprintf("domain %q", v.opt.Domain))
	}
	return strings.Join(parts, " and ")
}

// unpresented fails a credential sent on its own where a challenge or
// domain was asked for: anyone holding a copy could send it, and only a
// presentation the holder signs can carry them. An SD-JWT carries them in
// its key binding JWT, which verifier/jose checks (key-binding).
func (v *run) unpresented(r *Report) {
	if r.Kind != "credential" || v.opt.Challenge == "" && v.opt.Domain == "" || jose.Format(r.Format).SelectiveDisclosure() {
		return
	}
	r.add(CheckChallenge, false, "a credential on its own cannot carry the "+v.asked()+": only a presentation signed by its holder can")
	r.settle()
}

// bindSubjects: a credential whose subject is a DID must be about the
// holder. A credential that names its subject another way (an identity
// object, a URN, no id at all) cannot be bound to a key, and the report says
// the binding was not checked.
func (v *run) bindSubjects(r *Report, holder string) {
	var unbound, other []string
	for i, c := range r.Credentials {
		switch {
		case !strings.HasPrefix(c.Subject, "did:"):
			unbound = append(unbound, fmt.Sprintf("credential %d", i+1))
		case c.Subject != holder:
			other = append(other, fmt.Sprintf("credential %d is about %s", i+1, c.Subject))
		}
	}
	switch {
	case len(other) > 0:
		r.add(CheckSubjectBinding, false, strings.Join(other, "; ")+", not the holder "+orNone(holder))
	case len(unbound) > 0:
		r.add(CheckSubjectBinding, true, fmt.Sprintf("%s: the subject is not named by a DID, so binding to the holder was not checked", strings.Join(unbound, ", ")))
	default:
		r.add(CheckSubjectBinding, true, "every credential is about the holder "+holder)
	}
}

func asList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	default:
		return []any{x}
	}
}
