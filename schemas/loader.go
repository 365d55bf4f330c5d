package schemas

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/piprate/json-gold/ld"
)

// ErrUnknownContext is what loading a context URL the loader does not hold
// wraps. Contexts are never fetched: an unknown one is an error, which callers
// test with errors.Is.
var ErrUnknownContext = errors.New("unknown JSON-LD context")

// UnknownContextError names the context URL that is not available offline.
type UnknownContextError struct {
	URL string // as the document named it
}

func (e *UnknownContextError) Error() string {
	return "unknown JSON-LD context " + e.URL + ": contexts are never fetched"
}

// Is makes errors.Is(err, ErrUnknownContext) true.
func (e *UnknownContextError) Is(target error) bool { return target == ErrUnknownContext }

// Loader is an offline json-gold document loader (ld.DocumentLoader) that
// answers only from embedded contexts and from extra ones added with
// [Loader.With]. It is safe for concurrent use.
//
// Each context file is parsed once per process, the first time it is asked
// for: verification speed depends on not re-parsing tens of kilobytes of
// contexts per credential. [Expand] and [Canonicalize] hand json-gold the
// parsed documents themselves, and keep what json-gold makes of them — the
// processed contexts, scoped ones included — for the life of the Loader
// (a bounded number of them; see scope.go). LoadDocument, for other
// JSON-LD processors,
// hands out a deep copy (cheap next to parsing): json-gold writes into the
// target of an "@import", so a hostile document importing a shared context
// could otherwise change it for every later caller in the process.
type Loader struct {
	byURL    map[string]*document
	contexts []Context // everything byURL serves, sorted by URL
	active   activeContexts
	scopes   scopes
}

var _ ld.DocumentLoader = (*Loader)(nil)

// document is one context file, parsed lazily and at most once.
type document struct {
	fsys fs.FS
	file string

	once    sync.Once
	doc     any
	err     error
	mutable bool // holds "@import" (see callLoader)
}

// parses counts context parses in this process; tests use it to check that
// documents are parsed once.
var parses atomic.Int64

func (d *document) load() (any, error) {
	d.once.Do(func() {
		b, err := fs.ReadFile(d.fsys, d.file)
		if err != nil {
			d.err = fmt.Errorf("schemas: read context %s: %w", d.file, err)
			return
		}
		d.doc, d.err = parseContextFile(d.file, b)
		d.mutable = d.err == nil && hasKey(d.doc, "@import")
		parses.Add(1)
	})
	return d.doc, d.err
}

// parseContextFile decodes a context file. It must be one JSON object and
// nothing else.
func parseContextFile(name string, b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("schemas: context file %s: invalid JSON: %w", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("schemas: context file %s: invalid JSON: data after the top-level value", name)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("schemas: context file %s: want a JSON object, got %s", name, jsonKind(v))
	}
	return v, nil
}

func hasKey(v any, key string) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if k == key || hasKey(child, key) {
				return true
			}
		}
	case []any:
		for _, child := range v {
			if hasKey(child, key) {
				return true
			}
		}
	}
	return false
}

var defaultLoader = sync.OnceValue(func() *Loader {
	idx, err := embeddedIndex()
	if err != nil {
		// The index is compiled in; if it is broken the binary is, and the
		// package tests say so long before a user could see this.
		panic(err)
	}
	fsys := embeddedFS()
	l := &Loader{byURL: make(map[string]*document, len(idx))}
	files := make(map[string]*document)
	for _, c := range idx {
		d := files[c.File]
		if d == nil {
			d = &document{fsys: fsys, file: c.File}
			files[c.File] = d
		}
		l.byURL[c.URL] = d
		l.contexts = append(l.contexts, c)
	}
	sortContexts(l.contexts)
	return l
})

// DefaultLoader returns the process-wide loader of the embedded contexts.
func DefaultLoader() *Loader { return defaultLoader() }

// LoadDocument implements ld.DocumentLoader. The URL must match a known
// context exactly, except that a fragment ("#...") is ignored; anything else
// is an *UnknownContextError (errors.Is(err, ErrUnknownContext)). The document
// is a copy the caller may change.
func (l *Loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	rd, _, err := l.load(u)
	if err != nil {
		return nil, err
	}
	rd.Document = ld.CloneDocument(rd.Document)
	return rd, nil
}

