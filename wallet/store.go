package wallet

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Store is where the wallet keeps everything: credentials with the bytes
// they arrived as, portfolios, cached DID documents and status lists, the
// holder's sealed keys, the sync queue and settings.
//
// Each method of Ops, called on the Store, is atomic on its own. Tx runs
// several as one transaction. A Store is safe for concurrent use.
// wallet/sqlitestore is the implementation; wallet/storetest is the
// conformance suite every implementation passes.
//
// Times are kept to the microsecond and read back in UTC. Lists that are
// empty read back as nil.
type Store interface {
	Ops
	// Tx runs fn in one transaction: when fn returns nil, all its writes
	// are committed together; when it returns an error or panics, none of
	// them are, and Tx returns fn's error (the panic is re-raised). A
	// process killed during Tx leaves all or none of its writes.
	//
	// A method that fails inside fn changes nothing, and fn may carry on:
	// a batch import that skips duplicates ignores ErrDuplicate and
	// continues. Inside fn, use only the Ops given to it (the Store's own
	// methods would wait for fn's transaction), from fn's goroutine, and
	// not after fn returns.
	Tx(ctx context.Context, fn func(Ops) error) error
	Close() error
}

// Ops are the wallet's reads and writes.
type Ops interface {
	// AddCredential stores c and sets c.ID and c.Digest (values passed in
	// are ignored). It returns a *DuplicateError (errors.Is ErrDuplicate)
	// when the wallet holds a credential with the same CredentialID or the
	// same bytes, and ErrInvalid when c breaks the rules of
	// Credential.Validate.
	AddCredential(ctx context.Context, c *Credential) error
	// Credential returns the credential with this wallet id, bytes and
	// report included, or ErrNotFound.
	Credential(ctx context.Context, id int64) (Credential, error)
	// SetVerification records the outcome of verifying a credential again.
	SetVerification(ctx context.Context, id int64, v Verification) error
	// DeleteCredential removes a credential. One that is in a portfolio
	// is not removed (ErrInUse): a portfolio never loses an item the
	// learner did not take out; remove it from its portfolios first.
	DeleteCredential(ctx context.Context, id int64) error
	// Search lists the credentials that match q, newest issued first.
	Search(ctx context.Context, q Query) (Page, error)

	// CreatePortfolio creates an empty portfolio. Names are unique,
	// ignoring case (ErrDuplicate).
	CreatePortfolio(ctx context.Context, name string, created time.Time) (Portfolio, error)
	// Portfolio returns a portfolio with its items in order.
	Portfolio(ctx context.Context, id int64) (Portfolio, error)
	// Portfolios returns every portfolio, by name, with its items.
	Portfolios(ctx context.Context) ([]Portfolio, error)
	// DeletePortfolio removes a portfolio; its credentials stay.
	DeletePortfolio(ctx context.Context, id int64) error
	// AddToPortfolio appends a credential to a portfolio with a note
	// (ErrDuplicate when it is there already).
	AddToPortfolio(ctx context.Context, portfolio, credential int64, note string) error
	// RemoveFromPortfolio takes a credential out of a portfolio.
	RemoveFromPortfolio(ctx context.Context, portfolio, credential int64) error
	// SetPortfolioNote replaces the note on a portfolio item.
	SetPortfolioNote(ctx context.Context, portfolio, credential int64, note string) error
	// ReorderPortfolio puts the items in the order of credentials, which
	// must hold each of the portfolio's credentials exactly once
	// (ErrInvalid otherwise).
	ReorderPortfolio(ctx context.Context, portfolio int64, credentials []int64) error

	// PutCached stores a fetched DID document or status list, replacing
	// what was cached under the same kind and key.
	PutCached(ctx context.Context, c Cached) error
	// Cached returns one cached document, or ErrNotFound.
	Cached(ctx context.Context, kind CacheKind, key string) (Cached, error)
	// CachedAll returns every cached document of a kind, by key.
	CachedAll(ctx context.Context, kind CacheKind) ([]Cached, error)

	// AddHolderKey stores a new holder key (ErrDuplicate for a DID the
	// wallet has).
	AddHolderKey(ctx context.Context, k HolderKey) error
	// HolderKey returns the key of a DID, or ErrNotFound.
	HolderKey(ctx context.Context, did string) (HolderKey, error)
	// HolderKeys returns every holder key in the order they were added.
	HolderKeys(ctx context.Context) ([]HolderKey, error)
	// ResealHolderKey replaces the sealed private key of a DID, as a
	// passphrase change does.
	ResealHolderKey(ctx context.Context, did string, sealed []byte) error

	// Enqueue appends an action to the sync queue and returns its id; ids
	// grow in the order actions are enqueued and are never reused.
	Enqueue(ctx context.Context, a Action) (int64, error)
	// Action returns one action, whatever its state.
	Action(ctx context.Context, id int64) (Action, error)
	// PendingActions returns up to limit pending actions, oldest first.
	PendingActions(ctx context.Context, limit int) ([]Action, error)
	// MarkDone marks a pending action done. It fails with ErrNotPending
	// when the action is done or abandoned already, so that of two
	// runners that both performed it, only one commits: the caller that
	// marks an action done in the same Tx as the action's local effects
	// gets those effects exactly once.
	MarkDone(ctx context.Context, id int64, at time.Time) error
	// MarkFailed records a failed attempt: the action stays pending, in
	// its place, with one more attempt and the reason.
	MarkFailed(ctx context.Context, id int64, at time.Time, reason string) error
	// Abandon gives up on a pending action: it will not be run again.
	Abandon(ctx context.Context, id int64, at time.Time, reason string) error

	// Setting returns a setting's value, or ErrNotFound.
	Setting(ctx context.Context, key string) (string, error)
	// SetSetting sets a setting.
	SetSetting(ctx context.Context, key, value string) error
}

