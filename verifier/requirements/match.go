package requirements

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/verifier/model"
)

// Candidate is one credential of an application, as the verifier found it.
type Candidate struct {
	// Ref names the credential to an employer, such as "Combat Medic
	// Specialist (Joint Services Transcript Office)"; when empty, Match
	// makes one from the credential's name and issuer.
	Ref string
	// Document is the credential as JSON-LD (for a JWT, its decoded
	// claims). Input descriptors are evaluated against it (and against the
	// credentials a CLR or presentation embeds), and result types are read
	// from it.
	Document map[string]any
	// Summary is model.Check's summary of Document; when it is the zero
	// value, Match computes it.
	Summary model.Summary
	// Verified is the verifier's verdict. Only verified credentials meet
	// requirements; an unverified one that would is named in the Detail.
	Verified bool
}

// Result says whether an application meets one requirement, in the shape of
// the verifier report's requirements entries.
type Result struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Met  bool   `json:"met"`
	// By names each verified credential (and achievement) that meets the
	// requirement.
	By []string `json:"by,omitempty"`
	// Detail says how, in words: the skill, course or equivalency (with the
	// equivalency's explanation, naming the table row that granted it), or
	// why the requirement is not met.
	Detail string `json:"detail,omitempty"`
	// Evidence is the same as data: every achievement or credential that
	// meets the requirement, verified or not.
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Evidence is one achievement (or, for an input descriptor, one credential)
// that meets a requirement.
type Evidence struct {
	// Candidate is the index of the credential in the slice given to Match.
	Candidate int `json:"candidate"`
	// Credential is the candidate's Ref; CredentialID the id of the
	// credential that holds the achievement (for a CLR, the nested one).
	Credential   string `json:"credential"`
	CredentialID string `json:"credentialId,omitempty"`
	// Achievement and AchievementID identify the achievement; empty for an
	// input descriptor.
	Achievement   string `json:"achievement,omitempty"`
	AchievementID string `json:"achievementId,omitempty"`
	// How says which terms it meets: "equivalent to EMS 101 Emergency
	// Medical Technician (Sierra Vista Community College)".
	How string `json:"how"`
	// Equivalency is the granting explanation when the achievement meets the
	// requirement through credit by equivalency.
	Equivalency string `json:"equivalency,omitempty"`
	// Verified is the candidate's Verified.
	Verified bool `json:"verified"`
}

// labelled is evidence with the name By gives it.
type labelled struct {
	Evidence
	label string
}

// The result types Satchel's builders write (transcript/ob3.go).
const (
	resultHours      = "ext:ContactHours"
	resultGrade      = "LetterGrade"
	courseTargetType = "ext:CommunityCollegeCourse"
	cidTargetType    = "ext:CIDDescriptor"
	cidFramework     = "C-ID"
	maxDetailItems   = 5
)

// incomplete result statuses: an achievement whose result says one of these
// was not achieved, whatever else it carries.
var incomplete = map[string]bool{"Failed": true, "Withdrew": true, "Enrolled": true, "InProgress": true, "OnHold": true}

// Match checks an application's credentials against every requirement, in
// order. It never fails: a candidate it cannot read meets nothing. It is
// safe to call concurrently on one Job.
func (j *Job) Match(cands []Candidate) []Result {
	prepared := make([]*cand, len(cands))
	for i := range cands {
		prepared[i] = prepare(cands[i], i)
	}
	out := make([]Result, 0, len(j.Requirements))
	for _, req := range j.Requirements {
		out = append(out, j.match(req, prepared))
	}
	return out
}

// cand is a candidate read for matching.
type cand struct {
	index    int
	ref      string
	verified bool
	achs     []*ach
	docs     []credDoc
}

// credDoc is a credential document input descriptors are evaluated against.
type credDoc struct {
	id, name string
	nested   bool
	doc      map[string]any
}

// ach is an awarded achievement with what matching needs to know about it.
type ach struct {
	model.Achievement
	cand     *cand
	college  string // the issuer's name: the college, for a course it took
	hours    float64
	hasHours bool
	grade    string
	hasGrade bool
	// excluded says why it counts for nothing ("grade W earns no credit").
	excluded string
	key      string
}

