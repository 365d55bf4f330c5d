package status_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/satchel-wallet/satchel/verifier/status"
)

// The issuer revokes credential 42 and publishes its list; a verifier,
// offline, checks a credential that points at entry 42.
func Example() {
	// Issuer: a list of the minimum size with entry 42 set.
	bits := status.NewBitstring(status.MinBits)
	if err := status.Set(bits, 42, true); err != nil {
		panic(err)
	}
	subject, err := status.ListSubject("https://college.example/status/1#list", status.PurposeRevocation, bits)
	if err != nil {
		panic(err)
	}
	listCredential, _ := json.Marshal(map[string]any{
		"@context":          []string{"https://www.w3.org/ns/credentials/v2"},
		"id":                "https://college.example/status/1",
		"type":              []string{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":            "did:web:college.example",
		"validFrom":         "2026-01-01T00:00:00Z",
		"credentialSubject": subject,
		// … and a proof, which the issuer adds when signing.
	})

	// Verifier: the list was preloaded (verify --status-list URL=FILE).
	cache := status.NewCache()
	cache.Add("https://college.example/status/1", listCredential, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))

	entries, err := status.Entries(json.RawMessage(`{
		"id": "https://college.example/status/1#42",
		"type": "BitstringStatusListEntry",
		"statusPurpose": "revocation",
		"statusListIndex": "42",
		"statusListCredential": "https://college.example/status/1"
	}`))
	if err != nil {
		panic(err)
	}
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, e := range entries {
		raw, err := cache.StatusListCredential(context.Background(), e.ListCredential)
		if err != nil {
			fmt.Println(err)
			continue
		}
		// Here the verifier verifies the list credential's proof.
		l, err := status.ParseListCredential(raw)
		if err != nil {
			fmt.Println(err)
			continue
		}
		r, err := status.Check(e, l, at)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("entry %d: %s (ok: %v)\n", e.Index, r.Detail, r.OK)
	}
	// Output:
	// entry 42: revoked (ok: false)
}

// A status list the verifier does not hold is a failure to report, not a
// pass.
func ExampleCache_StatusListCredential_notFound() {
	cache := status.NewCache()
	_, err := cache.StatusListCredential(context.Background(), "https://college.example/status/9")
	fmt.Println(err)
	fmt.Println(errors.Is(err, status.ErrNotFound))
	// Output:
	// status list https://college.example/status/9 not available offline
	// true
}

// Status types other than the two this package reads are reported.
func ExampleEntries_unsupported() {
	_, err := status.Entries(json.RawMessage(`{"id": "https://example.edu/status/24", "type": "CredentialStatusList2017"}`))
	var u *status.UnsupportedError
	fmt.Println(errors.As(err, &u), u.Type)
	fmt.Println(err)
	// Output:
	// true CredentialStatusList2017
	// credentialStatus: unsupported status type CredentialStatusList2017
}
