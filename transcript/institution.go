package transcript

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Institution is a place where learning happened and that sends records to
// the issuer: a community college, an adult school, a registered
// apprenticeship sponsor, or a military transcript office.
type Institution struct {
	// ID is the institution's did:web identifier, the issuer of its
	// credentials.
	ID string `json:"id"`
	// Slug is the short name used in URLs and tables ("cerritos").
	Slug string `json:"slug"`
	Kind Kind   `json:"kind"`
	Name string `json:"name"`
	// URL is the institution's public home page.
	URL      string   `json:"url,omitempty"`
	Email    string   `json:"email,omitempty"`
	Location Location `json:"location"`
	// Accreditation is the accreditor's or registrar's identifier: ACCJC or
	// WASC for schools, the RAPIDS programme number for an apprenticeship
	// sponsor, the issuing office for a JST.
	Accreditation Identifier `json:"accreditation"`
}

// Location is a postal location, as OB 3.0 Address carries it.
type Location struct {
	Street     string `json:"street,omitempty"`
	City       string `json:"city"`
	Region     string `json:"region"` // state, "CA"
	PostalCode string `json:"postalCode,omitempty"`
	Country    string `json:"country"` // ISO 3166-1 alpha-2, "US"
}

// Identifier is an identifier with the scheme it belongs to.
type Identifier struct {
	Scheme string `json:"scheme"` // "ACCJC", "WASC", "RAPIDS", "JST"
	Value  string `json:"value"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Validate checks the fields every credential built for the institution needs.
func (in Institution) Validate() error {
	var errs []error
	if _, err := DIDWebURL(in.ID); err != nil {
		errs = append(errs, fmt.Errorf("id: %w", err))
	}
	if !slugRE.MatchString(in.Slug) {
		errs = append(errs, fmt.Errorf("slug %q: want lower-case letters, digits and dashes", in.Slug))
	}
	if !in.Kind.Valid() {
		errs = append(errs, fmt.Errorf("kind %q: want college, adult-school, apprenticeship or military", in.Kind))
	}
	if strings.TrimSpace(in.Name) == "" {
		errs = append(errs, errors.New("name is required"))
	}
	if in.URL != "" {
		if u, err := url.Parse(in.URL); err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, fmt.Errorf("url %q: want an https URL", in.URL))
		}
	}
	if in.Location.City == "" || in.Location.Region == "" || len(in.Location.Country) != 2 {
		errs = append(errs, errors.New("location: city, region and a two-letter country are required"))
	}
	if in.Accreditation.Scheme == "" || in.Accreditation.Value == "" {
		errs = append(errs, errors.New("accreditation: scheme and value are required"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("institution %q: %w", in.Slug, errors.Join(errs...))
	}
	return nil
}

// DIDWebURL is the https base URL a did:web identifier names, without the
// trailing "/did.json" or "/.well-known": did:web:example.org:inst:a becomes
// https://example.org/inst/a. A port is percent-encoded in the DID
// (did:web:localhost%3A8080).
func DIDWebURL(did string) (string, error) {
	rest, ok := strings.CutPrefix(did, "did:web:")
	if !ok || rest == "" {
		return "", fmt.Errorf("%q is not a did:web identifier", did)
	}
	parts := strings.Split(rest, ":")
	host, err := url.PathUnescape(parts[0])
	if err != nil || host == "" || strings.ContainsAny(host, "/?#@") {
		return "", fmt.Errorf("did:web %q: bad host", did)
	}
	u := "https://" + host
	for _, p := range parts[1:] {
		if p == "" || strings.ContainsAny(p, "/?#") {
			return "", fmt.Errorf("did:web %q: bad path segment %q", did, p)
		}
		u += "/" + p
	}
	return u, nil
}
