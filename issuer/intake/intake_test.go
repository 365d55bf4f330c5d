package intake

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/transcript"
)

// problem is a RecordError a test expects: where, and a piece of why.
type problem struct {
	Index  int
	Field  string
	Reason string // a substring of the reason
}

// parseCase is one table entry of the per-format tests.
type parseCase struct {
	name        string
	institution string // sample slug
	data        string
	want        []problem // nil: must parse
	tooLarge    bool      // the error must also match ErrTooLarge
	check       func(t *testing.T, b Batch)
}

type parser func(transcript.Institution, []byte) (Batch, error)

func runCases(t *testing.T, parse parser, tests []parseCase) {
	t.Helper()
	set := loadSamples(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := parse(institution(t, set, tt.institution), []byte(tt.data))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				for i, r := range b.Records {
					if err := r.Validate(); err != nil {
						t.Errorf("record %d does not validate: %v", i, err)
					}
				}
				if tt.check != nil {
					tt.check(t, b)
				}
				return
			}
			checkProblems(t, b, err, tt.want, tt.tooLarge)
		})
	}
}

// checkProblems checks that err lists exactly the problems want (in order)
// and that nothing was returned with it.
func checkProblems(t *testing.T, b Batch, err error, want []problem, tooLarge bool) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %v", want)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("error %v does not match ErrInvalid", err)
	}
	if errors.Is(err, ErrTooLarge) != tooLarge {
		t.Errorf("errors.Is(err, ErrTooLarge) = %v, want %v (%v)", !tooLarge, tooLarge, err)
	}
	if b.Records != nil || b.Learners != nil {
		t.Errorf("a batch came back with the error: %d learners, %d records", len(b.Learners), len(b.Records))
	}
	var es *Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %T is not *Errors", err)
	}
	var got []problem
	for _, e := range es.List {
		got = append(got, problem{Index: e.Index, Field: e.Field, Reason: e.Reason})
	}
	// Reasons are compared by substring: keep the wanted piece where it
	// appears in what was got, so that cmp shows only real differences.
	for i := range got {
		if i < len(want) && strings.Contains(got[i].Reason, want[i].Reason) {
			got[i].Reason = want[i].Reason
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s\nerror: %v", diff, err)
	}
}

func TestParseMediaTypes(t *testing.T) {
	set := loadSamples(t)
	jst := institution(t, set, "jst")
	tests := []struct {
		name, mediaType string
		data            string
		wantErr         error
	}{
		{"ok/json", "application/json", `{"learners":[{"id":"L-1","givenName":"A","email":"a@example.org"}],"records":[]}`, ErrInvalid},
		{"ok/csv with charset", "text/csv; charset=UTF-8", "record_id\n", ErrInvalid},
		{"ok/xml", "application/xml", "<x/>", ErrInvalid},
		{"ok/text xml", "text/xml", "<x/>", ErrInvalid},
		{"fail/unknown media type", "application/pdf", "%PDF", ErrMediaType},
		{"fail/other charset", "text/csv; charset=latin1", "a", ErrMediaType},
		{"fail/malformed media type", "text/", "a", ErrMediaType},
		{"fail/empty media type", "", "a", ErrMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each body is wrong for its format, so that reaching the
			// format's parser shows as ErrInvalid.
			_, err := Parse(jst, tt.mediaType, []byte(tt.data))
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Parse(%q) = %v, want %v", tt.mediaType, err, tt.wantErr)
			}
			if tt.wantErr == ErrMediaType && errors.Is(err, ErrInvalid) {
				t.Errorf("a media type error matches ErrInvalid: %v", err)
			}
		})
	}
}

func TestBadInstitution(t *testing.T) {
	for _, in := range []transcript.Institution{
		{Slug: "x", Kind: "university"},
		{Slug: "", Kind: transcript.College},
	} {
		for name, parse := range map[string]parser{"json": ParseJSON, "csv": ParseCSV, "pesc": ParsePESC} {
			_, err := parse(in, []byte("{}"))
			if err == nil || errors.Is(err, ErrInvalid) {
				t.Errorf("%s with institution %+v: error %v; want a caller error, not ErrInvalid", name, in, err)
			}
		}
	}
}

