package issuer

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/schemas"
	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/status"
)

// Errors the HTTP layer maps to status codes. Others are 500s.
var (
	// ErrForbidden: the caller may not act on that institution (403).
	ErrForbidden = errors.New("forbidden")
	// ErrUnauthorized: no caller could be identified (401).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrNotFound: no such institution, credential, list or offer (404).
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the request is malformed or breaks a rule (400).
	ErrInvalid = errors.New("invalid request")
	// ErrConflict: the request contradicts the state (409): an institution
	// that exists, an idempotency key reused for another body.
	ErrConflict = errors.New("conflict")
	// ErrSelfCheck: a credential the service signed did not verify; nothing
	// was stored (500).
	ErrSelfCheck = errors.New("issued credential failed its own verification")
)

// Config is what a Service is made of. Store, BaseURL and Passphrase are
// required.
type Config struct {
	Store store.Store
	// BaseURL is where the service is reached, e.g.
	// https://etranscript.example; it names every DID and URL the service
	// issues. Path-less.
	BaseURL string
	// Passphrase seals the institutions' private keys.
	Passphrase []byte
	// KDF are the Argon2id costs of newly sealed keys (zero: DefaultKDF).
	KDF KDF
	// Now is the clock (nil: time.Now); Rand the randomness (nil:
	// crypto/rand).
	Now  func() time.Time
	Rand io.Reader
	// Loader holds the JSON-LD contexts (nil: the embedded ones).
	Loader *schemas.Loader
	Log    *slog.Logger
	// ListSize is the number of entries of each new status list (zero:
	// status.MinBits, 131,072, the minimum the specification advises so
	// that one credential's index says little about its holder).
	ListSize int64
	// OfferTTL is how long a credential offer can be redeemed (zero: 7
	// days); the access token it gives lasts TokenTTL (zero: 10 minutes).
	OfferTTL time.Duration
	TokenTTL time.Duration
	// Name is the service's display name.
	Name string
	// Skills is the catalogue that equivalency tables name skills from.
	Skills transcript.Catalog
}

// Service is the issuer: institutions, intake, issuing, status lists,
// offers. It is safe for concurrent use, and several Services may share one
// database (PostgreSQL) behind a load balancer.
type Service struct {
	cfg     Config
	db      store.Store
	base    *url.URL
	did     string // the service's own did:web
	log     *slog.Logger
	keys    sync.Map // owner + "#" + kid → crypto.Signer (unsealed)
	engines sync.Map // institution → *engineEntry
	txTries sync.Map // offer code hash (hex) → *int32 wrong transaction codes
	docs    sync.Map // DID + key count → *did.Document
	lists   sync.Map // status list ID → listCopy, the newest signed
	// verified remembers the status lists the self-check verified, so each
	// version of a list is verified once, not once per credential.
	verified verifier.ListMemo
	mu       sync.Mutex
}

