package status

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Type names of the two supported status mechanisms.
const (
	TypeBitstringEntry      = "BitstringStatusListEntry"
	TypeBitstringList       = "BitstringStatusList"
	TypeBitstringCredential = "BitstringStatusListCredential"

	Type2021Entry      = "StatusList2021Entry"
	Type2021List       = "StatusList2021"
	Type2021Credential = "StatusList2021Credential"
)

// Status purposes defined by Bitstring Status List v1.0. StatusList2021
// defined only revocation and suspension.
const (
	PurposeRevocation = "revocation"
	PurposeSuspension = "suspension"
	PurposeRefresh    = "refresh"
	PurposeMessage    = "message"
)

// Limits on what Entries reads.
const (
	// MaxEntries bounds the credentialStatus entries of one credential.
	MaxEntries = 64
	// MaxStatusSize bounds statusSize: a value is read into a uint64.
	MaxStatusSize = 64
)

// listTypes maps an entry type to the credentialSubject type of its list and
// the type its list credential must carry.
var listTypes = map[string]struct{ list, credential string }{
	TypeBitstringEntry: {TypeBitstringList, TypeBitstringCredential},
	Type2021Entry:      {Type2021List, Type2021Credential},
}

func knownPurpose(p string) bool {
	switch p {
	case PurposeRevocation, PurposeSuspension, PurposeRefresh, PurposeMessage:
		return true
	}
	return false
}

// Entry is one credentialStatus entry of a supported type.
type Entry struct {
	ID      string // the entry's id, if it has one
	Type    string // TypeBitstringEntry or Type2021Entry
	Purpose string // statusPurpose, one of the Purpose constants
	Index   uint64 // statusListIndex
	// Size is statusSize: how many bits each entry takes in the list
	// (1 unless the entry says otherwise).
	Size           int
	ListCredential string // statusListCredential: the URL of the list
	// Messages is statusMessage: what each value means (purpose message,
	// or any entry with statusSize > 1).
	Messages []Message
	// Notes are departures from the specification that were accepted, such
	// as a statusListIndex written as a JSON number.
	Notes []string
}

// Message is one statusMessage item: the meaning of one status value.
type Message struct {
	Status  uint64 // the value, written "0x…" in the credential
	Message string
}

// UnsupportedError reports a credentialStatus entry this package cannot
// check: a status type other than the two supported ones, or a
// statusPurpose it does not know. It is a failure to report, never a pass.
type UnsupportedError struct {
	Type    string // the entry's type (all of them, comma-separated, if several)
	Purpose string // set when the type is supported but the purpose is not
}

func (e *UnsupportedError) Error() string {
	if e.Purpose != "" {
		return fmt.Sprintf("unsupported status purpose %q in %s", e.Purpose, e.Type)
	}
	return fmt.Sprintf("unsupported status type %s", e.Type)
}

// entryErrors are the problems of several entries, one line: verifier
// reports put an error in a single detail string.
type entryErrors []error

func (e entryErrors) Error() string {
	s := make([]string, len(e))
	for i, err := range e {
		s[i] = err.Error()
	}
	return strings.Join(s, "; ")
}

func (e entryErrors) Unwrap() []error { return e }

// Entries reads a credential's credentialStatus value (an object or an array
// of objects) and returns its entries, in order. A nil, empty or null value
// has no entries.
//
// Every entry must be of a supported type: any other type is an
// *UnsupportedError naming it, as is an unknown statusPurpose. A malformed
// entry (missing or non-numeric statusListIndex, missing or relative
// statusListCredential, missing statusPurpose, …) is an error naming the
// field. When some entries fail, Entries still returns the ones it could
// read, with an error covering the others (use errors.As to find an
// *UnsupportedError): the credential's status is then not fully checked and
// must not pass.
func Entries(raw json.RawMessage) ([]Entry, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var items []json.RawMessage
	prefix := func(i int) string { return fmt.Sprintf("credentialStatus[%d]", i) }
	switch raw[0] {
	case '[':
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, fmt.Errorf("credentialStatus: %v", err)
		}
	case '{':
		items = []json.RawMessage{raw}
		prefix = func(int) string { return "credentialStatus" }
	default:
		return nil, errors.New("credentialStatus: must be an object or an array of objects")
	}
	if len(items) > MaxEntries {
		return nil, fmt.Errorf("credentialStatus: %d entries, limit %d: %w", len(items), MaxEntries, ErrTooLarge)
	}
	var entries []Entry
	var errs entryErrors
	for i, item := range items {
		e, err := parseEntry(item)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", prefix(i), err))
			continue
		}
		entries = append(entries, e)
	}
	if len(errs) > 0 {
		return entries, errs
	}
	return entries, nil
}

func parseEntry(raw json.RawMessage) (Entry, error) {
	obj, ok := object(raw)
	if !ok {
		return Entry{}, errors.New("must be an object")
	}
	var e Entry
	types, err := stringOrArray(obj["type"], "type")
	if err != nil {
		return Entry{}, err
	}
	for _, t := range types {
		if _, ok := listTypes[t]; ok {
			e.Type = t
			break
		}
	}
	if e.Type == "" {
		return Entry{}, &UnsupportedError{Type: strings.Join(types, ",")}
	}
	if e.ID, err = optionalString(obj, "id"); err != nil {
		return Entry{}, err
	}
	if e.Purpose, err = requiredString(obj, "statusPurpose"); err != nil {
		return Entry{}, err
	}
	if !knownPurpose(e.Purpose) {
		return Entry{}, &UnsupportedError{Type: e.Type, Purpose: e.Purpose}
	}
	if e.Index, err = parseIndex(obj["statusListIndex"], &e.Notes); err != nil {
		return Entry{}, err
	}
	if e.ListCredential, err = requiredString(obj, "statusListCredential"); err != nil {
		return Entry{}, err
	}
	if u, err := url.Parse(e.ListCredential); err != nil || !u.IsAbs() {
		return Entry{}, fmt.Errorf("statusListCredential: %q is not an absolute URL", e.ListCredential)
	}
	if e.Size, err = parseSize(obj["statusSize"], &e.Notes); err != nil {
		return Entry{}, err
	}
	if e.Messages, err = parseMessages(obj["statusMessage"], e.Size, &e.Notes); err != nil {
		return Entry{}, err
	}
	if e.Size > 1 && e.Messages == nil {
		return Entry{}, fmt.Errorf("statusMessage: required when statusSize is %d", e.Size)
	}
	return e, nil
}

