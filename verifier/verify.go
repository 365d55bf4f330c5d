package verifier

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/schemas"
	"github.com/satchel-wallet/satchel/verifier/baked"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/jose"
	"github.com/satchel-wallet/satchel/verifier/model"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/verifier/requirements"
	"github.com/satchel-wallet/satchel/verifier/status"
)

// Options is the world the verifier sees: the clock, the contexts, the DID
// documents and status lists it may use, the issuers it trusts. Nothing else
// is fetched.
type Options struct {
	// Now is the time to verify at; zero means the current time.
	Now time.Time
	// Skew tolerates clocks that differ: zero means the default (5
	// minutes), a negative value no tolerance at all.
	Skew time.Duration
	// Loader holds the JSON-LD contexts; nil means the embedded ones.
	Loader *schemas.Loader
	// DIDs resolves DIDs; nil means did:key and did:jwk only.
	DIDs did.Resolver
	// StatusLists gives status list credentials by URL; nil means none
	// (a credential with a status then fails its status check).
	StatusLists status.Source
	// Trust is the registry of recognised issuers; nil means trust is not
	// checked (which does not fail verification).
	Trust *Registry
	// Requirements, when set, are a job's: the report says which of them
	// the application's verified credentials meet. They do not change
	// whether the application verifies.
	Requirements *requirements.Job
	// Challenge and Domain, when set, must match a presentation's proof
	// (or an SD-JWT's key binding JWT); any other credential sent on its
	// own then fails the challenge check.
	Challenge string
	Domain    string
	// Limits; zero means the default.
	MaxBytes  int
	MaxNested int
	// Lists, when set, remembers the status list credentials verified
	// with these options, by their exact bytes, so that a caller verifying
	// many credentials against the same lists (the issuer's self-check, a
	// batch import) verifies each list once. Share one ListMemo only
	// between calls whose DIDs, Loader and Trust stay the same.
	Lists *ListMemo
}

// Default limits.
const (
	DefaultMaxBytes  = 1 << 20
	DefaultMaxNested = 500
	DefaultSkew      = 5 * time.Minute
)

// Errors for input that cannot be read at all (the CLI's exit status 2).
// Anything readable gets a Report instead, verified or not.
var (
	ErrTooLarge   = errors.New("input is too large")
	ErrUnreadable = errors.New("input is not a credential or presentation")
)

func (o *Options) defaults() {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	switch {
	case o.Skew == 0:
		o.Skew = DefaultSkew
	case o.Skew < 0:
		o.Skew = 0
	}
	if o.Loader == nil {
		o.Loader = schemas.DefaultLoader()
	}
	if o.DIDs == nil {
		o.DIDs = &did.Local{Cache: did.NewCache()}
	}
	if o.StatusLists == nil {
		o.StatusLists = status.NewCache()
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxNested == 0 {
		o.MaxNested = DefaultMaxNested
	}
}

// Verify checks a credential or presentation — JSON-LD with Data Integrity
// proofs, a VC-JWT, VC-JOSE or SD-JWT, or an Open Badge baked into a PNG or
// SVG — and reports every check. The error is for input that is not a
// credential at all; a credential that fails is a Report with Verified false.
func Verify(ctx context.Context, input []byte, opt Options) (Report, error) {
	opt.defaults()
	if len(input) > opt.MaxBytes && !isImage(input) {
		return Report{}, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(input), opt.MaxBytes)
	}
	v := &run{opt: opt}
	container := ""
	if img, ok := baked.Sniff(input); ok {
		cred, _, err := baked.Extract(input)
		if err != nil {
			return Report{}, fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		input, container = cred, strings.ToLower(img.String())
	}
	input = bytes.TrimSpace(bytes.TrimPrefix(input, []byte("\xef\xbb\xbf")))
	if len(input) > opt.MaxBytes {
		return Report{}, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(input), opt.MaxBytes)
	}
	var r Report
	switch {
	case len(input) > 0 && input[0] == '{':
		doc, err := decodeObject(input)
		if err != nil {
			return Report{}, fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		r = v.jsonld(ctx, doc, 0)
	default:
		if _, ok := jose.Sniff(input); !ok {
			return Report{}, fmt.Errorf("%w: neither JSON, a JWT nor a baked badge", ErrUnreadable)
		}
		r = v.jwt(ctx, input, 0)
	}
	r.Container = container
	v.unpresented(&r)
	if opt.Requirements != nil {
		r.Requirements = match(opt.Requirements, r)
	}
	return r, nil
}

// match checks the job's requirements against the verified credentials: a
// presentation's credentials, or the credential itself (a CLR with the
// credentials it carries).
func match(job *requirements.Job, r Report) []Requirement {
	reports := []Report{r}
	if r.Kind == "presentation" {
		reports = r.Credentials
	}
	cands := make([]requirements.Candidate, 0, len(reports))
	for _, c := range reports {
		if c.Document != nil {
			cands = append(cands, requirements.Candidate{Document: c.Document, Verified: c.Verified})
		}
	}
	var out []Requirement
	for _, res := range job.Match(cands) {
		out = append(out, Requirement{ID: res.ID, Name: res.Name, Met: res.Met, By: res.By, Detail: res.Detail})
	}
	return out
}

func isImage(b []byte) bool { _, ok := baked.Sniff(b); return ok }

// run is one verification: options plus a count of nested credentials seen.
type run struct {
	opt    Options
	nested int
}

func decodeObject(b []byte) (map[string]any, error) {
	// A duplicate member is refused: the signature covers what the parser
	// kept (the last value), while a reader of the file may see the first.
	if err := jose.CheckJSON(b, schemas.MaxDepth); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON object")
	}
	return doc, nil
}

