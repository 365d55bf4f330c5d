package transcript

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"
)

// Limits on table input.
const (
	MaxTableBytes = 4 << 20
	MaxTableRows  = 20000
	maxReported   = 25 // errors reported per file before giving up
)

// TableError is one problem in a table file: the file, the row (the line
// number in a CSV file, the 1-based position in "rows" in a JSON file; 0 for
// the table as a whole), the column or field, and why.
type TableError struct {
	File   string
	Row    int
	Column string
	Reason string
}

func (e *TableError) Error() string {
	if e.Row == 0 {
		return fmt.Sprintf("%s: %s: %s", e.File, e.Column, e.Reason)
	}
	return fmt.Sprintf("%s: row %d, column %s: %s", e.File, e.Row, e.Column, e.Reason)
}

// ErrBadTable is matched by every error a table loader returns.
var ErrBadTable = errors.New("bad equivalency table")

type tableErrors struct {
	file string
	errs []error
}

func (t *tableErrors) add(row int, col, format string, args ...any) {
	t.errs = append(t.errs, &TableError{File: t.file, Row: row, Column: col, Reason: fmt.Sprintf(format, args...)})
}

func (t *tableErrors) full() bool { return len(t.errs) >= maxReported }

func (t *tableErrors) err() error {
	if len(t.errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w %s: %w", ErrBadTable, t.file, errors.Join(t.errs...))
}

// CSVColumns are the columns of a CSV equivalency table, in any order. One
// line grants one course; a row granting several courses repeats its row_id
// on consecutive lines with the same source, conditions and approval.
var CSVColumns = []string{
	"row_id", "source_kind", "source_institution", "source_id", "source_title",
	"min_grade", "min_hours", "min_level", "min_ace_hours", "ace_level",
	"completed_from", "completed_until",
	"college", "course_code", "course_title", "cid", "units", "course_url",
	"authority", "approved", "skills", "note",
}

var requiredColumns = []string{"row_id", "source_kind", "source_id", "college", "course_code", "course_title", "units", "course_url", "authority", "approved"}

// ParseTableCSV reads the rows of a CSV table. name is the file name used in
// errors. Skills are catalogue IDs separated by ";". Every error names the
// line and column; on any error nothing is returned.
func ParseTableCSV(name string, info TableInfo, data []byte) (Table, error) {
	te := &tableErrors{file: name}
	if len(data) > MaxTableBytes {
		te.add(0, "file", "%d bytes is more than the limit %d", len(data), MaxTableBytes)
		return Table{}, te.err()
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.Comment = '#'
	r.FieldsPerRecord = 0
	header, err := r.Read()
	if err != nil {
		te.add(1, "header", "cannot read the header: %v", err)
		return Table{}, te.err()
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if !contains(CSVColumns, h) {
			te.add(1, h, "unknown column (known: %s)", strings.Join(CSVColumns, ", "))
			continue
		}
		if _, dup := col[h]; dup {
			te.add(1, h, "column appears twice")
		}
		col[h] = i
	}
	for _, h := range requiredColumns {
		if _, ok := col[h]; !ok {
			te.add(1, h, "required column is missing")
		}
	}
	if err := te.err(); err != nil {
		return Table{}, err
	}
	t := Table{TableInfo: info}
	var lines []int // lines[i] is the CSV line where t.Rows[i] starts
	for !te.full() {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			te.add(line, "-", "%v", err)
			break
		}
		line, _ := r.FieldPos(0)
		get := func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row, course := parseCSVRow(te, line, get)
		if n := len(t.Rows); n > 0 && t.Rows[n-1].ID == row.ID {
			prev := &t.Rows[n-1]
			prev.Grants = append(prev.Grants, course...)
			row.Grants = prev.Grants
			if !sameRowButGrants(*prev, row) {
				te.add(line, "row_id", "%q continues the row of line %d but its source, conditions or approval differ", row.ID, lines[n-1])
			}
			continue
		}
		row.Grants = course
		t.Rows = append(t.Rows, row)
		lines = append(lines, line)
		if len(t.Rows) > MaxTableRows {
			te.add(line, "row_id", "more than %d rows", MaxTableRows)
			break
		}
	}
	if err := te.err(); err != nil {
		return Table{}, err
	}
	if err := t.validate(name, func(i int) int { return lines[i] }, false); err != nil {
		return Table{}, err
	}
	return t, nil
}

func sameRowButGrants(a, b Row) bool {
	a.Grants, b.Grants = nil, nil
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func parseCSVRow(te *tableErrors, line int, get func(string) string) (Row, []Course) {
	num := func(c string) float64 {
		s := get(c)
		if s == "" {
			return 0
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			te.add(line, c, "%q is not a number", s)
		}
		return v
	}
	date := func(c string) Date {
		d, err := ParseDate(get(c))
		if err != nil {
			te.add(line, c, "%v", err)
		}
		return d
	}
	row := Row{
		ID:     get("row_id"),
		Source: Source{Kind: Kind(get("source_kind")), Institution: get("source_institution"), ID: get("source_id"), Title: get("source_title")},
		Conditions: Conditions{
			MinGrade:       Grade(strings.ToUpper(get("min_grade"))),
			MinHours:       num("min_hours"),
			MinACEHours:    num("min_ace_hours"),
			ACELevel:       ACELevel(get("ace_level")),
			CompletedFrom:  date("completed_from"),
			CompletedUntil: date("completed_until"),
		},
		Authority: get("authority"),
		Approved:  date("approved"),
		Note:      get("note"),
	}
	if s := get("min_level"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			te.add(line, "min_level", "%q is not a whole number", s)
		}
		row.Conditions.MinLevel = v
	}
	for _, s := range strings.Split(get("skills"), ";") {
		if s = strings.TrimSpace(s); s != "" {
			row.Skills = append(row.Skills, s)
		}
	}
	course := Course{College: get("college"), Code: get("course_code"), Title: get("course_title"),
		CID: get("cid"), Units: num("units"), URL: get("course_url")}
	// Line-level checks name the CSV column; the whole table is checked
	// again by validate, whose messages name fields.
	for _, f := range rowProblems(row, []Course{course}) {
		te.add(line, csvColumnOf(f.Field), "%s", f.Reason)
	}
	return row, []Course{course}
}

// csvColumnOf maps a validate field name to the CSV column that holds it.
func csvColumnOf(field string) string {
	m := map[string]string{
		"id": "row_id", "source.kind": "source_kind", "source.id": "source_id", "source.institution": "source_institution",
		"conditions.minGrade": "min_grade", "conditions.minHours": "min_hours", "conditions.minLevel": "min_level",
		"conditions.minAceHours": "min_ace_hours", "conditions.aceLevel": "ace_level",
		"conditions.completedUntil": "completed_until", "authority": "authority", "approved": "approved",
		"college": "college", "code": "course_code", "title": "course_title", "units": "units", "url": "course_url",
		"skills": "skills",
	}
	if i := strings.LastIndex(field, "]."); i >= 0 {
		field = field[i+2:]
	}
	if c, ok := m[field]; ok {
		return c
	}
	return field
}

// ParseTableJSON reads a whole table (header and rows) from JSON. Unknown
// fields are errors: a misspelt condition must not silently vanish.
func ParseTableJSON(name string, data []byte) (Table, error) {
	te := &tableErrors{file: name}
	if len(data) > MaxTableBytes {
		te.add(0, "file", "%d bytes is more than the limit %d", len(data), MaxTableBytes)
		return Table{}, te.err()
	}
	var t Table
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		te.add(0, jsonErrorField(err), "%v", err)
		return Table{}, te.err()
	}
	if dec.More() {
		te.add(0, "file", "trailing data after the table")
		return Table{}, te.err()
	}
	if len(t.Rows) > MaxTableRows {
		te.add(0, "rows", "more than %d rows", MaxTableRows)
		return Table{}, te.err()
	}
	if err := t.validate(name, func(i int) int { return i + 1 }, true); err != nil {
		return Table{}, err
	}
	return t, nil
}