func (x *ach) label() string {
	if x.Name == "" || strings.Contains(x.cand.ref, x.Name) {
		return x.cand.ref
	}
	return x.cand.ref + ": " + x.Name
}

func prepare(c Candidate, i int) *cand {
	sum := c.Summary
	if sum.Kind == "" && sum.ID == "" && len(sum.Achievements) == 0 && len(sum.Credentials) == 0 && c.Document != nil {
		sum, _ = model.Check(c.Document)
	}
	cd := &cand{index: i, ref: strings.TrimSpace(c.Ref), verified: c.Verified}
	if cd.ref == "" {
		cd.ref = defaultRef(sum, i)
	}
	issuers := map[string]string{}
	issuerNames(sum, issuers, 0)
	types := resultTypes(c.Document)
	var collect func(s model.Summary, depth int)
	collect = func(s model.Summary, depth int) {
		if s.Kind == model.Presentation {
			if depth < 2 {
				for _, n := range s.Credentials {
					collect(n, depth+1)
				}
			}
			return
		}
		for _, a := range s.Achievements {
			if a.Awarded {
				cd.achs = append(cd.achs, newAch(cd, a, issuers, types))
			}
		}
	}
	collect(sum, 0)
	cd.docs = credentialDocs(c.Document)
	return cd
}

func defaultRef(s model.Summary, i int) string {
	name := s.Name
	if name == "" {
		name = s.ID
	}
	if name == "" {
		name = fmt.Sprintf("credential %d", i+1)
	}
	issuer := s.IssuerName
	if issuer == "" {
		issuer = s.Issuer
	}
	if issuer == "" || strings.Contains(name, issuer) {
		return name
	}
	return name + " (" + issuer + ")"
}

func issuerNames(s model.Summary, out map[string]string, depth int) {
	if s.Issuer != "" && s.IssuerName != "" {
		out[s.Issuer] = s.IssuerName
	}
	if depth < 3 {
		for _, n := range s.Credentials {
			issuerNames(n, out, depth+1)
		}
	}
}

// resultTypes maps the id of every ResultDescription in doc to its
// resultType, so results can be told apart by what they record rather than
// by how their ids happen to end.
func resultTypes(doc map[string]any) map[string]string {
	out := map[string]string{}
	budget := model.MaxValues
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if budget--; budget < 0 || depth > model.MaxDepth {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			id, _ := x["id"].(string)
			if t, ok := x["resultType"].(string); ok && id != "" {
				out[id] = t
			}
			for _, e := range x {
				walk(e, depth+1)
			}
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		}
	}
	if doc != nil {
		walk(doc, 0)
	}
	return out
}

func newAch(c *cand, a model.Achievement, issuers map[string]string, types map[string]string) *ach {
	x := &ach{Achievement: a, cand: c, college: issuers[a.Issuer]}
	x.key = a.ID
	if x.key == "" {
		x.key = a.CredentialID + "\x00" + a.Path
	}
	for _, r := range a.Results {
		t, known := types[r.ResultDescription]
		switch {
		case t == resultHours || !known && strings.HasSuffix(r.ResultDescription, "#hours"):
			h, err := strconv.ParseFloat(strings.TrimSpace(r.Value), 64)
			if err == nil && h >= 0 && !math.IsInf(h, 0) && (!x.hasHours || h > x.hours) {
				x.hours, x.hasHours = h, true
			}
		case t == resultGrade || !known && strings.HasSuffix(r.ResultDescription, "#grade"):
			x.grade, x.hasGrade = strings.TrimSpace(r.Value), true
			if g, err := transcript.ParseGrade(x.grade); err == nil && !g.Passing() {
				x.excluded = fmt.Sprintf("its grade %s earns no credit", g)
			}
		}
		if incomplete[r.Status] {
			x.excluded = fmt.Sprintf("its result status is %s", r.Status)
		}
	}
	return x
}

