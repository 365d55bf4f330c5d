package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/satchel-wallet/satchel/transcript"
)

// ParseJSON reads a submission as the JSON object
//
//	{"learners": [Learner, ...], "records": [Record, ...]}
//
// whose entries have package transcript's own JSON shapes. Unknown fields are
// errors, so a misspelt field is caught rather than dropped, and so is
// anything after the object. A record's "kind" and "institution" may be left
// out; they are those of institution.
//
// Every problem is reported, each with the record's index and the field's
// JSON path; when there is any, the Batch is empty and the error is *Errors.
func ParseJSON(institution transcript.Institution, data []byte) (Batch, error) {
	if err := checkInstitution("json", institution); err != nil {
		return Batch{}, err
	}
	b := newBatch("json", institution)
	if b.checkSize(data) {
		p := jsonParser{b: b, data: data, lines: lineCounter{data: data}}
		p.dec = json.NewDecoder(bytes.NewReader(data))
		p.dec.DisallowUnknownFields()
		if p.read() {
			p.check()
		}
	}
	return b.result()
}

type jsonParser struct {
	b     *batch
	data  []byte
	lines lineCounter
	dec   *json.Decoder

	learners []jsonEntry[transcript.Learner]
	records  []jsonEntry[recordJSON]
}

// jsonEntry is one decoded array entry and where it starts.
type jsonEntry[T any] struct {
	v    T
	line int
	ok   bool // decoded without error
}

// read decodes the document, entry by entry so that a count limit stops it
// before a huge array is in memory. It reports false when the document could
// not be read to its end.
func (p *jsonParser) read() bool {
	tok, err := p.dec.Token()
	if err != nil {
		p.fatal(err)
		return false
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		p.b.document(1, "", `the submission must be a JSON object {"learners": [...], "records": [...]}`)
		return false
	}
	seen := map[string]bool{}
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			p.fatal(err)
			return false
		}
		key, _ := tok.(string)
		line := p.lines.at(p.offset())
		if seen[key] {
			p.b.document(line, key, "given twice")
		}
		seen[key] = true
		var ok bool
		switch key {
		case "learners":
			ok = readArray(p, &p.learners, MaxLearners, "learners")
		case "records":
			ok = readArray(p, &p.records, MaxRecords, "records")
		default:
			p.b.document(line, key, `unknown field (want "learners" and "records")`)
			var skip json.RawMessage
			err := p.dec.Decode(&skip)
			if err != nil {
				p.fatal(err)
			}
			ok = err == nil
		}
		if !ok {
			return false
		}
	}
	if _, err := p.dec.Token(); err != nil { // the closing brace
		p.fatal(err)
		return false
	}
	if _, err := p.dec.Token(); err != io.EOF {
		p.b.document(p.lines.at(p.offset()), "", "unexpected data after the submission's object")
		return false
	}
	return true
}

// readArray decodes a JSON array (or null) entry by entry into list.
func readArray[T any](p *jsonParser, list *[]jsonEntry[T], limit int, name string) bool {
	tok, err := p.dec.Token()
	if err != nil {
		p.fatal(err)
		return false
	}
	if tok == nil {
		return true
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		p.b.document(p.lines.at(p.offset()), name, "must be a list")
		return false
	}
	for p.dec.More() {
		line := p.lines.at(p.offset())
		if len(*list) >= limit {
			p.b.tooLarge(line, name, "more than %d %s", limit, name)
			return false
		}
		var e jsonEntry[T]
		e.line = line
		err := p.dec.Decode(&e.v)
		switch {
		case err == nil:
			e.ok = true
		case isFatal(err):
			p.fatal(err)
			return false
		default:
			// The decoder has read the whole entry before filling it in, so
			// the next entry can still be read.
			p.entryProblem(name, len(*list), any(&e.v), line, err)
		}
		*list = append(*list, e)
	}
	if _, err := p.dec.Token(); err != nil {
		p.fatal(err)
		return false
	}
	return true
}

