package wallet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
)

// Wallet is the learner's wallet: a store and the verifier settings imports
// are checked with.
type Wallet struct {
	Store Store
	// Verifier is how credentials are verified on import (DID documents,
	// status lists, trust registry); its Now is set from Clock.
	Verifier verifier.Options
	// Clock is the time; nil means time.Now.
	Clock func() time.Time
}

func (w *Wallet) now() time.Time {
	if w.Clock != nil {
		return w.Clock()
	}
	return time.Now()
}

// ErrNotVerified is matched by a *NotVerifiedError.
var ErrNotVerified = errors.New("credential does not verify")

// ErrUnreadable: the input is not a credential at all.
var ErrUnreadable = errors.New("not a credential")

// NotVerifiedError is a credential refused on import because it did not
// verify; the report says why.
type NotVerifiedError struct{ Report verifier.Report }

func (e *NotVerifiedError) Error() string {
	var failed []string
	for _, c := range e.Report.Checks {
		if !c.OK {
			failed = append(failed, c.Check+": "+c.Detail)
		}
	}
	failed = append(failed, e.Report.Errors...)
	return "credential does not verify: " + strings.Join(failed, "; ")
}

// Is makes errors.Is(err, ErrNotVerified) true.
func (e *NotVerifiedError) Is(target error) bool { return target == ErrNotVerified }

// ImportOptions are the learner's choices for an import.
type ImportOptions struct {
	// KeepUnverified stores a credential that does not verify, marked so,
	// instead of refusing it.
	KeepUnverified bool
}

// Import verifies a credential (JSON-LD, JWT, SD-JWT or a baked PNG/SVG
// badge, as received) and stores it with what the report says about it.
// A credential that does not verify is refused with its report unless the
// learner keeps it; a credential already held is ErrDuplicate. Nothing is
// stored on any error.
func (w *Wallet) Import(ctx context.Context, raw []byte, opt ImportOptions) (Credential, verifier.Report, error) {
	var out Credential
	var rep verifier.Report
	err := w.Store.Tx(ctx, func(tx Ops) error {
		var err error
		out, rep, err = w.importOne(ctx, tx, raw, opt, w.Verifier)
		return err
	})
	return out, rep, err
}

// ImportBatch imports several credentials, all or none: the first that is
// refused (with its index) stops the batch and nothing of it is stored.
func (w *Wallet) ImportBatch(ctx context.Context, raws [][]byte, opt ImportOptions) ([]Credential, error) {
	var out []Credential
	err := w.Store.Tx(ctx, func(tx Ops) error {
		out = out[:0]
		for i, raw := range raws {
			c, _, err := w.importOne(ctx, tx, raw, opt, w.Verifier)
			if err != nil {
				return fmt.Errorf("import %d of %d: %w", i+1, len(raws), err)
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// importOne verifies raw with vo and stores it through tx.
func (w *Wallet) importOne(ctx context.Context, tx Ops, raw []byte, opt ImportOptions, vo verifier.Options) (Credential, verifier.Report, error) {
	if len(raw) > MaxCredentialBytes {
		return Credential{}, verifier.Report{}, fmt.Errorf("%w: %d bytes, the limit is %d", ErrUnreadable, len(raw), MaxCredentialBytes)
	}
	vo.Now = w.now()
	rep, err := verifier.Verify(ctx, raw, vo)
	if err != nil {
		return Credential{}, rep, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if !rep.Verified && !opt.KeepUnverified {
		return Credential{}, rep, &NotVerifiedError{Report: rep}
	}
	if rep.Kind != "credential" {
		return Credential{}, rep, fmt.Errorf("%w: this is a %s; import its credentials one by one", ErrUnreadable, rep.Kind)
	}
	report, err := json.Marshal(rep)
	if err != nil {
		return Credential{}, rep, err
	}
	c := Credential{Entry: entryOf(rep), Raw: append([]byte(nil), raw...), Report: report}
	c.Status, c.VerifiedAt, c.AddedAt = StatusVerified, vo.Now, vo.Now
	if !rep.Verified {
		c.Status, c.KeptUnverified = StatusFailed, true
	}
	if err := tx.AddCredential(ctx, &c); err != nil {
		return Credential{}, rep, err
	}
	return c, rep, nil
}

// entryOf reads what lists and searches show from a verification report.
func entryOf(rep verifier.Report) Entry {
	e := Entry{Format: rep.Format, Container: rep.Container, IssuerID: rep.Issuer, IssuerName: rep.IssuerName,
		Types: rep.Types, Title: rep.Name, Kind: KindOther}
	if rep.TrustedAs != "" {
		e.IssuerName = rep.TrustedAs
	}
	doc := rep.Document
	e.CredentialID, _ = doc["id"].(string)
	e.Description, _ = doc["description"].(string)
	e.IssuedAt = firstTime(doc, "validFrom", "issuanceDate")
	e.ExpiresAt = firstTime(doc, "validUntil", "expirationDate")
	for i, a := range rep.Achievements {
		if i == 0 {
			if e.Title == "" {
				e.Title = a.Name
			}
			e.Kind = kindOf(a)
		}
		for _, s := range a.Skills {
			e.Skills = append(e.Skills, Skill{Name: s.Name, Code: s.Code, Framework: s.Framework})
		}
		for _, q := range a.Equivalents {
			e.Credits = append(e.Credits, Credit{Course: q.Code, Title: q.Name, College: q.Framework, Explanation: q.Description})
		}
	}
	return e
}

// kindOf tells the kind of learning from an achievement: Satchel's issuer
// names it in the achievement's URL (…/achievements/military/…); other
// issuers say it through the achievement type.
func kindOf(a verifier.Achievement) Kind {
	for _, k := range []Kind{KindCollege, KindAdultSchool, KindApprenticeship, KindMilitary} {
		if strings.Contains(a.ID, "/achievements/"+string(k)+"/") {
			return k
		}
	}
	switch a.Type {
	case "Course", "AssociateDegree", "Degree":
		return KindCollege
	case "CertificateOfCompletion":
		return KindAdultSchool
	case "Competency", "ApprenticeshipCertificate", "JourneymanCertificate":
		return KindApprenticeship
	case "ext:MilitaryOccupation":
		return KindMilitary
	}
	return KindOther
}

func firstTime(doc map[string]any, keys ...string) time.Time {
	for _, k := range keys {
		if s, ok := doc[k].(string); ok {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}
