package status_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/satchel-wallet/satchel/verifier/status"
)

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func TestCheck(t *testing.T) {
	// Twice the minimum, so that a list of 2-bit entries is not short.
	const nbits = 2 * status.MinBits
	const last = nbits - 1
	bits := list(t, nbits, 0, 7, 8, last,
		// entries of 2 bits: entry 100 is bits 200-201 = 0b10, entry 101 is
		// bits 202-203 = 0b01, entry 102 is bits 204-205 = 0b11.
		200, 203, 204, 205)
	revocation := &status.List{Type: status.TypeBitstringList, Purpose: []string{"revocation"}, Bits: bits, Len: nbits,
		ValidFrom: now.Add(-time.Hour), ValidUntil: now.Add(time.Hour), ID: listURL}
	list := func(edit func(*status.List)) *status.List {
		l := *revocation
		edit(&l)
		return &l
	}
	e := func(index uint64, edit ...func(*status.Entry)) status.Entry {
		en := status.Entry{Type: status.TypeBitstringEntry, Purpose: "revocation", Index: index, Size: 1, ListCredential: listURL}
		for _, f := range edit {
			f(&en)
		}
		return en
	}
	purpose := func(p string) func(*status.Entry) { return func(e *status.Entry) { e.Purpose = p } }
	size2 := func(e *status.Entry) {
		e.Purpose, e.Size = "message", 2
		e.Messages = []status.Message{{0, "pending_review"}, {1, "accepted"}, {2, "rejected"}}
	}
	tests := []struct {
		name    string
		entry   status.Entry
		list    *status.List
		want    status.Result // Entry is filled in from entry
		is      error
		wantErr string
	}{
		{name: "ok/index-0-revoked", entry: e(0), list: revocation, want: status.Result{Set: true, Value: 1, Detail: "revoked"}},
		{name: "ok/index-1-not-revoked", entry: e(1), list: revocation, want: status.Result{OK: true, Detail: "not revoked"}},
		{name: "ok/index-7-revoked", entry: e(7), list: revocation, want: status.Result{Set: true, Value: 1, Detail: "revoked"}},
		{name: "ok/index-8-revoked", entry: e(8), list: revocation, want: status.Result{Set: true, Value: 1, Detail: "revoked"}},
		{name: "ok/index-9-not-revoked", entry: e(9), list: revocation, want: status.Result{OK: true, Detail: "not revoked"}},
		{name: "ok/last-index-revoked", entry: e(last), list: revocation, want: status.Result{Set: true, Value: 1, Detail: "revoked"}},
		{name: "ok/suspended", entry: e(7, purpose("suspension")), list: list(func(l *status.List) { l.Purpose = []string{"suspension"} }),
			want: status.Result{Set: true, Value: 1, Detail: "suspended"}},
		{name: "ok/not-suspended-in-multi-purpose-list", entry: e(6, purpose("suspension")), list: list(func(l *status.List) { l.Purpose = []string{"revocation", "suspension"} }),
			want: status.Result{OK: true, Detail: "not suspended"}},
		{name: "ok/refresh-is-informative", entry: e(7, purpose("refresh")), list: list(func(l *status.List) { l.Purpose = []string{"refresh"} }),
			want: status.Result{OK: true, Set: true, Value: 1, Detail: "refresh available"}},
		{name: "ok/statusSize-2-value-2", entry: e(100, size2), list: list(func(l *status.List) { l.Purpose = []string{"message"} }),
			want: status.Result{OK: true, Set: true, Value: 2, Detail: "status 0x2: rejected"}},
		{name: "ok/statusSize-2-value-1", entry: e(101, size2), list: list(func(l *status.List) { l.Purpose = []string{"message"} }),
			want: status.Result{OK: true, Set: true, Value: 1, Detail: "status 0x1: accepted"}},
		{name: "ok/statusSize-2-value-3-has-no-message", entry: e(102, size2), list: list(func(l *status.List) { l.Purpose = []string{"message"} }),
			want: status.Result{OK: true, Set: true, Value: 3, Detail: "status 0x3 (no statusMessage for this value)"}},
		{name: "ok/statusSize-2-value-0", entry: e(103, size2), list: list(func(l *status.List) { l.Purpose = []string{"message"} }),
			want: status.Result{OK: true, Value: 0, Detail: "status 0x0: pending_review"}},
		{name: "ok/statusSize-2-revocation", entry: e(100, func(e *status.Entry) { e.Size = 2 }), list: revocation,
			want: status.Result{Set: true, Value: 2, Detail: "revoked (status 0x2)"}},
		{name: "ok/zero-size-means-1", entry: e(7, func(e *status.Entry) { e.Size = 0 }), list: revocation, want: status.Result{Set: true, Value: 1, Detail: "revoked"}},
		{name: "ok/statuslist2021", entry: e(7, func(e *status.Entry) { e.Type = status.Type2021Entry }), list: list(func(l *status.List) { l.Type = status.Type2021List }),
			want: status.Result{Set: true, Value: 1, Detail: "revoked"}},
		{name: "ok/valid-at-validUntil", entry: e(1), list: list(func(l *status.List) { l.ValidUntil = now }), want: status.Result{OK: true, Detail: "not revoked"}},
		{name: "ok/no-dates", entry: e(1), list: list(func(l *status.List) { l.ValidFrom, l.ValidUntil = time.Time{}, time.Time{} }), want: status.Result{OK: true, Detail: "not revoked"}},
		{name: "ok/notes-are-gathered", entry: e(1, func(e *status.Entry) { e.Notes = []string{"entry note"} }),
			list: list(func(l *status.List) { l.Notes = []string{"list note"}; l.ID = "https://example.edu/other" }),
			want: status.Result{OK: true, Detail: "not revoked", Notes: []string{"entry note", "list note",
				"status list credential id https://example.edu/other differs from the statusListCredential URL " + listURL}}},
		{name: "ok/short-list-of-2-bit-entries-is-noted", entry: e(1, size2), list: list(func(l *status.List) {
			l.Purpose, l.Bits, l.Len = []string{"message"}, bits[:status.MinBits/8], status.MinBits
		}),
			want: status.Result{OK: true, Detail: "status 0x0: pending_review", Notes: []string{"status list has 65536 entries of 2 bits, fewer than the 131072 the specification requires for privacy"}}},

		{name: "fail/purpose-mismatch", entry: e(7, purpose("suspension")), list: revocation, is: status.ErrMismatch, wantErr: `entry statusPurpose "suspension", list statusPurpose ["revocation"]`},
		{name: "fail/type-mismatch", entry: e(7, func(e *status.Entry) { e.Type = status.Type2021Entry }), list: revocation, is: status.ErrMismatch,
			wantErr: "a StatusList2021Entry needs a StatusList2021, the list is a BitstringStatusList"},
		{name: "fail/expired", entry: e(1), list: list(func(l *status.List) { l.ValidUntil = now.Add(-time.Second) }), is: status.ErrExpired,
			wantErr: "validUntil 2026-05-31T23:59:59Z is before 2026-06-01T00:00:00Z"},
		{name: "fail/not-yet-valid", entry: e(1), list: list(func(l *status.List) { l.ValidFrom = now.Add(time.Second) }), is: status.ErrNotYetValid},
		{name: "fail/index-out-of-range", entry: e(nbits), list: revocation, is: status.ErrRange, wantErr: "index 262144, list has 262144 bits"},
		{name: "fail/index-out-of-range-2-bit-entries", entry: e(nbits/2, size2), list: list(func(l *status.List) { l.Purpose = []string{"message"} }), is: status.ErrRange,
			wantErr: "index 131072, list has 131072 entries of 2 bits"},
		{name: "fail/index-times-size-overflows", entry: e(1<<63, size2), list: list(func(l *status.List) { l.Purpose = []string{"message"} }), is: status.ErrRange},
		{name: "fail/no-list", entry: e(1), list: nil, wantErr: "no status list"},
		{name: "fail/unsupported-type", entry: e(1, func(e *status.Entry) { e.Type = "RevocationList2020Status" }), list: revocation, wantErr: "unsupported status type RevocationList2020Status"},
		{name: "fail/unsupported-purpose", entry: e(1, purpose("other")), list: revocation, wantErr: `unsupported status purpose "other"`},
		{name: "fail/statusSize-too-big", entry: e(1, func(e *status.Entry) { e.Size = 65 }), list: revocation, wantErr: "statusSize 65 is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := status.Check(tt.entry, tt.list, now)
			if tt.is == nil && tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				tt.want.Entry = tt.entry
				if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("Check (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check = %+v, want an error", got)
			}
			t.Logf("error: %v", err)
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Check = %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Check = %v, want it to mention %q", err, tt.wantErr)
			}
			if got.OK || got.Set || got.Detail != "" {
				t.Errorf("failed Check returned a status: %+v", got)
			}
		})
	}
}