// credentialDocs lists doc and the credential objects it embeds (a
// presentation's verifiableCredential, a CLR's
// credentialSubject.verifiableCredential), two levels deep at most.
func credentialDocs(doc map[string]any) []credDoc {
	var out []credDoc
	var add func(d map[string]any, nested bool, depth int)
	add = func(d map[string]any, nested bool, depth int) {
		if len(out) >= model.MaxCredentials {
			return
		}
		if !hasType(d, "VerifiablePresentation") {
			id, _ := d["id"].(string)
			name, _ := d["name"].(string)
			out = append(out, credDoc{id: id, name: name, nested: nested, doc: d})
		}
		if depth >= 2 {
			return
		}
		var embedded []any
		switch v := d["verifiableCredential"].(type) {
		case []any:
			embedded = v
		case map[string]any:
			embedded = []any{v}
		}
		if s, ok := d["credentialSubject"].(map[string]any); ok {
			if v, ok := s["verifiableCredential"].([]any); ok {
				embedded = append(embedded, v...)
			}
		}
		for _, e := range embedded {
			if m, ok := e.(map[string]any); ok {
				add(m, true, depth+1)
			}
		}
	}
	if doc != nil {
		add(doc, false, 0)
	}
	return out
}

func hasType(d map[string]any, t string) bool {
	switch v := d["type"].(type) {
	case string:
		return v == t
	case []any:
		for _, e := range v {
			if e == t {
				return true
			}
		}
	}
	return false
}

// hit is how an achievement meets an alternative.
type hit struct {
	how         []string
	equivalency string
}

// test reports whether x meets every term of alt. With amounts false, the
// MinHours and MinCredits terms are left out (Sum adds them up instead).
func (alt *Alternative) test(x *ach, amounts bool) (hit, bool) {
	var h hit
	if alt.AchievementType != "" {
		if !strings.EqualFold(x.Type, alt.AchievementType) {
			return h, false
		}
	}
	if alt.Achievement != "" {
		if normText(x.Name) != normText(alt.Achievement) && normCode(x.HumanCode) != normCode(alt.Achievement) {
			return h, false
		}
	}
	if s := alt.Skill; s != nil {
		al, ok := findAlignment(x.Alignments, func(al model.Alignment) bool {
			return (s.Framework == "" || strings.EqualFold(al.TargetFramework, s.Framework)) &&
				(s.Code == "" || normCode(al.TargetCode) == normCode(s.Code)) &&
				(s.Name == "" || normText(al.TargetName) == normText(s.Name))
		})
		if !ok {
			return h, false
		}
		h.how = append(h.how, "aligned to "+describeAlignment(al))
	}
	if c := alt.EquivalentCourse; c != nil {
		if !courseMatch(x, c, &h) {
			return h, false
		}
	}
	if alt.CID != "" {
		if !cidMatch(x, alt.CID, &h) {
			return h, false
		}
	}
	if alt.MinGrade != "" && x.hasGrade {
		g, err := transcript.ParseGrade(x.grade)
		if err != nil || !g.Meets(transcript.Grade(alt.MinGrade)) {
			return h, false
		}
		h.how = append(h.how, "grade "+x.grade)
	}
	if amounts && alt.MinHours > 0 {
		if !x.hasHours || x.hours < alt.MinHours {
			return h, false
		}
		h.how = append(h.how, fmt.Sprintf("%g hours", x.hours))
	}
	if amounts && alt.MinCredits > 0 {
		if x.CreditsEarned < alt.MinCredits {
			return h, false
		}
		h.how = append(h.how, fmt.Sprintf("%g credits", x.CreditsEarned))
	}
	return h, true
}

// gradeMiss says why x fails alt when its grade is all that stands in the
// way; "" otherwise.
func (alt *Alternative) gradeMiss(x *ach) string {
	if alt.MinGrade == "" || !x.hasGrade {
		return ""
	}
	lenient := *alt
	lenient.MinGrade = ""
	if _, ok := lenient.test(x, true); !ok {
		return ""
	}
	if x.excluded != "" {
		return x.excluded
	}
	return fmt.Sprintf("its grade %s is below the %s wanted", x.grade, alt.MinGrade)
}

