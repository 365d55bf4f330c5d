package requirements_test

import (
	"os/exec"
	"strings"
	"testing"
)

// Matching reads credentials and a job file and nothing else: no network,
// no files beyond the fs.FS LoadDir is given, and not the verifier (which
// imports this package). aries-framework-go's presexch stays out: it does
// not build against the module's json-gold (see doc.go).
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case dep == "net/http", dep == "net", dep == "os/exec", dep == "database/sql",
			dep == "github.com/satchel-wallet/satchel/verifier",
			strings.HasPrefix(dep, "github.com/hyperledger/aries-framework-go"),
			strings.HasPrefix(dep, "github.com/piprate/json-gold"):
			t.Errorf("requirements depends on %s", dep)
		}
	}
	out, err = exec.Command("go", "list", "-f", `{{join .Imports " "}}`, ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, imp := range strings.Fields(string(out)) {
		if imp == "os" || imp == "io/ioutil" {
			t.Errorf("requirements imports %s: LoadDir reads the fs.FS it is given", imp)
		}
	}
}
