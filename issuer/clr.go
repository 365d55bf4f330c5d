package issuer

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/transcript"
)

// IssueCLR issues a CLR 2.0 ClrCredential, the learner's transcript at the
// institution: every record issued to them that is not revoked, each with
// its signed AchievementCredential nested. CLRs nest JSON-LD credentials, so
// they are for institutions that sign with Data Integrity.
func (s *Service) IssueCLR(ctx context.Context, a Actor, slug, learnerID string) (Credential, error) {
	row, in, err := s.institution(ctx, a, slug)
	if err != nil {
		return Credential{}, err
	}
	if row.Format != FormatDI {
		return Credential{}, fmt.Errorf("%w: %s signs VC-JOSE credentials, which a CLR 2.0 transcript cannot nest", ErrConflict, slug)
	}
	lrow, err := s.db.Learner(ctx, slug, learnerID)
	if err != nil {
		return Credential{}, storeErr("learner "+clip(learnerID), err)
	}
	var l transcript.Learner
	if err := json.Unmarshal(lrow.Body, &l); err != nil {
		return Credential{}, fmt.Errorf("stored learner %s: %w", learnerID, err)
	}
	l.DID = lrow.DID
	cs, err := s.db.Credentials(ctx, store.CredentialQuery{Institution: slug, Learner: learnerID, Kind: store.KindAchievement})
	if err != nil {
		return Credential{}, storeErr("credentials of "+learnerID, err)
	}
	// One item per record: the copy bound to the learner's DID when there
	// is one (the CLR's subject is then that DID too), else the original.
	byRecord := map[string]store.Credential{}
	var order []string
	for _, c := range cs {
		if c.Revoked() || c.Suspended() {
			continue
		}
		prev, seen := byRecord[c.Record]
		if !seen {
			order = append(order, c.Record)
		}
		if !seen || (c.Subject != "" && c.Subject == l.DID && prev.Subject != l.DID) {
			byRecord[c.Record] = c
		}
	}
	if len(order) == 0 {
		return Credential{}, fmt.Errorf("%w: %s has no credentials in force to put in a transcript", ErrConflict, learnerID)
	}
	if len(order) > transcript.MaxCLRItems {
		return Credential{}, fmt.Errorf("%w: a transcript holds at most %d records", ErrInvalid, transcript.MaxCLRItems)
	}
	items := make([]transcript.CLRItem, 0, len(order))
	for _, rid := range order {
		c := byRecord[rid]
		var it transcript.CLRItem
		if err := json.Unmarshal(c.RecordBody, &it.Record); err != nil {
			return Credential{}, fmt.Errorf("stored record of %s: %w", c.ID, err)
		}
		if err := json.Unmarshal(c.Mapping, &it.Mapping); err != nil {
			return Credential{}, fmt.Errorf("stored mapping of %s: %w", c.ID, err)
		}
		it.Credential = c.Body
		items = append(items, it)
	}
	entries, err := s.allocate(ctx, slug, store.PurposeRevocation, 1)
	if err != nil {
		return Credential{}, err
	}
	id, err := s.newURN()
	if err != nil {
		return Credential{}, err
	}
	now := s.now()
	clr, err := transcript.BuildCLR(in, l, items, transcript.BuildOptions{ID: id, Issued: now, Envelope: transcript.VC2, Status: s.statusEntry(entries[0])})
	if err != nil {
		return Credential{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	doc, err := toMap(clr)
	if err != nil {
		return Credential{}, err
	}
	signed, err := s.secure(ctx, slug, row.DID, FormatDI, doc, now)
	if err != nil {
		return Credential{}, err
	}
	c := store.Credential{
		ID: id, Institution: slug, Learner: learnerID, Kind: store.KindCLR, Format: FormatDI, Subject: l.DID,
		Body: signed, Status: entries, Issued: now,
	}
	err = s.db.Tx(ctx, func(ops store.Ops) error {
		if err := ops.AddCredential(ctx, c); err != nil {
			return err
		}
		return s.audit(ctx, ops, a, "credential.issue", slug, id, fmt.Sprintf("CLR transcript of %s, %d records", learnerID, len(items)))
	})
	if err != nil {
		return Credential{}, storeErr("store transcript", err)
	}
	return view(c), nil
}
