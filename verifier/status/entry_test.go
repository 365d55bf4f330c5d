package status_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/verifier/status"
)

const listURL = "https://example.edu/status/1"

// entry writes a BitstringStatusListEntry with fields overridden (a nil
// value deletes the field).
func entry(fields map[string]any) string {
	e := map[string]any{
		"id":                   listURL + "#7",
		"type":                 "BitstringStatusListEntry",
		"statusPurpose":        "revocation",
		"statusListIndex":      "7",
		"statusListCredential": listURL,
	}
	for k, v := range fields {
		if v == nil {
			delete(e, k)
		} else {
			e[k] = v
		}
	}
	b, _ := json.Marshal(e)
	return string(b)
}

func TestEntries(t *testing.T) {
	revocation7 := status.Entry{ID: listURL + "#7", Type: status.TypeBitstringEntry, Purpose: "revocation", Index: 7, Size: 1, ListCredential: listURL}
	tests := []struct {
		name    string
		raw     string
		want    []status.Entry
		wantErr string // substring; the field at fault
		// unsupported is the type (or "type/purpose") of the expected
		// *UnsupportedError.
		unsupported string
	}{
		{name: "ok/object", raw: entry(nil), want: []status.Entry{revocation7}},
		{name: "ok/array", raw: "[" + entry(nil) + "," + entry(map[string]any{"statusPurpose": "suspension", "statusListIndex": "0", "id": nil}) + "]",
			want: []status.Entry{revocation7, {Type: status.TypeBitstringEntry, Purpose: "suspension", Index: 0, Size: 1, ListCredential: listURL}}},
		{name: "ok/absent", raw: "", want: nil},
		{name: "ok/null", raw: "null", want: nil},
		{name: "ok/empty-array", raw: "[]", want: nil},
		{name: "ok/statuslist2021", raw: entry(map[string]any{"type": "StatusList2021Entry", "id": nil}),
			want: []status.Entry{{Type: status.Type2021Entry, Purpose: "revocation", Index: 7, Size: 1, ListCredential: listURL}}},
		{name: "ok/type-array", raw: entry(map[string]any{"type": []string{"Extra", "BitstringStatusListEntry"}}), want: []status.Entry{revocation7}},
		{name: "ok/index-as-json-number-is-noted", raw: entry(map[string]any{"statusListIndex": 7}),
			want: []status.Entry{withNotes(revocation7, "statusListIndex is a JSON number; the specification requires a string")}},
		{name: "ok/large-index", raw: entry(map[string]any{"statusListIndex": "18446744073709551615"}),
			want: []status.Entry{withIndex(revocation7, 1<<64-1)}},
		{name: "ok/null-id-is-absent", raw: entry(map[string]any{"id": json.RawMessage("null")}),
			want: []status.Entry{withID(revocation7, "")}},
		{name: "ok/message-statusSize-2", raw: entry(map[string]any{"statusPurpose": "message", "statusSize": 2, "statusMessage": []any{
			map[string]any{"status": "0x0", "message": "pending_review"},
			map[string]any{"status": "0x1", "message": "accepted"},
			map[string]any{"status": "0x2", "message": "rejected"},
			map[string]any{"status": "0x3", "message": "undefined"},
		}}), want: []status.Entry{{ID: listURL + "#7", Type: status.TypeBitstringEntry, Purpose: "message", Index: 7, Size: 2, ListCredential: listURL,
			Messages: []status.Message{{0, "pending_review"}, {1, "accepted"}, {2, "rejected"}, {3, "undefined"}}}}},
		{name: "ok/refresh", raw: entry(map[string]any{"statusPurpose": "refresh"}), want: []status.Entry{withPurpose(revocation7, "refresh")}},

		{name: "fail/unsupported-type", raw: `{"id": "did:example:status", "type": "CredentialStatusList2017"}`, unsupported: "CredentialStatusList2017"},
		{name: "fail/unsupported-type-array", raw: entry(map[string]any{"type": []string{"A", "B"}}), unsupported: "A,B"},
		{name: "fail/unsupported-purpose", raw: entry(map[string]any{"statusPurpose": "notarisation"}), unsupported: "BitstringStatusListEntry/notarisation"},
		{name: "fail/missing-type", raw: entry(map[string]any{"type": nil}), wantErr: "type: missing"},
		{name: "fail/type-not-a-string", raw: entry(map[string]any{"type": 2}), wantErr: "type: must be a string"},
		{name: "fail/missing-index", raw: entry(map[string]any{"statusListIndex": nil}), wantErr: "statusListIndex: missing"},
		{name: "fail/non-numeric-index", raw: entry(map[string]any{"statusListIndex": "seven"}), wantErr: `statusListIndex: "seven" is not a non-negative integer`},
		{name: "fail/negative-index", raw: entry(map[string]any{"statusListIndex": "-1"}), wantErr: "statusListIndex"},
		{name: "fail/signed-index", raw: entry(map[string]any{"statusListIndex": "+1"}), wantErr: "statusListIndex"},
		{name: "fail/empty-index", raw: entry(map[string]any{"statusListIndex": ""}), wantErr: "statusListIndex"},
		{name: "fail/index-overflows", raw: entry(map[string]any{"statusListIndex": "18446744073709551616"}), wantErr: "statusListIndex"},
		{name: "fail/fractional-number-index", raw: entry(map[string]any{"statusListIndex": 7.5}), wantErr: "statusListIndex: 7.5 is not"},
		{name: "fail/negative-number-index", raw: entry(map[string]any{"statusListIndex": -7}), wantErr: "statusListIndex: -7 is not"},
		{name: "fail/boolean-index", raw: entry(map[string]any{"statusListIndex": true}), wantErr: "statusListIndex: true is not"},
		{name: "fail/missing-statusListCredential", raw: entry(map[string]any{"statusListCredential": nil}), wantErr: "statusListCredential: missing"},
		{name: "fail/relative-statusListCredential", raw: entry(map[string]any{"statusListCredential": "/status/1"}), wantErr: "statusListCredential: \"/status/1\" is not an absolute URL"},
		{name: "fail/statusListCredential-not-a-string", raw: entry(map[string]any{"statusListCredential": []string{listURL}}), wantErr: "statusListCredential: must be a string"},
		{name: "fail/missing-purpose", raw: entry(map[string]any{"statusPurpose": nil}), wantErr: "statusPurpose: missing"},
		{name: "fail/empty-purpose", raw: entry(map[string]any{"statusPurpose": ""}), wantErr: "statusPurpose: empty"},
		{name: "fail/purpose-not-a-string", raw: entry(map[string]any{"statusPurpose": 1}), wantErr: "statusPurpose: must be a string"},
		{name: "fail/id-not-a-string", raw: entry(map[string]any{"id": []string{"a", "b"}}), wantErr: "id: must be a string"},
		{name: "fail/statusSize-0", raw: entry(map[string]any{"statusSize": 0}), wantErr: "statusSize: 0 is not a positive integer"},
		{name: "fail/statusSize-65", raw: entry(map[string]any{"statusSize": 65, "statusMessage": []any{}}), wantErr: "statusSize: 65 bits per entry is not supported"},
		{name: "fail/statusSize-2-without-statusMessage", raw: entry(map[string]any{"statusSize": 2}), wantErr: "statusMessage: required"},
		{name: "fail/statusMessage-not-hex", raw: entry(map[string]any{"statusSize": 2, "statusMessage": []any{map[string]any{"status": "two", "message": "x"}}}), wantErr: `statusMessage[0].status: "two" is not a hexadecimal value`},
		{name: "fail/statusMessage-value-too-big", raw: entry(map[string]any{"statusSize": 2, "statusMessage": []any{map[string]any{"status": "0x4", "message": "x"}}}), wantErr: "below 4"},
		{name: "fail/statusMessage-missing-status", raw: entry(map[string]any{"statusSize": 2, "statusMessage": []any{map[string]any{"message": "x"}}}), wantErr: "statusMessage[0].status: missing"},
		{name: "fail/statusMessage-too-many", raw: entry(map[string]any{"statusMessage": []any{map[string]any{"status": "0x0"}, map[string]any{"status": "0x1"}, map[string]any{"status": "0x1"}}}), wantErr: "3 messages for 2 possible values"},
		{name: "fail/string", raw: `"https://example.edu/status/1#7"`, wantErr: "must be an object or an array"},
		{name: "fail/array-of-strings", raw: `["x"]`, wantErr: "credentialStatus[0]: must be an object"},
		{name: "fail/bad-json", raw: `[{"type":`, wantErr: "credentialStatus"},
		{name: "fail/too-many-entries", raw: "[" + strings.Repeat(entry(nil)+",", status.MaxEntries) + entry(nil) + "]", wantErr: "65 entries, limit 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := status.Entries(json.RawMessage(tt.raw))
			if tt.wantErr == "" && tt.unsupported == "" {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Entries (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("Entries = %+v, want an error", got)
			}
			t.Logf("error: %v", err)
			if tt.unsupported != "" {
				var u *status.UnsupportedError
				if !errors.As(err, &u) {
					t.Fatalf("Entries = %v, want an *UnsupportedError", err)
				}
				name := u.Type
				if u.Purpose != "" {
					name += "/" + u.Purpose
				}
				if name != tt.unsupported {
					t.Errorf("UnsupportedError for %q, want %q", name, tt.unsupported)
				}
				return
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Entries = %v, want it to name %q", err, tt.wantErr)
			}
		})
	}
}

