package transcript

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestRecordValidate(t *testing.T) {
	ok := []Record{
		course("c1", "sierra-vista", "ECE 101", "B", "2024-05-01"),
		cert("a1", "CNA-150", 160, 0, "2024-05-01"),
		comp("p1", "EL-DC-01", 120, "2024-05-01"),
		jst("j1", "AR-0709-0050", "2019-05-01", lower4),
		jst("j2", "AR-MOS-68W-004", "2019-05-01"),
	}
	for _, r := range ok {
		t.Run("ok/"+string(r.Kind)+"/"+r.ID, func(t *testing.T) {
			if err := r.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
	tests := []struct {
		name  string
		r     Record
		field string
		want  string
	}{
		{"fail/no id", func() Record { r := ok[0]; r.ID = ""; return r }(), "id", "is required"},
		{"fail/kind and payload disagree", func() Record { r := ok[0]; r.Kind = Military; return r }(), "military", "is required for kind military"},
		{"fail/two payloads", func() Record { r := ok[0]; r.Certificate = ok[1].Certificate; return r }(), "kind", "exactly one of"},
		{"fail/unknown kind", func() Record { r := ok[0]; r.Kind = "university"; return r }(), "kind", `"university"`},
		{"fail/bad course code", func() Record { r := ok[0]; c := *r.Course; c.Code = "intro to ECE"; r.Course = &c; return r }(), "course.code", "is not a course code"},
		{"fail/bad grade", func() Record { r := ok[0]; c := *r.Course; c.Grade = "E"; r.Course = &c; return r }(), "course.grade", `unknown grade "E"`},
		{"fail/noncredit with units", func() Record { r := ok[0]; c := *r.Course; c.Noncredit = true; r.Course = &c; return r }(), "course.units", "carries hours, not units"},
		{"fail/too many units", func() Record { r := ok[0]; c := *r.Course; c.Units = 31; r.Course = &c; return r }(), "course.units", "more than the limit 30"},
		{"fail/no completion date", func() Record { r := ok[1]; c := *r.Certificate; c.Completed = Date{}; r.Certificate = &c; return r }(), "certificate.completed", "is required"},
		{"fail/bad NRS level", func() Record { r := ok[1]; c := *r.Certificate; c.Level = 7; r.Certificate = &c; return r }(), "certificate.level", "not an NRS level"},
		{"fail/bad O*NET code", func() Record { r := ok[2]; c := *r.Competency; c.ONETSOC = "47-2111"; r.Competency = &c; return r }(), "competency.onetSoc", "is not an O*NET-SOC code"},
		{"fail/no sign-off", func() Record { r := ok[2]; c := *r.Competency; c.SignedOffBy = " "; r.Competency = &c; return r }(), "competency.signedOffBy", "is required"},
		{"fail/bad block", func() Record { r := ok[2]; c := *r.Competency; c.Block = "class"; r.Competency = &c; return r }(), "competency.block", `"class"`},
		{"fail/bad ACE id", func() Record { r := ok[3]; m := *r.Military; m.ACEID = "ARMY-68W"; r.Military = &m; return r }(), "military.aceId", "is not an ACE identifier"},
		{"fail/ended before it started", func() Record {
			r := ok[3]
			m := *r.Military
			m.Started = MustDate("2020-01-01")
			r.Military = &m
			return r
		}(), "military.completed", "is before the start 2020-01-01"},
		{"fail/bad ACE level", func() Record {
			r := ok[3]
			m := *r.Military
			m.Credit = []ACECredit{{Level: "remedial", Hours: 3, Subject: "x"}}
			r.Military = &m
			return r
		}(), "military.credit[0].level", `"remedial"`},
		{"fail/overlong description", func() Record {
			r := ok[1]
			c := *r.Certificate
			c.Description = strings.Repeat("x", MaxTextLen+1)
			r.Certificate = &c
			return r
		}(), "certificate.description", "is longer than 4000 bytes"},
		{"fail/bad skill", func() Record { r := ok[0]; r.Skills = []Skill{{Name: "x", Framework: "y", URL: "ftp://x"}}; return r }(), "skills[0]", `want an absolute http(s) URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Validate()
			var found bool
			for _, e := range unjoin(err) {
				var fe *FieldError
				if errors.As(e, &fe) && fe.Field == tt.field && strings.Contains(fe.Reason, tt.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("err = %v; want a FieldError on %s containing %q", err, tt.field, tt.want)
			}
		})
	}
}

func unjoin(err error) []error {
	if u, ok := err.(interface{ Unwrap() []error }); ok {
		return u.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

func TestDIDWebURL(t *testing.T) {
	for _, tt := range []struct{ did, want, err string }{
		{"did:web:example.org", "https://example.org", ""},
		{"did:web:etranscript.example:institutions:jst", "https://etranscript.example/institutions/jst", ""},
		{"did:web:localhost%3A8080:i:a", "https://localhost:8080/i/a", ""},
		{"did:key:z6Mk", "", "is not a did:web identifier"},
		{"did:web:", "", "is not a did:web identifier"},
		{"did:web:a.org::x", "", "bad path segment"},
		{"did:web:a.org%2Fevil", "", "bad host"},
	} {
		got, err := DIDWebURL(tt.did)
		if got != tt.want || (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("DIDWebURL(%q) = %q, %v; want %q, %q", tt.did, got, err, tt.want, tt.err)
		}
	}
}

// A grade read from JSON in lower case ranks as the grade it names.
func TestGradeFromJSONIsNormalised(t *testing.T) {
	var c struct {
		Grade Grade `json:"grade"`
	}
	if err := json.Unmarshal([]byte(`{"grade":" b+ "}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.Grade != "B+" || !c.Grade.Meets("C") {
		t.Fatalf("grade %q: Meets(C)=%v", c.Grade, c.Grade.Meets("C"))
	}
	if err := json.Unmarshal([]byte(`{"grade":"Z"}`), &c); err != nil || c.Grade != "Z" {
		t.Fatalf("unknown grade: %q %v", c.Grade, err)
	}
}
