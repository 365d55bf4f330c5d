package did_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"time"

	"github.com/satchel-wallet/satchel/verifier/did"
)

// A proof names its key with a DID URL; the verifier resolves it offline
// and gets the key authorised for the proof's purpose.
func ExampleResolveMethod() {
	r := &did.Local{Cache: did.NewCache()}
	vm, err := did.ResolveMethod(context.Background(), r,
		"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
		did.AssertionMethod)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, isEd25519 := vm.PublicKey.(ed25519.PublicKey)
	fmt.Println(vm.Type, isEd25519)
	// Output: Multikey true
}

// The wallet names its holder key with a did:key.
func ExampleKeyDID() {
	seed := make([]byte, ed25519.SeedSize) // the did:key specification's first test vector
	pub := ed25519.NewKeyFromSeed(seed).Public()
	id, err := did.KeyDID(pub)
	fmt.Println(id, err)
	// Output: did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp <nil>
}

// An institution's did:web document, preloaded (verify --did-document), is
// resolved without the network; an unknown did:web is not.
func ExampleCache() {
	cache := did.NewCache()
	_, err := cache.Add([]byte(`{
	  "id": "did:web:college.example",
	  "assertionMethod": [{
	    "id": "#key-1",
	    "type": "Multikey",
	    "controller": "did:web:college.example",
	    "publicKeyMultibase": "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	  }]
	}`), time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	r := &did.Local{Cache: cache} // no Web fetcher: offline only
	vm, err := did.ResolveMethod(context.Background(), r, "did:web:college.example#key-1", did.AssertionMethod)
	fmt.Println(vm.ID, err)
	_, err = did.ResolveMethod(context.Background(), r, "did:web:elsewhere.example#key-1", did.AssertionMethod)
	fmt.Println(errors.Is(err, did.ErrNotFound))
	// Output:
	// did:web:college.example#key-1 <nil>
	// true
}

func ExampleWebURL() {
	for _, id := range []string{"did:web:college.example", "did:web:college.example:issuers:nursing", "did:web:localhost%3A8443"} {
		u, _ := did.WebURL(id)
		fmt.Println(u)
	}
	// Output:
	// https://college.example/.well-known/did.json
	// https://college.example/issuers/nursing/did.json
	// https://localhost:8443/.well-known/did.json
}
