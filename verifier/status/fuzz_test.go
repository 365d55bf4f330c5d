package status_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier/status"
)

// The fuzz tests check that hostile input yields an error, never a panic,
// and that what is accepted is within the limits. Memory is bounded by the
// limits themselves (MaxCredentialBytes, MaxCompressedBytes, MaxListBytes).

func FuzzDecodeList(f *testing.F) {
	small := gz(f, []byte{0x80, 0x01, 0xff})
	f.Add("u" + base64.RawURLEncoding.EncodeToString(small))
	f.Add(base64.RawURLEncoding.EncodeToString(small))
	f.Add(base64.StdEncoding.EncodeToString(small))
	f.Add("uH4sIAAAAAAAAA-3BMQEAAAwCoGUx6aLbwgvIHwAAAAAAAAAAAAAAwFwBZnztF9QwAAA")
	f.Add("uH4sIAAAAAAAAA-I-CHANGED-THISAAwFwBZnztF9QwAAA")
	f.Add("u")
	f.Add("")
	f.Add("H4sI")
	f.Fuzz(func(t *testing.T, encoded string) {
		bits, err := status.DecodeList(encoded)
		if err != nil {
			if bits != nil {
				t.Errorf("DecodeList returned bits with error %v", err)
			}
			return
		}
		if len(bits) == 0 || len(bits) > status.MaxListBytes {
			t.Fatalf("DecodeList accepted a list of %d bytes", len(bits))
		}
		// Whatever decodes, re-encodes to the same bits (EncodeList needs
		// the minimum size, so pad short lists first).
		padded := append(bytes.Clone(bits), make([]byte, max(0, status.MinBits/8-len(bits)))...)
		again, err := status.EncodeList(padded)
		if err != nil {
			t.Fatal(err)
		}
		back, err := status.DecodeList(again)
		if err != nil || !bytes.Equal(back, padded) {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}

func FuzzEntries(f *testing.F) {
	f.Add(entry(nil))
	f.Add("[" + entry(nil) + "," + entry(map[string]any{"type": "StatusList2021Entry", "statusListIndex": 3}) + "]")
	f.Add(entry(map[string]any{"statusPurpose": "message", "statusSize": 2, "statusMessage": []any{
		map[string]any{"status": "0x0", "message": "a"}, map[string]any{"status": "0x3", "message": "b"}}}))
	f.Add(`{"type": "CredentialStatusList2017"}`)
	f.Add(`{"type": ["BitstringStatusListEntry"], "statusListIndex": null}`)
	f.Add(`[null, 1, "x", {}]`)
	f.Add(`nul`)
	f.Fuzz(func(t *testing.T, raw string) {
		entries, err := status.Entries(json.RawMessage(raw))
		if len(entries) > status.MaxEntries {
			t.Fatalf("Entries returned %d entries", len(entries))
		}
		for _, e := range entries {
			if e.Type != status.TypeBitstringEntry && e.Type != status.Type2021Entry {
				t.Errorf("entry of type %q", e.Type)
			}
			if e.Size < 1 || e.Size > status.MaxStatusSize || e.ListCredential == "" || e.Purpose == "" {
				t.Errorf("entry %+v escaped validation", e)
			}
			// Any entry must check without panicking against any list.
			l := &status.List{Type: status.TypeBitstringList, Purpose: []string{e.Purpose}, Bits: make([]byte, 4), Len: 32}
			_, _ = status.Check(e, l, time.Time{})
		}
		_ = err
	})
}

func FuzzParseListCredential(f *testing.F) {
	encoded := multibase(f, []byte{0x12, 0x34})
	f.Add(marshal(f, credential(f, encoded)))
	doc := credential(f, encoded[1:])
	doc["type"] = "StatusList2021Credential"
	subject(doc)["type"] = "StatusList2021"
	doc["issuanceDate"] = "2020-01-01T00:00:00"
	f.Add(marshal(f, doc))
	for _, name := range []string{
		"dcc-vc-test-fixtures/statusLists/didkey-ed25519Signature2020/e5WK8CbZ1GjycuPombrj",
		"dcc-vc-test-fixtures/statusLists/didkey-ed25519Signature2020/tampered",
		"1edtech-validator-fixtures/ob30/bit-string-list/testlist",
	} {
		if raw, err := os.ReadFile(filepath.Join(vectors, name)); err == nil {
			f.Add(raw)
		}
	}
	f.Add([]byte(`{"credentialSubject": [{"type": "BitstringStatusList"}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		l, err := status.ParseListCredential(raw)
		if err != nil {
			if l != nil {
				t.Errorf("ParseListCredential returned a list with error %v", err)
			}
			return
		}
		if l.Len != len(l.Bits)*8 || l.Len == 0 || len(l.Bits) > status.MaxListBytes || len(l.Purpose) == 0 {
			t.Fatalf("ParseListCredential accepted %+v", l)
		}
		if l.Type != status.TypeBitstringList && l.Type != status.Type2021List {
			t.Fatalf("list of type %q", l.Type)
		}
		e := status.Entry{Type: status.TypeBitstringEntry, Purpose: l.Purpose[0], Index: uint64(l.Len) - 1, Size: 1}
		if l.Type == status.Type2021List {
			e.Type = status.Type2021Entry
		}
		_, _ = status.Check(e, l, time.Now())
	})
}
