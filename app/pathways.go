package app

import (
	"fmt"

	"fyne.io/fyne/v2/lang"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/wallet"
)

// PathwaysVM is the "Pathways" screen's model: for each priority-sector
// pathway, its steps and the outside learning (military training,
// apprenticeship competencies, adult-school certificates, courses at other
// colleges) that the equivalency tables in force count toward each step.
type PathwaysVM struct {
	Pathways []PathwayVM
}

// PathwayVM is one pathway.
type PathwayVM struct {
	Title  string
	Sector string
	Steps  []StepVM
	// Progress says how many steps the learner's records cover ("You have
	// 2 of 6 steps"); empty before Mark.
	Progress string
}

// StepVM is one step as the screen shows it.
type StepVM struct {
	Title string
	// Role is "Entry point", "Leads to: …" or empty.
	Role string
	// Counts lists what counts toward the step, one line each.
	Counts []string
	// Yours lists the learner's records that count toward it (see Mark).
	Yours []string
}

// NewPathwaysVM builds the model from pathways and the tables in force on
// the date.
func NewPathwaysVM(pathways []transcript.Pathway, eng *transcript.Engine, asOf transcript.Date) PathwaysVM {
	active := eng.Active(asOf)
	var vm PathwaysVM
	for _, p := range pathways {
		pv := PathwayVM{Title: p.Title, Sector: sectorLabel(p.Sector)}
		for _, s := range p.Steps {
			sv := StepVM{Title: s.Title}
			switch {
			case s.Exit && s.Occupation != nil:
				sv.Role = lang.L("Leads to: {{.Job}}", map[string]any{"Job": s.Occupation.Title})
			case s.Entry:
				sv.Role = lang.L("Entry point")
			}
			seen := map[string]bool{}
			add := func(line string) {
				if !seen[line] {
					seen[line] = true
					sv.Counts = append(sv.Counts, line)
				}
			}
			for _, c := range s.CoveredBy {
				if c.Source != "" {
					add(fmt.Sprintf("%s: %s", kindLabel(c.Kind), sourceTitle(active, c)))
					continue
				}
				for _, t := range active {
					for _, r := range t.Rows {
						for _, g := range r.Grants {
							if !c.MatchesCourse(g) {
								continue
							}
							title := r.Source.Title
							if title == "" {
								title = r.Source.ID
							}
							add(fmt.Sprintf("%s: %s (%s) → %s, %s", kindLabel(r.Source.Kind), title, r.Source.ID, g.Code, transcript.Units(g.Units)))
						}
					}
				}
			}
			if len(sv.Counts) == 0 {
				sv.Counts = []string{lang.L("Take the course at a college")}
			}
			pv.Steps = append(pv.Steps, sv)
		}
		vm.Pathways = append(vm.Pathways, pv)
	}
	return vm
}

func sectorLabel(s transcript.Sector) string {
	switch s {
	case transcript.Healthcare:
		return lang.L("Healthcare")
	case transcript.Education:
		return lang.L("Education")
	case transcript.Climate:
		return lang.L("Climate")
	}
	return string(s)
}

func kindLabel(k transcript.Kind) string {
	switch k {
	case transcript.College:
		return lang.L("College")
	case transcript.AdultSchool:
		return lang.L("Adult school")
	case transcript.Apprenticeship:
		return lang.L("Apprenticeship")
	case transcript.Military:
		return lang.L("Military")
	}
	return string(k)
}

// sourceTitle names a source record the way the tables title it, with its
// identifier.
func sourceTitle(active []transcript.Table, c transcript.Covering) string {
	for _, t := range active {
		for _, r := range t.Rows {
			if r.Source.Kind == c.Kind && r.Source.ID == c.Source && r.Source.Title != "" {
				return fmt.Sprintf("%s (%s)", r.Source.Title, c.Source)
			}
		}
	}
	return c.Source
}

// Mark shows, on each step, the learner's records whose equivalent
// college credit counts toward it; pathways must be those the model was
// built from.
func (vm *PathwaysVM) Mark(pathways []transcript.Pathway, entries []wallet.Entry) {
	for i, p := range pathways {
		if i >= len(vm.Pathways) {
			return
		}
		have := 0
		for j, s := range p.Steps {
			if j >= len(vm.Pathways[i].Steps) {
				break
			}
			sv := &vm.Pathways[i].Steps[j]
			sv.Yours = nil
			for _, e := range entries {
				for _, cr := range e.Credits {
					course := transcript.Course{College: cr.College, Code: cr.Course, CID: parseExplanation(cr.Explanation).CID}
					for _, c := range s.CoveredBy {
						if c.Source == "" && c.MatchesCourse(course) {
							sv.Yours = append(sv.Yours, lang.L("{{.Course}}, from {{.Record}}", map[string]any{"Course": cr.Course, "Record": e.Title}))
							break
						}
					}
				}
			}
			if len(sv.Yours) > 0 {
				have++
			}
		}
		vm.Pathways[i].Progress = lang.L("Your records cover {{.Have}} of {{.Steps}} steps", map[string]any{"Have": have, "Steps": len(p.Steps)})
	}
}
