package transcript

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Engine maps source records to community-college credit with a set of
// equivalency tables. It is safe for concurrent use; it holds no state
// between calls.
//
// How a learner's records are mapped (the documented rule for overlaps):
//
//  1. For each table ID, the newest version whose EffectiveFrom is on or
//     before the "as of" date is used, unless its EffectiveUntil has passed:
//     then the table is out of force (an older version does not come back).
//  2. Records are taken in order of completion date, then institution, then
//     record ID, so the result does not depend on the order they arrive in.
//  3. A row applies to a record when its source kind and identifier match
//     (case and spacing ignored) and, if it names an institution, the record
//     came from there. A row whose conditions fail is reported with every
//     failed condition.
//  4. Among the rows that pass, a row naming the sender's institution comes
//     before a row for any sender; then the more recently approved row; then
//     table ID and row ID. Rows grant their courses in that order.
//  5. A course (college and code) is granted once per learner. A later row or
//     record that would grant it again is reported as an overlap naming the
//     grant that stands.
//  6. A table's unit cap counts every unit it grants a learner; a grant that
//     would pass the cap is refused whole (courses are not split) and
//     reported.
type Engine struct {
	tables  map[string][]Table // by ID, sorted by EffectiveFrom
	catalog Catalog
}

// ErrBadTableSet is returned by NewEngine for tables that cannot be used
// together.
var ErrBadTableSet = errors.New("bad table set")

