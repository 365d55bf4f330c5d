package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/wallet"
)

// searchSet is a small wallet with known answers. Titles are unique.
func searchSet() []wallet.Credential {
	sv := func(c wallet.Credential) wallet.Credential {
		c.IssuerID, c.IssuerName, c.Kind = "did:web:sv.example", "Sierra Vista Community College", wallet.KindCollege
		return c
	}
	mk := func(i int, title, desc string, issued time.Time) wallet.Credential {
		c := NewCredential(1000 + i)
		c.Title, c.Description, c.IssuedAt, c.Skills, c.Credits = title, desc, issued, nil, nil
		return c
	}
	anatomy := sv(mk(1, "Human Anatomy", "Cells, tissues and organ systems.", day(2025, 12, 15)))
	anatomy.Skills = []wallet.Skill{{Name: "Anatomy", Code: "26.0403", Framework: "CIP"}}
	anatomy.Credits = []wallet.Credit{{Course: "BIOL 20", Title: "Human Anatomy", College: "Sierra Vista", Units: 4}}

	cna := mk(2, "Certified Nursing Assistant", "Formación en la Escuela de Enfermería de Harbor.", day(2024, 6, 1))
	cna.IssuerID, cna.IssuerName, cna.Kind = "did:web:harbor.example", "Harbor Adult School", wallet.KindAdultSchool
	cna.Skills = []wallet.Skill{{Name: "Patient care", Code: "31-1131.00"}}
	cna.Credits = []wallet.Credit{{Course: "NRS 100", Title: "Introduction to Nursing", Units: 3}}

	medic := mk(3, "Combat Medic Specialist", "Sixteen weeks of trauma care and evacuation.", day(2019, 8, 23))
	medic.IssuerID, medic.IssuerName, medic.Kind = "did:web:jst.example", "Joint Services Transcript", wallet.KindMilitary
	medic.Skills = []wallet.Skill{{Name: "Emergency Medical Technicians", Code: "29-2042.00", Framework: "O*NET-SOC"}}
	medic.Credits = []wallet.Credit{{Course: "EMS 101", Title: "Emergency Medical Technician", Units: 5}, {Course: "KIN 120", Title: "First Aid and CPR", Units: 1}}

	conduit := mk(4, "Conduit Bending", "Bend and install conduit to code.", day(2025, 3, 10))
	conduit.IssuerID, conduit.IssuerName, conduit.Kind = "did:web:jatc.example", "Valley Electrical JATC", wallet.KindApprenticeship
	conduit.Skills = []wallet.Skill{{Name: "Conduit bending"}}

	food := mk(5, "Food Handler Card", "Safe food handling.", time.Time{})
	food.IssuerID, food.IssuerName, food.Kind = "did:web:health.example", "County Health", wallet.KindOther

	emt := sv(mk(6, "Emergency Medical Technician", "Prehospital emergency care.", day(2026, 1, 20)))
	emt.Skills = []wallet.Skill{{Name: "EMT", Code: "29-2042.00"}}
	emt.Credits = []wallet.Credit{{Course: "EMS 101", Title: "Emergency Medical Technician", Units: 5}}

	basic := mk(7, "Basic Combat Training", "Ten weeks of initial entry training.", day(2018, 5, 1))
	basic.IssuerID, basic.IssuerName, basic.Kind = "did:web:jst.example", "Joint Services Transcript", wallet.KindMilitary

	// Issued the same day as anatomy, added after it.
	terms := sv(mk(8, "Medical Terminology", "Word parts and abbreviations.", day(2025, 12, 15)))
	terms.Credits = []wallet.Credit{{Course: "MEDT 10", Title: "Medical Terminology", Units: 3}}

	return []wallet.Credential{anatomy, cna, medic, conduit, food, emt, basic, terms}
}

func titles(es []wallet.Entry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Title)
	}
	return out
}