func jsonErrorField(err error) string {
	var ut *json.UnmarshalTypeError
	if errors.As(err, &ut) && ut.Field != "" {
		return ut.Field
	}
	return "json"
}

// validate checks the whole table. rowNum maps a row index to the number
// reported in errors; checkRows is false when the CSV parser has checked each
// line already (naming CSV columns rather than fields).
func (t Table) validate(file string, rowNum func(int) int, checkRows bool) error {
	te := &tableErrors{file: file}
	if t.ID == "" || !slugRE.MatchString(t.ID) {
		te.add(0, "id", "%q: want lower-case letters, digits and dashes", t.ID)
	}
	if strings.TrimSpace(t.Version) == "" {
		te.add(0, "version", "is required")
	}
	if strings.TrimSpace(t.Title) == "" {
		te.add(0, "title", "is required")
	}
	if t.EffectiveFrom.IsZero() {
		te.add(0, "effectiveFrom", "is required")
	}
	if !t.EffectiveUntil.IsZero() && !t.EffectiveFrom.Before(t.EffectiveUntil) {
		te.add(0, "effectiveUntil", "%s is not after effectiveFrom %s", t.EffectiveUntil, t.EffectiveFrom)
	}
	if t.UnitCap < 0 || math.IsNaN(t.UnitCap) || t.UnitCap > 200 {
		te.add(0, "unitCap", "%g: want 0 (no cap) to 200", t.UnitCap)
	}
	if len(t.Rows) == 0 {
		te.add(0, "rows", "a table needs at least one row")
	}
	seen := map[string]int{}
	for i, r := range t.Rows {
		if j, dup := seen[r.ID]; dup && r.ID != "" {
			te.add(rowNum(i), "id", "row id %q repeats row %d", r.ID, j)
		}
		seen[r.ID] = rowNum(i)
		if !checkRows {
			continue
		}
		for _, f := range rowProblems(r, r.Grants) {
			te.add(rowNum(i), f.Field, "%s", f.Reason)
		}
		if te.full() {
			break
		}
	}
	return te.err()
}

