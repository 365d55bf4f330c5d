package model_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/verifier/model"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// obAchievement is what Check reads from obJSON's achievement.
var obAchievement = model.Achievement{
	ID:               "https://transcripts.example.edu/achievements/AR-0801-0032",
	Name:             "Combat Lifesaver Course",
	Description:      "First aid and emergency care in the field.",
	Type:             "Course",
	HumanCode:        "AR-0801-0032",
	CreditsAvailable: 3,
	CreditsEarned:    3,
	Alignments: []model.Alignment{{
		TargetName: "Emergency medical care", TargetCode: "29-2042.00", TargetFramework: "O*NET-SOC",
		TargetType: "ext:Occupation", TargetURL: "https://www.onetonline.org/link/summary/29-2042.00",
	}},
	Results: []model.Result{{
		ResultDescription: "urn:uuid:3d4c1f9a-0c1e-4d7b-9e63-6a2f1f6f0f11",
		Value:             "Pass",
		Alignments:        []model.Alignment{ccCourse},
	}},
	ResultAlignments: []model.Alignment{ccCourse},
	Awarded:          true,
	CredentialID:     "urn:uuid:2f0d8a34-7a43-4bd0-9f0e-2a1b3c4d5e6f",
	Issuer:           "did:web:transcripts.example.edu",
	Path:             "credentialSubject.achievement",
}

var ccCourse = model.Alignment{
	TargetName: "EMS 101 First Responder", TargetCode: "EMS 101", TargetFramework: "Foothill College",
	TargetType: "ext:CommunityCollegeCourse", TargetURL: "https://catalog.example.edu/courses/EMS-101",
}

var obSummary = model.Summary{
	Kind:         model.Credential,
	Version:      model.V2,
	Types:        []string{"VerifiableCredential", "AchievementCredential"},
	ID:           "urn:uuid:2f0d8a34-7a43-4bd0-9f0e-2a1b3c4d5e6f",
	Name:         "Combat Lifesaver Course",
	Issuer:       "did:web:transcripts.example.edu",
	IssuerName:   "eTranscript California",
	Subjects:     []string{"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"},
	ValidFrom:    date("2025-06-01T00:00:00Z"),
	IsOB3:        true,
	Achievements: []model.Achievement{obAchievement},
}

