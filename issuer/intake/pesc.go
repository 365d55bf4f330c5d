package intake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/satchel-wallet/satchel/transcript"
)

// ParsePESC reads a PESC College Transcript (CollTrnscpt:CollegeTranscript),
// the XML community colleges exchange transcripts in. It reads the subset a
// course record needs; everything else in the document (TransmissionData,
// awards, GPAs, addresses) is allowed and ignored. Elements are matched by
// local name, so any namespace version is read.
//
//	Student/Person/SchoolAssignedPersonID      the learner's ID
//	Student/Person/Name/FirstName, MiddleName  given name (joined)
//	Student/Person/Name/LastName               family name
//	Student/Person/Contacts/Email/EmailAddress e-mail (the first)
//	Student/AcademicRecord/AcademicSession     a term:
//	  AcademicSessionDetail/SessionName        the term ("Fall 2024")
//	  AcademicSessionDetail/SessionEndDate     completion date of its courses
//	  AcademicSessionDetail/SessionDesignator  used in derived record IDs
//	  Course                                   one record:
//	    CourseSubjectAbbreviation, CourseNumber  code ("ECE" + "101")
//	    CourseTitle, CourseAcademicGrade          title, grade
//	    CourseCreditUnits, CourseCreditValue      Semester (or Units, or none):
//	                                              semester units; ClockHours:
//	                                              a noncredit course's hours
//	    CourseEndDate                             completion date, when it is
//	                                              not the session's end
//	    NoteMessage                               description
//	    UserDefinedExtensions/RecordID            the record ID
//	    UserDefinedExtensions/CID                 the C-ID descriptor
//
// A course without a RecordID extension gets the ID
// PERSONID-SUBJECTNUMBER-SESSIONDESIGNATOR ("L-1016-ECE103-2025-08"),
// stable when the same transcript is sent again. Quarter units are refused
// rather than converted: the record carries semester units and a conversion
// is the college's to state. A document may hold several Student elements.
//
// Only institutions of kind college send PESC transcripts. DTDs are refused
// (encoding/xml expands no external entities; refusing them also keeps
// internal ones out), and depth, element count and text length are bounded.
// Every problem is reported with the course's index in document order, the
// element path and the line; when there is any, the Batch is empty and the
// error is *Errors.
func ParsePESC(institution transcript.Institution, data []byte) (Batch, error) {
	if err := checkInstitution("pesc", institution); err != nil {
		return Batch{}, err
	}
	b := newBatch("pesc", institution)
	if institution.Kind != transcript.College {
		b.document(0, "", "a PESC College Transcript carries college courses; institution %s sends %s records", institution.Slug, institution.Kind)
		return b.result()
	}
	if b.checkSize(data) {
		if root := readXML(b, data); root != nil {
			readTranscript(b, root)
		}
	}
	return b.result()
}

// xnode is an element of the document: its local name, the line it starts
// on, its text (whitespace-only text dropped) and its child elements.
type xnode struct {
	name string
	line int
	text []byte
	kids []*xnode
}