// jsonld verifies a JSON-LD credential or presentation.
func (v *run) jsonld(ctx context.Context, doc map[string]any, level int) Report {
	sum, findings := model.Check(doc)
	if sum.Kind == model.Presentation {
		return v.presentation(ctx, doc, sum, findings, level)
	}
	return v.credential(ctx, doc, sum, findings, level, true)
}

func (v *run) credential(ctx context.Context, doc map[string]any, sum model.Summary, findings []model.Finding, level int, withStatus bool) Report {
	r := Report{Kind: "credential", Format: "ldp_vc", Document: doc}
	describe(&r, sum)
	r.add(CheckDataModel, len(findings) == 0, findingsDetail(sum, findings))
	results, err := proof.Verify(ctx, doc, didKeys{v.opt.DIDs}, proof.VerifyOptions{
		Purpose: proof.AssertionMethod, Now: v.opt.Now, Skew: v.opt.Skew, Loader: v.opt.Loader})
	v.proofChecks(&r, results, err, r.Issuer, CheckIssuerKey)
	v.validity(&r, sum)
	if withStatus {
		v.status(ctx, &r, doc)
	}
	v.trust(&r)
	if sum.IsCLR {
		v.clrNested(ctx, &r, doc, level)
	}
	r.settle()
	return r
}

// describe copies what the data model check read into the report.
func describe(r *Report, sum model.Summary) {
	r.Issuer, r.IssuerName, r.Types, r.Name = sum.Issuer, sum.IssuerName, sum.Types, sum.Name
	if len(sum.Subjects) > 0 {
		r.Subject = sum.Subjects[0]
	}
	r.Holder = sum.Holder
	for _, a := range sum.Achievements {
		ach := Achievement{ID: a.ID, Name: a.Name, Type: a.Type, Credits: a.CreditsEarned}
		for _, al := range a.Alignments {
			ach.Skills = append(ach.Skills, alignmentOf(al))
		}
		for _, al := range a.ResultAlignments {
			if al.TargetType == "ext:CommunityCollegeCourse" {
				ach.Equivalents = append(ach.Equivalents, alignmentOf(al))
			} else {
				ach.Skills = append(ach.Skills, alignmentOf(al))
			}
		}
		r.Achievements = append(r.Achievements, ach)
	}
}

func alignmentOf(a model.Alignment) Alignment {
	return Alignment{Name: a.TargetName, Code: a.TargetCode, Framework: a.TargetFramework, Type: a.TargetType,
		URL: a.TargetURL, Description: a.TargetDescription}
}

func findingsDetail(sum model.Summary, fs []model.Finding) string {
	if len(fs) == 0 {
		what := "W3C VC " + sum.Version.String()
		switch {
		case sum.IsCLR:
			what += ", CLR 2.0 ClrCredential"
		case sum.IsOB3:
			what += ", OB 3.0 AchievementCredential"
		}
		return what + ": required properties present and well-formed"
	}
	var parts []string
	for i, f := range fs {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(fs)-3))
			break
		}
		parts = append(parts, f.Path+": "+f.Detail)
	}
	return strings.Join(parts, "; ")
}

