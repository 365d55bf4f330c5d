package wallet

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/satchel-wallet/satchel/verifier/proof"
)

// ProofTypeJWT is the typ of the holder's proof of possession.
const ProofTypeJWT = "openid4vci-proof+jwt"

// ResolveOffer fetches an offer by reference (credential_offer_uri); an
// offer by value is returned as it is.
func ResolveOffer(ctx context.Context, o Offer, opt NetOptions) (Offer, error) {
	if !o.ByReference() {
		return o, nil
	}
	if _, err := checkURL(o.URI, opt.LoopbackHTTP); err != nil {
		return Offer{}, fmt.Errorf("fetch the offer: %w", err)
	}
	x, err := opt.do(ctx, http.MethodGet, o.URI, "", nil, http.Header{"Accept": {"application/json"}}, MaxOfferBytes)
	if err != nil {
		return Offer{}, fmt.Errorf("fetch the offer: %w", err)
	}
	if x.Status != http.StatusOK {
		return Offer{}, fmt.Errorf("fetch the offer: %w", remoteError(http.MethodGet, o.URI, x))
	}
	got, err := ParseOffer(string(x.Body))
	if err != nil {
		return Offer{}, fmt.Errorf("fetch the offer: %w", err)
	}
	if got.ByReference() {
		return Offer{}, fmt.Errorf("fetch the offer: %w: credential_offer_uri answered with another reference", ErrBadOffer)
	}
	got.URI = o.URI
	return got, nil
}

// redeemPayload is an offer.redeem action: the offer as received and the
// transaction code. The code is kept in the wallet's file until the action
// runs; it is useless without the offer, which the file holds anyway.
type redeemPayload struct {
	Offer    json.RawMessage `json:"offer,omitempty"`
	OfferURI string          `json:"offerUri,omitempty"`
	TxCode   string          `json:"txCode,omitempty"`
}

// RedeemOffer receives the credentials of a pre-authorised code offer
// (OpenID4VCI): it reads the issuer's metadata, exchanges the code (and
// transaction code) for an access token, and asks for each credential with
// a proof that the holder controls its key, so that the issuer binds the
// credentials to the holder's DID. Before storing anything it fetches what
// the credentials need to be verified offline — their issuers' did:web
// documents and the status lists they name — and then verifies and stores
// them all, or none: one refused credential refuses the redemption.
//
// When the network fails before the issuer has answered the token request,
// the redemption is put in the sync queue (action "offer.redeem") and the
// error is a *QueuedError (errors.Is ErrQueued); RunQueue tries again.
// After that the code is spent, and a failure is final.
func (w *Wallet) RedeemOffer(ctx context.Context, offer Offer, txCode string, holder proof.Signer, opt NetOptions) ([]Credential, error) {
	if err := w.checkRedeemable(offer, txCode, holder); err != nil {
		return nil, err
	}
	creds, spent, err := w.redeem(ctx, offer, txCode, holder, opt, nil)
	if err == nil || spent || !transient(err) {
		return creds, err
	}
	id, qerr := w.enqueueRedeem(ctx, offer, txCode)
	if qerr != nil {
		return nil, fmt.Errorf("%w (and it could not be queued: %v)", err, qerr)
	}
	return nil, &QueuedError{Action: id, Kind: ActionRedeemOffer, Cause: err}
}

func (w *Wallet) checkRedeemable(offer Offer, txCode string, holder proof.Signer) error {
	if holder == nil {
		return fmt.Errorf("redeem offer: %w: the holder's key is needed (unlock it)", ErrInvalid)
	}
	if offer.Raw == nil && offer.URI == "" {
		return fmt.Errorf("redeem offer: %w: empty offer", ErrBadOffer)
	}
	if !offer.ByReference() {
		return offer.CheckTxCode(txCode)
	}
	return nil
}

func (w *Wallet) enqueueRedeem(ctx context.Context, offer Offer, txCode string) (int64, error) {
	p := redeemPayload{TxCode: txCode}
	if offer.ByReference() {
		p.OfferURI = offer.URI
	} else {
		p.Offer = offer.Raw
	}
	b, err := json.Marshal(p)
	if err != nil {
		return 0, err
	}
	return w.Store.Enqueue(ctx, Action{Kind: ActionRedeemOffer, Payload: b, Enqueued: w.now()})
}

