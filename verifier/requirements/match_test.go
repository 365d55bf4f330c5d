package requirements_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/verifier/model"
	"github.com/satchel-wallet/satchel/verifier/requirements"
)

// A job of its own for the terms the sample jobs leave out.
const termsJob = `{
  "id": "terms", "title": "Terms (test)",
  "presentation_definition": {"id": "terms", "input_descriptors": [
    {"id": "self-issued", "constraints": {"subject_is_issuer": "required", "fields": [{"path": ["$.id"]}]}},
    {"id": "optional-field", "constraints": {"fields": [
      {"path": ["$.credentialSubject.achievement.humanCode"], "filter": {"type": "string", "pattern": "^AR-0709-"}},
      {"path": ["$.credentialSubject.portfolio"], "optional": true}
    ]}},
    {"id": "recursive", "constraints": {"fields": [{"path": ["$..targetCode"], "filter": {"const": "KIN 120"}}]}}
  ]},
  "requirements": [
    {"id": "cna-200", "name": "CNA, 200 hours", "any": [{"achievement": "HAS-CNA", "minHours": 200}]},
    {"id": "cna-150", "name": "CNA, 150 hours", "any": [{"achievement": "Certified Nurse Assistant", "minHours": 150}]},
    {"id": "credits-6", "name": "6 credits of medic training", "any": [{"achievement": "AR-0709-0058", "minCredits": 6}]},
    {"id": "credits-7", "name": "7 credits of medic training", "any": [{"achievement": "AR-0709-0058", "minCredits": 7}]},
    {"id": "skill-name", "name": "EMT skill, by name", "any": [{"skill": {"name": "emergency medical  TECHNICIANS"}}]},
    {"id": "type", "name": "A competency", "any": [{"achievementType": "competency"}]},
    {"id": "cid-equivalency", "name": "C-ID ECE 120", "any": [{"cid": "ECE 120"}]},
    {"id": "any-college-kin", "name": "KIN 120 anywhere", "any": [{"equivalentCourse": {"code": "kin  120"}}]},
    {"id": "wrong-college", "name": "EMS 101 at Coastline", "any": [{"equivalentCourse": {"college": "Coastline Bay College", "code": "EMS 101"}}]}
  ]
}`