// proofChecks turns proof results into the proof check and the key-binding
// check (the proof's key must belong to want: the issuer, or the holder).
func (v *run) proofChecks(r *Report, results []proof.Result, err error, want, bindingCheck string) {
	if err != nil {
		r.add(CheckProof, false, proofError(err))
		return
	}
	var ok []string
	var bad []string
	var controllers []string
	for _, p := range results {
		label := p.Type
		if p.Cryptosuite != "" {
			label = p.Cryptosuite
		}
		if p.Err != nil {
			bad = append(bad, label+": "+proofError(p.Err))
			continue
		}
		ok = append(ok, fmt.Sprintf("%s by %s", label, p.VerificationMethod))
		controllers = append(controllers, p.Controller)
	}
	if len(bad) > 0 {
		r.add(CheckProof, false, strings.Join(bad, "; "))
		return
	}
	r.add(CheckProof, true, strings.Join(ok, "; "))
	for _, c := range controllers {
		if c != want {
			r.add(bindingCheck, false, fmt.Sprintf("the proof's key is controlled by %s, not %s", c, orNone(want)))
			return
		}
	}
	r.add(bindingCheck, true, "the proof's key belongs to "+want)
}

func proofError(err error) string {
	if errors.Is(err, proof.ErrNoProof) {
		return "no proof: the document is not signed"
	}
	return err.Error()
}

func orNone(s string) string {
	if s == "" {
		return "(no issuer)"
	}
	return s
}

// validity checks the validity window against now, with the skew.
func (v *run) validity(r *Report, sum model.Summary) {
	now, skew := v.opt.Now, v.opt.Skew
	at := now.UTC().Format(time.RFC3339)
	switch {
	case !sum.ValidFrom.IsZero() && now.Add(skew).Before(sum.ValidFrom):
		r.add(CheckValidity, false, fmt.Sprintf("not valid until %s (checked at %s)", sum.ValidFrom.UTC().Format(time.RFC3339), at))
	case !sum.ValidUntil.IsZero() && !now.Add(-skew).Before(sum.ValidUntil):
		r.add(CheckValidity, false, fmt.Sprintf("expired at %s (checked at %s)", sum.ValidUntil.UTC().Format(time.RFC3339), at))
	default:
		d := "valid at " + at
		if !sum.ValidUntil.IsZero() {
			d += ", until " + sum.ValidUntil.UTC().Format(time.RFC3339)
		} else {
			d += ", no expiry"
		}
		r.add(CheckValidity, true, d)
	}
}

// status checks every status entry against its status list, which must be
// at hand (offline) and itself verify.
func (v *run) status(ctx context.Context, r *Report, doc map[string]any) {
	raw, ok := doc["credentialStatus"]
	if !ok {
		r.add(CheckStatus, true, "the credential has no status to check")
		return
	}
	b, _ := json.Marshal(raw)
	entries, err := status.Entries(b)
	if err != nil {
		r.add(CheckStatus, false, err.Error())
		return
	}
	var details []string
	for _, e := range entries {
		d, ok := v.checkEntry(ctx, e, r.Issuer)
		details = append(details, d)
		if !ok {
			r.add(CheckStatus, false, strings.Join(details, "; "))
			return
		}
	}
	r.add(CheckStatus, true, strings.Join(details, "; "))
}

// checkEntry checks one status entry of a credential issued by issuer.
//
// Whose list is believed: the Bitstring Status List specification lets
// another party than the issuer sign the list (some issuers use a separate
// status service), so a list signed by someone else is not refused as
// such; the detail names its signer. With a trust registry, that signer must
// be in it: otherwise anyone could publish a "not revoked" list for a
// credential whose status URL they control.
func (v *run) checkEntry(ctx context.Context, e status.Entry, issuer string) (string, bool) {
	raw, err := v.opt.StatusLists.StatusListCredential(ctx, e.ListCredential)
	if err != nil {
		return err.Error(), false
	}
	list, msg := v.verifiedList(ctx, e, raw)
	if list == nil {
		return msg, false
	}
	var signer string
	if list.Issuer != issuer {
		if v.opt.Trust != nil {
			if _, ok := v.opt.Trust.Lookup(list.Issuer); !ok {
				return fmt.Sprintf("status list %s is signed by %s, which is neither the credential's issuer nor in %s", e.ListCredential, orNone(list.Issuer), v.opt.Trust.Name), false
			}
		}
		signer = "; the list is signed by " + list.Issuer + ", not by the credential's issuer"
	}
	// The list's own validity window was checked with the clock skew when
	// its credential was verified above; status.Check compares strictly, so
	// it is asked at a time inside the window when now is off by less than
	// the skew (a list signed a moment after the credential it serves).
	at := v.opt.Now
	if !list.ValidFrom.IsZero() && at.Before(list.ValidFrom) && list.ValidFrom.Sub(at) <= v.opt.Skew {
		at = list.ValidFrom
	}
	if !list.ValidUntil.IsZero() && at.After(list.ValidUntil) && at.Sub(list.ValidUntil) <= v.opt.Skew {
		at = list.ValidUntil
	}
	res, err := status.Check(e, list, at)
	if err != nil {
		return fmt.Sprintf("status list %s: %v", e.ListCredential, err), false
	}
	d := fmt.Sprintf("%s (%s index %d of %s%s)", res.Detail, e.Purpose, e.Index, e.ListCredential, signer)
	if len(res.Notes) > 0 {
		d += "; note: " + strings.Join(res.Notes, "; ")
	}
	return d, res.OK
}

