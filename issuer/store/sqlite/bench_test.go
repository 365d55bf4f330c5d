package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/issuer/store/storetest"
)

// The issuer aims at 700 or more issued credentials a second per core,
// persistence included. These benchmarks measure the persistence: what
// one issuance asks of the store.
//
//	go test -run '^$' -bench AddCredential -cpu 1 ./issuer/store/sqlite/

// benchListSize is the benchmarks' status list size: 2^20 entries, so that
// benchIndex walks it in a scattered order, as random allocation does.
const benchListSize = 1 << 20

// benchIndex is the i'th index handed out: an odd multiplier is a
// permutation modulo a power of two, so indices never repeat within a list
// yet land all over its B-tree.
func benchIndex(i int) int64 { return int64(uint64(i)*2654435761) % benchListSize }

// benchStore is a store with an institution and enough status lists for n
// credentials.
func benchStore(b *testing.B, n int) *Store {
	b.Helper()
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "issuer.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.CreateInstitution(b.Context(), storetest.NewInstitution("svc")); err != nil {
		b.Fatal(err)
	}
	for l := range n/benchListSize + 1 {
		list := storetest.NewStatusList(benchList(l*benchListSize), "svc", store.PurposeRevocation)
		list.Size = benchListSize
		if err := s.AddStatusList(b.Context(), list); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func benchList(i int) string { return fmt.Sprintf("svc-revocation-%d", i/benchListSize+1) }

// BenchmarkAddCredential issues one credential per transaction, as a
// single issuance request does: reserve an index, store a credential of
// about 2 KB that uses it, commit (with synchronous=FULL, an fsync).
func BenchmarkAddCredential(b *testing.B) {
	s := benchStore(b, b.N)
	ctx := b.Context()
	c := storetest.NewCredential("", "svc")
	b.SetBytes(int64(len(c.Body)))
	b.ResetTimer()
	for i := range b.N {
		list := benchList(i)
		err := s.Tx(ctx, func(tx store.Ops) error {
			idx, err := tx.ReserveIndices(ctx, list, []int64{benchIndex(i)})
			if err != nil {
				return err
			}
			if len(idx) != 1 {
				return fmt.Errorf("index %d not free", benchIndex(i))
			}
			c.ID = fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i)
			c.Status = []store.StatusEntry{{List: list, Purpose: store.PurposeRevocation, Index: idx[0]}}
			return tx.AddCredential(ctx, c)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "credentials/s")
}

// BenchmarkAddCredentialBatch issues credentials in transactions of 100, as
// an intake batch does: the commit's fsync is shared by the batch.
func BenchmarkAddCredentialBatch(b *testing.B) {
	const batch = 100
	s := benchStore(b, b.N)
	ctx := b.Context()
	c := storetest.NewCredential("", "svc")
	b.SetBytes(int64(len(c.Body)))
	b.ResetTimer()
	for start := 0; start < b.N; start += batch {
		err := s.Tx(ctx, func(tx store.Ops) error {
			for i := start; i < min(start+batch, b.N); i++ {
				list := benchList(i)
				idx, err := tx.ReserveIndices(ctx, list, []int64{benchIndex(i)})
				if err != nil {
					return err
				}
				if len(idx) != 1 {
					return fmt.Errorf("index %d not free", benchIndex(i))
				}
				c.ID = fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i)
				c.Status = []store.StatusEntry{{List: list, Purpose: store.PurposeRevocation, Index: idx[0]}}
				if err := tx.AddCredential(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "credentials/s")
}
