package wallet_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/wallet"
)

func TestSearchTerms(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"ok/words", "EMS 101 Emergency", []string{"ems", "101", "emergency"}},
		{"ok/punctuation-separates", `"combat-medic" (AR-0709-0058)*`, []string{"combat", "medic", "ar", "0709", "0058"}},
		{"ok/accents-kept-for-the-index-to-fold", "Enfermería", []string{"enfermería"}},
		{"ok/combining-mark-stays-in-its-word", "Enfermeri\u0301a", []string{"enfermeri\u0301a"}},
		{"ok/nothing", `  *"():^- `, nil},
		{"ok/capped", strings.Repeat("a ", wallet.MaxTerms+5), strings.Fields(strings.Repeat("a ", wallet.MaxTerms))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, wallet.SearchTerms(tt.text)); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := wallet.Credential{Raw: []byte("{}"), Entry: wallet.Entry{Kind: wallet.KindMilitary, Status: wallet.StatusVerified}}
	tests := []struct {
		name string
		err  error
	}{
		{"ok/credential", ok.Validate()},
		{"ok/verification", wallet.Verification{Status: wallet.StatusFailed}.Validate()},
		{"ok/cached", wallet.Cached{Kind: wallet.CacheStatusList, Key: "https://x", Data: []byte("{}")}.Validate()},
		{"ok/action", wallet.Action{Kind: "status-refresh"}.Validate()},
		{"ok/query", wallet.Query{Kind: wallet.KindApprenticeship, Limit: wallet.MaxLimit}.Check()},
		{"fail/kind", (&wallet.Credential{Raw: []byte("{}"), Entry: wallet.Entry{Kind: "College", Status: wallet.StatusVerified}}).Validate()},
		{"fail/status", wallet.Verification{Status: "Verified"}.Validate()},
		{"fail/cache-kind", wallet.Cached{Kind: "jwks", Key: "k", Data: []byte("x")}.Validate()},
		{"fail/holder-key", wallet.HolderKey{DID: "did:key:z"}.Validate()},
		{"fail/query-limit", wallet.Query{Limit: -1}.Check()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.HasPrefix(tt.name, "ok/") != (tt.err == nil) {
				t.Fatalf("error %v", tt.err)
			}
			if tt.err != nil && !errors.Is(tt.err, wallet.ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", tt.err)
			}
		})
	}
}

func TestDuplicateError(t *testing.T) {
	var err error = &wallet.DuplicateError{ID: 7, Same: "id"}
	if !errors.Is(err, wallet.ErrDuplicate) || err.Error() != "credential already in the wallet as #7 (same id)" {
		t.Errorf("%v", err)
	}
}