func courseMatch(x *ach, c *CourseRef, h *hit) bool {
	// The course itself, taken at the college.
	if strings.EqualFold(x.Type, "Course") && normCode(x.HumanCode) == normCode(c.Code) &&
		(c.College == "" || normText(x.college) == normText(c.College)) {
		where := ""
		if x.college != "" {
			where = " at " + x.college
		}
		h.how = append(h.how, "the course "+x.HumanCode+where)
		return true
	}
	// Credit for it granted by equivalency.
	al, ok := findAlignment(x.ResultAlignments, func(al model.Alignment) bool {
		return al.TargetType == courseTargetType && normCode(al.TargetCode) == normCode(c.Code) &&
			(c.College == "" || normText(al.TargetFramework) == normText(c.College))
	})
	if !ok {
		return false
	}
	h.how = append(h.how, "equivalent to "+courseName(al))
	h.equivalency = explanation(al)
	return true
}

func cidMatch(x *ach, cid string, h *hit) bool {
	// A course approved for the descriptor.
	if _, ok := findAlignment(x.Alignments, func(al model.Alignment) bool {
		return al.TargetType == cidTargetType && strings.EqualFold(al.TargetFramework, cidFramework) && normCode(al.TargetCode) == normCode(cid)
	}); ok {
		h.how = append(h.how, "a course with C-ID "+normCode(cid))
		return true
	}
	// Credit granted by equivalency for a course with the descriptor: the
	// grant's explanation names it.
	if al, ok := findAlignment(x.ResultAlignments, func(al model.Alignment) bool {
		return al.TargetType == courseTargetType && (strings.EqualFold(al.TargetFramework, cidFramework) && normCode(al.TargetCode) == normCode(cid) ||
			mentionsCID(al.TargetDescription, cid) || mentionsCID(al.TargetName, cid))
	}); ok {
		h.how = append(h.how, fmt.Sprintf("equivalent to %s (C-ID %s)", courseName(al), normCode(cid)))
		h.equivalency = explanation(al)
		return true
	}
	// Any other alignment to the descriptor (an equivalency table's skills).
	if _, ok := findAlignment(x.Alignments, func(al model.Alignment) bool {
		return strings.EqualFold(al.TargetFramework, cidFramework) && normCode(al.TargetCode) == normCode(cid)
	}); ok {
		h.how = append(h.how, "aligned to C-ID "+normCode(cid))
		return true
	}
	return false
}

