package httpapi

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPIDescribesEveryRoute keeps openapi.json honest: every route
// the handler registers is described, with its method, and nothing more.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	src, err := os.ReadFile("httpapi.go")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	routes := regexp.MustCompile(`HandleFunc\("([A-Z]+) ([^"]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 20 {
		t.Fatalf("found only %d routes in httpapi.go", len(routes))
	}
	described := 0
	for _, ops := range doc.Paths {
		described += len(ops)
	}
	for _, r := range routes {
		method, path := strings.ToLower(r[1]), r[2]
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("%s %s is not in openapi.json", r[1], path)
		}
	}
	if described != len(routes) {
		t.Errorf("openapi.json describes %d operations, the handler has %d", described, len(routes))
	}
}
