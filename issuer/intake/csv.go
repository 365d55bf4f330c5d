package intake

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/satchel-wallet/satchel/transcript"
)

// ParseCSV reads a submission as CSV: a header row naming the columns, then
// one row per record with the record's learner on the row. The columns are
// those of the institution's kind:
//
//	every kind       record_id*, kind, learner_id*, given_name*, family_name*, email, did,
//	                 skillN_id, skillN_framework, skillN_code, skillN_name, skillN_url (N = 1..50)
//	college          course_code*, course_title*, term*, grade*, units*, noncredit, hours, cid,
//	                 completed*, description
//	adult-school     program_code*, program*, hours*, level, level_name, completed*, description
//	apprenticeship   occupation*, onet_soc*, competency_code*, competency_name*, block*, hours*,
//	                 signed_off_by*, completed*, description
//	military         ace_id*, title*, branch*, started, completed*, description,
//	                 creditN_level, creditN_hours, creditN_subject (N = 1..10)
//
// Columns marked * must be in the header; any order is fine. Column names are
// matched ignoring case, with spaces and dashes read as underscores; a column
// not in the institution's list is an error, so a misspelt or misplaced one
// is caught rather than dropped. Cells are trimmed. Dates are YYYY-MM-DD;
// noncredit is true/false (yes/no, 1/0); kind, when given, must be the
// institution's. Numbered column groups give a record's skills and a military
// record's ACE credit lines: a group with any cell filled is one entry. A row
// whose cells are all empty is skipped.
//
// A learner on several rows must be given the same way on each. Every
// problem is reported with the data row's 0-based index, its line and the
// column; when there is any, the Batch is empty and the error is *Errors.
// docs/intake.md has an example for each kind.
func ParseCSV(institution transcript.Institution, data []byte) (Batch, error) {
	if err := checkInstitution("csv", institution); err != nil {
		return Batch{}, err
	}
	b := newBatch("csv", institution)
	if b.checkSize(data) {
		readCSV(b, data)
	}
	return b.result()
}

// csvColumn is one column a CSV submission may have.
type csvColumn struct {
	name string
	// field is what the column fills, as Record.Validate names it ("id",
	// "course.units") or, for the learner, as learnerProblems does
	// ("learner.email").
	field    string
	required bool
	set      func(r *csvRow, v string) error
}

// csvRow is one data row being read.
type csvRow struct {
	rec     transcript.Record
	learner transcript.Learner
	skills  map[int]*transcript.Skill
	credit  map[int]*transcript.ACECredit
}

// Numbered groups: skillN_* on every kind, creditN_* on military rows.
var groupRE = regexp.MustCompile(`^(skill|credit)([1-9][0-9]*)_([a-z]+)$`)

var (
	skillParts  = []string{"id", "framework", "code", "name", "url"}
	creditParts = []string{"level", "hours", "subject"}
)

func text(set func(r *csvRow, v string)) func(*csvRow, string) error {
	return func(r *csvRow, v string) error { set(r, v); return nil }
}

func number(set func(r *csvRow, v float64)) func(*csvRow, string) error {
	return func(r *csvRow, v string) error {
		if v == "" {
			return nil
		}
		f, err := parseNumber(v)
		if err != nil {
			return err
		}
		set(r, f)
		return nil
	}
}

func date(set func(r *csvRow, v transcript.Date)) func(*csvRow, string) error {
	return func(r *csvRow, v string) error {
		d, err := transcript.ParseDate(v)
		if err != nil {
			return fmt.Errorf("%s is not a date YYYY-MM-DD", clip(v))
		}
		set(r, d)
		return nil
	}
}

