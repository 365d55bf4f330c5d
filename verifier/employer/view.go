package employer

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/model"
	"github.com/satchel-wallet/satchel/verifier/requirements"
)

// resultPage is what the result page shows: the report in plain words.
type resultPage struct {
	Title    string
	Verified bool
	Headline string   // "Verified" / "Not verified"
	Summary  string   // one sentence
	Reasons  []string // why not, in plain words
	Source   string   // "the uploaded file application.json"
	Checked  string   // when, as of

	Kind      string // "application" or "record"
	Format    string // technical: "ldp_vp"
	Applicant string // the holder's DID, for a presentation
	Records   []recordView

	Job          *jobView
	Requirements []requirementView
	Met          int

	Checks []checkView
	Errors []string
	JSON   string
}

type jobView struct{ ID, Title, Sector string }

// recordView is one credential: what it awards, who issued it, and
// whether it verified.
type recordView struct {
	Title        string
	Verified     bool
	Reasons      []string
	Issuer       string // the name to show
	IssuerID     string
	Trust        string // "recognised", "not-recognised", "not-checked"
	TrustText    string
	Subject      string
	IsApplicant  bool // the subject is the applicant who signed
	Issued       string
	Expires      string
	Format       string
	Achievements []achievementView
	Checks       []checkView
	Parts        []recordView // a transcript's records
}

type achievementView struct {
	Name        string // empty when it is the record's title
	Type        string
	Credits     string
	Skills      []string
	Equivalents []equivalentView
}

type equivalentView struct {
	Course      string // "EMS 101 Emergency Medical Technician (Sierra Vista Community College)"
	Rule        string // "military-cpl v2025.1, row M01"
	Explanation string
}

type requirementView struct {
	ID     string
	Name   string
	Met    bool
	Lines  []evidenceLine // how it is met, one line per record
	Detail string         // why not, when not met
}

type evidenceLine struct {
	Text        string // "Combat Medic Specialist counts as EMS 101 … (military-cpl v2025.1, row M01)"
	From        string // the record: "Combat Medic Specialist (Joint Services Transcript Office (sample))"
	Explanation string // the equivalency's own explanation
	Verified    bool
}

const dateLayout = "Jan 2, 2006"

// resultPage builds the page for a report. The report keeps the verified
// documents (Report.Document), which the page reads for dates and, through
// the job, for evidence of each requirement met.
func (s *Server) resultPage(rep verifier.Report, job *requirements.Job, source string) *resultPage {
	p := &resultPage{Verified: rep.Verified, Source: source, Format: rep.Format, JSON: string(reportJSON(rep))}
	at := s.cfg.At
	if at.IsZero() {
		at = s.cfg.Clock()
	}
	p.Checked = at.UTC().Format("Jan 2, 2006 15:04 UTC")
	p.Kind = "record"
	what := "the record"
	if rep.Kind == "presentation" {
		p.Kind, what = "application", "the application"
		p.Applicant = rep.Holder
	}
	for _, c := range rep.Checks {
		p.Checks = append(p.Checks, explain(c, what))
	}
	p.Errors = rep.Errors
	if rep.Kind == "presentation" {
		for _, c := range rep.Credentials {
			r := record(c)
			r.IsApplicant = rep.Holder != "" && r.Subject == rep.Holder
			p.Records = append(p.Records, r)
		}
	} else {
		p.Records = []recordView{record(rep)}
	}

	// The verdict, and why.
	if rep.Verified {
		p.Headline = "Verified"
		if rep.Kind == "presentation" {
			p.Summary = fmt.Sprintf("The application is genuine: the applicant signed it, and %s.", countRecords(len(rep.Credentials)))
		} else {
			p.Summary = "The record is genuine: it is signed by its issuer, unchanged and not revoked."
		}
		if s.cfg.Trust == nil {
			p.Summary += " Whether the issuers are recognised institutions was not checked: no list of recognised institutions is loaded."
		}
	} else {
		p.Headline = "Not verified"
		p.Summary = "Do not rely on this " + p.Kind + " as it is."
		p.Reasons = reasons(rep, what)
	}

	if job != nil {
		p.Job = &jobView{ID: job.ID, Title: job.Title, Sector: job.Sector}
		p.Requirements = requirementViews(rep, job)
		for _, q := range p.Requirements {
			if q.Met {
				p.Met++
			}
		}
	}
	p.Title = p.Headline + " — " + strings.ToUpper(p.Kind[:1]) + p.Kind[1:]
	return p
}

func countRecords(n int) string {
	if n == 1 {
		return "the record in it is genuine, unchanged and not revoked"
	}
	return fmt.Sprintf("all %d records in it are genuine, unchanged and not revoked", n)
}

