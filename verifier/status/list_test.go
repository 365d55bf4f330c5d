package status_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/satchel-wallet/satchel/verifier/status"
)

func TestParseListCredential(t *testing.T) {
	bits := list(t, status.MinBits, 3, status.MinBits-1)
	encoded, err := status.EncodeList(bits)
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	base := status.List{
		Type: status.TypeBitstringList, Purpose: []string{"revocation"}, Len: status.MinBits,
		ValidFrom: from, Issuer: "did:example:issuer", ID: "https://example.edu/status/1",
		Encoding: status.EncodingMultibase,
	}
	tests := []struct {
		name     string
		edit     func(doc, subject map[string]any)
		raw      []byte // instead of the edited credential
		want     status.List
		wantBits []byte // default: bits
		wantErr  string
		is       error
	}{
		{name: "ok/bitstring-vc2", edit: func(doc, s map[string]any) { doc["validUntil"] = "2027-01-01T00:00:00Z" },
			want: with(base, func(l *status.List) { l.ValidUntil = until })},
		{name: "ok/statuslist2021-vc11-without-prefix", edit: func(doc, s map[string]any) {
			doc["type"] = []any{"VerifiableCredential", "StatusList2021Credential"}
			delete(doc, "validFrom")
			doc["issuanceDate"] = "2025-01-01T00:00:00Z"
			doc["expirationDate"] = "2027-01-01T00:00:00Z"
			s["type"] = "StatusList2021"
			s["encodedList"] = encoded[1:]
		}, want: with(base, func(l *status.List) {
			l.Type, l.Encoding, l.ValidUntil = status.Type2021List, status.EncodingBase64URL, until
		})},
		{name: "ok/statuslist2021-with-prefix-is-noted", edit: func(doc, s map[string]any) {
			doc["type"] = "StatusList2021Credential"
			s["type"] = "StatusList2021"
		}, want: with(base, func(l *status.List) {
			l.Type = status.Type2021List
			l.Notes = []string{"encodedList of a StatusList2021 has a multibase 'u' prefix"}
		})},
		{name: "ok/bitstring-without-prefix-is-noted", edit: func(doc, s map[string]any) { s["encodedList"] = encoded[1:] },
			want: with(base, func(l *status.List) {
				l.Encoding = status.EncodingBase64URL
				l.Notes = []string{"encodedList is base64url without the multibase 'u' prefix that Bitstring Status List requires"}
			})},
		{name: "ok/purpose-array", edit: func(doc, s map[string]any) { s["statusPurpose"] = []any{"revocation", "suspension"} },
			want: with(base, func(l *status.List) { l.Purpose = []string{"revocation", "suspension"} })},
		{name: "ok/issuer-object", edit: func(doc, s map[string]any) {
			doc["issuer"] = map[string]any{"id": "did:example:issuer", "name": "Example"}
		},
			want: base},
		{name: "ok/subject-in-array", edit: func(doc, s map[string]any) { doc["credentialSubject"] = []any{s} }, want: base},
		{name: "ok/ttl", edit: func(doc, s map[string]any) { s["ttl"] = 300000 },
			want: with(base, func(l *status.List) { l.TTL = 5 * time.Minute })},
		{name: "ok/no-dates", edit: func(doc, s map[string]any) { delete(doc, "validFrom") },
			want: with(base, func(l *status.List) { l.ValidFrom = time.Time{} })},
		{name: "ok/date-without-zone-is-noted", edit: func(doc, s map[string]any) { doc["validFrom"] = "2025-01-01T00:00:00" },
			want: with(base, func(l *status.List) {
				l.Notes = []string{`validFrom "2025-01-01T00:00:00" has no time zone; read as UTC`}
			})},
		{name: "ok/short-list-is-noted", edit: func(doc, s map[string]any) { s["encodedList"] = multibase(t, list(t, 1024, 3)) },
			wantBits: list(t, 1024, 3),
			want: with(base, func(l *status.List) {
				l.Len = 1024
				l.Notes = []string{"status list has 1024 bits, fewer than the 131072 the specification requires for privacy"}
			})},

		{name: "fail/not-json", raw: []byte("{"), wantErr: "not a JSON object"},
		{name: "fail/null", raw: []byte("null"), wantErr: "not a JSON object"},
		{name: "fail/array", raw: []byte("[]"), wantErr: "not a JSON object"},
		{name: "fail/too-large", raw: append([]byte(`{"x":"`), bytes.Repeat([]byte("a"), status.MaxCredentialBytes)...), is: status.ErrTooLarge},
		{name: "fail/missing-subject", edit: func(doc, s map[string]any) { delete(doc, "credentialSubject") }, wantErr: "credentialSubject: missing"},
		{name: "fail/two-subjects", edit: func(doc, s map[string]any) { doc["credentialSubject"] = []any{s, s} }, wantErr: "credentialSubject: must be one object"},
		{name: "fail/subject-type-unknown", edit: func(doc, s map[string]any) { s["type"] = "RevocationList2020" }, wantErr: "credentialSubject.type [RevocationList2020] is neither"},
		{name: "fail/subject-type-missing", edit: func(doc, s map[string]any) { delete(s, "type") }, wantErr: "credentialSubject.type: missing"},
		{name: "fail/credential-type-lacks-BitstringStatusListCredential", edit: func(doc, s map[string]any) { doc["type"] = []any{"VerifiableCredential"} },
			wantErr: "type [VerifiableCredential] lacks BitstringStatusListCredential"},
		{name: "fail/types-of-two-mechanisms", edit: func(doc, s map[string]any) { doc["type"] = "StatusList2021Credential" },
			wantErr: "lacks BitstringStatusListCredential"},
		{name: "fail/missing-purpose", edit: func(doc, s map[string]any) { delete(s, "statusPurpose") }, wantErr: "credentialSubject.statusPurpose: missing"},
		{name: "fail/empty-purpose-array", edit: func(doc, s map[string]any) { s["statusPurpose"] = []any{} }, wantErr: "credentialSubject.statusPurpose: empty"},
		{name: "fail/missing-encodedList", edit: func(doc, s map[string]any) { delete(s, "encodedList") }, wantErr: "credentialSubject.encodedList: missing"},
		{name: "fail/encodedList-not-a-string", edit: func(doc, s map[string]any) { s["encodedList"] = 12 }, wantErr: "credentialSubject.encodedList: must be a string"},
		{name: "fail/encodedList-bad-base64", edit: func(doc, s map[string]any) { s["encodedList"] = "u$$$" }, wantErr: "credentialSubject.encodedList: decode status list: encodedList is not multibase-base64url"},
		{name: "fail/encodedList-not-gzip", edit: func(doc, s map[string]any) { s["encodedList"] = "u" + base64.RawURLEncoding.EncodeToString(bits[:100]) }, wantErr: "not GZIP"},
		{name: "fail/gzip-bomb", edit: func(doc, s map[string]any) { s["encodedList"] = "u" + base64.RawURLEncoding.EncodeToString(bomb()) }, is: status.ErrTooLarge},
		{name: "fail/missing-issuer", edit: func(doc, s map[string]any) { delete(doc, "issuer") }, wantErr: "issuer: missing"},
		{name: "fail/issuer-without-id", edit: func(doc, s map[string]any) { doc["issuer"] = map[string]any{"name": "x"} }, wantErr: "issuer: must be a URL or an object with an id"},
		{name: "fail/bad-validFrom", edit: func(doc, s map[string]any) { doc["validFrom"] = "yesterday" }, wantErr: `validFrom: "yesterday" is not an RFC 3339 date-time`},
		{name: "fail/bad-expirationDate", edit: func(doc, s map[string]any) { doc["expirationDate"] = "2027" }, wantErr: `expirationDate: "2027" is not`},
		{name: "fail/validUntil-not-a-string", edit: func(doc, s map[string]any) { doc["validUntil"] = 2027 }, wantErr: "validUntil: must be a string"},
		{name: "fail/bad-ttl", edit: func(doc, s map[string]any) { s["ttl"] = "soon" }, wantErr: "credentialSubject.ttl"},
		{name: "fail/id-not-a-string", edit: func(doc, s map[string]any) { doc["id"] = 1 }, wantErr: "id: must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.raw
			if raw == nil {
				doc := credential(t, encoded)
				if tt.edit != nil {
					tt.edit(doc, subject(doc))
				}
				raw = marshal(t, doc)
			}
			got, err := status.ParseListCredential(raw)
			if tt.wantErr == "" && tt.is == nil {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, *got, cmpopts.IgnoreFields(status.List{}, "Bits"), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("ParseListCredential (-want +got):\n%s", diff)
				}
				want := tt.wantBits
				if want == nil {
					want = bits
				}
				if !bytes.Equal(got.Bits, want) {
					t.Errorf("ParseListCredential decoded the wrong bits")
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseListCredential succeeded, want an error")
			}
			t.Logf("error: %v", err)
			if !strings.HasPrefix(err.Error(), "status list credential: ") {
				t.Errorf("error %q does not say what was being parsed", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("ParseListCredential = %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseListCredential = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestListSubject(t *testing.T) {
	bits := list(t, status.MinBits, 42)
	t.Run("ok/revocation", func(t *testing.T) {
		s, err := status.ListSubject("https://example.edu/status/1#list", "revocation", bits)
		if err != nil {
			t.Fatal(err)
		}
		encoded, _ := s["encodedList"].(string)
		want := map[string]any{
			"id": "https://example.edu/status/1#list", "type": "BitstringStatusList",
			"statusPurpose": "revocation", "encodedList": encoded,
		}
		if diff := cmp.Diff(want, s); diff != "" {
			t.Errorf("ListSubject (-want +got):\n%s", diff)
		}
		// What the issuer signs, the verifier reads back.
		doc := credential(t, "")
		doc["credentialSubject"] = s
		l, err := status.ParseListCredential(marshal(t, doc))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(l.Bits, bits) || l.Encoding != status.EncodingMultibase || len(l.Notes) != 0 {
			t.Errorf("list read back: encoding %s, notes %q, bits equal %v", l.Encoding, l.Notes, bytes.Equal(l.Bits, bits))
		}
	})
	t.Run("ok/no-id", func(t *testing.T) {
		s, err := status.ListSubject("", "suspension", bits)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := s["id"]; ok {
			t.Errorf("ListSubject with no id wrote one: %v", s["id"])
		}
	})
	t.Run("fail/unknown-purpose", func(t *testing.T) {
		_, err := status.ListSubject("", "revoke", bits)
		var u *status.UnsupportedError
		if !errors.As(err, &u) || u.Purpose != "revoke" {
			t.Errorf("ListSubject = %v, want an unsupported purpose", err)
		}
	})
	t.Run("fail/too-small", func(t *testing.T) {
		_, err := status.ListSubject("", "revocation", bits[:100])
		if !errors.Is(err, status.ErrTooSmall) {
			t.Errorf("ListSubject = %v, want ErrTooSmall", err)
		}
	})
}

func with(l status.List, edit func(*status.List)) status.List {
	edit(&l)
	return l
}