func TestErrorsMessage(t *testing.T) {
	e := &Errors{Format: "csv", List: []RecordError{
		{Index: 0, Record: "R-1", Line: 2, Field: "hours", Reason: "must be more than 0"},
		{Index: -1, Line: 1, Field: "colour", Reason: "unknown column"},
		{Index: -1, Learner: "L-1", Field: "learners[0].email", Reason: "bad"},
		{Index: 4, Reason: "the row has 3 cells"},
		{Index: -1, Reason: "the submission has no records"},
	}}
	want := `intake csv: 5 problems: record 0 (R-1), line 2: hours: must be more than 0; line 1: colour: unknown column; learner L-1: learners[0].email: bad; and 2 more`
	if got := e.Error(); got != want {
		t.Errorf("Error() =\n%s\nwant\n%s", got, want)
	}
	one := &Errors{Format: "json", List: e.List[4:]}
	if got, want := one.Error(), "intake json: the submission has no records"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, ErrInvalid) || errors.Is(e, ErrTooLarge) {
		t.Errorf("Errors matches ErrInvalid %v, ErrTooLarge %v; want true, false", errors.Is(e, ErrInvalid), errors.Is(e, ErrTooLarge))
	}
	wrapped := fmt.Errorf("issue batch 7: %w", e)
	var es *Errors
	if !errors.As(wrapped, &es) || len(es.List) != 5 {
		t.Errorf("errors.As through a wrap: %v", es)
	}
}

// A hostile value never comes back whole in an error.
func TestErrorsDoNotEchoInput(t *testing.T) {
	set := loadSamples(t)
	huge := strings.Repeat("Ж", 3000) // 6000 bytes: under the CSV cell limit, over every domain limit
	inputs := []struct {
		name, slug string
		parse      parser
		data       string
	}{
		{"json", "sierra-vista", ParseJSON, `{"learners":[{"id":"` + huge + `","givenName":"A","email":"` + huge + `"}],"records":[{"id":"` + huge + `","learner":"` + huge + `","course":{"code":"` + huge + `","title":"` + huge + `","term":"T","grade":"` + huge + `","units":3,"completed":"` + huge + `"}}]}`},
		{"csv", "sierra-vista", ParseCSV, "record_id,learner_id,given_name,family_name,email,course_code,course_title,term,grade,units,completed\n" +
			strings.Repeat(huge+",", 10) + huge + "\n"},
		{"pesc", "sierra-vista", ParsePESC, xmlDoc(xmlStudent(huge, "A", "B", huge, xmlSession(huge, huge, xmlCourse(huge+" 1", huge, huge, "3", huge))))},
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			_, err := in.parse(institution(t, set, in.slug), []byte(in.data))
			if err == nil {
				t.Fatal("no error")
			}
			var es *Errors
			if !errors.As(err, &es) {
				t.Fatalf("error %T is not *Errors", err)
			}
			for _, e := range es.List {
				if s := e.Error(); len(s) > 600 || strings.Contains(s, huge[:400]) {
					t.Errorf("a %d-byte error echoes the input: %.200s…", len(s), s)
				}
			}
		})
	}
}

func TestNotUTF8(t *testing.T) {
	set := loadSamples(t)
	data := "record_id,learner_id\nR-1,L-\xff1\n"
	_, err := ParseCSV(institution(t, set, "harbor-adult"), []byte(data))
	checkProblems(t, Batch{}, err, []problem{{Index: -1, Reason: "not UTF-8"}}, false)
	var es *Errors
	if errors.As(err, &es) && es.List[0].Line != 2 {
		t.Errorf("line %d, want 2", es.List[0].Line)
	}
}

// Past MaxErrors problems the list stops, says so, and memory stays bounded.
func TestMaxErrors(t *testing.T) {
	set := loadSamples(t)
	var b strings.Builder
	b.WriteString("record_id,learner_id,given_name,family_name,email,program_code,program,hours,completed\n")
	for i := range MaxRecords {
		fmt.Fprintf(&b, "R-%d,L-%d,,,,,,-1,x\n", i, i)
	}
	_, err := ParseCSV(institution(t, set, "harbor-adult"), []byte(b.String()))
	var es *Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %v is not *Errors", err)
	}
	if !es.Truncated || len(es.List) != MaxErrors {
		t.Errorf("Truncated %v with %d problems; want true with %d", es.Truncated, len(es.List), MaxErrors)
	}
	if !strings.HasPrefix(err.Error(), fmt.Sprintf("intake csv: more than %d problems: ", MaxErrors)) {
		t.Errorf("Error() = %.200s", err)
	}
}
