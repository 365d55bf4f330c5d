package wallet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/satchel-wallet/satchel/verifier/jose"
	"net/url"
	"strings"
	"unicode/utf8"
)

// OpenID for Verifiable Credential Issuance, pre-authorised code flow: the
// offer an institution shows as a QR code or link.
const (
	// OfferScheme starts an offer link.
	OfferScheme = "openid-credential-offer://"
	// GrantPreAuthorized is the grant the wallet redeems.
	GrantPreAuthorized = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
	// MaxOfferBytes bounds an offer: the link, the JSON, or what
	// credential_offer_uri answers.
	MaxOfferBytes = 16 << 10
	// MaxOfferCredentials bounds what one offer may deliver.
	MaxOfferCredentials = 100
)

// ErrBadOffer: the input is not a credential offer this wallet can redeem.
var ErrBadOffer = errors.New("not a usable credential offer")

// Offer is a pre-authorised code credential offer.
type Offer struct {
	// CredentialIssuer is the issuer's URL (https; http only for a loopback
	// host, for development).
	CredentialIssuer string
	// Configurations are the credential_configuration_ids offered.
	Configurations []string
	// PreAuthorizedCode is the grant's code: a secret, shown nowhere.
	PreAuthorizedCode string
	// TxCode, when not nil, says the learner must type a transaction code
	// the institution sent by another channel.
	TxCode *TxCode
	// AuthorizationServer is the grant's authorization_server, if any.
	AuthorizationServer string
	// URI is credential_offer_uri for an offer by reference; the fields
	// above are empty until ResolveOffer fetches it.
	URI string
	// Raw is the offer JSON as received (nil for an unresolved reference).
	Raw json.RawMessage
}

// TxCode describes the transaction code an offer needs.
type TxCode struct {
	// InputMode is "numeric" (the default) or "text".
	InputMode string
	// Length is the number of characters, 0 when not given.
	Length int
	// Description tells the learner where to find the code.
	Description string
}

// ByReference reports whether the offer must be fetched (ResolveOffer)
// before its contents are known.
func (o Offer) ByReference() bool { return o.URI != "" && o.Raw == nil }

// ParseOffer reads a credential offer as the learner received it:
//
//	openid-credential-offer://?credential_offer=<url-encoded JSON>
//	openid-credential-offer://?credential_offer_uri=<https URL>
//	https://…?credential_offer=… (a link carrying the same parameters)
//	{"credential_issuer": …} (the offer JSON itself)
//
// It checks the offer strictly and fetches nothing: an offer by reference
// comes back with only URI set (see ResolveOffer). Every error wraps
// ErrBadOffer and says what is wrong.
func ParseOffer(s string) (Offer, error) {
	o, err := parseOffer(s)
	if err != nil {
		return Offer{}, fmt.Errorf("%w: %v", ErrBadOffer, err)
	}
	return o, nil
}

