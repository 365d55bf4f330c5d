package intake

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/transcript"
)

// xmlDoc is a CollegeTranscript holding students.
func xmlDoc(students ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<CollTrnscpt:CollegeTranscript xmlns:CollTrnscpt="urn:org:pesc:message:CollegeTranscript:v1.6.0">
<TransmissionData><DocumentID>T-1</DocumentID></TransmissionData>
` + strings.Join(students, "\n") + `
</CollTrnscpt:CollegeTranscript>`
}

func xmlStudent(id, first, last, email string, sessions ...string) string {
	return `<Student><Person>
<SchoolAssignedPersonID>` + id + `</SchoolAssignedPersonID>
<Name><FirstName>` + first + `</FirstName><LastName>` + last + `</LastName></Name>
<Contacts><Email><EmailAddress>` + email + `</EmailAddress></Email></Contacts>
</Person>
<AcademicRecord>` + strings.Join(sessions, "\n") + `</AcademicRecord>
</Student>`
}

func xmlSession(name, end string, courses ...string) string {
	return `<AcademicSession><AcademicSessionDetail>
<SessionDesignator>2024-08</SessionDesignator><SessionName>` + name + `</SessionName><SessionEndDate>` + end + `</SessionEndDate>
</AcademicSessionDetail>
` + strings.Join(courses, "\n") + `
</AcademicSession>`
}

// xmlCourse is a semester-unit course; code is subject and number with a
// space between; an empty id leaves the RecordID extension out.
func xmlCourse(code, title, grade, units, id string, extra ...string) string {
	subject, number, _ := strings.Cut(code, " ")
	ext := ""
	if id != "" {
		ext = `<UserDefinedExtensions><sat:RecordID xmlns:sat="urn:satchel-wallet:pesc:extensions:v1">` + id + `</sat:RecordID></UserDefinedExtensions>`
	}
	return `<Course>
<CourseCreditUnits>Semester</CourseCreditUnits><CourseCreditValue>` + units + `</CourseCreditValue>
<CourseAcademicGrade>` + grade + `</CourseAcademicGrade>
<CourseSubjectAbbreviation>` + subject + `</CourseSubjectAbbreviation><CourseNumber>` + number + `</CourseNumber>
<CourseTitle>` + title + `</CourseTitle>` + strings.Join(extra, "") + ext + `
</Course>`
}

var (
	xmlOK   = xmlCourse("ECE 101", "Principles", "A", "3", "C-1")
	xmlFall = func(courses ...string) string { return xmlSession("Fall 2024", "2024-12-13", courses...) }
	xmlAna  = func(sessions ...string) string {
		return xmlStudent("L-1", "Ana", "Ruiz", "ana@example.org", sessions...)
	}
	anaLearner = transcript.Learner{ID: "L-1", GivenName: "Ana", FamilyName: "Ruiz", Email: "ana@example.org"}
)

func TestParsePESC(t *testing.T) {
	var many []string
	for i := range MaxRecords + 1 {
		many = append(many, xmlCourse("ECE 101", "P", "A", "3", fmt.Sprint("C-", i)))
	}
	tests := []parseCase{
		{name: "ok/one course", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(xmlOK))),
			check: func(t *testing.T, b Batch) {
				want := Batch{
					Learners: []transcript.Learner{anaLearner},
					Records: []transcript.Record{{ID: "C-1", Kind: transcript.College, Institution: "sierra-vista", Learner: "L-1",
						Course: &transcript.CourseWork{Code: "ECE 101", Title: "Principles", Term: "Fall 2024", Grade: "A", Units: 3, Completed: transcript.MustDate("2024-12-13")}}},
				}
				if diff := cmp.Diff(want, b); diff != "" {
					t.Errorf("batch (-want +got):\n%s", diff)
				}
			}},
		{name: "ok/ID derived without the extension", institution: "sierra-vista",
			data: xmlDoc(xmlAna(xmlFall(xmlCourse("ECE 101", "Principles", "A", "3", "")))),
			check: func(t *testing.T, b Batch) {
				if id := b.Records[0].ID; id != "L-1-ECE101-2024-08" {
					t.Errorf("ID %q, want L-1-ECE101-2024-08", id)
				}
			}},
		{name: "ok/course end date, notes, C-ID, middle name, folded title, grade case, time zone", institution: "sierra-vista",
			data: xmlDoc(strings.Replace(xmlAna(xmlFall(xmlCourse("ECE 101", "Principles\n   and Practices", "b+", "3.00", "C-1",
				"<CourseEndDate>2024-10-11Z</CourseEndDate><NoteMessage>Late start.</NoteMessage><NoteMessage>Short term.</NoteMessage>",
				`<UserDefinedExtensions><CID>ECE 120</CID></UserDefinedExtensions>`))), "</FirstName>", "</FirstName><MiddleName>María</MiddleName>", 1)),
			check: func(t *testing.T, b Batch) {
				want := &transcript.CourseWork{Code: "ECE 101", Title: "Principles and Practices", Term: "Fall 2024", Grade: "B+", Units: 3, CID: "ECE 120",
					Completed: transcript.MustDate("2024-10-11"), Description: "Late start. Short term."}
				if diff := cmp.Diff(want, b.Records[0].Course); diff != "" {
					t.Errorf("course (-want +got):\n%s", diff)
				}
				if g := b.Learners[0].GivenName; g != "Ana María" {
					t.Errorf("given name %q, want Ana María", g)
				}
			}},
		{name: "ok/several students, one of them twice", institution: "sierra-vista",
			data: xmlDoc(xmlAna(xmlFall(xmlOK)), xmlStudent("L-2", "Bo", "Li", "bo@example.org", xmlFall(xmlCourse("ECE 103", "Child Growth", "B", "3", "C-2"))),
				xmlAna(xmlFall(xmlCourse("ECE 104", "Child, Family and Community", "B", "3", "C-3")))),
			check: func(t *testing.T, b Batch) {
				if len(b.Learners) != 2 || len(b.Records) != 3 || b.Records[2].Learner != "L-1" {
					t.Errorf("%d learners, %d records; want 2 and 3", len(b.Learners), len(b.Records))
				}
			}},
		{name: "ok/noncredit clock hours", institution: "sierra-vista",
			data: xmlDoc(xmlAna(xmlFall(strings.Replace(xmlCourse("ECE 601", "Provider Essentials", "P", "60", "C-1"), "Semester", "ClockHours", 1)))),
			check: func(t *testing.T, b Batch) {
				if c := b.Records[0].Course; !c.Noncredit || c.Hours != 60 || c.Units != 0 {
					t.Errorf("course %+v; want noncredit with 60 hours", c)
				}
			}},

		{name: "fail/missing field", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(xmlCourse("ECE 101", "", "A", "3", "C-1")))),
			want: []problem{{0, "Course/CourseTitle", "is required"}}},
		{name: "fail/missing subject", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(xmlCourse(" 101", "Principles", "A", "3", "C-1")))),
			want: []problem{{0, "Course/CourseSubjectAbbreviation", "is required"}}},
		{name: "fail/bad date", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlSession("Fall 2024", "12/13/2024", xmlOK))),
			want: []problem{{0, "AcademicSession/AcademicSessionDetail/SessionEndDate", `"12/13/2024" is not a date YYYY-MM-DD`}}},
		{name: "fail/no end date", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlSession("Fall 2024", "", xmlOK))),
			want: []problem{{0, "AcademicSession/AcademicSessionDetail/SessionEndDate", "is required"}}},
		{name: "fail/bad course end date", institution: "sierra-vista",
			data: xmlDoc(xmlAna(xmlFall(xmlCourse("ECE 101", "Principles", "A", "3", "C-1", "<CourseEndDate>2024-02-30</CourseEndDate>")))),
			want: []problem{{0, "Course/CourseEndDate", `"2024-02-30" is not a date`}}},
		{name: "fail/bad grade", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(xmlCourse("ECE 101", "Principles", "4.0", "3", "C-1")))),
			want: []problem{{0, "Course/CourseAcademicGrade", `unknown grade "4.0"`}}},
		{name: "fail/negative units", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(xmlCourse("ECE 101", "Principles", "A", "-3", "C-1")))),
			want: []problem{{0, "Course/CourseCreditValue", "must be a non-negative number"}}},
		{name: "fail/units not a number", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(xmlCourse("ECE 101", "Principles", "A", "three", "C-1")))),
			want: []problem{{0, "Course/CourseCreditValue", `"three" is not a number`}}},
		{name: "fail/quarter units", institution: "sierra-vista",
			data: xmlDoc(xmlAna(xmlFall(strings.Replace(xmlOK, "Semester", "Quarter", 1)))),
			want: []problem{{0, "Course/CourseCreditUnits", "quarter units are not accepted"}}},
		{name: "fail/bad course code", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(xmlCourse("ECE 1O1-LAB-X", "Principles", "A", "3", "C-1")))),
			want: []problem{{0, "Course/CourseNumber", `"ECE 1O1-LAB-X" is not a course code`}}},
		{name: "fail/duplicate record ID", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(xmlOK, xmlOK))),
			want: []problem{{1, "Course/UserDefinedExtensions/RecordID", `record ID "C-1" repeats record 0 (line 12)`}}},
		{name: "fail/student without an ID", institution: "sierra-vista", data: xmlDoc(xmlStudent("", "Ana", "Ruiz", "ana@example.org", xmlFall(xmlOK))),
			want: []problem{{-1, "Student/Person/SchoolAssignedPersonID", "id is required"}}},
		{name: "fail/bad e-mail address", institution: "sierra-vista", data: xmlDoc(xmlStudent("L-1", "Ana", "Ruiz", "ana at example", xmlFall(xmlOK))),
			want: []problem{{-1, "Student/Person/Contacts/Email/EmailAddress", `email "ana at example" is not an address`}}},
		{name: "fail/student given twice differently", institution: "sierra-vista",
			data: xmlDoc(xmlAna(xmlFall(xmlOK)), xmlStudent("L-1", "Ana", "Ruiz-Soto", "ana@example.org")),
			want: []problem{{-1, "Student/Person/Name/LastName", `learner "L-1" was given with Student/Person/Name/LastName "Ruiz" at line 4, here "Ruiz-Soto"`}}},
		{name: "fail/student without person", institution: "sierra-vista", data: xmlDoc(`<Student/>`, xmlAna(xmlFall(xmlOK))),
			want: []problem{{-1, "Student/Person", "is required"}}},
		{name: "fail/course outside a session", institution: "sierra-vista",
			data: xmlDoc(strings.Replace(xmlAna(xmlFall(xmlOK)), "<AcademicRecord>", "<AcademicRecord>"+xmlOK, 1)),
			want: []problem{{0, "AcademicRecord/Course", "must be inside an AcademicSession"}}},
		{name: "fail/unknown learner cannot happen but the kind can be wrong", institution: "gs-electrical", data: xmlDoc(xmlAna(xmlFall(xmlOK))),
			want: []problem{{-1, "", "a PESC College Transcript carries college courses; institution gs-electrical sends apprenticeship records"}}},
		{name: "fail/malformed XML", institution: "sierra-vista", data: strings.Replace(xmlDoc(xmlAna(xmlFall(xmlOK))), "</CourseTitle>", "</CourseTitel>", 1),
			want: []problem{{-1, "", "malformed XML: element <CourseTitle> closed by </CourseTitel>"}}},
		{name: "fail/unknown entity", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(xmlCourse("ECE 101", "Principles &nbsp;", "A", "3", "C-1")))),
			want: []problem{{-1, "", "malformed XML: invalid character entity &nbsp;"}}},
		{name: "fail/DTD with entities", institution: "sierra-vista",
			data: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>` + strings.TrimPrefix(xmlDoc(xmlAna(xmlFall(xmlOK))), `<?xml version="1.0" encoding="UTF-8"?>`),
			want: []problem{{-1, "", "DTDs and other <!...> declarations are not accepted"}}},
		{name: "fail/external entity", institution: "sierra-vista",
			data: `<!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + xmlDoc(xmlAna(xmlFall(xmlCourse("ECE 101", "&xxe;", "A", "3", "C-1")))),
			want: []problem{{-1, "", "DTDs and other"}}},
		{name: "fail/wrong root", institution: "sierra-vista", data: `<HighSchoolTranscript><Student/></HighSchoolTranscript>`,
			want: []problem{{-1, "HighSchoolTranscript", `the root element is "HighSchoolTranscript", not a PESC CollegeTranscript`}}},
		{name: "fail/two roots", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(xmlOK))) + "<CollegeTranscript/>",
			want: []problem{{-1, "CollegeTranscript", "a second root element"}}},
		{name: "fail/no student", institution: "sierra-vista", data: xmlDoc(),
			want: []problem{{-1, "Student", "the transcript has no Student"}}},
		{name: "fail/no courses", institution: "sierra-vista", data: xmlDoc(xmlAna()),
			want: []problem{{-1, "", "the submission has no records"}}},
		{name: "fail/not XML", institution: "sierra-vista", data: `{"records":[]}`,
			want: []problem{{-1, "", "text outside the root element"}}},
		{name: "fail/empty", institution: "sierra-vista", data: ``,
			want: []problem{{-1, "", "the document has no root element"}}},
		{name: "fail/every problem reported", institution: "sierra-vista",
			data: xmlDoc(xmlStudent("L-1", "", "", "ana@example.org", xmlFall(
				xmlCourse("ECE 101", "Principles", "Z", "3", "C-1"),
				xmlCourse("ECE 102", "Curriculum", "A", "31", "C-2")))),
			want: []problem{
				{-1, "Student/Person/Name/FirstName", "a given or family name is required"},
				{0, "Course/CourseAcademicGrade", `unknown grade "Z"`},
				{1, "Course/CourseCreditValue", "31 is more than the limit 30"},
			}},
		{name: "fail/too many records", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(many...))), tooLarge: true,
			want: []problem{{-1, "Course", fmt.Sprintf("more than %d records", MaxRecords)}}},
		{name: "fail/too deep", institution: "sierra-vista", data: strings.Repeat("<a>", MaxXMLDepth+1) + strings.Repeat("</a>", MaxXMLDepth+1), tooLarge: true,
			want: []problem{{-1, "a", fmt.Sprintf("elements nest more than %d deep", MaxXMLDepth)}}},
		{name: "fail/too many elements", institution: "sierra-vista", data: "<a>" + strings.Repeat("<b/>", MaxXMLElements) + "</a>", tooLarge: true,
			want: []problem{{-1, "b", fmt.Sprintf("more than %d elements", MaxXMLElements)}}},
		{name: "fail/too many attributes", institution: "sierra-vista",
			data: strings.Replace(xmlDoc(xmlAna(xmlFall(xmlOK))), "<Student>", "<Student"+strings.Repeat(` a="=>"`, MaxXMLAttributes+1)+">", 1), tooLarge: true,
			want: []problem{{-1, "", fmt.Sprintf("an element has more than %d attributes", MaxXMLAttributes)}}},
		{name: "ok/attributes at the limit, and = in text and comments", institution: "sierra-vista",
			data: strings.Replace(xmlDoc(xmlAna(xmlFall(xmlOK))), "<Student>", "<!-- "+strings.Repeat("=", 100)+" --><Student"+strings.Repeat(` a='=>'`, MaxXMLAttributes)+">"+strings.Repeat("=", 100), 1)},
		{name: "fail/text too long", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(xmlCourse("ECE 101", strings.Repeat("x", MaxFieldBytes+1), "A", "3", "C-1")))), tooLarge: true,
			want: []problem{{-1, "CourseTitle", fmt.Sprintf("the element's text is longer than %d bytes", MaxFieldBytes)}}},
		{name: "fail/oversized input", institution: "sierra-vista", data: xmlDoc(xmlAna(xmlFall(xmlOK))) + strings.Repeat(" ", MaxBytes), tooLarge: true,
			want: []problem{{-1, "", "more than the limit"}}},
	}
	runCases(t, ParsePESC, tests)
}
