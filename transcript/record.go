package transcript

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
)

// Record is one source record an institution sends: exactly one of Course,
// Certificate, Competency or Military is set, matching Kind.
type Record struct {
	// ID is the record's identifier at the sending institution; with the
	// institution it identifies the record for life (re-sending it is not a
	// new record).
	ID          string `json:"id"`
	Kind        Kind   `json:"kind"`
	Institution string `json:"institution"` // the sender's slug
	Learner     string `json:"learner"`     // Learner.ID

	Course      *CourseWork       `json:"course,omitempty"`
	Certificate *Certificate      `json:"certificate,omitempty"`
	Competency  *Competency       `json:"competency,omitempty"`
	Military    *MilitaryTraining `json:"military,omitempty"`

	// Skills the sender states directly (an apprenticeship's O*NET work
	// activities, say); mapping adds those of the granting rows.
	Skills []Skill `json:"skills,omitempty"`
}

// CourseWork is a completed community-college course, credit or noncredit.
type CourseWork struct {
	Code  string  `json:"code"` // "ECE 101"
	Title string  `json:"title"`
	Term  string  `json:"term"` // "Fall 2024"
	Grade Grade   `json:"grade"`
	Units float64 `json:"units"` // semester units; 0 for noncredit
	// Noncredit courses carry contact hours instead of units.
	Noncredit   bool    `json:"noncredit,omitempty"`
	Hours       float64 `json:"hours,omitempty"`
	CID         string  `json:"cid,omitempty"` // C-ID descriptor, "ECE 120"
	Completed   Date    `json:"completed"`
	Description string  `json:"description,omitempty"`
}

// Certificate is an adult-school certificate of completion: a CTE programme
// (CNA, medical assistant) or an ESL/ABE level measured by CASAS.
type Certificate struct {
	ProgramCode string  `json:"programCode"`
	Program     string  `json:"program"`
	Hours       float64 `json:"hours"`
	// Level is the NRS educational functioning level (1-6) a CASAS
	// assessment placed the learner at on exit; 0 when not levelled.
	Level       int    `json:"level,omitempty"`
	LevelName   string `json:"levelName,omitempty"` // "ESL Intermediate High"
	Completed   Date   `json:"completed"`
	Description string `json:"description,omitempty"`
}

// Competency is an apprenticeship competency, or a completed block of
// related technical instruction (RTI) or on-the-job learning (OJT), signed
// off by a journeyworker.
type Competency struct {
	Occupation  string  `json:"occupation"` // "Electrician (Solar)"
	ONETSOC     string  `json:"onetSoc"`    // "47-2231.00"
	Code        string  `json:"code"`       // the sponsor's competency code
	Name        string  `json:"name"`
	Block       string  `json:"block"` // competency, rti or ojt
	Hours       float64 `json:"hours"`
	SignedOffBy string  `json:"signedOffBy"` // journeyworker
	Completed   Date    `json:"completed"`
	Description string  `json:"description,omitempty"`
}

// MilitaryTraining is a course or occupation from a Joint Services
// Transcript with the American Council on Education's credit
// recommendation.
type MilitaryTraining struct {
	ACEID       string      `json:"aceId"` // "AR-1406-0090" or "AR-MOS-68W-004"
	Title       string      `json:"title"`
	Branch      string      `json:"branch"` // Army, Navy, ...
	Started     Date        `json:"started"`
	Completed   Date        `json:"completed"`
	Credit      []ACECredit `json:"credit"`
	Description string      `json:"description,omitempty"`
}

// ACECredit is one line of an ACE credit recommendation.
type ACECredit struct {
	Level   ACELevel `json:"level"`
	Hours   float64  `json:"hours"` // semester hours
	Subject string   `json:"subject"`
}

// ACELevel is the level ACE recommends credit at.
type ACELevel string

// The ACE levels.
const (
	Vocational    ACELevel = "vocational"
	LowerDivision ACELevel = "lower-division"
	UpperDivision ACELevel = "upper-division"
	Graduate      ACELevel = "graduate"
)

func (l ACELevel) valid() bool {
	switch l {
	case Vocational, LowerDivision, UpperDivision, Graduate:
		return true
	}
	return false
}

// Competency blocks.
const (
	BlockCompetency = "competency"
	BlockRTI        = "rti"
	BlockOJT        = "ojt"
)