// parseIndex reads statusListIndex: a string holding a non-negative integer
// (VC 2.0). A JSON number is accepted with a note: some issuers write one.
func parseIndex(raw json.RawMessage, notes *[]string) (uint64, error) {
	if raw == nil {
		return 0, errors.New("statusListIndex: missing")
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("statusListIndex: %q is not a non-negative integer", s)
		}
		return n, nil
	}
	n, err := strconv.ParseUint(string(raw), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("statusListIndex: %s is not a string holding a non-negative integer", clip(raw))
	}
	*notes = append(*notes, "statusListIndex is a JSON number; the specification requires a string")
	return n, nil
}

// parseSize reads statusSize, a positive integer, 1 when absent.
func parseSize(raw json.RawMessage, notes *[]string) (int, error) {
	if raw == nil {
		return 1, nil
	}
	text := string(raw)
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		text = s
		*notes = append(*notes, "statusSize is a string; the specification requires a number")
	}
	n, err := strconv.ParseUint(text, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("statusSize: %s is not a positive integer", clip(raw))
	}
	if n > MaxStatusSize {
		return 0, fmt.Errorf("statusSize: %d bits per entry is not supported (at most %d)", n, MaxStatusSize)
	}
	return int(n), nil
}

// parseMessages reads statusMessage: [{"status": "0x0", "message": "…"}, …].
func parseMessages(raw json.RawMessage, size int, notes *[]string) ([]Message, error) {
	if raw == nil {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, errors.New("statusMessage: must be an array of objects")
	}
	// 2^size values are possible; size ≤ 64, so count them without overflow.
	possible := ^uint64(0)
	if size < 64 {
		possible = 1 << size
	}
	if uint64(len(items)) > possible {
		return nil, fmt.Errorf("statusMessage: %d messages for %d possible values", len(items), possible)
	}
	msgs := make([]Message, 0, len(items))
	for i, raw := range items {
		item, ok := object(raw)
		if !ok {
			return nil, fmt.Errorf("statusMessage[%d]: must be an object", i)
		}
		hex, err := requiredString(item, "status")
		if err != nil {
			return nil, fmt.Errorf("statusMessage[%d].%w", i, err)
		}
		digits, ok := strings.CutPrefix(strings.ToLower(hex), "0x")
		v, err := strconv.ParseUint(digits, 16, 64)
		if !ok || err != nil || v >= possible {
			return nil, fmt.Errorf("statusMessage[%d].status: %q is not a hexadecimal value below %d", i, hex, possible)
		}
		text, err := optionalString(item, "message")
		if err != nil {
			return nil, fmt.Errorf("statusMessage[%d].%w", i, err)
		}
		msgs = append(msgs, Message{Status: v, Message: text})
	}
	if uint64(len(msgs)) != possible {
		*notes = append(*notes, fmt.Sprintf("statusMessage has %d messages for %d possible values", len(msgs), possible))
	}
	return msgs, nil
}

// object decodes a JSON object, dropping null members: JSON-LD treats a
// null value as absent.
func object(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, false
	}
	for k, v := range obj {
		if string(v) == "null" {
			delete(obj, k)
		}
	}
	return obj, true
}

// stringOrArray reads a JSON-LD value that is a string or an array of
// strings, such as type.
func stringOrArray(raw json.RawMessage, field string) ([]string, error) {
	if raw == nil {
		return nil, fmt.Errorf("%s: missing", field)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if s == "" {
			return nil, fmt.Errorf("%s: empty", field)
		}
		return []string{s}, nil
	}
	var ss []string
	if err := json.Unmarshal(raw, &ss); err != nil {
		return nil, fmt.Errorf("%s: must be a string or an array of strings, not %s", field, clip(raw))
	}
	if len(ss) == 0 {
		return nil, fmt.Errorf("%s: empty", field)
	}
	for _, s := range ss {
		if s == "" {
			return nil, fmt.Errorf("%s: empty string in array", field)
		}
	}
	return ss, nil
}

func requiredString(obj map[string]json.RawMessage, field string) (string, error) {
	raw, ok := obj[field]
	if !ok {
		return "", fmt.Errorf("%s: missing", field)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s: must be a string, not %s", field, clip(raw))
	}
	if s == "" {
		return "", fmt.Errorf("%s: empty", field)
	}
	return s, nil
}

func optionalString(obj map[string]json.RawMessage, field string) (string, error) {
	raw, ok := obj[field]
	if !ok {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s: must be a string, not %s", field, clip(raw))
	}
	return s, nil
}

// clip shortens a JSON value quoted in an error, so hostile input cannot
// flood a report.
func clip(raw json.RawMessage) string {
	const max = 40
	if len(raw) <= max {
		return string(raw)
	}
	n := max
	for n > 0 && !utf8.RuneStart(raw[n]) {
		n--
	}
	return string(raw[:n]) + "…"
}
