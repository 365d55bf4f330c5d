package transcript

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	emt  = Course{College: "Sierra Vista Community College", Code: "EMS 101", Title: "Emergency Medical Technician", Units: 5, URL: "https://catalog.example/ems-101"}
	cpr  = Course{College: "Sierra Vista Community College", Code: "KIN 120", Title: "First Aid and CPR", Units: 1, URL: "https://catalog.example/kin-120"}
	hlth = Course{College: "Sierra Vista Community College", Code: "HLTH 101", Title: "Personal Health", Units: 3, URL: "https://catalog.example/hlth-101"}
	ece  = Course{College: "Valley Oak College", Code: "CD 110", Title: "Child Growth and Development", CID: "CDEV 100", Units: 3, URL: "https://catalog.example/cd-110"}
	na   = Course{College: "Sierra Vista Community College", Code: "NA 100", Title: "Nurse Assistant", Units: 6, URL: "https://catalog.example/na-100"}
	esl  = Course{College: "Sierra Vista Community College", Code: "ESL 30", Title: "High-Intermediate Listening", Units: 3, URL: "https://catalog.example/esl-30"}
	elec = Course{College: "Sierra Vista Community College", Code: "ELEC 101", Title: "DC Circuits", Units: 3, URL: "https://catalog.example/elec-101"}
)

func row(id string, src Source, c Conditions, grants ...Course) Row {
	return Row{ID: id, Source: src, Conditions: c, Grants: grants, Authority: "Faculty and Articulation Officer", Approved: MustDate("2024-03-01")}
}

func testTables() []Table {
	return []Table{
		{TableInfo: TableInfo{ID: "military", Version: "2024.1", Title: "Military training", Owner: "sierra-vista", EffectiveFrom: MustDate("2024-01-01"), UnitCap: 8},
			Rows: []Row{
				row("m1", Source{Kind: Military, ID: "AR-0709-0050"}, Conditions{MinACEHours: 4, ACELevel: LowerDivision, CompletedFrom: MustDate("2015-01-01")}, emt, cpr),
				row("m2", Source{Kind: Military, ID: "AR-MOS-68W-004"}, Conditions{}, emt),
				row("m3", Source{Kind: Military, ID: "AR-0709-0099"}, Conditions{}, hlth),
			}},
		{TableInfo: TableInfo{ID: "military", Version: "2025.1", Title: "Military training", Owner: "sierra-vista", EffectiveFrom: MustDate("2025-07-01"), UnitCap: 8},
			Rows: []Row{
				row("m1", Source{Kind: Military, ID: "AR-0709-0050"}, Conditions{MinACEHours: 4, ACELevel: LowerDivision, CompletedFrom: MustDate("2015-01-01")}, emt, cpr),
				row("m2", Source{Kind: Military, ID: "AR-MOS-68W-004"}, Conditions{}, emt),
				row("m3", Source{Kind: Military, ID: "AR-0709-0099"}, Conditions{}, hlth),
				row("m4", Source{Kind: Military, ID: "AR-1715-0100"}, Conditions{}, elec),
			}},
		{TableInfo: TableInfo{ID: "local", Version: "1", Title: "Local articulation", Owner: "valley-oak", EffectiveFrom: MustDate("2020-01-01")},
			Rows: []Row{
				row("ece-any", Source{Kind: College, ID: "ECE 101"}, Conditions{MinGrade: "C"}, ece),
				func() Row {
					r := row("ece-sv", Source{Kind: College, Institution: "sierra-vista", ID: "ECE 101"}, Conditions{MinGrade: "C"}, ece)
					r.Approved = MustDate("2022-01-01")
					return r
				}(),
				row("cna", Source{Kind: AdultSchool, ID: "CNA-150"}, Conditions{MinHours: 150, CompletedUntil: MustDate("2026-12-31")}, na),
				row("esl", Source{Kind: AdultSchool, ID: "ESL-IH"}, Conditions{MinLevel: 5}, esl),
				row("pv", Source{Kind: Apprenticeship, ID: "EL-DC-01"}, Conditions{MinHours: 120}, elec),
			}},
	}
}

func testEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := NewEngine(testTables(), Catalog{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func jst(id, ace string, done string, credit ...ACECredit) Record {
	return Record{ID: id, Kind: Military, Institution: "jst", Learner: "L1", Military: &MilitaryTraining{
		ACEID: ace, Title: "Training " + ace, Branch: "Army", Completed: MustDate(done), Credit: credit}}
}

func course(id, inst, code, grade, done string) Record {
	return Record{ID: id, Kind: College, Institution: inst, Learner: "L1", Course: &CourseWork{
		Code: code, Title: "Course " + code, Term: "Fall", Grade: Grade(grade), Units: 3, Completed: MustDate(done)}}
}

func cert(id, prog string, hours float64, level int, done string) Record {
	return Record{ID: id, Kind: AdultSchool, Institution: "harbor", Learner: "L1", Certificate: &Certificate{
		ProgramCode: prog, Program: "Programme " + prog, Hours: hours, Level: level, Completed: MustDate(done)}}
}

func comp(id, code string, hours float64, done string) Record {
	return Record{ID: id, Kind: Apprenticeship, Institution: "gs", Learner: "L1", Competency: &Competency{
		Occupation: "Electrician", ONETSOC: "47-2111.00", Code: code, Name: "DC theory", Block: BlockRTI, Hours: hours,
		SignedOffBy: "J. Worker", Completed: MustDate(done)}}
}

var lower4 = ACECredit{Level: LowerDivision, Hours: 4, Subject: "emergency medical technology"}

type granted struct {
	record, course string
	rule           RuleRef
}

type denied struct {
	record  string
	outcome Outcome
	reason  string // a substring of the reasons
}

func summarize(ms []Mapping) (gs []granted, ds []denied, none []string) {
	for _, m := range ms {
		for _, g := range m.Grants {
			gs = append(gs, granted{m.Record, g.Course.Code, g.Rule})
		}
		for _, d := range m.Decisions {
			ds = append(ds, denied{m.Record, d.Outcome, strings.Join(d.Reasons, "; ")})
		}
		if len(m.Grants) == 0 && len(m.Decisions) == 0 {
			none = append(none, m.Record+": "+m.Reason)
		}
	}
	return
}

func TestMapLearner(t *testing.T) {
	asOf := MustDate("2026-01-15")
	ref := func(table, ver, row string) RuleRef { return RuleRef{table, ver, row} }
	tests := []struct {
		name    string
		records []Record
		asOf    Date
		grants  []granted
		denials []denied
		none    []string // substrings of the no-match reasons, in order
	}{
		{name: "ok/military course grants two courses",
			records: []Record{jst("j1", "AR-0709-0050", "2019-05-01", lower4)},
			grants:  []granted{{"j1", "EMS 101", ref("military", "2025.1", "m1")}, {"j1", "KIN 120", ref("military", "2025.1", "m1")}}},
		{name: "ok/source identifier ignores case and spacing",
			records: []Record{course("c1", "sierra-vista", "ece  101", "B", "2023-12-01")},
			grants:  []granted{{"c1", "CD 110", ref("local", "1", "ece-sv")}},
			denials: []denied{{"c1", Overlap, "CD 110 Valley Oak College is already granted by table local v1 row ece-sv"}}},
		{name: "ok/older table version in force on an earlier date",
			records: []Record{jst("j1", "AR-1715-0100", "2019-05-01")}, asOf: MustDate("2025-01-01"),
			none: []string{`no equivalency row for Military ACE-evaluated training "AR-1715-0100" in the tables in force on 2025-01-01 (tables: local v1, military v2024.1)`}},
		{name: "ok/newer table version adds a row",
			records: []Record{jst("j1", "AR-1715-0100", "2019-05-01")},
			grants:  []granted{{"j1", "ELEC 101", ref("military", "2025.1", "m4")}}},
		{name: "ok/adult-school certificate meets hours",
			records: []Record{cert("a1", "CNA-150", 160, 0, "2024-06-01")},
			grants:  []granted{{"a1", "NA 100", ref("local", "1", "cna")}}},
		{name: "ok/pass mark meets minimum C",
			records: []Record{course("c1", "coastline", "ECE 101", "P", "2023-12-01")},
			grants:  []granted{{"c1", "CD 110", ref("local", "1", "ece-any")}}},
		{name: "ok/specific institution row wins over the any-sender row even when older",
			records: []Record{course("c1", "sierra-vista", "ECE 101", "A", "2023-12-01")},
			grants:  []granted{{"c1", "CD 110", ref("local", "1", "ece-sv")}},
			denials: []denied{{"c1", Overlap, "already granted by table local v1 row ece-sv"}}},
		{name: "ok/records are mapped in completion order whatever the input order",
			records: []Record{jst("j2", "AR-MOS-68W-004", "2021-01-01"), jst("j1", "AR-0709-0050", "2019-05-01", lower4)},
			grants:  []granted{{"j1", "EMS 101", ref("military", "2025.1", "m1")}, {"j1", "KIN 120", ref("military", "2025.1", "m1")}},
			denials: []denied{{"j2", Overlap, "EMS 101 Sierra Vista Community College is already granted by table military v2025.1 row m1 for record j1"}}},
		{name: "fail/grade below minimum",
			records: []Record{course("c1", "coastline", "ECE 101", "C-", "2023-12-01")},
			denials: []denied{{"c1", ConditionFailed, "grade C- below minimum C"}}},
		{name: "fail/withdrawal earns nothing",
			records: []Record{course("c1", "coastline", "ECE 101", "W", "2023-12-01")},
			denials: []denied{{"c1", ConditionFailed, "grade W does not earn credit"}}},
		{name: "fail/too few hours",
			records: []Record{cert("a1", "CNA-150", 120, 0, "2024-06-01")},
			denials: []denied{{"a1", ConditionFailed, "120 hours below minimum 150"}}},
		{name: "fail/completed after the window",
			records: []Record{cert("a1", "CNA-150", 150, 0, "2027-01-02")}, asOf: MustDate("2027-02-01"),
			denials: []denied{{"a1", ConditionFailed, "completed 2027-01-02, row accepts completions until 2026-12-31"}}},
		{name: "fail/NRS level too low",
			records: []Record{cert("a1", "ESL-IH", 100, 4, "2024-06-01")},
			denials: []denied{{"a1", ConditionFailed, "NRS level 4 below minimum 5"}}},
		{name: "fail/apprenticeship hours",
			records: []Record{comp("p1", "EL-DC-01", 80, "2024-06-01")},
			denials: []denied{{"p1", ConditionFailed, "80 hours below minimum 120"}}},
		{name: "fail/completed before the row's window, every failed condition listed",
			records: []Record{jst("j1", "AR-0709-0050", "2011-06-01", ACECredit{Level: Vocational, Hours: 3, Subject: "first aid"})},
			denials: []denied{{"j1", ConditionFailed, "ACE recommends no lower-division credit; completed 2011-06-01, row accepts completions from 2015-01-01"}}},
		{name: "fail/too few ACE hours at the level",
			records: []Record{jst("j1", "AR-0709-0050", "2019-06-01", ACECredit{Level: LowerDivision, Hours: 2, Subject: "emt"}, ACECredit{Level: Vocational, Hours: 6, Subject: "emt"})},
			denials: []denied{{"j1", ConditionFailed, "ACE recommends 2 lower-division semester hours, row requires 4"}}},
		{name: "fail/unit cap refuses the grant that would pass it",
			records: []Record{jst("j1", "AR-0709-0050", "2019-05-01", lower4), jst("j2", "AR-0709-0099", "2020-05-01")},
			grants:  []granted{{"j1", "EMS 101", ref("military", "2025.1", "m1")}, {"j1", "KIN 120", ref("military", "2025.1", "m1")}},
			denials: []denied{{"j2", CapReached, "HLTH 101 Sierra Vista Community College (3 units) would pass table military's cap of 8 units (6 granted already)"}}},
		{name: "fail/no row for the source",
			records: []Record{jst("j1", "NV-1234-0001", "2019-05-01")},
			none:    []string{`no equivalency row for Military ACE-evaluated training "NV-1234-0001"`}},
		{name: "fail/row for another kind does not apply",
			records: []Record{cert("a1", "ECE 101", 200, 0, "2024-06-01")},
			none:    []string{`no equivalency row for Adult school programme "ECE 101"`}},
		{name: "fail/no table in force yet",
			records: []Record{jst("j1", "AR-0709-0050", "2010-05-01", lower4)}, asOf: MustDate("2019-01-01"),
			none: []string{"in the tables in force on 2019-01-01 (no tables)"}},
	}
	e := testEngine(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := tt.asOf
			if at.IsZero() {
				at = asOf
			}
			ms := e.MapLearner(tt.records, at)
			if len(ms) != len(tt.records) {
				t.Fatalf("got %d mappings for %d records", len(ms), len(tt.records))
			}
			for i, m := range ms {
				if m.Record != tt.records[i].ID {
					t.Errorf("mapping %d is for %s, want %s (input order)", i, m.Record, tt.records[i].ID)
				}
			}
			gs, ds, none := summarize(ms)
			if diff := cmp.Diff(tt.grants, gs, cmp.AllowUnexported(granted{})); diff != "" {
				t.Errorf("grants (-want +got):\n%s", diff)
			}
			if len(ds) != len(tt.denials) {
				t.Errorf("decisions: got %+v, want %+v", ds, tt.denials)
			} else {
				for i, d := range ds {
					w := tt.denials[i]
					if d.record != w.record || d.outcome != w.outcome || !strings.Contains(d.reason, w.reason) {
						t.Errorf("decision %d: got %+v, want %+v", i, d, w)
					}
				}
			}
			if len(none) != len(tt.none) {
				t.Fatalf("no-match reasons: got %q, want %q", none, tt.none)
			}
			for i := range none {
				if !strings.Contains(none[i], tt.none[i]) {
					t.Errorf("no-match reason %d: %q does not contain %q", i, none[i], tt.none[i])
				}
			}
			for _, m := range ms {
				if len(m.Grants) == 0 && m.Reason == "" {
					t.Errorf("record %s: nothing granted and no reason given", m.Record)
				}
				for _, g := range m.Grants {
					if !strings.Contains(g.Explanation, g.Rule.String()) || !strings.Contains(g.Explanation, g.Authority) {
						t.Errorf("explanation %q does not name its rule %s and authority", g.Explanation, g.Rule)
					}
				}
			}
		})
	}
}

