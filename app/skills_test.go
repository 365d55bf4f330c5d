package app

import (
	"context"
	"strings"
	"testing"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
)

func TestLoadSkills(t *testing.T) {
	s, _ := openSample(t)
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := set.Engine()
	if err != nil {
		t.Fatal(err)
	}
	vm, err := LoadSkills(context.Background(), s, set.Pathways, eng, transcript.MustDate("2026-09-01"))
	if err != nil {
		t.Fatal(err)
	}
	var emt bool
	for _, sk := range vm.Skills {
		if sk.Name == "Emergency Medical Technicians" {
			emt = strings.Contains(strings.Join(sk.Records, "\n"), "Combat Medic Specialist")
		}
	}
	if !emt {
		t.Errorf("skills %+v: want Emergency Medical Technicians from the combat medic course", vm.Skills)
	}
	// The healthcare ladder's EMT step is covered by the medic course's
	// EMS 101 credit.
	var marked []string
	for _, p := range vm.Pathways.Pathways {
		if !strings.HasPrefix(p.Progress, "Your records cover") {
			t.Errorf("pathway %s: progress %q", p.Title, p.Progress)
		}
		for _, st := range p.Steps {
			marked = append(marked, st.Yours...)
		}
	}
	if !strings.Contains(strings.Join(marked, "\n"), "EMS 101, from Combat Medic Specialist") {
		t.Errorf("steps marked with %v", marked)
	}
}