func TestMatch(t *testing.T) {
	jobs := map[string]*requirements.Job{
		"emt":   loadJob(t, "emt-sierra-vista-ambulance"),
		"ece":   loadJob(t, "associate-teacher-harbor-head-start"),
		"solar": loadJob(t, "solar-pv-installer-valley-oak-solar"),
	}
	terms, err := requirements.Parse([]byte(termsJob))
	if err != nil {
		t.Fatal(err)
	}
	jobs["terms"] = terms
	l1008 := learnerCredentials(t, "L-1008")
	for _, tc := range []struct {
		name      string
		job, req  string
		cands     []requirements.Candidate
		met       bool
		by        []string
		detail    []string // each in Detail
		notDetail []string
	}{
		{
			name: "ok/equivalency/military-training-as-emt-course", job: "emt", req: "emt-course",
			cands: verified("JST-1001-AR-0709-0058"), met: true,
			by: []string{"Combat Medic Specialist (Joint Services Transcript Office (sample))"},
			detail: []string{
				"equivalent to EMS 101 Emergency Medical Technician (Sierra Vista Community College), by equivalency: ",
				"for ACE-evaluated training \"AR-0709-0058\" Combat Medic Specialist",
				"granted by equivalency table military-cpl v2025.1 row M01",
			},
		},
		{
			name: "ok/course/taken-at-the-college", job: "emt", req: "emt-course",
			cands: verified("SV-1002-EMS101-SP26"), met: true,
			by:     []string{"Emergency Medical Technician (Sierra Vista Community College)"},
			detail: []string{"the course EMS 101 at Sierra Vista Community College"},
		},
		{
			name: "ok/equivalency/inside-a-transcript", job: "emt", req: "emt-course",
			cands: verified("L-1001/clr-jst"), met: true,
			by:     []string{"Joint Services Transcript Office (sample): learner record of Marcus Delgado: Combat Medic Specialist"},
			detail: []string{"row M01"},
		},
		{
			name: "fail/equivalency/training-before-the-rows-window", job: "emt", req: "emt-course",
			cands:  verified("JST-1002-AR-0709-0058", "HAS-1002-MEDTERM-1"),
			detail: []string{"Not met: no verified credential shows EMS 101 at Sierra Vista Community College or credit for it by equivalency; or EMT 100 at Coastline Bay College"},
		},
		{
			name: "fail/unverified/would-meet", job: "emt", req: "emt-course",
			cands:     append(verified("SV-1001-BIOL20-FA25"), candidate("JST-1001-AR-0709-0058", false)),
			detail:    []string{"Combat Medic Specialist (Joint Services Transcript Office (sample)) would meet it but did not verify."},
			notDetail: []string{"row M01"},
		},
		{
			name: "ok/unverified/does-not-hide-a-verified-one", job: "emt", req: "emt-course",
			cands: []requirements.Candidate{candidate("JST-1001-AR-0709-0058", false), candidate("SV-1002-EMS101-SP26", true)}, met: true,
			by:        []string{"Emergency Medical Technician (Sierra Vista Community College)"},
			notDetail: []string{"Combat Medic"},
		},
		{
			name: "ok/skill/framework-and-code", job: "emt", req: "emt-occupation",
			cands: verified("SV-1001-BIOL20-FA25", "JST-1001-AR-MOS-68W-004"), met: true,
			by:     []string{"Combat Medic Specialist, skill level 10 (Joint Services Transcript Office (sample))"},
			detail: []string{"aligned to O*NET-SOC 29-2042.00 Emergency Medical Technicians"},
		},
		{
			name: "fail/skill/not-aligned", job: "emt", req: "emt-occupation",
			cands:  verified("SV-1001-BIOL20-FA25", "HAS-1001-CNA-1"),
			detail: []string{"no verified credential shows the skill O*NET-SOC 29-2042.00."},
		},
		{
			name: "ok/skill/name", job: "terms", req: "skill-name",
			cands: verified("JST-1001-AR-MOS-68W-004"), met: true,
		},
		{
			name: "ok/skill-with-min-hours", job: "emt", req: "patient-care",
			cands: verified("HAS-1001-CNA-1"), met: true,
			detail: []string{"aligned to O*NET-SOC 31-1131.00 Nursing Assistants, 164 hours"},
		},
		{name: "ok/min-hours", job: "terms", req: "cna-150", cands: verified("HAS-1001-CNA-1"), met: true, detail: []string{"164 hours"}},
		{name: "fail/min-hours", job: "terms", req: "cna-200", cands: verified("HAS-1001-CNA-1"), detail: []string{`"HAS-CNA" with at least 200 hours`}},
		{name: "fail/min-hours/none-recorded", job: "terms", req: "cna-150", cands: verified("JST-1001-AR-0709-0058")},
		{name: "ok/min-credits", job: "terms", req: "credits-6", cands: verified("JST-1001-AR-0709-0058"), met: true, detail: []string{"6 credits"}},
		{name: "fail/min-credits", job: "terms", req: "credits-7", cands: verified("JST-1001-AR-0709-0058"), detail: []string{"with at least 7 credits"}},
		{name: "ok/achievement-type", job: "terms", req: "type", cands: verified("JST-1001-AR-0709-0058", "GSE-1004-C-PV-010"), met: true, by: []string{"Solar PV system installation (Golden State Electrical Training Alliance)"}},
		{name: "ok/course/any-college", job: "terms", req: "any-college-kin", cands: verified("HAS-1006-CPR-1"), met: true, detail: []string{"KIN 120 First Aid and CPR (Coastline Bay College)", "row B07"}},
		{name: "fail/course/other-college", job: "terms", req: "wrong-college", cands: verified("SV-1002-EMS101-SP26", "JST-1001-AR-0709-0058")},
		{
			name: "ok/cid/course-approved-for-it", job: "ece", req: "child-growth",
			cands: verified("SV-1008-ECE103-FA24"), met: true,
			detail: []string{"a course with C-ID CDEV 100, grade B"},
		},
		{
			name: "ok/cid/by-equivalency", job: "terms", req: "cid-equivalency",
			cands: verified("HAS-1008-ECE-AT-1"), met: true,
			detail: []string{"equivalent to CD 105 Principles and Practices of Early Childhood Education (Coastline Bay College) (C-ID ECE 120)", "table adult-school-bridge v2025.1 row B06"},
		},
		{
			name: "fail/cid/grade-earns-no-credit", job: "ece", req: "child-family-community",
			cands:  verified("SV-1016-ECE104-FA25"),
			detail: []string{"Child, Family and Community (Sierra Vista Community College) does not count: its grade W earns no credit."},
		},
		{
			name: "fail/cid/below-min-grade", job: "ece", req: "curriculum",
			cands:  verified("SV-1008-ECE102-SP25"),
			detail: []string{"does not count: its grade C- is below the C wanted."},
		},
		{
			name: "ok/cid/repeated-course", job: "ece", req: "curriculum",
			cands: verified("SV-1008-ECE102-SP25", "SV-1008-ECE102-FA25"), met: true,
			detail: []string{"a course with C-ID ECE 130, grade B"}, notDetail: []string{"grade C-"},
		},
		{
			name: "ok/sum/credits", job: "ece", req: "ece-units", cands: l1008, met: true,
			detail: []string{"15 credits in total (at least 12 credits wanted)."},
		},
		{
			name: "ok/sum/counts-an-achievement-once", job: "ece", req: "ece-units",
			cands: append(append([]requirements.Candidate{}, l1008...), verified("L-1008/clr-sierra-vista", "L-1008/clr-harbor-adult")...), met: true,
			detail: []string{"15 credits in total"},
		},
		{
			name: "fail/sum/short", job: "ece", req: "ece-units", cands: learnerCredentials(t, "L-1016"),
			detail: []string{"Verified credentials show 10 credits in total; at least 12 credits are wanted."},
		},
		{
			name: "fail/sum/unverified-would-make-it-up", job: "ece", req: "ece-units",
			cands:  append(verified("HAS-1008-ECE-AT-1", "SV-1008-ECE101-FA24", "SV-1008-ECE103-FA24"), candidate("SV-1008-ECE104-SP25", false)),
			detail: []string{"show 9 credits in total", "Child, Family and Community (Sierra Vista Community College) would meet it but did not verify."},
		},
		{
			name: "ok/sum/hours", job: "solar", req: "pv-field-hours", cands: learnerCredentials(t, "L-1011"), met: true,
			detail: []string{"88 hours", "64 hours", "152 hours in total (at least 80 hours wanted)."},
		},
		{
			name: "ok/pe/equivalency-course-code", job: "emt", req: "medical-terminology",
			cands: verified("JST-1001-AR-0709-0058", "HAS-1002-MEDTERM-1"), met: true,
			by:     []string{"Medical Terminology for Health Careers (Harbor Adult School)"},
			detail: []string{`satisfies input descriptor "medical-terminology"`},
		},
		{
			name: "ok/pe/second-path", job: "emt", req: "medical-terminology",
			cands: verified("SV-1012-HLTH110-SP26"), met: true,
		},
		{
			name: "ok/pe/credential-nested-in-a-transcript", job: "emt", req: "medical-terminology",
			cands: verified("L-1002/clr-harbor-adult"), met: true,
			by: []string{"Harbor Adult School: learner record of Danielle Brooks: Medical Terminology for Health Careers"},
		},
		{
			name: "fail/pe/no-field-matches", job: "emt", req: "medical-terminology",
			cands:  verified("JST-1001-AR-0709-0058", "HAS-1001-CNA-1"),
			detail: []string{`Not met: no verified credential shows what input descriptor "medical-terminology" asks for (Medical terminology credit).`},
		},
		{
			name: "fail/pe/unverified", job: "emt", req: "medical-terminology",
			cands:  []requirements.Candidate{candidate("HAS-1002-MEDTERM-1", false)},
			detail: []string{"Medical Terminology for Health Careers (Harbor Adult School) would meet it but did not verify."},
		},
		{name: "ok/pe/filter-expression", job: "solar", req: "registered-apprenticeship", cands: verified("GSE-1014-C-PV-010"), met: true},
		{name: "fail/pe/filter-expression", job: "solar", req: "registered-apprenticeship", cands: verified("GSE-1004-RTI-101")},
		{name: "ok/pe/optional-field-missing", job: "terms", req: "optional-field", cands: verified("JST-1001-AR-0709-0058"), met: true},
		{name: "fail/pe/required-field-fails-filter", job: "terms", req: "optional-field", cands: verified("JST-1001-AR-MOS-68W-004")},
		{name: "ok/pe/recursive-descent", job: "terms", req: "recursive", cands: verified("HAS-1006-CPR-1"), met: true},
		{name: "fail/pe/subject-is-not-issuer", job: "terms", req: "self-issued", cands: verified("JST-1001-AR-0709-0058")},
		{name: "fail/no-credentials", job: "emt", req: "emt-course"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := jobs[tc.job]
			results := j.Match(tc.cands)
			if len(results) != len(j.Requirements) {
				t.Fatalf("%d results for %d requirements", len(results), len(j.Requirements))
			}
			for i, r := range results {
				if r.ID != j.Requirements[i].ID || r.Name != j.Requirements[i].Name {
					t.Errorf("result %d is %s %q, want requirement %s %q", i, r.ID, r.Name, j.Requirements[i].ID, j.Requirements[i].Name)
				}
			}
			r := resultByID(t, results, tc.req)
			if r.Met != tc.met {
				t.Errorf("met = %v, want %v; detail: %s", r.Met, tc.met, r.Detail)
			}
			if !r.Met && len(r.By) > 0 {
				t.Errorf("not met, yet by %q", r.By)
			}
			if tc.by != nil {
				if diff := cmp.Diff(tc.by, r.By); diff != "" {
					t.Errorf("by (-want +got):\n%s", diff)
				}
			}
			for _, d := range tc.detail {
				if !strings.Contains(r.Detail, d) {
					t.Errorf("detail does not say %q:\n%s", d, r.Detail)
				}
			}
			for _, d := range tc.notDetail {
				if strings.Contains(r.Detail, d) {
					t.Errorf("detail says %q:\n%s", d, r.Detail)
				}
			}
			for _, e := range r.Evidence {
				if e.Verified != tc.cands[e.Candidate].Verified {
					t.Errorf("evidence %+v: verified is not its candidate's", e)
				}
			}
		})
	}
}