// New opens the service: it checks the configuration, makes the service's
// own key on first start, and checks that the passphrase opens it.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("issuer: no store")
	}
	if len(cfg.Passphrase) < 8 {
		return nil, errors.New("issuer: the passphrase must be at least 8 bytes")
	}
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" || base.Path != "" || base.RawQuery != "" || base.User != nil {
		return nil, fmt.Errorf("issuer: base URL %q: want https://HOST[:PORT] without a path", cfg.BaseURL)
	}
	if cfg.KDF == (KDF{}) {
		cfg.KDF = DefaultKDF
	}
	if err := cfg.KDF.check(); err != nil {
		return nil, fmt.Errorf("issuer: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Loader == nil {
		cfg.Loader = schemas.DefaultLoader()
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.ListSize == 0 {
		cfg.ListSize = status.MinBits
	}
	if cfg.ListSize < status.MinBits || cfg.ListSize%8 != 0 {
		return nil, fmt.Errorf("issuer: status lists need at least %d entries, a multiple of 8", status.MinBits)
	}
	if cfg.OfferTTL == 0 {
		cfg.OfferTTL = 7 * 24 * time.Hour
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 10 * time.Minute
	}
	if cfg.Name == "" {
		cfg.Name = "eTranscript California (Satchel)"
	}
	s := &Service{cfg: cfg, db: cfg.Store, base: base, log: cfg.Log}
	s.did = "did:web:" + didHost(base)
	// Every DID the service issued under is named by its base URL: another
	// base URL would serve documents nobody's credentials point to.
	ins, err := s.db.Institutions(ctx)
	if err != nil {
		return nil, fmt.Errorf("issuer: read institutions: %w", err)
	}
	for _, in := range ins {
		if in.DID != s.InstitutionDID(in.Slug) {
			return nil, fmt.Errorf("issuer: this database's institutions are named under another base URL (%s is %s, not %s): start the service with the base URL they were made with",
				in.Slug, in.DID, s.InstitutionDID(in.Slug))
		}
	}
	if err := s.ensureServiceKey(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// didHost is the did:web host part of a base URL: the port, if any,
// percent-encoded.
func didHost(u *url.URL) string {
	return strings.ReplaceAll(u.Host, ":", "%3A")
}

// BaseURL is where the service is reached.
func (s *Service) BaseURL() string { return s.base.String() }

// DID is the service's own did:web.
func (s *Service) DID() string { return s.did }

// InstitutionDID is the did:web of an institution served here.
func (s *Service) InstitutionDID(slug string) string {
	return s.did + ":institutions:" + slug
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// randomToken returns n random bytes, base64url.
func (s *Service) randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.cfg.Rand, b); err != nil {
		return "", fmt.Errorf("randomness: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// newURN returns a random urn:uuid (version 4).
func (s *Service) newURN() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(s.cfg.Rand, b[:]); err != nil {
		return "", fmt.Errorf("randomness: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "urn:uuid:" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Actor is who makes a request: the administrator, or an institution
// through one of its tokens, or nobody.
type Actor struct {
	Admin       bool
	Institution string
	Label       string
	Request     string
}

func (a Actor) String() string {
	switch {
	case a.Admin:
		return "admin"
	case a.Institution != "":
		return "token:" + a.Institution + "/" + a.Label
	}
	return "anonymous"
}

// may says whether a can act for the institution slug.
func (a Actor) may(slug string) error {
	switch {
	case a.Admin:
		return nil
	case a.Institution == "":
		return ErrUnauthorized
	case a.Institution != slug:
		return fmt.Errorf("%w: this token belongs to %s, not %s", ErrForbidden, a.Institution, slug)
	}
	return nil
}

// storeErr maps the store's sentinel errors to the service's.
func storeErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%s: %w: %v", op, ErrNotFound, err)
	case errors.Is(err, store.ErrDuplicate), errors.Is(err, store.ErrUsed):
		return fmt.Errorf("%s: %w: %v", op, ErrConflict, err)
	case errors.Is(err, store.ErrInvalid):
		return fmt.Errorf("%s: %w: %v", op, ErrInvalid, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// audit appends an entry; failures are errors, because an action that
// cannot be audited must not happen.
func (s *Service) audit(ctx context.Context, ops store.Ops, a Actor, action, institution, subject, detail string) error {
	return ops.Audit(ctx, store.AuditEntry{
		At: s.now(), Actor: a.String(), Action: action, Institution: institution,
		Subject: subject, Request: a.Request, Detail: detail,
	})
}

// signerFor returns the unsealed signer of a key, opening it once.
func (s *Service) signerFor(k store.Key) (crypto.Signer, error) {
	id := k.Owner + "#" + k.ID
	if v, ok := s.keys.Load(id); ok {
		return v.(crypto.Signer), nil
	}
	key, err := openKey(k.Sealed, k.Owner, k.ID, s.cfg.Passphrase)
	if err != nil {
		return nil, err
	}
	s.keys.Store(id, key)
	return key, nil
}
