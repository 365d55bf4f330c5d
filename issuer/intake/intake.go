package intake

import (
	"cmp"
	"errors"
	"fmt"
	"mime"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/satchel-wallet/satchel/transcript"
)

// Limits on one submission. Anything over a limit is refused as a whole, with
// an error that matches ErrTooLarge: a batch is issued entirely or not at all.
const (
	// MaxBytes bounds the submitted document.
	MaxBytes = 8 << 20
	// MaxRecords bounds the records of one batch (CSV data rows, PESC
	// courses, JSON records).
	MaxRecords = 5000
	// MaxLearners bounds the distinct learners of one batch.
	MaxLearners = 5000
	// MaxFieldBytes bounds one CSV cell or the text of one XML element. It is
	// above transcript.MaxTextLen so that an over-long description is
	// reported by the domain's own rule; it exists to stop a runaway value
	// early.
	MaxFieldBytes = 8 << 10
	// MaxColumns bounds the cells of one CSV row, above the number of
	// columns any kind has (skill and credit groups included). It is checked
	// before the CSV reader runs: a line of commas is cheap to send and
	// costly to split.
	MaxColumns = 512
	// MaxXMLDepth bounds element nesting in a PESC document (a real
	// College Transcript nests about eight deep).
	MaxXMLDepth = 32
	// MaxXMLAttributes bounds the attributes of one XML element (PESC
	// elements have a few namespace declarations at most). It is checked
	// before the XML decoder runs, which would hold them all.
	MaxXMLAttributes = 64
	// MaxXMLElements bounds the elements of a PESC document (a course is
	// about fifteen).
	MaxXMLElements = 250_000
	// MaxErrors bounds the problems reported for one submission; past it the
	// list ends with a note that more were not reported.
	MaxErrors = 1000
)

var (
	// ErrInvalid is matched by every error about the submitted document:
	// malformed, failing validation, or over a limit. Such errors are
	// *Errors.
	ErrInvalid = errors.New("invalid submission")
	// ErrTooLarge is matched, as well as ErrInvalid, when the submission is
	// over one of the limits (MaxBytes, MaxRecords, ...).
	ErrTooLarge = errors.New("submission over a limit")
	// ErrMediaType is returned by Parse for a media type it does not read.
	ErrMediaType = errors.New("unsupported media type")
)

// Batch is one submission: learners and their records, every one valid, each
// record's Kind and Institution those of the submitting institution, and each
// record's learner among Learners.
type Batch struct {
	Learners []transcript.Learner
	Records  []transcript.Record
}

// RecordError says what is wrong with one record (or learner) of a
// submission.
type RecordError struct {
	// Index is the 0-based position of the record in the submission: the
	// JSON "records" entry, the CSV data row, the PESC Course in document
	// order. It is -1 for a problem outside any one record: the document as a
	// whole, a CSV header, a JSON "learners" entry or a PESC Student's
	// person data.
	Index int
	// Record is the record's ID, when known.
	Record string
	// Learner is the learner's ID when the problem is with the learner.
	Learner string
	// Line is the line of the input where the record (or problem) is, when
	// known; 0 otherwise.
	Line int
	// Field names what is wrong in the format's own terms: a JSON path
	// ("course.units", "learners[2].email"), a CSV column ("grade"), or a
	// PESC element path ("Course/CourseAcademicGrade").
	Field string
	// Reason says what is wrong. Values from the input quoted in it are
	// shortened.
	Reason string
}

func (e RecordError) Error() string {
	var where []string
	if e.Index >= 0 {
		w := "record " + strconv.Itoa(e.Index)
		if e.Record != "" {
			w += " (" + e.Record + ")"
		}
		where = append(where, w)
	}
	if e.Learner != "" && e.Index < 0 {
		where = append(where, "learner "+e.Learner)
	}
	if e.Line > 0 {
		where = append(where, "line "+strconv.Itoa(e.Line))
	}
	s := strings.Join(where, ", ")
	if e.Field != "" {
		if s != "" {
			s += ": "
		}
		s += e.Field
	}
	if s == "" {
		return e.Reason
	}
	return s + ": " + e.Reason
}

// Errors is every problem found in one submission. It matches ErrInvalid,
// and ErrTooLarge when the submission is over a limit.
type Errors struct {
	// Format is "json", "csv" or "pesc".
	Format string
	List   []RecordError
	// Truncated reports that more than MaxErrors problems were found and
	// only the first MaxErrors are listed.
	Truncated bool
	tooLarge  bool
}