// reasons are the failed checks in plain words: the document's own, then
// each record's.
func reasons(rep verifier.Report, what string) []string {
	var out []string
	for _, c := range rep.Checks {
		if !c.OK && c.Check != verifier.CheckNested {
			out = append(out, explain(c, what).Text)
		}
	}
	for _, e := range rep.Errors {
		out = append(out, "Something in it could not be read: "+e+".")
	}
	for _, c := range rep.Credentials {
		if c.Verified {
			continue
		}
		r := record(c)
		first := "it could not be verified."
		if len(r.Reasons) > 0 {
			first = lowerFirst(r.Reasons[0])
		}
		out = append(out, fmt.Sprintf("The record “%s” from %s: %s", r.Title, r.Issuer, first))
	}
	for _, c := range rep.Checks {
		if !c.OK && c.Check == verifier.CheckNested && len(rep.Credentials) == 0 {
			out = append(out, explain(c, what).Text)
		}
	}
	if len(out) == 0 {
		out = append(out, "It could not be verified.")
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" || strings.HasPrefix(s, "DID") {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// record builds the view of one credential report.
func record(c verifier.Report) recordView {
	r := recordView{Verified: c.Verified, IssuerID: c.Issuer, Subject: c.Subject, Format: c.Format}
	r.Title = c.Name
	if r.Title == "" && len(c.Achievements) > 0 {
		r.Title = c.Achievements[0].Name
	}
	if r.Title == "" {
		r.Title = "Untitled record"
	}
	r.Issuer = firstOf(c.TrustedAs, c.IssuerName, c.Issuer, "an unnamed issuer")
	if c.Document != nil {
		sum, _ := model.Check(c.Document)
		if !sum.ValidFrom.IsZero() {
			r.Issued = sum.ValidFrom.UTC().Format(dateLayout)
		}
		if !sum.ValidUntil.IsZero() {
			r.Expires = sum.ValidUntil.UTC().Format(dateLayout)
		}
	}
	for _, ch := range c.Checks {
		v := explain(ch, "the record")
		r.Checks = append(r.Checks, v)
		if !ch.OK {
			r.Reasons = append(r.Reasons, v.Text)
		}
		if ch.Check == verifier.CheckTrust {
			switch {
			case ch.OK && strings.Contains(ch.Detail, "trust not checked"):
				r.Trust, r.TrustText = "not-checked", "Recognition not checked"
			case ch.OK:
				r.Trust, r.TrustText = "recognised", "✓ Recognised institution"
			default:
				r.Trust, r.TrustText = "not-recognised", "✗ Not on your list of recognised institutions"
			}
		}
	}
	for _, e := range c.Errors {
		r.Reasons = append(r.Reasons, "Something in it could not be read: "+e+".")
	}
	for _, a := range c.Achievements {
		av := achievementView{Name: a.Name, Type: readableType(a.Type)}
		if a.Name == r.Title {
			av.Name = ""
		}
		switch {
		case a.Credits == 1:
			av.Credits = "1 credit"
		case a.Credits > 0:
			av.Credits = strconv.FormatFloat(a.Credits, 'f', -1, 64) + " credits"
		}
		for _, sk := range a.Skills {
			text := sk.Name
			if sk.Code != "" {
				text += " (" + strings.TrimSpace(sk.Framework+" "+sk.Code) + ")"
			}
			av.Skills = append(av.Skills, text)
		}
		for _, e := range a.Equivalents {
			course := e.Name
			if e.Code != "" && !strings.Contains(course, e.Code) {
				course = e.Code + " " + course
			}
			if e.Framework != "" && !strings.Contains(course, e.Framework) {
				course += " (" + e.Framework + ")"
			}
			av.Equivalents = append(av.Equivalents, equivalentView{Course: course, Rule: ruleRef(e.Description), Explanation: e.Description})
		}
		r.Achievements = append(r.Achievements, av)
	}
	for _, n := range c.Credentials {
		r.Parts = append(r.Parts, record(n))
	}
	return r
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// requirementViews pairs the report's requirements with the evidence the
// matcher found, so the page can say which record met each and how. The
// candidates are the verifier's (verifier.Verify's match): a presentation's
// credentials, or the credential itself.
func requirementViews(rep verifier.Report, job *requirements.Job) []requirementView {
	reports := []verifier.Report{rep}
	if rep.Kind == "presentation" {
		reports = rep.Credentials
	}
	var cands []requirements.Candidate
	for _, c := range reports {
		if c.Document != nil {
			cands = append(cands, requirements.Candidate{Document: c.Document, Verified: c.Verified})
		}
	}
	results := job.Match(cands)
	var out []requirementView
	for i, q := range rep.Requirements {
		v := requirementView{ID: q.ID, Name: q.Name, Met: q.Met}
		if i < len(results) && results[i].ID == q.ID {
			for _, e := range results[i].Evidence {
				if !e.Verified && q.Met {
					continue
				}
				v.Lines = append(v.Lines, evidence(e))
			}
		} else {
			for _, by := range q.By {
				v.Lines = append(v.Lines, evidenceLine{Text: by, Verified: true})
			}
		}
		if !q.Met {
			// The pill says "Not met" already.
			v.Detail = strings.TrimPrefix(q.Detail, "Not met: ")
			v.Detail = strings.ToUpper(v.Detail[:min(1, len(v.Detail))]) + v.Detail[min(1, len(v.Detail)):]
			v.Lines = nil
		}
		out = append(out, v)
	}
	return out
}

// evidence says in a line how one achievement meets a requirement: for
// credit by equivalency, "Combat Medic Specialist counts as EMS 101
// Emergency Medical Technician (Sierra Vista Community College) —
// equivalency military-cpl v2025.1, row M01".
func evidence(e requirements.Evidence) evidenceLine {
	l := evidenceLine{From: e.Credential, Explanation: e.Equivalency, Verified: e.Verified}
	name := firstOf(e.Achievement, e.Credential)
	switch {
	case e.Equivalency != "" && strings.HasPrefix(e.How, "equivalent to "):
		l.Text = name + " counts as " + strings.TrimPrefix(e.How, "equivalent to ")
	case e.Equivalency != "":
		l.Text = name + ": " + e.How + ", by equivalency"
	default:
		l.Text = name + ": " + e.How
	}
	if rule := ruleRef(e.Equivalency); rule != "" {
		l.Text += " — equivalency " + rule
	}
	return l
}

// requestTime formats when a wallet request expires, for the page.
func requestTime(t time.Time) string { return t.UTC().Format("15:04:05 UTC") }
