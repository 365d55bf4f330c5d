package status

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// ErrNotFound: the status list credential is not in the cache. A verifier
// reports it as "status list <url> not available offline", a failure.
var ErrNotFound = errors.New("not available offline")

// Source gives the raw bytes of a status list credential by its URL, from a
// cache or preloaded files. An implementation that has no copy returns an
// error wrapping ErrNotFound.
type Source interface {
	StatusListCredential(ctx context.Context, url string) ([]byte, error)
}

// Cache is a Source backed by a map: status list credentials preloaded from
// files (verify --status-list URL=FILE) or kept from an earlier fetch, with
// the time each was fetched. It is safe for concurrent use; the zero value
// is an empty cache. It never fetches anything.
type Cache struct {
	mu    sync.RWMutex
	lists map[string]cached
}

type cached struct {
	raw     []byte
	fetched time.Time
}

var _ Source = (*Cache)(nil)

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{} }

// Add stores a copy of raw as the status list credential at url, fetched at
// the given time, replacing any earlier copy.
func (c *Cache) Add(url string, raw []byte, fetched time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lists == nil {
		c.lists = make(map[string]cached)
	}
	c.lists[url] = cached{raw: bytes.Clone(raw), fetched: fetched}
}

// Get returns a copy of the status list credential at url and when it was
// fetched, or an error wrapping ErrNotFound.
func (c *Cache) Get(url string) ([]byte, time.Time, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	l, ok := c.lists[url]
	if !ok {
		return nil, time.Time{}, fmt.Errorf("status list %s %w", url, ErrNotFound)
	}
	return bytes.Clone(l.raw), l.fetched, nil
}

// Remove drops the status list credential at url, if the cache has it.
func (c *Cache) Remove(url string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.lists, url)
}

// URLs lists the cached status list URLs, sorted.
func (c *Cache) URLs() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	urls := make([]string, 0, len(c.lists))
	for u := range c.lists {
		urls = append(urls, u)
	}
	slices.Sort(urls)
	return urls
}

// StatusListCredential implements Source.
func (c *Cache) StatusListCredential(ctx context.Context, url string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("status list %s: %w", url, err)
	}
	raw, _, err := c.Get(url)
	return raw, err
}
