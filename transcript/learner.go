package transcript

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// emailRE accepts the plain addresses registrars send (local@domain.tld);
// display names and comments are not addresses.
var emailRE = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$`)

// Learner is the person the records are about. Institutions know a learner by
// a local student or service number; the wallet knows them by a did:key. A
// credential's subject is the DID when the learner has given one, otherwise an
// identity object (their e-mail address).
type Learner struct {
	// ID is the learner's identifier at the sending institution.
	ID         string `json:"id"`
	GivenName  string `json:"givenName"`
	FamilyName string `json:"familyName"`
	Email      string `json:"email,omitempty"`
	// DID is the holder's did:key, once the learner's wallet has shown it.
	DID string `json:"did,omitempty"`
}

// Name is the learner's display name.
func (l Learner) Name() string { return strings.TrimSpace(l.GivenName + " " + l.FamilyName) }

// Validate checks that the learner can be named as a credential subject.
func (l Learner) Validate() error {
	var errs []error
	if strings.TrimSpace(l.ID) == "" {
		errs = append(errs, errors.New("id is required"))
	}
	if strings.TrimSpace(l.GivenName) == "" && strings.TrimSpace(l.FamilyName) == "" {
		errs = append(errs, errors.New("a given or family name is required"))
	}
	if l.Email != "" {
		if !emailRE.MatchString(l.Email) {
			errs = append(errs, fmt.Errorf("email %q is not an address", l.Email))
		}
	}
	if l.DID != "" && !strings.HasPrefix(l.DID, "did:") {
		errs = append(errs, fmt.Errorf("did %q is not a DID", l.DID))
	}
	if l.DID == "" && l.Email == "" {
		errs = append(errs, errors.New("a DID or an e-mail address is required to name the credential subject"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("learner %q: %w", l.ID, errors.Join(errs...))
	}
	return nil
}
