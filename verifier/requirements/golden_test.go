package requirements_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// The sample jobs against the sample learners of their sector: every
// requirement's result, as the employer page and `verify --json` show it.
// The golden files are the review copy of what an employer reads.
func TestSampleJobsGolden(t *testing.T) {
	for _, tc := range []struct {
		job      string
		learners []string
	}{
		{"emt-sierra-vista-ambulance", []string{"L-1001", "L-1002", "L-1003", "L-1006", "L-1015"}},
		{"associate-teacher-harbor-head-start", []string{"L-1008", "L-1009", "L-1010", "L-1016"}},
		{"solar-pv-installer-valley-oak-solar", []string{"L-1004", "L-1005", "L-1011", "L-1013", "L-1014"}},
	} {
		t.Run(tc.job, func(t *testing.T) {
			j := loadJob(t, tc.job)
			type application struct {
				Learner string `json:"learner"`
				Results any    `json:"results"`
			}
			var apps []application
			for _, l := range tc.learners {
				apps = append(apps, application{l, j.Match(learnerCredentials(t, l))})
			}
			got, err := json.MarshalIndent(apps, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", tc.job+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("results differ from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}
