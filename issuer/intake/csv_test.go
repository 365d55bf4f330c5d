package intake

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/transcript"
)

const (
	certHeader = "record_id,learner_id,given_name,family_name,email,program_code,program,hours,completed\n"
	certRow    = "R-1,L-1,Ana,Ruiz,ana@example.org,HAS-CNA,Certified Nurse Assistant,164,2025-06-20\n"

	courseHeader = "record_id,learner_id,given_name,family_name,email,course_code,course_title,term,grade,units,completed\n"
	courseRow    = "C-1,L-1,Ana,Ruiz,ana@example.org,ECE 101,Principles,Fall 2024,A,3,2024-12-13\n"

	milHeader = "record_id,learner_id,given_name,family_name,email,ace_id,title,branch,started,completed,credit1_level,credit1_hours,credit1_subject,credit3_level,credit3_hours,credit3_subject\n"
	milRow    = "M-1,L-1,Ana,Ruiz,ana@example.org,AR-2201-0399,Basic Combat Training,Army,2019-02-04,2019-04-12,lower-division,1,physical conditioning,vocational,2,drill\n"

	compHeader = "record_id,learner_id,given_name,family_name,email,occupation,onet_soc,competency_code,competency_name,block,hours,signed_off_by,completed\n"
	compRow    = "A-1,L-1,Ana,Ruiz,ana@example.org,Inside Wireman,47-2111.00,GSE-RTI-101,Year 1 RTI,rti,200,S. Thao,2023-06-10\n"
)

// row edits a data row: old-new pairs, each replacing the first match.
func row(r string, edit ...string) string {
	for i := 0; i+1 < len(edit); i += 2 {
		r = strings.Replace(r, edit[i], edit[i+1], 1)
	}
	return r
}

