package status_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/verifier/status"
)

func TestCache(t *testing.T) {
	fetched := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	raw := []byte(`{"id": "list"}`)
	c := status.NewCache()
	c.Add(listURL, raw, fetched)
	raw[0] = 'X' // the cache kept its own copy

	t.Run("ok/get", func(t *testing.T) {
		got, at, err := c.Get(listURL)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != `{"id": "list"}` || !at.Equal(fetched) {
			t.Errorf("Get = %s, %v", got, at)
		}
		got[0] = 'Y' // and hands out copies
		again, _, _ := c.Get(listURL)
		if again[0] != '{' {
			t.Errorf("changing what Get returned changed the cache")
		}
	})
	t.Run("ok/source", func(t *testing.T) {
		var src status.Source = c
		got, err := src.StatusListCredential(context.Background(), listURL)
		if err != nil || string(got) != `{"id": "list"}` {
			t.Errorf("StatusListCredential = %s, %v", got, err)
		}
	})
	t.Run("fail/not-found", func(t *testing.T) {
		const missing = "https://example.edu/status/missing"
		_, err := c.StatusListCredential(context.Background(), missing)
		if !errors.Is(err, status.ErrNotFound) {
			t.Fatalf("StatusListCredential = %v, want ErrNotFound", err)
		}
		if want := "status list " + missing + " not available offline"; err.Error() != want {
			t.Errorf("error = %q, want %q", err, want)
		}
	})
	t.Run("fail/cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.StatusListCredential(ctx, listURL); !errors.Is(err, context.Canceled) {
			t.Errorf("StatusListCredential = %v, want context.Canceled", err)
		}
	})
	t.Run("ok/replace-remove-urls", func(t *testing.T) {
		c := status.NewCache()
		c.Add("https://b", []byte("1"), fetched)
		c.Add("https://a", []byte("2"), fetched)
		c.Add("https://b", []byte("3"), fetched.Add(time.Hour))
		if diff := cmp.Diff([]string{"https://a", "https://b"}, c.URLs()); diff != "" {
			t.Errorf("URLs (-want +got):\n%s", diff)
		}
		got, at, _ := c.Get("https://b")
		if string(got) != "3" || !at.Equal(fetched.Add(time.Hour)) {
			t.Errorf("replaced entry = %s, %v", got, at)
		}
		c.Remove("https://b")
		c.Remove("https://never-added")
		if _, _, err := c.Get("https://b"); !errors.Is(err, status.ErrNotFound) {
			t.Errorf("Get after Remove = %v", err)
		}
	})
	t.Run("ok/zero-value", func(t *testing.T) {
		var c status.Cache
		if _, _, err := c.Get("https://a"); !errors.Is(err, status.ErrNotFound) {
			t.Errorf("Get on the zero Cache = %v", err)
		}
		c.Add("https://a", []byte("1"), fetched)
		if got, _, err := c.Get("https://a"); err != nil || string(got) != "1" {
			t.Errorf("Get = %s, %v", got, err)
		}
	})
}

// TestCacheConcurrent is for the race detector: writers and readers at once.
func TestCacheConcurrent(t *testing.T) {
	c := status.NewCache()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 100 {
				url := fmt.Sprintf("https://example.edu/status/%d", (w*100+i)%17)
				c.Add(url, []byte(url), time.Unix(int64(i), 0))
				if _, err := c.StatusListCredential(context.Background(), url); err != nil && !errors.Is(err, status.ErrNotFound) {
					t.Error(err)
				}
				if i%10 == 0 {
					c.Remove(url)
					_ = c.URLs()
				}
			}
		})
	}
	wg.Wait()
}