// errorsShown is how many problems Error spells out; List has them all.
const errorsShown = 3

func (e *Errors) Error() string {
	n := len(e.List)
	var b strings.Builder
	fmt.Fprintf(&b, "intake %s: ", e.Format)
	switch {
	case n == 1:
		b.WriteString(e.List[0].Error())
		return b.String()
	case e.Truncated:
		fmt.Fprintf(&b, "more than %d problems: ", n)
	default:
		fmt.Fprintf(&b, "%d problems: ", n)
	}
	for i, re := range e.List[:min(n, errorsShown)] {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(re.Error())
	}
	if n > errorsShown {
		fmt.Fprintf(&b, "; and %d more", n-errorsShown)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) hold for every *Errors, and
// errors.Is(err, ErrTooLarge) for those over a limit.
func (e *Errors) Is(target error) bool {
	return target == ErrInvalid || (target == ErrTooLarge && e.tooLarge)
}

// Parse reads a submission in the format its media type names:
// application/json (ParseJSON), text/csv (ParseCSV), application/xml or
// text/xml (ParsePESC). A charset parameter, if any, must be UTF-8. Other
// media types are ErrMediaType.
func Parse(institution transcript.Institution, mediaType string, data []byte) (Batch, error) {
	mt, params, err := mime.ParseMediaType(mediaType)
	if err != nil {
		return Batch{}, fmt.Errorf("intake: %w %s: %v", ErrMediaType, clip(mediaType), err)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "us-ascii") {
		return Batch{}, fmt.Errorf("intake: %w: charset %s (want utf-8)", ErrMediaType, clip(cs))
	}
	switch mt {
	case "application/json":
		return ParseJSON(institution, data)
	case "text/csv":
		return ParseCSV(institution, data)
	case "application/xml", "text/xml":
		return ParsePESC(institution, data)
	}
	return Batch{}, fmt.Errorf("intake: %w %s (want application/json, text/csv or application/xml)", ErrMediaType, clip(mt))
}

// checkInstitution refuses an institution no record could be checked
// against. That is the caller's mistake, not the submission's, so it is not
// ErrInvalid.
func checkInstitution(format string, in transcript.Institution) error {
	if !in.Kind.Valid() || strings.TrimSpace(in.Slug) == "" {
		return fmt.Errorf("intake %s: institution %s has no slug or no valid kind", format, clip(in.Slug))
	}
	return nil
}

// batch collects a submission's learners and records and every problem with
// them; the parsers feed it and result turns it into a Batch or *Errors.
type batch struct {
	inst     transcript.Institution
	errs     Errors
	learners []transcript.Learner
	// learnerAt finds a learner by ID: its index in learners and where it
	// was first given, for reports about disagreeing repeats.
	learnerAt map[string]learnerSeen
	records   []transcript.Record
	recordAt  map[string]recordSeen
	// bad records whether any problem was found; errs.List may be capped.
	bad bool
	// learnersFull records that MaxLearners was reached, reported once.
	learnersFull bool
}

type learnerSeen struct {
	index int
	where string // "line 3", "learners[2]"
}

type recordSeen struct {
	index int
	line  int
}

func newBatch(format string, in transcript.Institution) *batch {
	return &batch{
		inst:      in,
		errs:      Errors{Format: format},
		learnerAt: map[string]learnerSeen{},
		recordAt:  map[string]recordSeen{},
	}
}

// fail records a problem. Record IDs and reasons are shortened so that an
// error never carries a large piece of the input back.
func (b *batch) fail(e RecordError) {
	b.bad = true
	if len(b.errs.List) >= MaxErrors {
		b.errs.Truncated = true
		return
	}
	e.Record = clipTo(e.Record, maxQuoted)
	e.Learner = clipTo(e.Learner, maxQuoted)
	e.Field = clipTo(e.Field, 120)
	// Joined domain errors come as lines; a report is one line.
	e.Reason = clipTo(strings.ReplaceAll(e.Reason, "\n", "; "), maxReason)
	b.errs.List = append(b.errs.List, e)
}

// tooLarge records a limit problem for the document as a whole.
func (b *batch) tooLarge(line int, field, format string, args ...any) {
	b.errs.tooLarge = true
	b.fail(RecordError{Index: -1, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)})
}

