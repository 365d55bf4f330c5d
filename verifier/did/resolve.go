package did

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Resolver finds the document of a DID (or of an https controller
// document's URL). Implementations return ErrNotFound, ErrUnsupportedMethod
// or ErrInvalid (wrapped) when they cannot.
type Resolver interface {
	Resolve(ctx context.Context, did string) (*Document, error)
}

// ResolveMethod resolves a DID URL (did:...#fragment) through r and returns
// its verification method, checked by Document.Method to be authorised for
// relationship.
//
// A DID URL without a fragment names a document, not a key. For did:key and
// did:jwk, whose documents hold exactly one key, it is taken to mean that
// key: some issuers write "verificationMethod": "did:key:z6Mk..." in proofs.
// For any other DID a fragment is required (ErrNotFound without one).
func ResolveMethod(ctx context.Context, r Resolver, url, relationship string) (VerificationMethod, error) {
	id, fragment, err := SplitURL(url)
	if err != nil {
		return VerificationMethod{}, fmt.Errorf("resolve %s: %w", short(url), err)
	}
	if r == nil {
		return VerificationMethod{}, fmt.Errorf("resolve %s: %w", short(url), errorf(ErrNotFound, "no resolver"))
	}
	// The resolver's and Document.Method's errors name the DID or method.
	doc, err := r.Resolve(ctx, id)
	if err != nil {
		return VerificationMethod{}, err
	}
	if doc == nil || doc.ID != id {
		// A resolver must not answer for another identifier.
		return VerificationMethod{}, fmt.Errorf("resolve %s: %w", short(id), errorf(ErrInvalid, "resolver returned a document for another identifier"))
	}
	if fragment == "" {
		if (!strings.HasPrefix(id, "did:key:") && !strings.HasPrefix(id, "did:jwk:")) || len(doc.VerificationMethod) != 1 {
			return VerificationMethod{}, errorf(ErrNotFound, "%s names a document, not a verification method (no #fragment)", short(id))
		}
		url = doc.VerificationMethod[0].ID
	}
	return doc.Method(url, relationship)
}

// Local is the default resolver, offline first. did:key and did:jwk are
// computed; every other identifier (did:web, preloaded did:example or
// https controller documents) comes from Cache. When Web is set, a did:web
// missing from the cache is fetched over HTTPS and added to the cache;
// without it nothing touches the network.
//
// A cached document is used however old it is: refreshing it is an explicit
// act (WebFetcher.Fetch, then Cache.Add).
type Local struct {
	Cache *Cache
	Web   *WebFetcher
	// Now stamps fetched documents in the cache; time.Now when nil.
	Now func() time.Time
}

// Resolve implements Resolver.
func (l *Local) Resolve(ctx context.Context, did string) (*Document, error) {
	doc, err := l.resolve(ctx, did)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", short(did), err)
	}
	return doc, nil
}

func (l *Local) resolve(ctx context.Context, id string) (*Document, error) {
	if !strings.HasPrefix(id, "did:") {
		if !isHTTPSURL(id) {
			return nil, errorf(ErrInvalid, "neither a DID nor an https URL")
		}
		if doc, _, ok := l.Cache.Get(id); ok {
			return doc, nil
		}
		return nil, errorf(ErrNotFound, "controller document is not in the offline cache")
	}
	method, _, err := parseDID(id)
	if err != nil {
		return nil, err
	}
	switch method {
	case "key":
		return keyDocument(id)
	case "jwk":
		return jwkDocument(id)
	}
	if doc, _, ok := l.Cache.Get(id); ok {
		return doc, nil
	}
	if method != "web" {
		return nil, errorf(ErrUnsupportedMethod, "did:%s cannot be resolved offline and no document for it was preloaded", method)
	}
	if l.Web == nil {
		return nil, errorf(ErrNotFound, "did:web document is not in the offline cache (fetching is off)")
	}
	doc, err := l.Web.Fetch(ctx, id)
	if err != nil {
		return nil, err
	}
	if l.Cache == nil {
		return doc, nil
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	return l.Cache.Add(doc.Raw, now())
}
