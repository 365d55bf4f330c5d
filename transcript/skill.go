package transcript

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Skill is a skill or competency a record evidences, as an entry in a public
// framework (O*NET-SOC occupations and work activities, C-ID descriptors,
// CASAS competencies). It becomes an OB 3.0 Alignment.
type Skill struct {
	// ID is the catalogue key rows and pathways cite ("onet:29-2042.00").
	ID        string `json:"id"`
	Framework string `json:"framework"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	URL       string `json:"url"`
}

// Validate checks that the skill can be stated as an OB 3.0 Alignment.
func (s Skill) Validate() error {
	var errs []error
	if strings.TrimSpace(s.Name) == "" {
		errs = append(errs, errors.New("name is required"))
	}
	if strings.TrimSpace(s.Framework) == "" {
		errs = append(errs, errors.New("framework is required"))
	}
	if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("url %q: want an absolute http(s) URL", s.URL))
	}
	return errors.Join(errs...)
}

// key identifies a skill across catalogues: the same framework entry is one
// skill however it was reached.
func (s Skill) key() string { return s.Framework + "\x00" + s.Code + "\x00" + s.Name }

// Catalog is the set of skills tables and pathways may cite, by ID.
type Catalog map[string]Skill

// NewCatalog indexes skills by ID, rejecting duplicates and invalid entries.
func NewCatalog(skills []Skill) (Catalog, error) {
	c := make(Catalog, len(skills))
	var errs []error
	for i, s := range skills {
		switch {
		case s.ID == "":
			errs = append(errs, fmt.Errorf("skills[%d]: id is required", i))
		case c[s.ID].ID != "":
			errs = append(errs, fmt.Errorf("skills[%d]: duplicate id %q", i, s.ID))
		}
		if err := s.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("skills[%d] %q: %w", i, s.ID, err))
		}
		c[s.ID] = s
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// mergeSkills returns a and b without repeats, in first-seen order.
func mergeSkills(a []Skill, b ...Skill) []Skill {
	seen := make(map[string]bool, len(a)+len(b))
	var out []Skill
	for _, s := range append(append([]Skill(nil), a...), b...) {
		if !seen[s.key()] {
			seen[s.key()] = true
			out = append(out, s)
		}
	}
	return out
}