// issuerMetadata is what the wallet reads of the credential issuer
// metadata.
type issuerMetadata struct {
	CredentialIssuer     string   `json:"credential_issuer"`
	CredentialEndpoint   string   `json:"credential_endpoint"`
	TokenEndpoint        string   `json:"token_endpoint"`
	NonceEndpoint        string   `json:"nonce_endpoint"`
	AuthorizationServers []string `json:"authorization_servers"`
}

type tokenResponse struct {
	AccessToken          string `json:"access_token"`
	TokenType            string `json:"token_type"`
	CNonce               string `json:"c_nonce"`
	AuthorizationDetails []struct {
		Type                    string   `json:"type"`
		CredentialConfiguration string   `json:"credential_configuration_id"`
		CredentialIdentifiers   []string `json:"credential_identifiers"`
	} `json:"authorization_details"`
}

type credentialResponse struct {
	Credentials []struct {
		Credential json.RawMessage `json:"credential"`
	} `json:"credentials"`
	Credential    json.RawMessage `json:"credential"`
	TransactionID string          `json:"transaction_id"`
	CNonce        string          `json:"c_nonce"`
}

// redeem runs the protocol. spent says whether the issuer has answered the
// token request (after which the offer cannot be redeemed again). commit,
// when not nil, runs inside the transaction that stores the credentials
// (the sync queue marks its action done there).
func (w *Wallet) redeem(ctx context.Context, offer Offer, txCode string, holder proof.Signer, opt NetOptions, commit func(Ops) error) ([]Credential, bool, error) {
	fail := func(spent bool, err error) ([]Credential, bool, error) {
		return nil, spent, fmt.Errorf("redeem offer: %w", err)
	}
	offer, err := ResolveOffer(ctx, offer, opt)
	if err != nil {
		return fail(false, err)
	}
	if err := offer.CheckTxCode(txCode); err != nil {
		return fail(false, err)
	}
	issuer := offer.CredentialIssuer
	if _, err := checkURL(issuer, opt.LoopbackHTTP); err != nil {
		return fail(false, err)
	}
	meta, err := fetchIssuerMetadata(ctx, issuer, opt)
	if err != nil {
		return fail(false, err)
	}
	tokenURL := meta.TokenEndpoint
	if tokenURL == "" {
		if tokenURL, err = tokenEndpoint(ctx, offer, meta, opt); err != nil {
			return fail(false, err)
		}
	}
	form := url.Values{"grant_type": {GrantPreAuthorized}, "pre-authorized_code": {offer.PreAuthorizedCode}}
	if txCode != "" {
		form.Set("tx_code", txCode)
	}
	x, err := opt.do(ctx, http.MethodPost, tokenURL, "application/x-www-form-urlencoded", []byte(form.Encode()), nil, maxSmallBytes)
	if err != nil {
		return fail(false, fmt.Errorf("token: %w", err))
	}
	if x.Status != http.StatusOK {
		// A server error (5xx) did not spend the code, as far as the
		// wallet can tell: worth queueing.
		rerr := remoteError(http.MethodPost, tokenURL, x)
		return fail(!transient(rerr), fmt.Errorf("token: %w", rerr))
	}
	var tok tokenResponse
	if err := json.Unmarshal(x.Body, &tok); err != nil || tok.AccessToken == "" || !strings.EqualFold(tok.TokenType, "bearer") {
		return fail(true, fmt.Errorf("%w: the token response has no bearer access_token", ErrBadResponse))
	}
	// What to ask for: the identifiers the token lists, or else one
	// credential of each configuration offered.
	type ask struct{ id, config string }
	var asks []ask
	for _, d := range tok.AuthorizationDetails {
		for _, id := range d.CredentialIdentifiers {
			asks = append(asks, ask{id: id})
		}
	}
	if len(asks) == 0 {
		for _, c := range offer.Configurations {
			asks = append(asks, ask{config: c})
		}
	}
	if len(asks) > MaxOfferCredentials {
		return fail(true, fmt.Errorf("%w: the issuer offers %d credentials, more than %d", ErrBadResponse, len(asks), MaxOfferCredentials))
	}
	nonce := tok.CNonce
	if nonce == "" && meta.NonceEndpoint != "" {
		if nonce, err = fetchNonce(ctx, meta.NonceEndpoint, opt); err != nil {
			return fail(true, err)
		}
	}
	var raws [][]byte
	for _, a := range asks {
		req := map[string]any{}
		if a.id != "" {
			req["credential_identifier"] = a.id
		} else {
			req["credential_configuration_id"] = a.config
		}
		var got [][]byte
		got, nonce, err = w.requestCredential(ctx, meta, tok.AccessToken, req, nonce, holder, opt)
		if err != nil {
			return fail(true, err)
		}
		raws = append(raws, got...)
	}
	if len(raws) == 0 {
		return fail(true, fmt.Errorf("%w: the issuer delivered no credential", ErrBadResponse))
	}
	creds, err := w.storeReceived(ctx, raws, opt, commit)
	if err != nil {
		return fail(true, err)
	}
	return creds, true, nil
}