// offset is where the next JSON value starts: past the decoder's position,
// the whitespace and the separator before it.
func (p *jsonParser) offset() int {
	off := int(p.dec.InputOffset())
	for off < len(p.data) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func isFatal(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// fatal reports an error that ends reading: malformed JSON.
func (p *jsonParser) fatal(err error) {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		p.b.document(p.lines.at(int(se.Offset)), "", "malformed JSON: %s", clipTo(se.Error(), 120))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		p.b.document(p.lines.at(len(p.data)), "", "the JSON document ends early")
	default:
		p.b.document(0, "", "malformed JSON: %s", clipTo(err.Error(), 120))
	}
}

// entryProblem reports an entry that is well-formed JSON but does not fit the
// shape: a wrong type, an unknown field, a bad date.
func (p *jsonParser) entryProblem(list string, i int, v any, line int, err error) {
	field, reason := "", clipTo(err.Error(), 160)
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		field = jsonPath(te.Field)
		reason = fmt.Sprintf("want %s, not %s", jsonType(te.Type), te.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, uerr := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		if uerr == nil {
			field, reason = name, "unknown field (misspelt?)"
		}
	}
	switch v := v.(type) {
	case *transcript.Learner:
		if field != "" {
			field = "." + field
		}
		p.b.fail(RecordError{Index: -1, Learner: v.ID, Line: line, Field: fmt.Sprintf("learners[%d]%s", i, field), Reason: reason})
	case *recordJSON:
		p.b.fail(RecordError{Index: i, Record: v.ID, Line: line, Field: field, Reason: reason})
	}
}

// jsonPath drops from a decoder's field path the names of the embedded
// structs recordJSON is built from ("course.CourseWork.units"): every JSON
// name in package transcript starts in lower case, every Go type name in
// upper case.
func jsonPath(p string) string {
	var keep []string
	for _, seg := range strings.Split(p, ".") {
		if seg != "" && !unicode.IsUpper(rune(seg[0])) {
			keep = append(keep, seg)
		}
	}
	return strings.Join(keep, ".")
}

func jsonType(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	}
	return t.String()
}

// check validates what was read: learners first, since records name them.
func (p *jsonParser) check() {
	for i, e := range p.learners {
		if !e.ok {
			// Already reported; its records should not be reported again
			// as naming an unknown learner.
			if _, seen := p.b.learnerAt[e.v.ID]; !seen && e.v.ID != "" {
				p.b.learnerAt[e.v.ID] = learnerSeen{index: -1, where: fmt.Sprintf("learners[%d]", i)}
			}
			continue
		}
		if p.b.full() {
			return
		}
		l := e.v
		field := func(f string) string { return fmt.Sprintf("learners[%d].%s", i, f) }
		if prev, dup := p.b.learnerAt[l.ID]; dup && l.ID != "" {
			p.b.fail(RecordError{Index: -1, Learner: l.ID, Line: e.line, Field: field("id"),
				Reason: fmt.Sprintf("learner %s repeats %s", clip(l.ID), prev.where)})
			continue
		}
		p.b.addLearner(l, -1, "", e.line, fmt.Sprintf("learners[%d]", i), field)
	}
	for i, e := range p.records {
		if p.b.full() {
			return
		}
		if !e.ok {
			continue
		}
		r, problems := e.v.record()
		reported := map[string]bool{}
		for _, fe := range problems {
			p.b.fail(RecordError{Index: i, Record: r.ID, Line: e.line, Field: fe.Field, Reason: fe.Reason})
			reported[fe.Field] = true
		}
		// A date that could not be read is left zero; the domain would
		// report it again as missing.
		p.b.addRecord(i, e.line, r, func(f string) (string, bool) { return f, !reported[f] })
	}
}

