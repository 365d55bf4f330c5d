package verifier

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"strings"

	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

// didKeys looks proof keys up through a DID resolver: the same lookup for
// Data Integrity proofs and JOSE signatures.
type didKeys struct{ r did.Resolver }

// Key serves verifier/proof.
func (k didKeys) Key(ctx context.Context, vm, relationship string) (proof.Key, error) {
	m, err := did.ResolveMethod(ctx, k.r, vm, relationship)
	if err != nil {
		return proof.Key{}, err
	}
	return proof.Key{ID: m.ID, Controller: m.Controller, Public: m.PublicKey}, nil
}

// joseKeys serves verifier/jose: kid is a DID URL, a fragment of the
// issuer's DID, or empty (then the issuer's DID document must hold exactly
// one key for the relationship). The key must belong to iss.
type joseKeys struct{ r did.Resolver }

func (k joseKeys) Key(ctx context.Context, kid, iss, relationship string) (crypto.PublicKey, error) {
	var url string
	switch {
	case strings.HasPrefix(kid, "#"):
		url = iss + kid
	case strings.HasPrefix(kid, "did:"):
		url = kid
	case kid != "" && !strings.ContainsAny(kid, ":#/") && iss != "":
		// A bare kid (often a JWK thumbprint) names a method of the
		// issuer's own document.
		url = iss + "#" + kid
	case kid == "" && strings.HasPrefix(iss, "did:"):
		doc, err := k.r.Resolve(ctx, iss)
		if err != nil {
			return nil, err
		}
		ids := doc.AssertionMethod
		if relationship == proof.Authentication {
			ids = doc.Authentication
		}
		if len(ids) != 1 {
			return nil, fmt.Errorf("the token names no key (kid) and %s has %d %s keys", iss, len(ids), relationship)
		}
		url = ids[0]
	default:
		return nil, fmt.Errorf("key %q of issuer %q: want a DID URL", kid, iss)
	}
	m, err := did.ResolveMethod(ctx, k.r, url, relationship)
	if err != nil {
		return nil, err
	}
	if id, _, _ := did.SplitURL(m.ID); iss != "" && id != iss && m.Controller != iss {
		return nil, fmt.Errorf("key %s belongs to %s, not the issuer %s", m.ID, m.Controller, iss)
	}
	return m.PublicKey, nil
}

// HeaderKey accepts a key carried in the JWS header only when the issuer is
// the did:jwk of that very key.
func (k joseKeys) HeaderKey(ctx context.Context, jwk crypto.PublicKey, _, iss, relationship string) (crypto.PublicKey, error) {
	if !strings.HasPrefix(iss, "did:jwk:") {
		return nil, errors.New("a key in the token header does not say who signed: the issuer must be its did:jwk")
	}
	m, err := did.ResolveMethod(ctx, k.r, iss, relationship)
	if err != nil {
		return nil, err
	}
	if eq, ok := m.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(jwk) {
		return nil, fmt.Errorf("the header key is not the key of %s", iss)
	}
	return m.PublicKey, nil
}
