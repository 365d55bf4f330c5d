package model_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/satchel-wallet/satchel/verifier/model"
)

// FuzzCheck feeds Check every JSON object the fuzzer can make: it must not
// panic, must report only registered rules, must stay within MaxFindings
// and must say the same thing twice.
func FuzzCheck(f *testing.F) {
	for _, d := range []map[string]any{vc1(), vc2(), vp2()} {
		b, _ := json.Marshal(d)
		f.Add(b)
	}
	f.Add([]byte(obJSON))
	clr, _ := json.Marshal(clrCred(f))
	f.Add(clr)
	f.Add([]byte(`{"@context":[{"@protected":true,"a":{"@id":"x:y","@protected":true}},{"a":null,"@vocab":7}],"type":"VerifiableCredential","credentialSubject":[{}],"issuer":{"id":[]}}`))
	f.Add([]byte(`{"type":["VerifiablePresentation"],"verifiableCredential":[{"type":"EnvelopedVerifiableCredential"},"x",1,null,{"type":["VerifiableCredential","ClrCredential"],"credentialSubject":{"verifiableCredential":[{}]}}]}`))
	for _, name := range []string{
		"1edtech-validator-fixtures/ob30/complete.json",
		"1edtech-validator-fixtures/clr20/simple.json",
		"w3c-vc-test-suite-v1/example-015-zkp-vp.jsonld",
	} {
		if b, err := os.ReadFile(filepath.Join(vectorsDir, name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, useNumber := range []bool{false, true} {
			dec := json.NewDecoder(bytes.NewReader(data))
			if useNumber {
				dec.UseNumber()
			}
			var doc map[string]any
			if dec.Decode(&doc) != nil {
				return
			}
			sum, findings := model.Check(doc)
			if len(findings) > model.MaxFindings+1 {
				t.Fatalf("%d findings", len(findings))
			}
			for _, fd := range findings {
				if model.RuleDescription(fd.Rule) == "" || fd.Detail == "" {
					t.Fatalf("finding %+v: unregistered rule or no detail", fd)
				}
			}
			sum2, findings2 := model.Check(doc)
			if diff := cmp.Diff(findings, findings2); diff != "" {
				t.Fatalf("findings differ between runs:\n%s", diff)
			}
			if diff := cmp.Diff(sum, sum2); diff != "" {
				t.Fatalf("summaries differ between runs:\n%s", diff)
			}
		}
	})
}