// child is the first child element named name, or nil.
func (n *xnode) child(name string) *xnode {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

func (n *xnode) children(name string) []*xnode {
	if n == nil {
		return nil
	}
	var out []*xnode
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// value is the element's text with runs of white space made one space, as
// pretty-printed XML breaks long titles across lines; "" for a nil element.
func (n *xnode) value() string {
	if n == nil {
		return ""
	}
	return strings.Join(strings.Fields(string(n.text)), " ")
}

// readXML reads the document into a tree, within the limits. It returns nil
// when the document is malformed or over a limit.
func readXML(b *batch, data []byte) *xnode {
	if line := tooManyAttributes(data); line > 0 {
		b.tooLarge(line, "", "an element has more than %d attributes", MaxXMLAttributes)
		return nil
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var root *xnode
	var stack []*xnode
	elements := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		line, _ := dec.InputPos()
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				b.document(se.Line, "", "malformed XML: %s", clipTo(se.Msg, 120))
			} else {
				b.document(line, "", "malformed XML: %s", clipTo(err.Error(), 120))
			}
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && root != nil {
				b.document(line, t.Name.Local, "a second root element; the document has one CollegeTranscript")
				return nil
			}
			if len(stack) >= MaxXMLDepth {
				b.tooLarge(line, t.Name.Local, "elements nest more than %d deep", MaxXMLDepth)
				return nil
			}
			if elements++; elements > MaxXMLElements {
				b.tooLarge(line, t.Name.Local, "more than %d elements", MaxXMLElements)
				return nil
			}
			n := &xnode{name: t.Name.Local, line: line}
			if len(stack) == 0 {
				root = n
			} else {
				top := stack[len(stack)-1]
				top.kids = append(top.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1] // Strict mode has matched it to its start
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
			if len(stack) == 0 {
				b.document(line, "", "text outside the root element")
				return nil
			}
			top := stack[len(stack)-1]
			if len(top.text)+len(t) > MaxFieldBytes {
				b.tooLarge(line, top.name, "the element's text is longer than %d bytes", MaxFieldBytes)
				return nil
			}
			top.text = append(top.text, t...)
		case xml.Directive:
			b.document(line, "", "DTDs and other <!...> declarations are not accepted")
			return nil
		}
	}
	if root == nil {
		b.document(0, "", "the document has no root element")
	}
	return root
}

// tooManyAttributes finds the line of the first start tag with more than
// MaxXMLAttributes attributes, or 0. It counts the '=' in each start tag
// outside quoted values; comments and the like are scanned as text, which
// can only make it count less, or, for one holding something like a start
// tag with that many attributes, refuse a document the limit was meant for
// anyway.
func tooManyAttributes(data []byte) int {
	line, tagLine, attrs := 1, 0, 0
	inTag, quote := false, byte(0)
	for i, c := range data {
		if c == '\n' {
			line++
		}
		switch {
		case inTag && quote != 0:
			if c == quote {
				quote = 0
			}
		case inTag:
			switch c {
			case '"', '\'':
				quote = c
			case '=':
				if attrs++; attrs > MaxXMLAttributes {
					return tagLine
				}
			case '>':
				inTag = false
			}
		case c == '<' && i+1 < len(data) && data[i+1] != '/' && data[i+1] != '!' && data[i+1] != '?':
			inTag, attrs, tagLine = true, 0, line
		}
	}
	return 0
}

// The element paths problems are reported at.
const (
	pathPersonID  = "Student/Person/SchoolAssignedPersonID"
	pathFirstName = "Student/Person/Name/FirstName"
	pathLastName  = "Student/Person/Name/LastName"
	pathEmail     = "Student/Person/Contacts/Email/EmailAddress"
	pathRecordID  = "Course/UserDefinedExtensions/RecordID"
	pathSubject   = "Course/CourseSubjectAbbreviation"
	pathNumber    = "Course/CourseNumber"
	pathTitle     = "Course/CourseTitle"
	pathGrade     = "Course/CourseAcademicGrade"
	pathUnits     = "Course/CourseCreditUnits"
	pathValue     = "Course/CourseCreditValue"
	pathEndDate   = "Course/CourseEndDate"
	pathNote      = "Course/NoteMessage"
	pathTerm      = "AcademicSession/AcademicSessionDetail/SessionName"
	pathSessEnd   = "AcademicSession/AcademicSessionDetail/SessionEndDate"
)

func pescLearnerField(f string) string {
	switch f {
	case "id":
		return pathPersonID
	case "givenName":
		return pathFirstName
	case "familyName":
		return pathLastName
	case "email":
		return pathEmail
	case "":
		return "Student/Person"
	}
	return f
}

func readTranscript(b *batch, root *xnode) {
	if root.name != "CollegeTranscript" {
		b.document(root.line, root.name, "the root element is %s, not a PESC CollegeTranscript", clip(root.name))
		return
	}
	students := root.children("Student")
	if len(students) == 0 {
		b.document(root.line, "Student", "the transcript has no Student")
		return
	}
	index := 0
	for _, st := range students {
		person := st.child("Person")
		if person == nil {
			b.document(st.line, "Student/Person", "is required")
			continue
		}
		learner := pescLearner(person)
		b.addLearner(learner, -1, "", person.line, fmt.Sprintf("line %d", person.line), pescLearnerField)
		for _, ar := range st.children("AcademicRecord") {
			for _, c := range ar.children("Course") {
				// Course is allowed directly in AcademicRecord, but then it
				// has neither a term nor a completion date.
				if !b.countRecord(index, c.line) {
					return
				}
				b.fail(RecordError{Index: index, Line: c.line, Field: "AcademicRecord/Course",
					Reason: "a Course must be inside an AcademicSession, which gives its term and completion date"})
				index++
			}
			for _, sess := range ar.children("AcademicSession") {
				detail := sess.child("AcademicSessionDetail")
				for _, c := range sess.children("Course") {
					if b.full() || !b.countRecord(index, c.line) {
						return
					}
					pescCourse(b, index, learner.ID, detail, c)
					index++
				}
			}
		}
	}
}

// countRecord refuses the record at index when it is one too many.
func (b *batch) countRecord(index, line int) bool {
	if index >= MaxRecords {
		b.tooLarge(line, "Course", "more than %d records", MaxRecords)
		return false
	}
	return true
}

func pescLearner(person *xnode) transcript.Learner {
	name := person.child("Name")
	given := []string{name.child("FirstName").value()}
	for _, m := range name.children("MiddleName") {
		given = append(given, m.value())
	}
	l := transcript.Learner{
		ID:         person.child("SchoolAssignedPersonID").value(),
		GivenName:  strings.Join(strings.Fields(strings.Join(given, " ")), " "),
		FamilyName: name.child("LastName").value(),
	}
	for _, c := range person.children("Contacts") {
		for _, e := range c.children("Email") {
			if a := e.child("EmailAddress").value(); a != "" && l.Email == "" {
				l.Email = a
			}
		}
	}
	return l
}

// xsDateRE is an xs:date: a date with an optional time zone, which a
// calendar date does not need.
var xsDateRE = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?$`)

func pescCourse(b *batch, index int, learnerID string, detail, c *xnode) {
	ext := c.child("UserDefinedExtensions")
	r := transcript.Record{
		ID:      ext.child("RecordID").value(),
		Learner: learnerID,
		Course:  &transcript.CourseWork{},
	}
	w := r.Course
	subject, number := c.child("CourseSubjectAbbreviation").value(), c.child("CourseNumber").value()
	w.Code = strings.TrimSpace(subject + " " + number)
	w.Title = c.child("CourseTitle").value()
	w.Grade = transcript.Grade(c.child("CourseAcademicGrade").value())
	w.Term = detail.child("SessionName").value()
	w.CID = ext.child("CID").value()
	var notes []string
	for _, n := range c.children("NoteMessage") {
		if v := n.value(); v != "" {
			notes = append(notes, v)
		}
	}
	w.Description = strings.Join(notes, " ")
	if r.ID == "" {
		session := detail.child("SessionDesignator").value()
		if session == "" {
			session = detail.child("SessionEndDate").value()
		}
		r.ID = learnerID + "-" + strings.ReplaceAll(w.Code, " ", "") + "-" + session
	}

	reported := map[string]bool{}
	fail := func(path, format string, args ...any) {
		reported[path] = true
		b.fail(RecordError{Index: index, Record: r.ID, Line: c.line, Field: path, Reason: fmt.Sprintf(format, args...)})
	}
	if subject == "" {
		fail(pathSubject, "is required")
	}
	if number == "" {
		fail(pathNumber, "is required")
	}
	value := c.child("CourseCreditValue").value()
	amount := func() float64 {
		if value == "" {
			fail(pathValue, "is required")
			return 0
		}
		f, err := parseNumber(value)
		if err != nil {
			fail(pathValue, "%v", err)
		}
		return f
	}
	switch u := c.child("CourseCreditUnits").value(); u {
	case "", "Semester", "Units":
		w.Units = amount()
	case "ClockHours":
		w.Noncredit = true
		w.Hours = amount()
	case "Quarter":
		fail(pathUnits, "quarter units are not accepted: send the course's semester units (a quarter unit is 2/3 of a semester unit)")
	default:
		fail(pathUnits, "%s: want Semester, or ClockHours for a noncredit course's hours", clip(u))
	}
	completedPath := pathSessEnd
	end := detail.child("SessionEndDate")
	if ce := c.child("CourseEndDate"); ce != nil {
		completedPath, end = pathEndDate, ce
	}
	if v := end.value(); v != "" {
		m := xsDateRE.FindStringSubmatch(v)
		var err error
		if m != nil {
			w.Completed, err = transcript.ParseDate(m[1])
		}
		if m == nil || err != nil {
			fail(completedPath, "%s is not a date YYYY-MM-DD", clip(v))
		}
	}

	paths := map[string]string{
		"id":                 pathRecordID,
		"learner":            pathPersonID,
		"course.title":       pathTitle,
		"course.term":        pathTerm,
		"course.grade":       pathGrade,
		"course.units":       pathValue,
		"course.hours":       pathValue,
		"course.completed":   completedPath,
		"course.description": pathNote,
	}
	b.addRecord(index, c.line, r, func(f string) (string, bool) {
		if f == "learner" && learnerID == "" {
			return pathPersonID, false // reported with the Student
		}
		if f == "course.code" {
			return pathNumber, !reported[pathSubject] && !reported[pathNumber]
		}
		p, ok := paths[f]
		if !ok {
			p = f
		}
		return p, !reported[p] && !(p == pathValue && reported[pathUnits])
	})
}
