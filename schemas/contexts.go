package schemas

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
)

// embedded holds the context files and contexts/index.json, which lists them.
// The list is data: adding a context means adding its file and an index.json
// entry (and a SOURCES.md row), not code.
//
//go:embed contexts/index.json contexts/*.json contexts/*.jsonld
var embedded embed.FS

// Context describes one JSON-LD context URL the loader can answer.
type Context struct {
	URL     string // the URL documents name in "@context"
	File    string // file name under contexts/ (or in the extra directory)
	Package string // npm package it was taken from; "" for extra contexts
	Version string // exact package version
	Path    string // file inside the package tarball
	Extract string // how the bytes were taken from Path (see contexts/fetch.sh)
	License string // licence of the package / context data
	SHA256  string // hex sha256 of the file's bytes
}

// Source is "package@version", or "" for a context that was not embedded.
func (c Context) Source() string {
	if c.Package == "" {
		return ""
	}
	return c.Package + "@" + c.Version
}

type indexEntry struct {
	URL     string `json:"url"`
	File    string `json:"file"`
	Package string `json:"package"`
	Version string `json:"version"`
	Path    string `json:"path"`
	Extract string `json:"extract"`
	License string `json:"license"`
	SHA256  string `json:"sha256"`
}

// embeddedIndex reads contexts/index.json. It is only ever called once, from
// the default loader's initialisation; a broken index is a build defect, which
// the package's tests catch.
func embeddedIndex() ([]Context, error) {
	b, err := embedded.ReadFile("contexts/index.json")
	if err != nil {
		return nil, fmt.Errorf("schemas: read embedded index: %w", err)
	}
	var entries []indexEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, fmt.Errorf("schemas: parse embedded contexts/index.json: %w", err)
	}
	out := make([]Context, 0, len(entries))
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		if e.URL == "" || e.File == "" {
			return nil, fmt.Errorf("schemas: embedded contexts/index.json: entry without url or file: %+v", e)
		}
		if seen[e.URL] {
			return nil, fmt.Errorf("schemas: embedded contexts/index.json: %s listed twice", e.URL)
		}
		seen[e.URL] = true
		out = append(out, Context(e))
	}
	return out, nil
}

// Contexts lists the contexts embedded in the binary, sorted by URL, so that
// other packages and the CLIs can show what a verifier knows offline.
func Contexts() []Context {
	return DefaultLoader().Contexts()
}

func sortContexts(cs []Context) {
	sort.Slice(cs, func(i, j int) bool { return cs[i].URL < cs[j].URL })
}

// embeddedFS is the directory the embedded context files live in.
func embeddedFS() fs.FS {
	sub, err := fs.Sub(embedded, "contexts")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "contexts" is a constant.
		panic(err)
	}
	return sub
}
