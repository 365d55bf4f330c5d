package issuer

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/satchel-wallet/satchel/issuer/store"
	"github.com/satchel-wallet/satchel/transcript"
	"github.com/satchel-wallet/satchel/verifier/did"
)

// OpenID for Verifiable Credential Issuance, pre-authorised code flow.
const (
	GrantPreAuthorized = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
	ProofTypeJWT       = "openid4vci-proof+jwt"
	OfferScheme        = "openid-credential-offer://"
	// ConfigOB3LDP and the others name what the service offers, in its
	// metadata's credential_configurations_supported.
	ConfigOB3LDP = "OpenBadgeCredential_ldp_vc"
	ConfigOB3JWT = "OpenBadgeCredential_jwt_vc_json"
	ConfigCLRLDP = "ClrCredential_ldp_vc"
	// maxTxCodeTries wrong transaction codes burn an offer.
	maxTxCodeTries = 5
	nonceTTL       = 5 * time.Minute
)

// OAuthError is an error answer of the token and credential endpoints, in
// the shape RFC 6749 and OpenID4VCI give it.
type OAuthError struct {
	Status      int    `json:"-"`
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	// CNonce is a fresh nonce after an invalid_proof.
	CNonce string `json:"c_nonce,omitempty"`
}

func (e *OAuthError) Error() string { return e.Code + ": " + e.Description }

func oauthErr(status int, code, format string, args ...any) *OAuthError {
	return &OAuthError{Status: status, Code: code, Description: fmt.Sprintf(format, args...)}
}

// Offer is a credential offer made for a learner.
type Offer struct {
	// URI is the openid-credential-offer:// link carrying the offer.
	URI string `json:"uri"`
	// URIByReference is the same offer by reference (credential_offer_uri):
	// a much shorter link, which the QR code holds so that a phone's
	// camera reads it easily.
	URIByReference string `json:"uriByReference"`
	// Offer is the credential offer object the URI carries.
	Offer json.RawMessage `json:"offer"`
	// TxCode is the transaction code to give the learner by another
	// channel (empty when the offer needs none).
	TxCode      string   `json:"txCode,omitempty"`
	Credentials []string `json:"credentials"`
	Expires     string   `json:"expires"`
}

// CreateOffer makes a pre-authorised code offer of credentials the
// institution issued to a learner: the ones named, or, when none are, every
// one in force (the first issued for each record, and transcripts). With
// txCode the learner must also type a six-digit code sent separately.
func (s *Service) CreateOffer(ctx context.Context, a Actor, slug, learner string, ids []string, txCode bool) (Offer, error) {
	row, _, err := s.institution(ctx, a, slug)
	if err != nil {
		return Offer{}, err
	}
	cs, err := s.db.Credentials(ctx, store.CredentialQuery{Institution: slug, Learner: learner})
	if err != nil {
		return Offer{}, storeErr("credentials of "+clip(learner), err)
	}
	byID := map[string]store.Credential{}
	seenRecord := map[string]bool{}
	var all []string
	for _, c := range cs {
		byID[c.ID] = c
		if c.Revoked() || (c.Record != "" && seenRecord[c.Record]) {
			continue
		}
		seenRecord[c.Record] = c.Record != ""
		all = append(all, c.ID)
	}
	if len(ids) == 0 {
		ids = all
	}
	if len(ids) == 0 {
		return Offer{}, fmt.Errorf("%w: %s has no credentials to offer", ErrConflict, clip(learner))
	}
	if len(ids) > 100 {
		return Offer{}, fmt.Errorf("%w: an offer carries at most 100 credentials", ErrInvalid)
	}
	var offered []store.Credential
	for _, id := range ids {
		c, ok := byID[id]
		if !ok {
			return Offer{}, fmt.Errorf("%w: credential %s of learner %s", ErrNotFound, clip(id), clip(learner))
		}
		if c.Revoked() {
			return Offer{}, fmt.Errorf("%w: credential %s is revoked", ErrConflict, id)
		}
		offered = append(offered, c)
	}
	code, err := s.randomToken(32)
	if err != nil {
		return Offer{}, err
	}
	var tx string
	var txHash []byte
	if txCode {
		if tx, err = s.digits(6); err != nil {
			return Offer{}, err
		}
		txHash = hashSecret(tx)
	}
	offerJSON, err := s.offerObject(code, offered, txCode, row.Name)
	if err != nil {
		return Offer{}, err
	}
	now := s.now()
	o := store.Offer{
		CodeHash: hashSecret(code), Institution: slug, Learner: learner, Credentials: ids, TxCodeHash: txHash,
		Expires: now.Add(s.cfg.OfferTTL), State: store.OfferOffered, Created: now,
	}
	err = s.db.Tx(ctx, func(ops store.Ops) error {
		if err := ops.AddOffer(ctx, o); err != nil {
			return err
		}
		return s.audit(ctx, ops, a, "offer.create", slug, learner, fmt.Sprintf("%d credentials", len(ids)))
	})
	if err != nil {
		return Offer{}, storeErr("store offer", err)
	}
	return Offer{
		URI:            OfferScheme + "?credential_offer=" + url.QueryEscape(string(offerJSON)),
		URIByReference: OfferScheme + "?credential_offer_uri=" + url.QueryEscape(s.offerURL(code)),
		Offer:          offerJSON, TxCode: tx, Credentials: ids, Expires: o.Expires.Format(timeFormat),
	}, nil
}

