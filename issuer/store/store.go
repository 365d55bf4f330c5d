// Package store defines where the issuer service keeps its state: the
// institutions it signs for and their sealed keys, API tokens (hashed),
// equivalency tables by version, learners, intake batches with their
// idempotency keys, every credential issued with its status-list entries,
// OpenID4VCI offers, and the append-only audit log.
//
// Store is the interface; issuer/store/sqlite (the embedded default) and
// issuer/store/postgres (a state-wide deployment with several service
// instances on one database) implement it, and issuer/store/storetest is
// the conformance suite both pass. The package holds no business rules —
// mapping, signing and status-list allocation policy are package issuer's —
// only the invariants a database can keep: uniqueness, atomic batches,
// one-time offers and an audit log that cannot be rewritten.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store is the issuer's storage. Each method of Ops, called on the Store,
// is atomic on its own; Tx runs several as one transaction. A Store is safe
// for concurrent use, also from several processes on one database.
//
// Times are kept to the microsecond and read back in UTC. Empty lists read
// back as nil.
type Store interface {
	Ops
	// Tx runs fn in one transaction: when fn returns nil all its writes
	// are committed together; when it returns an error or panics none are,
	// and Tx returns fn's error (a panic is re-raised). A process killed
	// during Tx leaves all or none of its writes.
	//
	// A method that fails inside fn changes nothing and leaves the
	// transaction usable: fn may carry on (implementations use savepoints
	// or conflict clauses where the database would abort the whole
	// transaction). Inside fn use only the Ops given to it, from fn's
	// goroutine, and not after fn returns.
	Tx(ctx context.Context, fn func(Ops) error) error
	// Ping checks that the database answers (for /healthz).
	Ping(ctx context.Context) error
	Close() error
}

