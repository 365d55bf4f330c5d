package verifier

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Registry is a list of recognised issuers: an employer's, a state's, a
// consortium's. An issuer is recognised by its identifier (a DID or URL).
type Registry struct {
	Name    string          `json:"name"`
	Issuers []TrustedIssuer `json:"issuers"`
	byID    map[string]TrustedIssuer
}

// TrustedIssuer is one recognised issuer.
type TrustedIssuer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Kind is what the issuer is (community college, adult school,
	// apprenticeship sponsor, military), for display.
	Kind string `json:"kind,omitempty"`
	URL  string `json:"url,omitempty"`
}

// MaxRegistryBytes bounds a trust registry file.
const MaxRegistryBytes = 4 << 20

// ParseRegistry reads a registry: either {"name": ..., "issuers": [...]} or
// a bare JSON list of issuers (then named after fallbackName).
func ParseRegistry(raw []byte, fallbackName string) (*Registry, error) {
	if len(raw) > MaxRegistryBytes {
		return nil, fmt.Errorf("trust registry: %d bytes is more than the limit %d", len(raw), MaxRegistryBytes)
	}
	r := &Registry{Name: fallbackName}
	trimmed := bytes.TrimSpace(raw)
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	var err error
	if len(trimmed) > 0 && trimmed[0] == '[' {
		err = dec.Decode(&r.Issuers)
	} else {
		err = dec.Decode(r)
	}
	if err != nil {
		return nil, fmt.Errorf("trust registry: %w", err)
	}
	if r.Name == "" {
		return nil, errors.New("trust registry: it has no name")
	}
	r.byID = make(map[string]TrustedIssuer, len(r.Issuers))
	for i, is := range r.Issuers {
		if !strings.Contains(is.ID, ":") {
			return nil, fmt.Errorf("trust registry: issuers[%d]: id %q is not a DID or URL", i, is.ID)
		}
		if strings.TrimSpace(is.Name) == "" {
			return nil, fmt.Errorf("trust registry: issuers[%d] %s: name is required", i, is.ID)
		}
		if _, dup := r.byID[is.ID]; dup {
			return nil, fmt.Errorf("trust registry: issuers[%d]: %s is listed twice", i, is.ID)
		}
		r.byID[is.ID] = is
	}
	return r, nil
}

// Lookup finds an issuer by identifier.
func (r *Registry) Lookup(id string) (TrustedIssuer, bool) {
	if r == nil {
		return TrustedIssuer{}, false
	}
	is, ok := r.byID[id]
	return is, ok
}
