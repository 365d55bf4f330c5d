package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/status"
)

// SettingTrust is the setting that holds the learner's trusted registries:
// a JSON list of registries ({"name", "issuers"}), at most MaxTextBytes.
const SettingTrust = "trust.registries"

// TrustedRegistries returns the registries the learner loaded, by name.
// None loaded is an empty list, not an error.
func TrustedRegistries(ctx context.Context, st Ops) ([]verifier.Registry, error) {
	raw, err := st.Setting(ctx, SettingTrust)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("trusted registries: %w", err)
	}
	var list []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, fmt.Errorf("trusted registries: %w", err)
	}
	out := make([]verifier.Registry, 0, len(list))
	for i, r := range list {
		reg, err := verifier.ParseRegistry(r, "")
		if err != nil {
			return nil, fmt.Errorf("trusted registries[%d]: %w", i, err)
		}
		out = append(out, *reg)
	}
	return out, nil
}

// AddTrustedRegistry parses a registry file and keeps it, replacing a
// registry of the same name; fallbackName names a bare list of issuers.
// Nothing is kept when the file is not a registry or the registries would
// not fit in the setting.
func AddTrustedRegistry(ctx context.Context, st Store, raw []byte, fallbackName string) (verifier.Registry, error) {
	reg, err := verifier.ParseRegistry(raw, fallbackName)
	if err != nil {
		return verifier.Registry{}, err
	}
	err = st.Tx(ctx, func(tx Ops) error {
		regs, err := TrustedRegistries(ctx, tx)
		if err != nil {
			return err
		}
		kept := regs[:0]
		for _, r := range regs {
			if r.Name != reg.Name {
				kept = append(kept, r)
			}
		}
		return putRegistries(ctx, tx, append(kept, *reg))
	})
	if err != nil {
		return verifier.Registry{}, err
	}
	return *reg, nil
}

// RemoveTrustedRegistry forgets the registry of that name (ErrNotFound when
// there is none).
func RemoveTrustedRegistry(ctx context.Context, st Store, name string) error {
	return st.Tx(ctx, func(tx Ops) error {
		regs, err := TrustedRegistries(ctx, tx)
		if err != nil {
			return err
		}
		kept := regs[:0]
		for _, r := range regs {
			if r.Name != name {
				kept = append(kept, r)
			}
		}
		if len(kept) == len(regs) {
			return fmt.Errorf("trusted registry %q: %w", name, ErrNotFound)
		}
		return putRegistries(ctx, tx, kept)
	})
}

func putRegistries(ctx context.Context, tx Ops, regs []verifier.Registry) error {
	sort.Slice(regs, func(i, j int) bool { return regs[i].Name < regs[j].Name })
	b, err := json.Marshal(regs)
	if err != nil {
		return err
	}
	if err := CheckText("trusted registries", string(b)); err != nil {
		return fmt.Errorf("%w: the trusted registries would take %d bytes", err, len(b))
	}
	return tx.SetSetting(ctx, SettingTrust, string(b))
}

// OfflineVerifier is what the wallet verifies with when it is offline: the
// DID documents and status lists in its cache, and its trusted registries
// merged into one (nil when none is loaded, so trust is not checked).
func OfflineVerifier(ctx context.Context, st Ops) (verifier.Options, error) {
	dids, err := cachedDIDs(ctx, st)
	if err != nil {
		return verifier.Options{}, err
	}
	lists := status.NewCache()
	sl, err := st.CachedAll(ctx, CacheStatusList)
	if err != nil {
		return verifier.Options{}, err
	}
	for _, l := range sl {
		lists.Add(l.Key, l.Data, l.FetchedAt)
	}
	trust, err := Trust(ctx, st)
	if err != nil {
		return verifier.Options{}, err
	}
	return verifier.Options{DIDs: dids, StatusLists: lists, Trust: trust}, nil
}

// cachedDIDs is a resolver over the DID documents in the wallet's cache.
func cachedDIDs(ctx context.Context, st Ops) (*did.Local, error) {
	dids := did.NewCache()
	docs, err := st.CachedAll(ctx, CacheDIDDocument)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if _, err := dids.Add(d.Data, d.FetchedAt); err != nil {
			return nil, fmt.Errorf("cached DID document %s: %w", d.Key, err)
		}
	}
	return &did.Local{Cache: dids}, nil
}

// Trust is the wallet's trusted registries merged into one, or nil when
// none is loaded (trust is then not checked). It reads only the registries:
// what a list of records needs to show "issuer not recognised".
func Trust(ctx context.Context, st Ops) (*verifier.Registry, error) {
	regs, err := TrustedRegistries(ctx, st)
	if err != nil || len(regs) == 0 {
		return nil, err
	}
	return mergeRegistries(regs)
}

// mergeRegistries makes one registry of several: an issuer listed by two
// keeps the first registry's entry.
func mergeRegistries(regs []verifier.Registry) (*verifier.Registry, error) {
	var names []string
	var issuers []verifier.TrustedIssuer
	seen := map[string]bool{}
	for _, r := range regs {
		names = append(names, r.Name)
		for _, is := range r.Issuers {
			if !seen[is.ID] {
				seen[is.ID] = true
				issuers = append(issuers, is)
			}
		}
	}
	if issuers == nil {
		issuers = []verifier.TrustedIssuer{}
	}
	b, err := json.Marshal(verifier.Registry{Name: strings.Join(names, " + "), Issuers: issuers})
	if err != nil {
		return nil, err
	}
	return verifier.ParseRegistry(b, "")
}

// Recheck verifies a stored credential again with the wallet's verifier
// settings and records the outcome (verified or failed, the time and the
// report). The credential returned carries the new status.
func (w *Wallet) Recheck(ctx context.Context, id int64) (Credential, verifier.Report, error) {
	return w.recheckWith(ctx, id, w.Verifier)
}

func (w *Wallet) recheckWith(ctx context.Context, id int64, vo verifier.Options) (Credential, verifier.Report, error) {
	c, err := w.Store.Credential(ctx, id)
	if err != nil {
		return Credential{}, verifier.Report{}, fmt.Errorf("recheck %d: %w", id, err)
	}
	vo.Now = w.now()
	rep, err := verifier.Verify(ctx, c.Raw, vo)
	if err != nil {
		return Credential{}, rep, fmt.Errorf("recheck %d: %w: %v", id, ErrUnreadable, err)
	}
	report, err := json.Marshal(rep)
	if err != nil {
		return Credential{}, rep, err
	}
	v := Verification{Status: StatusVerified, At: vo.Now, Report: report}
	if !rep.Verified {
		v.Status = StatusFailed
	}
	if err := w.Store.SetVerification(ctx, id, v); err != nil {
		return Credential{}, rep, fmt.Errorf("recheck %d: %w", id, err)
	}
	c.Status, c.VerifiedAt, c.Report = v.Status, v.At.UTC(), report
	return c, rep, nil
}
