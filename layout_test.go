package main

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/satchel-wallet/satchel"

// allowed is DESIGN.md's import direction: app → wallet → verifier →
// transcript → schemas, with issuer beside wallet. A package may import its
// own sub-packages and those of anything it may import.
var allowed = map[string][]string{
	"app":        {"wallet", "verifier", "transcript", "schemas"},
	"wallet":     {"verifier", "transcript", "schemas"},
	"issuer":     {"transcript", "schemas", "verifier"},
	"verifier":   {"transcript", "schemas"},
	"transcript": {"schemas"},
	"schemas":    {},
}

func role(pkg string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
	if rest == "" {
		return "main"
	}
	return strings.SplitN(rest, "/", 2)[0]
}

func TestLayout(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}{{range .TestImports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg, from := f[0], role(f[0])
		for _, imp := range f[1:] {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			to := role(imp)
			if to == from {
				continue
			}
			if to == "app" && from != "main" {
				t.Errorf("%s imports %s: nothing imports app", pkg, imp)
				continue
			}
			if from == "main" {
				if to != "app" {
					t.Errorf("%s imports %s: main.go only starts the app", pkg, imp)
				}
				continue
			}
			ok := false
			for _, a := range allowed[from] {
				ok = ok || a == to
			}
			if !ok {
				t.Errorf("%s imports %s: %s may import only %v", pkg, imp, from, allowed[from])
			}
		}
	}
}