// verifiedList verifies a status list credential like any credential and
// parses it; nil and why when it does not verify. With Options.Lists, a
// list whose exact bytes verified before is taken from there while now is
// within its validity window.
func (v *run) verifiedList(ctx context.Context, e status.Entry, raw []byte) (*status.List, string) {
	var key [32]byte
	if v.opt.Lists != nil {
		key = sha256.Sum256(raw)
		if l, ok := v.opt.Lists.get(key); ok && listValidAt(l, v.opt.Now, v.opt.Skew) {
			return l, ""
		}
	}
	listDoc, err := decodeObject(raw)
	if err != nil {
		return nil, fmt.Sprintf("status list %s: %v", e.ListCredential, err)
	}
	sum, findings := model.Check(listDoc)
	lr := v.credential(ctx, listDoc, sum, findings, 1, false)
	if !lr.Verified {
		return nil, fmt.Sprintf("status list %s does not verify: %s", e.ListCredential, failedChecks(lr))
	}
	list, err := status.ParseListCredential(raw)
	if err != nil {
		return nil, fmt.Sprintf("status list %s: %v", e.ListCredential, err)
	}
	list.Issuer = lr.Issuer
	v.opt.Lists.put(key, list)
	return list, ""
}

func failedChecks(r Report) string {
	var parts []string
	for _, c := range r.Checks {
		if !c.OK {
			parts = append(parts, c.Check+": "+c.Detail)
		}
	}
	parts = append(parts, r.Errors...)
	return strings.Join(parts, "; ")
}

// trust looks the issuer up in the registry.
func (v *run) trust(r *Report) {
	if v.opt.Trust == nil {
		r.add(CheckTrust, true, "trust not checked: no registry given")
		return
	}
	is, ok := v.opt.Trust.Lookup(r.Issuer)
	if !ok {
		r.add(CheckTrust, false, fmt.Sprintf("%s is not in %s", orNone(r.Issuer), v.opt.Trust.Name))
		return
	}
	r.TrustedAs = is.Name
	r.add(CheckTrust, true, fmt.Sprintf("%s is %s in %s", r.Issuer, is.Name, v.opt.Trust.Name))
}

// clrNested verifies every credential a CLR carries.
func (v *run) clrNested(ctx context.Context, r *Report, doc map[string]any, level int) {
	subj, _ := doc["credentialSubject"].(map[string]any)
	list, _ := subj["verifiableCredential"].([]any)
	v.nestedList(ctx, r, list, level)
}

func (v *run) nestedList(ctx context.Context, r *Report, list []any, level int) {
	if len(list) == 0 {
		return
	}
	bad := 0
	for i, item := range list {
		if v.nested++; v.nested > v.opt.MaxNested {
			r.add(CheckNested, false, fmt.Sprintf("more than %d nested credentials", v.opt.MaxNested))
			return
		}
		var nr Report
		switch x := item.(type) {
		case map[string]any:
			if jwt, ok := envelopedJWT(x); ok {
				nr = v.jwt(ctx, []byte(jwt), level+1)
			} else {
				nr = v.jsonld(ctx, x, level+1)
			}
		case string:
			nr = v.jwt(ctx, []byte(x), level+1)
		default:
			nr = Report{Kind: "credential", Errors: []string{fmt.Sprintf("verifiableCredential[%d] is neither an object nor a JWT", i)}}
			nr.settle()
		}
		if !nr.Verified {
			bad++
		}
		r.Credentials = append(r.Credentials, nr)
	}
	if bad > 0 {
		r.add(CheckNested, false, fmt.Sprintf("%d of %d credentials do not verify", bad, len(list)))
	} else {
		r.add(CheckNested, true, fmt.Sprintf("all %d credentials verify", len(list)))
	}
}

// envelopedJWT reads an EnvelopedVerifiableCredential's data: URL.
func envelopedJWT(m map[string]any) (string, bool) {
	if !hasType(m["type"], "EnvelopedVerifiableCredential") {
		return "", false
	}
	id, _ := m["id"].(string)
	if _, data, err := jose.DecodeDataURL(id); err == nil {
		return string(data), true
	}
	return id, true // not a data: URL we read: the JWT path reports it
}

func hasType(v any, t string) bool {
	switch x := v.(type) {
	case string:
		return x == t
	case []any:
		for _, e := range x {
			if e == t {
				return true
			}
		}
	}
	return false
}