// The evidence is data: which candidate, credential and achievement, and the
// equivalency's explanation.
func TestMatchEvidence(t *testing.T) {
	j := loadJob(t, "emt-sierra-vista-ambulance")
	cands := verified("SV-1001-BIOL20-FA25", "JST-1001-AR-0709-0058")
	cands[1].Ref = "Army medic training"
	r := resultByID(t, j.Match(cands), "emt-course")
	s := sampleOrPanic("JST-1001-AR-0709-0058")
	want := []requirements.Evidence{{
		Candidate:     1,
		Credential:    "Army medic training",
		CredentialID:  s.sum.ID,
		Achievement:   "Combat Medic Specialist",
		AchievementID: "https://etranscript.example/institutions/jst/achievements/military/AR-0709-0058",
		How:           "equivalent to EMS 101 Emergency Medical Technician (Sierra Vista Community College)",
		Equivalency:   s.sum.Achievements[0].ResultAlignments[0].TargetDescription,
		Verified:      true,
	}}
	if diff := cmp.Diff(want, r.Evidence); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Army medic training: Combat Medic Specialist"}, r.By); diff != "" {
		t.Errorf("by (-want +got):\n%s", diff)
	}
	if !strings.Contains(want[0].Equivalency, "row M01") {
		t.Errorf("the equivalency does not name its table row: %s", want[0].Equivalency)
	}
}