func TestParseCSV(t *testing.T) {
	var many strings.Builder
	many.WriteString(certHeader)
	for i := range MaxRecords + 1 {
		many.WriteString(row(certRow, "R-1", fmt.Sprint("R-", i)))
	}
	tests := []parseCase{
		{name: "ok/adult-school certificate", institution: "harbor-adult", data: certHeader + certRow,
			check: func(t *testing.T, b Batch) {
				want := Batch{
					Learners: []transcript.Learner{{ID: "L-1", GivenName: "Ana", FamilyName: "Ruiz", Email: "ana@example.org"}},
					Records: []transcript.Record{{ID: "R-1", Kind: transcript.AdultSchool, Institution: "harbor-adult", Learner: "L-1",
						Certificate: &transcript.Certificate{ProgramCode: "HAS-CNA", Program: "Certified Nurse Assistant", Hours: 164, Completed: transcript.MustDate("2025-06-20")}}},
				}
				if diff := cmp.Diff(want, b); diff != "" {
					t.Errorf("batch (-want +got):\n%s", diff)
				}
			}},
		{name: "ok/header in any case, spaces and dashes, any order", institution: "harbor-adult",
			data: "Program,Record ID,Learner-ID,GIVEN_NAME,Family Name,Email,Program Code,Hours,Completed\r\n" +
				"Certified Nurse Assistant,R-1,L-1,Ana,Ruiz,ana@example.org,HAS-CNA,164,2025-06-20\r\n"},
		{name: "ok/byte order mark, padded cells, blank rows", institution: "harbor-adult",
			data: "\xef\xbb\xbf" + certHeader + "\n,,,,,,,,\n" + row(certRow, "Ana", "  Ana  ")},
		{name: "ok/learner on several rows", institution: "harbor-adult", data: certHeader + certRow + row(certRow, "R-1", "R-2"),
			check: func(t *testing.T, b Batch) {
				if len(b.Learners) != 1 || len(b.Records) != 2 {
					t.Errorf("%d learners, %d records; want 1, 2", len(b.Learners), len(b.Records))
				}
			}},
		{name: "ok/kind column", institution: "harbor-adult",
			data: "kind," + certHeader + "Adult School," + certRow + "," + row(certRow, "R-1", "R-2")},
		{name: "ok/skills in numbered groups", institution: "harbor-adult",
			data: strings.TrimSuffix(certHeader, "\n") + ",skill2_framework,skill2_code,skill2_name,skill2_url,skill1_name\n" +
				strings.TrimSuffix(certRow, "\n") + ",O*NET-SOC,31-1131.00,Nursing Assistants,https://www.onetonline.org/link/summary/31-1131.00,\n",
			check: func(t *testing.T, b Batch) {
				want := []transcript.Skill{{Framework: "O*NET-SOC", Code: "31-1131.00", Name: "Nursing Assistants", URL: "https://www.onetonline.org/link/summary/31-1131.00"}}
				if diff := cmp.Diff(want, b.Records[0].Skills); diff != "" {
					t.Errorf("skills (-want +got):\n%s", diff)
				}
			}},
		{name: "ok/noncredit course", institution: "sierra-vista",
			data: strings.Replace(courseHeader, "units", "units,noncredit,hours", 1) + row(courseRow, "A,3", "P,0,yes,60"),
			check: func(t *testing.T, b Batch) {
				if c := b.Records[0].Course; !c.Noncredit || c.Hours != 60 || c.Grade != "P" {
					t.Errorf("course %+v; want noncredit, 60 hours, P", c)
				}
			}},
		{name: "ok/military credit lines with a gap", institution: "jst", data: milHeader + milRow + row(milRow, "M-1", "M-2", "vocational,2,drill", ",,"),
			check: func(t *testing.T, b Batch) {
				want := []transcript.ACECredit{{Level: transcript.LowerDivision, Hours: 1, Subject: "physical conditioning"}, {Level: transcript.Vocational, Hours: 2, Subject: "drill"}}
				if diff := cmp.Diff(want, b.Records[0].Military.Credit); diff != "" {
					t.Errorf("credit (-want +got):\n%s", diff)
				}
				if n := len(b.Records[1].Military.Credit); n != 1 {
					t.Errorf("second record has %d credit lines, want 1", n)
				}
			}},
		{name: "ok/apprenticeship competency", institution: "gs-electrical", data: compHeader + compRow},

		{name: "fail/missing field", institution: "harbor-adult", data: certHeader + row(certRow, "Certified Nurse Assistant", ""),
			want: []problem{{0, "program", "is required"}}},
		{name: "fail/bad date", institution: "harbor-adult", data: certHeader + row(certRow, "2025-06-20", "6/20/2025"),
			want: []problem{{0, "completed", `"6/20/2025" is not a date YYYY-MM-DD`}}},
		{name: "fail/not a number", institution: "harbor-adult", data: certHeader + row(certRow, "164", "1 64"),
			want: []problem{{0, "hours", `"1 64" is not a number`}}},
		{name: "fail/bad grade", institution: "sierra-vista", data: courseHeader + row(courseRow, ",A,", ",E,"),
			want: []problem{{0, "grade", `unknown grade "E"`}}},
		{name: "fail/negative units", institution: "sierra-vista", data: courseHeader + row(courseRow, ",3,", ",-3,"),
			want: []problem{{0, "units", "must be a non-negative number"}}},
		{name: "fail/bad noncredit flag", institution: "sierra-vista",
			data: strings.Replace(courseHeader, "units", "units,noncredit", 1) + row(courseRow, ",3,", ",3,maybe,"),
			want: []problem{{0, "noncredit", `"maybe": want true or false`}}},
		{name: "fail/wrong kind", institution: "harbor-adult", data: "kind," + certHeader + "military," + certRow,
			want: []problem{{0, "kind", `is "military"; institution harbor-adult sends adult-school records`}}},
		{name: "fail/not a kind", institution: "harbor-adult", data: "kind," + certHeader + "university," + certRow,
			want: []problem{{0, "kind", `"university" is not a kind`}}},
		{name: "fail/unknown column", institution: "harbor-adult", data: strings.Replace(certHeader, "email", "colour", 1) + certRow,
			want: []problem{{-1, "colour", "unknown column for adult-school records (known: record_id, kind"}}},
		{name: "fail/column of another kind", institution: "harbor-adult", data: "units," + certHeader + "3," + certRow,
			want: []problem{{-1, "units", "it is a column of college records, and this institution sends adult-school records"}}},
		{name: "fail/credit columns on adult-school records", institution: "harbor-adult", data: "credit1_level," + certHeader + "," + certRow,
			want: []problem{{-1, "credit1_level", "it is a column of military records"}}},
		{name: "fail/skill group past the limit", institution: "harbor-adult", data: "skill51_name," + certHeader + "," + certRow,
			want: []problem{{-1, "skill51_name", "unknown column"}}},
		{name: "fail/missing required column", institution: "harbor-adult", data: strings.Replace(certHeader, ",hours", "", 1),
			want: []problem{{-1, "hours", "required column is missing"}}},
		{name: "fail/column twice", institution: "harbor-adult", data: "Email," + certHeader + "," + certRow,
			want: []problem{{-1, "email", "the column is given twice (columns 1 and 6)"}}},
		{name: "fail/unnamed column", institution: "harbor-adult", data: strings.TrimSuffix(certHeader, "\n") + ",\n" + strings.TrimSuffix(certRow, "\n") + ",\n",
			want: []problem{{-1, "column 10", "the header names no column"}}},
		{name: "fail/learner rows disagree", institution: "harbor-adult", data: certHeader + certRow + row(certRow, "R-1", "R-2", "Ruiz", "Ruíz"),
			want: []problem{{1, "family_name", `learner "L-1" was given with family_name "Ruiz" at line 2, here "Ruíz"`}}},
		{name: "fail/learner without name", institution: "harbor-adult", data: certHeader + row(certRow, "Ana,Ruiz", ","),
			want: []problem{{0, "given_name", "a given or family name is required"}}},
		{name: "fail/learner without ID", institution: "harbor-adult", data: certHeader + row(certRow, "L-1", ""),
			want: []problem{{0, "learner_id", "id is required"}}},
		{name: "fail/learner without address or DID", institution: "harbor-adult", data: strings.Replace(certHeader, "email,", "", 1) + row(certRow, "ana@example.org,", ""),
			want: []problem{{0, "email", "a DID or an e-mail address is required"}}},
		{name: "fail/duplicate record ID", institution: "harbor-adult", data: certHeader + certRow + row(certRow, "L-1,Ana,Ruiz,ana", "L-2,Bo,Li,bo"),
			want: []problem{{1, "record_id", `record ID "R-1" repeats record 0 (line 2)`}}},
		{name: "fail/wrong number of cells", institution: "harbor-adult", data: certHeader + "R-1,L-1\n" + row(certRow, "R-1", "R-2"),
			want: []problem{{0, "", "the row has 2 cells; the header has 9"}}},
		{name: "fail/malformed CSV", institution: "harbor-adult", data: certHeader + row(certRow, "Ana", `A"na`),
			want: []problem{{-1, "", `malformed CSV: bare " in non-quoted-field`}}},
		{name: "fail/no header", institution: "harbor-adult", data: "",
			want: []problem{{-1, "", "the CSV has no header row"}}},
		{name: "fail/no records", institution: "harbor-adult", data: certHeader,
			want: []problem{{-1, "", "the submission has no records"}}},
		{name: "fail/skill without framework and URL", institution: "harbor-adult",
			data: "skill1_name,skill1_url," + certHeader + "Nursing Assistants,onetonline," + certRow,
			want: []problem{{0, "skill1_framework", "framework is required"}, {0, "skill1_url", `url "onetonline"`}}},
		{name: "fail/bad credit line", institution: "jst", data: milHeader + row(milRow, "vocational,2,", "voc,-2,"),
			want: []problem{{0, "credit3_level", `"voc": want vocational`}, {0, "credit3_hours", "must be a non-negative number"}}},
		{name: "fail/bad ACE identifier", institution: "jst", data: milHeader + row(milRow, "AR-2201-0399", "AR 2201"),
			want: []problem{{0, "ace_id", `"AR 2201" is not an ACE identifier`}}},
		{name: "fail/bad O*NET-SOC code", institution: "gs-electrical", data: compHeader + row(compRow, "47-2111.00", "472111"),
			want: []problem{{0, "onet_soc", `"472111" is not an O*NET-SOC code`}}},
		{name: "fail/every problem reported", institution: "sierra-vista",
			data: courseHeader + row(courseRow, ",A,", ",Q,") + row(courseRow, "C-1", "C-2", "2024-12-13", "") + row(courseRow, "C-1", "C-3", "ECE 101", "ECE-101", ",3,", ",x,"),
			want: []problem{{0, "grade", `unknown grade "Q"`}, {1, "completed", "is required"}, {2, "units", `"x" is not a number`}, {2, "course_code", `"ECE-101" is not a course code`}}},
		{name: "fail/too many records", institution: "harbor-adult", data: many.String(), tooLarge: true,
			want: []problem{{-1, "", fmt.Sprintf("more than %d records", MaxRecords)}}},
		{name: "fail/oversized input", institution: "harbor-adult", data: certHeader + certRow + strings.Repeat("\n", MaxBytes), tooLarge: true,
			want: []problem{{-1, "", "more than the limit"}}},
		{name: "fail/header too wide", institution: "harbor-adult", data: strings.Repeat(",", MaxColumns) + "\n" + certRow, tooLarge: true,
			want: []problem{{-1, "", fmt.Sprintf("the row has more than %d cells", MaxColumns)}}},
		{name: "fail/row too wide", institution: "harbor-adult", data: certHeader + certRow + `"a,""b",` + strings.Repeat(",", 1<<20) + "\n", tooLarge: true,
			want: []problem{{-1, "", fmt.Sprintf("the row has more than %d cells", MaxColumns)}}},
		{name: "ok/commas inside quotes do not count", institution: "harbor-adult",
			data: strings.Replace(certHeader, "completed", "completed,description", 1) + row(certRow, "\n", `,"`+strings.Repeat("a, ", 600)+`"`+"\n")},
		{name: "fail/cell too long", institution: "harbor-adult", data: certHeader + row(certRow, "Ruiz", strings.Repeat("z", MaxFieldBytes+1)), tooLarge: true,
			want: []problem{{0, "family_name", fmt.Sprintf("the cell is %d bytes, more than the limit of %d", MaxFieldBytes+1, MaxFieldBytes)}}},
	}
	runCases(t, ParseCSV, tests)
}

// Problems name the line too, so that they can be found in a spreadsheet.
func TestParseCSVLines(t *testing.T) {
	set := loadSamples(t)
	data := certHeader + certRow + "\n" + `R-2,L-1,Ana,Ruiz,ana@example.org,HAS-CNA,"Certified Nurse
Assistant",0,2025-06-20` + "\n" + row(certRow, "R-1", "R-3", "164", "-1")
	_, err := ParseCSV(institution(t, set, "harbor-adult"), []byte(data))
	checkProblems(t, Batch{}, err, []problem{{1, "hours", "must be more than 0"}, {2, "hours", "non-negative"}}, false)
	var es *Errors
	if errors.As(err, &es) {
		for i, want := range []int{4, 6} {
			if got := es.List[i].Line; got != want {
				t.Errorf("problem %d at line %d, want %d", i, got, want)
			}
		}
	}
}
