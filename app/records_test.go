package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sample"
)

func TestLoadRecords(t *testing.T) {
	ctx := context.Background()
	s, info := openSample(t)
	vm, err := LoadRecords(ctx, s, RecordsQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if vm.Total != len(info.Credentials) || vm.Count != vm.Total {
		t.Errorf("total %d, count %d; the wallet holds %d", vm.Total, vm.Count, len(info.Credentials))
	}
	var order []wallet.Kind
	cards := map[int64]Card{}
	for _, g := range vm.Groups {
		order = append(order, g.Kind)
		for _, c := range g.Cards {
			cards[c.ID] = c
			if c.Kind != g.Kind {
				t.Errorf("%s (%s) in the %s group", c.Title, c.Kind, g.Kind)
			}
			if c.Issuer == "" || c.Initials == "" || c.Date == "" || c.Badge.Text == "" {
				t.Errorf("card %+v lacks issuer, initials, date or badge", c)
			}
		}
	}
	want := []wallet.Kind{wallet.KindCollege, wallet.KindAdultSchool, wallet.KindApprenticeship, wallet.KindMilitary}
	if strings.Join(kindStrings(order), ",") != strings.Join(kindStrings(want), ",") {
		t.Errorf("groups %v, want %v", order, want)
	}
	for rec, badge := range map[string]BadgeKind{
		sample.Medic:     BadgeVerified,
		sample.Revoked:   BadgeRevoked,
		sample.Stale:     BadgeStale,
		sample.Untrusted: BadgeUntrusted,
	} {
		c := cards[info.Credentials[rec]]
		if c.Badge.Kind != badge {
			t.Errorf("%s: badge %+v, want kind %d", rec, c.Badge, badge)
		}
	}
	if c := cards[info.Credentials[sample.Stale]]; !strings.Contains(c.Badge.Text, "Not checked since") {
		t.Errorf("stale badge reads %q", c.Badge.Text)
	}
	if c := cards[info.Credentials[sample.Medic]]; c.Credit != "6 units of college credit" || c.Initials != "JS" {
		t.Errorf("medic card: credit %q, initials %q", c.Credit, c.Initials)
	}
	if len(vm.Skills) == 0 {
		t.Error("no skills for the filter")
	}

	for _, tc := range []struct {
		name  string
		q     RecordsQuery
		count int
	}{
		{"ok/text", RecordsQuery{Text: "combat medic"}, 3},
		{"ok/text-course", RecordsQuery{Text: "EMS 101"}, 1},
		{"ok/kind", RecordsQuery{Kind: wallet.KindMilitary}, 4},
		{"ok/skill", RecordsQuery{Skill: "Emergency Medical Technicians"}, 2},
		{"ok/none", RecordsQuery{Text: "astronaut"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vm, err := LoadRecords(ctx, s, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if vm.Count != tc.count || vm.Total != len(info.Credentials) {
				t.Errorf("count %d (total %d), want %d", vm.Count, vm.Total, tc.count)
			}
		})
	}
}

func kindStrings(ks []wallet.Kind) []string {
	var out []string
	for _, k := range ks {
		out = append(out, string(k))
	}
	return out
}

// A new learner's wallet is empty: the screen says how to add a record.
func TestLoadRecordsEmpty(t *testing.T) {
	s := &Session{Path: t.TempDir() + "/" + WalletFile, KDF: cheap, Now: clock}
	defer s.Close()
	if err := s.Create(context.Background(), passphrase, passphrase); err != nil {
		t.Fatal(err)
	}
	vm, err := LoadRecords(context.Background(), s, RecordsQuery{})
	if err != nil || vm.Total != 0 || len(vm.Groups) != 0 {
		t.Fatalf("%+v, %v", vm, err)
	}
}

func TestBadgeOf(t *testing.T) {
	reg, err := verifier.ParseRegistry([]byte(`{"name":"R","issuers":[{"id":"did:web:known.example","name":"Known"}]}`), "")
	if err != nil {
		t.Fatal(err)
	}
	fresh := now.Add(-time.Hour)
	failed := func(check, detail string) *verifier.Report {
		return &verifier.Report{Checks: []verifier.Check{{Check: "proof", OK: true}, {Check: check, OK: false, Detail: detail}}}
	}
	for _, tc := range []struct {
		name  string
		e     wallet.Entry
		rep   *verifier.Report
		trust *verifier.Registry
		want  BadgeKind
	}{
		{"ok/verified", wallet.Entry{Status: wallet.StatusVerified, VerifiedAt: fresh, IssuerID: "did:web:known.example"}, nil, reg, BadgeVerified},
		{"ok/no-registry", wallet.Entry{Status: wallet.StatusVerified, VerifiedAt: fresh, IssuerID: "did:web:other.example"}, nil, nil, BadgeVerified},
		{"ok/stale", wallet.Entry{Status: wallet.StatusVerified, VerifiedAt: now.Add(-StaleAfter - time.Hour)}, nil, nil, BadgeStale},
		{"ok/unchecked", wallet.Entry{Status: wallet.StatusUnchecked}, nil, nil, BadgeUnchecked},
		{"fail/registry-added-later", wallet.Entry{Status: wallet.StatusVerified, VerifiedAt: fresh, IssuerID: "did:web:other.example"}, nil, reg, BadgeUntrusted},
		{"fail/expired", wallet.Entry{Status: wallet.StatusVerified, VerifiedAt: fresh, ExpiresAt: now.Add(-time.Hour)}, nil, nil, BadgeExpired},
		{"fail/revoked", wallet.Entry{Status: wallet.StatusFailed, VerifiedAt: fresh}, failed("status", "revoked (revocation index 3 of x)"), nil, BadgeRevoked},
		{"fail/untrusted", wallet.Entry{Status: wallet.StatusFailed, VerifiedAt: fresh}, failed("trust", "x is not in R"), reg, BadgeUntrusted},
		{"fail/signature", wallet.Entry{Status: wallet.StatusFailed, VerifiedAt: fresh}, failed("proof", "bad signature"), nil, BadgeNotVerified},
		{"fail/no-status-list", wallet.Entry{Status: wallet.StatusFailed, VerifiedAt: fresh}, failed("status", "not available offline"), nil, BadgeNotVerified},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := BadgeOf(tc.e, tc.rep, tc.trust, now); got.Kind != tc.want || got.Text == "" {
				t.Errorf("badge %+v, want kind %d", got, tc.want)
			}
		})
	}
}

func TestInitials(t *testing.T) {
	for name, want := range map[string]string{
		"Sierra Vista Community College":            "SV",
		"Joint Services Transcript Office (sample)": "JS",
		"Harbor Adult School":                       "HA",
		"The University of Somewhere":               "US",
		"":                                          "?",
		"école":                                     "É",
	} {
		if got := initials(name); got != want {
			t.Errorf("initials(%q) = %q, want %q", name, got, want)
		}
	}
}
