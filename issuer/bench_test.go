package issuer_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/satchel-wallet/satchel/issuer"
	"github.com/satchel-wallet/satchel/issuer/client"
	"github.com/satchel-wallet/satchel/issuer/store/sqlite"
	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
)

func batchOf(from, n int) []byte { return client.MilitaryBatch("B-", from, n) }

// newService opens a service over a fresh SQLite file with the sample JST
// institution and its tables.
func newService(tb testing.TB) (*issuer.Service, issuer.Actor) {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "issuer.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	set, err := samples.Load()
	if err != nil {
		tb.Fatal(err)
	}
	svc, err := issuer.New(ctx, issuer.Config{Store: db, BaseURL: "https://etranscript.example", Passphrase: []byte("bench passphrase"),
		KDF: issuer.KDF{Time: 1, MemoryKiB: 64, Threads: 1}, Skills: set.Skills})
	if err != nil {
		tb.Fatal(err)
	}
	admin := issuer.Actor{Admin: true}
	in, _ := set.Institution("jst")
	in.ID = ""
	if _, _, err := svc.CreateInstitution(ctx, admin, issuer.NewInstitution{Institution: in}); err != nil {
		tb.Fatal(err)
	}
	for _, t := range set.Tables {
		if t.ID != "military-cpl" {
			continue
		}
		body, _ := json.Marshal(t)
		if _, err := svc.UploadTable(ctx, admin, "jst", "application/json", transcript.TableInfo{}, body); err != nil {
			tb.Fatal(err)
		}
	}
	return svc, admin
}

// BenchmarkIssue measures what the issue's speed goal counts: mapping,
// building, signing (eddsa-rdfc-2022), the verifier's self-check, status
// index allocation and persistence of one OB 3.0 credential, in batches of
// 100 over SQLite. Compare with BenchmarkEd25519Sign, run alongside.
func BenchmarkIssue(b *testing.B) {
	svc, admin := newService(b)
	ctx := context.Background()
	const per = 100
	// Steady state: the status list exists and its signed copy is
	// verified once, as in a service that has been running.
	if _, err := svc.Submit(ctx, admin, "jst", "application/json", client.MilitaryBatch("W-", 0, per), ""); err != nil {
		b.Fatal(err)
	}
	bodies := make([][]byte, 0, b.N/per+1)
	for i := 0; i*per < b.N; i++ {
		bodies = append(bodies, batchOf(i*per, per))
	}
	b.ResetTimer()
	issued := 0
	for _, body := range bodies {
		res, err := svc.Submit(ctx, admin, "jst", "application/json", body, "")
		if err != nil {
			b.Fatal(err)
		}
		issued += res.Issued
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(issued), "ns/credential")
	b.ReportMetric(float64(issued)/b.Elapsed().Seconds(), "credentials/s")
}

// BenchmarkEd25519Sign is the baseline the issue benchmark is compared to.
func BenchmarkEd25519Sign(b *testing.B) {
	_, priv, _ := ed25519.GenerateKey(nil)
	msg := make([]byte, 32)
	for b.Loop() {
		ed25519.Sign(priv, msg)
	}
}