// document records a problem with the document as a whole.
func (b *batch) document(line int, field, format string, args ...any) {
	b.fail(RecordError{Index: -1, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)})
}

// full reports that no further problem would be listed: parsers stop early.
func (b *batch) full() bool { return b.errs.Truncated }

func (b *batch) result() (Batch, error) {
	if !b.bad && len(b.records) == 0 {
		b.document(0, "", "the submission has no records")
	}
	if b.bad {
		// Problems are found format by format (a JSON file's learners are
		// checked after all of it is read); they read best in the
		// submission's order, those about no one record first.
		slices.SortStableFunc(b.errs.List, func(x, y RecordError) int { return cmp.Compare(x.Index, y.Index) })
		err := b.errs
		return Batch{}, &err
	}
	return Batch{Learners: b.learners, Records: b.records}, nil
}

// checkSize refuses an oversized or non-UTF-8 document before any parsing.
// Invalid UTF-8 would otherwise be replaced silently in what we sign.
func (b *batch) checkSize(data []byte) bool {
	if len(data) > MaxBytes {
		b.tooLarge(0, "", "the document is %d bytes, more than the limit of %d", len(data), MaxBytes)
		return false
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		b.document(lineAt(data, off), "", "the document is not UTF-8 (first bad byte at offset %d)", off)
		return false
	}
	return true
}

// learnerFields names, in a format's terms, the learner fields Learner.Validate
// checks ("id", "givenName", "familyName", "email", "did").
type learnerFields func(field string) string

// addLearner adds a learner met in the submission. A learner given again
// must agree with the first time (CSV rows, PESC Students); where repeats are
// not expected at all (JSON) the caller checks first. at and record are the
// index and ID of the record the learner came with (-1 and "" when none);
// where says where it was given, for reports about later repeats.
func (b *batch) addLearner(l transcript.Learner, at int, record string, line int, where string, field learnerFields) {
	if prev, ok := b.learnerAt[l.ID]; ok && l.ID != "" {
		if prev.index < 0 {
			return // an entry that could not be read, already reported
		}
		p := b.learners[prev.index]
		for _, f := range []struct{ name, was, is string }{
			{"givenName", p.GivenName, l.GivenName},
			{"familyName", p.FamilyName, l.FamilyName},
			{"email", p.Email, l.Email},
			{"did", p.DID, l.DID},
		} {
			if f.was != f.is {
				b.fail(RecordError{Index: at, Record: record, Learner: l.ID, Line: line, Field: field(f.name),
					Reason: fmt.Sprintf("learner %s was given with %s %s at %s, here %s", clip(l.ID), field(f.name), clip(f.was), prev.where, clip(f.is))})
			}
		}
		return
	}
	for _, fe := range learnerProblems(l) {
		b.fail(RecordError{Index: at, Record: record, Learner: l.ID, Line: line, Field: field(fe.Field), Reason: fe.Reason})
	}
	if len(b.learners) >= MaxLearners {
		if !b.learnersFull {
			b.tooLarge(line, "", "more than %d learners", MaxLearners)
		}
		b.learnersFull = true
		return
	}
	if l.ID != "" {
		b.learnerAt[l.ID] = learnerSeen{index: len(b.learners), where: where}
	}
	b.learners = append(b.learners, l)
}

// learnerProblems splits Learner.Validate's error into fields. Learner.Validate
// reports plain errors rather than *transcript.FieldError, so the field is
// told by how each message starts; a message we do not recognise is still
// reported, against the learner as a whole.
func learnerProblems(l transcript.Learner) []transcript.FieldError {
	err := l.Validate()
	if err == nil {
		return nil
	}
	var list []error
	if inner := errors.Unwrap(err); inner != nil {
		if j, ok := inner.(interface{ Unwrap() []error }); ok {
			list = j.Unwrap()
		} else {
			list = []error{inner}
		}
	} else {
		list = []error{err}
	}
	var out []transcript.FieldError
	for _, e := range list {
		msg := e.Error()
		field := ""
		switch {
		case strings.HasPrefix(msg, "id "):
			field = "id"
		case strings.HasPrefix(msg, "a given or family name"):
			field = "givenName"
		case strings.HasPrefix(msg, "email "), strings.HasPrefix(msg, "a DID or an e-mail"):
			field = "email"
		case strings.HasPrefix(msg, "did "):
			field = "did"
		}
		out = append(out, transcript.FieldError{Field: field, Reason: msg})
	}
	return out
}

