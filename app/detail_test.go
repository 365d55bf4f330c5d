package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sample"
)

func TestLoadDetail(t *testing.T) {
	ctx := context.Background()
	s, info := openSample(t)
	vm, err := LoadDetail(ctx, s, info.Credentials[sample.Medic])
	if err != nil {
		t.Fatal(err)
	}
	if vm.Title != "Combat Medic Specialist" || vm.Kind != "Military" || !vm.TrustOK || vm.Badge.Kind != BadgeVerified {
		t.Errorf("title %q, kind %q, trusted %v, badge %+v", vm.Title, vm.Kind, vm.TrustOK, vm.Badge)
	}
	if !strings.Contains(vm.Description, "Sixteen-week course") || !strings.Contains(vm.Criteria, "Joint Services Transcript") {
		t.Errorf("description %q, criteria %q: want the achievement's own", vm.Description, vm.Criteria)
	}
	if vm.CreditTotal != "Worth 6 units of community-college credit" || len(vm.Credits) != 2 {
		t.Fatalf("credit %q, %d courses", vm.CreditTotal, len(vm.Credits))
	}
	ems := vm.Credits[0]
	want := CreditVM{Course: "EMS 101 Emergency Medical Technician", College: "Sierra Vista Community College", Units: "5 units",
		Rule: "table military-cpl v2025.1 row M01", Table: "Military training to Sierra Vista CC credit (JST/ACE, sample)",
		Conditions: "ACE recommendation of at least 6 semester hours at lower-division level, completed from 2019-01-01",
		Approved:   "Approved by EMS faculty discipline and Articulation Officer, Sierra Vista CC on 20 May 2025", Parsed: true}
	ems.Explanation = ""
	if ems != want {
		t.Errorf("credit\n got %+v\nwant %+v", ems, want)
	}
	if len(vm.Checks) != 6 {
		t.Errorf("%d checks, want 6", len(vm.Checks))
	}
	for _, c := range vm.Checks {
		if !c.OK {
			t.Errorf("check %+v failed", c)
		}
	}
	if len(vm.Portfolios) != 1 || vm.Portfolios[0] != sample.PortfolioName {
		t.Errorf("portfolios %v", vm.Portfolios)
	}
	if len(vm.Skills) == 0 || len(vm.Dates) < 4 {
		t.Errorf("skills %v, dates %v", vm.Skills, vm.Dates)
	}

	rev, err := LoadDetail(ctx, s, info.Credentials[sample.Revoked])
	if err != nil {
		t.Fatal(err)
	}
	if rev.Badge.Kind != BadgeRevoked || rev.NoCredit == "" {
		t.Errorf("revoked: badge %+v, no-credit %q", rev.Badge, rev.NoCredit)
	}
	var failed []string
	for _, c := range rev.Checks {
		if !c.OK {
			failed = append(failed, c.Name+": "+c.Detail)
		}
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "revoked") {
		t.Errorf("revoked record's failed checks: %v", failed)
	}
	un, err := LoadDetail(ctx, s, info.Credentials[sample.Untrusted])
	if err != nil {
		t.Fatal(err)
	}
	if un.TrustOK || !strings.Contains(un.Trust, "Not in your trusted registries") {
		t.Errorf("untrusted issuer: %q", un.Trust)
	}
	if _, err := LoadDetail(ctx, s, 9999); !errors.Is(err, wallet.ErrNotFound) {
		t.Errorf("no such record: %v", err)
	}
}

// Every explanation the sample tables write, for every sample learner,
// reads into its parts: the detail screen's credit fields follow the
// engine's sentences.
func TestParseExplanation(t *testing.T) {
	set, err := samples.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := set.Engine()
	if err != nil {
		t.Fatal(err)
	}
	var n, cid int
	for _, l := range set.Learners {
		recs := set.RecordsOf(l.ID)
		for _, m := range eng.MapLearner(recs, transcript.MustDate("2026-09-01")) {
			for _, g := range m.Grants {
				n++
				e := parseExplanation(g.Explanation)
				if !e.OK || e.Units != g.Course.Units || e.CID != g.Course.CID || e.College != g.Course.College ||
					e.Rule != g.Rule.String() || e.Authority != g.Authority || e.Approved != g.Approved.String() {
					t.Errorf("%q\nread as %+v", g.Explanation, e)
				}
				if e.CID != "" {
					cid++
				}
			}
		}
	}
	if n == 0 || cid == 0 {
		t.Fatalf("%d grants, %d with a C-ID: the samples should have both", n, cid)
	}
	if e := parseExplanation("Granted because the registrar said so."); e.OK {
		t.Errorf("a free-form explanation read as %+v", e)
	}
}

func TestShareAndDelete(t *testing.T) {
	ctx := context.Background()
	s, info := openSample(t)
	name, data, err := ShareFile(ctx, s, info.Credentials[sample.Medic])
	if err != nil {
		t.Fatal(err)
	}
	if name != "combat-medic-specialist.json" || !strings.HasPrefix(string(data), "{") {
		t.Errorf("share: %q, %.20q", name, data)
	}
	if err := DeleteRecord(ctx, s, info.Credentials[sample.Medic]); !errors.Is(err, ErrInPortfolio) {
		t.Errorf("deleting a record in a portfolio: %v", err)
	}
	if err := DeleteRecord(ctx, s, info.Credentials[sample.Stale]); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDetail(ctx, s, info.Credentials[sample.Stale]); !errors.Is(err, wallet.ErrNotFound) {
		t.Errorf("deleted record: %v", err)
	}
}

// Checking again records a fresh verification: the stale record reads
// verified again.
func TestRecheck(t *testing.T) {
	ctx := context.Background()
	s, info := openSample(t)
	id := info.Credentials[sample.Stale]
	if err := Recheck(ctx, s, id); err != nil {
		t.Fatal(err)
	}
	vm, err := LoadDetail(ctx, s, id)
	if err != nil {
		t.Fatal(err)
	}
	if vm.Badge.Kind != BadgeVerified {
		t.Errorf("after checking again: %+v", vm.Badge)
	}
}
