package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/issuer/client"
)

// BenchmarkConcurrentClients puts 200 concurrent clients on the service
// over 127.0.0.1: each request is, in turn, an intake of one record (which
// issues a credential), a status list fetch and a DID document fetch — what
// institutions and verifiers do at once. Any 5xx fails it; it reports
// requests per second and the 99th percentile latency.
func BenchmarkConcurrentClients(b *testing.B) {
	const clients = 200
	e := start(b, "")
	ctx := context.Background()
	// A first credential, so the status list exists.
	if _, _, err := e.as("jst").Submit(ctx, "jst", "application/json", client.MilitaryBatch("LD-", 0, 1), ""); err != nil {
		b.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	hc := &http.Client{Transport: tr, Timeout: 2 * time.Minute}
	jst := &client.Client{BaseURL: e.url, Token: e.tokens["jst"], HTTP: hc}
	anon := &client.Client{BaseURL: e.url, HTTP: hc}
	var next atomic.Int64
	next.Store(1)
	var mu sync.Mutex
	var lat []time.Duration
	var failures atomic.Int64
	var firstErr atomic.Value
	b.ResetTimer()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				start := time.Now()
				var err error
				switch i % 3 {
				case 0:
					_, _, err = jst.Submit(ctx, "jst", "application/json", client.MilitaryBatch("LD-", int(i), 1), "")
				case 1:
					_, err = anon.Get(ctx, "/status/jst-revocation-1")
				default:
					_, err = anon.Get(ctx, "/institutions/jst/did.json")
				}
				d := time.Since(start)
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if n := failures.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed; first: %v", n, len(lat), firstErr.Load())
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "req/s")
	}
}