// FieldError is a problem with one field of an input, named by its JSON path.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Limits on what one record may carry.
const (
	MaxTextLen  = 4000 // descriptions
	MaxNameLen  = 300  // titles, names, codes
	MaxUnits    = 30   // semester units on one record
	MaxHours    = 20000
	MaxSkills   = 50
	MaxACELines = 10
)

var (
	aceCourseRE = regexp.MustCompile(`^[A-Z]{2}-\d{4}-\d{4}$`)
	aceOccRE    = regexp.MustCompile(`^[A-Z]{2}-[A-Z]{2,4}-[0-9A-Z]{2,6}-\d{3}$`)
	onetRE      = regexp.MustCompile(`^\d{2}-\d{4}\.\d{2}$`)
	courseRE    = regexp.MustCompile(`^[A-Z&]{1,8} ?[0-9]{1,4}[A-Z]{0,3}$`)
)

type checker struct{ errs []error }

func (c *checker) failf(field, format string, args ...any) {
	c.errs = append(c.errs, &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (c *checker) text(field, s string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		c.failf(field, "is required")
	case len(s) > max:
		c.failf(field, "is longer than %d bytes", max)
	}
}

func (c *checker) amount(field string, v, max float64, required bool) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
		c.failf(field, "must be a non-negative number")
	case v > max:
		c.failf(field, "%g is more than the limit %g", v, max)
	case required && v == 0:
		c.failf(field, "must be more than 0")
	}
}

func (c *checker) date(field string, d Date) {
	if d.IsZero() {
		c.failf(field, "is required")
	}
}

func (c *checker) err() error { return errors.Join(c.errs...) }

// Validate checks the record's shape. Every problem is a *FieldError (joined),
// so an intake can report each field.
func (r Record) Validate() error {
	var c checker
	c.text("id", r.ID, true, MaxNameLen)
	c.text("institution", r.Institution, true, MaxNameLen)
	c.text("learner", r.Learner, true, MaxNameLen)
	set := 0
	for _, p := range []bool{r.Course != nil, r.Certificate != nil, r.Competency != nil, r.Military != nil} {
		if p {
			set++
		}
	}
	if set != 1 {
		c.failf("kind", "exactly one of course, certificate, competency or military must be given (got %d)", set)
	}
	switch r.Kind {
	case College:
		if r.Course == nil {
			c.failf("course", "is required for kind college")
		} else {
			r.Course.validate(&c)
		}
	case AdultSchool:
		if r.Certificate == nil {
			c.failf("certificate", "is required for kind adult-school")
		} else {
			r.Certificate.validate(&c)
		}
	case Apprenticeship:
		if r.Competency == nil {
			c.failf("competency", "is required for kind apprenticeship")
		} else {
			r.Competency.validate(&c)
		}
	case Military:
		if r.Military == nil {
			c.failf("military", "is required for kind military")
		} else {
			r.Military.validate(&c)
		}
	default:
		c.failf("kind", "%q: want college, adult-school, apprenticeship or military", r.Kind)
	}
	if len(r.Skills) > MaxSkills {
		c.failf("skills", "more than %d skills", MaxSkills)
	}
	for i, s := range r.Skills {
		if err := s.Validate(); err != nil {
			c.failf(fmt.Sprintf("skills[%d]", i), "%v", err)
		}
	}
	return c.err()
}

func (w *CourseWork) validate(c *checker) {
	if !courseRE.MatchString(w.Code) {
		c.failf("course.code", "%q is not a course code like \"ECE 101\"", w.Code)
	}
	c.text("course.title", w.Title, true, MaxNameLen)
	c.text("course.term", w.Term, true, MaxNameLen)
	c.text("course.description", w.Description, false, MaxTextLen)
	if _, err := ParseGrade(string(w.Grade)); err != nil {
		c.failf("course.grade", "%v", err)
	}
	if w.Noncredit {
		if w.Units != 0 {
			c.failf("course.units", "a noncredit course carries hours, not units")
		}
		c.amount("course.hours", w.Hours, MaxHours, true)
	} else {
		c.amount("course.units", w.Units, MaxUnits, true)
	}
	c.date("course.completed", w.Completed)
}

