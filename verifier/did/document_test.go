package did

import (
	"bytes"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mr-tron/base58"
)

const exampleDID = "did:example:issuer"

// obj is a JSON object under construction.
type obj = map[string]any

func raw(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testDoc returns a document with one Multikey method #key-1 (Ed25519,
// seed byte 1) under assertionMethod and one #key-2 (P-256) under
// authentication only, with edits applied.
func testDoc(t testing.TB, edit func(d obj)) []byte {
	t.Helper()
	ed := mustEd25519(t, 1)
	mb1 := must(MultikeyEncode(ed))
	mb2 := must(MultikeyEncode(mustECDSA(t, elliptic.P256())))
	d := obj{
		"@context": []any{"https://www.w3.org/ns/did/v1"},
		"id":       exampleDID,
		"verificationMethod": []any{
			obj{"id": "#key-1", "type": "Multikey", "controller": exampleDID, "publicKeyMultibase": mb1},
			obj{"id": exampleDID + "#key-2", "type": "Multikey", "controller": exampleDID, "publicKeyMultibase": mb2},
		},
		"assertionMethod": []any{"#key-1"},
		"authentication":  []any{"#key-2"},
	}
	if edit != nil {
		edit(d)
	}
	return raw(t, d)
}

// vm0 edits the first verification method of a testDoc.
func vm0(f func(m obj)) func(d obj) {
	return func(d obj) { f(d["verificationMethod"].([]any)[0].(obj)) }
}

func TestParseDocument(t *testing.T) {
	ed := mustEd25519(t, 1)
	edMB := must(MultikeyEncode(ed))
	p256 := mustECDSA(t, elliptic.P256())
	p256u := must(p256.Bytes())
	b64 := base64.RawURLEncoding.EncodeToString

	for _, tc := range []struct {
		name string
		raw  []byte
		want func(t *testing.T, d *Document)
	}{
		{"ok/relative ids made absolute", testDoc(t, nil), func(t *testing.T, d *Document) {
			if diff := cmp.Diff([]string{exampleDID + "#key-1"}, d.AssertionMethod); diff != "" {
				t.Errorf("AssertionMethod (-want +got):\n%s", diff)
			}
			if d.VerificationMethod[0].ID != exampleDID+"#key-1" || !equalKeys(d.VerificationMethod[0].PublicKey, ed) {
				t.Errorf("method 0 = %+v", d.VerificationMethod[0])
			}
		}},
		{"ok/embedded in assertionMethod only", raw(t, obj{
			"id":              exampleDID,
			"assertionMethod": []any{obj{"id": "#k", "type": "Ed25519VerificationKey2020", "controller": exampleDID, "publicKeyMultibase": edMB}},
		}), func(t *testing.T, d *Document) {
			if len(d.VerificationMethod) != 1 || d.VerificationMethod[0].ID != exampleDID+"#k" {
				t.Errorf("methods = %+v", d.VerificationMethod)
			}
			if diff := cmp.Diff([]string{exampleDID + "#k"}, d.AssertionMethod); diff != "" {
				t.Errorf("AssertionMethod (-want +got):\n%s", diff)
			}
		}},
		{"ok/embedded and listed, same key, kept once", raw(t, obj{
			"id":                 exampleDID,
			"verificationMethod": []any{obj{"id": "#k", "type": "Multikey", "controller": exampleDID, "publicKeyMultibase": edMB}},
			"assertionMethod":    []any{obj{"id": exampleDID + "#k", "type": "Multikey", "controller": exampleDID, "publicKeyMultibase": edMB}},
		}), func(t *testing.T, d *Document) {
			if len(d.VerificationMethod) != 1 {
				t.Errorf("%d methods, want 1", len(d.VerificationMethod))
			}
		}},
		{"ok/single values instead of arrays", raw(t, obj{
			"id":                 exampleDID,
			"controller":         "did:example:parent",
			"verificationMethod": obj{"id": "#k", "type": "Multikey", "controller": exampleDID, "publicKeyMultibase": edMB},
			"assertionMethod":    "#k",
		}), func(t *testing.T, d *Document) {
			if diff := cmp.Diff([]string{"did:example:parent"}, d.Controller); diff != "" {
				t.Errorf("Controller (-want +got):\n%s", diff)
			}
			if len(d.AssertionMethod) != 1 {
				t.Errorf("AssertionMethod = %v", d.AssertionMethod)
			}
		}},
		{"ok/all key encodings", raw(t, obj{
			"id": exampleDID,
			"verificationMethod": []any{
				obj{"id": "#mk", "type": "Multikey", "controller": exampleDID, "publicKeyMultibase": edMB},
				obj{"id": "#2020", "type": "Ed25519VerificationKey2020", "controller": exampleDID, "publicKeyMultibase": edMB},
				obj{"id": "#2018", "type": "Ed25519VerificationKey2018", "controller": exampleDID, "publicKeyBase58": base58.Encode(ed)},
				obj{"id": "#2018jwk", "type": "Ed25519VerificationKey2018", "controller": exampleDID, "publicKeyJwk": obj{"kty": "OKP", "crv": "Ed25519", "x": b64(ed)}},
				obj{"id": "#jwk2020", "type": "JsonWebKey2020", "controller": exampleDID, "publicKeyJwk": obj{"kty": "EC", "crv": "P-256", "x": b64(p256u[1:33]), "y": b64(p256u[33:])}},
				obj{"id": "#jwk", "type": "JsonWebKey", "controller": exampleDID, "publicKeyJwk": obj{"kty": "OKP", "crv": "Ed25519", "x": b64(ed)}},
			},
		}), func(t *testing.T, d *Document) {
			for _, vm := range d.VerificationMethod {
				want := any(ed)
				if vm.ID == exampleDID+"#jwk2020" {
					want = p256
				}
				if !equalKeys(vm.PublicKey, want) {
					t.Errorf("%s: wrong key %T", vm.ID, vm.PublicKey)
				}
			}
		}},
		{"ok/https controller document", raw(t, obj{
			"id":              "https://example.edu/issuers/565049",
			"assertionMethod": []any{obj{"id": "https://example.edu/issuers/565049#" + edMB, "type": "Ed25519VerificationKey2020", "controller": "https://example.edu/issuers/565049", "publicKeyMultibase": edMB}},
		}), nil},
		{"ok/unsupported method type kept without key", raw(t, obj{
			"id":                 exampleDID,
			"verificationMethod": []any{obj{"id": "#x", "type": "X25519KeyAgreementKey2020", "controller": exampleDID, "publicKeyMultibase": multibase(0xec, make([]byte, 32))}},
			"keyAgreement":       []any{"#x"},
		}), func(t *testing.T, d *Document) {
			if len(d.VerificationMethod) != 1 || d.VerificationMethod[0].PublicKey != nil {
				t.Errorf("methods = %+v", d.VerificationMethod)
			}
		}},
		{"ok/unsupported curve kept without key", raw(t, obj{
			"id":                 exampleDID,
			"verificationMethod": []any{obj{"id": "#k1", "type": "JsonWebKey2020", "controller": exampleDID, "publicKeyJwk": obj{"kty": "EC", "crv": "secp256k1", "x": "AA", "y": "AA"}}},
		}), nil},
		{"ok/reference to another DID's method", testDoc(t, func(d obj) { d["assertionMethod"] = []any{"#key-1", "did:example:other#k"} }), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseDocument(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(d.Raw, tc.raw) {
				t.Errorf("Raw is not the input")
			}
			if tc.want != nil {
				tc.want(t, d)
			}
		})
	}

	big := testDoc(t, func(d obj) { d["padding"] = strings.Repeat("x", MaxDocumentSize) })
	deep := []byte(`{"id":"did:example:a","x":` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + `}`)
	for _, tc := range []struct {
		name  string
		raw   []byte
		want  error
		fault string
	}{
		{"fail/too many methods", testDoc(t, func(d obj) {
			var vms []any
			for i := 0; i <= MaxMethods; i++ {
				vms = append(vms, obj{"id": fmt.Sprintf("#k%d", i), "type": "Multikey", "controller": exampleDID, "publicKeyMultibase": edMB})
			}
			d["verificationMethod"] = vms
		}), ErrInvalid, "more than 100 verification methods"},
		{"fail/not JSON", []byte("{"), ErrInvalid, "not valid JSON"},
		{"fail/empty", []byte("  "), ErrInvalid, "empty"},
		{"fail/array", []byte(`[{"id":"did:example:a"}]`), ErrInvalid, "not a JSON object"},
		{"fail/trailing data", []byte(`{"id":"did:example:a"} {}`), ErrInvalid, "after"},
		{"fail/not UTF-8", []byte("{\"id\":\"did:example:\xff\"}"), ErrInvalid, "UTF-8"},
		{"fail/oversized", big, ErrInvalid, "limit"},
		{"fail/too deep", deep, ErrInvalid, "nests deeper"},
		{"fail/duplicate member", []byte(`{"id":"did:example:a","id":"did:example:b"}`), ErrInvalid, "twice"},
		{"fail/duplicate member nested", testDoc(t, func(d obj) { d["service"] = json.RawMessage(`{"a":1,"a":2}`) }), ErrInvalid, "twice"},
		{"fail/no id", []byte(`{"verificationMethod":[]}`), ErrInvalid, "no \"id\""},
		{"fail/id not a string", []byte(`{"id":5}`), ErrInvalid, "string"},
		{"fail/id not a DID", []byte(`{"id":"issuer"}`), ErrInvalid, "neither a DID"},
		{"fail/id http URL", []byte(`{"id":"http://example.com/issuer"}`), ErrInvalid, "neither a DID"},
		{"fail/id with fragment", []byte(`{"id":"did:example:a#k"}`), ErrInvalid, "not allowed"},
		{"fail/bad DID method name", []byte(`{"id":"did:Example:a"}`), ErrInvalid, "method name"},
		{"fail/controller not a string", testDoc(t, func(d obj) { d["controller"] = 7 }), ErrInvalid, "controller"},
		{"fail/controller not a DID", testDoc(t, func(d obj) { d["controller"] = "someone" }), ErrInvalid, "controller"},
		{"fail/verificationMethod not objects", testDoc(t, func(d obj) { d["verificationMethod"] = []any{"#key-1"} }), ErrInvalid, "not an object"},
		{"fail/method without id", testDoc(t, vm0(func(m obj) { delete(m, "id") })), ErrInvalid, "without an \"id\""},
		{"fail/method id relative without #", testDoc(t, vm0(func(m obj) { m["id"] = "key-1" })), ErrInvalid, "neither a DID"},
		{"fail/method of another DID", testDoc(t, vm0(func(m obj) { m["id"] = "did:example:other#key-1" })), ErrInvalid, "not a fragment of"},
		{"fail/method id without fragment", testDoc(t, vm0(func(m obj) { m["id"] = exampleDID })), ErrInvalid, "not a fragment of"},
		{"fail/method without type", testDoc(t, vm0(func(m obj) { delete(m, "type") })), ErrInvalid, "type"},
		{"fail/method without controller", testDoc(t, vm0(func(m obj) { delete(m, "controller") })), ErrInvalid, "controller"},
		{"fail/method controller not a DID", testDoc(t, vm0(func(m obj) { m["controller"] = "me" })), ErrInvalid, "controller"},
		{"fail/two key properties", testDoc(t, vm0(func(m obj) { m["publicKeyBase58"] = base58.Encode(ed) })), ErrInvalid, "more than one key"},
		{"fail/multikey with jwk", testDoc(t, vm0(func(m obj) {
			delete(m, "publicKeyMultibase")
			m["publicKeyJwk"] = obj{"kty": "OKP", "crv": "Ed25519", "x": b64(ed)}
		})), ErrInvalid, "needs publicKeyMultibase"},
		{"fail/private key multibase", testDoc(t, vm0(func(m obj) { m["privateKeyMultibase"] = multibase(0x1300, make([]byte, 32)) })), ErrInvalid, "private key"},
		{"fail/secret key jwk", testDoc(t, vm0(func(m obj) { m["secretKeyJwk"] = obj{"kty": "OKP"} })), ErrInvalid, "private key"},
		{"fail/private key base58", testDoc(t, vm0(func(m obj) { m["privateKeyBase58"] = "abc" })), ErrInvalid, "private key"},
		{"fail/private jwk d", testDoc(t, vm0(func(m obj) {
			delete(m, "publicKeyMultibase")
			m["type"] = "JsonWebKey2020"
			m["publicKeyJwk"] = obj{"kty": "OKP", "crv": "Ed25519", "x": b64(ed), "d": b64(make([]byte, 32))}
		})), ErrInvalid, "private key"},
		{"fail/private jwk d in unsupported type", testDoc(t, vm0(func(m obj) {
			delete(m, "publicKeyMultibase")
			m["type"] = "SomethingElse2030"
			m["publicKeyJwk"] = obj{"kty": "OKP", "crv": "X25519", "x": b64(ed), "d": b64(make([]byte, 32))}
		})), ErrInvalid, "private key"},
		{"fail/private multikey as public", testDoc(t, vm0(func(m obj) { m["publicKeyMultibase"] = multibase(0x1300, make([]byte, 32)) })), ErrInvalid, "private key"},
		{"fail/bad multibase", testDoc(t, vm0(func(m obj) { m["publicKeyMultibase"] = "u" + b64(ed) })), ErrInvalid, "base58btc"},
		{"fail/wrong multicodec", testDoc(t, vm0(func(m obj) { m["publicKeyMultibase"] = multibase(0x77, ed) })), ErrInvalid, "unknown multicodec"},
		{"fail/wrong length", testDoc(t, vm0(func(m obj) { m["publicKeyMultibase"] = multibase(codecEd25519Pub, ed[:30]) })), ErrInvalid, "30 bytes"},
		{"fail/off-curve P-256", testDoc(t, vm0(func(m obj) { m["publicKeyMultibase"] = multibase(codecP256Pub, offCurve(t)) })), ErrInvalid, "curve"},
		{"fail/off-curve P-256 jwk", testDoc(t, vm0(func(m obj) {
			delete(m, "publicKeyMultibase")
			m["type"] = "JsonWebKey2020"
			m["publicKeyJwk"] = obj{"kty": "EC", "crv": "P-256", "x": b64(p256u[1:33]), "y": b64(p256u[1:33])}
		})), ErrInvalid, "curve"},
		{"fail/2020 with a P-256 key", testDoc(t, vm0(func(m obj) {
			m["type"] = "Ed25519VerificationKey2020"
			m["publicKeyMultibase"] = must(MultikeyEncode(p256))
		})), ErrInvalid, "holds a ECDSA P-256 key"},
		{"fail/2020 with secp256k1", testDoc(t, vm0(func(m obj) {
			m["type"] = "Ed25519VerificationKey2020"
			m["publicKeyMultibase"] = multibase(0xe7, make([]byte, 33))
		})), ErrUnsupportedKey, "secp256k1"},
		{"fail/2018 short key", testDoc(t, vm0(func(m obj) {
			delete(m, "publicKeyMultibase")
			m["type"] = "Ed25519VerificationKey2018"
			m["publicKeyBase58"] = base58.Encode(ed[:16])
		})), ErrInvalid, "16 bytes"},
		{"fail/2018 with secp256k1 jwk", testDoc(t, vm0(func(m obj) {
			delete(m, "publicKeyMultibase")
			m["type"] = "Ed25519VerificationKey2018"
			m["publicKeyJwk"] = obj{"kty": "EC", "crv": "secp256k1", "x": "AA", "y": "AA"}
		})), ErrUnsupportedKey, "secp256k1"},
		{"fail/multibase not a string", testDoc(t, vm0(func(m obj) { m["publicKeyMultibase"] = 5 })), ErrInvalid, "not a string"},
		{"fail/same id, different keys", testDoc(t, func(d obj) {
			d["assertionMethod"] = []any{obj{"id": "#key-1", "type": "Multikey", "controller": exampleDID, "publicKeyMultibase": must(MultikeyEncode(mustEd25519(t, 9)))}}
		}), ErrInvalid, "defined twice"},
		{"fail/relationship entry a number", testDoc(t, func(d obj) { d["assertionMethod"] = []any{5} }), ErrInvalid, "neither a method id nor an object"},
		{"fail/relationship entry relative without #", testDoc(t, func(d obj) { d["assertionMethod"] = []any{"key-1"} }), ErrInvalid, "assertionMethod[0]"},
		{"fail/relationship null", testDoc(t, func(d obj) { d["assertionMethod"] = nil }), ErrInvalid, "assertionMethod"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseDocument(tc.raw)
			if !errors.Is(err, tc.want) {
				t.Fatalf("ParseDocument = %+v, %v; want %v", d, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.fault) {
				t.Errorf("error %q does not mention %q", err, tc.fault)
			}
			if !strings.HasPrefix(err.Error(), "parse DID document: ") {
				t.Errorf("error %q does not name the operation", err)
			}
		})
	}
}

func TestDocumentMethod(t *testing.T) {
	doc, err := ParseDocument(testDoc(t, func(d obj) {
		d["controller"] = []any{"did:example:parent"}
		vms := d["verificationMethod"].([]any)
		vms = append(vms,
			obj{"id": "#parent", "type": "Multikey", "controller": "did:example:parent", "publicKeyMultibase": must(MultikeyEncode(mustEd25519(t, 3)))},
			obj{"id": "#stranger", "type": "Multikey", "controller": "did:example:stranger", "publicKeyMultibase": must(MultikeyEncode(mustEd25519(t, 4)))},
			obj{"id": "#x25519", "type": "X25519KeyAgreementKey2020", "controller": exampleDID, "publicKeyMultibase": multibase(0xec, make([]byte, 32))},
		)
		d["verificationMethod"] = vms
		d["assertionMethod"] = []any{"#key-1", "#parent", "#stranger", "#x25519", "did:example:other#k"}
		d["capabilityDelegation"] = []any{obj{"id": "#embedded", "type": "Multikey", "controller": exampleDID, "publicKeyMultibase": must(MultikeyEncode(mustEd25519(t, 5)))}}
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, id, rel string
		want          error
		fault         string
	}{
		{"ok/absolute", exampleDID + "#key-1", AssertionMethod, nil, ""},
		{"ok/relative", "#key-1", AssertionMethod, nil, ""},
		{"ok/authentication", "#key-2", Authentication, nil, ""},
		{"ok/embedded", "#embedded", CapabilityDelegation, nil, ""},
		{"ok/controller listed in the document", "#parent", AssertionMethod, nil, ""},
		{"fail/not in assertionMethod", "#key-2", AssertionMethod, ErrNotAuthorized, "not listed under assertionMethod"},
		{"fail/embedded elsewhere", "#embedded", AssertionMethod, ErrNotAuthorized, "not listed"},
		{"fail/controller mismatch", "#stranger", AssertionMethod, ErrNotAuthorized, "controlled by"},
		{"fail/unknown method", "#nope", AssertionMethod, ErrNotFound, "has no verification method"},
		{"fail/another DID's method", "did:example:other#k", AssertionMethod, ErrNotFound, "has no verification method"},
		{"fail/unsupported key", "#x25519", AssertionMethod, ErrUnsupportedKey, "X25519KeyAgreementKey2020"},
		{"fail/unknown relationship", "#key-1", "assertion", ErrInvalid, "relationship"},
		{"fail/empty relationship", "#key-1", "", ErrInvalid, "relationship"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vm, err := doc.Method(tc.id, tc.rel)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasSuffix(vm.ID, strings.TrimPrefix(tc.id, exampleDID)) || vm.PublicKey == nil {
					t.Errorf("Method = %+v", vm)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Method = %+v, %v; want %v", vm, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.fault) {
				t.Errorf("error %q does not mention %q", err, tc.fault)
			}
		})
	}
}

// TestDIDKeySpecDocument parses the did:key specification's own Ed25519
// document: an Ed25519VerificationKey2018 and an X25519 key agreement key.
func TestDIDKeySpecDocument(t *testing.T) {
	b, err := os.ReadFile("testdata/did-key-spec-ed25519-2018.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ParseDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	const did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
	vm, err := doc.Method(did+"#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", AssertionMethod)
	if err != nil {
		t.Fatal(err)
	}
	want := ed25519.NewKeyFromSeed(make([]byte, 32)).Public()
	if !equalKeys(vm.PublicKey, want) {
		t.Errorf("key is not the seed's")
	}
	if _, err := doc.Method(did+"#z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW", KeyAgreement); !errors.Is(err, ErrUnsupportedKey) {
		t.Errorf("X25519 key agreement key: %v, want ErrUnsupportedKey", err)
	}
	// The computed did:key document names the same key.
	computed, err := KeyDocument(did)
	if err != nil {
		t.Fatal(err)
	}
	if !equalKeys(computed.VerificationMethod[0].PublicKey, vm.PublicKey) {
		t.Errorf("KeyDocument's key differs from the specification's document")
	}
}
