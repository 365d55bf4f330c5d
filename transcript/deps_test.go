package transcript_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/satchel-wallet/satchel/"

// The domain does no I/O and stands on nothing of ours but schemas: the
// layering in DESIGN.md is checked here, not hoped for.
//
// The network and database are forbidden anywhere below us. "os" cannot be
// (package fmt imports it), so for os it is our own packages' direct imports
// that are checked.
func TestDependencies(t *testing.T) {
	for _, pkg := range []string{".", "./samples"} {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(line)
			dep, ours := f[0], strings.HasPrefix(f[0], module)
			switch {
			case dep == "net", dep == "net/http", dep == "database/sql":
				t.Errorf("%s depends on %s: the domain does no I/O", pkg, dep)
			case ours && !strings.HasPrefix(dep, module+"transcript") && !strings.HasPrefix(dep, module+"schemas"):
				t.Errorf("%s depends on %s: transcript may only stand on schemas", pkg, dep)
			}
			if !ours {
				continue
			}
			for _, imp := range f[1:] {
				if imp == "os" || imp == "os/exec" || imp == "io/ioutil" {
					t.Errorf("%s imports %s: the domain does no I/O", dep, imp)
				}
			}
		}
	}
}