// recordJSON reads a transcript.Record with its dates as text, so that a bad
// date is reported with its field: a Date's own UnmarshalJSON error cannot
// say which field it was. Every other field is the embedded type's, so
// fields added to package transcript are read without a change here.
//
// Skills and credit lines are read into bounded lists: a list of a million
// "{}" is a few megabytes of JSON but far more as structs.
type recordJSON struct {
	transcript.Record
	Skills      boundedList[transcript.Skill] `json:"skills,omitempty"`
	Course      *courseJSON                   `json:"course,omitempty"`
	Certificate *certificateJSON              `json:"certificate,omitempty"`
	Competency  *competencyJSON               `json:"competency,omitempty"`
	Military    *militaryJSON                 `json:"military,omitempty"`
}

type courseJSON struct {
	transcript.CourseWork
	Completed string `json:"completed"`
}

type certificateJSON struct {
	transcript.Certificate
	Completed string `json:"completed"`
}

type competencyJSON struct {
	transcript.Competency
	Completed string `json:"completed"`
}

type militaryJSON struct {
	transcript.MilitaryTraining
	Started   string                            `json:"started"`
	Completed string                            `json:"completed"`
	Credit    boundedList[transcript.ACECredit] `json:"credit"`
}

// boundedList reads a JSON list keeping at most maxListed entries: enough
// for the domain to report a list over its limit (transcript.MaxSkills,
// MaxACELines), without holding what follows.
type boundedList[T any] []T

const maxListed = max(transcript.MaxSkills, transcript.MaxACELines) + 1

func (l *boundedList[T]) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		*l = nil
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return &json.UnmarshalTypeError{Value: jsonValueKind(tok), Type: reflect.TypeFor[[]T]()}
	}
	var list []T
	// The rest need not be read: the outer decoder has checked the whole
	// value's syntax before handing it over.
	for dec.More() && len(list) < maxListed {
		var v T
		if err := dec.Decode(&v); err != nil {
			return err
		}
		list = append(list, v)
	}
	*l = list
	return nil
}

// jsonValueKind names a JSON token's kind as UnmarshalTypeError does.
func jsonValueKind(tok json.Token) string {
	switch tok.(type) {
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "bool"
	}
	return "object"
}

// record is the transcript.Record read, or the date fields that are not
// dates.
func (rj recordJSON) record() (transcript.Record, []transcript.FieldError) {
	r := rj.Record
	r.Skills = rj.Skills
	var problems []transcript.FieldError
	date := func(field, s string) transcript.Date {
		d, err := transcript.ParseDate(s)
		if err != nil {
			problems = append(problems, transcript.FieldError{Field: field, Reason: fmt.Sprintf("%s is not a date YYYY-MM-DD", clip(s))})
		}
		return d
	}
	if c := rj.Course; c != nil {
		w := c.CourseWork
		w.Completed = date("course.completed", c.Completed)
		r.Course = &w
	}
	if c := rj.Certificate; c != nil {
		w := c.Certificate
		w.Completed = date("certificate.completed", c.Completed)
		r.Certificate = &w
	}
	if c := rj.Competency; c != nil {
		w := c.Competency
		w.Completed = date("competency.completed", c.Completed)
		r.Competency = &w
	}
	if m := rj.Military; m != nil {
		w := m.MilitaryTraining
		w.Started = date("military.started", m.Started)
		w.Completed = date("military.completed", m.Completed)
		w.Credit = m.Credit
		r.Military = &w
	}
	return r, problems
}

// lineCounter turns byte offsets into line numbers, counting each newline
// once as offsets grow.
type lineCounter struct {
	data []byte
	off  int
	line int // line at off, minus one
}

func (c *lineCounter) at(off int) int {
	off = min(max(off, 0), len(c.data))
	if off < c.off { // rare: a report about an earlier place
		return lineAt(c.data, off)
	}
	c.line += bytes.Count(c.data[c.off:off], []byte{'\n'})
	c.off = off
	return c.line + 1
}
