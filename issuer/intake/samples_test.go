package intake

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
)

// sampleFiles are the testdata submissions and what each holds: the sample
// institution that sends it and, for a single learner's transcript, the
// learner. The end-to-end demo submits these files too.
var sampleFiles = []struct {
	file, mediaType, institution, learner string
}{
	{"sierra-vista-courses.json", "application/json", "sierra-vista", ""},
	{"sierra-vista-courses.csv", "text/csv", "sierra-vista", ""},
	{"sierra-vista-pesc-L-1009.xml", "application/xml", "sierra-vista", "L-1009"},
	{"sierra-vista-pesc-L-1016.xml", "text/xml; charset=utf-8", "sierra-vista", "L-1016"},
	{"harbor-adult-certificates.json", "application/json", "harbor-adult", ""},
	{"harbor-adult-certificates.csv", "text/csv; charset=utf-8", "harbor-adult", ""},
	{"gs-electrical-competencies.json", "application/json", "gs-electrical", ""},
	{"gs-electrical-competencies.csv", "text/csv", "gs-electrical", ""},
	{"jst-military.json", "application/json", "jst", ""},
	{"jst-military.csv", "text/csv", "jst", ""},
}

func loadSamples(t testing.TB) *samples.Set {
	t.Helper()
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func institution(t testing.TB, set *samples.Set, slug string) transcript.Institution {
	t.Helper()
	in, ok := set.Institution(slug)
	if !ok {
		t.Fatalf("no sample institution %s", slug)
	}
	return in
}

// sampleBatch is what a submission of the sample institution's records (only
// learner's, when learner is given) must read as: the records in sample
// order, their learners in order of first record.
func sampleBatch(set *samples.Set, slug, learner string) Batch {
	var b Batch
	seen := map[string]bool{}
	for _, r := range set.Records {
		if r.Institution != slug || (learner != "" && r.Learner != learner) {
			continue
		}
		b.Records = append(b.Records, r)
		if !seen[r.Learner] {
			seen[r.Learner] = true
			l, _ := set.Learner(r.Learner)
			b.Learners = append(b.Learners, l)
		}
	}
	return b
}

func TestSampleFiles(t *testing.T) {
	set := loadSamples(t)
	covered := map[string]bool{}
	for _, f := range sampleFiles {
		t.Run("ok/"+f.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", f.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(institution(t, set, f.institution), f.mediaType, data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := sampleBatch(set, f.institution, f.learner)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("batch (-want +got):\n%s", diff)
			}
			for _, r := range got.Records {
				covered[r.ID] = true
			}
		})
	}
	// Between them the JSON and CSV files carry every sample record: each
	// is one institution's whole sample.
	for _, r := range set.Records {
		if !covered[r.ID] {
			t.Errorf("sample record %s is in no testdata file", r.ID)
		}
	}
}
