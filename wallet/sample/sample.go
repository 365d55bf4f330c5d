package sample

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/transcript/samples"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/verifier/status"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

// File is the name of the wallet's database in the directory Build fills.
const File = "wallet.db"

// Learner is the sample learner whose wallet Build makes: Marcus Delgado,
// an Army combat medic on his way to an EMT job.
const Learner = "L-1001"

// Records of note in the sample wallet, by record ID.
const (
	// Medic is the Army Combat Medic Specialist course, worth EMS 101 and
	// KIN 120 at Sierra Vista.
	Medic = "JST-1001-AR-0709-0058"
	// Revoked was revoked by its issuer after it was imported.
	Revoked = "JST-1001-AR-MOS-68W-005"
	// Stale was last verified weeks ago.
	Stale = "SV-1001-BIOL20-FA25"
	// Untrusted comes from an issuer that is not in the wallet's trusted
	// registry; the learner kept it, marked not verified.
	Untrusted = "BFA-1001-CPR-1"
	// Apprenticeship is the OSHA 30 competency. The sample gives no learner
	// records of all four kinds, so the wallet adds a copy of Tomás Reyes's
	// (GSE-1004-OSHA30-CONST) as Marcus's.
	Apprenticeship = "GSE-1001-OSHA30-CONST"
)

// PortfolioName is the portfolio Build creates.
const PortfolioName = "EMT application, Sierra Vista Ambulance"

// RegistryName is the trusted registry Build loads.
const RegistryName = "eTranscript California institutions (sample)"

// Options are what Build does not decide itself.
type Options struct {
	// Now is the wallet's present: the records were issued two months
	// before it and verified just before it. Zero means time.Now.
	Now time.Time
	// Passphrase seals the holder key.
	Passphrase []byte
	// KDF seals it; zero means wallet.DefaultKDF (tests pass cheap costs).
	KDF wallet.KDFParams
}

// Wallet is what Build made.
type Wallet struct {
	// Path is the wallet's database.
	Path      string
	HolderDID string
	// Credentials maps each record's ID to the credential's wallet id.
	Credentials map[string]int64
	Portfolio   int64
}

// bayside is an issuer that no registry lists: its records verify in every
// way but trust.
var bayside = transcript.Institution{
	ID: "did:web:bayside-first-aid.example", Slug: "bayside-first-aid", Kind: transcript.AdultSchool,
	Name: "Bayside First Aid Academy (sample)", URL: "https://bayside-first-aid.example",
	Location:      transcript.Location{City: "Oakland", Region: "CA", Country: "US"},
	Accreditation: transcript.Identifier{Scheme: "AHA", Value: "SAMPLE-AHA-TC-0098"},
}

// Build makes the sample wallet in dir (created if needed), which must not
// hold one already. On error, the partly built wallet is removed.
func Build(ctx context.Context, dir string, opt Options) (out Wallet, err error) {
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Wallet{}, fmt.Errorf("sample wallet: %w", err)
	}
	path := filepath.Join(dir, File)
	if _, err := os.Stat(path); err == nil {
		return Wallet{}, fmt.Errorf("sample wallet: %s exists already", path)
	}
	st, err := sqlitestore.Open(ctx, path, sqlitestore.Options{})
	if err != nil {
		return Wallet{}, fmt.Errorf("sample wallet: %w", err)
	}
	defer func() {
		st.Close()
		if err != nil {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}
	}()
	b := builder{ctx: ctx, st: st, now: now, issued: now.AddDate(0, 0, -60), lists: map[string]*statusList{}}
	out, err = b.build(opt)
	if err != nil {
		return Wallet{}, fmt.Errorf("sample wallet: %w", err)
	}
	out.Path = path
	return out, nil
}

type builder struct {
	ctx    context.Context
	st     *sqlitestore.Store
	now    time.Time
	issued time.Time
	keys   map[string]ed25519.PrivateKey // by institution DID
	lists  map[string]*statusList        // by institution DID
}

// statusList is an institution's revocation list.
type statusList struct {
	url  string
	next uint64
	bits []byte
}

