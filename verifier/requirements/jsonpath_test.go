package requirements

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const pathDoc = `{
  "type": ["VerifiableCredential", "AchievementCredential"],
  "@context": ["https://www.w3.org/ns/credentials/v2"],
  "issuer": {"id": "did:web:example", "name": "Example"},
  "credentialSubject": {
    "achievement": {
      "alignment": [
        {"targetCode": "29-2042.00", "targetFramework": "O*NET-SOC"},
        {"targetCode": "ECE 120", "targetFramework": "C-ID", "units": 3},
        {"targetName": "no code"}
      ],
      "name with space": "x"
    },
    "result": [{"value": "5", "alignment": [{"targetCode": "EMS 101"}]}]
  }
}`

func TestJSONPath(t *testing.T) {
	var doc any
	if err := json.Unmarshal([]byte(pathDoc), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		want       []any
	}{
		{"ok/root", "$", []any{doc}},
		{"ok/member", "$.issuer.name", []any{"Example"}},
		{"ok/bracket", `$['issuer']["id"]`, []any{"did:web:example"}},
		{"ok/bracket-odd-name", `$.credentialSubject.achievement['name with space']`, []any{"x"}},
		{"ok/at-name", `$.@context[0]`, []any{"https://www.w3.org/ns/credentials/v2"}},
		{"ok/index", "$.type[1]", []any{"AchievementCredential"}},
		{"ok/negative-index", "$.type[-1]", []any{"AchievementCredential"}},
		{"ok/index-out-of-range", "$.type[5]", nil},
		{"ok/union", "$.type[1, 0]", []any{"AchievementCredential", "VerifiableCredential"}},
		{"ok/name-union", "$.issuer['name','id']", []any{"Example", "did:web:example"}},
		{"ok/wildcard", "$.credentialSubject.achievement.alignment[*].targetCode", []any{"29-2042.00", "ECE 120"}},
		{"ok/dot-wildcard", "$.issuer.*", []any{"did:web:example", "Example"}},
		{"ok/recursive", "$..targetCode", []any{"29-2042.00", "ECE 120", "EMS 101"}},
		{"ok/recursive-bracket", "$..alignment[0].targetCode", []any{"29-2042.00", "EMS 101"}},
		{"ok/filter-eq", "$.credentialSubject.achievement.alignment[?(@.targetFramework == 'C-ID')].targetCode", []any{"ECE 120"}},
		{"ok/filter-no-parens", `$.credentialSubject.achievement.alignment[?@.targetFramework=="C-ID"].targetCode`, []any{"ECE 120"}},
		{"ok/filter-ne", "$.credentialSubject.achievement.alignment[?(@.targetFramework != 'C-ID')].targetCode", []any{"29-2042.00"}},
		{"ok/filter-exists", "$.credentialSubject.achievement.alignment[?(@.targetName)]", []any{map[string]any{"targetName": "no code"}}},
		{"ok/filter-number", "$.credentialSubject.achievement.alignment[?(@.units == 3)].targetCode", []any{"ECE 120"}},
		{"ok/filter-bracket-rel", `$.credentialSubject.result[?(@['alignment'][0].targetCode == "EMS 101")].value`, []any{"5"}},
		{"ok/missing", "$.credentialSubject.nothing.here", nil},
		{"ok/member-of-array", "$.type.name", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := parsePath(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := p.eval(doc)
			if !ok {
				t.Fatal("over budget")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestJSONPathErrors(t *testing.T) {
	for _, tc := range []struct{ name, path, want string }{
		{"fail/no-root", "credentialSubject", "starts with $"},
		{"fail/slice", "$.type[0:1]", "slices are not supported"},
		{"fail/slice-open", "$.type[:1]", "slices are not supported"},
		{"fail/script", "$.type[(@.length-1)]", "unexpected"},
		{"fail/and", "$.a[?(@.b == 1 && @.c == 2)]", "unsupported filter syntax"},
		{"fail/function", "$.a[?(length(@.b) == 1)]", "starts with @"},
		{"fail/regex-match", "$.a[?(@.b =~ /x/)]", "unsupported filter syntax"},
		{"fail/unterminated-string", "$['abc", "unterminated string"},
		{"fail/unterminated-bracket", "$.a[0", `expected ']'`},
		{"fail/empty-dot", "$.", "a name must follow the dot"},
		{"fail/trailing-dot-space", "$.a b", "unexpected ' '"},
		{"fail/bad-escape", `$['a\q']`, "unknown escape"},
		{"fail/bad-literal", "$.a[?(@.b == maybe)]", "expected a literal"},
		{"fail/huge-index", "$.a[99999999999999999999]", "bad array index"},
		{"fail/too-long", "$" + strings.Repeat(".a", maxPathLen), "longer than"},
		{"fail/too-many-segments", "$" + strings.Repeat("[0]", maxPathSegments+1), "more than 32 segments"},
		{"fail/invalid-utf8", "$.\xff", "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parsePath(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// Recursive descent over a document built to make it expensive stops at the
// budget instead of running on.
func TestJSONPathBudget(t *testing.T) {
	wide := make([]any, 1000)
	for i := range wide {
		inner := make([]any, 200)
		for j := range inner {
			inner[j] = map[string]any{"a": j}
		}
		wide[i] = inner
	}
	p, err := parsePath("$..a")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.eval(map[string]any{"x": wide}); ok {
		t.Error("evaluation over 200,000 values finished: want it stopped at the budget")
	}
	deep := any("leaf")
	for range maxDocDepth + 10 {
		deep = []any{deep}
	}
	if _, ok := p.eval(deep); ok {
		t.Error("recursive descent went deeper than maxDocDepth")
	}
}
