package issuer

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/verifier/status"
)

// A list takes new entries until half its indices are reserved: random
// indices in a half-empty list are found in about two tries, and the set
// bits of a sparse list say little about who holds which credential.
const listFill = 2

// allocate reserves n random indices in the institution's current list of
// a purpose, starting a new list when it is too full. Reserved indices that
// are never used (the batch fails later) stay unset, which is harmless.
func (s *Service) allocate(ctx context.Context, slug, purpose string, n int) ([]store.StatusEntry, error) {
	if n == 0 {
		return nil, nil
	}
	list, err := s.currentList(ctx, slug, purpose, int64(n))
	if err != nil {
		return nil, err
	}
	var got []int64
	for tries := 0; len(got) < n; tries++ {
		if tries == 64 {
			return nil, fmt.Errorf("status list %s: could not reserve %d free indices", list.ID, n)
		}
		want := n - len(got)
		cands := make([]int64, 2*want)
		var b [8]byte
		for i := range cands {
			if _, err := io.ReadFull(s.cfg.Rand, b[:]); err != nil {
				return nil, fmt.Errorf("randomness: %w", err)
			}
			cands[i] = int64(binary.BigEndian.Uint64(b[:]) % uint64(list.Size))
		}
		r, err := s.db.ReserveIndices(ctx, list.ID, cands)
		if err != nil {
			return nil, storeErr("reserve status indices", err)
		}
		if len(r) > want {
			r = r[:want] // the extra ones stay reserved and unused
		}
		got = append(got, r...)
	}
	out := make([]store.StatusEntry, n)
	for i, idx := range got {
		out[i] = store.StatusEntry{List: list.ID, Purpose: purpose, Index: idx}
	}
	return out, nil
}

// currentList returns the list new entries go to, making one when needed.
func (s *Service) currentList(ctx context.Context, slug, purpose string, n int64) (store.StatusList, error) {
	for attempt := 0; attempt < 3; attempt++ {
		lists, err := s.db.StatusLists(ctx, slug, purpose)
		if err != nil {
			return store.StatusList{}, storeErr("status lists", err)
		}
		if k := len(lists); k > 0 && (lists[k-1].Reserved+n)*listFill <= lists[k-1].Size {
			return lists[k-1], nil
		}
		l := store.StatusList{
			ID: fmt.Sprintf("%s-%s-%d", slug, purpose, len(lists)+1), Institution: slug, Purpose: purpose,
			Size: s.cfg.ListSize, Created: s.now(),
		}
		if n*listFill > l.Size {
			return store.StatusList{}, fmt.Errorf("%w: %d credentials at once is more than a status list takes", ErrInvalid, n)
		}
		err = s.db.AddStatusList(ctx, l)
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, store.ErrDuplicate) {
			return store.StatusList{}, storeErr("new status list", err)
		}
		// Another instance made it first: read again.
	}
	return store.StatusList{}, errors.New("status lists: could not settle on a list")
}

// listURL is where a status list credential is served.
func (s *Service) listURL(id string) string { return s.base.String() + "/status/" + id }

// statusEntry is the credentialStatus a credential carries for an entry.
func (s *Service) statusEntry(e store.StatusEntry) *transcript.Status {
	u := s.listURL(e.List)
	return &transcript.Status{
		ID: u + "#" + strconv.FormatInt(e.Index, 10), Type: status.TypeBitstringEntry, StatusPurpose: e.Purpose,
		StatusListIndex: strconv.FormatInt(e.Index, 10), StatusListCredential: u,
	}
}

// listCopy is the newest signed list credential of a list this process
// has seen, kept so serving and self-checks do not read 20 KB rows.
type listCopy struct {
	version int64
	body    []byte
}

// StatusListCredential returns the signed status list credential of a
// list, re-signing it first when a bit changed since it was last signed.
// The second result is the list's version (for ETags).
func (s *Service) StatusListCredential(ctx context.Context, id string) ([]byte, int64, error) {
	l, err := s.db.StatusList(ctx, id)
	if err != nil {
		return nil, 0, storeErr("status list "+clip(id), err)
	}
	if c, ok := s.lists.Load(id); ok && c.(listCopy).version == l.Version {
		return c.(listCopy).body, l.Version, nil
	}
	body, version, err := s.db.ListCredential(ctx, id)
	if err == nil && version == l.Version {
		s.lists.Store(id, listCopy{version, body})
		return body, version, nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, 0, storeErr("status list "+id, err)
	}
	return s.signList(ctx, l)
}