// offerURL is where an offer is served by reference. The pre-authorised
// code names it: the URL is exactly as secret as the code in an offer by
// value, and no other identifier needs storing.
func (s *Service) offerURL(code string) string {
	return s.base.String() + "/oid4vci/offers/" + url.PathEscape(code)
}

// offerObject is the credential offer of some credentials.
func (s *Service) offerObject(code string, offered []store.Credential, txCode bool, institution string) ([]byte, error) {
	configs := map[string]bool{}
	for _, c := range offered {
		configs[configOf(c)] = true
	}
	var configIDs []string
	for _, c := range []string{ConfigOB3LDP, ConfigOB3JWT, ConfigCLRLDP} {
		if configs[c] {
			configIDs = append(configIDs, c)
		}
	}
	grant := map[string]any{"pre-authorized_code": code}
	if txCode {
		grant["tx_code"] = map[string]any{"input_mode": "numeric", "length": 6,
			"description": "Enter the code " + institution + " sent you separately."}
	}
	return json.Marshal(map[string]any{
		"credential_issuer":            s.base.String(),
		"credential_configuration_ids": configIDs,
		"grants":                       map[string]any{GrantPreAuthorized: grant},
	})
}

// OfferObject serves an offer by reference (credential_offer_uri): the
// same object the offer by value carries, while the offer can still be
// redeemed (ErrNotFound after, or for a code never issued).
func (s *Service) OfferObject(ctx context.Context, code string) ([]byte, error) {
	o, err := s.db.OfferByCode(ctx, hashSecret(code))
	if err != nil || o.State != store.OfferOffered || s.now().After(o.Expires) {
		return nil, fmt.Errorf("%w: no offer to redeem here: it was redeemed, it expired, or the link is wrong", ErrNotFound)
	}
	row, err := s.db.Institution(ctx, o.Institution)
	if err != nil {
		return nil, storeErr("offer", err)
	}
	offered := make([]store.Credential, 0, len(o.Credentials))
	for _, id := range o.Credentials {
		c, err := s.db.Credential(ctx, id)
		if err != nil {
			return nil, storeErr("offered credential", err)
		}
		offered = append(offered, c)
	}
	return s.offerObject(code, offered, o.TxCodeHash != nil, row.Name)
}

