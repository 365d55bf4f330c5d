package schemas

import (
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// sharedDir is the project's shared test data (contexts and vectors gathered
// from outside). It is test data only: nothing in it is embedded.
const sharedDir = "../../shared"

func sharedPath(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(sharedDir, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("../shared/%s not present: %v", rel, err)
	}
	return p
}

func sharedContextsFS(t testing.TB) fs.FS {
	t.Helper()
	dir := filepath.Join(sharedDir, "contexts")
	if _, err := os.Stat(filepath.Join(dir, "index.json")); err != nil {
		t.Skip("../shared/contexts not present: " + err.Error())
	}
	return os.DirFS(dir)
}

func readJSON(t testing.TB, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

func mustJSON(t testing.TB, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad test JSON: %v\n%s", err, s)
	}
	return v
}

// fsLoader is a loader that serves only the contexts in fsys (no embedded
// ones), for comparing against the shared copies.
func fsLoader(t testing.TB, fsys fs.FS) *Loader {
	t.Helper()
	l, err := (&Loader{byURL: map[string]*document{}}).With(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func mustRead(fsys fs.FS, name string) []byte {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		panic(err)
	}
	return b
}