func TestMapIsDeterministic(t *testing.T) {
	e := testEngine(t)
	recs := []Record{
		jst("j1", "AR-0709-0050", "2019-05-01", lower4), jst("j2", "AR-MOS-68W-004", "2019-05-01"),
		jst("j3", "AR-0709-0099", "2019-05-01"), course("c1", "coastline", "ECE 101", "B", "2019-05-01"),
	}
	want := e.MapLearner(recs, MustDate("2026-01-01"))
	rev := []Record{recs[3], recs[2], recs[1], recs[0]}
	for i := 0; i < 20; i++ {
		got := e.MapLearner(rev, MustDate("2026-01-01"))
		for j := range got {
			if diff := cmp.Diff(want[3-j], got[j]); diff != "" {
				t.Fatalf("mapping of %s differs with input order (-want +got):\n%s", got[j].Record, diff)
			}
		}
	}
}

func TestMapSkills(t *testing.T) {
	tables := testTables()
	tables[2].Rows[2].Skills = []string{"onet:31-1131.00"}
	cat, err := NewCatalog([]Skill{{ID: "onet:31-1131.00", Framework: "O*NET-SOC", Code: "31-1131.00", Name: "Nursing Assistants", URL: "https://www.onetonline.org/link/summary/31-1131.00"}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(tables, cat)
	if err != nil {
		t.Fatal(err)
	}
	own := Skill{Framework: "CASAS", Code: "4.8", Name: "Health and safety", URL: "https://www.casas.org/"}
	r := cert("a1", "CNA-150", 160, 0, "2024-06-01")
	r.Skills = []Skill{own}
	m := e.Map(r, MustDate("2026-01-01"))
	if got := len(m.Skills); got != 2 || m.Skills[0] != own || m.Skills[1].Code != "31-1131.00" {
		t.Errorf("skills = %+v, want the record's own and the row's", m.Skills)
	}
	if m := e.Map(cert("a2", "CNA-150", 100, 0, "2024-06-01"), MustDate("2026-01-01")); len(m.Skills) != 0 {
		t.Errorf("a row that did not grant added skills %+v", m.Skills)
	}
}

func TestNewEngine(t *testing.T) {
	bad := func(mod func([]Table) []Table) []Table { return mod(testTables()) }
	tests := []struct {
		name   string
		tables []Table
		want   string
	}{
		{"fail/same version twice", bad(func(ts []Table) []Table { return append(ts, ts[0]) }), "table military version 2024.1 is given twice"},
		{"fail/two versions on the same day", bad(func(ts []Table) []Table {
			ts[1].EffectiveFrom = ts[0].EffectiveFrom
			return ts
		}), "versions 2024.1 and 2025.1 take effect on the same day"},
		{"fail/unknown skill", bad(func(ts []Table) []Table {
			ts[2].Rows[0].Skills = []string{"onet:00-0000.00"}
			return ts
		}), `row ece-any: skill "onet:00-0000.00" is not in the skills catalogue`},
		{"fail/invalid row", bad(func(ts []Table) []Table {
			ts[2].Rows[0].Grants[0].Units = -1
			return ts
		}), "grants[0].units: must be a non-negative number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewEngine(tt.tables, Catalog{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestActiveVersions(t *testing.T) {
	v1 := Table{TableInfo: TableInfo{ID: "t", Version: "1", Title: "T", EffectiveFrom: MustDate("2024-01-01")}, Rows: testTables()[2].Rows}
	v2 := v1
	v2.Version, v2.EffectiveFrom, v2.EffectiveUntil = "2", MustDate("2025-01-01"), MustDate("2026-01-01")
	e, err := NewEngine([]Table{v2, v1}, Catalog{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, asOf, want string
	}{
		{"ok/before any version", "2023-12-31", ""},
		{"ok/first version", "2024-06-01", "1"},
		{"ok/newer version on its first day", "2025-01-01", "2"},
		{"ok/newer version on its last day", "2025-12-31", "2"},
		{"fail/expired newest version does not bring the older back", "2026-01-01", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			for _, tb := range e.Active(MustDate(tt.asOf)) {
				got = tb.Version
			}
			if got != tt.want {
				t.Errorf("version in force on %s = %q, want %q", tt.asOf, got, tt.want)
			}
		})
	}
}

func TestPathwayProgress(t *testing.T) {
	p := Pathway{ID: "ece", Sector: Education, Title: "Early childhood", Steps: []Step{
		{ID: "intro", Title: "Child development", Entry: true, CoveredBy: []Covering{{CID: "CDEV 100"}}},
		{ID: "cert", Title: "Associate teacher certificate", Requires: []string{"intro"}, CoveredBy: []Covering{{Kind: AdultSchool, Source: "AT-12"}, {College: "Valley Oak College", Code: "CD 111"}}},
		{ID: "job", Title: "Preschool teacher", Exit: true, Requires: []string{"cert"}, Occupation: &Occupation{ONETSOC: "25-2011.00", Title: "Preschool Teachers"}, CoveredBy: []Covering{{Code: "CD 200"}}},
	}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	e := testEngine(t)
	at := MustDate("2026-01-01")
	for _, tt := range []struct {
		name    string
		records []Record
		covered []bool
		next    string
	}{
		{"ok/nothing yet: next is the entry point", nil, []bool{false, false, false}, "intro"},
		{"ok/covered by an equivalency grant", []Record{course("c1", "coastline", "ECE 101", "B", "2024-01-01")}, []bool{true, false, false}, "cert"},
		{"ok/covered by a source record", []Record{course("c1", "coastline", "ECE 101", "B", "2024-01-01"), cert("a1", "at-12", 120, 0, "2024-06-01")}, []bool{true, true, false}, "job"},
		{"ok/covered by the course itself", []Record{course("c2", "valley-oak", "CD 200", "A", "2024-01-01")}, []bool{false, false, true}, "intro"},
		{"fail/a failed course covers nothing", []Record{course("c2", "valley-oak", "CD 200", "F", "2024-01-01"), course("c1", "coastline", "ECE 101", "W", "2024-01-01")}, []bool{false, false, false}, "intro"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pr := p.Progress(tt.records, e.MapLearner(tt.records, at), map[string]string{"valley-oak": "Valley Oak College"})
			for i, s := range pr.Steps {
				if s.Covered != tt.covered[i] {
					t.Errorf("step %s covered = %v (by %q), want %v", s.Step, s.Covered, s.By, tt.covered[i])
				}
			}
			if pr.Next == nil || pr.Next.ID != tt.next {
				t.Errorf("next = %+v, want %s", pr.Next, tt.next)
			}
		})
	}
}

func TestPathwayValidate(t *testing.T) {
	bad := Pathway{ID: "x", Sector: "finance", Title: "X", Steps: []Step{
		{ID: "a", Requires: []string{"b"}, CoveredBy: []Covering{{CID: "A", Code: "B"}}},
		{ID: "b", Exit: true, CoveredBy: nil},
	}}
	err := bad.Validate()
	for _, w := range []string{`sector "finance"`, `requires "b", which is not an earlier step`, "give one of cid, college+code, or kind+source",
		"an exit point names an occupation", "coveredBy is empty", "at least one entry point"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not contain %q", err, w)
		}
	}
}

func TestGrades(t *testing.T) {
	for _, tt := range []struct {
		g, min string
		meets  bool
	}{
		{"A", "C", true}, {"C", "C", true}, {"C-", "C", false}, {"P", "C", true}, {"P", "B", false},
		{"CR", "C-", true}, {"NP", "D", false}, {"W", "", false}, {"D-", "", true}, {"F", "", false}, {"B+", "B", true},
	} {
		g, err := ParseGrade(strings.ToLower(tt.g))
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Meets(Grade(tt.min)); got != tt.meets {
			t.Errorf("%s meets %q = %v, want %v", tt.g, tt.min, got, tt.meets)
		}
	}
	if _, err := ParseGrade("E"); err == nil {
		t.Error("grade E accepted")
	}
	if Grade("F").IsMinimum() || !Grade("D-").IsMinimum() || Grade("P").IsMinimum() {
		t.Error("IsMinimum: F and P are not minimums, D- is")
	}
}
