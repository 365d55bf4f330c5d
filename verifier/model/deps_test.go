package model_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The data model check reads a decoded document and nothing else: it stands
// on the standard library alone, fetches nothing and reads no files.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		dep, standard, _ := strings.Cut(line, " ")
		switch {
		case dep == "net", dep == "net/http", dep == "database/sql", dep == "os/exec":
			t.Errorf("model depends on %s: it does no I/O", dep)
		case standard != "true" && dep != "github.com/satchel-wallet/satchel/verifier/model":
			t.Errorf("model depends on %s: it uses the standard library only", dep)
		}
	}
	out, err = exec.Command("go", "list", "-f", "{{join .Imports \" \"}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, imp := range strings.Fields(string(out)) {
		if imp == "os" || imp == "io/ioutil" || imp == "io/fs" {
			t.Errorf("model imports %s: it reads no files", imp)
		}
	}
}