// signList signs a list as it stands now.
func (s *Service) signList(ctx context.Context, l store.StatusList) ([]byte, int64, error) {
	row, err := s.db.Institution(ctx, l.Institution)
	if err != nil {
		return nil, 0, storeErr("status list "+l.ID, err)
	}
	set, version, err := s.db.SetIndices(ctx, l.ID)
	if err != nil {
		return nil, 0, storeErr("status list "+l.ID, err)
	}
	bits := status.NewBitstring(int(l.Size))
	for _, i := range set {
		if err := status.Set(bits, uint64(i), true); err != nil {
			return nil, 0, fmt.Errorf("status list %s: %w", l.ID, err)
		}
	}
	u := s.listURL(l.ID)
	subject, err := status.ListSubject(u+"#list", l.Purpose, bits)
	if err != nil {
		return nil, 0, err
	}
	owner, issuerDID, err := s.listSigner(ctx, row)
	if err != nil {
		return nil, 0, err
	}
	now := s.now()
	doc := map[string]any{
		"@context": []any{transcript.ContextVC2},
		"id":       u,
		"type":     []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":   issuerDID,
		// Valid since the list began: a credential issued a moment before
		// this signing must not find its list "not yet valid".
		"validFrom":         l.Created.Format(timeFormat),
		"credentialSubject": subject,
	}
	body, err := s.secure(ctx, owner, issuerDID, FormatDI, doc, now)
	if err != nil {
		return nil, 0, err
	}
	if err := s.db.PutListCredential(ctx, l.ID, version, body, now); err != nil {
		return nil, 0, storeErr("store status list "+l.ID, err)
	}
	s.lists.Store(l.ID, listCopy{version, body})
	return body, version, nil
}

// Status purposes an institution can set on a credential.
const (
	Revoke    = store.PurposeRevocation
	Suspend   = store.PurposeSuspension
	Unsuspend = "unsuspend"
)

// SetStatus revokes, suspends or unsuspends a credential of an institution,
// with every copy delivered of the same record (a learner's DID-bound copy
// goes with the original), and re-signs the lists concerned. Revocation is
// final.
func (s *Service) SetStatus(ctx context.Context, a Actor, slug, id, action, reason string) (Credential, error) {
	if _, _, err := s.institution(ctx, a, slug); err != nil {
		return Credential{}, err
	}
	if len(reason) > 1000 {
		return Credential{}, fmt.Errorf("%w: a reason is at most 1000 bytes", ErrInvalid)
	}
	purpose, on := action, true
	switch action {
	case Revoke, Suspend:
	case Unsuspend:
		purpose, on = Suspend, false
	default:
		return Credential{}, fmt.Errorf("%w: status action %q: want revocation, suspension or unsuspend", ErrInvalid, clip(action))
	}
	c, err := s.db.Credential(ctx, id)
	if err != nil || c.Institution != slug {
		// Another institution's credential is reported as missing: its
		// existence is not this caller's business.
		return Credential{}, fmt.Errorf("%w: credential %s of %s", ErrNotFound, clip(id), slug)
	}
	if purpose == Suspend && on && c.Revoked() {
		return Credential{}, fmt.Errorf("%w: credential %s is revoked already", ErrConflict, id)
	}
	family := []store.Credential{c}
	if c.Record != "" {
		family, err = s.db.Credentials(ctx, store.CredentialQuery{Institution: slug, Record: c.Record, Learner: c.Learner})
		if err != nil {
			return Credential{}, storeErr("credentials of record "+c.Record, err)
		}
	}
	touched := map[string]bool{}
	now := s.now()
	err = s.db.Tx(ctx, func(ops store.Ops) error {
		changed := false
		for _, f := range family {
			for _, e := range f.Status {
				if e.Purpose != purpose {
					continue
				}
				if err := ops.SetStatus(ctx, f.ID, purpose, on, reason, now); err != nil {
					return err
				}
				touched[e.List] = true
				changed = true
				if err := s.audit(ctx, ops, a, "credential."+action, slug, f.ID, reason); err != nil {
					return err
				}
			}
		}
		if !changed {
			return fmt.Errorf("%w: credential %s has no %s entry (an Open Badges 3.0 credential carries one status entry, for revocation)", ErrConflict, id, purpose)
		}
		return nil
	})
	if err != nil {
		return Credential{}, storeErr(action+" "+id, err)
	}
	for list := range touched {
		l, err := s.db.StatusList(ctx, list)
		if err != nil {
			return Credential{}, storeErr("status list "+list, err)
		}
		if _, _, err := s.signList(ctx, l); err != nil {
			return Credential{}, err
		}
	}
	s.log.InfoContext(ctx, "credential status changed", "institution", slug, "credential", id, "action", action, "request", a.Request)
	return s.Credential(ctx, a, slug, id)
}
