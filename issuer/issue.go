package issuer

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/satchel-wallet/satchel/issuer/intake"
	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
)

// Credential is an issued credential as the API shows it.
type Credential struct {
	ID          string `json:"id"`
	Institution string `json:"institution"`
	Learner     string `json:"learner"`
	Record      string `json:"record,omitempty"`
	Kind        string `json:"kind"`
	Format      string `json:"format"`
	Subject     string `json:"subject,omitempty"`
	Issued      string `json:"issued"`
	Revoked     bool   `json:"revoked"`
	Suspended   bool   `json:"suspended"`
	Reason      string `json:"reason,omitempty"`
	// Credential is the signed credential: a JSON object, or a JSON string
	// holding the compact JWT.
	Credential json.RawMessage `json:"credential"`
}

func view(c store.Credential) Credential {
	out := Credential{
		ID: c.ID, Institution: c.Institution, Learner: c.Learner, Record: c.Record, Kind: c.Kind, Format: c.Format,
		Subject: c.Subject, Issued: c.Issued.Format(timeFormat), Revoked: c.Revoked(), Suspended: c.Suspended(), Reason: c.Reason,
	}
	if c.Format == FormatJWT {
		out.Credential, _ = json.Marshal(string(c.Body))
	} else {
		out.Credential = c.Body
	}
	return out
}

// Credential returns one of an institution's credentials.
func (s *Service) Credential(ctx context.Context, a Actor, slug, id string) (Credential, error) {
	if _, _, err := s.institution(ctx, a, slug); err != nil {
		return Credential{}, err
	}
	c, err := s.db.Credential(ctx, id)
	if err != nil || c.Institution != slug {
		return Credential{}, fmt.Errorf("%w: credential %s of %s", ErrNotFound, clip(id), slug)
	}
	return view(c), nil
}

// LearnerCredentials lists what an institution issued to one learner.
func (s *Service) LearnerCredentials(ctx context.Context, a Actor, slug, learner string) ([]Credential, error) {
	if _, _, err := s.institution(ctx, a, slug); err != nil {
		return nil, err
	}
	cs, err := s.db.Credentials(ctx, store.CredentialQuery{Institution: slug, Learner: learner})
	if err != nil {
		return nil, storeErr("credentials of "+clip(learner), err)
	}
	out := make([]Credential, 0, len(cs))
	for _, c := range cs {
		out = append(out, view(c))
	}
	return out, nil
}

// BatchResult is the answer to an intake batch: per record, the credits
// granted and why, or why none, and the credential that documents it.
type BatchResult struct {
	Batch       string         `json:"batch"`
	Institution string         `json:"institution"`
	Issued      int            `json:"issued"`
	Records     []RecordResult `json:"records"`
	// Replayed is set when the answer is the stored one of an earlier
	// request with the same Idempotency-Key.
	Replayed bool `json:"-"`
}

// RecordResult is what became of one record.
type RecordResult struct {
	Index   int    `json:"index"`
	Record  string `json:"record"`
	Learner string `json:"learner"`
	Title   string `json:"title"`
	// Credential is the id of the AchievementCredential issued for it.
	Credential string `json:"credential"`
	// Existing is set when the record was issued before (re-sending a
	// record does not make a second credential).
	Existing  bool                  `json:"existing,omitempty"`
	Units     float64               `json:"units"`
	Grants    []transcript.Grant    `json:"grants"`
	Decisions []transcript.Decision `json:"decisions,omitempty"`
	Reason    string                `json:"reason,omitempty"`
	Skills    []transcript.Skill    `json:"skills,omitempty"`
}

// IntakeError is an intake batch refused whole: per record, what is wrong.
type IntakeError = intake.Errors