// rowProblems checks one row with the given grants.
func rowProblems(r Row, grants []Course) []*FieldError {
	var c checker
	if !slugRE.MatchString(strings.ToLower(r.ID)) {
		c.failf("id", "%q: want letters, digits and dashes", r.ID)
	}
	if !r.Source.Kind.Valid() {
		c.failf("source.kind", "%q: want college, adult-school, apprenticeship or military", r.Source.Kind)
	}
	c.text("source.id", r.Source.ID, true, MaxNameLen)
	if r.Source.Institution != "" && !slugRE.MatchString(r.Source.Institution) {
		c.failf("source.institution", "%q is not an institution slug", r.Source.Institution)
	}
	cd := r.Conditions
	if cd.MinGrade != "" && !cd.MinGrade.IsMinimum() {
		c.failf("conditions.minGrade", "%q is not a letter grade A+ to D-", cd.MinGrade)
	}
	if cd.MinGrade != "" && r.Source.Kind != College {
		c.failf("conditions.minGrade", "only college rows can require a grade")
	}
	c.amount("conditions.minHours", cd.MinHours, MaxHours, false)
	c.amount("conditions.minAceHours", cd.MinACEHours, MaxUnits, false)
	if cd.MinLevel < 0 || cd.MinLevel > 6 {
		c.failf("conditions.minLevel", "%d is not an NRS level (1-6)", cd.MinLevel)
	}
	if cd.ACELevel != "" && !cd.ACELevel.valid() {
		c.failf("conditions.aceLevel", "%q: want vocational, lower-division, upper-division or graduate", cd.ACELevel)
	}
	if r.Source.Kind != Military {
		if cd.ACELevel != "" {
			c.failf("conditions.aceLevel", "only military rows can require an ACE recommendation")
		}
		if cd.MinACEHours > 0 {
			c.failf("conditions.minAceHours", "only military rows can require an ACE recommendation")
		}
	}
	if !cd.CompletedFrom.IsZero() && !cd.CompletedUntil.IsZero() && cd.CompletedUntil.Before(cd.CompletedFrom) {
		c.failf("conditions.completedUntil", "%s is before completedFrom %s", cd.CompletedUntil, cd.CompletedFrom)
	}
	c.text("authority", r.Authority, true, MaxNameLen)
	c.date("approved", r.Approved)
	if len(r.Skills) > MaxSkills {
		c.failf("skills", "more than %d skills", MaxSkills)
	}
	if len(grants) == 0 {
		c.failf("grants", "a row grants at least one course")
	}
	for i, g := range grants {
		p := fmt.Sprintf("grants[%d].", i)
		c.text(p+"college", g.College, true, MaxNameLen)
		if !courseRE.MatchString(normCode(g.Code)) {
			c.failf(p+"code", "%q is not a course code like \"EMS 101\"", g.Code)
		}
		c.text(p+"title", g.Title, true, MaxNameLen)
		c.amount(p+"units", g.Units, MaxUnits, true)
		if !strings.HasPrefix(g.URL, "https://") && !strings.HasPrefix(g.URL, "http://") {
			c.failf(p+"url", "%q: want the course's catalogue URL", g.URL)
		}
	}
	out := make([]*FieldError, 0, len(c.errs))
	for _, e := range c.errs {
		out = append(out, e.(*FieldError))
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TableIndex lists the tables of a directory: JSON tables name only their
// file; CSV tables carry their header here.
type TableIndex struct {
	Tables []IndexEntry `json:"tables"`
}

// IndexEntry is one table file in an index.
type IndexEntry struct {
	File string `json:"file"`
	TableInfo
}

// LoadTables reads the index at indexPath in fsys and every table it names,
// relative to the index. All files load or none do: the error lists every
// problem found.
func LoadTables(fsys fs.FS, indexPath string) ([]Table, error) {
	raw, err := readLimited(fsys, indexPath)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadTable, err)
	}
	var idx TableIndex
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&idx); err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrBadTable, indexPath, err)
	}
	dir := path.Dir(indexPath)
	var tables []Table
	var errs []error
	for i, e := range idx.Tables {
		name := path.Join(dir, e.File)
		data, err := readLimited(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: tables[%d]: %w", indexPath, i, err))
			continue
		}
		var t Table
		switch path.Ext(e.File) {
		case ".csv":
			t, err = ParseTableCSV(name, e.TableInfo, data)
		case ".json":
			if e.TableInfo != (TableInfo{}) {
				err = fmt.Errorf("%s: tables[%d]: a JSON table carries its own header; give only \"file\"", indexPath, i)
				break
			}
			t, err = ParseTableJSON(name, data)
		default:
			err = fmt.Errorf("%s: tables[%d]: %q: want a .csv or .json file", indexPath, i, e.File)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		tables = append(tables, t)
	}
	if err := errors.Join(errs...); err != nil {
		if !errors.Is(err, ErrBadTable) {
			err = fmt.Errorf("%w: %w", ErrBadTable, err)
		}
		return nil, err
	}
	return tables, nil
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxTableBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > MaxTableBytes {
		return nil, fmt.Errorf("%s: more than %d bytes", name, MaxTableBytes)
	}
	return data, nil
}

// Validate checks a table built in code or decoded elsewhere, with the same
// rules as the loaders (rows numbered from 1).
func (t Table) Validate() error {
	return t.validate(t.ID+"@"+t.Version, func(i int) int { return i + 1 }, true)
}