func (ce *Certificate) validate(c *checker) {
	c.text("certificate.programCode", ce.ProgramCode, true, MaxNameLen)
	c.text("certificate.program", ce.Program, true, MaxNameLen)
	c.text("certificate.description", ce.Description, false, MaxTextLen)
	c.amount("certificate.hours", ce.Hours, MaxHours, true)
	if ce.Level < 0 || ce.Level > 6 {
		c.failf("certificate.level", "%d is not an NRS level (1-6)", ce.Level)
	}
	c.date("certificate.completed", ce.Completed)
}

func (co *Competency) validate(c *checker) {
	c.text("competency.occupation", co.Occupation, true, MaxNameLen)
	if !onetRE.MatchString(co.ONETSOC) {
		c.failf("competency.onetSoc", "%q is not an O*NET-SOC code like 47-2111.00", co.ONETSOC)
	}
	c.text("competency.code", co.Code, true, MaxNameLen)
	c.text("competency.name", co.Name, true, MaxNameLen)
	c.text("competency.description", co.Description, false, MaxTextLen)
	switch co.Block {
	case BlockCompetency, BlockRTI, BlockOJT:
	default:
		c.failf("competency.block", "%q: want competency, rti or ojt", co.Block)
	}
	c.amount("competency.hours", co.Hours, MaxHours, true)
	c.text("competency.signedOffBy", co.SignedOffBy, true, MaxNameLen)
	c.date("competency.completed", co.Completed)
}

func (m *MilitaryTraining) validate(c *checker) {
	if !aceCourseRE.MatchString(m.ACEID) && !aceOccRE.MatchString(m.ACEID) {
		c.failf("military.aceId", "%q is not an ACE identifier like AR-1406-0090 or AR-MOS-68W-004", m.ACEID)
	}
	c.text("military.title", m.Title, true, MaxNameLen)
	c.text("military.branch", m.Branch, true, MaxNameLen)
	c.text("military.description", m.Description, false, MaxTextLen)
	c.date("military.completed", m.Completed)
	if !m.Started.IsZero() && m.Completed.Before(m.Started) {
		c.failf("military.completed", "%s is before the start %s", m.Completed, m.Started)
	}
	if len(m.Credit) > MaxACELines {
		c.failf("military.credit", "more than %d recommendation lines", MaxACELines)
	}
	for i, cr := range m.Credit {
		f := fmt.Sprintf("military.credit[%d]", i)
		if !cr.Level.valid() {
			c.failf(f+".level", "%q: want vocational, lower-division, upper-division or graduate", cr.Level)
		}
		c.amount(f+".hours", cr.Hours, MaxUnits, true)
		c.text(f+".subject", cr.Subject, true, MaxNameLen)
	}
}

// SourceID is the identifier equivalency rows match: the course code, the
// programme code, the competency code or the ACE identifier.
func (r Record) SourceID() string {
	switch {
	case r.Course != nil:
		return r.Course.Code
	case r.Certificate != nil:
		return r.Certificate.ProgramCode
	case r.Competency != nil:
		return r.Competency.Code
	case r.Military != nil:
		return r.Military.ACEID
	}
	return ""
}

// Title is the record's human title.
func (r Record) Title() string {
	switch {
	case r.Course != nil:
		return r.Course.Title
	case r.Certificate != nil:
		return r.Certificate.Program
	case r.Competency != nil:
		return r.Competency.Name
	case r.Military != nil:
		return r.Military.Title
	}
	return ""
}

// Description is the record's own description, if it has one.
func (r Record) Description() string {
	switch {
	case r.Course != nil:
		return r.Course.Description
	case r.Certificate != nil:
		return r.Certificate.Description
	case r.Competency != nil:
		return r.Competency.Description
	case r.Military != nil:
		return r.Military.Description
	}
	return ""
}

// Completed is the date the learning was completed.
func (r Record) Completed() Date {
	switch {
	case r.Course != nil:
		return r.Course.Completed
	case r.Certificate != nil:
		return r.Certificate.Completed
	case r.Competency != nil:
		return r.Competency.Completed
	case r.Military != nil:
		return r.Military.Completed
	}
	return Date{}
}

// Hours is the record's contact hours (noncredit, certificates,
// competencies); 0 where the record counts units instead.
func (r Record) Hours() float64 {
	switch {
	case r.Course != nil:
		return r.Course.Hours
	case r.Certificate != nil:
		return r.Certificate.Hours
	case r.Competency != nil:
		return r.Competency.Hours
	}
	return 0
}