// fetchIssuerMetadata reads /.well-known/openid-credential-issuer and
// checks that it is the offer's issuer's and names usable endpoints.
func fetchIssuerMetadata(ctx context.Context, issuer string, opt NetOptions) (issuerMetadata, error) {
	u := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-credential-issuer"
	var m issuerMetadata
	if err := opt.getJSON(ctx, u, maxSmallBytes, &m); err != nil {
		return m, fmt.Errorf("issuer metadata: %w", err)
	}
	if strings.TrimSuffix(m.CredentialIssuer, "/") != strings.TrimSuffix(issuer, "/") {
		return m, fmt.Errorf("%w: issuer metadata: credential_issuer %s is not the offer's %s", ErrBadResponse, quote(m.CredentialIssuer), quote(issuer))
	}
	for name, v := range map[string]string{"credential_endpoint": m.CredentialEndpoint, "token_endpoint": m.TokenEndpoint, "nonce_endpoint": m.NonceEndpoint} {
		if v == "" && name != "credential_endpoint" {
			continue
		}
		if _, err := checkURL(v, opt.LoopbackHTTP); err != nil {
			return m, fmt.Errorf("issuer metadata: %s: %w", name, err)
		}
	}
	return m, nil
}

// tokenEndpoint finds the token endpoint in the authorization server's
// metadata (RFC 8414) when the issuer's metadata does not name it.
func tokenEndpoint(ctx context.Context, offer Offer, meta issuerMetadata, opt NetOptions) (string, error) {
	as := offer.AuthorizationServer
	if as == "" && len(meta.AuthorizationServers) > 0 {
		as = meta.AuthorizationServers[0]
	}
	if as == "" {
		as = offer.CredentialIssuer
	}
	if _, err := checkURL(as, opt.LoopbackHTTP); err != nil {
		return "", fmt.Errorf("authorization server: %w", err)
	}
	var m struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	if err := opt.getJSON(ctx, strings.TrimSuffix(as, "/")+"/.well-known/oauth-authorization-server", maxSmallBytes, &m); err != nil {
		return "", fmt.Errorf("authorization server metadata: %w", err)
	}
	if _, err := checkURL(m.TokenEndpoint, opt.LoopbackHTTP); err != nil {
		return "", fmt.Errorf("authorization server metadata: token_endpoint: %w", err)
	}
	return m.TokenEndpoint, nil
}

func fetchNonce(ctx context.Context, u string, opt NetOptions) (string, error) {
	x, err := opt.do(ctx, http.MethodPost, u, "", []byte{}, nil, maxSmallBytes)
	if err != nil {
		return "", fmt.Errorf("nonce: %w", err)
	}
	if x.Status != http.StatusOK {
		return "", fmt.Errorf("nonce: %w", remoteError(http.MethodPost, u, x))
	}
	var n struct {
		CNonce string `json:"c_nonce"`
	}
	if json.Unmarshal(x.Body, &n) != nil || n.CNonce == "" {
		return "", fmt.Errorf("%w: the nonce endpoint gave no c_nonce", ErrBadResponse)
	}
	return n.CNonce, nil
}

