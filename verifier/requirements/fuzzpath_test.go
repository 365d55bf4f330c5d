package requirements

import (
	"encoding/json"
	"testing"
)

// JSONPath expressions come from anyone's definition: parsing never panics,
// and evaluating what parses is bounded.
func FuzzJSONPath(f *testing.F) {
	for _, s := range []string{
		"$", "$.a.b", "$['a'][0]", "$..targetCode", "$.a[*].b", "$.a[?(@.b == 'x')].c",
		`$.a[?@["b"][0] != -1.5e3]`, "$.a[1,'b',-1]", "$..[0]", "$..*", "$[", "$.a[?(", "$['\\u00e9']",
	} {
		f.Add(s)
	}
	var doc any
	if err := json.Unmarshal([]byte(pathDoc), &doc); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePath(s)
		if err != nil {
			return
		}
		if vals, ok := p.eval(doc); ok && len(vals) > maxPathNodes {
			t.Fatalf("%d values", len(vals))
		}
	})
}