// Errors callers branch on. Implementations wrap them with the operation
// and the id concerned.
var (
	// ErrNotFound: no credential, portfolio, item, cached document, key,
	// action or setting by that id.
	ErrNotFound = errors.New("not found")
	// ErrDuplicate: the wallet holds this already.
	ErrDuplicate = errors.New("already in the wallet")
	// ErrInUse: a credential that is in a portfolio cannot be deleted.
	ErrInUse = errors.New("in use")
	// ErrNotPending: the action is done or abandoned.
	ErrNotPending = errors.New("action is not pending")
	// ErrInvalid: a value breaks the store's rules (an unknown kind, an
	// empty name, bytes over a limit, a malformed cursor).
	ErrInvalid = errors.New("invalid")
)

// DuplicateError says which credential a new one duplicates.
type DuplicateError struct {
	// ID is the wallet id of the credential already stored.
	ID int64
	// Same is "id" when the credentials share their id, "bytes" when they
	// are byte for byte the same.
	Same string
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("credential already in the wallet as #%d (same %s)", e.ID, e.Same)
}

// Is makes errors.Is(err, ErrDuplicate) true.
func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// Limits on what the store accepts. The largest credential is an Open Badge
// baked into an image (verifier/baked.MaxImageBytes).
const (
	MaxCredentialBytes = 8 << 20
	MaxReportBytes     = 4 << 20
	MaxCachedBytes     = 16 << 20
	MaxPayloadBytes    = 1 << 20
	// MaxTextBytes bounds every other string a caller stores: titles,
	// descriptions, names, notes, settings.
	MaxTextBytes = 64 << 10
	// MaxListItems bounds the skills, credits and types of a credential.
	MaxListItems = 1000
)

// Kind is the kind of learning a credential records.
type Kind string