// Ops are the issuer's reads and writes.
type Ops interface {
	// CreateInstitution adds an institution (ErrDuplicate for a slug or
	// DID in use).
	CreateInstitution(ctx context.Context, in Institution) error
	// Institution returns one institution by slug, or ErrNotFound.
	Institution(ctx context.Context, slug string) (Institution, error)
	// Institutions returns every institution, by slug.
	Institutions(ctx context.Context) ([]Institution, error)
	// UpdateInstitution replaces an institution's Name, Profile and
	// Format (Slug, DID and Created do not change); ErrNotFound.
	UpdateInstitution(ctx context.Context, in Institution) error

	// AddKey stores a signing key (ErrDuplicate for an (Owner, ID) pair in
	// use; ErrNotFound for an owner that is neither "" nor an
	// institution). When k.Active, every other key of the owner becomes
	// inactive, with Retired set to k.Created: that is a key rotation.
	AddKey(ctx context.Context, k Key) error
	// Keys returns an owner's keys, active and retired, oldest first.
	Keys(ctx context.Context, owner string) ([]Key, error)

	// AddToken stores an API token's hash (ErrDuplicate for a hash in
	// use, ErrNotFound for an unknown institution).
	AddToken(ctx context.Context, t Token) error
	// TokenByHash returns the token with this hash, or ErrNotFound.
	TokenByHash(ctx context.Context, hash []byte) (Token, error)

	// AddTable stores a version of an equivalency table (ErrDuplicate for
	// an (Institution, TableID, Version) in use).
	AddTable(ctx context.Context, t Table) error
	// Tables returns every version of every table of an institution, by
	// table ID then upload order.
	Tables(ctx context.Context, institution string) ([]Table, error)

	// PutLearner adds or replaces a learner of an institution. A DID once
	// set is kept when l.DID is empty.
	PutLearner(ctx context.Context, l Learner) error
	// Learner returns one learner, or ErrNotFound.
	Learner(ctx context.Context, institution, id string) (Learner, error)

	// AddBatch records an intake batch (ErrDuplicate when the institution
	// has a batch with the same non-empty IdempotencyKey, or the same ID).
	AddBatch(ctx context.Context, b Batch) error
	// BatchByKey returns the batch an institution sent with an
	// idempotency key, or ErrNotFound.
	BatchByKey(ctx context.Context, institution, key string) (Batch, error)

	// AddStatusList creates a status list (ErrDuplicate for an ID in use).
	AddStatusList(ctx context.Context, l StatusList) error
	// StatusList returns one list, or ErrNotFound.
	StatusList(ctx context.Context, id string) (StatusList, error)
	// StatusLists returns an institution's lists of one purpose, oldest
	// first.
	StatusLists(ctx context.Context, institution, purpose string) ([]StatusList, error)
	// ReserveIndices reserves, of the candidate indices, those that are
	// free in the list and within its Size, and returns them in the order
	// given (each at most once). A reserved index belongs to no credential
	// until AddCredential names it; one never named (the process died
	// between reserving and committing) stays reserved and unset, which
	// is harmless. ErrNotFound for an unknown list.
	ReserveIndices(ctx context.Context, list string, candidates []int64) ([]int64, error)
	// SetIndices returns the indices of a list whose bit is set, ascending,
	// and the list's Version they belong to.
	SetIndices(ctx context.Context, list string) ([]int64, int64, error)
	// PutListCredential stores the signed status list credential made
	// from Version version of a list. It keeps the newest: a version
	// older than the one stored is ignored (nil error).
	PutListCredential(ctx context.Context, list string, version int64, body []byte, signed time.Time) error
	// ListCredential returns the newest stored signed status list
	// credential and the version it was made from; ErrNotFound when none.
	ListCredential(ctx context.Context, list string) ([]byte, int64, error)

	// AddCredential stores an issued credential (ErrDuplicate for an ID in
	// use). Each of c.Status must name an index reserved in that list and
	// not yet used by a credential (ErrInvalid otherwise).
	AddCredential(ctx context.Context, c Credential) error
	// Credential returns one credential with its status, or ErrNotFound.
	Credential(ctx context.Context, id string) (Credential, error)
	// Credentials returns the credentials that match q, in issue order.
	Credentials(ctx context.Context, q CredentialQuery) ([]Credential, error)
	// SetStatus sets or clears the bit of a credential's entry of one
	// purpose and records the reason; the list's Version grows by one when
	// the bit changes, and not otherwise. ErrNotFound for an unknown
	// credential or one without an entry of that purpose.
	SetStatus(ctx context.Context, credential, purpose string, on bool, reason string, at time.Time) error

	// AddOffer stores a credential offer (ErrDuplicate for a code hash in
	// use).
	AddOffer(ctx context.Context, o Offer) error
	// OfferByCode returns an offer by the hash of its pre-authorised code.
	OfferByCode(ctx context.Context, codeHash []byte) (Offer, error)
	// OfferByToken returns an offer by the hash of its access token.
	OfferByToken(ctx context.Context, tokenHash []byte) (Offer, error)
	// RedeemOffer exchanges an offered code for an access token: it sets
	// TokenHash, Nonce, TokenExpires and State = OfferRedeemed. ErrUsed
	// when the offer is not in state OfferOffered (a code works once).
	RedeemOffer(ctx context.Context, codeHash, tokenHash []byte, nonce string, tokenExpires, at time.Time) error
	// SetOfferNonce replaces the nonce a redeemed offer expects in the
	// next proof of possession.
	SetOfferNonce(ctx context.Context, codeHash []byte, nonce string) error
	// DeliverCredential records that the credential offered as
	// offered was delivered as delivered (a copy bound to the holder's
	// DID, or offered itself). ErrUsed when offered was delivered
	// already; ErrNotFound when the offer does not carry it. The offer
	// becomes OfferDelivered when every credential it carries is.
	DeliverCredential(ctx context.Context, codeHash []byte, offered, delivered string, at time.Time) error

	// Audit appends an entry to the audit log; entries cannot be changed
	// or removed, by this interface or by SQL against the database.
	Audit(ctx context.Context, e AuditEntry) error
	// AuditLog returns an institution's entries ("" for every entry),
	// newest first, at most limit.
	AuditLog(ctx context.Context, institution string, limit int) ([]AuditEntry, error)
}

// Errors callers branch on; implementations wrap them with what was asked.
var (
	ErrNotFound  = errors.New("not found")
	ErrDuplicate = errors.New("already exists")
	// ErrUsed: a one-time code or delivery was used already.
	ErrUsed = errors.New("already used")
	// ErrInvalid: a value breaks the store's rules.
	ErrInvalid = errors.New("invalid")
)

// Institution is an institution the service signs for.
type Institution struct {
	Slug string // [a-z0-9-]{1,64}
	Kind string // transcript.Kind
	Name string
	DID  string // did:web:HOST:institutions:SLUG
	// Profile is the institution's transcript.Institution as JSON.
	Profile []byte
	// Format is how its credentials are secured: "di" (eddsa-rdfc-2022)
	// or "jwt" (VC-JOSE).
	Format  string
	Created time.Time
}

// Key is a signing key. Owner "" is the service itself.
type Key struct {
	Owner string
	// ID is the fragment of the verification method ("key-1").
	ID string
	// Type is "Ed25519" or "P-256".
	Type string
	// Public is the public JWK.
	Public []byte
	// Sealed is the private key encrypted by package issuer; the store
	// never sees it in clear.
	Sealed  []byte
	Active  bool
	Created time.Time
	// Retired is when a newer key replaced it (zero while active).
	Retired time.Time
}

// Token is an institution's API token, kept as a hash.
type Token struct {
	Hash        []byte // SHA-256 of the token
	Institution string
	Label       string
	Created     time.Time
}

// Table is one version of an equivalency table, as the JSON that
// transcript.ParseTableJSON reads.
type Table struct {
	Institution string
	TableID     string
	Version     string
	Body        []byte
	Uploaded    time.Time
}

