package schemas

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// forbidden reports whether a package is one schemas must not use: it does no
// I/O (DESIGN.md: "The domain does no I/O").
func forbidden(pkg string) bool {
	for _, p := range []string{"net", "os", "database/sql", "syscall"} {
		if pkg == p || strings.HasPrefix(pkg, p+"/") {
			return true
		}
	}
	return false
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not available: ", err)
	}
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list %v: %v\n%s", args, err, ee.Stderr)
		}
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

// TestDependencies checks the layering DESIGN.md states instead of hoping for
// it: schemas imports no I/O package and nothing of ours. json-gold's ld
// package itself imports net/http and os (for its own HTTP document loader,
// which schemas never uses), so the transitive check allows exactly what
// json-gold brings and nothing more.
func TestDependencies(t *testing.T) {
	const self = "github.com/satchel-wallet/satchel/schemas"
	for _, pkg := range goList(t, "-f", `{{join .Imports "\n"}}`, ".") {
		if forbidden(pkg) {
			t.Errorf("schemas imports %s", pkg)
		}
	}
	viaJSONGold := map[string]bool{}
	for _, pkg := range goList(t, "-deps", "github.com/piprate/json-gold/ld") {
		viaJSONGold[pkg] = true
	}
	var tolerated []string
	for _, pkg := range goList(t, "-deps", ".") {
		if strings.HasPrefix(pkg, "github.com/satchel-wallet/satchel/") && pkg != self {
			t.Errorf("schemas depends on %s; it sits at the bottom of the layering and imports none of ours", pkg)
		}
		if !forbidden(pkg) {
			continue
		}
		if viaJSONGold[pkg] {
			tolerated = append(tolerated, pkg)
			continue
		}
		t.Errorf("schemas depends on %s (not through json-gold)", pkg)
	}
	sort.Strings(tolerated)
	t.Logf("I/O packages reached only beneath json-gold/ld (its HTTP loader, and fmt): %s", strings.Join(tolerated, " "))
}