// NewEngine checks the tables (valid, unique ID and version, skills known to
// the catalogue) and returns an engine over them.
func NewEngine(tables []Table, catalog Catalog) (*Engine, error) {
	e := &Engine{tables: map[string][]Table{}, catalog: catalog}
	var errs []error
	seen := map[string]bool{}
	for _, t := range tables {
		if err := t.Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		k := t.ID + "@" + t.Version
		if seen[k] {
			errs = append(errs, fmt.Errorf("table %s version %s is given twice", t.ID, t.Version))
			continue
		}
		seen[k] = true
		for _, r := range t.Rows {
			for _, s := range r.Skills {
				if _, ok := catalog[s]; !ok {
					errs = append(errs, fmt.Errorf("table %s version %s row %s: skill %q is not in the skills catalogue", t.ID, t.Version, r.ID, s))
				}
			}
		}
		e.tables[t.ID] = append(e.tables[t.ID], t)
	}
	for id, vs := range e.tables {
		sort.SliceStable(vs, func(i, j int) bool { return vs[i].EffectiveFrom.Before(vs[j].EffectiveFrom) })
		for i := 1; i < len(vs); i++ {
			if !vs[i].EffectiveFrom.After(vs[i-1].EffectiveFrom) {
				errs = append(errs, fmt.Errorf("table %s: versions %s and %s take effect on the same day", id, vs[i-1].Version, vs[i].Version))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadTableSet, err)
	}
	return e, nil
}

// Catalog is the skills catalogue the engine resolves row skills with.
func (e *Engine) Catalog() Catalog { return e.catalog }

// Active lists the table versions in force on the date, by table ID.
func (e *Engine) Active(asOf Date) []Table {
	var out []Table
	for _, vs := range e.tables {
		// The newest version that has taken effect decides; if it has
		// expired, the table is out of force: an older version does not
		// come back.
		for i := len(vs) - 1; i >= 0; i-- {
			t := vs[i]
			if t.EffectiveFrom.After(asOf) {
				continue
			}
			if t.EffectiveUntil.IsZero() || asOf.Before(t.EffectiveUntil) {
				out = append(out, t)
			}
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Mapping is what the engine decided for one record.
type Mapping struct {
	Record string  `json:"record"`
	Grants []Grant `json:"grants"`
	// Decisions lists every applicable row that did not grant, with why.
	Decisions []Decision `json:"decisions,omitempty"`
	// Reason says why nothing was granted; empty when something was.
	Reason string `json:"reason,omitempty"`
	// Skills are the record's own skills and those of the rows that granted.
	Skills []Skill `json:"skills,omitempty"`
}

// Units is the total units granted.
func (m Mapping) Units() float64 {
	var u float64
	for _, g := range m.Grants {
		u += g.Course.Units
	}
	return u
}

// Grant is credit for one community-college course and the row that granted it.
type Grant struct {
	Course    Course  `json:"course"`
	Rule      RuleRef `json:"rule"`
	Authority string  `json:"authority"`
	Approved  Date    `json:"approved"`
	// Explanation says, in a sentence a learner or registrar can read, what
	// was granted and why.
	Explanation string `json:"explanation"`
}

// Outcome classifies a decision.
type Outcome string

// Outcomes of a row for a record.
const (
	Granted         Outcome = "granted"
	ConditionFailed Outcome = "condition-failed"
	Overlap         Outcome = "overlap"
	CapReached      Outcome = "unit-cap"
)

// Decision is a row that applied to a record but did not grant (a course).
type Decision struct {
	Rule    RuleRef  `json:"rule"`
	Outcome Outcome  `json:"outcome"`
	Course  *Course  `json:"course,omitempty"`
	Reasons []string `json:"reasons"`
}

// Map maps one record on its own, as of the date.
func (e *Engine) Map(r Record, asOf Date) Mapping { return e.MapLearner([]Record{r}, asOf)[0] }

type candidate struct {
	table Table
	row   Row
}

// MapLearner maps all of one learner's records together, so that a course is
// granted once and unit caps hold across records. The result is in the
// order of records.
func (e *Engine) MapLearner(records []Record, asOf Date) []Mapping {
	active := e.Active(asOf)
	order := make([]int, len(records))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ra, rb := records[order[a]], records[order[b]]
		if !ra.Completed().Equal(rb.Completed()) {
			return ra.Completed().Before(rb.Completed())
		}
		if ra.Institution != rb.Institution {
			return ra.Institution < rb.Institution
		}
		return ra.ID < rb.ID
	})
	type granted struct {
		record   string // institution and ID: record IDs are unique per sender
		recordID string
		rule     RuleRef
	}
	given := map[string]granted{} // course key → the grant that stands
	used := map[string]float64{}  // table ID → units granted
	out := make([]Mapping, len(records))
	for _, i := range order {
		r := records[i]
		m := Mapping{Record: r.ID, Skills: r.Skills}
		cands := e.candidates(active, r)
		if len(cands) == 0 {
			m.Reason = fmt.Sprintf("no equivalency row for %s %s %q in the tables in force on %s (%s)",
				r.Kind.Title(), sourceNoun(r.Kind), r.SourceID(), asOf, tableList(active))
			out[i] = m
			continue
		}
		for _, c := range cands {
			ref := RuleRef{Table: c.table.ID, Version: c.table.Version, Row: c.row.ID}
			if reasons := failedConditions(c.row, r); len(reasons) > 0 {
				m.Decisions = append(m.Decisions, Decision{Rule: ref, Outcome: ConditionFailed, Reasons: reasons})
				continue
			}
			grantedAny := false
			for _, course := range c.row.Grants {
				course := course
				if g, ok := given[course.Key()]; ok {
					why := fmt.Sprintf("%s %s is already granted by %s", course.Code, course.College, g.rule)
					if g.record != recordKey(r) {
						why += " for record " + g.recordID
					}
					m.Decisions = append(m.Decisions, Decision{Rule: ref, Outcome: Overlap, Course: &course, Reasons: []string{why}})
					continue
				}
				if cp := c.table.UnitCap; cp > 0 && used[c.table.ID]+course.Units > cp {
					m.Decisions = append(m.Decisions, Decision{Rule: ref, Outcome: CapReached, Course: &course, Reasons: []string{
						fmt.Sprintf("%s %s (%s) would pass table %s's cap of %s (%g granted already)",
							course.Code, course.College, Units(course.Units), c.table.ID, Units(cp), used[c.table.ID])}})
					continue
				}
				given[course.Key()] = granted{record: recordKey(r), recordID: r.ID, rule: ref}
				used[c.table.ID] += course.Units
				m.Grants = append(m.Grants, Grant{Course: course, Rule: ref, Authority: c.row.Authority,
					Approved: c.row.Approved, Explanation: explain(r, c, course)})
				grantedAny = true
			}
			if grantedAny {
				for _, id := range c.row.Skills {
					m.Skills = mergeSkills(m.Skills, e.catalog[id])
				}
			}
		}
		if len(m.Grants) == 0 {
			m.Reason = noGrantReason(r, m.Decisions)
		}
		out[i] = m
	}
	return out
}

func (e *Engine) candidates(active []Table, r Record) []candidate {
	src := normCode(r.SourceID())
	var cands []candidate
	for _, t := range active {
		for _, row := range t.Rows {
			if row.Source.Kind != r.Kind || normCode(row.Source.ID) != src {
				continue
			}
			if row.Source.Institution != "" && row.Source.Institution != r.Institution {
				continue
			}
			cands = append(cands, candidate{table: t, row: row})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if (a.row.Source.Institution != "") != (b.row.Source.Institution != "") {
			return a.row.Source.Institution != ""
		}
		if !a.row.Approved.Equal(b.row.Approved) {
			return a.row.Approved.After(b.row.Approved)
		}
		if a.table.ID != b.table.ID {
			return a.table.ID < b.table.ID
		}
		return a.row.ID < b.row.ID
	})
	return cands
}

// failedConditions lists, in words, every condition of the row the record
// does not meet.
func failedConditions(row Row, r Record) []string {
	var why []string
	c := row.Conditions
	if r.Course != nil {
		g, err := ParseGrade(string(r.Course.Grade))
		switch {
		case err != nil:
			why = append(why, err.Error())
		case !g.Passing():
			why = append(why, fmt.Sprintf("grade %s does not earn credit", g))
		case !g.Meets(c.MinGrade):
			why = append(why, fmt.Sprintf("grade %s below minimum %s", g, c.MinGrade))
		}
	}
	if c.MinHours > 0 && r.Hours() < c.MinHours {
		why = append(why, fmt.Sprintf("%g hours below minimum %g", r.Hours(), c.MinHours))
	}
	if c.MinLevel > 0 {
		lvl := 0
		if r.Certificate != nil {
			lvl = r.Certificate.Level
		}
		if lvl < c.MinLevel {
			why = append(why, fmt.Sprintf("NRS level %d below minimum %d", lvl, c.MinLevel))
		}
	}
	if c.MinACEHours > 0 || c.ACELevel != "" {
		var credit []ACECredit
		if r.Military != nil {
			credit = r.Military.Credit
		}
		var h float64
		for _, cr := range credit {
			if c.ACELevel == "" || cr.Level == c.ACELevel {
				h += cr.Hours
			}
		}
		switch {
		case h == 0 && c.ACELevel != "":
			why = append(why, fmt.Sprintf("ACE recommends no %s credit", c.ACELevel))
		case h < c.MinACEHours:
			lvl := ""
			if c.ACELevel != "" {
				lvl = " " + string(c.ACELevel)
			}
			why = append(why, fmt.Sprintf("ACE recommends %g%s semester hours, row requires %g", h, lvl, c.MinACEHours))
		}
	}
	done := r.Completed()
	if !c.CompletedFrom.IsZero() && done.Before(c.CompletedFrom) {
		why = append(why, fmt.Sprintf("completed %s, row accepts completions from %s", done, c.CompletedFrom))
	}
	if !c.CompletedUntil.IsZero() && done.After(c.CompletedUntil) {
		why = append(why, fmt.Sprintf("completed %s, row accepts completions until %s", done, c.CompletedUntil))
	}
	return why
}

func explain(r Record, c candidate, course Course) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s, %s", course.Code, course.Title, course.College, Units(course.Units))
	if course.CID != "" {
		fmt.Fprintf(&b, ", C-ID %s", course.CID)
	}
	fmt.Fprintf(&b, ") for %s %q", sourceNoun(r.Kind), r.SourceID())
	if t := r.Title(); t != "" {
		fmt.Fprintf(&b, " %s", t)
	}
	fmt.Fprintf(&b, ", completed %s", r.Completed())
	if conds := describeConditions(c.row.Conditions); conds != "" {
		fmt.Fprintf(&b, " (%s)", conds)
	}
	fmt.Fprintf(&b, ": granted by equivalency %s, %s, approved by %s on %s.",
		RuleRef{Table: c.table.ID, Version: c.table.Version, Row: c.row.ID}, c.table.Title, c.row.Authority, c.row.Approved)
	return b.String()
}

func describeConditions(c Conditions) string {
	var parts []string
	if c.MinGrade != "" {
		parts = append(parts, "minimum grade "+string(c.MinGrade))
	}
	if c.MinHours > 0 {
		parts = append(parts, fmt.Sprintf("at least %g hours", c.MinHours))
	}
	if c.MinLevel > 0 {
		parts = append(parts, fmt.Sprintf("NRS level %d or higher", c.MinLevel))
	}
	if c.MinACEHours > 0 || c.ACELevel != "" {
		s := "ACE recommendation"
		if c.MinACEHours > 0 {
			s += fmt.Sprintf(" of at least %g semester hours", c.MinACEHours)
		}
		if c.ACELevel != "" {
			s += " at " + string(c.ACELevel) + " level"
		}
		parts = append(parts, s)
	}
	if !c.CompletedFrom.IsZero() {
		parts = append(parts, "completed from "+c.CompletedFrom.String())
	}
	if !c.CompletedUntil.IsZero() {
		parts = append(parts, "completed until "+c.CompletedUntil.String())
	}
	if len(parts) == 0 {
		return ""
	}
	return "conditions met: " + strings.Join(parts, ", ")
}

func noGrantReason(r Record, ds []Decision) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%s: %s", d.Rule, strings.Join(d.Reasons, "; ")))
	}
	return fmt.Sprintf("no credit for %s %q: %s", sourceNoun(r.Kind), r.SourceID(), strings.Join(parts, " | "))
}

func sourceNoun(k Kind) string {
	switch k {
	case College:
		return "course"
	case AdultSchool:
		return "programme"
	case Apprenticeship:
		return "competency"
	case Military:
		return "ACE-evaluated training"
	}
	return "record"
}

func tableList(ts []Table) string {
	if len(ts) == 0 {
		return "no tables"
	}
	var names []string
	for _, t := range ts {
		names = append(names, t.ID+" v"+t.Version)
	}
	return "tables: " + strings.Join(names, ", ")
}

func recordKey(r Record) string { return r.Institution + "\x00" + r.ID }

// Units writes a number of semester units: "1 unit", "0.5 units", "3 units".
func Units(u float64) string {
	if u == 1 {
		return "1 unit"
	}
	return fmt.Sprintf("%g units", u)
}
