package app

import (
	"context"
	"sort"
	"strings"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/wallet"
)

// SkillsVM is the "Skills & pathways" screen's model: every skill the
// learner's records name, and the priority-sector pathways with the steps
// those records cover.
type SkillsVM struct {
	Skills   []SkillVM
	Pathways PathwaysVM
}

// SkillVM is one skill and the records that show it.
type SkillVM struct {
	Name      string
	Code      string
	Framework string
	Records   []string
}

// LoadSkills reads the wallet's records and marks the pathways.
func LoadSkills(ctx context.Context, s *Session, pathways []transcript.Pathway, eng *transcript.Engine, asOf transcript.Date) (SkillsVM, error) {
	st, err := s.unlockedStore()
	if err != nil {
		return SkillsVM{}, err
	}
	entries, _, err := allEntries(ctx, st, wallet.Query{Limit: maxListed})
	if err != nil {
		return SkillsVM{}, err
	}
	vm := SkillsVM{Pathways: NewPathwaysVM(pathways, eng, asOf)}
	vm.Pathways.Mark(pathways, entries)
	byKey := map[string]*SkillVM{}
	for _, e := range entries {
		for _, sk := range e.Skills {
			key := strings.ToLower(sk.Framework + "\x00" + sk.Code + "\x00" + sk.Name)
			v := byKey[key]
			if v == nil {
				v = &SkillVM{Name: sk.Name, Code: sk.Code, Framework: sk.Framework}
				byKey[key] = v
			}
			if len(v.Records) == 0 || v.Records[len(v.Records)-1] != e.Title {
				v.Records = append(v.Records, e.Title)
			}
		}
	}
	for _, v := range byKey {
		vm.Skills = append(vm.Skills, *v)
	}
	sort.Slice(vm.Skills, func(i, j int) bool {
		if len(vm.Skills[i].Records) != len(vm.Skills[j].Records) {
			return len(vm.Skills[i].Records) > len(vm.Skills[j].Records)
		}
		return vm.Skills[i].Name < vm.Skills[j].Name
	})
	return vm, nil
}
