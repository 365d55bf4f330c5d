package sqlitestore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/satchel-wallet/satchel/wallet"
	"github.com/satchel-wallet/satchel/wallet/sqlitestore"
)

// Open a wallet, keep a credential, find it again, and refuse it the second
// time.
func ExampleOpen() {
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

	c := wallet.Credential{
		Raw: []byte(`{"id":"urn:uuid:8c0c3a52-0b8e-4f4e-9d43-1f0c2b7e5a10","type":["VerifiableCredential","AchievementCredential"]}`),
		Entry: wallet.Entry{
			Format: "ldp_vc", CredentialID: "urn:uuid:8c0c3a52-0b8e-4f4e-9d43-1f0c2b7e5a10",
			IssuerID: "did:web:sv.example", IssuerName: "Sierra Vista Community College",
			Kind: wallet.KindCollege, Title: "Emergency Medical Technician",
			IssuedAt: time.Date(2026, 1, 20, 0, 0, 0, 0, time.UTC),
			Credits:  []wallet.Credit{{Course: "EMS 101", College: "Sierra Vista Community College", Units: 5}},
			Status:   wallet.StatusVerified,
		},
	}
	if err := st.AddCredential(ctx, &c); err != nil {
		log.Fatal(err)
	}
	page, err := st.Search(ctx, wallet.Query{Text: "ems 101"})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range page.Entries {
		fmt.Printf("#%d %s (%s, %s)\n", e.ID, e.Title, e.IssuerName, e.Kind)
	}
	again := c
	err = st.AddCredential(ctx, &again)
	fmt.Println(errors.Is(err, wallet.ErrDuplicate), err)
	// Output:
	// #1 Emergency Medical Technician (Sierra Vista Community College, college)
	// true add credential: credential already in the wallet as #1 (same bytes)
}
