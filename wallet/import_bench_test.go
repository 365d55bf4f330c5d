package wallet_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/satchel-wallet/satchel/verifier"
	"github.com/satchel-wallet/satchel/verifier/did"
	"github.com/satchel-wallet/satchel/verifier/proof"
	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

// BenchmarkImport1000Verified imports 1,000 signed OB 3.0 credentials in one
// batch, each verified (eddsa-rdfc-2022, did:web issuer from the cache)
// before it is stored. Goal: ≤ 3 s on one core.
func BenchmarkImport1000Verified(b *testing.B) {
	const issuer = "did:web:etranscript.example:institutions:sierra-vista"
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	mk, _ := did.MultikeyEncode(key.Public())
	cache := did.NewCache()
	doc, _ := json.Marshal(map[string]any{"id": issuer,
		"verificationMethod": []any{map[string]any{"id": issuer + "#key-1", "type": "Multikey", "controller": issuer, "publicKeyMultibase": mk}},
		"assertionMethod":    []string{issuer + "#key-1"}})
	if _, err := cache.Add(doc, issued); err != nil {
		b.Fatal(err)
	}
	creds := make([][]byte, 1000)
	for i := range creds {
		c := map[string]any{
			"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
			"id":        fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i),
			"type":      []any{"VerifiableCredential", "AchievementCredential"},
			"name":      fmt.Sprintf("ECE %d Child Development", 100+i%50),
			"issuer":    map[string]any{"id": issuer, "type": []any{"Profile"}, "name": "Sierra Vista Community College"},
			"validFrom": "2026-01-01T00:00:00Z",
			"credentialSubject": map[string]any{"type": []any{"AchievementSubject"},
				"achievement": map[string]any{"id": fmt.Sprintf("https://etranscript.example/institutions/sierra-vista/achievements/college/ECE-%d", 100+i%50),
					"type": []any{"Achievement"}, "achievementType": "Course", "name": fmt.Sprintf("ECE %d Child Development", 100+i%50),
					"description": "Child growth and development.", "criteria": map[string]any{"narrative": "Pass with C or better."}}},
		}
		signed, err := proof.Sign(context.Background(), c, proof.NewSigner(key, issuer+"#key-1"), proof.Options{Created: issued})
		if err != nil {
			b.Fatal(err)
		}
		creds[i], _ = json.Marshal(signed)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		st, err := sqlitestore.Open(ctx, filepath.Join(b.TempDir(), "wallet.db"), sqlitestore.Options{})
		if err != nil {
			b.Fatal(err)
		}
		w := &wallet.Wallet{Store: st, Verifier: verifier.Options{DIDs: &did.Local{Cache: cache}}, Clock: func() time.Time { return issued.Add(time.Hour) }}
		b.StartTimer()
		if _, err := w.ImportBatch(ctx, creds, wallet.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}