// Submit takes a batch of an institution's records (JSON, CSV or PESC
// College Transcript XML), maps each with the institution's tables as of
// today, and issues one signed, self-checked AchievementCredential per new
// record. The batch is atomic: a bad record refuses it whole (an
// *IntakeError naming each record and field) and nothing is stored or
// issued. A retry with the same idempotency key and body gets the first
// answer again; with another body it is an ErrConflict.
func (s *Service) Submit(ctx context.Context, a Actor, slug, mediaType string, body []byte, idemKey string) (BatchResult, error) {
	row, in, err := s.institution(ctx, a, slug)
	if err != nil {
		return BatchResult{}, err
	}
	if len(idemKey) > 200 {
		return BatchResult{}, fmt.Errorf("%w: an Idempotency-Key is at most 200 bytes", ErrInvalid)
	}
	h := sha256.New()
	h.Write([]byte(mediaTypeOf(mediaType) + "\n"))
	h.Write(body)
	reqHash := h.Sum(nil)
	if idemKey != "" {
		if res, ok, err := s.replay(ctx, slug, idemKey, reqHash); ok || err != nil {
			return res, err
		}
	}
	batch, err := intake.Parse(in, mediaType, body)
	if err != nil {
		var ie *intake.Errors
		if errors.As(err, &ie) || errors.Is(err, intake.ErrMediaType) {
			return BatchResult{}, err
		}
		return BatchResult{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	eng, err := s.engine(ctx, slug)
	if err != nil {
		return BatchResult{}, err
	}
	now := s.now()
	asOf := transcript.DateOf(now)
	batchID, err := s.newURN()
	if err != nil {
		return BatchResult{}, err
	}
	res := BatchResult{Batch: batchID, Institution: slug, Records: make([]RecordResult, len(batch.Records))}

	learners := map[string]transcript.Learner{}
	known := map[string]bool{} // learners the institution sent before
	for _, l := range batch.Learners {
		stored, err := s.db.Learner(ctx, slug, l.ID)
		switch {
		case err == nil:
			known[l.ID] = true
			if l.DID == "" {
				l.DID = stored.DID // a DID the learner's wallet showed us is kept
			}
		case !errors.Is(err, store.ErrNotFound):
			return BatchResult{}, storeErr("learner "+l.ID, err)
		}
		learners[l.ID] = l
	}
	// Map each learner's records together with what was issued to them
	// before, so that a course is granted once per learner across batches.
	type pending struct {
		index   int
		record  transcript.Record
		mapping transcript.Mapping
		doc     map[string]any
		entry   store.StatusEntry
		id      string
	}
	var todo []*pending
	byLearner := map[string][]int{}
	for i, r := range batch.Records {
		byLearner[r.Learner] = append(byLearner[r.Learner], i)
	}
	ids := make([]string, 0, len(byLearner))
	for id := range byLearner {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, lid := range ids {
		prior := map[string]priorRecord{}
		if known[lid] {
			if prior, err = s.issuedRecords(ctx, slug, lid); err != nil {
				return BatchResult{}, err
			}
		}
		all := make([]transcript.Record, 0, len(prior)+len(byLearner[lid]))
		for _, p := range prior {
			all = append(all, p.record)
		}
		for _, i := range byLearner[lid] {
			if _, dup := prior[batch.Records[i].ID]; !dup {
				all = append(all, batch.Records[i])
			}
		}
		mappings := map[string]transcript.Mapping{}
		for _, m := range eng.MapLearner(all, asOf) {
			mappings[m.Record] = m
		}
		for _, i := range byLearner[lid] {
			r := batch.Records[i]
			rr := RecordResult{Index: i, Record: r.ID, Learner: lid, Title: r.Title()}
			if p, dup := prior[r.ID]; dup {
				rr.Credential, rr.Existing = p.credential, true
				fillMapping(&rr, p.mapping)
				res.Records[i] = rr
				continue
			}
			m := mappings[r.ID]
			fillMapping(&rr, m)
			res.Records[i] = rr
			todo = append(todo, &pending{index: i, record: r, mapping: m})
		}
	}

	entries, err := s.allocate(ctx, slug, store.PurposeRevocation, len(todo))
	if err != nil {
		return BatchResult{}, err
	}
	creds := make([]store.Credential, 0, len(todo))
	// The signer and its DID document, read once for the batch (read after
	// the signer, the document holds its key).
	var signer proof.Signer
	var issuerDoc *did.Document
	if len(todo) > 0 {
		if signer, _, err = s.activeSigner(ctx, s.db, slug, row.DID); err != nil {
			return BatchResult{}, fmt.Errorf("sign: %w", err)
		}
		if issuerDoc, err = (resolver{s: s}).Resolve(ctx, row.DID); err != nil {
			return BatchResult{}, fmt.Errorf("sign: %w", err)
		}
	}
	for k, p := range todo {
		p.entry = entries[k]
		if p.id, err = s.newURN(); err != nil {
			return BatchResult{}, err
		}
		salt, err := s.randomToken(16)
		if err != nil {
			return BatchResult{}, err
		}
		l := learners[p.record.Learner]
		c, err := transcript.BuildAchievement(in, l, p.record, p.mapping, transcript.BuildOptions{
			ID: p.id, Issued: now, Envelope: transcript.VC2, Salt: salt, Status: s.statusEntry(p.entry),
		})
		if err != nil {
			return BatchResult{}, fmt.Errorf("%w: record %d (%s): %v", ErrInvalid, p.index, p.record.ID, err)
		}
		doc, err := toMap(c)
		if err != nil {
			return BatchResult{}, err
		}
		signed, err := s.secureWith(ctx, signer, row.Format, doc, now, issuerDoc)
		if err != nil {
			return BatchResult{}, fmt.Errorf("record %d (%s): %w", p.index, p.record.ID, err)
		}
		recJSON, _ := json.Marshal(p.record)
		mapJSON, _ := json.Marshal(p.mapping)
		creds = append(creds, store.Credential{
			ID: p.id, Institution: slug, Learner: p.record.Learner, Record: p.record.ID, Kind: store.KindAchievement,
			Format: row.Format, Subject: l.DID, Body: signed, RecordBody: recJSON, Mapping: mapJSON, Batch: batchID,
			Status: []store.StatusEntry{p.entry}, Issued: now,
		})
		res.Records[p.index].Credential = p.id
	}
	res.Issued = len(creds)
	response, err := json.Marshal(res)
	if err != nil {
		return BatchResult{}, err
	}
	err = s.db.Tx(ctx, func(ops store.Ops) error {
		for _, lid := range ids {
			l := learners[lid]
			lj, _ := json.Marshal(l)
			if err := ops.PutLearner(ctx, store.Learner{Institution: slug, ID: lid, Body: lj, DID: l.DID, Updated: now}); err != nil {
				return err
			}
		}
		if err := ops.AddBatch(ctx, store.Batch{
			ID: batchID, Institution: slug, IdempotencyKey: idemKey, RequestHash: reqHash, Response: response,
			Records: len(batch.Records), Created: now,
		}); err != nil {
			return err
		}
		for _, c := range creds {
			if err := ops.AddCredential(ctx, c); err != nil {
				return err
			}
		}
		return s.audit(ctx, ops, a, "batch.submit", slug, batchID, fmt.Sprintf("%d records, %d credentials issued", len(batch.Records), len(creds)))
	})
	if errors.Is(err, store.ErrDuplicate) && idemKey != "" {
		// A concurrent retry with the same key won the race: answer as it did.
		if res, ok, rerr := s.replay(ctx, slug, idemKey, reqHash); ok || rerr != nil {
			return res, rerr
		}
	}
	if err != nil {
		return BatchResult{}, storeErr("store batch", err)
	}
	s.log.InfoContext(ctx, "batch issued", "institution", slug, "batch", batchID, "records", len(batch.Records), "issued", len(creds), "request", a.Request)
	return res, nil
}

func fillMapping(rr *RecordResult, m transcript.Mapping) {
	rr.Units, rr.Grants, rr.Decisions, rr.Reason, rr.Skills = m.Units(), m.Grants, m.Decisions, m.Reason, m.Skills
	if rr.Grants == nil {
		rr.Grants = []transcript.Grant{}
	}
}

// replay answers a retried batch from what was stored.
func (s *Service) replay(ctx context.Context, slug, key string, reqHash []byte) (BatchResult, bool, error) {
	b, err := s.db.BatchByKey(ctx, slug, key)
	if errors.Is(err, store.ErrNotFound) {
		return BatchResult{}, false, nil
	}
	if err != nil {
		return BatchResult{}, false, storeErr("idempotency key", err)
	}
	if string(b.RequestHash) != string(reqHash) {
		return BatchResult{}, false, fmt.Errorf("%w: Idempotency-Key %q was used for a different request", ErrConflict, clip(key))
	}
	var res BatchResult
	if err := json.Unmarshal(b.Response, &res); err != nil {
		return BatchResult{}, false, fmt.Errorf("stored batch %s: %w", b.ID, err)
	}
	res.Replayed = true
	return res, true, nil
}

type priorRecord struct {
	record     transcript.Record
	mapping    transcript.Mapping
	credential string
}

// issuedRecords returns the records issued to a learner before, by record
// ID, with the first credential issued for each.
func (s *Service) issuedRecords(ctx context.Context, slug, learner string) (map[string]priorRecord, error) {
	cs, err := s.db.Credentials(ctx, store.CredentialQuery{Institution: slug, Learner: learner, Kind: store.KindAchievement})
	if err != nil {
		return nil, storeErr("credentials of "+learner, err)
	}
	out := map[string]priorRecord{}
	for _, c := range cs {
		if c.Record == "" || c.RecordBody == nil {
			continue
		}
		if _, seen := out[c.Record]; seen {
			continue
		}
		var p priorRecord
		if err := json.Unmarshal(c.RecordBody, &p.record); err != nil {
			return nil, fmt.Errorf("stored record of %s: %w", c.ID, err)
		}
		if err := json.Unmarshal(c.Mapping, &p.mapping); err != nil {
			return nil, fmt.Errorf("stored mapping of %s: %w", c.ID, err)
		}
		p.credential = c.ID
		out[c.Record] = p
	}
	return out, nil
}

// toMap turns a built credential into the JSON object the signers take.
func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}
