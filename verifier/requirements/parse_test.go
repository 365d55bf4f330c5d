package requirements_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/satchel-wallet/satchel/verifier/requirements"
)

var sampleJobs = []string{"emt-sierra-vista-ambulance", "associate-teacher-harbor-head-start", "solar-pv-installer-valley-oak-solar"}

func TestParseSampleJobs(t *testing.T) {
	for _, name := range sampleJobs {
		t.Run("ok/"+name, func(t *testing.T) {
			j := loadJob(t, name)
			if j.ID != name || !strings.Contains(j.Title, "(sample)") || j.Sector == "" {
				t.Errorf("id %q, title %q, sector %q: want the file's name, a title marked (sample) and a sector", j.ID, j.Title, j.Sector)
			}
			if len(j.Definition) == 0 {
				t.Error("no presentation_definition")
			}
			pe := false
			for _, r := range j.Requirements {
				pe = pe || r.InputDescriptor != ""
			}
			if !pe {
				t.Error("no requirement rests on an input descriptor")
			}
			// What Parse returns writes back to a file that parses to the same job.
			raw, err := json.Marshal(j)
			if err != nil {
				t.Fatal(err)
			}
			again, err := requirements.Parse(raw)
			if err != nil {
				t.Fatalf("re-parse: %v\n%s", err, raw)
			}
			if diff := cmp.Diff(j, again, cmpopts.IgnoreUnexported(requirements.Job{})); diff != "" {
				t.Errorf("round trip (-first +again):\n%s", diff)
			}
		})
	}
}