func configOf(c store.Credential) string {
	switch {
	case c.Kind == store.KindCLR:
		return ConfigCLRLDP
	case c.Format == FormatJWT:
		return ConfigOB3JWT
	}
	return ConfigOB3LDP
}

// digits returns n random decimal digits.
func (s *Service) digits(n int) (string, error) {
	b := make([]byte, n)
	for i := range b {
		var r [1]byte
		for {
			if _, err := io.ReadFull(s.cfg.Rand, r[:]); err != nil {
				return "", err
			}
			if r[0] < 250 { // no modulo bias
				break
			}
		}
		b[i] = '0' + r[0]%10
	}
	return string(b), nil
}

// TokenResponse is the token endpoint's answer.
type TokenResponse struct {
	AccessToken          string                `json:"access_token"`
	TokenType            string                `json:"token_type"`
	ExpiresIn            int                   `json:"expires_in"`
	CNonce               string                `json:"c_nonce"`
	CNonceExpiresIn      int                   `json:"c_nonce_expires_in"`
	AuthorizationDetails []AuthorizationDetail `json:"authorization_details"`
}

// AuthorizationDetail lists the credentials a token may fetch.
type AuthorizationDetail struct {
	Type                    string   `json:"type"`
	CredentialConfiguration string   `json:"credential_configuration_id"`
	CredentialIdentifiers   []string `json:"credential_identifiers"`
}

// Token exchanges a pre-authorised code (and its transaction code) for an
// access token. A code works once.
func (s *Service) Token(ctx context.Context, grantType, code, txCode string) (TokenResponse, error) {
	if grantType != GrantPreAuthorized {
		return TokenResponse{}, oauthErr(400, "unsupported_grant_type", "only the pre-authorised code grant is supported")
	}
	if code == "" {
		return TokenResponse{}, oauthErr(400, "invalid_request", "pre-authorized_code is missing")
	}
	codeHash := hashSecret(code)
	o, err := s.db.OfferByCode(ctx, codeHash)
	if errors.Is(err, store.ErrNotFound) {
		return TokenResponse{}, oauthErr(400, "invalid_grant", "unknown pre-authorised code")
	}
	if err != nil {
		return TokenResponse{}, fmt.Errorf("token: %w", err)
	}
	now := s.now()
	switch {
	case o.State != store.OfferOffered:
		return TokenResponse{}, oauthErr(400, "invalid_grant", "this offer was redeemed already")
	case now.After(o.Expires):
		return TokenResponse{}, oauthErr(400, "invalid_grant", "this offer expired on %s", o.Expires.Format(timeFormat))
	case o.TxCodeHash != nil && txCode == "":
		return TokenResponse{}, oauthErr(400, "invalid_request", "this offer needs its transaction code (tx_code)")
	case o.TxCodeHash != nil && subtle.ConstantTimeCompare(hashSecret(txCode), o.TxCodeHash) != 1:
		return TokenResponse{}, s.wrongTxCode(ctx, o, now)
	}
	token, err := s.randomToken(32)
	if err != nil {
		return TokenResponse{}, err
	}
	nonce, err := s.randomToken(16)
	if err != nil {
		return TokenResponse{}, err
	}
	err = s.db.RedeemOffer(ctx, codeHash, hashSecret(token), nonce, now.Add(s.cfg.TokenTTL), now)
	if errors.Is(err, store.ErrUsed) {
		return TokenResponse{}, oauthErr(400, "invalid_grant", "this offer was redeemed already")
	}
	if err != nil {
		return TokenResponse{}, fmt.Errorf("token: %w", err)
	}
	cs := map[string][]string{}
	var order []string
	for _, id := range o.Credentials {
		c, err := s.db.Credential(ctx, id)
		if err != nil {
			return TokenResponse{}, storeErr("offered credential", err)
		}
		cfg := configOf(c)
		if cs[cfg] == nil {
			order = append(order, cfg)
		}
		cs[cfg] = append(cs[cfg], id)
	}
	resp := TokenResponse{AccessToken: token, TokenType: "Bearer", ExpiresIn: int(s.cfg.TokenTTL / time.Second),
		CNonce: nonce, CNonceExpiresIn: int(nonceTTL / time.Second)}
	for _, cfg := range order {
		resp.AuthorizationDetails = append(resp.AuthorizationDetails, AuthorizationDetail{
			Type: "openid_credential", CredentialConfiguration: cfg, CredentialIdentifiers: cs[cfg]})
	}
	return resp, nil
}