func parseOffer(s string) (Offer, error) {
	if len(s) > MaxOfferBytes {
		return Offer{}, fmt.Errorf("the offer is %d bytes, more than the %d-byte limit", len(s), MaxOfferBytes)
	}
	if !utf8.ValidString(s) {
		return Offer{}, errors.New("the offer is not UTF-8 text")
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") {
		return parseOfferJSON([]byte(s))
	}
	scheme, _, ok := strings.Cut(s, "://")
	if !ok {
		return Offer{}, errors.New("neither an openid-credential-offer:// link, an https link nor offer JSON")
	}
	switch strings.ToLower(scheme) {
	case "openid-credential-offer", "https", "http":
	default:
		return Offer{}, fmt.Errorf("a %s link is not a credential offer", quote(scheme))
	}
	u, err := url.Parse(s)
	if err != nil {
		return Offer{}, fmt.Errorf("not a link: %v", err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Offer{}, fmt.Errorf("the link's query is malformed: %v", err)
	}
	byValue, byRef := q["credential_offer"], q["credential_offer_uri"]
	switch {
	case len(byValue)+len(byRef) == 0:
		return Offer{}, errors.New("the link has neither credential_offer nor credential_offer_uri")
	case len(byValue)+len(byRef) > 1:
		return Offer{}, errors.New("the link must carry exactly one credential_offer or credential_offer_uri")
	case len(byValue) == 1:
		return parseOfferJSON([]byte(byValue[0]))
	}
	if _, err := offerURL(byRef[0]); err != nil {
		return Offer{}, fmt.Errorf("credential_offer_uri: %v", err)
	}
	return Offer{URI: byRef[0]}, nil
}

// offerURL checks a URL an offer names: https, or http to a loopback host
// (whether that is allowed is decided when it is used).
func offerURL(s string) (*url.URL, error) {
	u, err := checkURL(s, true)
	if err != nil {
		return nil, err
	}
	if u.Fragment != "" || u.RawFragment != "" {
		return nil, fmt.Errorf("%s has a fragment", quote(s))
	}
	return u, nil
}

// offerJSON is the offer object of OpenID4VCI 1.0 (§4.1.1).
type offerJSON struct {
	CredentialIssuer *string                    `json:"credential_issuer"`
	Configurations   []string                   `json:"credential_configuration_ids"`
	Grants           map[string]json.RawMessage `json:"grants"`
}

type preAuthGrant struct {
	Code                *string          `json:"pre-authorized_code"`
	TxCode              *json.RawMessage `json:"tx_code"`
	AuthorizationServer string           `json:"authorization_server"`
}

type txCodeJSON struct {
	InputMode   *string `json:"input_mode"`
	Length      *int    `json:"length"`
	Description *string `json:"description"`
}

func parseOfferJSON(b []byte) (Offer, error) {
	if len(b) > MaxOfferBytes {
		return Offer{}, fmt.Errorf("the offer is %d bytes, more than the %d-byte limit", len(b), MaxOfferBytes)
	}
	var raw map[string]json.RawMessage
	if err := strictJSON(b, &raw); err != nil || raw == nil {
		return Offer{}, fmt.Errorf("the offer is not a JSON object: %v", err)
	}
	var oj offerJSON
	if err := json.Unmarshal(b, &oj); err != nil {
		return Offer{}, fmt.Errorf("the offer's members have the wrong types: %v", err)
	}
	if oj.CredentialIssuer == nil || *oj.CredentialIssuer == "" {
		return Offer{}, errors.New("credential_issuer is missing")
	}
	if _, err := offerURL(*oj.CredentialIssuer); err != nil {
		return Offer{}, fmt.Errorf("credential_issuer: %v", err)
	}
	o := Offer{CredentialIssuer: *oj.CredentialIssuer, Raw: append(json.RawMessage(nil), b...)}
	switch n := len(oj.Configurations); {
	case n == 0:
		return Offer{}, errors.New("credential_configuration_ids is missing or empty")
	case n > MaxOfferCredentials:
		return Offer{}, fmt.Errorf("credential_configuration_ids lists %d, more than %d", n, MaxOfferCredentials)
	}
	for i, c := range oj.Configurations {
		if c == "" || len(c) > 256 {
			return Offer{}, fmt.Errorf("credential_configuration_ids[%d] is empty or longer than 256 bytes", i)
		}
		o.Configurations = append(o.Configurations, c)
	}
	g, ok := oj.Grants[GrantPreAuthorized]
	if !ok {
		if _, auth := oj.Grants["authorization_code"]; auth {
			return Offer{}, errors.New("this offer needs a sign-in at the issuer (authorization_code grant); the wallet redeems pre-authorised code offers")
		}
		return Offer{}, errors.New("the offer has no pre-authorised code grant")
	}
	var pg preAuthGrant
	if err := json.Unmarshal(g, &pg); err != nil {
		return Offer{}, fmt.Errorf("the pre-authorised code grant is malformed: %v", err)
	}
	if pg.Code == nil || *pg.Code == "" || len(*pg.Code) > 4096 {
		return Offer{}, errors.New("pre-authorized_code is missing, empty or longer than 4096 bytes")
	}
	o.PreAuthorizedCode = *pg.Code
	if pg.AuthorizationServer != "" {
		if _, err := offerURL(pg.AuthorizationServer); err != nil {
			return Offer{}, fmt.Errorf("authorization_server: %v", err)
		}
		o.AuthorizationServer = pg.AuthorizationServer
	}
	if pg.TxCode != nil && string(*pg.TxCode) != "null" {
		tc, err := parseTxCode(*pg.TxCode)
		if err != nil {
			return Offer{}, fmt.Errorf("tx_code: %v", err)
		}
		o.TxCode = tc
	}
	return o, nil
}

func parseTxCode(b []byte) (*TxCode, error) {
	var tj txCodeJSON
	if err := json.Unmarshal(b, &tj); err != nil || bytes.TrimSpace(b)[0] != '{' {
		return nil, errors.New("not an object with input_mode, length and description")
	}
	tc := &TxCode{InputMode: "numeric"}
	if tj.InputMode != nil {
		if *tj.InputMode != "numeric" && *tj.InputMode != "text" {
			return nil, fmt.Errorf("input_mode %s is neither numeric nor text", quote(*tj.InputMode))
		}
		tc.InputMode = *tj.InputMode
	}
	if tj.Length != nil {
		if *tj.Length < 1 || *tj.Length > 64 {
			return nil, fmt.Errorf("length %d is not between 1 and 64", *tj.Length)
		}
		tc.Length = *tj.Length
	}
	if tj.Description != nil {
		if len(*tj.Description) > 300 {
			return nil, errors.New("description is longer than 300 bytes")
		}
		tc.Description = *tj.Description
	}
	return tc, nil
}

// CheckTxCode says whether a transaction code fits what the offer
// describes, before it is sent (a wrong code counts against the offer at
// the issuer).
func (o Offer) CheckTxCode(code string) error {
	switch {
	case o.TxCode == nil && code != "":
		return fmt.Errorf("%w: this offer needs no transaction code", ErrBadOffer)
	case o.TxCode == nil:
		return nil
	case code == "":
		return fmt.Errorf("%w: this offer needs its transaction code", ErrBadOffer)
	case len(code) > 64:
		return fmt.Errorf("%w: the transaction code is longer than 64 characters", ErrBadOffer)
	case o.TxCode.Length > 0 && utf8.RuneCountInString(code) != o.TxCode.Length:
		return fmt.Errorf("%w: the transaction code has %d characters, the offer says %d", ErrBadOffer, utf8.RuneCountInString(code), o.TxCode.Length)
	case o.TxCode.InputMode == "numeric" && strings.Trim(code, "0123456789") != "":
		return fmt.Errorf("%w: the transaction code must be digits", ErrBadOffer)
	}
	return nil
}

// strictJSON decodes one JSON value and refuses trailing data, nesting
// deeper than 64 levels and duplicate object keys (which two parsers could
// read differently) — the verifier's own rules for JSON (jose.CheckJSON).
func strictJSON(b []byte, v any) error {
	if err := jose.CheckJSON(b, 64); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON value")
	}
	return nil
}
