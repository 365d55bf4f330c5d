package intake

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/transcript"
)

const (
	jsonLearner  = `{"id":"L-1","givenName":"Ana","familyName":"Ruiz","email":"ana@example.org"}`
	jsonLearner2 = `{"id":"L-2","givenName":"Bo","familyName":"Li","email":"bo@example.org"}`
)

// jsonCert is an adult-school record for harbor-adult; edit replaces pieces
// of it, old-new pairs.
func jsonCert(id string, edit ...string) string {
	s := `{"id":"` + id + `","learner":"L-1","certificate":{"programCode":"HAS-CNA","program":"Certified Nurse Assistant","hours":164,"completed":"2025-06-20"}}`
	return strings.NewReplacer(edit...).Replace(s)
}

// jsonCourse is a college record for sierra-vista.
func jsonCourse(id string, edit ...string) string {
	s := `{"id":"` + id + `","learner":"L-1","course":{"code":"ECE 101","title":"Principles","term":"Fall 2024","grade":"A","units":3,"completed":"2024-12-13"}}`
	return strings.NewReplacer(edit...).Replace(s)
}

func jsonDoc(learners []string, records ...string) string {
	return `{"learners":[` + strings.Join(learners, ",") + `],"records":[` + strings.Join(records, ",") + `]}`
}

var oneLearner = []string{jsonLearner}

