package model_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/satchel-wallet/satchel/verifier/model"
)

const schemasDir = "../../../shared/contexts/schemas"

// TestOfficialSchemas runs the official 1EdTech JSON Schemas beside Check
// on every OB 3.0 / CLR 2.0 document the tests know (the vectors and the
// table cases) in a VC 2.0 envelope, the only one the schemas describe.
// Check is meant to be at least as strict: whatever a schema rejects, Check
// must reject, except where Check deliberately follows another source (see
// schemaView).
func TestOfficialSchemas(t *testing.T) {
	if _, err := os.Stat(schemasDir); err != nil {
		t.Skipf("1EdTech schemas not found at %s: %v", schemasDir, err)
	}
	ach := compileSchema(t, "ob_v3p0_achievementcredential_schema.json")
	clrSchema := compileSchema(t, "clr_v2p0_clrcredential_schema.json")
	endorsement := compileSchema(t, "ob_v3p0_endorsementcredential_schema.json")
	vocab := achievementTypes(t)

	type named struct {
		name string
		doc  map[string]any
	}
	var docs []named
	for _, folder := range []string{"1edtech-validator-fixtures", "1edtech-spec-ldp-test-vectors", "dcc-vc-test-fixtures"} {
		_ = filepath.WalkDir(filepath.Join(vectorsDir, folder), func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if doc, ok := readJSONObject(path); ok {
					docs = append(docs, named{strings.TrimPrefix(path, vectorsDir+"/"), doc})
				}
			}
			return nil
		})
	}
	for _, cases := range [][]ruleCase{obCases, clrCases} {
		for _, tc := range cases {
			docs = append(docs, named{"case " + tc.name, tc.doc(t)})
		}
	}

	var both, onlyCheck, neither int
	for _, d := range docs {
		var sch *jsonschema.Schema
		switch {
		case first(d.doc["@context"]) != v2:
			continue
		case hasType(d.doc, "ClrCredential"):
			sch = clrSchema
		case hasType(d.doc, "AchievementCredential"), hasType(d.doc, "OpenBadgeCredential"):
			sch = ach
		case hasType(d.doc, "EndorsementCredential"):
			sch = endorsement
		default:
			continue
		}
		_, findings := model.Check(d.doc)
		schemaErr := sch.Validate(schemaView(t, d.doc, vocab))
		switch {
		case schemaErr != nil && len(findings) == 0:
			t.Errorf("%s: the official schema rejects it, Check accepts it:\n%v", d.name, schemaErr)
		case schemaErr != nil:
			both++
		case len(findings) > 0:
			onlyCheck++
			t.Logf("%s: only Check rejects it: %s", d.name, summarize(findings))
		default:
			neither++
		}
	}
	t.Logf("schema and Check reject %d, only Check rejects %d, both accept %d", both, onlyCheck, neither)
	if both+neither == 0 {
		t.Error("no document was cross-checked")
	}
}

func compileSchema(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join(schemasDir, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := "https://purl.imsglobal.org/spec/schemas/" + file
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// achievementTypes reads the schema's achievementType vocabulary.
func achievementTypes(t *testing.T) []string {
	raw, err := os.ReadFile(filepath.Join(schemasDir, "ob_v3p0_achievementcredential_schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Defs struct {
			Achievement struct {
				Properties struct {
					AchievementType struct {
						OneOf []struct {
							Enum []string `json:"enum"`
						} `json:"oneOf"`
					} `json:"achievementType"`
				} `json:"properties"`
			} `json:"Achievement"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &s); err != nil || len(s.Defs.Achievement.Properties.AchievementType.OneOf) == 0 {
		t.Fatalf("achievementType vocabulary not found: %v", err)
	}
	return s.Defs.Achievement.Properties.AchievementType.OneOf[0].Enum
}

// schemaView is the document as the schemas should see it, with the
// differences Check makes on purpose undone:
//   - an image may be a URI (JSON-LD @id; DCC's valid credentials do it),
//     where the schema wants an Image object;
//   - achievementType is an extensible vocabulary, so Check accepts terms
//     outside the schema's list ("Program" in DCC's valid credentials);
//   - a name or description may be a VC 2.0 language value object, which
//     the generated schema does not know.
func schemaView(t *testing.T, doc map[string]any, vocab []string) any {
	t.Helper()
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				switch s, isString := e.(string); {
				case k == "image" && isString:
					out[k] = map[string]any{"id": s, "type": "Image"}
				case k == "achievementType" && isString && !slices.Contains(vocab, s) && !strings.HasPrefix(s, "ext:"):
					out[k] = "ext:" + s
				default:
					if m, ok := e.(map[string]any); ok && (k == "name" || k == "description") {
						if s, ok := m["@value"].(string); ok {
							out[k] = s
							continue
						}
					}
					out[k] = walk(e)
				}
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e)
			}
			return out
		}
		return v
	}
	raw, err := json.Marshal(walk(doc))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func first(ctx any) string {
	switch x := ctx.(type) {
	case string:
		return x
	case []any:
		if len(x) > 0 {
			s, _ := x[0].(string)
			return s
		}
	}
	return ""
}