func (b *builder) build(opt Options) (Wallet, error) {
	set, err := samples.Load()
	if err != nil {
		return Wallet{}, err
	}
	eng, err := set.Engine()
	if err != nil {
		return Wallet{}, err
	}
	hk, err := (&wallet.Keyring{Store: b.st, KDF: opt.KDF, Now: func() time.Time { return b.issued }}).Create(b.ctx, opt.Passphrase)
	if err != nil {
		return Wallet{}, err
	}
	learner, ok := set.Learner(Learner)
	if !ok {
		return Wallet{}, fmt.Errorf("no sample learner %s", Learner)
	}
	learner.DID = hk.DID // the credentials are issued to the wallet's holder

	institutions := append([]transcript.Institution{}, set.Institutions...)
	institutions = append(institutions, bayside)
	b.keys = map[string]ed25519.PrivateKey{}
	registry := map[string]any{"name": RegistryName}
	var trusted []any
	for _, in := range institutions {
		if err := b.publishKey(in); err != nil {
			return Wallet{}, err
		}
		if in.ID != bayside.ID {
			trusted = append(trusted, map[string]any{"id": in.ID, "name": in.Name, "kind": in.Kind.Title(), "url": in.URL})
		}
	}
	registry["issuers"] = trusted
	raw, _ := json.Marshal(registry)
	if _, err := wallet.AddTrustedRegistry(b.ctx, b.st, raw, ""); err != nil {
		return Wallet{}, err
	}

	records, err := recordsOf(set)
	if err != nil {
		return Wallet{}, err
	}
	maps := eng.MapLearner(records, transcript.DateOf(b.issued))
	creds := map[string][]byte{}
	for i, r := range records {
		in := bayside
		if r.Institution != bayside.Slug {
			in, _ = set.Institution(r.Institution)
		}
		signed, err := b.credential(in, learner, r, maps[i], b.issued.Add(time.Duration(i)*time.Minute))
		if err != nil {
			return Wallet{}, err
		}
		creds[r.ID] = signed
	}
	for _, in := range set.Institutions {
		if err := b.publishList(in.ID, b.issued.Add(-time.Hour)); err != nil {
			return Wallet{}, err
		}
	}

	out := Wallet{HolderDID: hk.DID, Credentials: map[string]int64{}}
	for _, r := range records {
		at := b.now.Add(-2 * time.Hour)
		if r.ID == Stale {
			at = b.now.AddDate(0, 0, -45)
		}
		c, err := b.importAt(creds[r.ID], at, r.ID == Untrusted)
		if err != nil {
			return Wallet{}, fmt.Errorf("import %s: %w", r.ID, err)
		}
		out.Credentials[r.ID] = c.ID
	}

	// The JST office revokes one record (re-issued after a correction, say)
	// and the wallet hears of it through its cached status list.
	jst, _ := set.Institution("jst")
	if err := b.revoke(jst.ID, out.Credentials[Revoked]); err != nil {
		return Wallet{}, err
	}

	p, err := b.st.CreatePortfolio(b.ctx, PortfolioName, b.now.AddDate(0, 0, -1))
	if err != nil {
		return Wallet{}, err
	}
	for _, it := range []struct{ record, note string }{
		{Medic, "Sixteen weeks of emergency medical training; NREMT-B certified."},
		{"JST-1001-AR-MOS-68W-004", "Two years as a combat medic: patient assessment and emergency care."},
		{"HAS-1001-CNA-1", "Certified nurse assistant: 100 clinical hours."},
	} {
		if err := b.st.AddToPortfolio(b.ctx, p.ID, out.Credentials[it.record], it.note); err != nil {
			return Wallet{}, err
		}
	}
	out.Portfolio = p.ID
	return out, nil
}

// recordsOf is the learner's sample records, the borrowed apprenticeship
// competency and the record from an issuer no registry lists.
func recordsOf(set *samples.Set) ([]transcript.Record, error) {
	records := append([]transcript.Record{}, set.RecordsOf(Learner)...)
	var borrowed *transcript.Record
	for _, r := range set.RecordsOf("L-1004") {
		if r.ID == "GSE-1004-OSHA30-CONST" {
			r := r
			borrowed = &r
		}
	}
	if borrowed == nil || borrowed.Competency == nil {
		return nil, errors.New("the sample has no record GSE-1004-OSHA30-CONST")
	}
	comp := *borrowed.Competency
	borrowed.ID, borrowed.Learner, borrowed.Competency = Apprenticeship, Learner, &comp
	records = append(records, *borrowed, transcript.Record{
		ID: Untrusted, Kind: transcript.AdultSchool, Institution: bayside.Slug, Learner: Learner,
		Certificate: &transcript.Certificate{ProgramCode: "BFA-CPR", Program: "Heartsaver CPR AED", Hours: 4,
			Completed:   transcript.MustDate("2024-05-11"),
			Description: "Adult, child and infant CPR with an AED; four-hour classroom course with a skills test."},
	})
	return records, nil
}