// Kinds of learning.
const (
	KindCollege        Kind = "college"
	KindAdultSchool    Kind = "adult-school"
	KindApprenticeship Kind = "apprenticeship"
	KindMilitary       Kind = "military"
	KindOther          Kind = "other"
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool {
	switch k {
	case KindCollege, KindAdultSchool, KindApprenticeship, KindMilitary, KindOther:
		return true
	}
	return false
}

// Status is what the last verification of a credential found.
type Status string

// Verification statuses.
const (
	// StatusUnchecked: never verified.
	StatusUnchecked Status = "unchecked"
	StatusVerified  Status = "verified"
	// StatusFailed: the last verification failed (a credential that
	// failed on arrival is only stored when the learner keeps it).
	StatusFailed Status = "failed"
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	switch s {
	case StatusUnchecked, StatusVerified, StatusFailed:
		return true
	}
	return false
}

// Entry is what the wallet knows about a credential without reading it
// again: what lists, searches and portfolios show.
type Entry struct {
	// ID is the wallet's own id for the credential, set by AddCredential.
	ID int64
	// Digest is the SHA-256 of the credential's bytes, set by
	// AddCredential.
	Digest [sha256.Size]byte
	// Format is how the credential is secured, as the verifier's report
	// names it (ldp_vc, jwt_vc_json, vc+sd-jwt, ...); Container is "png"
	// or "svg" for a baked Open Badge.
	Format    string
	Container string
	// CredentialID is the credential's own id (its "id" or "jti"), empty
	// when it has none.
	CredentialID string
	IssuerID     string
	IssuerName   string
	Types        []string
	Kind         Kind
	Title        string
	Description  string
	// IssuedAt and ExpiresAt are zero when the credential does not say.
	IssuedAt  time.Time
	ExpiresAt time.Time
	Skills    []Skill
	Credits   []Credit
	// Status and VerifiedAt are those of the last verification.
	Status     Status
	VerifiedAt time.Time
	// KeptUnverified is true when the learner kept the credential although
	// it did not verify.
	KeptUnverified bool
	AddedAt        time.Time
}

// Credential is a stored credential: its entry, the bytes exactly as
// received, and the last verification report.
type Credential struct {
	Entry
	Raw []byte
	// Report is the verifier's last report as JSON (verifier.Report).
	Report json.RawMessage
}

// Skill is a skill, competency or occupation a credential aligns to.
type Skill struct {
	Name      string `json:"name"`
	Code      string `json:"code,omitempty"`
	Framework string `json:"framework,omitempty"`
}

// Credit is community-college credit the learning was found equivalent to.
type Credit struct {
	// Course is the course code ("EMS 101"), Title its name.
	Course  string  `json:"course"`
	Title   string  `json:"title,omitempty"`
	College string  `json:"college,omitempty"`
	Units   float64 `json:"units,omitempty"`
	// Explanation says which equivalency table row granted the credit and
	// on what conditions.
	Explanation string `json:"explanation,omitempty"`
}

// Verification is the outcome of verifying a credential.
type Verification struct {
	Status Status
	At     time.Time
	Report json.RawMessage
}

// Digest returns the SHA-256 of a credential's bytes, by which the wallet
// recognises a credential it holds already.
func Digest(raw []byte) [sha256.Size]byte { return sha256.Sum256(raw) }

// Validate checks what AddCredential checks before storing c: bytes
// present and within MaxCredentialBytes, a valid Kind and Status, and
// bounded text and lists. Errors wrap ErrInvalid.
func (c *Credential) Validate() error {
	switch {
	case len(c.Raw) == 0:
		return invalid("credential has no bytes")
	case len(c.Raw) > MaxCredentialBytes:
		return invalid("credential is %d bytes, the limit is %d", len(c.Raw), MaxCredentialBytes)
	case len(c.Report) > MaxReportBytes:
		return invalid("report is %d bytes, the limit is %d", len(c.Report), MaxReportBytes)
	case !c.Kind.Valid():
		return invalid("unknown kind of learning %q", short(string(c.Kind)))
	case !c.Status.Valid():
		return invalid("unknown verification status %q", short(string(c.Status)))
	case len(c.Types) > MaxListItems || len(c.Skills) > MaxListItems || len(c.Credits) > MaxListItems:
		return invalid("more than %d types, skills or credits", MaxListItems)
	}
	texts := []string{c.Format, c.Container, c.CredentialID, c.IssuerID, c.IssuerName, c.Title, c.Description}
	texts = append(texts, c.Types...)
	for _, s := range c.Skills {
		texts = append(texts, s.Name, s.Code, s.Framework)
	}
	for _, k := range c.Credits {
		texts = append(texts, k.Course, k.Title, k.College, k.Explanation)
	}
	for _, s := range texts {
		if err := CheckText("credential field", s); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a verification's status and report size.
func (v Verification) Validate() error {
	if !v.Status.Valid() {
		return invalid("unknown verification status %q", short(string(v.Status)))
	}
	if len(v.Report) > MaxReportBytes {
		return invalid("report is %d bytes, the limit is %d", len(v.Report), MaxReportBytes)
	}
	return nil
}

// CheckText returns an error wrapping ErrInvalid when s is longer than
// MaxTextBytes; what names the value.
func CheckText(what, s string) error {
	if len(s) > MaxTextBytes {
		return invalid("%s is %d bytes, the limit is %d", what, len(s), MaxTextBytes)
	}
	return nil
}

// Query selects and pages credentials. Zero fields select everything.
type Query struct {
	// Text matches credentials by title, issuer name, description, skills
	// (names and codes) and equivalent courses (codes and titles). Every
	// word of Text must begin a word of one of those, ignoring case and
	// accents: "emerg med" finds "Emergency Medical Technician". Text is
	// words, not a query language: quotes, operators and punctuation are
	// separators (see SearchTerms).
	Text string
	Kind Kind
	// Issuer is an issuer id.
	Issuer string
	// Skill matches a skill name or code, ignoring case.
	Skill string
	// IssuedFrom and IssuedBefore bound the issued date: From ≤ issued <
	// Before. A credential without an issued date is left out when either
	// is set.
	IssuedFrom, IssuedBefore time.Time
	// Limit is the page size: 0 means DefaultLimit, at most MaxLimit.
	Limit int
	// After is the Next of the previous page; empty for the first.
	After string
}

// Page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = 500
	// MaxTerms is how many words of Query.Text are used.
	MaxTerms = 16
)

// Page is one page of search results, newest issued first: by the second
// of the issued date, and within one second the most recently added first;
// credentials without an issued date come last.
type Page struct {
	Entries []Entry
	// Next fetches the following page as Query.After; empty on the last
	// page. Paging is by position, not number: credentials added meanwhile
	// neither shift nor repeat the pages that follow.
	Next string
}

// Check validates the parts of q every store checks the same way.
func (q Query) Check() error {
	switch {
	case q.Limit < 0 || q.Limit > MaxLimit:
		return invalid("page size %d is not between 0 and %d", q.Limit, MaxLimit)
	case q.Kind != "" && !q.Kind.Valid():
		return invalid("unknown kind of learning %q", short(string(q.Kind)))
	}
	for _, s := range []string{q.Text, q.Issuer, q.Skill, q.After} {
		if err := CheckText("query", s); err != nil {
			return err
		}
	}
	return nil
}

// SearchTerms splits search text into lower-case words: runs of letters and
// digits. Everything else separates words. At most MaxTerms are returned.
func SearchTerms(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
	switch {
	case len(words) == 0:
		return nil
	case len(words) > MaxTerms:
		return words[:MaxTerms]
	}
	return words
}

// Portfolio is a named, ordered selection of credentials for one
// application, with a note for each.
type Portfolio struct {
	ID      int64
	Name    string
	Created time.Time
	Items   []PortfolioItem
}

// PortfolioItem is a credential in a portfolio and the learner's note on it.
type PortfolioItem struct {
	Entry
	Note string
}

// CacheKind is the kind of a cached document.
type CacheKind string

// Cached document kinds.
const (
	// CacheDIDDocument: a DID document, keyed by DID.
	CacheDIDDocument CacheKind = "did-document"
	// CacheStatusList: a status list credential, keyed by its URL.
	CacheStatusList CacheKind = "status-list"
)

// Valid reports whether k is one of the kinds above.
func (k CacheKind) Valid() bool { return k == CacheDIDDocument || k == CacheStatusList }

// Cached is a document the wallet fetched, kept so that credentials can be
// verified again offline.
type Cached struct {
	Kind CacheKind
	// Key is the DID or the status list URL.
	Key       string
	Data      []byte
	FetchedAt time.Time
}

// Validate checks the kind, the key and the size of the data.
func (c Cached) Validate() error {
	switch {
	case !c.Kind.Valid():
		return invalid("unknown cache kind %q", short(string(c.Kind)))
	case c.Key == "":
		return invalid("cached document has no key")
	case len(c.Data) == 0:
		return invalid("cached document %s is empty", short(c.Key))
	case len(c.Data) > MaxCachedBytes:
		return invalid("cached document is %d bytes, the limit is %d", len(c.Data), MaxCachedBytes)
	}
	return CheckText("cache key", c.Key)
}

// HolderKey is one of the holder's keys as stored: its did:key and the
// private key sealed under the learner's passphrase (see Keyring).
type HolderKey struct {
	DID     string
	Sealed  []byte
	Created time.Time
}

// Validate checks that the DID and the sealed key are there.
func (k HolderKey) Validate() error {
	switch {
	case k.DID == "":
		return invalid("holder key has no DID")
	case len(k.Sealed) == 0:
		return invalid("holder key has no sealed private key")
	case len(k.Sealed) > MaxTextBytes:
		return invalid("sealed key is %d bytes, the limit is %d", len(k.Sealed), MaxTextBytes)
	}
	return CheckText("DID", k.DID)
}

// ActionState is where an action is in the sync queue.
type ActionState string

// Action states.
const (
	ActionPending   ActionState = "pending"
	ActionDone      ActionState = "done"
	ActionAbandoned ActionState = "abandoned"
)

// Action is work that waits for the network: a status refresh, an
// OpenID4VP response to post, a credential offer to redeem.
type Action struct {
	ID int64
	// Kind names what to do; Payload is what the runner needs to do it.
	Kind     string
	Payload  []byte
	Enqueued time.Time
	State    ActionState
	Attempts int
	// LastError is the reason given with the last MarkFailed or Abandon.
	LastError   string
	LastAttempt time.Time
	// Finished is when the action was done or abandoned.
	Finished time.Time
}

// Validate checks an action about to be enqueued.
func (a Action) Validate() error {
	switch {
	case a.Kind == "":
		return invalid("action has no kind")
	case len(a.Payload) > MaxPayloadBytes:
		return invalid("action payload is %d bytes, the limit is %d", len(a.Payload), MaxPayloadBytes)
	}
	return CheckText("action kind", a.Kind)
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// short trims a value quoted in an error.
func short(s string) string {
	const n = 40
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
