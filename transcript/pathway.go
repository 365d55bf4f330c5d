package transcript

import (
	"errors"
	"fmt"
	"strings"
)

// Sector is a priority sector of California's Master Plan for Career
// Education.
type Sector string

// Priority sectors.
const (
	Healthcare Sector = "healthcare"
	Education  Sector = "education"
	Climate    Sector = "climate"
)

// Pathway is a career pathway in the CLASP model: an ordered sequence of
// stackable credentials with entry and exit points, each step leading to a
// job or to the next step.
type Pathway struct {
	ID          string `json:"id"`
	Sector      Sector `json:"sector"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Steps       []Step `json:"steps"`
}

// Step is one stackable credential on a pathway.
type Step struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Entry marks a step a learner can start at; Exit marks a step that
	// leads to a job (Occupation).
	Entry      bool        `json:"entry,omitempty"`
	Exit       bool        `json:"exit,omitempty"`
	Occupation *Occupation `json:"occupation,omitempty"`
	// Requires lists steps that come first.
	Requires []string `json:"requires,omitempty"`
	// A step is covered when a learner has any one of these.
	CoveredBy []Covering `json:"coveredBy"`
}

// Occupation is a job an exit point leads to.
type Occupation struct {
	ONETSOC string `json:"onetSoc"`
	Title   string `json:"title"`
}

// Covering is one thing that covers a step: a community-college course
// (by C-ID descriptor, or by college and code; earned directly or granted by
// equivalency), or a source record (by kind and identifier).
type Covering struct {
	CID     string `json:"cid,omitempty"`
	College string `json:"college,omitempty"`
	Code    string `json:"code,omitempty"`
	Kind    Kind   `json:"kind,omitempty"`
	Source  string `json:"source,omitempty"`
}

// Validate checks the pathway's steps and their order.
func (p Pathway) Validate() error {
	var errs []error
	switch p.Sector {
	case Healthcare, Education, Climate:
	default:
		errs = append(errs, fmt.Errorf("sector %q: want healthcare, education or climate", p.Sector))
	}
	if !slugRE.MatchString(p.ID) || strings.TrimSpace(p.Title) == "" {
		errs = append(errs, errors.New("id (a slug) and title are required"))
	}
	if len(p.Steps) == 0 {
		errs = append(errs, errors.New("a pathway has at least one step"))
	}
	seen := map[string]bool{}
	entry := false
	for i, s := range p.Steps {
		if s.ID == "" || seen[s.ID] {
			errs = append(errs, fmt.Errorf("steps[%d]: id %q is empty or repeated", i, s.ID))
		}
		for _, r := range s.Requires {
			if !seen[r] {
				errs = append(errs, fmt.Errorf("steps[%d] %s: requires %q, which is not an earlier step", i, s.ID, r))
			}
		}
		seen[s.ID] = true
		entry = entry || s.Entry
		if s.Exit && (s.Occupation == nil || !onetRE.MatchString(s.Occupation.ONETSOC)) {
			errs = append(errs, fmt.Errorf("steps[%d] %s: an exit point names an occupation with its O*NET-SOC code", i, s.ID))
		}
		if len(s.CoveredBy) == 0 {
			errs = append(errs, fmt.Errorf("steps[%d] %s: coveredBy is empty", i, s.ID))
		}
		for j, ev := range s.CoveredBy {
			n := 0
			if ev.CID != "" {
				n++
			}
			if ev.Code != "" {
				n++
			}
			if ev.Source != "" {
				n++
			}
			if n != 1 || (ev.Source != "" && !ev.Kind.Valid()) {
				errs = append(errs, fmt.Errorf("steps[%d] %s: coveredBy[%d]: give one of cid, college+code, or kind+source", i, s.ID, j))
			}
		}
	}
	if !entry && len(p.Steps) > 0 {
		errs = append(errs, errors.New("a pathway has at least one entry point"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("pathway %q: %w", p.ID, errors.Join(errs...))
	}
	return nil
}

// Progress is how far a learner's records go along a pathway.
type Progress struct {
	Pathway string         `json:"pathway"`
	Steps   []StepProgress `json:"steps"`
	// Next is the first step not yet covered whose required steps are; nil
	// when the learner has covered the pathway (or can start nowhere).
	Next *Step `json:"next,omitempty"`
}

// StepProgress says whether a step is covered and by what.
type StepProgress struct {
	Step    string   `json:"step"`
	Covered bool     `json:"covered"`
	By      []string `json:"by,omitempty"` // "record R1: EMS 101 granted by table …"
}

// Covered counts the steps covered.
func (p Progress) Covered() int {
	n := 0
	for _, s := range p.Steps {
		if s.Covered {
			n++
		}
	}
	return n
}

// Progress reports which steps the records cover: a college course record
// counts as itself, and every course granted in the mappings counts as
// earned (mappings[i] is the mapping of records[i]).
func (p Pathway) Progress(records []Record, mappings []Mapping, colleges map[string]string) Progress {
	out := Progress{Pathway: p.ID}
	covered := map[string]bool{}
	for _, s := range p.Steps {
		sp := StepProgress{Step: s.ID}
		for _, ev := range s.CoveredBy {
			for i, r := range records {
				if ev.matchesRecord(r, colleges[r.Institution]) {
					sp.By = append(sp.By, fmt.Sprintf("record %s: %s %s", r.ID, r.SourceID(), r.Title()))
				}
				if i < len(mappings) {
					for _, g := range mappings[i].Grants {
						if ev.MatchesCourse(g.Course) {
							sp.By = append(sp.By, fmt.Sprintf("record %s: %s %s granted by %s", r.ID, g.Course.Code, g.Course.College, g.Rule))
						}
					}
				}
			}
		}
		sp.Covered = len(sp.By) > 0
		covered[s.ID] = sp.Covered
		out.Steps = append(out.Steps, sp)
	}
	for i, s := range p.Steps {
		if covered[s.ID] {
			continue
		}
		ready := true
		for _, r := range s.Requires {
			ready = ready && covered[r]
		}
		if ready {
			out.Next = &p.Steps[i]
			break
		}
	}
	return out
}

// MatchesCourse reports whether the course (earned or granted) covers the step.
func (ev Covering) MatchesCourse(c Course) bool {
	if ev.CID != "" {
		return c.CID != "" && normCode(c.CID) == normCode(ev.CID)
	}
	return ev.Code != "" && normCode(c.Code) == normCode(ev.Code) && (ev.College == "" || strings.EqualFold(ev.College, c.College))
}

// matchesRecord: a college course record is the course itself, at the
// college named by the institution's name, when its grade earned credit.
func (ev Covering) matchesRecord(r Record, collegeName string) bool {
	if r.Course != nil && !r.Course.Grade.Passing() {
		return false
	}
	if ev.Source != "" {
		return ev.Kind == r.Kind && normCode(ev.Source) == normCode(r.SourceID())
	}
	if r.Course == nil {
		return false
	}
	return ev.MatchesCourse(Course{College: collegeName, Code: r.Course.Code, CID: r.Course.CID})
}
