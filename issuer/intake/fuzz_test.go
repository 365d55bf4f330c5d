package intake

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/satchel-wallet/satchel/transcript"
)

// The fuzzers hold every parser to the package's promise: no panic, and
// either a batch in which every learner and record is valid and consistent
// with the institution, or *Errors and nothing else.

func FuzzParseJSON(f *testing.F) {
	fuzzParser(f, ParseJSON, ".json", map[string]string{
		"harbor-adult": jsonDoc(oneLearner, jsonCert("R-1")),
		"sierra-vista": jsonDoc(oneLearner, jsonCourse("C-1")),
	})
}

func FuzzParseCSV(f *testing.F) {
	fuzzParser(f, ParseCSV, ".csv", map[string]string{
		"harbor-adult":  certHeader + certRow,
		"sierra-vista":  courseHeader + courseRow,
		"jst":           milHeader + milRow,
		"gs-electrical": compHeader + compRow,
	})
}

func FuzzParsePESC(f *testing.F) {
	fuzzParser(f, ParsePESC, ".xml", map[string]string{
		"sierra-vista": xmlDoc(xmlAna(xmlFall(xmlOK))),
	})
}

// fuzzParser seeds with the testdata files of the format and small valid
// submissions, each with the institution that sends it; the fuzzer varies
// both.
func fuzzParser(f *testing.F, parse parser, ext string, small map[string]string) {
	set := loadSamples(f)
	slugs := make([]string, len(set.Institutions))
	for i, in := range set.Institutions {
		slugs[i] = in.Slug
	}
	for _, s := range sampleFiles {
		if filepath.Ext(s.file) != ext {
			continue
		}
		data, err := os.ReadFile(filepath.Join("testdata", s.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(slices.Index(slugs, s.institution)), data)
	}
	for slug, data := range small {
		f.Add(uint8(slices.Index(slugs, slug)), []byte(data))
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		in := set.Institutions[int(which)%len(set.Institutions)]
		b, err := parse(in, data)
		if err != nil {
			checkFailure(t, b, err)
			return
		}
		checkBatch(t, in, b)
	})
}

func checkFailure(t *testing.T, b Batch, err error) {
	t.Helper()
	if b.Learners != nil || b.Records != nil {
		t.Fatalf("error %v came with a batch of %d learners and %d records", err, len(b.Learners), len(b.Records))
	}
	var es *Errors
	if !errors.As(err, &es) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("error %T %v is not *Errors matching ErrInvalid", err, err)
	}
	if len(es.List) == 0 || len(es.List) > MaxErrors {
		t.Fatalf("%d problems listed", len(es.List))
	}
	for _, e := range es.List {
		if n := len(e.Error()); n > 1000 {
			t.Fatalf("a %d-byte problem report: %.300s", n, e.Error())
		}
		if strings.TrimSpace(e.Reason) == "" {
			t.Fatalf("a problem with no reason: %+v", e)
		}
	}
	if err.Error() == "" {
		t.Fatal("empty error message")
	}
}

func checkBatch(t *testing.T, in transcript.Institution, b Batch) {
	t.Helper()
	if len(b.Records) == 0 || len(b.Records) > MaxRecords || len(b.Learners) > MaxLearners {
		t.Fatalf("a batch of %d records and %d learners", len(b.Records), len(b.Learners))
	}
	learners := map[string]bool{}
	for _, l := range b.Learners {
		if err := l.Validate(); err != nil {
			t.Fatalf("learner %q does not validate: %v", l.ID, err)
		}
		if learners[l.ID] {
			t.Fatalf("learner %q twice", l.ID)
		}
		learners[l.ID] = true
	}
	ids := map[string]bool{}
	for i, r := range b.Records {
		if err := r.Validate(); err != nil {
			t.Fatalf("record %d %q does not validate: %v", i, r.ID, err)
		}
		if r.Kind != in.Kind || r.Institution != in.Slug {
			t.Fatalf("record %d is %s from %s; the institution is %s %s", i, r.Kind, r.Institution, in.Kind, in.Slug)
		}
		if !learners[r.Learner] {
			t.Fatalf("record %d names learner %q, not in the batch", i, r.Learner)
		}
		if ids[r.ID] {
			t.Fatalf("record ID %q twice", r.ID)
		}
		ids[r.ID] = true
		if r.Course != nil {
			if g, _ := transcript.ParseGrade(string(r.Course.Grade)); g != r.Course.Grade {
				t.Fatalf("record %d grade %q is not in ParseGrade's spelling", i, r.Course.Grade)
			}
		}
	}
}
