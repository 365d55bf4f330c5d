package schemas_test

import (
	"errors"
	"fmt"
	"strings"
	"testing/fstest"

	"github.com/satchel-wallet/satchel/schemas"
)

func ExampleCanonicalize() {
	credential := []byte(`{
	  "@context": ["https://www.w3.org/ns/credentials/v2"],
	  "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
	  "type": ["VerifiableCredential"],
	  "issuer": "did:web:college.example",
	  "credentialSubject": {"id": "did:example:learner"}
	}`)
	nquads, err := schemas.Canonicalize(credential, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(nquads)
	// Output:
	// <urn:uuid:00000000-0000-4000-8000-000000000001> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .
	// <urn:uuid:00000000-0000-4000-8000-000000000001> <https://www.w3.org/2018/credentials#credentialSubject> <did:example:learner> .
	// <urn:uuid:00000000-0000-4000-8000-000000000001> <https://www.w3.org/2018/credentials#issuer> <did:web:college.example> .
}

func ExampleCanonicalize_undefinedTerm() {
	credential := []byte(`{
	  "@context": ["https://www.w3.org/ns/credentials/v2"],
	  "type": ["VerifiableCredential"],
	  "credentialSubject": {"gpa": "3.9"}
	}`)
	_, err := schemas.Canonicalize(credential, nil)
	fmt.Println(err)
	fmt.Println(errors.Is(err, schemas.ErrUndefinedTerm))
	// Output:
	// schemas: term "gpa" at credentialSubject.gpa does not expand to an IRI
	// true
}

func ExampleLoader_With() {
	// In a program: extra, err := schemas.DefaultLoader().With(os.DirFS(dir)).
	dir := fstest.MapFS{
		"index.json":    {Data: []byte(`{"https://example.org/gpa/v1": "gpa-v1.jsonld"}`)},
		"gpa-v1.jsonld": {Data: []byte(`{"@context": {"gpa": "https://example.org/gpa#gpa"}}`)},
	}
	loader, err := schemas.DefaultLoader().With(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	credential := []byte(`{
	  "@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/gpa/v1"],
	  "type": ["VerifiableCredential"],
	  "credentialSubject": {"gpa": "3.9"}
	}`)
	nquads, err := schemas.Canonicalize(credential, loader)
	fmt.Println(strings.Contains(nquads, `<https://example.org/gpa#gpa> "3.9"`), err)
	// Output: true <nil>
}

func ExampleLoader_LoadDocument_unknown() {
	_, err := schemas.DefaultLoader().LoadDocument("https://example.org/not-embedded/v1")
	fmt.Println(err)
	fmt.Println(errors.Is(err, schemas.ErrUnknownContext))
	// Output:
	// unknown JSON-LD context https://example.org/not-embedded/v1: contexts are never fetched
	// true
}
