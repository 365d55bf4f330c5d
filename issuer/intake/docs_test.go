package intake

import (
	"os"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The examples in docs/intake.md are sample records; each must read as
// exactly those records, for exactly one sample institution.
func TestDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/intake.md")
	if err != nil {
		t.Fatal(err)
	}
	set := loadSamples(t)
	parsers := map[string]parser{"json": ParseJSON, "csv": ParseCSV, "xml": ParsePESC}
	blocks := regexp.MustCompile("(?ms)^```(json|csv|xml)\n(.*?)^```\n").FindAllSubmatch(doc, -1)
	if len(blocks) != 6 {
		t.Errorf("%d examples in docs/intake.md, want 6 (JSON, a CSV per kind, PESC)", len(blocks))
	}
	for i, m := range blocks {
		format, data := string(m[1]), m[2]
		var read []string
		for _, in := range set.Institutions {
			b, err := parsers[format](in, data)
			if err != nil {
				continue
			}
			read = append(read, in.Slug)
			for _, r := range b.Records {
				want := sampleBatch(set, in.Slug, r.Learner)
				found := false
				for _, w := range want.Records {
					if w.ID == r.ID {
						found = true
						if diff := cmp.Diff(w, r); diff != "" {
							t.Errorf("example %d (%s), record %s (-sample +doc):\n%s", i, format, r.ID, diff)
						}
					}
				}
				if !found {
					t.Errorf("example %d (%s): record %s is not a sample record", i, format, r.ID)
				}
			}
			for _, l := range b.Learners {
				if want, _ := set.Learner(l.ID); !cmp.Equal(want, l) {
					t.Errorf("example %d (%s): learner %s differs from the sample: %s", i, format, l.ID, cmp.Diff(want, l))
				}
			}
		}
		if len(read) != 1 {
			t.Errorf("example %d (%s) reads for institutions %v; want exactly one", i, format, read)
		}
	}
}
