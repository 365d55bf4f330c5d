package requirements_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/satchel-wallet/satchel/verifier/requirements"
)

// Parse takes files from anyone who posts a job: whatever the bytes, it
// answers with a job or an error, never a panic; a job it returns writes
// back to a file that parses to the same job, and matching it is safe.
func FuzzParse(f *testing.F) {
	for _, name := range sampleJobs {
		raw, err := os.ReadFile(filepath.Join("testdata", "jobs", name+".json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, s := range []string{
		termsJob,
		`{"id": "j", "title": "T", ` + pdOK + `}`,
		`{"id": "j", "title": "T", "requirements": [{"id": "a", "name": "A", "any": [{"skill": {"framework": "C-ID"}, "minCredits": 12, "sum": true, "minGrade": "C"}]}]}`,
		`{"id": "j", "title": "T", "presentation_definition": {"id": "p", "submission_requirements": [{"rule": "pick", "count": 1, "from_nested": [{"rule": "all", "from": "A"}]}], "input_descriptors": [{"id": "d", "group": ["A"], "constraints": {"subject_is_issuer": "required", "is_holder": [{"field_id": ["f"], "directive": "required"}], "fields": [{"id": "f", "path": ["$..x[?(@.y != null)]", "$['a'][-1]"], "filter": {"type": "object", "properties": {"a": {"$ref": "#/definitions/b"}}, "definitions": {"b": {"enum": [1, "x"]}}}, "predicate": "preferred"}]}}]}}`,
		`{"id": "j", "title": "T", "requirements": [{"id": "a", "name": "A", "name": "B"}]}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		`{"id": "j", "title": "T", "requirements": [{"id": "a", "name": "A", "any": [{"minHours": 1e999}]}]}`,
		"",
		"\xff",
	} {
		f.Add([]byte(s))
	}
	cands := verified("JST-1001-AR-0709-0058", "L-1008/clr-sierra-vista", "HAS-1001-CNA-1")
	f.Fuzz(func(t *testing.T, raw []byte) {
		j, err := requirements.Parse(raw)
		if err != nil {
			if j != nil {
				t.Fatal("a job and an error")
			}
			return
		}
		out, err := json.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		again, err := requirements.Parse(out)
		if err != nil {
			t.Fatalf("the job does not parse again: %v\n%s", err, out)
		}
		if diff := cmp.Diff(j, again, cmpopts.IgnoreUnexported(requirements.Job{}), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip (-first +again):\n%s", diff)
		}
		if rs := j.Match(cands); len(rs) != len(j.Requirements) {
			t.Fatalf("%d results for %d requirements", len(rs), len(j.Requirements))
		}
	})
}