// recordFields names, in a format's terms, a field Record.Validate reports
// ("course.units", "military.credit[1].hours", "skills[0]"), and says whether
// to report it: a format that has already reported a value it could not read
// does not report it again as missing.
type recordFields func(field string) (name string, report bool)

// addRecord checks one record against the institution, the domain's rules and
// the rest of the batch, and adds it. index is its position in the
// submission.
func (b *batch) addRecord(index, line int, r transcript.Record, field recordFields) {
	if len(b.records) >= MaxRecords {
		// Parsers stop at the limit; this guards one that does not.
		b.tooLarge(line, "", "more than %d records", MaxRecords)
		return
	}
	ok := true
	fail := func(f, format string, args ...any) {
		ok = false
		name, report := field(f)
		if report {
			b.fail(RecordError{Index: index, Record: r.ID, Line: line, Field: name, Reason: fmt.Sprintf(format, args...)})
		} else {
			b.bad = true
		}
	}
	switch {
	case r.Kind == "":
		r.Kind = b.inst.Kind
	case r.Kind != b.inst.Kind:
		fail("kind", "is %s; institution %s sends %s records", clip(string(r.Kind)), b.inst.Slug, b.inst.Kind)
		// Check the rest as the institution's kind: that is what it
		// can send, and checking it as another kind would only add
		// "course is required" noise.
		r.Kind = b.inst.Kind
	}
	switch {
	case r.Institution == "":
		r.Institution = b.inst.Slug
	case r.Institution != b.inst.Slug:
		fail("institution", "is %s; the submission is from %s", clip(r.Institution), b.inst.Slug)
	}
	if r.Course != nil {
		// The domain accepts any case but ranks only upper-case grades, so
		// a grade is stored the way ParseGrade spells it.
		if g, err := transcript.ParseGrade(string(r.Course.Grade)); err == nil {
			c := *r.Course
			c.Grade = g
			r.Course = &c
		}
	}
	for _, fe := range validate(r) {
		fail(fe.Field, "%s", fe.Reason)
	}
	if r.Learner != "" {
		if _, known := b.learnerAt[r.Learner]; !known {
			fail("learner", "learner %s is not among the submission's learners", clip(r.Learner))
		}
	}
	if r.ID != "" {
		if prev, dup := b.recordAt[r.ID]; dup {
			at := "record " + strconv.Itoa(prev.index)
			if prev.line > 0 {
				at += " (line " + strconv.Itoa(prev.line) + ")"
			}
			fail("id", "record ID %s repeats %s", clip(r.ID), at)
		} else {
			b.recordAt[r.ID] = recordSeen{index: index, line: line}
		}
	}
	if ok {
		b.records = append(b.records, r)
	}
}

// validate runs Record.Validate and lists its field errors. Over-long skill
// and credit lists are cut just past their limits first: the domain still
// reports "more than N", but a hostile list cannot make it report (and us
// hold) one error per entry.
func validate(r transcript.Record) []transcript.FieldError {
	if len(r.Skills) > transcript.MaxSkills+1 {
		r.Skills = r.Skills[:transcript.MaxSkills+1]
	}
	if r.Military != nil && len(r.Military.Credit) > transcript.MaxACELines+1 {
		m := *r.Military
		m.Credit = m.Credit[:transcript.MaxACELines+1]
		r.Military = &m
	}
	err := r.Validate()
	if err == nil {
		return nil
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	out := make([]transcript.FieldError, 0, len(list))
	for _, e := range list {
		var fe *transcript.FieldError
		if errors.As(e, &fe) {
			out = append(out, *fe)
		} else {
			out = append(out, transcript.FieldError{Reason: e.Error()})
		}
	}
	return out
}

// maxReason bounds a reason: a domain rule may quote a whole bad value.
const maxReason = 240

// maxQuoted bounds an input value quoted in a reason.
const maxQuoted = 80

// clip quotes s for a reason, shortened to maxQuoted bytes.
func clip(s string) string {
	return strconv.Quote(clipTo(s, maxQuoted))
}

// clipTo shortens s to at most n bytes on a rune boundary, marking the cut.
func clipTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	if off > len(data) {
		off = len(data)
	}
	n := 1
	for _, c := range data[:off] {
		if c == '\n' {
			n++
		}
	}
	return n
}