// load returns the shared parsed document, and whether it holds "@import".
func (l *Loader) load(u string) (*ld.RemoteDocument, bool, error) {
	key := documentURL(u)
	d, ok := l.byURL[key]
	if !ok {
		return nil, false, &UnknownContextError{URL: u}
	}
	doc, err := d.load()
	if err != nil {
		return nil, false, err
	}
	return &ld.RemoteDocument{DocumentURL: key, Document: doc}, d.mutable, nil
}

// callLoader serves one Expand or Canonicalize call the shared parsed
// documents without copying — unless "@import" is in play: json-gold merges
// the importing context into the imported document in place, so once the
// input or any context loaded so far holds "@import", every later document of
// the call is a copy. A callLoader belongs to one call, so needs no lock.
type callLoader struct {
	l       *Loader
	copying bool
}

func (c *callLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	rd, mutable, err := c.l.load(u)
	if err != nil {
		return nil, err
	}
	if mutable {
		c.copying = true
	}
	if c.copying {
		rd.Document = ld.CloneDocument(rd.Document)
	}
	return rd, nil
}

func documentURL(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

// Contexts lists every context this loader serves, embedded and extra,
// sorted by URL. Extra ones have an empty Package.
func (l *Loader) Contexts() []Context {
	return append([]Context(nil), l.contexts...)
}

// With returns a loader that also serves the contexts in extra: a directory
// (the caller opens it, e.g. with os.DirFS; schemas does no I/O of its own)
// holding an index.json that maps each context URL to a file name in the same
// directory:
//
//	{"https://example.org/my-context/v1": "my-context-v1.jsonld"}
//
// Every file is read and parsed now, so a bad one is reported at once, naming
// the file. An extra context may not change one the loader already has: such
// a URL is accepted only if its file holds the same JSON (so a directory that
// also carries copies of embedded contexts still loads). l is not changed.
func (l *Loader) With(extra fs.FS) (*Loader, error) {
	b, err := fs.ReadFile(extra, "index.json")
	if err != nil {
		return nil, fmt.Errorf("schemas: extra contexts: %w", err)
	}
	var index map[string]string
	if err := json.Unmarshal(b, &index); err != nil {
		return nil, fmt.Errorf("schemas: extra contexts: index.json: want an object mapping URL to file name: %w", err)
	}
	out := &Loader{
		byURL:    make(map[string]*document, len(l.byURL)+len(index)),
		contexts: append([]Context(nil), l.contexts...),
	}
	for u, d := range l.byURL {
		out.byURL[u] = d
	}
	type extraFile struct {
		doc *document
		sum string
	}
	files := make(map[string]extraFile)
	for _, u := range sortedKeys(index) {
		file := index[u]
		if !strings.Contains(u, ":") || strings.Contains(u, "#") {
			return nil, fmt.Errorf("schemas: extra contexts: index.json: %q is not an absolute URL without a fragment", u)
		}
		if !fs.ValidPath(file) || file == "." {
			return nil, fmt.Errorf("schemas: extra contexts: index.json: %s: %q is not a file name in the directory", u, file)
		}
		f, ok := files[file]
		if !ok {
			raw, err := fs.ReadFile(extra, file)
			if err != nil {
				return nil, fmt.Errorf("schemas: extra contexts: %w", err)
			}
			doc, err := parseContextFile(file, raw)
			if err != nil {
				return nil, fmt.Errorf("schemas: extra contexts: %w", err)
			}
			parses.Add(1)
			d := &document{fsys: extra, file: file, doc: doc, mutable: hasKey(doc, "@import")}
			d.once.Do(func() {}) // already parsed
			f = extraFile{doc: d, sum: sha256Hex(raw)}
			files[file] = f
		}
		if known, ok := l.byURL[u]; ok {
			have, err := known.load()
			if err != nil {
				return nil, err
			}
			if !reflect.DeepEqual(have, f.doc.doc) {
				return nil, fmt.Errorf("schemas: extra contexts: %s: file %s differs from the context this loader already has for that URL, which extra contexts cannot replace", u, file)
			}
			continue
		}
		out.byURL[u] = f.doc
		out.contexts = append(out.contexts, Context{URL: u, File: file, SHA256: f.sum})
	}
	sortContexts(out.contexts)
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
