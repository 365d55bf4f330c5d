package status_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The status package fetches nothing and reads no files: lists come to it as
// bytes from a Source. It stands on the standard library alone, so the
// issuer and the verifier can both use it without pulling anything in.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		dep, standard, _ := strings.Cut(line, " ")
		switch {
		case dep == "net", dep == "net/http", dep == "database/sql", dep == "os/exec":
			t.Errorf("status depends on %s: it does no I/O", dep)
		case standard != "true" && dep != "github.com/satchel-wallet/satchel/verifier/status":
			t.Errorf("status depends on %s: it uses the standard library only", dep)
		}
	}
	out, err = exec.Command("go", "list", "-f", "{{join .Imports \" \"}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, imp := range strings.Fields(string(out)) {
		if imp == "os" || imp == "io/ioutil" {
			t.Errorf("status imports %s: it reads no files", imp)
		}
	}
}
