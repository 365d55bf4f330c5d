package status_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/satchel-wallet/satchel/verifier/status"
)

// gz compresses data for tests. BestSpeed: the race detector makes
// compressing the large lists of the limit tests slow at other levels.
func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// multibase writes an encodedList by hand, for lists EncodeList refuses.
func multibase(t testing.TB, bits []byte) string {
	return "u" + base64.RawURLEncoding.EncodeToString(gz(t, bits))
}

// list returns a bitstring of nbits bits with the given bits set.
func list(t testing.TB, nbits int, set ...uint64) []byte {
	t.Helper()
	bits := status.NewBitstring(nbits)
	for _, i := range set {
		if err := status.Set(bits, i, true); err != nil {
			t.Fatal(err)
		}
	}
	return bits
}

// credential is a BitstringStatusListCredential (VC 2.0) for tests; edit
// the map to make the variant a test needs.
func credential(t testing.TB, encoded string) map[string]any {
	t.Helper()
	return map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2"},
		"id":        "https://example.edu/status/1",
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    "did:example:issuer",
		"validFrom": "2025-01-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id":            "https://example.edu/status/1#list",
			"type":          "BitstringStatusList",
			"statusPurpose": "revocation",
			"encodedList":   encoded,
		},
	}
}

func subject(doc map[string]any) map[string]any {
	return doc["credentialSubject"].(map[string]any)
}

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
