package issuer

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

// Key types an institution may sign with.
const (
	KeyEd25519 = "Ed25519"
	KeyP256    = "P-256"
)

// Formats of the credentials an institution issues.
const (
	FormatDI  = "di"  // Data Integrity eddsa-rdfc-2022 (Ed25519 keys)
	FormatJWT = "jwt" // VC-JOSE vc+jwt (EdDSA or ES256)
)

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$`)

// NewInstitution is what the administrator sends to create an institution:
// its transcript.Institution (whose ID the service sets to the did:web it
// serves), how its credentials are secured and with which key type.
type NewInstitution struct {
	transcript.Institution
	Format  string `json:"format,omitempty"`  // FormatDI (default) or FormatJWT
	KeyType string `json:"keyType,omitempty"` // KeyEd25519 (default) or KeyP256
}

// Institution is an institution as the API shows it.
type Institution struct {
	transcript.Institution
	Format string `json:"format"`
	// DIDDocument is where its did:web document is served.
	DIDDocument string    `json:"didDocument"`
	Keys        []KeyInfo `json:"keys"`
}

// KeyInfo describes a signing key; the private half never leaves the
// service.
type KeyInfo struct {
	ID      string          `json:"id"` // the verification method's DID URL
	Type    string          `json:"type"`
	Public  json.RawMessage `json:"publicKeyJwk"`
	Active  bool            `json:"active"`
	Created string          `json:"created"`
	Retired string          `json:"retired,omitempty"`
}

// CreateInstitution creates an institution with a fresh signing key and
// its first API token, which is returned once and stored only as a hash.
func (s *Service) CreateInstitution(ctx context.Context, a Actor, n NewInstitution) (Institution, string, error) {
	if !a.Admin {
		if a.Institution == "" {
			return Institution{}, "", ErrUnauthorized
		}
		return Institution{}, "", fmt.Errorf("%w: only the administrator creates institutions", ErrForbidden)
	}
	if !slugRE.MatchString(n.Slug) {
		return Institution{}, "", fmt.Errorf("%w: slug %q: use 1 to 64 lowercase letters, digits and hyphens", ErrInvalid, clip(n.Slug))
	}
	if n.Format == "" {
		n.Format = FormatDI
	}
	if n.KeyType == "" {
		n.KeyType = KeyEd25519
	}
	if err := checkFormat(n.Format, n.KeyType); err != nil {
		return Institution{}, "", err
	}
	in := n.Institution
	in.ID = s.InstitutionDID(n.Slug)
	if err := in.Validate(); err != nil {
		return Institution{}, "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	profile, err := json.Marshal(in)
	if err != nil {
		return Institution{}, "", err
	}
	token, err := s.randomToken(32)
	if err != nil {
		return Institution{}, "", err
	}
	token = "sat_" + token
	now := s.now()
	key, err := s.newKey(n.Slug, "key-1", n.KeyType)
	if err != nil {
		return Institution{}, "", err
	}
	err = s.db.Tx(ctx, func(ops store.Ops) error {
		if err := ops.CreateInstitution(ctx, store.Institution{
			Slug: n.Slug, Kind: string(in.Kind), Name: in.Name, DID: in.ID, Profile: profile, Format: n.Format, Created: now,
		}); err != nil {
			return err
		}
		if err := ops.AddKey(ctx, key); err != nil {
			return err
		}
		if err := ops.AddToken(ctx, store.Token{Hash: hashSecret(token), Institution: n.Slug, Label: "first", Created: now}); err != nil {
			return err
		}
		return s.audit(ctx, ops, a, "institution.create", n.Slug, in.ID, in.Name)
	})
	if err != nil {
		return Institution{}, "", storeErr("create institution "+n.Slug, err)
	}
	s.log.InfoContext(ctx, "institution created", "institution", n.Slug, "did", in.ID, "request", a.Request)
	out, err := s.Institution(ctx, a, n.Slug)
	return out, token, err
}

func checkFormat(format, keyType string) error {
	switch {
	case keyType != KeyEd25519 && keyType != KeyP256:
		return fmt.Errorf("%w: key type %q: want %s or %s", ErrInvalid, clip(keyType), KeyEd25519, KeyP256)
	case format != FormatDI && format != FormatJWT:
		return fmt.Errorf("%w: format %q: want %s or %s", ErrInvalid, clip(format), FormatDI, FormatJWT)
	case format == FormatDI && keyType != KeyEd25519:
		return fmt.Errorf("%w: Data Integrity eddsa-rdfc-2022 needs an %s key; use format %s for %s", ErrInvalid, KeyEd25519, FormatJWT, keyType)
	}
	return nil
}

// newKey generates and seals a key.
func (s *Service) newKey(owner, id, keyType string) (store.Key, error) {
	var priv crypto.Signer
	var err error
	switch keyType {
	case KeyEd25519:
		_, priv, err = ed25519.GenerateKey(s.cfg.Rand)
	case KeyP256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), s.cfg.Rand)
	default:
		return store.Key{}, fmt.Errorf("%w: key type %q", ErrInvalid, clip(keyType))
	}
	if err != nil {
		return store.Key{}, fmt.Errorf("generate key: %w", err)
	}
	pub, err := jwk.FromRaw(priv.Public())
	if err != nil {
		return store.Key{}, err
	}
	pubJSON, err := json.Marshal(pub)
	if err != nil {
		return store.Key{}, err
	}
	sealed, err := sealKey(priv, owner, id, s.cfg.Passphrase, s.cfg.KDF, s.cfg.Rand)
	if err != nil {
		return store.Key{}, err
	}
	s.keys.Store(owner+"#"+id, priv)
	return store.Key{Owner: owner, ID: id, Type: keyType, Public: pubJSON, Sealed: sealed, Active: true, Created: s.now()}, nil
}

// ensureServiceKey makes the service's own key on first start and checks
// that the passphrase opens the active one.
func (s *Service) ensureServiceKey(ctx context.Context) error {
	keys, err := s.db.Keys(ctx, "")
	if err != nil {
		return fmt.Errorf("issuer: read service keys: %w", err)
	}
	if len(keys) == 0 {
		k, err := s.newKey("", "key-1", KeyEd25519)
		if err != nil {
			return err
		}
		return s.db.Tx(ctx, func(ops store.Ops) error {
			if err := ops.AddKey(ctx, k); err != nil {
				return err
			}
			return s.audit(ctx, ops, Actor{Label: "service"}, "key.create", "", s.did+"#key-1", "the service's own key")
		})
	}
	active, err := activeKey(keys)
	if err != nil {
		return err
	}
	if _, err := s.signerFor(active); err != nil {
		return fmt.Errorf("issuer: open the service key: %w", err)
	}
	return nil
}

func activeKey(keys []store.Key) (store.Key, error) {
	for i := len(keys) - 1; i >= 0; i-- {
		if keys[i].Active {
			return keys[i], nil
		}
	}
	return store.Key{}, errors.New("no active signing key")
}

// institution loads an institution the actor may act for.
func (s *Service) institution(ctx context.Context, a Actor, slug string) (store.Institution, transcript.Institution, error) {
	if err := a.may(slug); err != nil {
		return store.Institution{}, transcript.Institution{}, err
	}
	row, err := s.db.Institution(ctx, slug)
	if err != nil {
		return store.Institution{}, transcript.Institution{}, storeErr("institution "+clip(slug), err)
	}
	var in transcript.Institution
	if err := json.Unmarshal(row.Profile, &in); err != nil {
		return store.Institution{}, transcript.Institution{}, fmt.Errorf("institution %s: stored profile: %w", slug, err)
	}
	return row, in, nil
}

// Institution returns an institution with its keys.
func (s *Service) Institution(ctx context.Context, a Actor, slug string) (Institution, error) {
	row, in, err := s.institution(ctx, a, slug)
	if err != nil {
		return Institution{}, err
	}
	keys, err := s.db.Keys(ctx, slug)
	if err != nil {
		return Institution{}, storeErr("keys of "+slug, err)
	}
	out := Institution{Institution: in, Format: row.Format, DIDDocument: s.base.String() + "/institutions/" + slug + "/did.json"}
	for _, k := range keys {
		ki := KeyInfo{ID: row.DID + "#" + k.ID, Type: k.Type, Public: k.Public, Active: k.Active, Created: k.Created.Format(timeFormat)}
		if !k.Retired.IsZero() {
			ki.Retired = k.Retired.Format(timeFormat)
		}
		out.Keys = append(out.Keys, ki)
	}
	return out, nil
}

// Institutions lists every institution (administrator only).
func (s *Service) Institutions(ctx context.Context, a Actor) ([]Institution, error) {
	if !a.Admin {
		return nil, a.may("")
	}
	rows, err := s.db.Institutions(ctx)
	if err != nil {
		return nil, storeErr("institutions", err)
	}
	out := make([]Institution, 0, len(rows))
	for _, r := range rows {
		in, err := s.Institution(ctx, a, r.Slug)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// RotateKey gives an institution a new active key. The old keys stay in
// its DID document, so credentials they signed still verify.
func (s *Service) RotateKey(ctx context.Context, a Actor, slug, keyType string) (KeyInfo, error) {
	row, _, err := s.institution(ctx, a, slug)
	if err != nil {
		return KeyInfo{}, err
	}
	if keyType == "" {
		keyType = KeyEd25519
	}
	if err := checkFormat(row.Format, keyType); err != nil {
		return KeyInfo{}, err
	}
	var k store.Key
	err = s.db.Tx(ctx, func(ops store.Ops) error {
		keys, err := ops.Keys(ctx, slug)
		if err != nil {
			return err
		}
		k, err = s.newKey(slug, fmt.Sprintf("key-%d", len(keys)+1), keyType)
		if err != nil {
			return err
		}
		if err := ops.AddKey(ctx, k); err != nil {
			return err
		}
		return s.audit(ctx, ops, a, "key.rotate", slug, row.DID+"#"+k.ID, keyType)
	})
	if err != nil {
		return KeyInfo{}, storeErr("rotate key of "+slug, err)
	}
	s.log.InfoContext(ctx, "key rotated", "institution", slug, "key", k.ID, "request", a.Request)
	return KeyInfo{ID: row.DID + "#" + k.ID, Type: k.Type, Public: k.Public, Active: true, Created: k.Created.Format(timeFormat)}, nil
}

// NewToken makes another API token for an institution; it is returned once.
func (s *Service) NewToken(ctx context.Context, a Actor, slug, label string) (string, error) {
	if _, _, err := s.institution(ctx, a, slug); err != nil {
		return "", err
	}
	if label == "" || len(label) > 64 {
		return "", fmt.Errorf("%w: a token needs a label of at most 64 bytes", ErrInvalid)
	}
	token, err := s.randomToken(32)
	if err != nil {
		return "", err
	}
	token = "sat_" + token
	err = s.db.Tx(ctx, func(ops store.Ops) error {
		if err := ops.AddToken(ctx, store.Token{Hash: hashSecret(token), Institution: slug, Label: label, Created: s.now()}); err != nil {
			return err
		}
		return s.audit(ctx, ops, a, "token.create", slug, label, "")
	})
	if err != nil {
		return "", storeErr("new token for "+slug, err)
	}
	return token, nil
}

// Authenticate says who holds a bearer token: the administrator (compared
// in constant time with adminToken) or an institution.
func (s *Service) Authenticate(ctx context.Context, bearer, adminToken string) (Actor, error) {
	if bearer == "" {
		return Actor{}, fmt.Errorf("%w: send Authorization: Bearer TOKEN", ErrUnauthorized)
	}
	if adminToken != "" && subtle.ConstantTimeCompare([]byte(bearer), []byte(adminToken)) == 1 {
		return Actor{Admin: true}, nil
	}
	t, err := s.db.TokenByHash(ctx, hashSecret(bearer))
	if errors.Is(err, store.ErrNotFound) {
		return Actor{}, fmt.Errorf("%w: unknown token", ErrUnauthorized)
	}
	if err != nil {
		return Actor{}, fmt.Errorf("authenticate: %w", err)
	}
	return Actor{Institution: t.Institution, Label: t.Label}, nil
}

// DIDDocument returns the DID document of an institution, or of the service
// itself for slug "": every key, active or retired, is an assertion method,
// so credentials signed before a rotation still verify.
func (s *Service) DIDDocument(ctx context.Context, slug string) ([]byte, error) {
	id := s.did
	if slug != "" {
		row, err := s.db.Institution(ctx, slug)
		if err != nil {
			return nil, storeErr("DID document of "+clip(slug), err)
		}
		id = row.DID
	}
	keys, err := s.db.Keys(ctx, slug)
	if err != nil {
		return nil, storeErr("DID document", err)
	}
	return didDocument(id, keys)
}

func didDocument(id string, keys []store.Key) ([]byte, error) {
	var methods []any
	var refs []string
	for _, k := range keys {
		pub, err := publicKey(k)
		if err != nil {
			return nil, err
		}
		mk, err := did.MultikeyEncode(pub)
		if err != nil {
			return nil, err
		}
		vm := id + "#" + k.ID
		methods = append(methods, map[string]any{"id": vm, "type": did.TypeMultikey, "controller": id, "publicKeyMultibase": mk})
		refs = append(refs, vm)
	}
	doc := map[string]any{
		"@context":           []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
		"id":                 id,
		"verificationMethod": methods,
		"assertionMethod":    refs,
		"authentication":     refs,
	}
	return json.MarshalIndent(doc, "", "  ")
}

func publicKey(k store.Key) (crypto.PublicKey, error) {
	key, err := jwk.ParseKey(k.Public)
	if err != nil {
		return nil, fmt.Errorf("key %s#%s: %w", k.Owner, k.ID, err)
	}
	var raw any
	if err := key.Raw(&raw); err != nil {
		return nil, fmt.Errorf("key %s#%s: %w", k.Owner, k.ID, err)
	}
	return raw, nil
}

// activeSigner returns the signer of an institution's active key, as a
// proof.Signer named by its DID URL.
func (s *Service) activeSigner(ctx context.Context, ops store.Ops, owner, didID string) (proof.Signer, store.Key, error) {
	keys, err := ops.Keys(ctx, owner)
	if err != nil {
		return nil, store.Key{}, err
	}
	k, err := activeKey(keys)
	if err != nil {
		return nil, store.Key{}, fmt.Errorf("%s: %w", owner, err)
	}
	key, err := s.signerFor(k)
	if err != nil {
		return nil, store.Key{}, err
	}
	return proof.NewSigner(key, didID+"#"+k.ID), k, nil
}

const timeFormat = "2006-01-02T15:04:05Z"

// clip shortens what a caller sent before it goes into an error message.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}
