package sample_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sample"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

var now = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// cheap KDF costs: the test is about the records, not the key's strength.
var cheap = wallet.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

func TestBuild(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, err := sample.Build(ctx, dir, sample.Options{Now: now, Passphrase: []byte("correct horse battery staple"), KDF: cheap})
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlitestore.Open(ctx, filepath.Join(dir, sample.File), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	page, err := st.Search(ctx, wallet.Query{Limit: wallet.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[wallet.Kind]int{}
	for _, e := range page.Entries {
		kinds[e.Kind]++
	}
	for _, k := range []wallet.Kind{wallet.KindCollege, wallet.KindAdultSchool, wallet.KindApprenticeship, wallet.KindMilitary} {
		if kinds[k] == 0 {
			t.Errorf("no %s record among %v", k, kinds)
		}
	}
	if len(page.Entries) != len(w.Credentials) {
		t.Errorf("%d credentials in the wallet, Build says %d", len(page.Entries), len(w.Credentials))
	}

	want := map[string]struct {
		status wallet.Status
		failed string // the check that failed
	}{
		sample.Medic:          {wallet.StatusVerified, ""},
		sample.Apprenticeship: {wallet.StatusVerified, ""},
		sample.Stale:          {wallet.StatusVerified, ""},
		sample.Revoked:        {wallet.StatusFailed, verifier.CheckStatus},
		sample.Untrusted:      {wallet.StatusFailed, verifier.CheckTrust},
	}
	for rec, wnt := range want {
		c, err := st.Credential(ctx, w.Credentials[rec])
		if err != nil {
			t.Fatalf("%s: %v", rec, err)
		}
		if c.Status != wnt.status {
			t.Errorf("%s: status %s, want %s", rec, c.Status, wnt.status)
		}
		var rep verifier.Report
		if err := json.Unmarshal(c.Report, &rep); err != nil {
			t.Fatal(err)
		}
		for _, ch := range rep.Checks {
			if !ch.OK && ch.Check != wnt.failed {
				t.Errorf("%s: check %s failed (%s), want only %q to", rec, ch.Check, ch.Detail, wnt.failed)
			}
		}
	}
	medic, _ := st.Credential(ctx, w.Credentials[sample.Medic])
	if len(medic.Credits) == 0 {
		t.Errorf("the combat medic course carries no equivalent credit")
	}
	stale, _ := st.Credential(ctx, w.Credentials[sample.Stale])
	if age := now.Sub(stale.VerifiedAt); age < 30*24*time.Hour {
		t.Errorf("the stale record was verified %v ago, want weeks", age)
	}
	p, err := st.Portfolio(ctx, w.Portfolio)
	if err != nil || len(p.Items) == 0 || p.Name != sample.PortfolioName {
		t.Errorf("portfolio %+v, %v", p, err)
	}
	keys, _ := st.HolderKeys(ctx)
	if len(keys) != 1 || keys[0].DID != w.HolderDID {
		t.Errorf("holder keys %v, want %s", keys, w.HolderDID)
	}
	if _, err := (&wallet.Keyring{Store: st}).Unlock(ctx, w.HolderDID, []byte("correct horse battery staple")); err != nil {
		t.Errorf("unlock: %v", err)
	}
	regs, err := wallet.TrustedRegistries(ctx, st)
	if err != nil || len(regs) != 1 || regs[0].Name != sample.RegistryName {
		t.Errorf("registries %v, %v", regs, err)
	}
}

// A second Build into the same directory refuses and leaves the first
// wallet as it was.
func TestBuildRefusesExisting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opt := sample.Options{Now: now, Passphrase: []byte("pass phrase here"), KDF: cheap}
	if _, err := sample.Build(ctx, dir, opt); err != nil {
		t.Fatal(err)
	}
	if _, err := sample.Build(ctx, dir, opt); err == nil {
		t.Fatal("a second Build into the same directory succeeded")
	}
	st, err := sqlitestore.Open(ctx, filepath.Join(dir, sample.File), sqlitestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if p, _ := st.Search(ctx, wallet.Query{}); len(p.Entries) == 0 {
		t.Error("the first wallet lost its records")
	}
}