// TestCheckDoesNotAlias: the Result's notes are its own.
func TestCheckDoesNotAlias(t *testing.T) {
	e := status.Entry{Type: status.TypeBitstringEntry, Purpose: "revocation", Index: 1, Size: 1, ListCredential: listURL,
		Notes: make([]string, 1, 10)}
	l := &status.List{Type: status.TypeBitstringList, Purpose: []string{"revocation"}, Bits: list(t, 64), Len: 64, ID: "other"}
	r, err := status.Check(e, l, now)
	if err != nil {
		t.Fatal(err)
	}
	r.Notes[0] = "changed"
	if e.Notes[:1][0] != "" || e.Notes[:2][1] != "" {
		t.Errorf("Check wrote into the entry's notes")
	}
}

func BenchmarkCheck(b *testing.B) {
	bits := list(b, status.MinBits, 7, 4242)
	encoded, err := status.EncodeList(bits)
	if err != nil {
		b.Fatal(err)
	}
	l, err := status.ParseListCredential(marshal(b, credential(b, encoded)))
	if err != nil {
		b.Fatal(err)
	}
	e := status.Entry{Type: status.TypeBitstringEntry, Purpose: "revocation", Index: 4242, Size: 1, ListCredential: "https://example.edu/status/1"}
	b.ReportAllocs()
	for b.Loop() {
		r, err := status.Check(e, l, now)
		if err != nil || !r.Set {
			b.Fatalf("Check = %+v, %v", r, err)
		}
	}
}