// requestCredential asks for one credential with a proof over the current
// nonce; an invalid_proof that comes with a fresh nonce is tried once more
// with it. It returns the credentials delivered and the nonce for the next
// request.
func (w *Wallet) requestCredential(ctx context.Context, meta issuerMetadata, token string, req map[string]any, nonce string, holder proof.Signer, opt NetOptions) ([][]byte, string, error) {
	u := meta.CredentialEndpoint
	for attempt := 0; ; attempt++ {
		pj, err := proofJWT(holder, meta.CredentialIssuer, nonce, w.now().Unix())
		if err != nil {
			return nil, nonce, fmt.Errorf("proof of possession: %w", err)
		}
		req["proof"] = map[string]string{"proof_type": "jwt", "jwt": pj}
		body, err := json.Marshal(req)
		if err != nil {
			return nil, nonce, err
		}
		x, err := opt.do(ctx, http.MethodPost, u, "application/json", body, http.Header{"Authorization": {"Bearer " + token}}, opt.maxBytes())
		if err != nil {
			return nil, nonce, fmt.Errorf("credential: %w", err)
		}
		var resp credentialResponse
		if x.Status != http.StatusOK {
			rerr := remoteError(http.MethodPost, u, x)
			if re := rerr.(*RemoteError); re.Code == "invalid_proof" && attempt == 0 {
				if json.Unmarshal(x.Body, &resp) == nil && resp.CNonce != "" && resp.CNonce != nonce {
					nonce = resp.CNonce
					continue
				}
			}
			return nil, nonce, fmt.Errorf("credential: %w", rerr)
		}
		if err := json.Unmarshal(x.Body, &resp); err != nil {
			return nil, nonce, fmt.Errorf("%w: credential response: %v", ErrBadResponse, err)
		}
		if resp.CNonce != "" {
			nonce = resp.CNonce
		}
		if resp.TransactionID != "" && resp.Credential == nil && resp.Credentials == nil {
			return nil, nonce, fmt.Errorf("%w: the issuer defers the credential (transaction_id), which this wallet does not support", ErrBadResponse)
		}
		list := []json.RawMessage{}
		for _, c := range resp.Credentials {
			list = append(list, c.Credential)
		}
		if len(list) == 0 && resp.Credential != nil {
			list = append(list, resp.Credential)
		}
		if len(list) == 0 {
			return nil, nonce, fmt.Errorf("%w: the credential response carries no credential", ErrBadResponse)
		}
		var out [][]byte
		for i, c := range list {
			raw, err := credentialBytes(c)
			if err != nil {
				return nil, nonce, fmt.Errorf("%w: credential response, credential %d: %v", ErrBadResponse, i+1, err)
			}
			out = append(out, raw)
		}
		return out, nonce, nil
	}
}

// credentialBytes is a delivered credential as the wallet stores it: a
// JSON-LD credential as its JSON, a JWT (a JSON string) as the token.
func credentialBytes(c json.RawMessage) ([]byte, error) {
	s := strings.TrimSpace(string(c))
	switch {
	case strings.HasPrefix(s, "{"):
		return []byte(s), nil
	case strings.HasPrefix(s, `"`):
		var tok string
		if err := json.Unmarshal([]byte(s), &tok); err != nil || tok == "" {
			return nil, errors.New("not a JSON string")
		}
		return []byte(tok), nil
	}
	return nil, errors.New("neither a JSON object nor a JWT string")
}

// proofJWT is the holder's proof of possession (OpenID4VCI §8.2.1.1): a
// JWS of type openid4vci-proof+jwt whose kid is the holder's verification
// method, over the issuer (aud), the time and the issuer's nonce.
func proofJWT(holder proof.Signer, aud, nonce string, iat int64) (string, error) {
	alg, err := holderAlg(holder.Public())
	if err != nil {
		return "", err
	}
	hdr := jws.NewHeaders()
	for k, v := range map[string]any{jws.TypeKey: ProofTypeJWT, jws.KeyIDKey: holder.VerificationMethod()} {
		if err := hdr.Set(k, v); err != nil {
			return "", err
		}
	}
	claims := map[string]any{"aud": aud, "iat": iat}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	b, err := jws.Sign(payload, jws.WithKey(alg, crypto.Signer(holder), jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func holderAlg(pub crypto.PublicKey) (jwa.SignatureAlgorithm, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return jwa.EdDSA, nil
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() {
			return jwa.ES256, nil
		}
	}
	return "", fmt.Errorf("the holder's %T key is not Ed25519 or P-256", pub)
}
