package sqlitestore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier/model"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
	"github.com/satchel-wallet/satchel/wallet/storetest"
)

// Benchmarks run against realistic credentials: the transcript package's
// golden Open Badges 3.0 credentials (the single achievements, about 5 KB
// each; not the CLR transcripts), each copy given its own id and issued
// date. Without them, storetest.NewCredential's.
//
//	go test -run '^$' -bench . -cpu 1 ./wallet/sqlitestore/

var golden = sync.OnceValue(func() []wallet.Credential {
	files, _ := filepath.Glob("../../transcript/testdata/golden/*.json")
	var out []wallet.Credential
	for _, f := range files {
		if strings.Contains(filepath.Base(f), "clr") {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if c, ok := describe(raw); ok {
			out = append(out, c)
		}
	}
	return out
})

// describe fills a credential's entry from its summary, as an import would.
func describe(raw []byte) (wallet.Credential, bool) {
	var doc map[string]any
	if json.Unmarshal(raw, &doc) != nil {
		return wallet.Credential{}, false
	}
	sum, _ := model.Check(doc)
	if sum.ID == "" {
		return wallet.Credential{}, false
	}
	c := wallet.Credential{Raw: raw, Entry: wallet.Entry{
		Format: "ldp_vc", CredentialID: sum.ID, IssuerID: sum.Issuer, IssuerName: sum.IssuerName,
		Types: sum.Types, Title: sum.Name, IssuedAt: sum.ValidFrom, ExpiresAt: sum.ValidUntil,
		Status: wallet.StatusVerified, VerifiedAt: time.Date(2026, 9, 2, 8, 0, 0, 0, time.UTC),
		Kind: wallet.KindOther,
	}}
	if d, ok := doc["description"].(string); ok {
		c.Description = d
	}
	switch id := strings.ToLower(sum.Issuer); {
	case strings.Contains(id, "jst"):
		c.Kind = wallet.KindMilitary
	case strings.Contains(id, "harbor") || strings.Contains(id, "adult"):
		c.Kind = wallet.KindAdultSchool
	case strings.Contains(id, "sierra") || strings.Contains(id, "college"):
		c.Kind = wallet.KindCollege
	case strings.Contains(id, "jatc") || strings.Contains(id, "apprentice"):
		c.Kind = wallet.KindApprenticeship
	}
	for _, a := range sum.Achievements {
		for _, al := range a.Alignments {
			c.Skills = append(c.Skills, wallet.Skill{Name: al.TargetName, Code: al.TargetCode, Framework: al.TargetFramework})
		}
		for _, al := range a.ResultAlignments {
			if al.TargetType == "ext:CommunityCollegeCourse" {
				c.Credits = append(c.Credits, wallet.Credit{Course: al.TargetCode, Title: al.TargetName,
					College: al.TargetFramework, Explanation: al.TargetDescription})
			}
		}
	}
	c.Report = json.RawMessage(`{"verified":true,"kind":"credential","format":"ldp_vc","issuer":"` + sum.Issuer +
		`","checks":[{"check":"proof","ok":true,"detail":"eddsa-rdfc-2022"},{"check":"status","ok":true,"detail":"not revoked"}],"errors":[]}`)
	return c, true
}

// benchCredential is the i-th credential of a benchmark wallet.
func benchCredential(i int) wallet.Credential {
	g := golden()
	if len(g) == 0 {
		return storetest.NewCredential(i)
	}
	c := g[i%len(g)]
	id := fmt.Sprintf("urn:uuid:b0000000-0000-4000-8000-%012d", i)
	c.Raw = bytes.Replace(c.Raw, []byte(strconv.Quote(c.CredentialID)), []byte(strconv.Quote(id)), 1)
	c.CredentialID = id
	if c.IssuedAt.IsZero() {
		c.IssuedAt = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	}
	c.IssuedAt = c.IssuedAt.Add(-time.Duration(i) * time.Hour)
	return c
}

func benchCredentials(from, n int) []wallet.Credential {
	cs := make([]wallet.Credential, n)
	for i := range cs {
		cs[i] = benchCredential(from + i)
	}
	return cs
}

func importBatch(ctx context.Context, s wallet.Store, cs []wallet.Credential) error {
	return s.Tx(ctx, func(tx wallet.Ops) error {
		for i := range cs {
			c := cs[i]
			if err := tx.AddCredential(ctx, &c); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkImport1000 stores 1,000 credentials in one batch (no
// verification) into an empty wallet.
func BenchmarkImport1000(b *testing.B) {
	cs := benchCredentials(0, 1000)
	ctx := context.Background()
	var raw int
	for _, c := range cs {
		raw += len(c.Raw)
	}
	b.SetBytes(int64(raw))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := sqlitestore.Open(ctx, filepath.Join(b.TempDir(), "wallet.db"), sqlitestore.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := importBatch(ctx, s, cs); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cs)), "ns/credential")
}

// BenchmarkAddOne stores one credential in a transaction of its own (a
// durable commit each) into a wallet of 1,000.
func BenchmarkAddOne(b *testing.B) {
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, filepath.Join(b.TempDir(), "wallet.db"), sqlitestore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := importBatch(ctx, s, benchCredentials(0, 1000)); err != nil {
		b.Fatal(err)
	}
	cs := benchCredentials(1000, b.N)
	b.ResetTimer()
	for i := range cs {
		if err := s.AddCredential(ctx, &cs[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// benchDir holds the wallet of 10,000 once it is built; TestMain removes it.
var benchDir string

// wallet10k is a closed wallet of 10,000 credentials, built once.
var wallet10k = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "satchel-bench-")
	if err != nil {
		return "", err
	}
	benchDir = dir
	path := filepath.Join(dir, "wallet.db")
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	if err != nil {
		return "", err
	}
	for from := 0; from < 10000; from += 2000 {
		if err := importBatch(ctx, s, benchCredentials(from, 2000)); err != nil {
			s.Close()
			return "", err
		}
	}
	return path, s.Close()
})

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func open10k(b *testing.B) *sqlitestore.Store {
	b.Helper()
	path, err := wallet10k()
	if err != nil {
		b.Fatal(err)
	}
	s, err := sqlitestore.Open(context.Background(), path, sqlitestore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// searches are what a learner types, alone or with a filter.
var searches = []wallet.Query{
	{Text: "emergency medical"},
	{Text: "EMS 101"},
	{Text: "nursing assistant"},
	{Text: "medic"},
	{Text: "sierra vista"},
	{Text: "cpr"},
	{Text: "welding"},
	{Text: "medical terminology"},
	{Text: "kin"},
	{Text: "anatomy", Kind: wallet.KindCollege},
	{Skill: "29-2042.00"},
	{Kind: wallet.KindMilitary, Text: "combat"},
}

// BenchmarkSearch10k runs the searches above in turn, each for a first
// page of 20, over 10,000 credentials, and reports the median and the
// 95th percentile.
func BenchmarkSearch10k(b *testing.B) {
	s := open10k(b)
	ctx := context.Background()
	for _, q := range searches { // warm the statement cache and the pages
		if _, err := s.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := searches[i%len(searches)]
		start := time.Now()
		if _, err := s.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(times[len(times)*95/100].Nanoseconds()), "p95-ns")
}

// BenchmarkSearchEach10k times each search on its own, to see which is
// slow.
func BenchmarkSearchEach10k(b *testing.B) {
	s := open10k(b)
	ctx := context.Background()
	for _, q := range searches {
		name := strings.ReplaceAll(fmt.Sprintf("%s|%s|%s", q.Text, q.Kind, q.Skill), " ", "_")
		b.Run(name, func(b *testing.B) {
			var n int
			for i := 0; i < b.N; i++ {
				p, err := s.Search(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				n = len(p.Entries)
			}
			b.ReportMetric(float64(n), "results")
		})
	}
}

// BenchmarkFirstPage10k lists the first 20 credentials of 10,000, newest
// first, as the wallet's home screen does.
func BenchmarkFirstPage10k(b *testing.B) {
	s := open10k(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := s.Search(ctx, wallet.Query{Limit: 20})
		if err != nil || len(p.Entries) != 20 {
			b.Fatal(len(p.Entries), err)
		}
	}
}

// BenchmarkOpen10k opens a wallet of 10,000 credentials (the schema
// check included), and reports the size of the file per credential beside
// that of the bytes and reports it holds.
func BenchmarkOpen10k(b *testing.B) {
	path, err := wallet10k()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.StopTimer()
	var size int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(path + suffix); err == nil {
			size += fi.Size()
		}
	}
	var raw int
	for i := range 10000 {
		c := benchCredential(i)
		raw += len(c.Raw) + len(c.Report)
	}
	b.ReportMetric(float64(size)/10000, "file-B/credential")
	b.ReportMetric(float64(raw)/10000, "raw+report-B/credential")
}

// BenchmarkOpenAndList10k is what starting the app costs: open the wallet
// of 10,000 and read its first page.
func BenchmarkOpenAndList10k(b *testing.B) {
	path, err := wallet10k()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Search(ctx, wallet.Query{Limit: 20}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