// wrongTxCode counts a wrong transaction code; the fifth burns the offer
// (it is redeemed for a token nobody holds), so six digits cannot be
// guessed online.
func (s *Service) wrongTxCode(ctx context.Context, o store.Offer, now time.Time) error {
	key := fmt.Sprintf("%x", o.CodeHash)
	v, _ := s.txTries.LoadOrStore(key, new(int32))
	if atomic.AddInt32(v.(*int32), 1) >= maxTxCodeTries {
		burn, err := s.randomToken(32)
		if err == nil {
			err = s.db.RedeemOffer(ctx, o.CodeHash, hashSecret(burn), "", now, now)
		}
		if err != nil && !errors.Is(err, store.ErrUsed) {
			return fmt.Errorf("token: %w", err)
		}
		s.txTries.Delete(key)
		return oauthErr(400, "invalid_grant", "too many wrong transaction codes: this offer is closed; ask the institution for a new one")
	}
	return oauthErr(400, "invalid_grant", "wrong transaction code")
}

// CredentialRequest is the credential endpoint's request body.
type CredentialRequest struct {
	CredentialIdentifier    string `json:"credential_identifier,omitempty"`
	CredentialConfiguration string `json:"credential_configuration_id,omitempty"`
	Format                  string `json:"format,omitempty"`
	Proof                   *struct {
		ProofType string `json:"proof_type"`
		JWT       string `json:"jwt"`
	} `json:"proof,omitempty"`
	Proofs *struct {
		JWT []string `json:"jwt"`
	} `json:"proofs,omitempty"`
}

// CredentialResponse is the credential endpoint's answer; it carries the
// credential both as OpenID4VCI 1.0 (credentials) and draft 13 (credential)
// wallets read it.
type CredentialResponse struct {
	Credentials     []map[string]json.RawMessage `json:"credentials"`
	Credential      json.RawMessage              `json:"credential"`
	Format          string                       `json:"format"`
	CNonce          string                       `json:"c_nonce"`
	CNonceExpiresIn int                          `json:"c_nonce_expires_in"`
}