// Match reads what it needs from the document when the caller has no
// summary, and from the credentials a presentation embeds.
func TestMatchDocumentOnlyAndPresentation(t *testing.T) {
	j := loadJob(t, "emt-sierra-vista-ambulance")
	s := sampleOrPanic("JST-1001-AR-0709-0058")
	withSummary := j.Match([]requirements.Candidate{{Document: s.doc, Summary: s.sum, Verified: true}})
	docOnly := j.Match([]requirements.Candidate{{Document: s.doc, Verified: true}})
	if diff := cmp.Diff(withSummary, docOnly); diff != "" {
		t.Errorf("document only (-with summary +without):\n%s", diff)
	}

	vp := map[string]any{
		"@context":             []any{"https://www.w3.org/ns/credentials/v2"},
		"type":                 []any{"VerifiablePresentation"},
		"verifiableCredential": []any{s.doc, sampleOrPanic("HAS-1002-MEDTERM-1").doc},
	}
	sum, _ := model.Check(vp)
	rs := j.Match([]requirements.Candidate{{Ref: "Application", Document: vp, Summary: sum, Verified: true}})
	for _, id := range []string{"emt-course", "medical-terminology"} {
		if r := resultByID(t, rs, id); !r.Met {
			t.Errorf("%s not met through the presentation: %s", id, r.Detail)
		}
	}
	if got := resultByID(t, rs, "medical-terminology").By; len(got) != 1 || got[0] != "Application: Medical Terminology for Health Careers" {
		t.Errorf("by %q", got)
	}
}

// Hostile or broken candidates meet nothing and break nothing.
func TestMatchOddCandidates(t *testing.T) {
	j := loadJob(t, "emt-sierra-vista-ambulance")
	deep := map[string]any{}
	cur := deep
	for range 500 {
		next := map[string]any{}
		cur["credentialSubject"] = next
		cur = next
	}
	rs := j.Match([]requirements.Candidate{
		{},
		{Document: map[string]any{"type": "VerifiableCredential"}, Verified: true},
		{Document: deep, Verified: true},
		{Document: map[string]any{"credentialSubject": map[string]any{"result": []any{map[string]any{"alignment": "x"}}}}, Verified: true},
	})
	for _, r := range rs {
		if r.Met {
			t.Errorf("%s met by nothing: %s", r.ID, r.Detail)
		}
	}
}

// One Job serves every request of `verify serve` at once.
func TestMatchConcurrent(t *testing.T) {
	j := loadJob(t, "associate-teacher-harbor-head-start")
	cands := learnerCredentials(t, "L-1008")
	want := j.Match(cands)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if diff := cmp.Diff(want, j.Match(cands)); diff != "" {
				t.Errorf("concurrent match differs:\n%s", diff)
			}
		})
	}
	wg.Wait()
}