// publishKey makes the institution's demonstration key and caches its
// did:web document, as a wallet that had fetched it would.
func (b *builder) publishKey(in transcript.Institution) error {
	seed := sha256.Sum256([]byte("satchel sample issuer key\x00" + in.ID))
	key := ed25519.NewKeyFromSeed(seed[:])
	b.keys[in.ID] = key
	mk, err := did.MultikeyEncode(key.Public())
	if err != nil {
		return err
	}
	vm := in.ID + "#key-1"
	doc, err := json.Marshal(map[string]any{
		"@context":           []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
		"id":                 in.ID,
		"verificationMethod": []any{map[string]any{"id": vm, "type": did.TypeMultikey, "controller": in.ID, "publicKeyMultibase": mk}},
		"assertionMethod":    []string{vm},
		"authentication":     []string{vm},
	})
	if err != nil {
		return err
	}
	base, err := transcript.DIDWebURL(in.ID)
	if err != nil {
		return err
	}
	b.lists[in.ID] = &statusList{url: base + "/status/1", bits: status.NewBitstring(status.MinBits)}
	return b.st.PutCached(b.ctx, wallet.Cached{Kind: wallet.CacheDIDDocument, Key: in.ID, Data: doc, FetchedAt: b.issued})
}

func (b *builder) signer(issuer string) proof.Signer {
	return proof.NewSigner(b.keys[issuer], issuer+"#key-1")
}

// credential builds and signs one record's credential, with an entry in its
// issuer's status list.
func (b *builder) credential(in transcript.Institution, l transcript.Learner, r transcript.Record, m transcript.Mapping, issued time.Time) ([]byte, error) {
	list := b.lists[in.ID]
	idx := list.next
	list.next++
	sum := sha256.Sum256([]byte("satchel sample credential\x00" + r.ID))
	sum[6], sum[8] = sum[6]&0x0f|0x40, sum[8]&0x3f|0x80 // a version 4 UUID's bits
	id := fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
	opt := transcript.BuildOptions{ID: id, Issued: issued}
	// Bayside publishes no status list: one it signed would fail trust too,
	// and the record should fail on trust alone.
	if in.ID != bayside.ID {
		opt.Status = &transcript.Status{ID: list.url + "#" + strconv.FormatUint(idx, 10), Type: status.TypeBitstringEntry,
			StatusPurpose: status.PurposeRevocation, StatusListIndex: strconv.FormatUint(idx, 10), StatusListCredential: list.url}
	}
	c, err := transcript.BuildAchievement(in, l, r, m, opt)
	if err != nil {
		return nil, err
	}
	return b.sign(in.ID, c, issued)
}

func (b *builder) sign(issuer string, v any, at time.Time) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	signed, err := proof.Sign(b.ctx, doc, b.signer(issuer), proof.Options{Created: at})
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(signed, "", "  ")
}

// publishList signs the institution's status list as of at and caches it.
func (b *builder) publishList(issuer string, at time.Time) error {
	list := b.lists[issuer]
	subject, err := status.ListSubject(list.url+"#list", status.PurposeRevocation, list.bits)
	if err != nil {
		return err
	}
	raw, err := b.sign(issuer, map[string]any{
		"@context":          []any{transcript.ContextVC2},
		"id":                list.url,
		"type":              []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":            issuer,
		"validFrom":         at.UTC().Format(time.RFC3339),
		"credentialSubject": subject,
	}, at)
	if err != nil {
		return err
	}
	return b.st.PutCached(b.ctx, wallet.Cached{Kind: wallet.CacheStatusList, Key: list.url, Data: raw, FetchedAt: at})
}

// importAt imports a credential as the wallet would have at that time.
func (b *builder) importAt(raw []byte, at time.Time, keep bool) (wallet.Credential, error) {
	vo, err := wallet.OfflineVerifier(b.ctx, b.st)
	if err != nil {
		return wallet.Credential{}, err
	}
	w := &wallet.Wallet{Store: b.st, Verifier: vo, Clock: func() time.Time { return at }}
	c, _, err := w.Import(b.ctx, raw, wallet.ImportOptions{KeepUnverified: keep})
	return c, err
}

// revoke sets the credential's bit in its issuer's list, caches the new list
// and verifies the credential again.
func (b *builder) revoke(issuer string, id int64) error {
	c, err := b.st.Credential(b.ctx, id)
	if err != nil {
		return err
	}
	var doc struct {
		Status transcript.Status `json:"credentialStatus"`
	}
	if err := json.Unmarshal(c.Raw, &doc); err != nil {
		return err
	}
	idx, err := strconv.ParseUint(doc.Status.StatusListIndex, 10, 64)
	if err != nil {
		return err
	}
	if err := status.Set(b.lists[issuer].bits, idx, true); err != nil {
		return err
	}
	if err := b.publishList(issuer, b.now.Add(-3*time.Hour)); err != nil {
		return err
	}
	vo, err := wallet.OfflineVerifier(b.ctx, b.st)
	if err != nil {
		return err
	}
	w := &wallet.Wallet{Store: b.st, Verifier: vo, Clock: func() time.Time { return b.now.Add(-time.Hour) }}
	_, rep, err := w.Recheck(b.ctx, id)
	if err != nil {
		return err
	}
	if rep.Verified {
		return fmt.Errorf("credential %d still verifies after revocation", id)
	}
	return nil
}
