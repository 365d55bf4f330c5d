package issuer

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/jose"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

// secure signs doc as the institution (or the service, for owner "") in
// the given format, then verifies the result with the verifier, as any
// relying party would: a credential that fails is an ErrSelfCheck and is
// neither stored nor returned.
func (s *Service) secure(ctx context.Context, owner, issuerDID, format string, doc map[string]any, now time.Time) ([]byte, error) {
	signer, _, err := s.activeSigner(ctx, s.db, owner, issuerDID)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return s.secureWith(ctx, signer, format, doc, now)
}

// secureWith is secure with the signer given (a batch looks it up once)
// and, optionally, the signer's DID document as it stood when the batch
// looked the signer up (the self-check then reads no keys).
func (s *Service) secureWith(ctx context.Context, signer proof.Signer, format string, doc map[string]any, now time.Time, pinned ...*did.Document) ([]byte, error) {
	var out []byte
	switch format {
	case FormatJWT:
		token, err := jose.Sign(doc, signer, signer.VerificationMethod(), jose.SignOptions{Rand: s.cfg.Rand})
		if err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
		out = []byte(token)
	default:
		if _, ok := signer.Public().(ed25519.PublicKey); !ok {
			return nil, fmt.Errorf("sign: Data Integrity needs an Ed25519 key")
		}
		signed, err := proof.Sign(ctx, doc, signer, proof.Options{Created: now, Loader: s.cfg.Loader})
		if err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
		if out, err = json.Marshal(signed); err != nil {
			return nil, err
		}
	}
	if err := s.selfCheck(ctx, out, now, pinned...); err != nil {
		return nil, err
	}
	return out, nil
}

// selfCheck verifies what the service just signed.
func (s *Service) selfCheck(ctx context.Context, signed []byte, now time.Time, pinned ...*did.Document) error {
	opt := s.verifyOptions(now)
	if len(pinned) > 0 {
		opt.DIDs = resolver{s: s, pinned: pinned}
	}
	rep, err := verifier.Verify(ctx, signed, opt)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSelfCheck, err)
	}
	if !rep.Verified {
		var failed []string
		for _, c := range rep.Checks {
			if !c.OK {
				failed = append(failed, c.Check+": "+c.Detail)
			}
		}
		failed = append(failed, rep.Errors...)
		return fmt.Errorf("%w: %s", ErrSelfCheck, strings.Join(failed, "; "))
	}
	return nil
}

// verifyOptions are the verifier's world as the service sees it: its own
// DID documents and status lists, straight from the database.
func (s *Service) verifyOptions(now time.Time) verifier.Options {
	return verifier.Options{Now: now, Loader: s.cfg.Loader, DIDs: resolver{s: s}, StatusLists: listSource{s}, Lists: &s.verified}
}

// resolver resolves the service's own DIDs from the database, and did:key
// and did:jwk by computation. Nothing is fetched. Pinned documents are
// answered first: a batch's issuer, read once when the batch began.
type resolver struct {
	s      *Service
	pinned []*did.Document
}

func (r resolver) Resolve(ctx context.Context, id string) (*did.Document, error) {
	for _, d := range r.pinned {
		if d.ID == id {
			return d, nil
		}
	}
	s := r.s
	owner, ok := "", id == s.did
	if rest, found := strings.CutPrefix(id, s.did+":institutions:"); found && slugRE.MatchString(rest) {
		owner, ok = rest, true
	}
	if !ok {
		return (&did.Local{}).Resolve(ctx, id)
	}
	keys, err := s.db.Keys(ctx, owner)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: %s", did.ErrNotFound, id)
	}
	memoKey := fmt.Sprintf("%s\x00%d", id, len(keys))
	if d, ok := s.docs.Load(memoKey); ok {
		return d.(*did.Document), nil
	}
	raw, err := didDocument(id, keys)
	if err != nil {
		return nil, err
	}
	d, err := did.ParseDocument(raw)
	if err != nil {
		return nil, err
	}
	s.docs.Store(memoKey, d)
	return d, nil
}

// listSource hands the verifier the service's own status list credentials.
type listSource struct{ s *Service }

func (l listSource) StatusListCredential(ctx context.Context, url string) ([]byte, error) {
	id, ok := strings.CutPrefix(url, l.s.base.String()+"/status/")
	if !ok {
		return nil, fmt.Errorf("status list %s is not this service's", clip(url))
	}
	body, _, err := l.s.StatusListCredential(ctx, id)
	return body, err
}

// signingOwner is whose key signs an institution's status lists: its own
// when it is Ed25519 (Data Integrity), else the service's, because a status
// list credential is a JSON-LD document.
func (s *Service) listSigner(ctx context.Context, row store.Institution) (owner, issuerDID string, err error) {
	keys, err := s.db.Keys(ctx, row.Slug)
	if err != nil {
		return "", "", err
	}
	k, err := activeKey(keys)
	if err != nil {
		return "", "", err
	}
	if k.Type == KeyEd25519 {
		return row.Slug, row.DID, nil
	}
	return "", s.did, nil
}
