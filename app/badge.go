package app

import (
	"encoding/json"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/wallet"
)

// BadgeKind is what the last verification of a record, and the calendar,
// say about it.
type BadgeKind int

// Badge kinds, from good to bad. Stale is not bad: a wallet that has been
// offline for a while has simply not looked again.
const (
	BadgeVerified BadgeKind = iota
	BadgeStale
	BadgeUnchecked
	BadgeUntrusted
	BadgeExpired
	BadgeNotVerified
	BadgeRevoked
)

// StaleAfter is how long a verification stays fresh: after it, a record
// reads "not checked since …".
const StaleAfter = 30 * 24 * time.Hour

// Badge is a record's verification badge as the screens show it.
type Badge struct {
	Kind BadgeKind
	Text string
}

// Good reports whether the badge is no warning (verified, or verified a
// while ago).
func (b Badge) Good() bool { return b.Kind == BadgeVerified || b.Kind == BadgeStale }

// BadgeOf reads a record's badge from its entry, its last report (nil when
// the wallet did not load it: it is needed only when the last verification
// failed) and the trusted registries in force (nil: none loaded).
func BadgeOf(e wallet.Entry, rep *verifier.Report, trust *verifier.Registry, now time.Time) Badge {
	failed := map[string]string{}
	if rep != nil {
		for _, c := range rep.Checks {
			if !c.OK {
				failed[c.Check] = c.Detail
			}
		}
	}
	status, statusFailed := failed[verifier.CheckStatus]
	switch {
	case statusFailed && (strings.HasPrefix(status, "revoked") || strings.HasPrefix(status, "suspended")):
		return Badge{BadgeRevoked, lang.L("Revoked by the issuer")}
	case !e.ExpiresAt.IsZero() && !now.Before(e.ExpiresAt):
		return Badge{BadgeExpired, lang.L("Expired {{.Date}}", map[string]any{"Date": formatDate(e.ExpiresAt)})}
	}
	if e.Status == wallet.StatusFailed {
		if _, ok := failed[verifier.CheckTrust]; ok && len(failed) == 1 {
			return Badge{BadgeUntrusted, lang.L("Issuer not recognised")}
		}
		if _, ok := failed[verifier.CheckValidity]; ok && len(failed) == 1 {
			return Badge{BadgeExpired, lang.L("Not valid now")}
		}
		return Badge{BadgeNotVerified, lang.L("Not verified")}
	}
	if e.Status == wallet.StatusUnchecked || e.VerifiedAt.IsZero() {
		return Badge{BadgeUnchecked, lang.L("Not checked yet")}
	}
	if trust != nil {
		if _, ok := trust.Lookup(e.IssuerID); !ok {
			return Badge{BadgeUntrusted, lang.L("Issuer not recognised")}
		}
	}
	if now.Sub(e.VerifiedAt) > StaleAfter {
		return Badge{BadgeStale, lang.L("Not checked since {{.Date}}", map[string]any{"Date": formatDate(e.VerifiedAt)})}
	}
	return Badge{BadgeVerified, lang.L("Verified")}
}

// parseReport reads a stored report; a missing or unreadable one is nil.
func parseReport(raw json.RawMessage) *verifier.Report {
	if len(raw) == 0 {
		return nil
	}
	var rep verifier.Report
	if json.Unmarshal(raw, &rep) != nil {
		return nil
	}
	return &rep
}