// IssueCredential answers a credential request: it checks the access
// token and the holder's proof of possession, then delivers the offered
// credential bound to the holder's DID — an AchievementCredential whose
// subject was the learner's identity object is issued again for the DID,
// and the learner's DID is remembered for later credentials.
func (s *Service) IssueCredential(ctx context.Context, accessToken string, req CredentialRequest) (CredentialResponse, error) {
	if accessToken == "" {
		return CredentialResponse{}, oauthErr(401, "invalid_token", "send the access token as Authorization: Bearer")
	}
	o, err := s.db.OfferByToken(ctx, hashSecret(accessToken))
	if errors.Is(err, store.ErrNotFound) {
		return CredentialResponse{}, oauthErr(401, "invalid_token", "unknown access token")
	}
	if err != nil {
		return CredentialResponse{}, fmt.Errorf("credential: %w", err)
	}
	now := s.now()
	if now.After(o.TokenExpires) {
		return CredentialResponse{}, oauthErr(401, "invalid_token", "the access token expired")
	}
	offered, err := s.pick(ctx, o, req)
	if err != nil {
		return CredentialResponse{}, err
	}
	holder, err := s.checkProof(ctx, o, req, now)
	if err != nil {
		return CredentialResponse{}, err
	}
	c, err := s.db.Credential(ctx, offered)
	if err != nil {
		return CredentialResponse{}, storeErr("offered credential", err)
	}
	if c.Revoked() {
		return CredentialResponse{}, oauthErr(400, "credential_request_denied", "this credential was revoked")
	}
	delivered := c
	bind := c.Kind == store.KindAchievement && c.Subject != holder && c.RecordBody != nil
	if bind {
		if delivered, err = s.bindToHolder(ctx, c, holder, now); err != nil {
			return CredentialResponse{}, err
		}
	}
	nonce, err := s.randomToken(16)
	if err != nil {
		return CredentialResponse{}, err
	}
	err = s.db.Tx(ctx, func(ops store.Ops) error {
		if bind {
			if err := ops.AddCredential(ctx, delivered); err != nil {
				return err
			}
			l, err := ops.Learner(ctx, c.Institution, c.Learner)
			if err != nil {
				return err
			}
			l.DID, l.Updated = holder, now
			if err := ops.PutLearner(ctx, l); err != nil {
				return err
			}
		}
		if err := ops.DeliverCredential(ctx, o.CodeHash, offered, delivered.ID, now); err != nil {
			return err
		}
		if err := ops.SetOfferNonce(ctx, o.CodeHash, nonce); err != nil {
			return err
		}
		return ops.Audit(ctx, store.AuditEntry{At: now, Actor: "wallet:" + holder, Action: "credential.deliver",
			Institution: c.Institution, Subject: delivered.ID, Detail: "offered as " + offered})
	})
	if errors.Is(err, store.ErrUsed) {
		return CredentialResponse{}, oauthErr(400, "credential_request_denied", "credential %s was delivered already", offered)
	}
	if err != nil {
		return CredentialResponse{}, storeErr("deliver credential", err)
	}
	v := view(delivered)
	return CredentialResponse{
		Credentials: []map[string]json.RawMessage{{"credential": v.Credential}}, Credential: v.Credential,
		Format: formatName(delivered), CNonce: nonce, CNonceExpiresIn: int(nonceTTL / time.Second),
	}, nil
}

func formatName(c store.Credential) string {
	if c.Format == FormatJWT {
		return "jwt_vc_json"
	}
	return "ldp_vc"
}

// pick finds which offered credential a request asks for.
func (s *Service) pick(ctx context.Context, o store.Offer, req CredentialRequest) (string, error) {
	if req.CredentialIdentifier != "" {
		for _, id := range o.Credentials {
			if id == req.CredentialIdentifier {
				if _, done := o.Delivered[id]; done {
					return "", oauthErr(400, "credential_request_denied", "credential %s was delivered already", id)
				}
				return id, nil
			}
		}
		return "", oauthErr(400, "invalid_credential_request", "credential_identifier %q is not in this offer", clip(req.CredentialIdentifier))
	}
	// Without an identifier (older wallets), the next undelivered one of
	// the configuration or format asked for.
	for _, id := range o.Credentials {
		if _, done := o.Delivered[id]; done {
			continue
		}
		c, err := s.db.Credential(ctx, id)
		if err != nil {
			return "", storeErr("offered credential", err)
		}
		if req.CredentialConfiguration != "" && req.CredentialConfiguration != configOf(c) {
			continue
		}
		if req.Format != "" && req.Format != formatName(c) {
			continue
		}
		return id, nil
	}
	return "", oauthErr(400, "invalid_credential_request", "nothing left in this offer matches the request")
}