func TestSummary(t *testing.T) {
	t.Run("ok/ob", func(t *testing.T) {
		sum, findings := model.Check(obCred(t))
		if findings != nil {
			t.Fatalf("findings: %s", summarize(findings))
		}
		if diff := cmp.Diff(obSummary, sum); diff != "" {
			t.Errorf("summary (-want +got):\n%s", diff)
		}
	})

	t.Run("ok/ob-numbers-as-json-number", func(t *testing.T) {
		dec := json.NewDecoder(bytes.NewReader([]byte(obJSON)))
		dec.UseNumber()
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			t.Fatal(err)
		}
		sum, findings := model.Check(d)
		if findings != nil {
			t.Fatalf("findings: %s", summarize(findings))
		}
		if diff := cmp.Diff(obSummary, sum); diff != "" {
			t.Errorf("summary (-want +got):\n%s", diff)
		}
	})

	t.Run("ok/clr", func(t *testing.T) {
		sum, findings := model.Check(clrCred(t))
		if findings != nil {
			t.Fatalf("findings: %s", summarize(findings))
		}
		nested := obAchievement
		nested.Path = "credentialSubject.verifiableCredential[0].credentialSubject.achievement"
		program := model.Achievement{
			ID: "https://transcripts.example.edu/programs/ems", Name: "EMS pathway", Description: "Program the course belongs to.",
			Type: "LearningProgram", CredentialID: "urn:uuid:8a1b2c3d-4e5f-4061-8a7b-9c0d1e2f3a4b",
			Issuer: "did:web:transcripts.example.edu", Path: "credentialSubject.achievement[1]",
		}
		nestedSum := obSummary
		nestedSum.Achievements = []model.Achievement{nested}
		want := model.Summary{
			Kind: model.Credential, Version: model.V2,
			Types:      []string{"VerifiableCredential", "ClrCredential"},
			ID:         "urn:uuid:8a1b2c3d-4e5f-4061-8a7b-9c0d1e2f3a4b",
			Name:       "Transcript",
			Issuer:     "did:web:transcripts.example.edu",
			IssuerName: "eTranscript California",
			Subjects:   []string{"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"},
			ValidFrom:  date("2025-06-02T00:00:00Z"),
			IsCLR:      true,
			// The course is awarded by the nested credential and listed
			// again at CLR level: it appears once, as awarded.
			Achievements: []model.Achievement{nested, program},
			Credentials:  []model.Summary{nestedSum},
		}
		if diff := cmp.Diff(want, sum); diff != "" {
			t.Errorf("summary (-want +got):\n%s", diff)
		}
	})

	t.Run("ok/presentation", func(t *testing.T) {
		d := vp2()
		d["holder"] = map[string]any{"id": "did:example:holder"}
		d["verifiableCredential"] = []any{vc2(), obCred(t)}
		sum, findings := model.Check(d)
		if findings != nil {
			t.Fatalf("findings: %s", summarize(findings))
		}
		want := model.Summary{
			Kind: model.Presentation, Version: model.V2, Types: []string{"VerifiablePresentation"}, Holder: "did:example:holder",
			Credentials: []model.Summary{{
				Kind: model.Credential, Version: model.V2, Types: []string{"VerifiableCredential"},
				ID: "urn:uuid:6b8f3e1c-0a4b-4c55-9a52-0c3b4bb0b1a1", Issuer: "did:example:issuer",
				Subjects: []string{"did:example:subject"}, ValidFrom: date("2025-01-01T00:00:00Z"),
			}, withPath(obSummary, "verifiableCredential[1].")},
		}
		if diff := cmp.Diff(want, sum); diff != "" {
			t.Errorf("summary (-want +got):\n%s", diff)
		}
	})

	t.Run("ok/v1-dates", func(t *testing.T) {
		d := vc1()
		d["expirationDate"] = "2020-01-01T19:23:24Z"
		sum, _ := model.Check(d)
		if !sum.ValidFrom.Equal(date("2010-01-01T19:23:24Z")) || !sum.ValidUntil.Equal(date("2020-01-01T19:23:24Z")) {
			t.Errorf("ValidFrom %v, ValidUntil %v", sum.ValidFrom, sum.ValidUntil)
		}
		if sum.Version != model.V1 || sum.Version.String() != "1.1" {
			t.Errorf("version %v", sum.Version)
		}
	})

	t.Run("fail/values-read-despite-findings", func(t *testing.T) {
		d := obCred(t)
		d["validFrom"] = "soon"
		d["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["name"] = map[string]any{"es": "Curso", "en": "Course"}
		obj(d, "issuer")["name"] = []any{map[string]any{"@value": "Transcripts", "@language": "en"}}
		sum, findings := model.Check(d)
		if len(findings) != 1 {
			t.Errorf("findings: %s", summarize(findings))
		}
		if !sum.ValidFrom.IsZero() || sum.Achievements[0].Name != "Course" || sum.IssuerName != "Transcripts" {
			t.Errorf("ValidFrom %v, achievement name %q, issuer name %q", sum.ValidFrom, sum.Achievements[0].Name, sum.IssuerName)
		}
	})
}

// withPath returns s as found at prefix in another document.
func withPath(s model.Summary, prefix string) model.Summary {
	s.Achievements = append([]model.Achievement(nil), s.Achievements...)
	for i := range s.Achievements {
		s.Achievements[i].Path = prefix + s.Achievements[i].Path
	}
	return s
}

func TestVersionString(t *testing.T) {
	for v, want := range map[model.Version]string{model.Unknown: "unknown", model.V1: "1.1", model.V2: "2.0"} {
		if got := v.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", v, got, want)
		}
	}
	f := model.Finding{Path: "issuer", Rule: "issuer-url", Detail: "issuer \"x\" is not a URL"}
	if got, want := f.String(), `issuer: issuer "x" is not a URL (issuer-url)`; got != want {
		t.Errorf("Finding.String() = %q, want %q", got, want)
	}
}