// TestEntriesPartial: one bad entry does not hide the good ones, and the
// error still says the status is not fully readable.
func TestEntriesPartial(t *testing.T) {
	raw := fmt.Sprintf(`[%s, {"type": "CredentialStatusList2017"}, %s]`,
		entry(nil), entry(map[string]any{"statusListIndex": "x"}))
	got, err := status.Entries(json.RawMessage(raw))
	if len(got) != 1 || got[0].Index != 7 {
		t.Errorf("Entries = %+v, want the one good entry", got)
	}
	var u *status.UnsupportedError
	if !errors.As(err, &u) || u.Type != "CredentialStatusList2017" {
		t.Errorf("Entries error %v does not carry the unsupported type", err)
	}
	want := `credentialStatus[1]: unsupported status type CredentialStatusList2017; credentialStatus[2]: statusListIndex: "x" is not a non-negative integer`
	if err == nil || err.Error() != want {
		t.Errorf("Entries error:\n got %v\nwant %s", err, want)
	}
}

func withNotes(e status.Entry, notes ...string) status.Entry { e.Notes = notes; return e }
func withIndex(e status.Entry, i uint64) status.Entry        { e.Index = i; return e }
func withID(e status.Entry, id string) status.Entry          { e.ID = id; return e }
func withPurpose(e status.Entry, p string) status.Entry      { e.Purpose = p; return e }
