package status

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// MaxCredentialBytes bounds a status list credential: room for an
// encodedList of MaxCompressedBytes and the rest of the credential.
const MaxCredentialBytes = 2 << 20

// List is a decoded status list credential.
type List struct {
	Type    string   // credentialSubject type: TypeBitstringList or Type2021List
	Purpose []string // statusPurpose: one, or several for a multi-purpose list
	Bits    []byte   // the expanded bitstring; bit 0 is the first byte's top bit
	Len     int      // length of Bits in bits
	// ValidFrom and ValidUntil bound when the list may be used (validFrom /
	// validUntil, or issuanceDate / expirationDate for VC 1.1); zero when
	// absent.
	ValidFrom, ValidUntil time.Time
	Issuer                string // the issuer's id
	ID                    string // the credential's id, if it has one
	Encoding              Encoding
	// TTL is the credentialSubject's ttl: how long the issuer suggests a
	// cached copy stays fresh (zero when absent).
	TTL time.Duration
	// Notes are departures from the specification that were accepted, such
	// as a list shorter than MinBits or an encodedList without its
	// multibase prefix.
	Notes []string
}

// ParseListCredential reads a status list credential (JSON-LD, VC 1.1 or
// 2.0) and decodes its list. It checks the credential's shape, not its
// proof: the caller must already have verified the proof.
//
// The credential must be a BitstringStatusListCredential whose subject is a
// BitstringStatusList, or a StatusList2021Credential whose subject is a
// StatusList2021, with a statusPurpose and an encodedList. Validity dates
// are read here and enforced by Check.
func ParseListCredential(raw []byte) (*List, error) {
	l, err := parseList(raw)
	if err != nil {
		return nil, fmt.Errorf("status list credential: %w", err)
	}
	return l, nil
}

func parseList(raw []byte) (*List, error) {
	if len(raw) > MaxCredentialBytes {
		return nil, fmt.Errorf("%d bytes, limit %d: %w", len(raw), MaxCredentialBytes, ErrTooLarge)
	}
	doc, ok := object(raw)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	subject, err := listSubject(doc["credentialSubject"])
	if err != nil {
		return nil, err
	}
	l := &List{}
	subjectTypes, err := stringOrArray(subject["type"], "credentialSubject.type")
	if err != nil {
		return nil, err
	}
	var credentialType string
	for _, entryType := range []string{TypeBitstringEntry, Type2021Entry} {
		if lt := listTypes[entryType]; slices.Contains(subjectTypes, lt.list) {
			l.Type, credentialType = lt.list, lt.credential
			break
		}
	}
	if l.Type == "" {
		return nil, fmt.Errorf("credentialSubject.type %v is neither %s nor %s", subjectTypes, TypeBitstringList, Type2021List)
	}
	types, err := stringOrArray(doc["type"], "type")
	if err != nil {
		return nil, err
	}
	if !slices.Contains(types, credentialType) {
		return nil, fmt.Errorf("type %v lacks %s", types, credentialType)
	}
	if l.Purpose, err = stringOrArray(subject["statusPurpose"], "credentialSubject.statusPurpose"); err != nil {
		return nil, err
	}
	encoded, err := requiredString(subject, "encodedList")
	if err != nil {
		return nil, fmt.Errorf("credentialSubject.%w", err)
	}
	if l.Bits, l.Encoding, err = decodeList(encoded); err != nil {
		return nil, fmt.Errorf("credentialSubject.encodedList: %w", err)
	}
	l.Len = len(l.Bits) * 8
	if l.ID, err = optionalString(doc, "id"); err != nil {
		return nil, err
	}
	if l.Issuer, err = issuerID(doc["issuer"]); err != nil {
		return nil, err
	}
	if l.ValidFrom, err = date(doc, "validFrom", "issuanceDate", &l.Notes); err != nil {
		return nil, err
	}
	if l.ValidUntil, err = date(doc, "validUntil", "expirationDate", &l.Notes); err != nil {
		return nil, err
	}
	if l.TTL, err = ttl(subject["ttl"]); err != nil {
		return nil, err
	}
	switch {
	case l.Type == TypeBitstringList && l.Encoding != EncodingMultibase:
		l.Notes = append(l.Notes, fmt.Sprintf("encodedList is %s without the multibase 'u' prefix that Bitstring Status List requires", l.Encoding))
	case l.Type == Type2021List && l.Encoding == EncodingMultibase:
		l.Notes = append(l.Notes, "encodedList of a StatusList2021 has a multibase 'u' prefix")
	}
	if l.Len < MinBits {
		l.Notes = append(l.Notes, fmt.Sprintf("status list has %d bits, fewer than the %d the specification requires for privacy", l.Len, MinBits))
	}
	return l, nil
}

// listSubject reads credentialSubject: an object, or an array holding one.
func listSubject(raw json.RawMessage) (map[string]json.RawMessage, error) {
	if raw == nil {
		return nil, errors.New("credentialSubject: missing")
	}
	if s, ok := object(raw); ok {
		return s, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err == nil && len(items) == 1 {
		if s, ok := object(items[0]); ok {
			return s, nil
		}
	}
	return nil, errors.New("credentialSubject: must be one object")
}

// issuerID reads issuer: a URL string or an object with an id.
func issuerID(raw json.RawMessage) (string, error) {
	if raw == nil {
		return "", errors.New("issuer: missing")
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil && s != "" {
		return s, nil
	}
	if obj, ok := object(raw); ok {
		if id, err := requiredString(obj, "id"); err == nil {
			return id, nil
		}
	}
	return "", fmt.Errorf("issuer: must be a URL or an object with an id, not %s", clip(raw))
}

// date reads the VC 2.0 field, or the VC 1.1 one when it is absent.
func date(doc map[string]json.RawMessage, v2, v11 string, notes *[]string) (time.Time, error) {
	field := v2
	if _, ok := doc[field]; !ok {
		field = v11
	}
	s, err := optionalString(doc, field)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		return t, nil
	}
	// XML Schema dateTime allows no time zone; VC 1.1 lists sometimes
	// omit it. Read it as UTC, and say so.
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		*notes = append(*notes, fmt.Sprintf("%s %q has no time zone; read as UTC", field, s))
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%s: %q is not an RFC 3339 date-time", field, s)
}

// ttl reads the credentialSubject's ttl, in milliseconds.
func ttl(raw json.RawMessage) (time.Duration, error) {
	if raw == nil {
		return 0, nil
	}
	ms, err := strconv.ParseUint(string(raw), 10, 63)
	if err != nil || ms > uint64(1<<63-1)/uint64(time.Millisecond) {
		return 0, fmt.Errorf("credentialSubject.ttl: %s is not a number of milliseconds", clip(raw))
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// ListSubject builds the credentialSubject of a BitstringStatusListCredential
// for the issuer to sign: {"id", "type": "BitstringStatusList",
// "statusPurpose", "encodedList"}. id may be empty (then it is left out);
// bits must hold at least MinBits bits.
func ListSubject(id, purpose string, bits []byte) (map[string]any, error) {
	if !knownPurpose(purpose) {
		return nil, fmt.Errorf("status list subject: %w", &UnsupportedError{Type: TypeBitstringList, Purpose: purpose})
	}
	encoded, err := EncodeList(bits)
	if err != nil {
		return nil, fmt.Errorf("status list subject: %w", err)
	}
	s := map[string]any{
		"type":          TypeBitstringList,
		"statusPurpose": purpose,
		"encodedList":   encoded,
	}
	if id != "" {
		s["id"] = id
	}
	return s, nil
}