// checkProof verifies the holder's proof of possession: a JWT of type
// openid4vci-proof+jwt, signed by a did:key or did:jwk key, for this
// service (aud) with the nonce it handed out, made just now. It returns
// the holder's DID.
func (s *Service) checkProof(ctx context.Context, o store.Offer, req CredentialRequest, now time.Time) (string, error) {
	var token string
	switch {
	case req.Proof != nil && req.Proof.ProofType == "jwt":
		token = req.Proof.JWT
	case req.Proof != nil:
		return "", oauthErr(400, "invalid_proof", "proof_type %q: only jwt is supported", clip(req.Proof.ProofType))
	case req.Proofs != nil && len(req.Proofs.JWT) == 1:
		token = req.Proofs.JWT[0]
	case req.Proofs != nil:
		return "", oauthErr(400, "invalid_proof", "send exactly one jwt proof")
	default:
		return "", oauthErr(400, "invalid_proof", "a proof of possession of the holder's key is required")
	}
	fail := func(format string, args ...any) (string, error) {
		e := oauthErr(400, "invalid_proof", format, args...)
		if n, err := s.randomToken(16); err == nil && s.db.SetOfferNonce(ctx, o.CodeHash, n) == nil {
			e.CNonce = n
		}
		return "", e
	}
	if len(token) > 16<<10 {
		return fail("the proof is too long")
	}
	msg, err := jws.Parse([]byte(token))
	if err != nil || len(msg.Signatures()) != 1 {
		return fail("the proof is not a compact JWS")
	}
	h := msg.Signatures()[0].ProtectedHeaders()
	if h.Type() != ProofTypeJWT {
		return fail("the proof's typ is %q, want %s", clip(h.Type()), ProofTypeJWT)
	}
	alg := h.Algorithm()
	if alg != jwa.EdDSA && alg != jwa.ES256 {
		return fail("the proof's alg %s is not EdDSA or ES256", alg)
	}
	kid := h.KeyID()
	holder, _, _ := strings.Cut(kid, "#")
	if !strings.HasPrefix(holder, "did:key:") && !strings.HasPrefix(holder, "did:jwk:") {
		return fail("the proof's kid must be a did:key or did:jwk URL, not %q", clip(kid))
	}
	vm, err := did.ResolveMethod(ctx, &did.Local{}, kid, did.Authentication)
	if err != nil {
		return fail("the proof's key: %v", err)
	}
	payload, err := jws.Verify([]byte(token), jws.WithKey(alg, vm.PublicKey))
	if err != nil {
		return fail("the proof's signature does not verify")
	}
	var claims struct {
		Aud   any    `json:"aud"`
		Iat   int64  `json:"iat"`
		Nonce string `json:"nonce"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return fail("the proof's claims are not a JSON object")
	}
	if !audience(claims.Aud, s.base.String()) {
		return fail("the proof's aud must be %s", s.base.String())
	}
	if claims.Nonce == "" || subtle.ConstantTimeCompare([]byte(claims.Nonce), []byte(o.Nonce)) != 1 {
		return fail("the proof's nonce is not the c_nonce this service gave")
	}
	iat := time.Unix(claims.Iat, 0)
	if claims.Iat == 0 || iat.Before(now.Add(-nonceTTL)) || iat.After(now.Add(time.Minute)) {
		return fail("the proof's iat is not within the last %v", nonceTTL)
	}
	return holder, nil
}

func audience(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, x := range a {
			if x == want {
				return true
			}
		}
	}
	return false
}

// bindToHolder issues again, for the holder's DID, the achievement a
// credential documents (new id, new status entry, same record and mapping).
func (s *Service) bindToHolder(ctx context.Context, c store.Credential, holder string, now time.Time) (store.Credential, error) {
	row, err := s.db.Institution(ctx, c.Institution)
	if err != nil {
		return store.Credential{}, storeErr("institution", err)
	}
	var in transcript.Institution
	var r transcript.Record
	var m transcript.Mapping
	var l transcript.Learner
	lrow, err := s.db.Learner(ctx, c.Institution, c.Learner)
	if err != nil {
		return store.Credential{}, storeErr("learner", err)
	}
	for _, x := range []struct {
		raw []byte
		v   any
	}{{row.Profile, &in}, {c.RecordBody, &r}, {c.Mapping, &m}, {lrow.Body, &l}} {
		if err := json.Unmarshal(x.raw, x.v); err != nil {
			return store.Credential{}, fmt.Errorf("stored credential %s: %w", c.ID, err)
		}
	}
	l.DID = holder
	entries, err := s.allocate(ctx, c.Institution, store.PurposeRevocation, 1)
	if err != nil {
		return store.Credential{}, err
	}
	id, err := s.newURN()
	if err != nil {
		return store.Credential{}, err
	}
	built, err := transcript.BuildAchievement(in, l, r, m, transcript.BuildOptions{ID: id, Issued: now, Envelope: transcript.VC2, Status: s.statusEntry(entries[0])})
	if err != nil {
		return store.Credential{}, fmt.Errorf("rebuild %s: %w", c.ID, err)
	}
	doc, err := toMap(built)
	if err != nil {
		return store.Credential{}, err
	}
	signed, err := s.secure(ctx, c.Institution, row.DID, row.Format, doc, now)
	if err != nil {
		return store.Credential{}, err
	}
	out := c
	out.ID, out.Subject, out.Body, out.Batch, out.Status, out.Reason, out.Issued = id, holder, signed, "", entries, "", now
	return out, nil
}

// Metadata is the credential issuer metadata
// (/.well-known/openid-credential-issuer).
func (s *Service) Metadata() map[string]any {
	base := s.base.String()
	binding := []string{"did:key", "did:jwk"}
	proofs := map[string]any{"jwt": map[string]any{"proof_signing_alg_values_supported": []string{"EdDSA", "ES256"}}}
	ob3 := map[string]any{"@context": []string{transcript.ContextVC2, transcript.ContextOB3}, "type": []string{"VerifiableCredential", "OpenBadgeCredential"}}
	display := func(name string) []any {
		return []any{map[string]any{"name": name, "locale": "en-US"}, map[string]any{"name": name, "locale": "es-US"}}
	}
	return map[string]any{
		"credential_issuer":     base,
		"credential_endpoint":   base + "/oid4vci/credential",
		"token_endpoint":        base + "/oid4vci/token",
		"authorization_servers": []string{base},
		"display":               []any{map[string]any{"name": s.cfg.Name, "locale": "en-US"}},
		"credential_configurations_supported": map[string]any{
			ConfigOB3LDP: map[string]any{"format": "ldp_vc", "credential_definition": ob3,
				"cryptographic_binding_methods_supported": binding, "credential_signing_alg_values_supported": []string{"eddsa-rdfc-2022"},
				"proof_types_supported": proofs, "display": display("Open Badge")},
			ConfigOB3JWT: map[string]any{"format": "jwt_vc_json", "credential_definition": map[string]any{"type": ob3["type"]},
				"cryptographic_binding_methods_supported": binding, "credential_signing_alg_values_supported": []string{"EdDSA", "ES256"},
				"proof_types_supported": proofs, "display": display("Open Badge")},
			ConfigCLRLDP: map[string]any{"format": "ldp_vc", "credential_definition": map[string]any{
				"@context": []string{transcript.ContextVC2, transcript.ContextCLR2}, "type": []string{"VerifiableCredential", "ClrCredential"}},
				"cryptographic_binding_methods_supported": binding, "credential_signing_alg_values_supported": []string{"eddsa-rdfc-2022"},
				"proof_types_supported": proofs, "display": display("Comprehensive Learner Record")},
		},
	}
}

// AuthorizationServerMetadata is RFC 8414 metadata for the token endpoint
// (/.well-known/oauth-authorization-server).
func (s *Service) AuthorizationServerMetadata() map[string]any {
	base := s.base.String()
	return map[string]any{
		"issuer":         base,
		"token_endpoint": base + "/oid4vci/token",
		"pre-authorized_grant_anonymous_access_supported": true,
		"grant_types_supported":                           []string{GrantPreAuthorized},
	}
}
