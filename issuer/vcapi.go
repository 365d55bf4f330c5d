package issuer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/verifier"
)

// IssueDocument signs a credential an institution sends whole (the W3C
// VC-API's POST /credentials/issue). The service sets what it vouches for:
// the issuer (the institution's DID; naming another institution is
// ErrForbidden), an id when there is none, the issue date, and status
// entries — one revocation entry for an Open Badges 3.0 or CLR 2.0
// credential (their schemas allow one), revocation and suspension for
// others. It is signed in the institution's format, checked by the
// verifier, and stored so it can be revoked.
func (s *Service) IssueDocument(ctx context.Context, a Actor, doc map[string]any) (Credential, error) {
	if !a.Admin && a.Institution == "" {
		return Credential{}, ErrUnauthorized
	}
	iss := issuerID(doc["issuer"])
	slug := a.Institution
	if iss != "" {
		named, ok := strings.CutPrefix(iss, s.did+":institutions:")
		switch {
		case !ok:
			return Credential{}, fmt.Errorf("%w: issuer %q is not an institution of this service", ErrInvalid, clip(iss))
		case a.Admin:
			slug = named
		case named != a.Institution:
			return Credential{}, fmt.Errorf("%w: this token belongs to %s and cannot issue as %s", ErrForbidden, a.Institution, clip(iss))
		}
	}
	if slug == "" {
		return Credential{}, fmt.Errorf("%w: the administrator must name the issuing institution in issuer", ErrInvalid)
	}
	row, _, err := s.institution(ctx, a, slug)
	if err != nil {
		return Credential{}, err
	}
	if _, ok := doc["proof"]; ok {
		return Credential{}, fmt.Errorf("%w: send the credential without a proof", ErrInvalid)
	}
	if _, ok := doc["credentialStatus"]; ok {
		return Credential{}, fmt.Errorf("%w: credentialStatus is the service's to set", ErrInvalid)
	}
	if p, ok := doc["issuer"].(map[string]any); ok {
		p["id"] = row.DID
	} else {
		doc["issuer"] = row.DID
	}
	if id, _ := doc["id"].(string); id == "" {
		if doc["id"], err = s.newURN(); err != nil {
			return Credential{}, err
		}
	}
	id, _ := doc["id"].(string)
	if _, err := s.db.Credential(ctx, id); err == nil {
		return Credential{}, fmt.Errorf("%w: a credential with id %s exists", ErrConflict, clip(id))
	} else if !errors.Is(err, store.ErrNotFound) {
		return Credential{}, storeErr("credential "+clip(id), err)
	}
	now := s.now()
	vc11 := hasContext(doc, transcript.ContextVC11)
	if vc11 {
		if _, ok := doc["issuanceDate"]; !ok {
			doc["issuanceDate"] = now.Format(timeFormat)
		}
	} else if _, ok := doc["validFrom"]; !ok {
		doc["validFrom"] = now.Format(timeFormat)
	}
	purposes := []string{store.PurposeRevocation, store.PurposeSuspension}
	if hasType(doc, "AchievementCredential", "OpenBadgeCredential", "ClrCredential") {
		purposes = purposes[:1]
	}
	var entries []store.StatusEntry
	var status []any
	for _, p := range purposes {
		e, err := s.allocate(ctx, slug, p, 1)
		if err != nil {
			return Credential{}, err
		}
		entries = append(entries, e...)
		st, err := toMap(s.statusEntry(e[0]))
		if err != nil {
			return Credential{}, err
		}
		status = append(status, st)
	}
	if len(status) == 1 {
		doc["credentialStatus"] = status[0]
	} else {
		doc["credentialStatus"] = status
	}
	if vc11 && !hasContext(doc, "https://www.w3.org/ns/credentials/status/v1") {
		return Credential{}, fmt.Errorf("%w: a VC 1.1 credential needs the https://www.w3.org/ns/credentials/status/v1 context for its status entries; use VC 2.0", ErrInvalid)
	}
	signed, err := s.secure(ctx, slug, row.DID, row.Format, doc, now)
	if err != nil {
		return Credential{}, err
	}
	c := store.Credential{ID: id, Institution: slug, Kind: store.KindDocument, Format: row.Format, Body: signed, Status: entries, Issued: now}
	err = s.db.Tx(ctx, func(ops store.Ops) error {
		if err := ops.AddCredential(ctx, c); err != nil {
			return err
		}
		return s.audit(ctx, ops, a, "credential.issue", slug, id, "VC-API document")
	})
	if err != nil {
		return Credential{}, storeErr("store credential", err)
	}
	return view(c), nil
}

func issuerID(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		id, _ := x["id"].(string)
		return id
	}
	return ""
}

func hasContext(doc map[string]any, want string) bool {
	switch c := doc["@context"].(type) {
	case string:
		return c == want
	case []any:
		for _, x := range c {
			if x == want {
				return true
			}
		}
	}
	return false
}

func hasType(doc map[string]any, want ...string) bool {
	types, _ := doc["type"].([]any)
	for _, t := range types {
		for _, w := range want {
			if t == w {
				return true
			}
		}
	}
	return false
}

// VerifyDocument verifies a credential or presentation with the service's
// own DID documents and status lists (the VC-API's POST
// /credentials/verify). Nothing is fetched.
func (s *Service) VerifyDocument(ctx context.Context, raw []byte) (verifier.Report, error) {
	return verifier.Verify(ctx, raw, s.verifyOptions(s.now()))
}

// Audit returns an institution's audit log, newest first (the
// administrator may read every institution's, with slug "").
func (s *Service) Audit(ctx context.Context, a Actor, slug string, limit int) ([]store.AuditEntry, error) {
	if slug == "" && !a.Admin {
		return nil, a.may("")
	}
	if slug != "" {
		if _, _, err := s.institution(ctx, a, slug); err != nil {
			return nil, err
		}
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return s.db.AuditLog(ctx, slug, limit)
}

// Healthy checks that the database answers.
func (s *Service) Healthy(ctx context.Context) error { return s.db.Ping(ctx) }
