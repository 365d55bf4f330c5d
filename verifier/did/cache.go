package did

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// Cache is an offline store of DID documents — did:web documents fetched
// earlier or shipped with the app, and any other document preloaded with
// verify --did-document — with the time each was fetched. It is safe for
// concurrent use; the zero value is an empty cache, and a nil *Cache is an
// empty cache that cannot be added to.
type Cache struct {
	mu   sync.RWMutex
	docs map[string]cacheEntry
}

type cacheEntry struct {
	doc     *Document
	fetched time.Time
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{} }

// Add parses a document and stores it under its id. A copy fetched at or
// after the cached one replaces it; an older copy is ignored. Add returns
// the document the cache now holds for that id.
func (c *Cache) Add(raw []byte, fetched time.Time) (*Document, error) {
	if c == nil {
		return nil, fmt.Errorf("add to DID cache: nil cache")
	}
	doc, err := ParseDocument(raw)
	if err != nil {
		return nil, fmt.Errorf("add to DID cache: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.docs[doc.ID]; ok && old.fetched.After(fetched) {
		return old.doc, nil
	}
	if c.docs == nil {
		c.docs = map[string]cacheEntry{}
	}
	c.docs[doc.ID] = cacheEntry{doc: doc, fetched: fetched}
	return doc, nil
}

// Get returns the cached document for an id and when it was fetched.
func (c *Cache) Get(did string) (*Document, time.Time, bool) {
	if c == nil {
		return nil, time.Time{}, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.docs[did]
	return e.doc, e.fetched, ok
}

// IDs lists the cached ids, sorted: what a refresh would re-fetch.
func (c *Cache) IDs() []string {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	ids := make([]string, 0, len(c.docs))
	for id := range c.docs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