func testSearch(t *testing.T, open opener) {
	s := open(t)
	stored := add(t, s, searchSet()...)
	byTitle := map[string]wallet.Credential{}
	for _, c := range stored {
		byTitle[c.Title] = c
	}
	everything := []string{"Emergency Medical Technician", "Medical Terminology", "Human Anatomy", "Conduit Bending",
		"Certified Nursing Assistant", "Combat Medic Specialist", "Basic Combat Training", "Food Handler Card"}
	tests := []struct {
		name string
		q    wallet.Query
		want []string
		err  error
	}{
		{name: "ok/everything-newest-first", q: wallet.Query{}, want: everything},
		{name: "ok/title", q: wallet.Query{Text: "anatomy"}, want: []string{"Human Anatomy"}},
		{name: "ok/title-prefix", q: wallet.Query{Text: "medic"}, want: []string{"Emergency Medical Technician", "Medical Terminology", "Combat Medic Specialist"}},
		{name: "ok/two-words-both-required", q: wallet.Query{Text: "combat medic"}, want: []string{"Combat Medic Specialist"}},
		{name: "ok/ignores-case", q: wallet.Query{Text: "HUMAN ANATOMY"}, want: []string{"Human Anatomy"}},
		{name: "ok/issuer-name", q: wallet.Query{Text: "sierra vista"}, want: []string{"Emergency Medical Technician", "Medical Terminology", "Human Anatomy"}},
		{name: "ok/description", q: wallet.Query{Text: "evacuation"}, want: []string{"Combat Medic Specialist"}},
		{name: "ok/ignores-accents", q: wallet.Query{Text: "enfermeria"}, want: []string{"Certified Nursing Assistant"}},
		{name: "ok/accents-in-query", q: wallet.Query{Text: "Formación"}, want: []string{"Certified Nursing Assistant"}},
		{name: "ok/skill-name", q: wallet.Query{Text: "patient"}, want: []string{"Certified Nursing Assistant"}},
		{name: "ok/skill-code", q: wallet.Query{Text: "29-2042.00"}, want: []string{"Emergency Medical Technician", "Combat Medic Specialist"}},
		{name: "ok/course-code", q: wallet.Query{Text: "EMS 101"}, want: []string{"Emergency Medical Technician", "Combat Medic Specialist"}},
		{name: "ok/course-code-other", q: wallet.Query{Text: "kin 120"}, want: []string{"Combat Medic Specialist"}},
		{name: "ok/course-title", q: wallet.Query{Text: "first aid"}, want: []string{"Combat Medic Specialist"}},
		{name: "ok/no-match", q: wallet.Query{Text: "welding"}, want: []string{}},
		{name: "ok/query-syntax-is-words", q: wallet.Query{Text: `medic" OR *`}, want: []string{}},
		{name: "ok/unbalanced-quote", q: wallet.Query{Text: `"anatomy`}, want: []string{"Human Anatomy"}},
		{name: "ok/operators-are-words", q: wallet.Query{Text: "NEAR(anatomy) AND"}, want: []string{}},
		{name: "ok/punctuation-only", q: wallet.Query{Text: `*"():^-`}, want: everything},
		{name: "ok/kind", q: wallet.Query{Kind: wallet.KindMilitary}, want: []string{"Combat Medic Specialist", "Basic Combat Training"}},
		{name: "ok/kind-none", q: wallet.Query{Kind: wallet.KindAdultSchool, Text: "medic"}, want: []string{}},
		{name: "ok/issuer", q: wallet.Query{Issuer: "did:web:sv.example"}, want: []string{"Emergency Medical Technician", "Medical Terminology", "Human Anatomy"}},
		{name: "ok/skill-by-name", q: wallet.Query{Skill: "emergency medical technicians"}, want: []string{"Combat Medic Specialist"}},
		{name: "ok/skill-by-code", q: wallet.Query{Skill: "29-2042.00"}, want: []string{"Emergency Medical Technician", "Combat Medic Specialist"}},
		{name: "ok/skill-is-whole", q: wallet.Query{Skill: "conduit"}, want: []string{}},
		{name: "ok/issued-range", q: wallet.Query{IssuedFrom: day(2025, 1, 1), IssuedBefore: day(2026, 1, 1)}, want: []string{"Medical Terminology", "Human Anatomy", "Conduit Bending"}},
		{name: "ok/issued-from-inclusive", q: wallet.Query{IssuedFrom: day(2026, 1, 20)}, want: []string{"Emergency Medical Technician"}},
		{name: "ok/issued-before-exclusive-and-dated", q: wallet.Query{IssuedBefore: day(2019, 8, 23)}, want: []string{"Basic Combat Training"}},
		{name: "ok/combined", q: wallet.Query{Kind: wallet.KindCollege, Text: "medical", Skill: "EMT", IssuedFrom: day(2020, 1, 1)}, want: []string{"Emergency Medical Technician"}},
		{name: "ok/limit", q: wallet.Query{Limit: 2}, want: everything[:2]},
		{name: "fail/negative-limit", q: wallet.Query{Limit: -1}, err: wallet.ErrInvalid},
		{name: "fail/limit-too-large", q: wallet.Query{Limit: wallet.MaxLimit + 1}, err: wallet.ErrInvalid},
		{name: "fail/unknown-kind", q: wallet.Query{Kind: "university"}, err: wallet.ErrInvalid},
		{name: "fail/malformed-cursor", q: wallet.Query{After: "page two"}, err: wallet.ErrInvalid},
		{name: "fail/text-too-long", q: wallet.Query{Text: strings.Repeat("a", wallet.MaxTextBytes+1)}, err: wallet.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := s.Search(t.Context(), tt.q)
			wantErr(t, "search", err, tt.err)
			if tt.err != nil {
				return
			}
			diff(t, "titles", titles(p.Entries), tt.want)
			for _, e := range p.Entries {
				diff(t, "entry "+e.Title, e, byTitle[e.Title].Entry)
			}
		})
	}
	t.Run("ok/many-terms", func(t *testing.T) {
		// Words past MaxTerms are ignored, not an error.
		text := "human anatomy" + strings.Repeat(" x", wallet.MaxTerms)
		if _, err := s.Search(t.Context(), wallet.Query{Text: text}); err != nil {
			t.Fatal(err)
		}
	})
}

