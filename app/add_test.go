package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sample"
)

func TestAddVM(t *testing.T) {
	ctx := context.Background()
	s, info := openSample(t)
	// Records the learner had deleted come back as files.
	raw := rawOf(t, s, info.Credentials[sample.Stale])
	other := rawOf(t, s, info.Credentials[sample.Apprenticeship])
	for _, rec := range []string{sample.Stale, sample.Apprenticeship} {
		if err := DeleteRecord(ctx, s, info.Credentials[rec]); err != nil {
			t.Fatal(err)
		}
	}
	vm := NewAddVM(s, nil)

	r, err := vm.Import(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK || r.ID == 0 || r.Title != "Human Anatomy" || r.Badge.Kind != BadgeVerified {
		t.Errorf("import: %+v", r)
	}
	dup, err := vm.Import(ctx, raw)
	if err != nil || dup.OK || dup.Duplicate != r.ID || dup.CanKeep {
		t.Errorf("import again: %+v, %v; want a duplicate of %d", dup, err, r.ID)
	}

	tampered := bytes.Replace(other, []byte("OSHA 30-Hour"), []byte("OSHA 300-Hour"), 1)
	if bytes.Equal(tampered, other) {
		t.Fatal("the test did not change the record")
	}
	bad, err := vm.Import(ctx, tampered)
	if err != nil {
		t.Fatal(err)
	}
	if bad.OK || !bad.CanKeep || !strings.Contains(bad.Reason, "Signature") {
		t.Errorf("tampered: %+v; want refused, keepable, the signature named", bad)
	}
	kept, err := vm.KeepRefused(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !kept.OK || kept.Badge.Kind != BadgeNotVerified {
		t.Errorf("kept: %+v", kept)
	}
	if _, err := vm.KeepRefused(ctx); err == nil {
		t.Error("kept the same refused record twice")
	}

	junk, err := vm.Import(ctx, []byte("this is not a credential"))
	if err != nil || junk.OK || junk.CanKeep || !strings.Contains(junk.Reason, "not a record Satchel can read") {
		t.Errorf("junk: %+v, %v", junk, err)
	}
}

func TestAddText(t *testing.T) {
	ctx := context.Background()
	s, info := openSample(t)
	raw := rawOf(t, s, info.Credentials[sample.Stale])
	if err := DeleteRecord(ctx, s, info.Credentials[sample.Stale]); err != nil {
		t.Fatal(err)
	}
	var fetched string
	vm := NewAddVM(s, func(_ context.Context, u string) ([]byte, error) {
		fetched = u
		return raw, nil
	})
	for _, tc := range []struct {
		name, text string
		ok         bool
		err        error
	}{
		{"fail/empty", "   ", false, ErrNotALink},
		{"fail/words", "my anatomy course", false, ErrNotALink},
		{"fail/ftp", "ftp://example.org/x.json", false, ErrNotALink},
		{"fail/offer", "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example%2Fo%2F1", false, ErrIsOffer},
		{"ok/link", "https://records.example/anatomy.json", true, nil},
		{"ok/pasted-json-duplicate", "  " + string(raw) + "\n", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := vm.ImportText(ctx, tc.text)
			if !errors.Is(err, tc.err) || r.OK != tc.ok {
				t.Errorf("%+v, %v; want ok %v, error %v", r, err, tc.ok, tc.err)
			}
		})
	}
	if fetched != "https://records.example/anatomy.json" {
		t.Errorf("fetched %q", fetched)
	}
}

// offerLink is an offer by value from an issuer at iss.
func offerLink(iss string, txCode bool) string {
	grant := map[string]any{"pre-authorized_code": "code-for-the-test"}
	if txCode {
		grant["tx_code"] = map[string]any{"input_mode": "numeric", "length": 6}
	}
	b, _ := json.Marshal(map[string]any{"credential_issuer": iss, "credential_configuration_ids": []string{"OpenBadgeCredential_ldp_vc"},
		"grants": map[string]any{"urn:ietf:params:oauth:grant-type:pre-authorized_code": grant}})
	return "openid-credential-offer://?credential_offer=" + url.QueryEscape(string(b))
}

// TestAcceptOffer: a malformed offer or a missing code is said so; an
// institution that cannot be reached leaves the offer in the wallet's
// queue, to be received when the network is back. (The wallet package
// tests receiving from a real issuer service.)
func TestAcceptOffer(t *testing.T) {
	ctx := context.Background()
	s, _ := openSample(t)
	vm := NewAddVM(s, nil)
	vm.Net.LoopbackHTTP = true
	// Port 1 on this machine: nothing listens there.
	down := "http://localhost:1"
	for _, tc := range []struct {
		name, link, code string
		err              error
	}{
		{"fail/not an offer", "openid-credential-offer://x", "", wallet.ErrBadOffer},
		{"fail/needs its code", offerLink(down, true), "", ErrNeedsCode},
		{"fail/code of the wrong shape", offerLink(down, true), "12ab", wallet.ErrBadOffer},
		{"fail/https only by default", offerLink("http://issuer.example", false), "", wallet.ErrBadOffer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := vm.AcceptOffer(ctx, tc.link, tc.code); !errors.Is(err, tc.err) {
				t.Fatalf("%v, want %v", err, tc.err)
			}
		})
	}
	r, err := vm.AcceptOffer(ctx, offerLink(down, true), "123456")
	if err != nil || !r.Queued || len(r.Records) != 0 {
		t.Fatalf("an unreachable institution: %+v, %v", r, err)
	}
	acts, err := s.Store().PendingActions(ctx, 10)
	if err != nil || len(acts) != 1 || acts[0].Kind != wallet.ActionRedeemOffer {
		t.Fatalf("queue: %+v, %v", acts, err)
	}
}

func TestIsCompactJWS(t *testing.T) {
	for s, want := range map[string]bool{
		"eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln":          true,
		"eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln~WyJ4In0~": true,
		"a.b":                       false,
		"https://example.org/a.b.c": false,
		"a b.c.d":                   false,
	} {
		if got := isCompactJWS(s); got != want {
			t.Errorf("isCompactJWS(%q) = %v", s, got)
		}
	}
}