func TestParseJSON(t *testing.T) {
	manyRecords := make([]string, MaxRecords+1)
	for i := range manyRecords {
		manyRecords[i] = jsonCert(fmt.Sprint("R-", i))
	}
	manyLearners := make([]string, MaxLearners+1)
	for i := range manyLearners {
		manyLearners[i] = fmt.Sprintf(`{"id":"L-%d","givenName":"A","email":"a@example.org"}`, i)
	}
	tests := []parseCase{
		{name: "ok/kind and institution filled in", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1")),
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
		{name: "ok/kind and institution given", institution: "harbor-adult",
			data: jsonDoc(oneLearner, jsonCert("R-1", `"learner"`, `"kind":"adult-school","institution":"harbor-adult","learner"`))},
		{name: "ok/records before learners", institution: "harbor-adult",
			data: `{"records":[` + jsonCert("R-1") + `],"learners":[` + jsonLearner + `]}`},
		{name: "ok/a learner without records", institution: "harbor-adult", data: jsonDoc([]string{jsonLearner, jsonLearner2}, jsonCert("R-1"))},
		{name: "ok/grade spelt in lower case is stored upper case", institution: "sierra-vista",
			data: jsonDoc(oneLearner, jsonCourse("C-1", `"A"`, `" b+ "`)),
			check: func(t *testing.T, b Batch) {
				if g := b.Records[0].Course.Grade; g != "B+" {
					t.Errorf("grade %q, want B+", g)
				}
			}},
		{name: "fail/null lists and a repeated key", institution: "harbor-adult", data: `{"learners":null,"records":null,"learners":[` + jsonLearner + `]}`,
			want: []problem{{-1, "learners", "given twice"}}},

		{name: "fail/missing field", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1", `"program":"Certified Nurse Assistant",`, "")),
			want: []problem{{0, "certificate.program", "is required"}}},
		{name: "fail/bad date", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1", "2025-06-20", "06/20/2025")),
			want: []problem{{0, "certificate.completed", `"06/20/2025" is not a date YYYY-MM-DD`}}},
		{name: "fail/date not a string", institution: "jst",
			data: jsonDoc(oneLearner, `{"id":"M-1","learner":"L-1","military":{"aceId":"AR-2201-0399","title":"Basic Combat Training","branch":"Army","started":20190204,"completed":"2019-04-12"}}`),
			want: []problem{{0, "military.started", "want a string, not number"}}},
		{name: "fail/bad grade", institution: "sierra-vista", data: jsonDoc(oneLearner, jsonCourse("C-1", `"A"`, `"Q"`)),
			want: []problem{{0, "course.grade", `unknown grade "Q"`}}},
		{name: "fail/negative units", institution: "sierra-vista", data: jsonDoc(oneLearner, jsonCourse("C-1", `"units":3`, `"units":-3`)),
			want: []problem{{0, "course.units", "must be a non-negative number"}}},
		{name: "fail/wrong type", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1", "164", `"164"`)),
			want: []problem{{0, "certificate.hours", "want a number, not string"}}},
		{name: "fail/wrong kind", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1", `"learner"`, `"kind":"college","learner"`)),
			want: []problem{{0, "kind", `is "college"; institution harbor-adult sends adult-school records`}}},
		{name: "fail/wrong kind and shape", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCourse("C-1", `"learner"`, `"kind":"college","learner"`)),
			want: []problem{{0, "kind", `is "college"`}, {0, "certificate", "is required for kind adult-school"}}},
		{name: "fail/another institution's record", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1", `"learner"`, `"institution":"jst","learner"`)),
			want: []problem{{0, "institution", `is "jst"; the submission is from harbor-adult`}}},
		{name: "fail/unknown learner", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1", "L-1", "L-9")),
			want: []problem{{0, "learner", `learner "L-9" is not among the submission's learners`}}},
		{name: "fail/duplicate record ID", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1"), jsonCert("R-2"), jsonCert("R-1")),
			want: []problem{{2, "id", `record ID "R-1" repeats record 0 (line 1)`}}},
		{name: "fail/duplicate learner", institution: "harbor-adult", data: jsonDoc([]string{jsonLearner, jsonLearner2, jsonLearner}, jsonCert("R-1")),
			want: []problem{{-1, "learners[2].id", `learner "L-1" repeats learners[0]`}}},
		{name: "fail/learner without address or DID", institution: "harbor-adult",
			data: jsonDoc([]string{`{"id":"L-1","givenName":"Ana","familyName":"Ruiz"}`}, jsonCert("R-1")),
			want: []problem{{-1, "learners[0].email", "a DID or an e-mail address is required"}}},
		{name: "fail/learner without name", institution: "harbor-adult",
			data: jsonDoc([]string{`{"id":"L-1","email":"not an address"}`}, jsonCert("R-1")),
			want: []problem{{-1, "learners[0].givenName", "a given or family name is required"}, {-1, "learners[0].email", `email "not an address" is not an address`}}},
		{name: "fail/unknown field in a record", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1", `"hours"`, `"hour"`)),
			want: []problem{{0, "hour", "unknown field"}}},
		{name: "fail/unknown field in a learner", institution: "harbor-adult", data: jsonDoc([]string{`{"id":"L-1","name":"Ana","email":"a@example.org"}`}, jsonCert("R-1")),
			want: []problem{{-1, "learners[0].name", "unknown field"}}},
		{name: "fail/unknown top-level field", institution: "harbor-adult", data: `{"learners":[` + jsonLearner + `],"record":[]}`,
			want: []problem{{-1, "record", `unknown field (want "learners" and "records")`}}},
		{name: "fail/trailing data", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1")) + ` {}`,
			want: []problem{{-1, "", "unexpected data after"}}},
		{name: "fail/malformed JSON", institution: "harbor-adult", data: `{"learners":[` + jsonLearner + `],"records":[{"id":}]}`,
			want: []problem{{-1, "", "malformed JSON: invalid character '}'"}}},
		{name: "fail/truncated JSON", institution: "harbor-adult", data: `{"learners":[` + jsonLearner,
			want: []problem{{-1, "", "ends early"}}},
		{name: "fail/not an object", institution: "harbor-adult", data: `[` + jsonCert("R-1") + `]`,
			want: []problem{{-1, "", "must be a JSON object"}}},
		{name: "fail/records not a list", institution: "harbor-adult", data: `{"records":{}}`,
			want: []problem{{-1, "records", "must be a list"}}},
		{name: "fail/no records", institution: "harbor-adult", data: jsonDoc(oneLearner),
			want: []problem{{-1, "", "the submission has no records"}}},
		{name: "fail/empty document", institution: "harbor-adult", data: ``,
			want: []problem{{-1, "", "ends early"}}},
		{name: "fail/every problem reported", institution: "sierra-vista",
			data: jsonDoc([]string{jsonLearner, `{"id":"L-2","givenName":"Bo","email":"bo"}`},
				jsonCourse("C-1", `"units":3`, `"units":"3"`),
				jsonCourse("C-2", `"A"`, `"Z"`, "2024-12-13", "2024-13-13"),
				jsonCourse("C-3", `"ECE 101"`, `"ece-101"`, `"L-1"`, `"L-2"`)),
			want: []problem{
				{-1, "learners[1].email", `email "bo" is not an address`},
				{0, "course.units", "want a number"},
				{1, "course.completed", `"2024-13-13" is not a date`},
				{1, "course.grade", `unknown grade "Z"`},
				{2, "course.code", `"ece-101" is not a course code`},
			}},
		{name: "fail/too many records", institution: "harbor-adult", data: jsonDoc(oneLearner, manyRecords...), tooLarge: true,
			want: []problem{{-1, "records", fmt.Sprintf("more than %d records", MaxRecords)}}},
		{name: "fail/too many learners", institution: "harbor-adult", data: jsonDoc(manyLearners, jsonCert("R-1")), tooLarge: true,
			want: []problem{{-1, "learners", fmt.Sprintf("more than %d learners", MaxLearners)}}},
		{name: "fail/oversized input", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1")) + strings.Repeat(" ", MaxBytes), tooLarge: true,
			want: []problem{{-1, "", fmt.Sprintf("more than the limit of %d", MaxBytes)}}},
		{name: "fail/skills not a list", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1", `"learner"`, `"skills":"onet:31-1131.00","learner"`)),
			want: []problem{{0, "skills", "want a list, not string"}}},
		{name: "fail/wrong type in a skill", institution: "harbor-adult", data: jsonDoc(oneLearner, jsonCert("R-1", `"learner"`, `"skills":[{"name":31}],"learner"`)),
			want: []problem{{0, "skills.name", "want a string, not number"}}},
		{name: "fail/unknown field in a credit line", institution: "jst",
			data: jsonDoc(oneLearner, `{"id":"M-1","learner":"L-1","military":{"aceId":"AR-2201-0399","title":"Basic Combat Training","branch":"Army","completed":"2019-04-12","credit":[{"level":"vocational","hours":1,"subjct":"drill"}]}}`),
			want: []problem{{0, "subjct", "unknown field"}}},
		{name: "fail/too many credit lines", institution: "jst",
			data: jsonDoc(oneLearner, `{"id":"M-1","learner":"L-1","military":{"aceId":"AR-2201-0399","title":"Basic Combat Training","branch":"Army","completed":"2019-04-12","credit":[`+
				strings.Repeat(`{"level":"vocational","hours":1,"subject":"drill"},`, 100000)+`{}]}}`),
			want: []problem{{0, "military.credit", "more than 10 recommendation lines"}}},
		{name: "fail/too many skills reported once", institution: "harbor-adult",
			data: jsonDoc(oneLearner, jsonCert("R-1", `"learner"`, `"skills":[`+strings.Repeat(`{},`, 999)+`{}],"learner"`)),
			want: func() []problem {
				p := []problem{{0, "skills", "more than 50 skills"}}
				for i := range transcript.MaxSkills + 1 {
					p = append(p, problem{0, fmt.Sprintf("skills[%d]", i), "name is required; framework is required"})
				}
				return p
			}()},
	}
	runCases(t, ParseJSON, tests)
}

// Each record's line is reported, so a registrar can find it in the file.
func TestParseJSONLines(t *testing.T) {
	set := loadSamples(t)
	data := "{\n\"learners\": [\n" + jsonLearner + "\n],\n\"records\": [\n" + jsonCert("R-1") + ",\n\n" + jsonCert("R-2", "164", "-1") + "\n]}"
	_, err := ParseJSON(institution(t, set, "harbor-adult"), []byte(data))
	checkProblems(t, Batch{}, err, []problem{{1, "certificate.hours", "non-negative"}}, false)
	if es := err.(*Errors); es.List[0].Line != 8 || es.List[0].Record != "R-2" {
		t.Errorf("reported at line %d, record %q; want line 8, R-2", es.List[0].Line, es.List[0].Record)
	}
}