// Learner is a learner of an institution.
type Learner struct {
	Institution string
	ID          string
	// Body is the transcript.Learner as JSON.
	Body    []byte
	DID     string
	Updated time.Time
}

// Batch is an intake batch: what was asked (hashed) and what was answered.
type Batch struct {
	ID             string
	Institution    string
	IdempotencyKey string
	// RequestHash is the SHA-256 of the request body and its media type:
	// a retry with the same key and a different body is refused.
	RequestHash []byte
	// Response is the JSON the service answered; a retry gets it again.
	Response []byte
	Records  int
	Created  time.Time
}

// Status-list purposes.
const (
	PurposeRevocation = "revocation"
	PurposeSuspension = "suspension"
)

// StatusList is one Bitstring Status List of an institution.
type StatusList struct {
	// ID is the list's path-safe identifier ("sierra-vista-revocation-1").
	ID          string
	Institution string
	Purpose     string
	// Size is the number of entries (bits), at least 131,072.
	Size int64
	// Reserved is how many indices are reserved or used (read only).
	Reserved int64
	// Version grows each time a bit changes (read only; starts at 0).
	Version int64
	Created time.Time
}

// StatusEntry is a credential's place in a status list.
type StatusEntry struct {
	List    string
	Purpose string
	Index   int64
	// Set is whether the bit is on (read only: SetStatus changes it).
	Set bool
}

// Credential kinds.
const (
	KindAchievement = "achievement"
	KindCLR         = "clr"
	// KindDocument is a credential an institution sent whole to be signed
	// (the VC-API's POST /credentials/issue).
	KindDocument = "document"
)

// Credential is a credential the service issued.
type Credential struct {
	ID          string // the credential's id, urn:uuid:…
	Institution string
	Learner     string
	// Record is the source record's ID; empty for a CLR.
	Record string
	Kind   string // KindAchievement, KindCLR or KindDocument
	Format string // "di" or "jwt"
	// Subject is the holder's DID it is bound to; empty when the subject
	// is an identity object.
	Subject string
	// Body is the signed credential exactly as delivered (JSON, or the
	// compact JWT).
	Body []byte
	// RecordBody and Mapping are the transcript.Record and
	// transcript.Mapping it was built from, as JSON (nil for a CLR).
	RecordBody []byte
	Mapping    []byte
	Batch      string // the batch that issued it ("" for one issued otherwise)
	Status     []StatusEntry
	// Reason is the reason given with the last status change.
	Reason string
	Issued time.Time
}

// Revoked reports whether the credential's revocation bit is set.
func (c Credential) Revoked() bool { return c.statusSet(PurposeRevocation) }

// Suspended reports whether the credential's suspension bit is set.
func (c Credential) Suspended() bool { return c.statusSet(PurposeSuspension) }

func (c Credential) statusSet(purpose string) bool {
	for _, e := range c.Status {
		if e.Purpose == purpose {
			return e.Set
		}
	}
	return false
}

// CredentialQuery selects credentials; empty fields match all.
type CredentialQuery struct {
	Institution string
	Learner     string
	Record      string
	Batch       string
	Kind        string
	// Limit bounds the answer (0: MaxList).
	Limit int
}

// MaxList bounds how many rows a list method returns at once.
const MaxList = 10000

// Offer states.
const (
	OfferOffered   = "offered"
	OfferRedeemed  = "redeemed"
	OfferDelivered = "delivered"
)

// Offer is an OpenID4VCI pre-authorised code offer of some credentials.
type Offer struct {
	CodeHash    []byte // SHA-256 of the pre-authorised code
	Institution string
	Learner     string
	Credentials []string // credential IDs offered, in order
	// Delivered maps an offered credential ID to the ID delivered for it
	// (read only; DeliverCredential sets it).
	Delivered map[string]string
	// TxCodeHash is the SHA-256 of the transaction code; nil when the offer
	// needs none.
	TxCodeHash   []byte
	Expires      time.Time
	State        string
	TokenHash    []byte
	Nonce        string
	TokenExpires time.Time
	Created      time.Time
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	// Seq is assigned by the store and grows (read only).
	Seq         int64
	At          time.Time
	Actor       string // "admin", "token:LABEL", "wallet:DID", "service"
	Action      string // "institution.create", "credential.issue", "credential.revoke", "key.rotate", "table.upload", ...
	Institution string
	Subject     string // what was acted on: a credential ID, key ID, table ID@version
	Request     string // the request ID
	Detail      string
}

// Check reports whether e can be stored.
func (e AuditEntry) Check() error {
	if e.Action == "" || e.Actor == "" || e.At.IsZero() {
		return fmt.Errorf("%w: an audit entry needs an action, an actor and a time", ErrInvalid)
	}
	return nil
}
