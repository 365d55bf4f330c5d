package wallet_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

var issued = time.Date(2026, 9, 1, 17, 0, 0, 0, time.UTC)

// signedRecords are a veteran's sample records as credentials signed by
// their institutions, with the DID documents a verifier needs.
func signedRecords(t *testing.T) (*did.Cache, map[string][]byte) {
	t.Helper()
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng, _ := set.Engine()
	cache := did.NewCache()
	keys := map[string]ed25519.PrivateKey{}
	for i, in := range set.Institutions {
		key := ed25519.NewKeyFromSeed(append([]byte{byte(i + 1)}, make([]byte, 31)...))
		mk, _ := did.MultikeyEncode(key.Public())
		doc, _ := json.Marshal(map[string]any{"id": in.ID,
			"verificationMethod": []any{map[string]any{"id": in.ID + "#key-1", "type": "Multikey", "controller": in.ID, "publicKeyMultibase": mk}},
			"assertionMethod":    []string{in.ID + "#key-1"}})
		if _, err := cache.Add(doc, issued); err != nil {
			t.Fatal(err)
		}
		keys[in.Slug] = key
	}
	l, _ := set.Learner("L-1001")
	recs := set.RecordsOf(l.ID)
	maps := eng.MapLearner(recs, transcript.MustDate("2026-09-01"))
	out := map[string][]byte{}
	for i, r := range recs {
		in, _ := set.Institution(r.Institution)
		c, err := transcript.BuildAchievement(in, l, r, maps[i], transcript.BuildOptions{ID: fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i+1), Issued: issued})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(c)
		var doc map[string]any
		_ = json.Unmarshal(b, &doc)
		signed, err := proof.Sign(context.Background(), doc, proof.NewSigner(keys[r.Institution], in.ID+"#key-1"), proof.Options{Created: issued})
		if err != nil {
			t.Fatal(err)
		}
		out[r.ID], _ = json.Marshal(signed)
	}
	return cache, out
}

func newWallet(t *testing.T, cache *did.Cache) *wallet.Wallet {
	t.Helper()
	st, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "wallet.db"), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &wallet.Wallet{Store: st, Verifier: verifier.Options{DIDs: &did.Local{Cache: cache}}, Clock: func() time.Time { return issued.Add(time.Hour) }}
}

func count(t *testing.T, w *wallet.Wallet) int {
	t.Helper()
	p, err := w.Store.Search(context.Background(), wallet.Query{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(p.Entries)
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	cache, creds := signedRecords(t)
	medic := creds["JST-1001-AR-0709-0058"]
	tampered := []byte(strings.Replace(string(medic), "Combat Medic Specialist", "Flight Surgeon", 1))

	t.Run("ok/verified credential is stored with what it proves", func(t *testing.T) {
		w := newWallet(t, cache)
		c, rep, err := w.Import(ctx, medic, wallet.ImportOptions{})
		if err != nil || !rep.Verified {
			t.Fatalf("import: %v %+v", err, rep.Checks)
		}
		if c.Kind != wallet.KindMilitary || c.Title != "Combat Medic Specialist" || c.Status != wallet.StatusVerified ||
			c.IssuerName != "Joint Services Transcript Office (sample)" || c.IssuedAt.IsZero() {
			t.Errorf("entry = %+v", c.Entry)
		}
		var ems bool
		for _, k := range c.Credits {
			ems = ems || (k.Course == "EMS 101" && strings.Contains(k.Explanation, "military-cpl"))
		}
		if !ems {
			t.Errorf("credits %+v lack EMS 101 with its explanation", c.Credits)
		}
		got, err := w.Store.Credential(ctx, c.ID)
		if err != nil || string(got.Raw) != string(medic) {
			t.Errorf("stored bytes differ from those received (%v)", err)
		}
		p, err := w.Store.Search(ctx, wallet.Query{Text: "combat medic"})
		if err != nil || len(p.Entries) != 1 {
			t.Errorf("search finds %d: %v", len(p.Entries), err)
		}
	})
	t.Run("fail/duplicate", func(t *testing.T) {
		w := newWallet(t, cache)
		if _, _, err := w.Import(ctx, medic, wallet.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.Import(ctx, medic, wallet.ImportOptions{}); !errors.Is(err, wallet.ErrDuplicate) {
			t.Errorf("second import: %v, want ErrDuplicate", err)
		}
		if n := count(t, w); n != 1 {
			t.Errorf("%d credentials stored, want 1", n)
		}
	})
	t.Run("fail/tampered credential is refused with the report", func(t *testing.T) {
		w := newWallet(t, cache)
		_, rep, err := w.Import(ctx, tampered, wallet.ImportOptions{})
		var nv *wallet.NotVerifiedError
		if !errors.As(err, &nv) || !errors.Is(err, wallet.ErrNotVerified) || rep.Verified || !strings.Contains(err.Error(), "proof:") {
			t.Errorf("err = %v", err)
		}
		if n := count(t, w); n != 0 {
			t.Errorf("%d credentials stored", n)
		}
	})
	t.Run("ok/kept unverified when the learner says so", func(t *testing.T) {
		w := newWallet(t, cache)
		c, _, err := w.Import(ctx, tampered, wallet.ImportOptions{KeepUnverified: true})
		if err != nil || c.Status != wallet.StatusFailed || !c.KeptUnverified {
			t.Errorf("kept: %v %+v", err, c.Entry)
		}
	})
	t.Run("fail/not a credential", func(t *testing.T) {
		w := newWallet(t, cache)
		if _, _, err := w.Import(ctx, []byte("hello"), wallet.ImportOptions{}); !errors.Is(err, wallet.ErrUnreadable) {
			t.Errorf("err = %v, want ErrUnreadable", err)
		}
	})
	t.Run("fail/a batch with one bad credential stores none", func(t *testing.T) {
		w := newWallet(t, cache)
		var batch [][]byte
		for _, c := range creds {
			batch = append(batch, c)
		}
		batch = append(batch[:2], append([][]byte{tampered}, batch[2:]...)...)
		_, err := w.ImportBatch(ctx, batch, wallet.ImportOptions{})
		if !errors.Is(err, wallet.ErrNotVerified) || !strings.Contains(err.Error(), "import 3 of") {
			t.Errorf("err = %v", err)
		}
		if n := count(t, w); n != 0 {
			t.Errorf("%d credentials stored after a refused batch", n)
		}
		good := append(batch[:2:2], batch[3:]...)
		got, err := w.ImportBatch(ctx, good, wallet.ImportOptions{})
		if err != nil || len(got) != len(good) || count(t, w) != len(good) {
			t.Errorf("good batch: %v, %d stored of %d", err, count(t, w), len(good))
		}
	})
}