func testPaging(t *testing.T, open opener) {
	s := open(t)
	add(t, s, searchSet()...)
	want := titles(all(t, s))
	for _, limit := range []int{1, 3, 7, 8, 9} {
		t.Run(fmt.Sprintf("ok/limit-%d", limit), func(t *testing.T) {
			var got []string
			q := wallet.Query{Limit: limit}
			for pages := 0; ; pages++ {
				if pages > len(want) {
					t.Fatal("paging does not end")
				}
				p, err := s.Search(t.Context(), q)
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Entries) > limit {
					t.Fatalf("page of %d, limit %d", len(p.Entries), limit)
				}
				got = append(got, titles(p.Entries)...)
				if p.Next == "" {
					break
				}
				q.After = p.Next
			}
			diff(t, "pages", got, want)
		})
	}
	t.Run("ok/filters-apply-on-every-page", func(t *testing.T) {
		q := wallet.Query{Kind: wallet.KindCollege, Limit: 2}
		p1, err := s.Search(t.Context(), q)
		if err != nil || p1.Next == "" {
			t.Fatalf("first page: %v, next %q", err, p1.Next)
		}
		q.After = p1.Next
		p2, err := s.Search(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		diff(t, "pages", append(titles(p1.Entries), titles(p2.Entries)...), []string{"Emergency Medical Technician", "Medical Terminology", "Human Anatomy"})
		if p2.Next != "" {
			t.Errorf("last page has next %q", p2.Next)
		}
	})
	t.Run("ok/stable-while-adding", func(t *testing.T) {
		p1, err := s.Search(t.Context(), wallet.Query{Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		newest := NewCredential(2000)
		newest.Title, newest.IssuedAt = "Newest", day(2030, 1, 1)
		add(t, s, newest)
		p2, err := s.Search(t.Context(), wallet.Query{Limit: 3, After: p1.Next})
		if err != nil {
			t.Fatal(err)
		}
		diff(t, "second page after an add", titles(p2.Entries), want[3:6])
	})
	t.Run("ok/empty-wallet", func(t *testing.T) {
		p, err := open(t).Search(t.Context(), wallet.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Entries) != 0 || p.Next != "" {
			t.Errorf("empty wallet: %+v", p)
		}
	})
	t.Run("ok/cursor-of-deleted-entry", func(t *testing.T) {
		s := open(t)
		cs := add(t, s, searchSet()...)
		p1, err := s.Search(t.Context(), wallet.Query{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.ID == p1.Entries[0].ID {
				if err := s.DeleteCredential(t.Context(), c.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		p2, err := s.Search(t.Context(), wallet.Query{Limit: 1, After: p1.Next})
		if err != nil || len(p2.Entries) != 1 || p2.Entries[0].Title != "Medical Terminology" {
			t.Errorf("page after a deleted entry: %v, %v", titles(p2.Entries), err)
		}
	})
}
