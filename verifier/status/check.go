package status

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Result is what one status entry says about its credential.
type Result struct {
	Entry Entry
	// Set is true when the entry's bit (or, for statusSize > 1, any bit of
	// its value) is set.
	Set bool
	// Value is the entry's value, its bits read big-endian: 0 or 1 unless
	// statusSize > 1.
	Value uint64
	// OK is false when the status makes the credential invalid: revoked or
	// suspended. Refresh and message statuses inform and are OK.
	OK bool
	// Detail says what the status means: "not revoked", "revoked",
	// "suspended", "not suspended", "refresh available", or the
	// statusMessage of the value.
	Detail string
	// Notes gathers the entry's and the list's notes, and any the check adds.
	Notes []string
}

// Check reads entry e in list l as of now. The list must be of the entry's
// type, valid at now (ErrNotYetValid, ErrExpired), and carry the entry's
// purpose (ErrMismatch); the entry's index must lie in the list (ErrRange).
// Any of these is an error: the status could not be established, which a
// verifier reports as a failure.
func Check(e Entry, l *List, now time.Time) (Result, error) {
	r, err := check(e, l, now)
	if err != nil {
		return Result{Entry: e}, fmt.Errorf("check status %s: %w", describe(e), err)
	}
	return r, nil
}

func describe(e Entry) string {
	return fmt.Sprintf("%s index %d of %s", e.Purpose, e.Index, e.ListCredential)
}

func check(e Entry, l *List, now time.Time) (Result, error) {
	if l == nil {
		return Result{}, errors.New("no status list")
	}
	lt, ok := listTypes[e.Type]
	if !ok {
		return Result{}, &UnsupportedError{Type: e.Type}
	}
	if l.Type != lt.list {
		return Result{}, fmt.Errorf("%w: a %s needs a %s, the list is a %s", ErrMismatch, e.Type, lt.list, l.Type)
	}
	if !knownPurpose(e.Purpose) {
		return Result{}, &UnsupportedError{Type: e.Type, Purpose: e.Purpose}
	}
	if !l.ValidFrom.IsZero() && now.Before(l.ValidFrom) {
		return Result{}, fmt.Errorf("%w: validFrom %s is after %s", ErrNotYetValid, stamp(l.ValidFrom), stamp(now))
	}
	if !l.ValidUntil.IsZero() && now.After(l.ValidUntil) {
		return Result{}, fmt.Errorf("%w: validUntil %s is before %s", ErrExpired, stamp(l.ValidUntil), stamp(now))
	}
	if !slices.Contains(l.Purpose, e.Purpose) {
		return Result{}, fmt.Errorf("%w: entry statusPurpose %q, list statusPurpose %q", ErrMismatch, e.Purpose, l.Purpose)
	}
	size := e.Size
	if size == 0 {
		size = 1 // an Entry built by hand; Entries always sets Size
	}
	if size < 0 || size > MaxStatusSize {
		return Result{}, fmt.Errorf("statusSize %d is not supported (1 to %d)", size, MaxStatusSize)
	}
	// Entry i takes bits i*size … i*size+size-1. Comparing the index with
	// the number of entries avoids overflowing i*size.
	nbits := uint64(len(l.Bits)) * 8
	entries := nbits / uint64(size)
	if e.Index >= entries {
		if size == 1 {
			return Result{}, fmt.Errorf("%w: index %d, list has %d bits", ErrRange, e.Index, nbits)
		}
		return Result{}, fmt.Errorf("%w: index %d, list has %d entries of %d bits", ErrRange, e.Index, entries, size)
	}
	r := Result{Entry: e, Notes: slices.Concat(e.Notes, l.Notes)}
	pos := e.Index * uint64(size)
	for i := range uint64(size) {
		bit := l.Bits[(pos+i)/8]>>(7-(pos+i)%8)&1 == 1
		r.Value <<= 1
		if bit {
			r.Value |= 1
		}
	}
	r.Set = r.Value != 0
	if size > 1 && entries < MinBits {
		r.Notes = append(r.Notes, fmt.Sprintf("status list has %d entries of %d bits, fewer than the %d the specification requires for privacy", entries, size, MinBits))
	}
	if l.ID != "" && l.ID != e.ListCredential {
		r.Notes = append(r.Notes, fmt.Sprintf("status list credential id %s differs from the statusListCredential URL %s", l.ID, e.ListCredential))
	}
	r.OK, r.Detail = meaning(e, r.Value, size)
	return r, nil
}

// meaning says what value means for the entry's purpose, and whether the
// credential stays valid.
func meaning(e Entry, value uint64, size int) (ok bool, detail string) {
	suffix := ""
	if size > 1 {
		suffix = fmt.Sprintf(" (status %#x)", value)
	}
	set := value != 0
	switch e.Purpose {
	case PurposeRevocation:
		if set {
			return false, "revoked" + suffix
		}
		return true, "not revoked" + suffix
	case PurposeSuspension:
		if set {
			return false, "suspended" + suffix
		}
		return true, "not suspended" + suffix
	case PurposeRefresh:
		if set {
			return true, "refresh available" + suffix
		}
		return true, "no refresh" + suffix
	}
	// PurposeMessage: the issuer's statusMessage says what the value means.
	for _, m := range e.Messages {
		if m.Status == value {
			return true, fmt.Sprintf("status %#x: %s", value, m.Message)
		}
	}
	return true, fmt.Sprintf("status %#x (no statusMessage for this value)", value)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