// mentionsCID reports whether text names the descriptor as "C-ID ECE 120"
// (and not, say, "C-ID ECE 1200").
func mentionsCID(text, cid string) bool {
	t := normCode(text)
	want := "C-ID " + normCode(cid)
	for {
		i := strings.Index(t, want)
		if i < 0 {
			return false
		}
		end := i + len(want)
		if end == len(t) || !isAlnum(t[end]) {
			return true
		}
		t = t[end:]
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func findAlignment(als []model.Alignment, f func(model.Alignment) bool) (model.Alignment, bool) {
	for _, al := range als {
		if f(al) {
			return al, true
		}
	}
	return model.Alignment{}, false
}

func describeAlignment(al model.Alignment) string {
	var parts []string
	for _, s := range []string{al.TargetFramework, al.TargetCode} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	// A name that only repeats the code ("C-ID ECE 120") says nothing more.
	if al.TargetName != "" && (al.TargetCode == "" || !strings.Contains(normCode(al.TargetName), normCode(al.TargetCode))) {
		parts = append(parts, al.TargetName)
	}
	return strings.Join(parts, " ")
}

func courseName(al model.Alignment) string {
	if al.TargetName != "" {
		return al.TargetName
	}
	if al.TargetFramework != "" {
		return al.TargetCode + " (" + al.TargetFramework + ")"
	}
	return al.TargetCode
}

func explanation(al model.Alignment) string {
	if al.TargetDescription != "" {
		return al.TargetDescription
	}
	return courseName(al)
}

// normCode compares course codes and descriptors: case and spacing do not
// matter ("ems  101" is "EMS 101").
func normCode(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }

func normText(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// match decides one requirement.
func (j *Job) match(req Requirement, cands []*cand) Result {
	res := Result{ID: req.ID, Name: req.Name}
	var (
		evs   []labelled
		notes []string
		seen  = map[string]bool{}
		noted = map[string]bool{}
	)
	note := func(s string) {
		if !noted[s] {
			noted[s] = true
			notes = append(notes, s)
		}
	}
	add := func(e labelled, key string) {
		if !seen[key] {
			seen[key] = true
			evs = append(evs, e)
		}
	}
	var sums []string
	for k := range req.Any {
		alt := &req.Any[k]
		if alt.Sum {
			met, text, contributors := alt.sum(cands)
			for _, e := range contributors {
				add(e, fmt.Sprintf("sum%d\x00%d\x00%s", k, e.Candidate, e.AchievementID+"\x00"+e.CredentialID))
			}
			if met {
				sums = append(sums, text)
			} else if text != "" {
				note(text)
			}
			continue
		}
		for _, c := range cands {
			for _, x := range c.achs {
				h, ok := alt.test(x, true)
				switch {
				case ok && x.excluded == "":
					add(achEvidence(x, h), fmt.Sprintf("%d\x00%s", c.index, x.key))
				case ok:
					note(fmt.Sprintf("%s does not count: %s.", x.label(), x.excluded))
				default:
					if why := alt.gradeMiss(x); why != "" {
						note(fmt.Sprintf("%s does not count: %s.", x.label(), why))
					}
				}
			}
		}
	}
	if req.InputDescriptor != "" {
		if d := j.def.descriptor(req.InputDescriptor); d != nil {
			for _, c := range cands {
				for _, cd := range c.docs {
					if ok, _ := d.satisfies(cd.doc); ok {
						add(docEvidence(c, cd, d), fmt.Sprintf("pe\x00%d\x00%s", c.index, cd.id))
					}
				}
			}
		}
	}
	var met []labelled
	byLabel := map[string]bool{}
	for _, e := range evs {
		res.Evidence = append(res.Evidence, e.Evidence)
		if !e.Verified {
			continue
		}
		met = append(met, e)
		if !byLabel[e.label] {
			byLabel[e.label] = true
			res.By = append(res.By, e.label)
		}
	}
	res.Met = len(met) > 0
	if res.Met {
		res.Detail = metDetail(met, sums)
		return res
	}
	for _, e := range evs {
		note(fmt.Sprintf("%s would meet it but did not verify.", e.label))
	}
	res.Detail = "Not met: no verified credential shows " + wanted(req, j.def) + "."
	if len(notes) > 0 {
		res.Detail += " " + strings.Join(notes, " ")
	}
	return res
}

func achEvidence(x *ach, h hit) labelled {
	how := strings.Join(h.how, ", ")
	if how == "" {
		how = x.Name
		if x.HumanCode != "" && x.HumanCode != x.Name {
			how += " (" + x.HumanCode + ")"
		}
	}
	return labelled{Evidence{
		Candidate: x.cand.index, Credential: x.cand.ref, CredentialID: x.CredentialID,
		Achievement: x.Name, AchievementID: x.ID, How: how, Equivalency: h.equivalency,
		Verified: x.cand.verified,
	}, x.label()}
}

func docEvidence(c *cand, cd credDoc, d *descriptor) labelled {
	label := c.ref
	how := fmt.Sprintf("satisfies input descriptor %q", d.id)
	if cd.nested && cd.name != "" && !strings.Contains(label, cd.name) {
		label += ": " + cd.name
	}
	return labelled{Evidence{Candidate: c.index, Credential: c.ref, CredentialID: cd.id, How: how, Verified: c.verified}, label}
}

// sum decides a Sum alternative: the hours or credits of the distinct
// achievements (an achievement held twice, as in a transcript and on its
// own, or a repeated course, counts once, at its best) that meet the other
// terms. text explains the total; when it is not met, text says how far the
// verified credentials fall short and what did not verify.
func (alt *Alternative) sum(cands []*cand) (met bool, text string, evs []labelled) {
	type part struct {
		x              *ach
		h              hit
		hours, credits float64
	}
	total := func(verifiedOnly bool) (hours, credits float64, parts []*part) {
		byKey := map[string]*part{}
		for _, c := range cands {
			if verifiedOnly && !c.verified {
				continue
			}
			for _, x := range c.achs {
				if x.excluded != "" {
					continue
				}
				h, ok := alt.test(x, false)
				if !ok {
					continue
				}
				p := byKey[x.key]
				if p == nil {
					p = &part{x: x, h: h}
					byKey[x.key] = p
					parts = append(parts, p)
				}
				if x.hasHours {
					p.hours = math.Max(p.hours, x.hours)
				}
				p.credits = math.Max(p.credits, x.CreditsEarned)
			}
		}
		for _, p := range parts {
			hours += p.hours
			credits += p.credits
		}
		return hours, credits, parts
	}
	enough := func(hours, credits float64) bool {
		return (alt.MinHours == 0 || hours >= alt.MinHours) && (alt.MinCredits == 0 || credits >= alt.MinCredits)
	}
	amounts := func(hours, credits float64) string {
		var s []string
		if alt.MinHours > 0 {
			s = append(s, fmt.Sprintf("%g hours", hours))
		}
		if alt.MinCredits > 0 {
			s = append(s, fmt.Sprintf("%g credits", credits))
		}
		return strings.Join(s, " and ")
	}
	evidence := func(p *part) labelled {
		h := p.h
		h.how = append(slices.Clip(h.how), amounts(p.hours, p.credits))
		return achEvidence(p.x, h)
	}
	hours, credits, parts := total(true)
	wantText := amounts(alt.MinHours, alt.MinCredits)
	if enough(hours, credits) {
		for _, p := range parts {
			evs = append(evs, evidence(p))
		}
		return true, fmt.Sprintf("%s in total (at least %s wanted)", amounts(hours, credits), wantText), evs
	}
	if len(parts) > 0 {
		text = fmt.Sprintf("Verified credentials show %s in total; at least %s are wanted.", amounts(hours, credits), wantText)
	}
	// Verified achievements that fall short meet nothing; unverified ones
	// that would make up the difference are named.
	if ah, ac, all := total(false); enough(ah, ac) {
		for _, p := range all {
			if !p.x.cand.verified {
				evs = append(evs, evidence(p))
			}
		}
	}
	return false, text, evs
}

func metDetail(met []labelled, sums []string) string {
	var b strings.Builder
	b.WriteString("Met by ")
	for i, e := range met {
		if i == maxDetailItems {
			fmt.Fprintf(&b, "; and %d more", len(met)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.label + ": " + e.How)
		if e.Equivalency != "" {
			b.WriteString(", by equivalency: " + strings.TrimSuffix(e.Equivalency, "."))
		}
	}
	b.WriteString(".")
	for _, s := range sums {
		b.WriteString(" " + strings.ToUpper(s[:1]) + s[1:] + ".")
	}
	return b.String()
}

// wanted says in words what would meet a requirement.
func wanted(req Requirement, def *definition) string {
	var alts []string
	for _, a := range req.Any {
		alts = append(alts, a.String())
	}
	if req.InputDescriptor != "" {
		s := fmt.Sprintf("what input descriptor %q asks for", req.InputDescriptor)
		if d := def.descriptor(req.InputDescriptor); d != nil && d.name != "" && d.name != req.Name {
			s += " (" + d.name + ")"
		}
		alts = append(alts, s)
	}
	return strings.Join(alts, "; or ")
}

// String says in words what the alternative asks for.
func (a Alternative) String() string {
	var parts []string
	if c := a.EquivalentCourse; c != nil {
		s := c.Code
		if c.College != "" {
			s += " at " + c.College
		}
		parts = append(parts, s+" or credit for it by equivalency")
	}
	if a.CID != "" {
		parts = append(parts, "a course with C-ID "+a.CID)
	}
	if s := a.Skill; s != nil {
		switch {
		case s.Code == "" && s.Name == "":
			parts = append(parts, "an alignment to "+s.Framework)
		default:
			parts = append(parts, "the skill "+describeAlignment(model.Alignment{TargetFramework: s.Framework, TargetCode: s.Code, TargetName: s.Name}))
		}
	}
	if a.Achievement != "" {
		parts = append(parts, strconv.Quote(a.Achievement))
	}
	if a.AchievementType != "" {
		parts = append(parts, "achievement type "+a.AchievementType)
	}
	if a.MinGrade != "" {
		parts = append(parts, "grade "+a.MinGrade+" or better")
	}
	total := ""
	if a.Sum {
		total = " in total"
	}
	if a.MinHours > 0 {
		parts = append(parts, fmt.Sprintf("at least %g hours%s", a.MinHours, total))
	}
	if a.MinCredits > 0 {
		parts = append(parts, fmt.Sprintf("at least %g credits%s", a.MinCredits, total))
	}
	return strings.Join(parts, " with ")
}
