package wallet_test

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

// Create the holder's key at init, then unlock it to sign.
func ExampleKeyring() {
	dir, err := os.MkdirTemp("", "wallet-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	st, err := sqlitestore.Open(ctx, filepath.Join(dir, "wallet.db"), sqlitestore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	// The zero KDF is DefaultKDF (Argon2id, 64 MiB); this example is
	// cheaper. Rand defaults to crypto/rand.
	keys := &wallet.Keyring{Store: st, KDF: wallet.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}, Rand: newSeeded(42)}
	hk, err := keys.Create(ctx, []byte("my passphrase"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hk.DID)

	_, err = keys.Unlock(ctx, hk.DID, []byte("not my passphrase"))
	fmt.Println(errors.Is(err, wallet.ErrWrongPassphrase))

	signer, err := keys.Unlock(ctx, hk.DID, []byte("my passphrase"))
	if err != nil {
		log.Fatal(err)
	}
	sig, err := signer.Sign(nil, []byte("a presentation"), crypto.Hash(0))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(signer.VerificationMethod() == wallet.VerificationMethod(hk.DID), len(sig))
	// Output:
	// did:key:z6MkgYxgsVmGrbuLGhrsPVnXDZ4pLpwoG2qE9dFJg32WVDRX
	// true
	// true 64
}