// The brief's format, with a plain PE descriptor nobody names: it becomes a
// requirement of its own.
func TestParseImplicitDescriptor(t *testing.T) {
	j, err := requirements.Parse([]byte(`{
		"id": "x", "title": "X",
		"presentation_definition": {"id": "pd", "input_descriptors": [
			{"id": "cpr", "name": "CPR", "constraints": {"fields": [{"path": ["$.credentialSubject.achievement.alignment[*].targetCode"], "filter": {"type": "string", "const": "29-2042.00"}}]}},
			{"id": "other one", "purpose": "Anything else", "constraints": {"fields": [{"path": ["$.id"]}]}}
		]},
		"requirements": [{"id": "pd", "name": "named", "inputDescriptor": "cpr"}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []requirements.Requirement{
		{ID: "pd", Name: "named", InputDescriptor: "cpr"},
		{ID: "other one", Name: "Anything else", InputDescriptor: "other one"},
	}
	if diff := cmp.Diff(want, j.Requirements); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
	raw, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	again, err := requirements.Parse(raw)
	if err != nil {
		t.Fatalf("written back, the job does not parse: %v", err)
	}
	if diff := cmp.Diff(j, again, cmpopts.IgnoreUnexported(requirements.Job{})); diff != "" {
		t.Errorf("round trip (-first +again):\n%s", diff)
	}
}

const pdOK = `"presentation_definition": {"id": "pd", "input_descriptors": [{"id": "cpr", "constraints": {"fields": [{"path": ["$.id"]}]}}]}`

func TestParseErrors(t *testing.T) {
	job := func(requirements string) string {
		return `{"id": "j", "title": "T", ` + pdOK + `, "requirements": ` + requirements + `}`
	}
	withField := func(field string) string {
		return `{"id": "j", "title": "T", "presentation_definition": {"id": "pd", "input_descriptors": [{"id": "d", "constraints": {"fields": [` + field + `]}}]}}`
	}
	many := func(n int, item string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(item, i)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	for _, tc := range []struct {
		name, in   string
		path, text string // expected in one problem
	}{
		{"fail/unknown-field/top", `{"id": "j", "title": "T", "requirements": [{"id": "a", "name": "A", "any": [{"cid": "X"}]}], "employer": "E"}`, "employer", "unknown field"},
		{"fail/unknown-field/requirement", job(`[{"id": "a", "name": "A", "any": [{"cid": "X"}], "optional": true}]`), "requirements[0].optional", "unknown field"},
		{"fail/unknown-field/alternative", job(`[{"id": "a", "name": "A", "any": [{"cid": "X"}, {"equivalentCourse": {"code": "EMS 101", "colege": "X"}}]}]`), "requirements[0].any[1].equivalentCourse.colege", "unknown field (known here: code, college)"},
		{"fail/unknown-field/pe-field", withField(`{"path": ["$.id"], "filters": {}}`), "presentation_definition.input_descriptors[0].constraints.fields[0].filters", "unknown field"},
		{"fail/unknown-field/pe-v1-schema", `{"id": "j", "title": "T", "presentation_definition": {"id": "pd", "input_descriptors": [{"id": "d", "schema": [{"uri": "https://example.org"}], "constraints": {"fields": [{"path": ["$.id"]}]}}]}}`, "input_descriptors[0].schema", "unknown field"},
		{"fail/duplicate-id/requirement", job(`[{"id": "a", "name": "A", "any": [{"cid": "X"}]}, {"id": "a", "name": "B", "any": [{"cid": "Y"}]}]`), "requirements[1].id", `"a" is already the id`},
		{"fail/duplicate-id/descriptor", `{"id": "j", "title": "T", "presentation_definition": {"id": "pd", "input_descriptors": [{"id": "d", "constraints": {"fields": [{"path": ["$.id"]}]}}, {"id": "d", "constraints": {"fields": [{"path": ["$.id"]}]}}]}}`, "input_descriptors[1].id", "already the id"},
		{"fail/duplicate-id/field", withField(`{"id": "f", "path": ["$.id"]}, {"id": "f", "path": ["$.type"]}`), "fields[1].id", "already the id"},
		{"fail/duplicate-id/implicit", `{"id": "j", "title": "T", ` + pdOK + `, "requirements": [{"id": "cpr", "name": "A", "any": [{"cid": "X"}]}]}`, "input_descriptors[0].id", "a requirement already has that id"},
		{"fail/duplicate-key", `{"id": "j", "title": "T", "requirements": [{"id": "a", "name": "A", "name": "B", "any": [{"cid": "X"}]}]}`, "requirements[0].name", "appears twice"},
		{"fail/missing/name", job(`[{"id": "a", "any": [{"cid": "X"}]}]`), "requirements[0].name", "required"},
		{"fail/missing/id", job(`[{"name": "A", "any": [{"cid": "X"}]}]`), "requirements[0].id", "required"},
		{"fail/missing/title", `{"id": "j", "requirements": [{"id": "a", "name": "A", "any": [{"cid": "X"}]}]}`, "title", "required"},
		{"fail/missing/requirements", `{"id": "j", "title": "T"}`, "requirements", "required"},
		{"fail/empty/requirements", `{"id": "j", "title": "T", "requirements": []}`, "requirements", "at least one requirement"},
		{"fail/empty/name", job(`[{"id": "a", "name": "  ", "any": [{"cid": "X"}]}]`), "requirements[0].name", "must not be empty"},
		{"fail/empty/any", job(`[{"id": "a", "name": "A", "any": []}]`), "requirements[0].any", "at least one alternative"},
		{"fail/empty/alternative", job(`[{"id": "a", "name": "A", "any": [{}]}]`), "requirements[0].any[0]", "needs at least one of"},
		{"fail/empty/skill", job(`[{"id": "a", "name": "A", "any": [{"skill": {}}]}]`), "requirements[0].any[0].skill", "framework and code"},
		{"fail/no-way-to-meet", job(`[{"id": "a", "name": "A"}]`), "requirements[0]", "alternatives (any) or an inputDescriptor"},
		{"fail/input-descriptor/unknown", job(`[{"id": "a", "name": "A", "inputDescriptor": "crp"}]`), "requirements[0].inputDescriptor", `no input descriptor "crp"`},
		{"fail/input-descriptor/no-definition", `{"id": "j", "title": "T", "requirements": [{"id": "a", "name": "A", "inputDescriptor": "cpr"}]}`, "requirements[0].inputDescriptor", "no presentation_definition"},
		{"fail/bad/id", `{"id": "a job", "title": "T", "requirements": [{"id": "a", "name": "A", "any": [{"cid": "X"}]}]}`, "id", "letters, digits"},
		{"fail/bad/course-code-missing", job(`[{"id": "a", "name": "A", "any": [{"equivalentCourse": {"college": "X"}}]}]`), "equivalentCourse.code", "required"},
		{"fail/bad/min-hours", job(`[{"id": "a", "name": "A", "any": [{"minHours": -5}]}]`), "any[0].minHours", "greater than 0"},
		{"fail/bad/min-credits-type", job(`[{"id": "a", "name": "A", "any": [{"minCredits": "6"}]}]`), "any[0].minCredits", "want a number"},
		{"fail/bad/min-grade", job(`[{"id": "a", "name": "A", "any": [{"cid": "X", "minGrade": "W"}]}]`), "any[0].minGrade", "letter grade"},
		{"fail/bad/sum", job(`[{"id": "a", "name": "A", "any": [{"cid": "X", "sum": true}]}]`), "any[0].sum", "minHours or minCredits"},
		{"fail/bad/jsonpath", withField(`{"path": ["$.credentialSubject[0:2]"]}`), "fields[0].path[0]", "slices are not supported"},
		{"fail/bad/jsonpath-root", withField(`{"path": ["credentialSubject.id"]}`), "fields[0].path[0]", "starts with $"},
		{"fail/bad/no-paths", withField(`{"path": []}`), "fields[0].path", "at least one JSONPath"},
		{"fail/bad/no-fields", `{"id": "j", "title": "T", "presentation_definition": {"id": "pd", "input_descriptors": [{"id": "d", "constraints": {"fields": []}}]}}`, "constraints.fields", "would accept any credential"},
		{"fail/bad/filter-remote-ref", withField(`{"path": ["$.id"], "filter": {"$ref": "https://schemas.example/evil.json"}}`), "fields[0].filter", "never fetched"},
		{"fail/bad/filter-file-ref", withField(`{"path": ["$.id"], "filter": {"$ref": "file:///etc/passwd"}}`), "fields[0].filter", "never fetched"},
		{"fail/bad/filter-type", withField(`{"path": ["$.id"], "filter": {"type": "strung"}}`), "fields[0].filter", "not a usable JSON Schema"},
		{"fail/bad/filter-format-minimum", withField(`{"path": ["$.validFrom"], "filter": {"type": "string", "format": "date-time", "formatMinimum": "2020-01-01"}}`), "fields[0].filter.formatMinimum", "not supported"},
		{"fail/bad/predicate-without-filter", withField(`{"path": ["$.id"], "predicate": "required"}`), "fields[0].predicate", "needs a filter"},
		{"fail/bad/submission-group", `{"id": "j", "title": "T", "presentation_definition": {"id": "pd", "submission_requirements": [{"rule": "all", "from": "B"}], "input_descriptors": [{"id": "d", "group": ["A"], "constraints": {"fields": [{"path": ["$.id"]}]}}]}}`, "submission_requirements[0].from", `group "B"`},
		{"fail/limit/requirements", job(many(requirements.MaxRequirements+1, `{"id": "r%d", "name": "R", "any": [{"cid": "X"}]}`)), "requirements", "more than 100 entries"},
		{"fail/limit/alternatives", job(`[{"id": "a", "name": "A", "any": ` + many(requirements.MaxAlternatives+1, `{"minHours": %d}`) + `}]`), "requirements[0].any", "more than 20 entries"},
		{"fail/limit/depth", strings.Repeat("[", requirements.MaxDepth+1) + strings.Repeat("]", requirements.MaxDepth+1), "[0][0]", "nested deeper than 32 levels"},
		{"fail/limit/size", `{"id": "j", "title": "T", "description": "` + strings.Repeat("x", requirements.MaxFileSize) + `"}`, "", "larger than 262144 bytes"},
		{"fail/json/trailing", `{"id": "j", "title": "T", "requirements": [{"id": "a", "name": "A", "any": [{"cid": "X"}]}]} {}`, "", "data after"},
		{"fail/json/syntax", `{"id": "j",`, "", "invalid JSON"},
		{"fail/json/not-object", `[]`, "", "want a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := requirements.Parse([]byte(tc.in))
			if err == nil {
				t.Fatalf("parsed: %+v", j)
			}
			if j != nil {
				t.Error("a job came back with the error")
			}
			if !errors.Is(err, requirements.ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid) is false for %v", err)
			}
			var pe *requirements.Error
			if !errors.As(err, &pe) {
				t.Fatalf("%T is not *requirements.Error: %v", err, err)
			}
			for _, p := range pe.Problems {
				if strings.Contains(p.Path, tc.path) && strings.Contains(p.Reason, tc.text) && (tc.path != "" || p.Path == "") {
					return
				}
			}
			t.Errorf("no problem at %q saying %q in: %v", tc.path, tc.text, err)
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := requirements.Parse([]byte(`{"id": "j", "title": "T", "requirements": [
		{"id": "a", "any": [{"cid": "X"}]},
		{"id": "b", "name": "B", "any": [{"colour": "red"}]}
	]}`))
	var pe *requirements.Error
	if !errors.As(err, &pe) || len(pe.Problems) != 2 {
		t.Fatalf("want two problems, got %v", err)
	}
	want := "job requirements: requirements[0].name: required; requirements[1].any[0].colour: unknown field (known here: achievement, achievementType, cid, equivalentCourse, minCredits, minGrade, minHours, skill, sum)"
	if err.Error() != want {
		t.Errorf("error:\n got %s\nwant %s", err, want)
	}
}

func TestLoadDir(t *testing.T) {
	t.Run("ok/samples", func(t *testing.T) {
		jobs, err := requirements.LoadDir(os.DirFS("testdata/jobs"))
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, j := range jobs {
			ids = append(ids, j.ID)
		}
		want := []string{"associate-teacher-harbor-head-start", "emt-sierra-vista-ambulance", "solar-pv-installer-valley-oak-solar"}
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("job ids (-want +got):\n%s", diff)
		}
	})
	good := func(id string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`{"id": "` + id + `", "title": "T", "requirements": [{"id": "a", "name": "A", "any": [{"cid": "X"}]}]}`)}
	}
	t.Run("ok/skips-other-files", func(t *testing.T) {
		jobs, err := requirements.LoadDir(fstest.MapFS{
			"a.json":        good("a"),
			"B.JSON":        good("b"),
			"README.md":     {Data: []byte("# jobs")},
			".draft.json":   {Data: []byte("{")},
			"sub/c.json":    good("c"),
			"notes.json.gz": {Data: []byte{0x1f}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 2 || jobs[0].ID != "b" || jobs[1].ID != "a" {
			t.Errorf("got %d jobs, want B.JSON then a.json", len(jobs))
		}
	})
	for _, tc := range []struct {
		name string
		fsys fstest.MapFS
		want []string
	}{
		{"fail/bad-file", fstest.MapFS{"a.json": good("a"), "b.json": {Data: []byte(`{"id": "b", "title": "T", "requirements": [{"id": "x", "any": [{"cid": "X"}]}]}`)}}, []string{"job requirements b.json: requirements[0].name: required"}},
		{"fail/two-bad-files", fstest.MapFS{"a.json": {Data: []byte(`{`)}, "b.json": {Data: []byte(`[]`)}}, []string{"a.json: invalid JSON", "b.json: want a JSON object"}},
		{"fail/duplicate-job-id", fstest.MapFS{"a.json": good("same"), "b.json": good("same")}, []string{`b.json: job id "same" is already the id of a.json`}},
		{"fail/oversized", fstest.MapFS{"big.json": {Data: make([]byte, requirements.MaxFileSize+1)}}, []string{"big.json: the file is larger than"}},
		{"fail/empty", fstest.MapFS{"README.md": {Data: []byte("x")}}, []string{"no job requirements files"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jobs, err := requirements.LoadDir(tc.fsys)
			if err == nil || jobs != nil {
				t.Fatalf("got %d jobs and error %v: want no jobs and an error", len(jobs), err)
			}
			if !errors.Is(err, requirements.ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid) is false for %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