var decimalRE = regexp.MustCompile(`^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)

// parseNumber reads a plain decimal. strconv.ParseFloat alone would also take
// "NaN", "Inf" and hex floats, which no registrar means.
func parseNumber(v string) (float64, error) {
	if !decimalRE.MatchString(v) || len(v) > 32 {
		return 0, fmt.Errorf("%s is not a number", clip(v))
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("%s is not a number", clip(v))
	}
	return f, nil
}

var commonColumns = []csvColumn{
	{"record_id", "id", true, text(func(r *csvRow, v string) { r.rec.ID = v })},
	{"kind", "kind", false, func(r *csvRow, v string) error {
		if v == "" {
			return nil
		}
		k, err := transcript.ParseKind(strings.ReplaceAll(strings.ToLower(v), " ", "-"))
		if err != nil {
			return fmt.Errorf("%s is not a kind (want college, adult-school, apprenticeship or military)", clip(v))
		}
		r.rec.Kind = k
		return nil
	}},
	{"learner_id", "learner", true, text(func(r *csvRow, v string) { r.rec.Learner, r.learner.ID = v, v })},
	{"given_name", "learner.givenName", true, text(func(r *csvRow, v string) { r.learner.GivenName = v })},
	{"family_name", "learner.familyName", true, text(func(r *csvRow, v string) { r.learner.FamilyName = v })},
	{"email", "learner.email", false, text(func(r *csvRow, v string) { r.learner.Email = v })},
	{"did", "learner.did", false, text(func(r *csvRow, v string) { r.learner.DID = v })},
}

// kindColumns are the columns of each kind's records, in the order
// docs/intake.md lists them.
var kindColumns = map[transcript.Kind][]csvColumn{
	transcript.College: {
		{"course_code", "course.code", true, text(func(r *csvRow, v string) { r.rec.Course.Code = v })},
		{"course_title", "course.title", true, text(func(r *csvRow, v string) { r.rec.Course.Title = v })},
		{"term", "course.term", true, text(func(r *csvRow, v string) { r.rec.Course.Term = v })},
		{"grade", "course.grade", true, text(func(r *csvRow, v string) { r.rec.Course.Grade = transcript.Grade(v) })},
		{"units", "course.units", true, number(func(r *csvRow, v float64) { r.rec.Course.Units = v })},
		{"noncredit", "course.noncredit", false, func(r *csvRow, v string) error {
			switch strings.ToLower(v) {
			case "", "false", "no", "n", "0":
			case "true", "yes", "y", "1":
				r.rec.Course.Noncredit = true
			default:
				return fmt.Errorf("%s: want true or false", clip(v))
			}
			return nil
		}},
		{"hours", "course.hours", false, number(func(r *csvRow, v float64) { r.rec.Course.Hours = v })},
		{"cid", "course.cid", false, text(func(r *csvRow, v string) { r.rec.Course.CID = v })},
		{"completed", "course.completed", true, date(func(r *csvRow, v transcript.Date) { r.rec.Course.Completed = v })},
		{"description", "course.description", false, text(func(r *csvRow, v string) { r.rec.Course.Description = v })},
	},
	transcript.AdultSchool: {
		{"program_code", "certificate.programCode", true, text(func(r *csvRow, v string) { r.rec.Certificate.ProgramCode = v })},
		{"program", "certificate.program", true, text(func(r *csvRow, v string) { r.rec.Certificate.Program = v })},
		{"hours", "certificate.hours", true, number(func(r *csvRow, v float64) { r.rec.Certificate.Hours = v })},
		{"level", "certificate.level", false, func(r *csvRow, v string) error {
			if v == "" {
				return nil
			}
			n, err := strconv.Atoi(v)
			if err != nil || len(v) > 3 {
				return fmt.Errorf("%s is not an NRS level (1-6)", clip(v))
			}
			r.rec.Certificate.Level = n
			return nil
		}},
		{"level_name", "certificate.levelName", false, text(func(r *csvRow, v string) { r.rec.Certificate.LevelName = v })},
		{"completed", "certificate.completed", true, date(func(r *csvRow, v transcript.Date) { r.rec.Certificate.Completed = v })},
		{"description", "certificate.description", false, text(func(r *csvRow, v string) { r.rec.Certificate.Description = v })},
	},
	transcript.Apprenticeship: {
		{"occupation", "competency.occupation", true, text(func(r *csvRow, v string) { r.rec.Competency.Occupation = v })},
		{"onet_soc", "competency.onetSoc", true, text(func(r *csvRow, v string) { r.rec.Competency.ONETSOC = v })},
		{"competency_code", "competency.code", true, text(func(r *csvRow, v string) { r.rec.Competency.Code = v })},
		{"competency_name", "competency.name", true, text(func(r *csvRow, v string) { r.rec.Competency.Name = v })},
		{"block", "competency.block", true, text(func(r *csvRow, v string) { r.rec.Competency.Block = strings.ToLower(v) })},
		{"hours", "competency.hours", true, number(func(r *csvRow, v float64) { r.rec.Competency.Hours = v })},
		{"signed_off_by", "competency.signedOffBy", true, text(func(r *csvRow, v string) { r.rec.Competency.SignedOffBy = v })},
		{"completed", "competency.completed", true, date(func(r *csvRow, v transcript.Date) { r.rec.Competency.Completed = v })},
		{"description", "competency.description", false, text(func(r *csvRow, v string) { r.rec.Competency.Description = v })},
	},
	transcript.Military: {
		{"ace_id", "military.aceId", true, text(func(r *csvRow, v string) { r.rec.Military.ACEID = strings.ToUpper(v) })},
		{"title", "military.title", true, text(func(r *csvRow, v string) { r.rec.Military.Title = v })},
		{"branch", "military.branch", true, text(func(r *csvRow, v string) { r.rec.Military.Branch = v })},
		{"started", "military.started", false, date(func(r *csvRow, v transcript.Date) { r.rec.Military.Started = v })},
		{"completed", "military.completed", true, date(func(r *csvRow, v transcript.Date) { r.rec.Military.Completed = v })},
		{"description", "military.description", false, text(func(r *csvRow, v string) { r.rec.Military.Description = v })},
	},
}

// groupColumn is the column of part of numbered group n ("skill", 2, "url"),
// or false when there is no such column for kind.
func groupColumn(kind transcript.Kind, group string, n int, part string) (csvColumn, bool) {
	name := fmt.Sprintf("%s%d_%s", group, n, part)
	switch {
	case group == "skill" && n <= transcript.MaxSkills && slices.Contains(skillParts, part):
		return csvColumn{name: name, set: func(r *csvRow, v string) error {
			if v == "" {
				return nil
			}
			s := r.skills[n]
			if s == nil {
				s = &transcript.Skill{}
				r.skills[n] = s
			}
			switch part {
			case "id":
				s.ID = v
			case "framework":
				s.Framework = v
			case "code":
				s.Code = v
			case "name":
				s.Name = v
			case "url":
				s.URL = v
			}
			return nil
		}}, true
	case group == "credit" && kind == transcript.Military && n <= transcript.MaxACELines && slices.Contains(creditParts, part):
		return csvColumn{name: name, set: func(r *csvRow, v string) error {
			if v == "" {
				return nil
			}
			c := r.credit[n]
			if c == nil {
				c = &transcript.ACECredit{}
				r.credit[n] = c
			}
			switch part {
			case "level":
				c.Level = transcript.ACELevel(strings.ToLower(v))
			case "hours":
				f, err := parseNumber(v)
				if err != nil {
					return err
				}
				c.Hours = f
			case "subject":
				c.Subject = v
			}
			return nil
		}}, true
	}
	return csvColumn{}, false
}

// columnFor finds the column a header cell names, for an institution of kind.
func columnFor(kind transcript.Kind, name string) (csvColumn, bool) {
	for _, c := range commonColumns {
		if c.name == name {
			return c, true
		}
	}
	for _, c := range kindColumns[kind] {
		if c.name == name {
			return c, true
		}
	}
	if m := groupRE.FindStringSubmatch(name); m != nil {
		n, err := strconv.Atoi(m[2])
		if err == nil {
			return groupColumn(kind, m[1], n, m[3])
		}
	}
	return csvColumn{}, false
}

// normalColumn is the canonical spelling of a header cell.
func normalColumn(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// unknownColumn explains a column the institution's records do not have.
func unknownColumn(kind transcript.Kind, name string) string {
	for _, k := range transcript.Kinds {
		if k == kind {
			continue
		}
		if _, ok := columnFor(k, name); ok {
			return fmt.Sprintf("unknown column: it is a column of %s records, and this institution sends %s records", k, kind)
		}
	}
	var names []string
	for _, c := range commonColumns {
		names = append(names, c.name)
	}
	for _, c := range kindColumns[kind] {
		names = append(names, c.name)
	}
	names = append(names, "skillN_id/framework/code/name/url")
	if kind == transcript.Military {
		names = append(names, "creditN_level/hours/subject")
	}
	return fmt.Sprintf("unknown column for %s records (known: %s)", kind, strings.Join(names, ", "))
}

func readCSV(b *batch, data []byte) {
	kind := b.inst.Kind
	if line := tooWide(data); line > 0 {
		b.tooLarge(line, "", "the row has more than %d cells", MaxColumns)
		return
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		if err == io.EOF {
			b.document(1, "", "the CSV has no header row")
		} else {
			b.document(1, "", "cannot read the header row: %s", csvReason(err))
		}
		return
	}
	header = slices.Clone(header) // the reader reuses its slice
	cols := make([]csvColumn, len(header))
	at := map[string]int{}
	for i, h := range header {
		name := normalColumn(h)
		switch c, ok := columnFor(kind, name); {
		case name == "":
			b.document(1, fmt.Sprintf("column %d", i+1), "the header names no column here")
		case !ok:
			b.document(1, clipTo(name, maxQuoted), "%s", unknownColumn(kind, name))
		case at[name] > 0:
			b.document(1, name, "the column is given twice (columns %d and %d)", at[name], i+1)
		default:
			cols[i] = c
			at[name] = i + 1
		}
	}
	for _, c := range append(slices.Clone(commonColumns), kindColumns[kind]...) {
		if c.required && at[c.name] == 0 {
			b.document(1, c.name, "required column is missing")
		}
	}
	if b.bad {
		return
	}
	fields := csvFields(kind)
	index := 0
	for !b.full() {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		var pe *csv.ParseError
		if err != nil && !(errors.As(err, &pe) && errors.Is(err, csv.ErrFieldCount)) {
			// A quoting error leaves the reader's place in the file
			// uncertain; stop rather than guess.
			line := 0
			if pe != nil {
				line = pe.StartLine
			}
			b.document(line, "", "malformed CSV: %s", csvReason(err))
			return
		}
		line, _ := r.FieldPos(0)
		if allEmpty(rec) {
			continue
		}
		if index >= MaxRecords {
			b.tooLarge(line, "", "more than %d records", MaxRecords)
			return
		}
		if err != nil {
			id := ""
			if i := at["record_id"] - 1; i >= 0 && i < len(rec) {
				id = strings.TrimSpace(rec[i])
			}
			b.fail(RecordError{Index: index, Record: id, Line: line, Reason: fmt.Sprintf("the row has %d cells; the header has %d", len(rec), len(header))})
			index++
			continue
		}
		readCSVRow(b, index, line, cols, fields, rec)
		index++
	}
}

// tooWide finds the line of the first row with more than MaxColumns cells,
// or 0. It follows quoting only as far as a count needs: a doubled quote
// toggles twice; a stray one makes the CSV reader fail anyway.
func tooWide(data []byte) int {
	quoted := false
	cells, line, start := 1, 1, 1
	for _, c := range data {
		switch c {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				if cells++; cells > MaxColumns {
					return start
				}
			}
		case '\n':
			line++
			if !quoted {
				cells, start = 1, line
			}
		}
	}
	return 0
}

func allEmpty(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// csvReason is a csv error without its line, which the report gives.
func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// csvFields maps what Validate reports to column names. It covers the
// optional columns a header may leave out: "a DID or an e-mail address is
// required" is about the email column whether or not it is there.
func csvFields(kind transcript.Kind) map[string]string {
	m := map[string]string{}
	for _, c := range append(slices.Clone(commonColumns), kindColumns[kind]...) {
		m[c.field] = c.name
	}
	return m
}

func readCSVRow(b *batch, index, line int, cols []csvColumn, fields map[string]string, cells []string) {
	row := csvRow{
		rec:    transcript.Record{Kind: b.inst.Kind},
		skills: map[int]*transcript.Skill{},
		credit: map[int]*transcript.ACECredit{},
	}
	switch b.inst.Kind {
	case transcript.College:
		row.rec.Course = &transcript.CourseWork{}
	case transcript.AdultSchool:
		row.rec.Certificate = &transcript.Certificate{}
	case transcript.Apprenticeship:
		row.rec.Competency = &transcript.Competency{}
	case transcript.Military:
		row.rec.Military = &transcript.MilitaryTraining{}
	}
	// The record ID first, so that every report about the row can name it.
	for i, c := range cols {
		if c.name == "record_id" {
			row.rec.ID = strings.TrimSpace(cells[i])
		}
	}
	fail := func(col, reason string) {
		b.fail(RecordError{Index: index, Record: row.rec.ID, Line: line, Field: col, Reason: reason})
	}
	// reported holds the columns already reported, so that a value that
	// could not be read is not reported again as missing.
	reported := map[string]bool{}
	for i, c := range cols {
		v := strings.TrimSpace(cells[i])
		if len(v) > MaxFieldBytes {
			b.errs.tooLarge = true
			fail(c.name, fmt.Sprintf("the cell is %d bytes, more than the limit of %d", len(v), MaxFieldBytes))
			reported[c.name] = true
			continue
		}
		if err := c.set(&row, v); err != nil {
			fail(c.name, err.Error())
			reported[c.name] = true
		}
	}
	learnerCol := func(f string) string {
		if f == "id" {
			return "learner_id"
		}
		return fields["learner."+f]
	}
	b.addLearner(row.learner, index, row.rec.ID, line, fmt.Sprintf("line %d", line), learnerCol)

	// Skills are checked here, where each problem can be put in its
	// column; Record.Validate would report them all under "skills[i]".
	// A skill with a problem is left out of the record: the batch fails
	// anyway, and the rest of the record is still checked.
	for _, n := range sortedKeys(row.skills) {
		s := *row.skills[n]
		err := s.Validate()
		if err == nil {
			row.rec.Skills = append(row.rec.Skills, s)
			continue
		}
		for _, msg := range strings.Split(err.Error(), "\n") {
			part := "name"
			for _, p := range skillParts {
				if strings.HasPrefix(msg, p+" ") {
					part = p
				}
			}
			fail(fmt.Sprintf("skill%d_%s", n, part), msg)
		}
	}
	var creditGroup []int // creditGroup[i] is the N of the record's credit line i
	for _, n := range sortedKeys(row.credit) {
		row.rec.Military.Credit = append(row.rec.Military.Credit, *row.credit[n])
		creditGroup = append(creditGroup, n)
	}
	b.addRecord(index, line, row.rec, func(f string) (string, bool) {
		if f == "learner" && row.learner.ID == "" {
			return "learner_id", false // reported with the learner
		}
		var i int
		var part string
		if _, err := fmt.Sscanf(f, "military.credit[%d].%s", &i, &part); err == nil && i >= 0 && i < len(creditGroup) {
			name := fmt.Sprintf("credit%d_%s", creditGroup[i], part)
			return name, !reported[name]
		}
		name, ok := fields[f]
		if !ok {
			name = f
		}
		return name, !reported[name]
	})
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
